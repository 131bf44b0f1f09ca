{#-
    The weekly series of every governed metric, long format. Each metric is counted in the week
    of the time dimension its semantic-layer definition uses (the YAML of the mart it reads), with
    the same filters; see fct_metrics_weekly.yml for the catalogue and DECISIONLOG.md for the
    choices. Every metric has every week from its first week with data to the week of as_of,
    for `all` and for each value of its segment dimension.
-#}
with

tickets as (

    select
        ticket_id,
        organization_id,
        priority,
        created_at,
        first_reply_at,
        first_reply_business_minutes,
        first_resolved_at,
        full_resolved_at,
        full_resolution_business_minutes,
        satisfaction,
        is_escalated,
        reopen_count
    from {{ ref('fct_support_tickets') }}
    where not is_deleted

),

organizations as (

    select
        organization_id,
        account_id
    from {{ ref('dim_zendesk_organizations') }}

),

accounts as (

    select
        account_id,
        segment,
        arr,
        is_paying_customer,
        created_at
    from {{ ref('dim_accounts') }}

),

first_reply_slas as (

    select
        ticket_id,
        sla_status,
        case when sla_status = 'breached' then due_at else achieved_at end as decided_at
    from {{ ref('fct_ticket_slas') }}
    where not is_deleted and metric = 'first_reply_time' and sla_status in ('achieved', 'breached')

),

issues as (

    select
        issue_id,
        priority_label,
        completed_at,
        is_completed,
        is_open,
        is_stale,
        is_forgotten,
        issue_kind,
        lead_time_minutes,
        cycle_time_minutes
    from {{ ref('fct_linear_issues') }}
    where not is_deleted

),

requests as (

    select
        request_id,
        channel,
        created_at,
        is_tracked
    from {{ ref('fct_support_requests') }}
    where not is_deleted

),

-- metric_kind: count (0 in a quiet week), median / p90 (null), ratio (null),
-- as_of_count (a state known at as_of only: one row, the week of as_of),
-- per_arr (tickets per 100k ARR). segment_kind: the dimension its segments come from.
catalogue as (

    select 'ticket_count' as metric_name, 'count' as metric_kind, 'customer_segment' as segment_kind
    union all
    select 'first_reply_business_minutes_median', 'median', 'customer_segment'
    union all
    select 'first_reply_business_minutes_p90', 'p90', 'customer_segment'
    union all
    select 'full_resolution_business_minutes_median', 'median', 'customer_segment'
    union all
    select 'csat', 'ratio', 'customer_segment'
    union all
    select 'escalation_rate', 'ratio', 'customer_segment'
    union all
    select 'reopen_rate', 'ratio', 'customer_segment'
    union all
    select 'tickets_per_100k_arr', 'per_arr', 'customer_segment'
    union all
    select 'sla_attainment', 'ratio', 'ticket_priority'
    union all
    select 'lead_time_minutes_median', 'median', 'issue_priority'
    union all
    select 'cycle_time_minutes_median', 'median', 'issue_priority'
    union all
    select 'open_bug_count', 'as_of_count', 'issue_priority'
    union all
    select 'stale_issue_count', 'as_of_count', 'issue_priority'
    union all
    select 'forgotten_issue_count', 'as_of_count', 'issue_priority'
    union all
    select 'slack_request_count', 'count', 'none'
    union all
    select 'centralization_rate', 'ratio', 'none'

),

as_of_week as (

    select cast({{ dbt.date_trunc('week', as_of()) }} as date) as week_start

),

ticket_segments as (

    select
        tickets.ticket_id,
        tickets.created_at,
        tickets.first_reply_at,
        tickets.first_reply_business_minutes,
        tickets.first_resolved_at,
        tickets.full_resolved_at,
        tickets.full_resolution_business_minutes,
        tickets.satisfaction,
        tickets.is_escalated,
        tickets.reopen_count,
        accounts.segment
    from tickets
    left join organizations
        on tickets.organization_id = organizations.organization_id
    left join accounts
        on organizations.account_id = accounts.account_id

),

-- One row per record a metric counts: the week it counts in, its segment, and what it adds
-- (x: the value a median reads; numerator / denominator: 1 or 0 for a ratio).
observations as (

    select
        'ticket_count' as metric_name,
        created_at as counted_at,
        segment,
        cast(null as double precision) as x,
        cast(null as {{ dbt.type_int() }}) as numerator,
        cast(null as {{ dbt.type_int() }}) as denominator
    from ticket_segments

    union all

    select
        'tickets_per_100k_arr',
        created_at,
        segment,
        null,
        1,
        null
    from ticket_segments

    union all

    select
        'first_reply_business_minutes_median',
        first_reply_at,
        segment,
        first_reply_business_minutes,
        null,
        null
    from ticket_segments
    where first_reply_at is not null

    union all

    select
        'first_reply_business_minutes_p90',
        first_reply_at,
        segment,
        first_reply_business_minutes,
        null,
        null
    from ticket_segments
    where first_reply_at is not null

    union all

    select
        'full_resolution_business_minutes_median',
        full_resolved_at,
        segment,
        full_resolution_business_minutes,
        null,
        null
    from ticket_segments
    where full_resolved_at is not null

    union all

    select
        'csat',
        full_resolved_at,
        segment,
        null,
        case when satisfaction = 'good' then 1 else 0 end,
        case when satisfaction in ('good', 'bad') then 1 else 0 end
    from ticket_segments
    where full_resolved_at is not null

    union all

    select
        'escalation_rate',
        created_at,
        segment,
        null,
        case when is_escalated then 1 else 0 end,
        1
    from ticket_segments

    union all

    select
        'reopen_rate',
        first_resolved_at,
        segment,
        null,
        case when reopen_count > 0 then 1 else 0 end,
        1
    from ticket_segments
    where first_resolved_at is not null

    union all

    select
        'sla_attainment',
        first_reply_slas.decided_at,
        tickets.priority,
        null,
        case when first_reply_slas.sla_status = 'achieved' then 1 else 0 end,
        1
    from first_reply_slas
    left join tickets
        on first_reply_slas.ticket_id = tickets.ticket_id

    union all

    select
        'lead_time_minutes_median',
        completed_at,
        priority_label,
        lead_time_minutes,
        null,
        null
    from issues
    where is_completed

    union all

    select
        'cycle_time_minutes_median',
        completed_at,
        priority_label,
        cycle_time_minutes,
        null,
        null
    from issues
    where is_completed

    union all

    select
        'open_bug_count',
        {{ as_of() }},
        priority_label,
        null,
        null,
        null
    from issues
    where is_open and issue_kind = 'bug'

    union all

    select
        'stale_issue_count',
        {{ as_of() }},
        priority_label,
        null,
        null,
        null
    from issues
    where is_stale

    union all

    select
        'forgotten_issue_count',
        {{ as_of() }},
        priority_label,
        null,
        null,
        null
    from issues
    where is_forgotten

    union all

    select
        'slack_request_count',
        created_at,
        null,
        null,
        null,
        null
    from requests
    where channel = 'slack'

    union all

    select
        'centralization_rate',
        created_at,
        null,
        null,
        case when is_tracked then 1 else 0 end,
        1
    from requests

),

weekly_observations as (

    select
        metric_name,
        cast({{ dbt.date_trunc('week', 'counted_at') }} as date) as week_start,
        segment,
        x,
        numerator,
        denominator
    from observations

),

-- each record counts in `all` and, when it has one, in its own segment
segmented as (

    select
        metric_name,
        week_start,
        'all' as segment,
        x,
        numerator,
        denominator
    from weekly_observations

    union all

    select
        metric_name,
        week_start,
        segment,
        x,
        numerator,
        denominator
    from weekly_observations
    where segment is not null

),

bounds as (

    select
        coalesce(min(weekly_observations.week_start), max(as_of_week.week_start)) as first_week,
        max(as_of_week.week_start) as last_week
    from as_of_week
    left join weekly_observations
        on weekly_observations.week_start <= as_of_week.week_start

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

segment_values as (

    select distinct
        'customer_segment' as segment_kind,
        segment
    from accounts
    where segment is not null

    union all

    select distinct
        'ticket_priority' as segment_kind,
        priority as segment
    from tickets
    where priority is not null

    union all

    select distinct
        'issue_priority' as segment_kind,
        priority_label as segment
    from issues
    where priority_label is not null

),

metric_segments as (

    select
        metric_name,
        metric_kind,
        'all' as segment
    from catalogue

    union all

    select
        catalogue.metric_name,
        catalogue.metric_kind,
        segment_values.segment
    from catalogue
    inner join segment_values
        on catalogue.segment_kind = segment_values.segment_kind

),

aggregated as (

    select
        metric_name,
        week_start,
        segment,
        count(*) as record_count,
        count(x) as value_count,
        {{ percentile('x', 0.5) }} as x_median,
        {{ percentile('x', 0.9) }} as x_p90,
        sum(numerator) as numerator_sum,
        sum(denominator) as denominator_sum
    from segmented
    group by metric_name, week_start, segment

),

-- ARR at as_of (dim_accounts) of the paying accounts that existed by the end of the week, in 100k
arr_by_week as (

    select
        weeks.week_start,
        accounts.segment,
        cast(sum(accounts.arr) as double precision) / 100000 as arr_100k
    from weeks
    inner join accounts
        on
            accounts.is_paying_customer
            and accounts.created_at < {{ dbt.dateadd('day', 7, 'weeks.week_start') }}
    group by weeks.week_start, accounts.segment

),

arr_segmented as (

    select
        week_start,
        'all' as segment,
        sum(arr_100k) as arr_100k
    from arr_by_week
    group by week_start

    union all

    select
        week_start,
        segment,
        arr_100k
    from arr_by_week
    where segment is not null

),

-- a metric's series starts with its first week of data; a state at as_of starts that week
metric_first_weeks as (

    select
        catalogue.metric_name,
        min(
            case when catalogue.metric_kind = 'as_of_count' then as_of_week.week_start else weekly_observations.week_start end
        ) as first_week
    from catalogue
    cross join as_of_week
    left join weekly_observations
        on catalogue.metric_name = weekly_observations.metric_name
    group by catalogue.metric_name

),

grid as (

    select
        metric_segments.metric_name,
        metric_segments.metric_kind,
        weeks.week_start,
        metric_segments.segment,
        coalesce(aggregated.record_count, 0) as record_count,
        coalesce(aggregated.value_count, 0) as value_count,
        aggregated.x_median,
        aggregated.x_p90,
        coalesce(aggregated.numerator_sum, 0) as numerator_sum,
        coalesce(aggregated.denominator_sum, 0) as denominator_sum,
        coalesce(arr_segmented.arr_100k, 0) as arr_100k
    from metric_segments
    inner join metric_first_weeks
        on metric_segments.metric_name = metric_first_weeks.metric_name
    inner join weeks
        on weeks.week_start >= metric_first_weeks.first_week
    left join aggregated
        on
            metric_segments.metric_name = aggregated.metric_name
            and weeks.week_start = aggregated.week_start
            and metric_segments.segment = aggregated.segment
    left join arr_segmented
        on
            weeks.week_start = arr_segmented.week_start
            and metric_segments.segment = arr_segmented.segment

),

final as (

    select
        metric_name,
        week_start,
        segment,
        cast(case
            when metric_kind in ('count', 'as_of_count') then record_count
            when metric_kind = 'median' then x_median
            when metric_kind = 'p90' then x_p90
            when metric_kind = 'ratio' and denominator_sum > 0 then cast(numerator_sum as double precision) / denominator_sum
            when metric_kind = 'per_arr' and arr_100k > 0 then numerator_sum / arr_100k
        end as double precision) as value,
        cast(case
            when metric_kind in ('ratio', 'per_arr') then numerator_sum
        end as double precision) as numerator,
        cast(case
            when metric_kind = 'ratio' then denominator_sum
            when metric_kind = 'per_arr' then arr_100k
        end as double precision) as denominator,
        cast(case
            when metric_kind in ('count', 'as_of_count') then record_count
            when metric_kind in ('median', 'p90') then value_count
            when metric_kind = 'ratio' then denominator_sum
            when metric_kind = 'per_arr' then numerator_sum
        end as {{ dbt.type_bigint() }}) as n
    from grid

)

select * from final
