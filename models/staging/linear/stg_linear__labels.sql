{%- set columns = raw_columns(source('linear', 'labels')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'varchar') }} as label_id,
        {{ raw_column(columns, 'name', 'varchar') }} as label_name,
        {{ raw_column(columns, 'team_id', 'varchar') }} as team_id,
        {{ raw_column(columns, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(columns, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(columns, 'archived_at', 'timestamp') }} as archived_at,
        {{ raw_column(columns, 'deleted_at', 'timestamp') }} as deleted_at
    from {{ source('linear', 'labels') }}

),

final as (

    select
        label_id,
        label_name,
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
