-- Definitions of done for a ticket (METRICS.md): a solved or closed status has a final solve
-- time and an open one has none; no duration is negative; one-touch implies one reply; a
-- business duration lies between 0 and its calendar twin.
select
    ticket_id,
    status,
    full_resolved_at
from {{ ref('fct_support_tickets') }}
where
    not is_deleted
    and (
        (status in ('solved', 'closed')) != (full_resolved_at is not null)
        or first_reply_minutes < 0
        or first_resolution_minutes < 0
        or full_resolution_minutes < first_resolution_minutes
        or requester_wait_minutes < 0
        or agent_wait_minutes < 0
        or agent_work_minutes < 0
        or on_hold_minutes < 0
        or reopen_count < 0
        or (is_one_touch_resolution and agent_reply_count != 1)
        or first_reply_business_minutes not between 0 and first_reply_minutes + 0.001
        or first_resolution_business_minutes not between 0 and first_resolution_minutes + 0.001
        or full_resolution_business_minutes not between 0 and full_resolution_minutes + 0.001
        or requester_wait_business_minutes not between 0 and requester_wait_minutes + 0.001
        or agent_wait_business_minutes not between 0 and agent_wait_minutes + 0.001
        or agent_work_business_minutes not between 0 and agent_work_minutes + 0.001
        or on_hold_business_minutes not between 0 and on_hold_minutes + 0.001
    )
