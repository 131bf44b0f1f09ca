{#-
    Recomputed SLA outcomes against Zendesk's own ticket metric events, one row per ticket and
    SLA metric: our is_breached next to whether Zendesk emitted a live `breach` event for the
    metric by as_of (a breach event marked deleted does not count). A ticket without a target
    agrees when Zendesk has no breach either. Known, explained difference:
    - policy_changed_later: Zendesk applies the policy of the ticket's fields at each update;
      our target is the one matching the fields when the metric stopped (DECISIONLOG.md), so a
      ticket whose matching policy changed after its breach differs.
-#}
{%- set event_metrics = {
    'first_reply_time': 'reply_time',
    'requester_wait_time': 'requester_wait_time',
    'agent_work_time': 'agent_work_time',
    'total_resolution_time': 'resolution_time',
} -%}

with

slas as (

    select
        ticket_id,
        metric,
        sla_policy_id,
        target_minutes,
        due_at,
        is_breached,
        is_deleted
    from {{ ref('fct_ticket_slas') }}

),

metric_events as (

    select
        ticket_id,
        metric,
        event_type,
        occurred_at,
        is_deleted
    from {{ ref('stg_zendesk__ticket_metric_events') }}
    where occurred_at <= {{ as_of() }}

),

breaches as (

    select
        ticket_id,
        case metric
            {%- for ours, theirs in event_metrics.items() %}
                when '{{ theirs }}' then '{{ ours }}'
            {%- endfor %}
        end as metric,
        min(occurred_at) as breached_at
    from metric_events
    where event_type = 'breach' and not coalesce(is_deleted, false)
    group by ticket_id, metric

),

applied as (

    -- tickets whose policy Zendesk applied more than once for the metric
    select
        ticket_id,
        case metric
            {%- for ours, theirs in event_metrics.items() %}
                when '{{ theirs }}' then '{{ ours }}'
            {%- endfor %}
        end as metric,
        count(*) as apply_count
    from metric_events
    where event_type = 'apply_sla'
    group by ticket_id, metric

),

compared as (

    select
        slas.ticket_id,
        slas.metric,
        slas.sla_policy_id,
        slas.target_minutes,
        slas.due_at,
        slas.is_breached,
        breaches.ticket_id is not null as is_breached_in_zendesk,
        breaches.breached_at as zendesk_breached_at,
        coalesce(slas.is_breached, false) = (breaches.ticket_id is not null) as is_match,
        coalesce(applied.apply_count, 0) > 1 as was_policy_reapplied,
        slas.is_deleted
    from slas
    left join breaches
        on
            slas.ticket_id = breaches.ticket_id
            and slas.metric = breaches.metric
    left join applied
        on
            slas.ticket_id = applied.ticket_id
            and slas.metric = applied.metric

),

final as (

    select
        {{ dbt.concat(['cast(ticket_id as ' ~ dbt.type_string() ~ ')', "':'", 'metric']) }}
            as reconciliation_id,
        ticket_id,
        metric,
        sla_policy_id,
        target_minutes,
        due_at,
        is_breached,
        is_breached_in_zendesk,
        zendesk_breached_at,
        case when is_match then 'match' else 'differs' end as agreement,
        case
            when not is_match and was_policy_reapplied then 'policy_changed_later'
        end as known_difference,
        is_match or was_policy_reapplied as is_explained,
        is_deleted
    from compared

)

select * from final
