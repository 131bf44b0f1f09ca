{#-
    One row per ticket and stretch of time in one status, from creation to as_of.
    A status holds from its change until the next change (or as_of), so a ticket's intervals
    never overlap and their durations sum to its lifetime. A ticket whose history does not start
    at creation opens with the status its first change left (`new` when unknown); one without
    any status change holds its current status throughout. Changes at one instant are ordered
    by event id and give zero-length intervals. Deleting a ticket writes no audit to the events
    export: a ticket whose status is `deleted` enters `deleted` at its last update.
-#}
with

tickets as (

    select
        ticket_id,
        status,
        created_at,
        updated_at
    from {{ ref('stg_zendesk__tickets') }}

),

status_changes as (

    select
        ticket_id,
        ticket_event_id,
        status,
        previous_status,
        changed_at
    from {{ ref('stg_zendesk__ticket_status_changes') }}

),

numbered_changes as (

    select
        ticket_id,
        previous_status,
        changed_at,
        row_number() over (partition by ticket_id order by changed_at, ticket_event_id) as change_number
    from status_changes

),

first_changes as (

    select
        ticket_id,
        previous_status,
        changed_at
    from numbered_changes
    where change_number = 1

),

openings as (

    select
        tickets.ticket_id,
        case
            when first_changes.ticket_id is null then tickets.status
            else coalesce(first_changes.previous_status, 'new')
        end as status,
        tickets.created_at as valid_from,
        -- the opening sorts before the changes at the same instant, a deletion after them
        0 as sequence_group,
        cast(null as bigint) as ticket_event_id
    from tickets
    left join first_changes
        on tickets.ticket_id = first_changes.ticket_id
    where first_changes.ticket_id is null or first_changes.changed_at > tickets.created_at

),

changes as (

    select
        status_changes.ticket_id,
        status_changes.status,
        -- an event stamped before the ticket's creation cannot start before it
        greatest(status_changes.changed_at, tickets.created_at) as valid_from,
        1 as sequence_group,
        status_changes.ticket_event_id
    from status_changes
    inner join tickets
        on status_changes.ticket_id = tickets.ticket_id

),

deletions as (

    select
        tickets.ticket_id,
        'deleted' as status,
        greatest(tickets.updated_at, tickets.created_at) as valid_from,
        2 as sequence_group,
        cast(null as bigint) as ticket_event_id
    from tickets
    where
        tickets.status = 'deleted'
        and tickets.ticket_id not in (
            select status_changes.ticket_id
            from status_changes
            where status_changes.status = 'deleted'
        )

),

starts as (

    select
        ticket_id,
        status,
        valid_from,
        sequence_group,
        ticket_event_id
    from openings
    union all
    select
        ticket_id,
        status,
        valid_from,
        sequence_group,
        ticket_event_id
    from changes
    union all
    select
        ticket_id,
        status,
        valid_from,
        sequence_group,
        ticket_event_id
    from deletions

),

intervals as (

    select
        ticket_id,
        status,
        valid_from,
        lead(valid_from) over (
            partition by ticket_id order by valid_from, sequence_group, ticket_event_id
        ) as next_valid_from,
        row_number() over (
            partition by ticket_id order by valid_from, sequence_group, ticket_event_id
        ) as interval_number,
        lag(status) over (
            partition by ticket_id order by valid_from, sequence_group, ticket_event_id
        ) as previous_status
    from starts
    where valid_from <= {{ as_of() }}

),

bounded as (

    select
        ticket_id,
        interval_number,
        status,
        previous_status,
        valid_from,
        least(coalesce(next_valid_from, {{ as_of() }}), {{ as_of() }}) as valid_to,
        next_valid_from is null or next_valid_from > {{ as_of() }} as is_current
    from intervals

),

final as (

    select
        ticket_id,
        interval_number,
        status,
        previous_status,
        valid_from,
        valid_to,
        {{ minutes_between('valid_from', 'valid_to') }} as duration_minutes,
        is_current
    from bounded

)

select * from final
