-- Definitions of done for a ticket (METRICS.md): a solved or closed status has a final solve
-- time and an open one has none; no duration is negative; one-touch implies one reply.
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
    )
