{%- set columns = raw_columns(source('zendesk', 'schedules')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'bigint') }} as schedule_id,
        {{ raw_column(columns, 'name', 'varchar') }} as schedule_name,
        {{ raw_column(columns, 'time_zone', 'varchar') }} as time_zone,
        {{ raw_column(columns, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(columns, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(columns, 'is_deleted', 'boolean') }} as is_deleted
    from {{ source('zendesk', 'schedules') }}

),

final as (

    select
        schedule_id,
        schedule_name,
        time_zone,
        created_at,
        updated_at,
        is_deleted
    from source

)

select * from final
