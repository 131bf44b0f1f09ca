{#-
    Business-minute twins use the account's default schedule (int_zendesk_schedules_resolved)
    through the business clock of macros/business_time.sql; null when the schedule is unknown.
-#}
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
        valid_to,
        duration_minutes,
        is_current
    from {{ ref('int_ticket_status_intervals_derived') }}

),

first_reply_slas as (

    select
        ticket_id,
        target_minutes,
        is_breached
    from {{ ref('int_ticket_slas_computed') }}
    where metric = 'first_reply_time'

),

default_schedule as (

    select
        schedule_id,
        iana_time_zone
    from {{ ref('int_zendesk_schedules_resolved') }}
    where is_default and iana_time_zone is not null

),

schedule_intervals as (

    select
        schedule_id,
        start_minute,
        end_minute
    from {{ ref('stg_zendesk__schedule_intervals') }}

),

holidays as (

    select
        schedule_id,
        start_date,
        end_date
    from {{ ref('stg_zendesk__holidays') }}
    where not coalesce(is_deleted, false)

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

escalations as (

    -- a link to a Linear issue, found either side (fct_issue_ticket_links); the first dated one
    select
        ticket_id,
        min(linked_at) as first_linked_at
    from {{ ref('fct_issue_ticket_links') }}
    group by ticket_id

),

business_time_bounds as (

    -- two days around every instant the clock is read at: creation up to as_of
    select
        cast({{ dbt.dateadd('day', -2, 'min(created_at)') }} as date) as first_date,
        cast({{ dbt.dateadd('day', 2, as_of()) }} as date) as last_date
    from tickets

),

{{ business_time_ctes('default_schedule', 'schedule_intervals', 'holidays', 'business_time_bounds') }},

interval_business as (

    select
        status_intervals.ticket_id,
        status_intervals.status,
        {{ business_clock('to_clock', 'status_intervals.valid_to') }}
        - {{ business_clock('from_clock', 'status_intervals.valid_from') }} as duration_business_minutes
    from status_intervals
    left join default_schedule
        on 1 = 1
    {{ business_clock_join('from_clock', 'default_schedule.schedule_id', 'status_intervals.valid_from') }}
    {{ business_clock_join('to_clock', 'default_schedule.schedule_id', 'status_intervals.valid_to') }}

),

business_summary as (

    -- null when any stretch of the ticket has no business clock (unknown zone, no schedule)
    select
        ticket_id,
        case
            when count(duration_business_minutes) = count(*)
                then sum(
                    case when status in ('new', 'open', 'hold') then duration_business_minutes else 0 end
                )
        end as requester_wait_business_minutes,
        case
            when count(duration_business_minutes) = count(*)
                then sum(case when status = 'pending' then duration_business_minutes else 0 end)
        end as agent_wait_business_minutes,
        case
            when count(duration_business_minutes) = count(*)
                then sum(case when status in ('new', 'open') then duration_business_minutes else 0 end)
        end as agent_work_business_minutes,
        case
            when count(duration_business_minutes) = count(*)
                then sum(case when status = 'hold' then duration_business_minutes else 0 end)
        end as on_hold_business_minutes
    from interval_business
    group by ticket_id

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

ticket_clocks as (

    select
        tickets.ticket_id,
        {{ business_clock('reply_clock', 'reply_summary.first_reply_at') }}
        - {{ business_clock('created_clock', 'tickets.created_at') }} as first_reply_business_minutes,
        {{ business_clock('first_resolved_clock', 'resolved.first_resolved_at') }}
        - {{ business_clock('created_clock', 'tickets.created_at') }} as first_resolution_business_minutes,
        {{ business_clock('full_resolved_clock', 'resolved.full_resolved_at') }}
        - {{ business_clock('created_clock', 'tickets.created_at') }} as full_resolution_business_minutes
    from tickets
    left join default_schedule
        on 1 = 1
    left join reply_summary
        on tickets.ticket_id = reply_summary.ticket_id
    left join resolved
        on tickets.ticket_id = resolved.ticket_id
    {{ business_clock_join('created_clock', 'default_schedule.schedule_id', 'tickets.created_at') }}
    {{ business_clock_join('reply_clock', 'default_schedule.schedule_id', 'reply_summary.first_reply_at') }}
    {{ business_clock_join(
        'first_resolved_clock', 'default_schedule.schedule_id', 'resolved.first_resolved_at'
    ) }}
    {{ business_clock_join(
        'full_resolved_clock', 'default_schedule.schedule_id', 'resolved.full_resolved_at'
    ) }}

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
        ticket_clocks.first_reply_business_minutes,
        ticket_clocks.first_resolution_business_minutes,
        ticket_clocks.full_resolution_business_minutes,
        business_summary.requester_wait_business_minutes,
        business_summary.agent_wait_business_minutes,
        business_summary.agent_work_business_minutes,
        business_summary.on_hold_business_minutes,
        resolved.resolution_count,
        greatest(resolved.resolution_count - 1, 0) as reopen_count,
        coalesce(reply_summary.agent_reply_count, 0) as agent_reply_count,
        coalesce(
            resolved.full_resolved_at is not null and reply_summary.agent_reply_count = 1, false
        ) as is_one_touch_resolution,
        coalesce(ratings.score, tickets.satisfaction_score, 'unoffered') as satisfaction,
        escalations.ticket_id is not null as is_escalated,
        escalations.first_linked_at as escalated_at,
        first_reply_slas.target_minutes as first_reply_sla_target_minutes,
        first_reply_slas.is_breached as is_first_reply_sla_breached,
        tickets.is_deleted
    from tickets
    left join users as requesters
        on tickets.requester_id = requesters.user_id
    left join reply_summary
        on tickets.ticket_id = reply_summary.ticket_id
    left join resolved
        on tickets.ticket_id = resolved.ticket_id
    left join ticket_clocks
        on tickets.ticket_id = ticket_clocks.ticket_id
    left join business_summary
        on tickets.ticket_id = business_summary.ticket_id
    left join ratings
        on tickets.ticket_id = ratings.ticket_id
    left join escalations
        on tickets.ticket_id = escalations.ticket_id
    left join first_reply_slas
        on tickets.ticket_id = first_reply_slas.ticket_id

)

select * from final
