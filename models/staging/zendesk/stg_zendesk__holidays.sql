{#- Schedule holidays: whole local days [start_date, end_date] when the schedule is closed. -#}
{%- set columns = raw_columns(source('zendesk', 'holidays')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'bigint') }} as holiday_id,
        {{ raw_column(columns, 'schedule_id', 'bigint') }} as schedule_id,
        {{ raw_column(columns, 'name', 'varchar') }} as holiday_name,
        {{ raw_column(columns, 'start_date', 'date') }} as start_date,
        {{ raw_column(columns, 'end_date', 'date') }} as end_date,
        {{ raw_column(columns, 'is_deleted', 'boolean') }} as is_deleted
    from {{ source('zendesk', 'holidays') }}

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
