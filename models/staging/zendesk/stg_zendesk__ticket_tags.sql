{#- One row per ticket and tag. -#}
{%- set parent_raw = raw_table(source('zendesk', 'tickets')) -%}
{%- set raw = raw_table(source('zendesk', 'tickets__tags')) -%}

with

parents as (

    select
        {{ raw_column(parent_raw, '_dlt_id', 'varchar', required=true) }} as parent_row_id,
        {{ raw_column(parent_raw, 'id', 'bigint', required=true) }} as ticket_id
    from {{ raw_from(parent_raw) }}

),

children as (

    select
        {{ raw_column(raw, '_dlt_parent_id', 'varchar', required=true) }} as parent_row_id,
        {{ raw_column(raw, 'value', 'varchar', required=true) }} as tag
    from {{ raw_from(raw) }}

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
