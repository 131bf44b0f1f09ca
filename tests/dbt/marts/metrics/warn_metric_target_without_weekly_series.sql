-- A warning, not an error: a target in seed metric_targets whose metric and segment have no
-- row in fct_metrics_weekly never gets a verdict. That is a typo in the seed, or a series this
-- account has no data for (SLA attainment without SLA policies, CSAT without ratings); either
-- way someone should look. Returns those targets.
{{ config(severity='warn') }}

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

final as (

    select
        targets.target_id,
        targets.metric_name,
        targets.segment
    from targets
    left join series
        on
            targets.metric_name = series.metric_name
            and targets.segment = series.segment
    where series.metric_name is null

)

select * from final
