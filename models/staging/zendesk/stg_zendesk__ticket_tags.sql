{#- One row per ticket and tag. -#}
{%- set parent_columns = raw_columns(source('zendesk', 'tickets')) -%}
{%- set columns = raw_columns(source('zendesk', 'tickets__tags')) -%}

with

parents as (

    select
        _dlt_id as parent_row_id,
        {{ raw_column(parent_columns, 'id', 'bigint') }} as ticket_id
    from {{ source('zendesk', 'tickets') }}

),

children as (

    select
        _dlt_parent_id as parent_row_id,
        {{ raw_column(columns, 'value', 'varchar') }} as tag
    from {{ source('zendesk', 'tickets__tags') }}

),

final as (

    select distinct
        parents.ticket_id,
        children.tag
    from children
    inner join parents
        on children.parent_row_id = parents.parent_row_id

)

select * from final
