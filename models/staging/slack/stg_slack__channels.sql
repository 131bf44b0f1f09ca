{%- set columns = raw_columns(source('slack', 'channels')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'varchar') }} as channel_id,
        {{ raw_column(columns, 'name', 'varchar') }} as channel_name,
        {{ raw_column(columns, 'is_private', 'boolean') }} as is_private,
        {{ raw_column(columns, 'is_archived', 'boolean') }} as is_archived,
        {{ raw_column(columns, 'is_member', 'boolean') }} as is_member,
        {{ raw_column(columns, 'created', 'bigint') }} as created_epoch,
        {{ raw_column(columns, 'creator', 'varchar') }} as creator_user_id,
        {{ raw_column(columns, 'num_members', 'integer') }} as member_count
    from {{ source('slack', 'channels') }}

),

final as (

    select
        channel_id,
        channel_name,
        coalesce(is_private, false) as is_private,
        coalesce(is_archived, false) as is_archived,
        coalesce(is_member, false) as is_member,
        {{ epoch_to_timestamp('created_epoch') }} as created_at,
        creator_user_id,
        member_count,
        -- Slack does not delete channels through the API: archiving is the soft delete
        coalesce(is_archived, false) as is_deleted
    from source

)

select * from final
