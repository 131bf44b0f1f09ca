{#-
    Slack requests (METRICS.md): top-level messages in an intake channel (seed
    slack_intake_channels) posted by a human, not bots, integrations or channel notices
    (subtypes such as channel_join). A deleted request that still has replies survives as
    Slack's tombstone and is kept, flagged is_deleted; its author is known from its replies'
    parent_user_id. Per request: the first thread reply by
    a different human (bots and the requester excluded) and whether the thread links a Linear
    issue (a reply naming an issue URL, or a Linear attachment pointing at the message).
-#}
with

messages as (

    select
        channel_id,
        message_ts,
        thread_ts,
        user_id,
        parent_user_id,
        subtype,
        linked_linear_identifier,
        posted_at,
        is_thread_reply,
        is_bot_message,
        is_deleted
    from {{ ref('stg_slack__messages') }}
    where posted_at <= {{ as_of() }}

),

intake_channels as (

    select channels.channel_id
    from {{ ref('stg_slack__channels') }} as channels
    inner join {{ ref('slack_intake_channels') }} as intake
        on channels.channel_name = intake.channel_name

),

bot_users as (

    select user_id
    from {{ ref('stg_slack__users') }}
    where is_bot

),

linear_attachments as (

    select
        slack_channel_id,
        slack_ts,
        min(created_at) as linked_at
    from {{ ref('stg_linear__attachments') }}
    where
        slack_channel_id is not null
        and not is_deleted
        and created_at <= {{ as_of() }}
    group by slack_channel_id, slack_ts

),

thread_parents as (

    select
        channel_id,
        thread_ts,
        max(parent_user_id) as parent_user_id
    from messages
    where is_thread_reply
    group by channel_id, thread_ts

),

requests as (

    select
        messages.channel_id,
        messages.message_ts,
        case
            when messages.subtype = 'tombstone' then thread_parents.parent_user_id
            else messages.user_id
        end as user_id,
        messages.posted_at,
        messages.is_deleted
    from messages
    inner join intake_channels
        on messages.channel_id = intake_channels.channel_id
    left join thread_parents
        on
            messages.channel_id = thread_parents.channel_id
            and messages.message_ts = thread_parents.thread_ts
    where
        not messages.is_thread_reply
        and (
            coalesce(messages.subtype = 'tombstone', false)
            or (
                messages.subtype is null
                and not messages.is_bot_message
                and messages.user_id not in (select bot_users.user_id from bot_users)
            )
        )

),

replies as (

    select
        messages.channel_id,
        messages.thread_ts,
        messages.user_id,
        messages.posted_at,
        messages.linked_linear_identifier,
        not messages.is_deleted
        and not messages.is_bot_message
        and messages.user_id is not null
        and messages.user_id not in (select bot_users.user_id from bot_users) as is_human
    from messages
    where messages.is_thread_reply

),

thread_summary as (

    select
        requests.channel_id,
        requests.message_ts,
        min(
            case
                when replies.is_human and replies.user_id is distinct from requests.user_id
                    then replies.posted_at
            end
        ) as first_response_at,
        min(case when replies.linked_linear_identifier is not null then replies.posted_at end)
            as thread_linked_at,
        min(replies.linked_linear_identifier) as linear_issue_identifier
    from requests
    inner join replies
        on
            requests.channel_id = replies.channel_id
            and requests.message_ts = replies.thread_ts
    group by requests.channel_id, requests.message_ts

),

final as (

    select
        requests.channel_id,
        requests.message_ts,
        requests.user_id as requester_user_id,
        requests.posted_at,
        thread_summary.first_response_at,
        least(thread_summary.thread_linked_at, linear_attachments.linked_at) as tracked_at,
        thread_summary.linear_issue_identifier,
        requests.is_deleted
    from requests
    left join thread_summary
        on
            requests.channel_id = thread_summary.channel_id
            and requests.message_ts = thread_summary.message_ts
    left join linear_attachments
        on
            requests.channel_id = linear_attachments.slack_channel_id
            and requests.message_ts = linear_attachments.slack_ts

)

select * from final
