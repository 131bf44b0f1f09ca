{#- Custom field values of tickets, one row per ticket and field. -#}
{%- set parent_columns = raw_columns(source('zendesk', 'tickets')) -%}
{%- set columns = raw_columns(source('zendesk', 'tickets__custom_fields')) -%}

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
        {{ raw_column(columns, 'id', 'bigint') }} as ticket_field_id,
        {{ raw_column(columns, 'value', 'varchar') }} as field_value
    from {{ source('zendesk', 'tickets__custom_fields') }}

),

final as (

    select
        parents.ticket_id,
        children.ticket_field_id,
        children.field_value
    from children
    inner join parents
        on children.parent_row_id = parents.parent_row_id

)

select * from final
