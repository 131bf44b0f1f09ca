{{ config(group="support_ops") }}

-- A ticket's status intervals follow one another without gap or overlap, and their durations
-- sum to the ticket's lifetime from creation to as_of. Returns the tickets that break it.
with

intervals as (

    select
        ticket_id,
        interval_number,
        valid_from,
        valid_to,
        duration_minutes,
        lag(valid_to) over (partition by ticket_id order by interval_number) as previous_valid_to
    from {{ ref('int_ticket_status_intervals_derived') }}

),

tickets as (

    select
        ticket_id,
        created_at
    from {{ ref('stg_zendesk__tickets') }}
    where created_at <= {{ as_of() }}

),

per_ticket as (

    select
        ticket_id,
        sum(duration_minutes) as total_minutes,
        min(valid_from) as first_valid_from,
        count(case when previous_valid_to is not null and previous_valid_to != valid_from then 1 end)
            as broken_links,
        count(case when valid_to < valid_from then 1 end) as negative_intervals
    from intervals
    group by ticket_id

)

select
    tickets.ticket_id,
    per_ticket.total_minutes,
    per_ticket.broken_links,
    per_ticket.negative_intervals
from tickets
left join per_ticket
    on tickets.ticket_id = per_ticket.ticket_id
where
    per_ticket.ticket_id is null
    or per_ticket.first_valid_from != tickets.created_at
    or per_ticket.broken_links > 0
    or per_ticket.negative_intervals > 0
    or abs(per_ticket.total_minutes - {{ minutes_between('tickets.created_at', as_of()) }}) > 0.001
