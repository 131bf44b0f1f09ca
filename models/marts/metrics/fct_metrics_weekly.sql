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
        created_at,
        completed_at,
        case when is_closed then coalesce(completed_at, canceled_at) end as closed_at,
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

    select
        'ticket_count' as metric_name,
        'count' as metric_kind,
        'customer_segment' as segment_kind
    union all
    select
        'first_reply_business_minutes_median' as metric_name,
        'median' as metric_kind,
        'customer_segment' as segment_kind
    union all
    select
        'first_reply_business_minutes_p90' as metric_name,
        'p90' as metric_kind,
        'customer_segment' as segment_kind
    union all
    select
        'full_resolution_business_minutes_median' as metric_name,
        'median' as metric_kind,
        'customer_segment' as segment_kind
    union all
    select
        'csat' as metric_name,
        'ratio' as metric_kind,
        'customer_segment' as segment_kind
    union all
    select
        'escalation_rate' as metric_name,
        'ratio' as metric_kind,
        'customer_segment' as segment_kind
    union all
    select
        'reopen_rate' as metric_name,
        'ratio' as metric_kind,
        'customer_segment' as segment_kind
    union all
    select
        'tickets_per_100k_arr' as metric_name,
        'per_arr' as metric_kind,
        'customer_segment' as segment_kind
    union all
    select
        'sla_attainment' as metric_name,
        'ratio' as metric_kind,
        'ticket_priority' as segment_kind
    union all
    select
        'lead_time_minutes_median' as metric_name,
        'median' as metric_kind,
        'issue_priority' as segment_kind
    union all
    select
        'cycle_time_minutes_median' as metric_name,
        'median' as metric_kind,
        'issue_priority' as segment_kind
    union all
    select
        'open_bug_count' as metric_name,
        'count' as metric_kind,
        'issue_priority' as segment_kind
    union all
    select
        'stale_issue_count' as metric_name,
        'as_of_count' as metric_kind,
        'issue_priority' as segment_kind
    union all
    select
        'forgotten_issue_count' as metric_name,
        'as_of_count' as metric_kind,
        'issue_priority' as segment_kind
    union all
    select
        'slack_request_count' as metric_name,
        'count' as metric_kind,
        'none' as segment_kind
    union all
    select
        'centralization_rate' as metric_name,
        'ratio' as metric_kind,
        'none' as segment_kind

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
        cast(null as {{ portable_type('double precision') }}) as x,
        cast(null as {{ dbt.type_int() }}) as numerator,
        cast(null as {{ dbt.type_int() }}) as denominator
    from ticket_segments

    union all

    select
        'tickets_per_100k_arr' as metric_name,
        created_at as counted_at,
        segment,
        null as x,
        1 as numerator,
        null as denominator
    from ticket_segments

    union all

    select
        'first_reply_business_minutes_median' as metric_name,
        first_reply_at as counted_at,
        segment,
        first_reply_business_minutes as x,
        null as numerator,
        null as denominator
    from ticket_segments
    where first_reply_at is not null

    union all

    select
        'first_reply_business_minutes_p90' as metric_name,
        first_reply_at as counted_at,
        segment,
        first_reply_business_minutes as x,
        null as numerator,
        null as denominator
    from ticket_segments
    where first_reply_at is not null

    union all

    select
        'full_resolution_business_minutes_median' as metric_name,
        full_resolved_at as counted_at,
        segment,
        full_resolution_business_minutes as x,
        null as numerator,
        null as denominator
    from ticket_segments
    where full_resolved_at is not null

    union all

    select
        'csat' as metric_name,
        full_resolved_at as counted_at,
        segment,
        null as x,
        case when satisfaction = 'good' then 1 else 0 end as numerator,
        case when satisfaction in ('good', 'bad') then 1 else 0 end as denominator
    from ticket_segments
    where full_resolved_at is not null

    union all

    select
        'escalation_rate' as metric_name,
        created_at as counted_at,
        segment,
        null as x,
        case when is_escalated then 1 else 0 end as numerator,
        1 as denominator
    from ticket_segments

    union all

    select
        'reopen_rate' as metric_name,
        first_resolved_at as counted_at,
        segment,
        null as x,
        case when reopen_count > 0 then 1 else 0 end as numerator,
        1 as denominator
    from ticket_segments
    where first_resolved_at is not null

    union all

    select
        'sla_attainment' as metric_name,
        first_reply_slas.decided_at as counted_at,
        tickets.priority as segment,
        null as x,
        case when first_reply_slas.sla_status = 'achieved' then 1 else 0 end as numerator,
        1 as denominator
    from first_reply_slas
    left join tickets
        on first_reply_slas.ticket_id = tickets.ticket_id

    union all

    select
        'lead_time_minutes_median' as metric_name,
        completed_at as counted_at,
        priority_label as segment,
        lead_time_minutes as x,
        null as numerator,
        null as denominator
    from issues
    where is_completed

    union all

    select
        'cycle_time_minutes_median' as metric_name,
        completed_at as counted_at,
        priority_label as segment,
        cycle_time_minutes as x,
        null as numerator,
        null as denominator
    from issues
    where is_completed

    union all

    select
        'stale_issue_count' as metric_name,
        {{ as_of() }} as counted_at,
        priority_label as segment,
        null as x,
        null as numerator,
        null as denominator
    from issues
    where is_stale

    union all

    select
        'forgotten_issue_count' as metric_name,
        {{ as_of() }} as counted_at,
        priority_label as segment,
        null as x,
        null as numerator,
        null as denominator
    from issues
    where is_forgotten

    union all

    select
        'slack_request_count' as metric_name,
        created_at as counted_at,
        null as segment,
        null as x,
        null as numerator,
        null as denominator
    from requests
    where channel = 'slack'

    union all

    select
        'centralization_rate' as metric_name,
        created_at as counted_at,
        null as segment,
        null as x,
        case when is_tracked then 1 else 0 end as numerator,
        1 as denominator
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

