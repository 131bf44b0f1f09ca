-- Every target in seed metric_targets names a metric and segment of fct_metrics_weekly (a typo
-- would leave it without a verdict forever), and reaches fct_metric_targets. Returns the ones
-- that do not.
with

targets as (

    select
        metric_name,
        segment,
        {{ metric_target_id('metric_name', 'segment', 'due_at') }} as target_id
    from {{ ref('metric_targets') }}

),

series as (

    select distinct
        metric_name,
        segment
    from {{ ref('fct_metrics_weekly') }}

),

evaluated as (

    select target_id
    from {{ ref('fct_metric_targets') }}

),

final as (

    select
        targets.target_id,
        series.metric_name is null as is_unknown_series,
        evaluated.target_id is null as is_missing_from_mart
    from targets
    left join series
        on
            targets.metric_name = series.metric_name
            and targets.segment = series.segment
    left join evaluated
        on targets.target_id = evaluated.target_id

)

select * from final
where is_unknown_series or is_missing_from_mart
