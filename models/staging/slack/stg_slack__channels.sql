{%- set raw = raw_table(source('slack', 'channels')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as channel_id,
        {{ raw_column(raw, 'name', 'varchar') }} as channel_name,
        {{ raw_column(raw, 'is_private', 'boolean') }} as is_private,
        {{ raw_column(raw, 'is_archived', 'boolean') }} as is_archived,
        {{ raw_column(raw, 'is_member', 'boolean') }} as is_member,
        {{ raw_column(raw, 'created', 'bigint') }} as created_epoch,
        {{ raw_column(raw, 'creator', 'varchar') }} as creator_user_id,
        {{ raw_column(raw, 'num_members', 'integer') }} as member_count
    from {{ raw_from(raw) }}

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
