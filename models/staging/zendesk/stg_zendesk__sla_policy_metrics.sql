{#- One target per SLA policy, priority and metric (minutes; business or calendar). -#}
{%- set parent_columns = raw_columns(source('zendesk', 'sla_policies')) -%}
{%- set columns = raw_columns(source('zendesk', 'sla_policies__policy_metrics')) -%}

with

parents as (

    select
        _dlt_id as parent_row_id,
        {{ raw_column(parent_columns, 'id', 'bigint') }} as sla_policy_id
    from {{ source('zendesk', 'sla_policies') }}

),

children as (

    select
        _dlt_parent_id as parent_row_id,
        {{ raw_column(columns, 'priority', 'varchar') }} as priority,
        {{ raw_column(columns, 'metric', 'varchar') }} as metric,
        {{ raw_column(columns, 'target', 'integer') }} as target_minutes,
        {{ raw_column(columns, 'business_hours', 'boolean') }} as is_business_hours
    from {{ source('zendesk', 'sla_policies__policy_metrics') }}

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
