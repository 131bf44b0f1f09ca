{#-
    Recomputed ticket metrics against Zendesk's own ticket_metrics, one row per ticket and
    metric. Zendesk rounds to whole minutes and stamps events to the second, so values within
    one minute agree. Known, explained differences:
    - open_ticket_wait: Zendesk adds a status interval to the wait times only when it ends, so
      for a ticket not solved at as_of its waits lag ours (we count up to as_of);
    - closed_without_solve: a ticket closed (merged) without a solve has no resolution in
      Zendesk; METRICS.md counts its close as the resolution;
    - reopened_unsolved: Zendesk keeps the latest solve of a reopened ticket as its full
      resolution; METRICS.md leaves full resolution null until the ticket is solved again.
    Business twins are compared with Zendesk's business values, with the same reasons; Zendesk
    applies the schedule in force at each event, we apply the current one (DECISIONLOG.md), so
    an edited schedule would show up here as differences.
-#}
{%- set metrics = [
    ('first_reply_minutes', 'reply_minutes'),
    ('first_resolution_minutes', 'first_resolution_minutes'),
    ('full_resolution_minutes', 'full_resolution_minutes'),
    ('requester_wait_minutes', 'requester_wait_minutes'),
    ('agent_wait_minutes', 'agent_wait_minutes'),
    ('on_hold_minutes', 'on_hold_minutes'),
    ('first_reply_business_minutes', 'reply_business_minutes'),
    ('first_resolution_business_minutes', 'first_resolution_business_minutes'),
    ('full_resolution_business_minutes', 'full_resolution_business_minutes'),
    ('requester_wait_business_minutes', 'requester_wait_business_minutes'),
    ('agent_wait_business_minutes', 'agent_wait_business_minutes'),
    ('on_hold_business_minutes', 'on_hold_business_minutes'),
] -%}
{%- set waits = "'requester_wait_minutes', 'agent_wait_minutes', 'on_hold_minutes', "
    ~ "'requester_wait_business_minutes', 'agent_wait_business_minutes', 'on_hold_business_minutes'" -%}
{%- set resolutions = "'first_resolution_minutes', 'full_resolution_minutes', "
    ~ "'first_resolution_business_minutes', 'full_resolution_business_minutes'" -%}

with

tickets as (

    select
        ticket_id,
        status,
        first_reply_minutes,
        first_resolution_minutes,
        full_resolution_minutes,
        requester_wait_minutes,
        agent_wait_minutes,
        on_hold_minutes,
        first_reply_business_minutes,
        first_resolution_business_minutes,
        full_resolution_business_minutes,
        requester_wait_business_minutes,
        agent_wait_business_minutes,
        on_hold_business_minutes,
        resolution_count,
        is_deleted
    from {{ ref('fct_support_tickets') }}

),

zendesk as (

    select
        ticket_id,
        reply_minutes,
        first_resolution_minutes,
        full_resolution_minutes,
        requester_wait_minutes,
        agent_wait_minutes,
        on_hold_minutes,
        reply_business_minutes,
        first_resolution_business_minutes,
        full_resolution_business_minutes,
        requester_wait_business_minutes,
        agent_wait_business_minutes,
        on_hold_business_minutes
    from {{ ref('stg_zendesk__ticket_metrics') }}

),

pairs as (

    {% for ours, theirs in metrics -%}
        select
            tickets.ticket_id,
            tickets.status,
            tickets.resolution_count,
            tickets.is_deleted,
            '{{ ours }}' as metric_name,
            tickets.{{ ours }} as recomputed_minutes,
            zendesk.{{ theirs }} as zendesk_minutes
        from tickets
        inner join zendesk
            on tickets.ticket_id = zendesk.ticket_id
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

compared as (

    select
        ticket_id,
        metric_name,
        recomputed_minutes,
        zendesk_minutes,
        recomputed_minutes - zendesk_minutes as difference_minutes,
        case
            when recomputed_minutes is null and zendesk_minutes is null then 'both_null'
            when zendesk_minutes is null then 'only_recomputed'
            when recomputed_minutes is null then 'only_zendesk'
            when abs(recomputed_minutes - zendesk_minutes) <= 1 then 'match'
            else 'differs'
        end as agreement,
        case
            when
                status not in ('solved', 'closed')
                and metric_name in ({{ waits }})
                then 'open_ticket_wait'
            when
                status = 'closed'
                and metric_name in ({{ resolutions }})
                and zendesk_minutes is null
                then 'closed_without_solve'
            when
                status not in ('solved', 'closed')
                and metric_name in ('full_resolution_minutes', 'full_resolution_business_minutes')
                and resolution_count > 0
                then 'reopened_unsolved'
        end as known_difference,
        is_deleted
    from pairs

),

final as (

    select
        {{ dbt.concat([dbt.cast('ticket_id', portable_type('varchar')), "':'", 'metric_name']) }}
            as reconciliation_id,
        ticket_id,
        metric_name,
        recomputed_minutes,
        zendesk_minutes,
        difference_minutes,
        agreement,
        known_difference,
        agreement in ('match', 'both_null') or known_difference is not null as is_explained,
        is_deleted
    from compared

)

select * from final
