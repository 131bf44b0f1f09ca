{%- set raw = raw_table(source('linear', 'cycles')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as cycle_id,
        {{ raw_column(raw, 'number', 'integer') }} as cycle_number,
        {{ raw_column(raw, 'name', 'varchar') }} as cycle_name,
        {{ raw_column(raw, 'team_id', 'varchar') }} as team_id,
        {{ raw_column(raw, 'starts_at', 'timestamp') }} as starts_at,
        {{ raw_column(raw, 'ends_at', 'timestamp') }} as ends_at,
        {{ raw_column(raw, 'completed_at', 'timestamp') }} as completed_at,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(raw, 'archived_at', 'timestamp') }} as archived_at,
        {{ raw_column(raw, 'deleted_at', 'timestamp') }} as deleted_at
    from {{ raw_from(raw) }}

),

final as (

    select
        cycle_id,
        cycle_number,
        cycle_name,
        team_id,
        starts_at,
        ends_at,
        completed_at,
        created_at,
        updated_at,
        archived_at,
        deleted_at,
        -- archived in Linear, or gone for good (the source's deletion sweep sets deleted_at)
        archived_at is not null or deleted_at is not null as is_deleted
    from source

)

select * from final
