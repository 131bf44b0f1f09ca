with

tickets as (

    select
        ticket_id,
        requester_id,
        submitter_id,
        assignee_id,
        group_id,
        organization_id,
        status,
        priority,
        ticket_type,
        via_channel,
        satisfaction_score,
        created_at,
        updated_at,
        is_deleted
    from {{ ref('stg_zendesk__tickets') }}

),

users as (

    select
        user_id,
        person_key
    from {{ ref('stg_zendesk__users') }}

),

status_intervals as (

    select
        ticket_id,
        status,
        previous_status,
        valid_from,
        duration_minutes,
        is_current
    from {{ ref('int_ticket_status_intervals_derived') }}

),

replies as (

    select
        ticket_id,
        created_at
    from {{ ref('int_ticket_replies_identified') }}
    where is_agent_reply

),

rating_versions as (

    select
        ticket_id,
        score,
        row_number() over (
            partition by ticket_id order by updated_at desc, satisfaction_rating_id desc
        ) as rating_recency
    from {{ ref('stg_zendesk__satisfaction_ratings') }}

),

escalation_links as (

    -- the Linear side of an escalation: an attachment pointing at the ticket
    select
        zendesk_ticket_id as ticket_id,
        min(created_at) as first_linked_at
    from {{ ref('stg_linear__attachments') }}
    where
        zendesk_ticket_id is not null
        and not is_deleted
        and created_at <= {{ as_of() }}
    group by zendesk_ticket_id

),

escalation_fields as (

    -- the Zendesk side: a custom field holding a Linear issue URL (its time is not known)
    select distinct ticket_id
    from {{ ref('stg_zendesk__ticket_custom_fields') }}
    where field_value like '%linear.app/%/issue/%'

),

ratings as (

    select
        ticket_id,
        score
    from rating_versions
    where rating_recency = 1

),

reply_summary as (

    select
        ticket_id,
        min(created_at) as first_reply_at,
        count(*) as agent_reply_count
    from replies
    group by ticket_id

),

status_summary as (

    select
        ticket_id,
        max(case when is_current then status end) as status_at_as_of,
        -- a resolution is an entry into `solved` (into `closed` for tickets never solved)
        count(case when status = 'solved' and previous_status is distinct from 'solved' then 1 end)
            as solved_count,
        count(case when status = 'closed' and previous_status is distinct from 'closed' then 1 end)
            as closed_count,
        min(case when status = 'solved' then valid_from end) as first_solved_at,
        max(case when status = 'solved' then valid_from end) as last_solved_at,
        min(case when status = 'closed' then valid_from end) as first_closed_at,
        sum(case when status in ('new', 'open', 'hold') then duration_minutes else 0 end)
            as requester_wait_minutes,
        sum(case when status = 'pending' then duration_minutes else 0 end) as agent_wait_minutes,
        sum(case when status in ('new', 'open') then duration_minutes else 0 end)
            as agent_work_minutes,
        sum(case when status = 'hold' then duration_minutes else 0 end) as on_hold_minutes
    from status_intervals
    group by ticket_id

),

resolved as (

    select
        ticket_id,
        status_at_as_of,
        case when solved_count > 0 then solved_count else closed_count end as resolution_count,
        coalesce(first_solved_at, first_closed_at) as first_resolved_at,
        case
            when status_at_as_of in ('solved', 'closed')
                then coalesce(last_solved_at, first_closed_at)
        end as full_resolved_at,
        requester_wait_minutes,
        agent_wait_minutes,
        agent_work_minutes,
        on_hold_minutes
    from status_summary

),

final as (

    select
        tickets.ticket_id,
        tickets.requester_id,
        requesters.person_key as requester_person_key,
        requesters.user_id is not null as has_known_requester,
        tickets.submitter_id,
        tickets.assignee_id,
        tickets.group_id,
        tickets.organization_id,
        tickets.status,
        tickets.priority,
        tickets.ticket_type,
        tickets.via_channel,
        tickets.created_at,
        tickets.updated_at,
        reply_summary.first_reply_at,
        resolved.first_resolved_at,
        resolved.full_resolved_at,
        {{ minutes_between('tickets.created_at', 'reply_summary.first_reply_at') }}
            as first_reply_minutes,
        {{ minutes_between('tickets.created_at', 'resolved.first_resolved_at') }}
            as first_resolution_minutes,
        {{ minutes_between('tickets.created_at', 'resolved.full_resolved_at') }}
            as full_resolution_minutes,
        resolved.requester_wait_minutes,
        resolved.agent_wait_minutes,
        resolved.agent_work_minutes,
        resolved.on_hold_minutes,
        resolved.resolution_count,
        greatest(resolved.resolution_count - 1, 0) as reopen_count,
        coalesce(reply_summary.agent_reply_count, 0) as agent_reply_count,
        coalesce(
            resolved.full_resolved_at is not null and reply_summary.agent_reply_count = 1, false
        ) as is_one_touch_resolution,
        coalesce(ratings.score, tickets.satisfaction_score, 'unoffered') as satisfaction,
        escalation_links.ticket_id is not null or escalation_fields.ticket_id is not null
            as is_escalated,
        escalation_links.first_linked_at as escalated_at,
        tickets.is_deleted
    from tickets
    left join users as requesters
        on tickets.requester_id = requesters.user_id
    left join reply_summary
        on tickets.ticket_id = reply_summary.ticket_id
    left join resolved
        on tickets.ticket_id = resolved.ticket_id
    left join ratings
        on tickets.ticket_id = ratings.ticket_id
    left join escalation_links
        on tickets.ticket_id = escalation_links.ticket_id
    left join escalation_fields
        on tickets.ticket_id = escalation_fields.ticket_id

)

select * from final