series_starts as (

    select week_start
    from weekly_observations

    union all

    select cast({{ dbt.date_trunc('week', 'created_at') }} as date) as week_start
    from issues
    where issue_kind = 'bug'

),

bounds as (

    select
        coalesce(min(series_starts.week_start), max(as_of_week.week_start)) as first_week,
        max(as_of_week.week_start) as last_week
    from as_of_week
    left join series_starts
        on as_of_week.week_start >= series_starts.week_start

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

-- a bug is open at the end of a week (Monday 00:00 after it) when it was created before and
-- was not closed (completed, canceled or marked duplicate) by then
open_bug_observations as (

    select
        'open_bug_count' as metric_name,
        weeks.week_start,
        issues.priority_label as segment,
        cast(null as {{ portable_type('double precision') }}) as x,
        cast(null as {{ dbt.type_int() }}) as numerator,
        cast(null as {{ dbt.type_int() }}) as denominator
    from weeks
    inner join issues
        on
            issues.issue_kind = 'bug'
            and issues.created_at < {{ dbt.dateadd('day', 7, 'weeks.week_start') }}
            and (
                issues.closed_at is null
                or issues.closed_at >= {{ dbt.dateadd('day', 7, 'weeks.week_start') }}
            )

),

all_weekly_observations as (

    select
        metric_name,
        week_start,
        segment,
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
    from open_bug_observations

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
    from all_weekly_observations

    union all

    select
        metric_name,
        week_start,
        segment,
        x,
        numerator,
        denominator
    from all_weekly_observations
    where segment is not null

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
        cast(sum(accounts.arr) as {{ portable_type('double precision') }}) / 100000 as arr_100k
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
            case
                when catalogue.metric_kind = 'as_of_count' then as_of_week.week_start
                else all_weekly_observations.week_start
            end
        ) as first_week
    from catalogue
    cross join as_of_week
    left join all_weekly_observations
        on catalogue.metric_name = all_weekly_observations.metric_name
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
        on metric_first_weeks.first_week <= weeks.week_start
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
            when
                metric_kind = 'ratio' and denominator_sum > 0
                then cast(numerator_sum as {{ portable_type('double precision') }}) / denominator_sum
            when metric_kind = 'per_arr' and arr_100k > 0 then numerator_sum / arr_100k
        end as {{ portable_type('double precision') }}) as value,  -- noqa: RF04
        cast(case
            when metric_kind in ('ratio', 'per_arr') then numerator_sum
        end as {{ portable_type('double precision') }}) as numerator,
        cast(case
            when metric_kind = 'ratio' then denominator_sum
            when metric_kind = 'per_arr' then arr_100k
        end as {{ portable_type('double precision') }}) as denominator,
        cast(case
            when metric_kind in ('count', 'as_of_count') then record_count
            when metric_kind in ('median', 'p90') then value_count
            when metric_kind = 'ratio' then denominator_sum
            when metric_kind = 'per_arr' then numerator_sum
        end as {{ dbt.type_bigint() }}) as n
    from grid

)

select * from final
