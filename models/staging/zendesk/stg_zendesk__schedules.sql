{%- set raw = raw_table(source('zendesk', 'schedules')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'bigint', required=true) }} as schedule_id,
        {{ raw_column(raw, 'name', 'varchar') }} as schedule_name,
        {{ raw_column(raw, 'time_zone', 'varchar') }} as time_zone,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(raw, 'is_deleted', 'boolean') }} as is_deleted
    from {{ raw_from(raw) }}

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
