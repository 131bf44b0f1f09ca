{#- One target per SLA policy, priority and metric (minutes; business or calendar). -#}
{%- set parent_raw = raw_table(source('zendesk', 'sla_policies')) -%}
{%- set raw = raw_table(source('zendesk', 'sla_policies__policy_metrics')) -%}

with

parents as (

    select
        {{ raw_column(parent_raw, '_dlt_id', 'varchar', required=true) }} as parent_row_id,
        {{ raw_column(parent_raw, 'id', 'bigint', required=true) }} as sla_policy_id
    from {{ raw_from(parent_raw) }}

),

children as (

    select
        {{ raw_column(raw, '_dlt_parent_id', 'varchar', required=true) }} as parent_row_id,
        {{ raw_column(raw, 'priority', 'varchar') }} as priority,
        {{ raw_column(raw, 'metric', 'varchar') }} as metric,
        {{ raw_column(raw, 'target', 'integer') }} as target_minutes,
        {{ raw_column(raw, 'business_hours', 'boolean') }} as is_business_hours
    from {{ raw_from(raw) }}

),

final as (

    select
        parents.sla_policy_id,
        children.priority,
        children.metric,
        children.target_minutes,
        children.is_business_hours
    from children
    inner join parents
        on children.parent_row_id = parents.parent_row_id

)

select * from final
