{#-
    SLA attainment per ISO week (Monday start), ticket priority and SLA metric. An SLA counts in
    the week it was decided: achieved at its stop, breached when its target passed (due_at).
    Running SLAs are not counted yet. Every week from the first decided SLA to as_of is present
    for every priority of the objectives seed and every metric; a week with nothing decided
    has zero counts and null attainment. The rolling figures cover the 28 days (four weeks)
    ending with the week; the error budget is the breaches the objective allows over them
    minus the breaches that happened.
-#}
with

slas as (

    select
        ticket_id,
        metric,
        due_at,
        achieved_at,
        sla_status
    from {{ ref('fct_ticket_slas') }}
    where not is_deleted and sla_status in ('achieved', 'breached')

),

tickets as (

    select
        ticket_id,
        priority
    from {{ ref('fct_support_tickets') }}

),

objectives as (

    select
        priority,
        target_attainment
    from {{ ref('sla_objectives') }}

),

metric_names as (

    select 'first_reply_time' as metric
    union all
    select 'next_reply_time' as metric
    union all
    select 'requester_wait_time' as metric
    union all
    select 'agent_work_time' as metric
    union all
    select 'total_resolution_time' as metric

),

decided as (

    select
        slas.metric,
        tickets.priority,
        slas.sla_status,
        cast({{ dbt.date_trunc(
            'week',
            "case when slas.sla_status = 'breached' then slas.due_at else slas.achieved_at end"
        ) }} as date) as week_start
    from slas
    inner join tickets
        on slas.ticket_id = tickets.ticket_id

),

bounds as (

    select
        min(week_start) as first_week,
        cast({{ dbt.date_trunc('week', as_of()) }} as date) as last_week
    from decided

),

days as (

    select {{ date_series('first_week', 'last_week') }} as calendar_date
    from bounds

),

weeks as (

    select calendar_date as week_start
    from days
    where cast({{ dbt.date_trunc('week', 'calendar_date') }} as date) = calendar_date

),

weekly_counts as (

    select
        week_start,
        priority,
        metric,
        count(*) as slas_due,
        count(case when sla_status = 'achieved' then 1 end) as slas_achieved,
        count(case when sla_status = 'breached' then 1 end) as slas_breached
    from decided
    group by week_start, priority, metric

),

grid as (

    select
        weeks.week_start,
        objectives.priority,
        objectives.target_attainment,
        metric_names.metric,
        coalesce(weekly_counts.slas_due, 0) as slas_due,
        coalesce(weekly_counts.slas_achieved, 0) as slas_achieved,
        coalesce(weekly_counts.slas_breached, 0) as slas_breached
    from weeks
    cross join objectives
    cross join metric_names
    left join weekly_counts
        on
            weeks.week_start = weekly_counts.week_start
            and objectives.priority = weekly_counts.priority
            and metric_names.metric = weekly_counts.metric

),

rolling as (

    select
        week_start,
        priority,
        metric,
        target_attainment,
        slas_due,
        slas_achieved,
        slas_breached,
        cast(sum(slas_due) over (
            partition by priority, metric order by week_start rows between 3 preceding and current row
        ) as {{ dbt.type_bigint() }}) as rolling_28d_slas_due,
        cast(sum(slas_achieved) over (
            partition by priority, metric order by week_start rows between 3 preceding and current row
        ) as {{ dbt.type_bigint() }}) as rolling_28d_slas_achieved,
        cast(sum(slas_breached) over (
            partition by priority, metric order by week_start rows between 3 preceding and current row
        ) as {{ dbt.type_bigint() }}) as rolling_28d_slas_breached
    from grid

),

budgeted as (

    select
        week_start,
        priority,
        metric,
        target_attainment,
        slas_due,
        slas_achieved,
        slas_breached,
        rolling_28d_slas_due,
        rolling_28d_slas_achieved,
        rolling_28d_slas_breached,
        (1 - target_attainment) * rolling_28d_slas_due as allowed_breaches
    from rolling

),

final as (

    select
        {{ dbt.concat([
            'cast(week_start as ' ~ dbt.type_string() ~ ')', "':'", 'priority', "':'", 'metric'
        ]) }} as attainment_id,
        week_start,
        priority,
        metric,
        slas_due,
        slas_achieved,
        slas_breached,
        case
            when slas_due > 0 then cast(slas_achieved as {{ portable_type('double precision') }}) / slas_due
        end as attainment,
        rolling_28d_slas_due,
        rolling_28d_slas_achieved,
        rolling_28d_slas_breached,
        case
            when rolling_28d_slas_due > 0
                then
                    cast(rolling_28d_slas_achieved as {{ portable_type('double precision') }})
                    / rolling_28d_slas_due
        end as rolling_28d_attainment,
        target_attainment,
        allowed_breaches,
        allowed_breaches - rolling_28d_slas_breached as error_budget_remaining,
        case
            when allowed_breaches > 0 then (allowed_breaches - rolling_28d_slas_breached) / allowed_breaches
        end as error_budget_remaining_share
    from budgeted

)

select * from final
