{%- set raw = raw_table(source('linear', 'labels')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as label_id,
        {{ raw_column(raw, 'name', 'varchar') }} as label_name,
        {{ raw_column(raw, 'team_id', 'varchar') }} as team_id,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(raw, 'archived_at', 'timestamp') }} as archived_at,
        {{ raw_column(raw, 'deleted_at', 'timestamp') }} as deleted_at
    from {{ raw_from(raw) }}

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
