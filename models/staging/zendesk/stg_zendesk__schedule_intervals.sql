{#- Weekly open intervals of a schedule, in minutes from Sunday 00:00 in the schedule's time zone. -#}
{%- set parent_columns = raw_columns(source('zendesk', 'schedules')) -%}
{%- set columns = raw_columns(source('zendesk', 'schedules__intervals')) -%}

with

parents as (

    select
        _dlt_id as parent_row_id,
        {{ raw_column(parent_columns, 'id', 'bigint') }} as schedule_id
    from {{ source('zendesk', 'schedules') }}

),

children as (

    select
        _dlt_parent_id as parent_row_id,
        _dlt_list_idx as list_index,
        {{ raw_column(columns, 'start_time', 'integer') }} as start_minute,
        {{ raw_column(columns, 'end_time', 'integer') }} as end_minute
    from {{ source('zendesk', 'schedules__intervals') }}

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
