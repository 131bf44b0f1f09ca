{#- The conditions of each SLA policy's filter: `all` (every one holds), `any` (one holds). -#}
{%- set parent_raw = raw_table(source('zendesk', 'sla_policies')) -%}
{%- set all_raw = raw_table(source('zendesk', 'sla_policies__filter__all')) -%}
{%- set any_raw = raw_table(source('zendesk', 'sla_policies__filter__any')) -%}

with

parents as (

    select
        {{ raw_column(parent_raw, '_dlt_id', 'varchar', required=true) }} as parent_row_id,
        {{ raw_column(parent_raw, 'id', 'bigint', required=true) }} as sla_policy_id
    from {{ raw_from(parent_raw) }}

),

all_conditions as (

    select
        {{ raw_column(all_raw, '_dlt_parent_id', 'varchar', required=true) }} as parent_row_id,
        'all' as condition_group,
        {{ raw_column(all_raw, '_dlt_list_idx', 'bigint', required=true) }} as condition_index,
        {{ raw_column(all_raw, 'field', 'varchar') }} as condition_field,
        {{ raw_column(all_raw, 'operator', 'varchar') }} as condition_operator,
        {{ raw_column(all_raw, 'value', 'varchar') }} as condition_value
    from {{ raw_from(all_raw) }}

),

any_conditions as (

    select
        {{ raw_column(any_raw, '_dlt_parent_id', 'varchar', required=true) }} as parent_row_id,
        'any' as condition_group,
        {{ raw_column(any_raw, '_dlt_list_idx', 'bigint', required=true) }} as condition_index,
        {{ raw_column(any_raw, 'field', 'varchar') }} as condition_field,
        {{ raw_column(any_raw, 'operator', 'varchar') }} as condition_operator,
        {{ raw_column(any_raw, 'value', 'varchar') }} as condition_value
    from {{ raw_from(any_raw) }}

),

conditions as (

    select
        parent_row_id,
        condition_group,
        condition_index,
        condition_field,
        condition_operator,
        condition_value
    from all_conditions
    union all
    select
        parent_row_id,
        condition_group,
        condition_index,
        condition_field,
        condition_operator,
        condition_value
    from any_conditions

),

final as (

    select
        parents.sla_policy_id,
        conditions.condition_group,
        conditions.condition_index,
        conditions.condition_field,
        conditions.condition_operator,
        conditions.condition_value
    from conditions
    inner join parents
        on conditions.parent_row_id = parents.parent_row_id

)

select * from final
