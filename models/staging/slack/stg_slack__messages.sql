{%- set raw = raw_table(source('slack', 'messages')) -%}

with

source as (

    select
        {{ raw_column(raw, 'channel', 'varchar', required=true) }} as channel_id,
        {{ raw_column(raw, 'ts', 'varchar', required=true) }} as message_ts,
        {{ raw_column(raw, 'thread_ts', 'varchar') }} as thread_ts,
        {{ raw_column(raw, 'user', 'varchar') }} as user_id,
        {{ raw_column(raw, 'parent_user_id', 'varchar') }} as parent_user_id,
        {{ raw_column(raw, 'bot_id', 'varchar') }} as bot_id,
        {{ raw_column(raw, 'subtype', 'varchar') }} as subtype,
        {{ raw_column(raw, 'text', 'varchar') }} as message_text,
        {{ raw_column(raw, 'reply_count', 'integer') }} as reply_count,
        {{ raw_column(raw, 'edited__ts', 'varchar') }} as edited_ts,
        {{ raw_column(raw, 'is_deleted', 'boolean') }} as is_deleted
    from {{ raw_from(raw) }}

),

final as (

    select
        channel_id,
        message_ts,
        thread_ts,
        user_id,
        parent_user_id,
        bot_id,
        subtype,
        message_text,
        {{ regex_extract('message_text', 'linear\\.app/[^/]+/issue/([A-Za-z0-9]+-[0-9]+)', 1) }}
            as linked_linear_identifier,
        coalesce(reply_count, 0) as reply_count,
        {{ epoch_to_timestamp('message_ts') }} as posted_at,
        {{ epoch_to_timestamp('edited_ts') }} as edited_at,
        -- a reply names its parent's ts in thread_ts; a parent names its own ts (or nothing)
        coalesce(thread_ts is not null and thread_ts != message_ts, false) as is_thread_reply,
        -- integrations post with a bot_id or as subtype bot_message
        bot_id is not null or coalesce(subtype = 'bot_message', false) as is_bot_message,
        coalesce(is_deleted, false) or coalesce(subtype = 'tombstone', false) as is_deleted
    from source

)

select * from final
