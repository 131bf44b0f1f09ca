with

targets as (

    select
        metric_name,
        segment,
        target_value,
        direction,
        period_start,
        due_at
    from {{ ref('metric_targets') }}

),

weekly as (

    select
        metric_name,
        segment,
        week_start,
        value
    from {{ ref('fct_metrics_weekly') }}

),

-- the target's weeks: those of its metric and segment that end after the period starts
target_weeks as (

    select
        {{ metric_target_id('targets.metric_name', 'targets.segment', 'targets.due_at') }} as target_id,
        targets.target_value,
        targets.direction,
        targets.due_at,
        weekly.week_start,
        cast({{ dbt.dateadd('day', 7, 'weekly.week_start') }} as {{ dbt.type_timestamp() }}) as week_end_at,
        weekly.value
    from targets
    inner join weekly
        on
            targets.metric_name = weekly.metric_name
            and targets.segment = weekly.segment
    where {{ dbt.dateadd('day', 7, 'weekly.week_start') }} > targets.period_start

),

-- one evaluation per week: at its end, or at as_of for the running week; it reads the weeks
-- ended by then, and once due_at has passed only those ended by due_at
evaluation_times as (

    select
        target_id,
        target_value,
        direction,
        due_at,
        week_start as evaluated_week_start,
        case when week_end_at > {{ as_of() }} then {{ as_of() }} else week_end_at end as evaluated_at
    from target_weeks
    where week_start <= {{ as_of() }}

),

evaluations as (

    select
        target_id,
        target_value,
        direction,
        due_at,
        evaluated_week_start,
        evaluated_at,
        evaluated_at >= due_at as is_final,
        case when evaluated_at >= due_at then due_at else evaluated_at end as window_end_at
    from evaluation_times

),

latest_weeks as (

    select
        evaluations.target_id,
        evaluations.evaluated_week_start,
        max(target_weeks.week_start) as latest_week_start
    from evaluations
    inner join target_weeks
        on
            evaluations.target_id = target_weeks.target_id
            and evaluations.window_end_at >= target_weeks.week_end_at
    where target_weeks.value is not null
    group by evaluations.target_id, evaluations.evaluated_week_start

),

observed as (

    select
        evaluations.target_id,
        evaluations.evaluated_week_start,
        evaluations.evaluated_at,
        evaluations.target_value,
        evaluations.direction,
        evaluations.due_at,
        evaluations.is_final,
        latest_weeks.latest_week_start,
        latest.value as latest_value,
        trend_start.value as trend_start_value,
        -- whole weeks (10,080 minutes) still to be measured between the latest week and due_at
        cast(floor(
            {{ minutes_between('latest.week_end_at', 'evaluations.due_at') }}
            / 10080
        ) as {{ dbt.type_int() }}) as weeks_left
    from evaluations
    left join latest_weeks
        on
            evaluations.target_id = latest_weeks.target_id
            and evaluations.evaluated_week_start = latest_weeks.evaluated_week_start
    left join target_weeks as latest
        on
            latest_weeks.target_id = latest.target_id
            and latest_weeks.latest_week_start = latest.week_start
    -- the first week of the four ending with the latest one
    left join target_weeks as trend_start
        on
            latest_weeks.target_id = trend_start.target_id
            and {{ dbt.dateadd('day', -21, 'latest_weeks.latest_week_start') }} = trend_start.week_start

),

projected as (

    select
        *,
        (latest_value - trend_start_value) / 3 as trend_per_week,
        latest_value + (latest_value - trend_start_value) / 3 * weeks_left as projected_value
    from observed

),

judged as (

    select
        *,
        case
            when direction = 'higher' then latest_value >= target_value
            else latest_value <= target_value
        end as is_latest_meeting,
        case
            when direction = 'higher' then projected_value >= target_value
            else projected_value <= target_value
        end as is_projection_meeting
    from projected

),

final as (

    select
        target_id,
        evaluated_week_start,
        evaluated_at,
        latest_week_start,
        latest_value,
        trend_start_value,
        trend_per_week,
        case when is_final then null else weeks_left end as weeks_left,
        case when is_final then null else projected_value end as projected_value,
        coalesce(is_latest_meeting, false) as is_latest_meeting,
        is_final,
        case
            when is_final and is_latest_meeting then 'met'
            when is_final then 'missed'
            when is_latest_meeting or is_projection_meeting then 'on_track'
            else 'at_risk'
        end as verdict
    from judged

)

select * from final
