{#-
    Recomputed SLA outcomes against Zendesk's own ticket metric events, one row per ticket and
    SLA metric. Zendesk's `reply_time` instance 1 is our first_reply_time, its instances 2 and
    up our next_reply_time. Three checks, each on the events up to as_of:
    - breach: our breached instances against the instances with a live `breach` event (a
      breach marked deleted does not count); a ticket without a target agrees when Zendesk
      has no breach either.
    - fulfil: our achieved_at is the time of one of Zendesk's `fulfill` events of the metric
      (within a minute); nothing to check while the metric runs.
    - pause: a running metric we call paused is one whose latest Zendesk clock event
      (activate, pause, fulfill) is a `pause`, and one we call active is not.
    Known, explained difference:
    - policy_changed_later: Zendesk applies the policy of the ticket's fields at each update;
      our target is the one matching the fields when the metric stopped (DECISIONLOG.md), so a
      ticket whose matching policy changed after its breach differs on the breach.
-#}
{%- set event_metrics = {
    'reply_time': 'first_reply_time',
    'requester_wait_time': 'requester_wait_time',
    'agent_work_time': 'agent_work_time',
    'resolution_time': 'total_resolution_time',
} -%}

with

slas as (

    select
        ticket_id,
        metric,
        sla_policy_id,
        target_minutes,
        due_at,
        achieved_at,
        is_breached,
        sla_status,
        breached_instance_count,
        is_deleted
    from {{ ref('fct_ticket_slas') }}

),

metric_events as (

    select
        ticket_metric_event_id,
        ticket_id,
        case
            when metric = 'reply_time' and coalesce(instance_id, 1) > 1 then 'next_reply_time'
            {%- for theirs, ours in event_metrics.items() %}
                when metric = '{{ theirs }}' then '{{ ours }}'
            {%- endfor %}
        end as metric,
        coalesce(instance_id, 1) as instance_id,
        event_type,
        occurred_at,
        is_deleted
    from {{ ref('stg_zendesk__ticket_metric_events') }}
    where occurred_at <= {{ as_of() }}

),

breaches as (

    select
        ticket_id,
        metric,
        min(occurred_at) as breached_at,
        count(distinct instance_id) as breached_instance_count
    from metric_events
    where event_type = 'breach' and not coalesce(is_deleted, false)
    group by ticket_id, metric

),

applications as (

    select
        ticket_id,
        metric,
        instance_id,
        count(*) as apply_count
    from metric_events
    where event_type = 'apply_sla'
    group by ticket_id, metric, instance_id

),

reapplied as (

    -- tickets whose policy Zendesk applied more than once to one instance of the metric
    select
        ticket_id,
        metric
    from applications
    where apply_count > 1
    group by ticket_id, metric

),

fulfilments as (

    select
        slas.ticket_id,
        slas.metric,
        max(metric_events.occurred_at) as fulfilled_at
    from slas
    inner join metric_events
        on
            slas.ticket_id = metric_events.ticket_id
            and slas.metric = metric_events.metric
            and metric_events.event_type = 'fulfill'
            and abs({{ minutes_between('slas.achieved_at', 'metric_events.occurred_at') }}) <= 1
    group by slas.ticket_id, slas.metric

),

clock_events as (

    select
        ticket_id,
        metric,
        event_type,
        row_number() over (
            partition by ticket_id, metric
            order by occurred_at desc, ticket_metric_event_id desc
        ) as recency
    from metric_events
    where event_type in ('activate', 'pause', 'fulfill')

),

compared as (

    select
        slas.ticket_id,
        slas.metric,
        slas.sla_policy_id,
        slas.target_minutes,
        slas.due_at,
        slas.achieved_at,
        slas.is_breached,
        slas.sla_status,
        coalesce(breaches.breached_instance_count, 0) > 0 as is_breached_in_zendesk,
        coalesce(breaches.breached_instance_count, 0) as zendesk_breached_instance_count,
        breaches.breached_at as zendesk_breached_at,
        fulfilments.fulfilled_at as zendesk_fulfilled_at,
        clock_events.event_type = 'pause' as is_paused_in_zendesk,
        coalesce(slas.breached_instance_count, 0) = coalesce(breaches.breached_instance_count, 0)
            as is_breach_match,
        slas.achieved_at is null or fulfilments.fulfilled_at is not null as is_fulfilment_match,
        case
            when slas.sla_status = 'paused' then coalesce(clock_events.event_type = 'pause', false)
            when slas.sla_status = 'active' then coalesce(clock_events.event_type != 'pause', true)
            else true
        end as is_pause_match,
        reapplied.ticket_id is not null as was_policy_reapplied,
        slas.is_deleted
    from slas
    left join breaches
        on
            slas.ticket_id = breaches.ticket_id
            and slas.metric = breaches.metric
    left join fulfilments
        on
            slas.ticket_id = fulfilments.ticket_id
            and slas.metric = fulfilments.metric
    left join clock_events
        on
            slas.ticket_id = clock_events.ticket_id
            and slas.metric = clock_events.metric
            and clock_events.recency = 1
    left join reapplied
        on
            slas.ticket_id = reapplied.ticket_id
            and slas.metric = reapplied.metric

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
        achieved_at,
        is_breached,
        sla_status,
        is_breached_in_zendesk,
        zendesk_breached_instance_count,
        zendesk_breached_at,
        zendesk_fulfilled_at,
        is_paused_in_zendesk,
        is_breach_match,
        is_fulfilment_match,
        is_pause_match,
        case
            when is_breach_match and is_fulfilment_match and is_pause_match then 'match'
            else 'differs'
        end as agreement,
        case
            when not is_breach_match and was_policy_reapplied then 'policy_changed_later'
        end as known_difference,
        (is_breach_match or was_policy_reapplied) and is_fulfilment_match and is_pause_match
            as is_explained,
        is_deleted
    from compared

)

select * from final
