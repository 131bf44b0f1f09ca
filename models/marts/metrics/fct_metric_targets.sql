with

targets as (

    select
        metric_name,
        segment,
        target_value,
        direction,
        period_start,
        due_at,
        owner,
        note
    from {{ ref('metric_targets') }}

),

history as (

    select
        target_id,
        evaluated_week_start,
        evaluated_at,
        latest_week_start,
        latest_value,
        trend_start_value,
        trend_per_week,
        projected_value,
        is_final,
        verdict
    from {{ ref('fct_metric_target_history') }}

),

-- the evaluation at as_of: the one after the last complete week
latest_evaluations as (

    select
        target_id,
        max(evaluated_week_start) as evaluated_week_start
    from history
    group by target_id

),

final as (

    select
        {{ metric_target_id('targets.metric_name', 'targets.segment', 'targets.due_at') }} as target_id,
        targets.metric_name,
        targets.segment,
        targets.target_value,
        targets.direction,
        targets.period_start,
        targets.due_at,
        targets.owner,
        targets.note,
        history.evaluated_at,
        history.latest_week_start,
        history.latest_value,
        history.trend_start_value,
        history.trend_per_week,
        history.projected_value,
        coalesce(history.is_final, targets.due_at <= {{ as_of() }}) as is_final,
        history.verdict
    from targets
    left join latest_evaluations
        on
            {{ metric_target_id('targets.metric_name', 'targets.segment', 'targets.due_at') }}
            = latest_evaluations.target_id
    left join history
        on
            latest_evaluations.target_id = history.target_id
            and latest_evaluations.evaluated_week_start = history.evaluated_week_start

)

select * from final
