{%- set columns = raw_columns(source('slack', 'users')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'varchar') }} as user_id,
        {{ raw_column(columns, 'team_id', 'varchar') }} as team_id,
        {{ raw_column(columns, 'name', 'varchar') }} as user_name,
        {{ raw_column(columns, 'real_name', 'varchar') }} as real_name,
        {{ raw_column(columns, 'profile__email', 'varchar') }} as email,
        {{ raw_column(columns, 'is_bot', 'boolean') }} as is_bot,
        {{ raw_column(columns, 'is_app_user', 'boolean') }} as is_app_user,
        {{ raw_column(columns, 'is_admin', 'boolean') }} as is_admin,
        {{ raw_column(columns, 'tz', 'varchar') }} as time_zone,
        {{ raw_column(columns, 'updated', 'bigint') }} as updated_epoch,
        {{ raw_column(columns, 'deleted', 'boolean') }} as is_deleted
    from {{ source('slack', 'users') }}

),

final as (

    select
        user_id,
        team_id,
        user_name,
        real_name,
        {{ person_key('email') }} as person_key,
        -- Slackbot is a bot without the flag
        coalesce(is_bot, false) or coalesce(is_app_user, false) or user_id = 'USLACKBOT' as is_bot,
        coalesce(is_admin, false) as is_admin,
        time_zone,
        {{ epoch_to_timestamp('updated_epoch') }} as updated_at,
        coalesce(is_deleted, false) as is_deleted
    from source

)

select * from final
