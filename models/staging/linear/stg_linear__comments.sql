{%- set raw = raw_table(source('linear', 'comments')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as comment_id,
        {{ raw_column(raw, 'issue_id', 'varchar') }} as issue_id,
        {{ raw_column(raw, 'user_id', 'varchar') }} as user_id,
        {{ raw_column(raw, 'parent_id', 'varchar') }} as parent_comment_id,
        {{ raw_column(raw, 'edited_at', 'timestamp') }} as edited_at,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(raw, 'archived_at', 'timestamp') }} as archived_at,
        {{ raw_column(raw, 'deleted_at', 'timestamp') }} as deleted_at
    from {{ raw_from(raw) }}

),

final as (

    select
        comment_id,
        issue_id,
        user_id,
        parent_comment_id,
        edited_at,
        created_at,
        updated_at,
        archived_at,
        deleted_at,
        -- archived in Linear, or gone for good (the source's deletion sweep sets deleted_at)
        archived_at is not null or deleted_at is not null as is_deleted
    from source

)

select * from final
