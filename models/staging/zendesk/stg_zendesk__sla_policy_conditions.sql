{#- The conditions of each SLA policy's filter: `all` (every one holds), `any` (one holds). -#}
{%- set parent_columns = raw_columns(source('zendesk', 'sla_policies')) -%}
{%- set all_columns = raw_columns(source('zendesk', 'sla_policies__filter__all')) -%}
{%- set any_columns = raw_columns(source('zendesk', 'sla_policies__filter__any')) -%}

with

parents as (

    select
        _dlt_id as parent_row_id,
        {{ raw_column(parent_columns, 'id', 'bigint') }} as sla_policy_id
    from {{ source('zendesk', 'sla_policies') }}

),

all_conditions as (

    select
        _dlt_parent_id as parent_row_id,
        'all' as condition_group,
        _dlt_list_idx as condition_index,
        {{ raw_column(all_columns, 'field', 'varchar') }} as condition_field,
        {{ raw_column(all_columns, 'operator', 'varchar') }} as condition_operator,
        {{ raw_column(all_columns, 'value', 'varchar') }} as condition_value
    from {{ source('zendesk', 'sla_policies__filter__all') }}

),

any_conditions as (

    select
        _dlt_parent_id as parent_row_id,
        'any' as condition_group,
        _dlt_list_idx as condition_index,
        {{ raw_column(any_columns, 'field', 'varchar') }} as condition_field,
        {{ raw_column(any_columns, 'operator', 'varchar') }} as condition_operator,
        {{ raw_column(any_columns, 'value', 'varchar') }} as condition_value
    from {{ source('zendesk', 'sla_policies__filter__any') }}

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
