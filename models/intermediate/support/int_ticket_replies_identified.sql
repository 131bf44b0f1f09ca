{#-
    Every ticket comment with whether it is an agent reply in Zendesk's sense (METRICS.md):
    public, written by an agent or admin, not added by a trigger, automation or Zendesk itself,
    and not the ticket's opening comment. The opening comment is the ticket's description: when
    an agent opened the ticket with a public comment, that comment is not a reply, so the first
    reply is the second public agent comment. Comments by the ticket's requester never count.
    The author's role is the one Zendesk shows now: Zendesk exposes no role history.
    is_end_user_comment marks the public comments of the requester or any non-agent author:
    they start Zendesk's next reply time.
-#}
with

comments as (

    select
        comment_id,
        ticket_id,
        author_id,
        is_public,
        is_system_comment,
        created_at
    from {{ ref('stg_zendesk__ticket_comments') }}

),

tickets as (

    select
        ticket_id,
        requester_id
    from {{ ref('stg_zendesk__tickets') }}

),

users as (

    select
        user_id,
        user_role
    from {{ ref('stg_zendesk__users') }}

),

numbered as (

    select
        comment_id,
        ticket_id,
        author_id,
        is_public,
        is_system_comment,
        created_at,
        row_number() over (partition by ticket_id order by created_at, comment_id) as comment_number
    from comments

),

final as (

    select
        numbered.comment_id,
        numbered.ticket_id,
        numbered.author_id,
        users.user_role as author_role,
        numbered.is_public,
        numbered.is_system_comment,
        numbered.created_at,
        numbered.comment_number,
        coalesce(
            numbered.is_public
            and users.user_role in ('agent', 'admin')
            and not numbered.is_system_comment
            and numbered.author_id is distinct from tickets.requester_id
            and numbered.comment_number > 1,
            false
        ) as is_agent_reply,
        -- the other side of the conversation: the requester, or anyone who is not staff
        -- (an unknown author too: Zendesk's deleted end-users lose their user record)
        coalesce(
            numbered.is_public
            and not numbered.is_system_comment
            and (
                numbered.author_id = tickets.requester_id
                or users.user_role is null
                or users.user_role not in ('agent', 'admin')
            ),
            false
        ) as is_end_user_comment
    from numbered
    left join tickets
        on numbered.ticket_id = tickets.ticket_id
    left join users
        on numbered.author_id = users.user_id

)

select * from final
