{%- set columns = raw_columns(source('linear', 'users')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'varchar') }} as user_id,
        {{ raw_column(columns, 'name', 'varchar') }} as user_name,
        {{ raw_column(columns, 'display_name', 'varchar') }} as display_name,
        {{ raw_column(columns, 'email', 'varchar') }} as email,
        {{ raw_column(columns, 'active', 'boolean') }} as is_active,
        {{ raw_column(columns, 'admin', 'boolean') }} as is_admin,
        {{ raw_column(columns, 'guest', 'boolean') }} as is_guest,
        {{ raw_column(columns, 'app', 'boolean') }} as is_app,
        {{ raw_column(columns, 'timezone', 'varchar') }} as timezone,
        {{ raw_column(columns, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(columns, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(columns, 'archived_at', 'timestamp') }} as archived_at,
        {{ raw_column(columns, 'deleted_at', 'timestamp') }} as deleted_at
    from {{ source('linear', 'users') }}

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
