{#- One row per organization and tag. -#}
{%- set parent_columns = raw_columns(source('zendesk', 'organizations')) -%}
{%- set columns = raw_columns(source('zendesk', 'organizations__tags')) -%}

with

parents as (

    select
        _dlt_id as parent_row_id,
        {{ raw_column(parent_columns, 'id', 'bigint') }} as organization_id
    from {{ source('zendesk', 'organizations') }}

),

children as (

    select
        _dlt_parent_id as parent_row_id,
        {{ raw_column(columns, 'value', 'varchar') }} as tag
    from {{ source('zendesk', 'organizations__tags') }}

),

final as (

    select distinct
        parents.organization_id,
        children.tag
    from children
    inner join parents
        on children.parent_row_id = parents.parent_row_id

)

select * from final
