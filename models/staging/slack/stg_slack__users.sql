{%- set raw = raw_table(source('slack', 'users')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as user_id,
        {{ raw_column(raw, 'team_id', 'varchar') }} as team_id,
        {{ raw_column(raw, 'name', 'varchar') }} as user_name,
        {{ raw_column(raw, 'real_name', 'varchar') }} as real_name,
        {{ raw_column(raw, 'profile__email', 'varchar') }} as email,
        {{ raw_column(raw, 'is_bot', 'boolean') }} as is_bot,
        {{ raw_column(raw, 'is_app_user', 'boolean') }} as is_app_user,
        {{ raw_column(raw, 'is_admin', 'boolean') }} as is_admin,
        {{ raw_column(raw, 'tz', 'varchar') }} as time_zone,
        {{ raw_column(raw, 'updated', 'bigint') }} as updated_epoch,
        {{ raw_column(raw, 'deleted', 'boolean') }} as is_deleted
    from {{ raw_from(raw) }}

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
