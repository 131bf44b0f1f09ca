{%- set raw = raw_table(source('linear', 'users')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as user_id,
        {{ raw_column(raw, 'name', 'varchar') }} as user_name,
        {{ raw_column(raw, 'display_name', 'varchar') }} as display_name,
        {{ raw_column(raw, 'email', 'varchar') }} as email,
        {{ raw_column(raw, 'active', 'boolean') }} as is_active,
        {{ raw_column(raw, 'admin', 'boolean') }} as is_admin,
        {{ raw_column(raw, 'guest', 'boolean') }} as is_guest,
        {{ raw_column(raw, 'app', 'boolean') }} as is_app,
        {{ raw_column(raw, 'timezone', 'varchar') }} as timezone,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(raw, 'archived_at', 'timestamp') }} as archived_at,
        {{ raw_column(raw, 'deleted_at', 'timestamp') }} as deleted_at
    from {{ raw_from(raw) }}

),

final as (

    select
        user_id,
        user_name,
        display_name,
        {{ person_key('email') }} as person_key,
        coalesce(is_active, true) as is_active,
        coalesce(is_admin, false) as is_admin,
        coalesce(is_guest, false) as is_guest,
        -- integration actors (Slack, Zendesk, GitHub apps) never count as a human response
        coalesce(is_app, false) as is_app,
        timezone,
        created_at,
        updated_at,
        archived_at,
        archived_at is not null or deleted_at is not null as is_deleted
    from source

)

select * from final
