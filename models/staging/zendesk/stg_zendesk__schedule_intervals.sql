{#- Weekly open intervals of a schedule, in minutes from Sunday 00:00 in the schedule's time zone. -#}
{%- set parent_raw = raw_table(source('zendesk', 'schedules')) -%}
{%- set raw = raw_table(source('zendesk', 'schedules__intervals')) -%}

with

parents as (

    select
        {{ raw_column(parent_raw, '_dlt_id', 'varchar', required=true) }} as parent_row_id,
        {{ raw_column(parent_raw, 'id', 'bigint', required=true) }} as schedule_id
    from {{ raw_from(parent_raw) }}

),

children as (

    select
        {{ raw_column(raw, '_dlt_parent_id', 'varchar', required=true) }} as parent_row_id,
        {{ raw_column(raw, '_dlt_list_idx', 'bigint', required=true) }} as list_index,
        {{ raw_column(raw, 'start_time', 'integer') }} as start_minute,
        {{ raw_column(raw, 'end_time', 'integer') }} as end_minute
    from {{ raw_from(raw) }}

),

final as (

    select
        parents.schedule_id,
        children.list_index as interval_index,
        children.start_minute,
        children.end_minute
    from children
    inner join parents
        on children.parent_row_id = parents.parent_row_id

)

select * from final
