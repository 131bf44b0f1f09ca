{%- set columns = raw_columns(source('linear', 'workflow_states')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'varchar') }} as state_id,
        {{ raw_column(columns, 'name', 'varchar') }} as state_name,
        {{ raw_column(columns, 'type', 'varchar') }} as state_type,
        {{ raw_column(columns, 'position', 'double') }} as state_position,
        {{ raw_column(columns, 'team_id', 'varchar') }} as team_id,
        {{ raw_column(columns, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(columns, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(columns, 'archived_at', 'timestamp') }} as archived_at,
        {{ raw_column(columns, 'deleted_at', 'timestamp') }} as deleted_at
    from {{ source('linear', 'workflow_states') }}

),

final as (

    select
        state_id,
        state_name,
        state_type,
        state_position,
        team_id,
        created_at,
        updated_at,
        archived_at,
        deleted_at,
        -- archived in Linear, or gone for good (the source's deletion sweep sets deleted_at)
        archived_at is not null or deleted_at is not null as is_deleted
    from source

)

select * from final
