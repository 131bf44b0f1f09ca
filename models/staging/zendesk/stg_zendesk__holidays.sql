{#- Schedule holidays: whole local days [start_date, end_date] when the schedule is closed. -#}
{%- set raw = raw_table(source('zendesk', 'holidays')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'bigint', required=true) }} as holiday_id,
        {{ raw_column(raw, 'schedule_id', 'bigint') }} as schedule_id,
        {{ raw_column(raw, 'name', 'varchar') }} as holiday_name,
        {{ raw_column(raw, 'start_date', 'date') }} as start_date,
        {{ raw_column(raw, 'end_date', 'date') }} as end_date,
        {{ raw_column(raw, 'is_deleted', 'boolean') }} as is_deleted
    from {{ raw_from(raw) }}

),

final as (

    select
        holiday_id,
        schedule_id,
        holiday_name,
        start_date,
        end_date,
        is_deleted
    from source

)

select * from final
