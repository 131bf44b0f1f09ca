{{ config(materialized='table') }}
{#-
    One row per ticket and SLA metric: the Zendesk SLA policy that applies, its target and the
    outcome at as_of. Metrics: first_reply_time (creation to the first agent reply, or to the
    first solve without one), next_reply_time (after the first reply time stopped, each public
    end-user comment that follows an agent reply or a solve starts an instance, which the next
    agent reply or entry into solved or closed fulfils), total_resolution_time (creation to the
    final solve), and the pausable requester_wait_time (time in new, open, hold) and
    agent_work_time (new, open), which run until the final solve and pause in the other
    statuses. periodic_update_time is not computed (DECISIONLOG.md).

    Every metric is computed per instance (one for all but next reply); the row shows the
    first breached instance with a target, else the latest, with the number of instances with
    a target and of breached ones.

    Policy: Zendesk re-evaluates policies on every update, so the fields that count are those
    of the ticket when the metric stopped (else at as_of): priority and group from the ticket
    events, ticket type and via channel as the ticket shows them now. Policies are tried by
    position; the first whose `all` conditions all hold and (if it has `any` conditions) one
    `any` condition holds applies. Supported conditions: priority, group_id, type and via_id
    with `is` / `is_not`; any other condition never holds. No target for the ticket's priority
    and metric: no SLA, every column null.

    Outcome: elapsed minutes (business on the default schedule, or calendar, as the target
    says) above the target is a breach, also while the metric still runs; exactly the target
    is achieved. due_at: when the elapsed time reached (or, running, will reach) the target;
    null while a pausable metric is paused below it.
-#}
{%- set pausable = {
    'requester_wait_time': "('new', 'open', 'hold')",
    'agent_work_time': "('new', 'open')",
} -%}
{%- set pausable_metrics = "'" ~ (pausable.keys() | join("', '")) ~ "'" -%}

with

tickets as (

    select
        ticket_id,
        priority,
        group_id,
        ticket_type,
        via_channel,
        created_at,
        is_deleted
    from {{ ref('stg_zendesk__tickets') }}

),

status_intervals as (

    select
        ticket_id,
        interval_number,
        status,
        valid_from,
        valid_to,
        is_current
    from {{ ref('int_ticket_status_intervals_derived') }}

),

comments as (

    select
        ticket_id,
        created_at,
        is_agent_reply
    from {{ ref('int_ticket_replies_identified') }}
    where is_agent_reply or is_end_user_comment

),

field_changes as (

    select
        ticket_id,
        ticket_event_id,
        created_at as changed_at,
        priority,
        group_id
    from {{ ref('stg_zendesk__ticket_events') }}
    where
        event_type in ('Create', 'Change')
        and (priority is not null or group_id is not null)

),

policies as (

    select
        sla_policy_id,
        policy_position
    from {{ ref('stg_zendesk__sla_policies') }}
    where not coalesce(is_deleted, false)

),

policy_metrics as (

    select
        sla_policy_id,
        priority,
        metric,
        target_minutes,
        is_business_hours
    from {{ ref('stg_zendesk__sla_policy_metrics') }}

),

conditions as (

    select
        sla_policy_id,
        condition_group,
        condition_field,
        condition_operator,
        condition_value
    from {{ ref('stg_zendesk__sla_policy_conditions') }}

),

via_channels as (

    select
        via_id,
        via_channel
    from {{ ref('zendesk_via_channels') }}

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

business_time_bounds as (

    -- from creation to 60 days past as_of: due dates of running metrics lie ahead
    select
        cast({{ dbt.dateadd('day', -2, 'min(created_at)') }} as date) as first_date,
        cast({{ dbt.dateadd('day', 60, as_of()) }} as date) as last_date
    from tickets

),

{{ business_time_ctes('default_schedule', 'schedule_intervals', 'holidays', 'business_time_bounds') }},

metric_names as (

    select 'first_reply_time' as metric
    union all
    select 'next_reply_time' as metric
    union all
    select 'requester_wait_time' as metric
    union all
    select 'agent_work_time' as metric
    union all
    select 'total_resolution_time' as metric

),

first_replies as (

    select
        ticket_id,
        min(created_at) as first_reply_at
    from comments
    where is_agent_reply
    group by ticket_id

),

milestones as (

    select
        ticket_id,
        max(case when is_current then status end) as status_at_as_of,
        -- a resolution is an entry into solved (the first close of a ticket never solved)
        coalesce(
            min(case when status = 'solved' then valid_from end),
            min(case when status = 'closed' then valid_from end)
        ) as first_resolved_at,
        coalesce(
            max(case when status = 'solved' then valid_from end),
            min(case when status = 'closed' then valid_from end)
        ) as last_resolved_at
    from status_intervals
    group by ticket_id

),

first_stops as (

    -- the first reply time stops at the first reply, or at the first solve without one
    select
        tickets.ticket_id,
        case
            when first_replies.first_reply_at is null then milestones.first_resolved_at
            when milestones.first_resolved_at is null then first_replies.first_reply_at
            when first_replies.first_reply_at < milestones.first_resolved_at
                then first_replies.first_reply_at
            else milestones.first_resolved_at
        end as first_stopped_at
    from tickets
    left join milestones
        on tickets.ticket_id = milestones.ticket_id
    left join first_replies
        on tickets.ticket_id = first_replies.ticket_id

),

conversation_events as (

    -- after the first reply time stopped: end-user comments start next replies, agent replies
    -- and entries into solved or closed stop them
    select
        comments.ticket_id,
        comments.created_at as event_at,
        case when comments.is_agent_reply then 'stop' else 'user' end as event_kind
    from comments
    inner join first_stops
        on
            comments.ticket_id = first_stops.ticket_id
            and comments.created_at > first_stops.first_stopped_at
    where comments.created_at <= {{ as_of() }}
    union all
    select
        status_intervals.ticket_id,
        status_intervals.valid_from as event_at,
        'stop' as event_kind
    from status_intervals
    inner join first_stops
        on
            status_intervals.ticket_id = first_stops.ticket_id
            and status_intervals.valid_from > first_stops.first_stopped_at
    where status_intervals.status in ('solved', 'closed')

),

conversation as (

    -- at one instant a stop sorts before a comment ('stop' < 'user')
    select
        ticket_id,
        event_at,
        event_kind,
        lag(event_kind) over (partition by ticket_id order by event_at, event_kind) as previous_kind,
        min(case when event_kind = 'stop' then event_at end) over (
            partition by ticket_id
            order by event_at, event_kind
            rows between 1 following and unbounded following
        ) as next_stop_at
    from conversation_events

),

next_replies as (

    -- an end-user comment with no instance running (none before it, or a stop) starts one
    select
        ticket_id,
        event_at as started_at,
        next_stop_at as stopped_at,
        row_number() over (partition by ticket_id order by event_at) as instance_number
    from conversation
    where event_kind = 'user' and coalesce(previous_kind, 'stop') = 'stop'

),

metric_instances as (

    select
        tickets.ticket_id,
        metric_names.metric,
        1 as instance_number,
        tickets.created_at as started_at,
        case
            when metric_names.metric = 'first_reply_time' then first_stops.first_stopped_at
            when milestones.status_at_as_of in ('solved', 'closed') then milestones.last_resolved_at
        end as stopped_at
    from tickets
    cross join metric_names
    left join milestones
        on tickets.ticket_id = milestones.ticket_id
    left join first_stops
        on tickets.ticket_id = first_stops.ticket_id
    where metric_names.metric != 'next_reply_time'
    union all
    select
        ticket_id,
        'next_reply_time' as metric,
        instance_number,
        started_at,
        stopped_at
    from next_replies

),

ticket_metrics as (

    select
        tickets.ticket_id,
        metric_instances.metric,
        metric_instances.instance_number,
        metric_instances.started_at,
        metric_instances.stopped_at,
        tickets.ticket_type,
        tickets.via_channel,
        tickets.priority as current_priority,
        tickets.group_id as current_group_id,
        milestones.status_at_as_of
    from metric_instances
    inner join tickets
        on metric_instances.ticket_id = tickets.ticket_id
    left join milestones
        on tickets.ticket_id = milestones.ticket_id

),

evaluated as (

    select
        ticket_id,
        metric,
        instance_number,
        started_at,
        ticket_type,
        via_channel,
        current_priority,
        current_group_id,
        status_at_as_of,
        stopped_at,
        coalesce(stopped_at, {{ as_of() }}) as evaluated_at
    from ticket_metrics

),

priority_history as (

    select
        evaluated.ticket_id,
        evaluated.metric,
        evaluated.instance_number,
        field_changes.priority,
        row_number() over (
            partition by evaluated.ticket_id, evaluated.metric, evaluated.instance_number
            order by field_changes.changed_at desc, field_changes.ticket_event_id desc
        ) as recency
    from evaluated
    inner join field_changes
        on
            evaluated.ticket_id = field_changes.ticket_id
            and evaluated.evaluated_at >= field_changes.changed_at
            and field_changes.priority is not null

),

group_history as (

    select
        evaluated.ticket_id,
        evaluated.metric,
        evaluated.instance_number,
        field_changes.group_id,
        row_number() over (
            partition by evaluated.ticket_id, evaluated.metric, evaluated.instance_number
            order by field_changes.changed_at desc, field_changes.ticket_event_id desc
        ) as recency
    from evaluated
    inner join field_changes
        on
            evaluated.ticket_id = field_changes.ticket_id
            and evaluated.evaluated_at >= field_changes.changed_at
            and field_changes.group_id is not null

),

tickets_with_history as (

    select distinct ticket_id
    from field_changes
    where priority is not null

),

ticket_fields as (

    -- a ticket whose events never set a priority keeps the one it shows now
    select
        evaluated.ticket_id,
        evaluated.metric,
        evaluated.instance_number,
        evaluated.started_at,
        evaluated.status_at_as_of,
        evaluated.stopped_at,
        evaluated.ticket_type,
        via_channels.via_id,
        case
            when tickets_with_history.ticket_id is null then evaluated.current_priority
            else priority_history.priority
        end as priority,
        coalesce(group_history.group_id, evaluated.current_group_id) as group_id
    from evaluated
    left join priority_history
        on
            evaluated.ticket_id = priority_history.ticket_id
            and evaluated.metric = priority_history.metric
            and evaluated.instance_number = priority_history.instance_number
            and priority_history.recency = 1
    left join group_history
        on
            evaluated.ticket_id = group_history.ticket_id
            and evaluated.metric = group_history.metric
            and evaluated.instance_number = group_history.instance_number
            and group_history.recency = 1
    left join tickets_with_history
        on evaluated.ticket_id = tickets_with_history.ticket_id
    left join via_channels
        on evaluated.via_channel = via_channels.via_channel

),

condition_values as (

    -- each instance with every policy (alone when there is none) and each of its conditions
    select
        ticket_fields.ticket_id,
        ticket_fields.metric,
        ticket_fields.instance_number,
        ticket_fields.priority,
        ticket_fields.started_at,
        ticket_fields.status_at_as_of,
        ticket_fields.stopped_at,
        policies.sla_policy_id,
        policies.policy_position,
        conditions.condition_group,
        conditions.condition_field,
        conditions.condition_operator,
        conditions.condition_value,
        case conditions.condition_field
            when 'priority' then ticket_fields.priority
            when 'group_id' then cast(ticket_fields.group_id as {{ dbt.type_string() }})
            when 'type' then ticket_fields.ticket_type
            when 'via_id' then ticket_fields.via_id
        end as ticket_value
    from ticket_fields
    left join policies
        on 1 = 1
    left join conditions
        on policies.sla_policy_id = conditions.sla_policy_id

),

condition_results as (

    select
        ticket_id,
        metric,
        instance_number,
        priority,
        started_at,
        status_at_as_of,
        stopped_at,
        sla_policy_id,
        policy_position,
        condition_group,
        case
            when condition_field not in ('priority', 'group_id', 'type', 'via_id') then false
            when condition_operator = 'is' then coalesce(ticket_value = condition_value, false)
            when condition_operator = 'is_not' then coalesce(ticket_value != condition_value, true)
            else false
        end as holds
    from condition_values

),

policy_candidates as (

    -- whether each policy's conditions hold: all of `all`, and one of `any` when it has some
    select
        ticket_id,
        metric,
        instance_number,
        priority,
        started_at,
        status_at_as_of,
        stopped_at,
        sla_policy_id,
        policy_position,
        sla_policy_id is not null
        and min(case when condition_group = 'all' and not holds then 0 else 1 end) = 1
        and (
            max(case when condition_group = 'any' then 1 else 0 end) = 0
            or max(case when condition_group = 'any' and holds then 1 else 0 end) = 1
        ) as policy_holds
    from condition_results
    group by
        ticket_id,
        metric,
        instance_number,
        priority,
        started_at,
        status_at_as_of,
        stopped_at,
        sla_policy_id,
        policy_position

),

matches as (

    -- first the policies that hold, by position: the first applies
    select
        ticket_id,
        metric,
        instance_number,
        priority,
        started_at,
        status_at_as_of,
        stopped_at,
        case when policy_holds then sla_policy_id end as sla_policy_id,
        row_number() over (
            partition by ticket_id, metric, instance_number
            order by case when policy_holds then 0 else 1 end, policy_position, sla_policy_id
        ) as match_rank
    from policy_candidates

),

targeted as (

    select
        matches.ticket_id,
        matches.metric,
        matches.instance_number,
        matches.started_at,
        matches.status_at_as_of,
        matches.stopped_at,
        coalesce(matches.stopped_at, {{ as_of() }}) as measured_to,
        policy_metrics.sla_policy_id,
        policy_metrics.target_minutes,
        policy_metrics.is_business_hours
    from matches
    left join policy_metrics
        on
            matches.sla_policy_id = policy_metrics.sla_policy_id
            and matches.metric = policy_metrics.metric
            and matches.priority = policy_metrics.priority
    where matches.match_rank = 1

),

clock_kinds as (

    select true as is_business_hours
    union all
    select false as is_business_hours

),

active_stretches as (

    -- the stretches in which each pausable metric runs, with the business clock at both ends
    select
        status_intervals.ticket_id,
        metric_names.metric,
        status_intervals.interval_number,
        status_intervals.valid_from,
        status_intervals.valid_to,
        {{ business_clock('from_clock', 'status_intervals.valid_from') }} as from_clock,
        {{ business_clock('to_clock', 'status_intervals.valid_to') }} as to_clock
    from status_intervals
    inner join metric_names
        on
            {%- for metric, statuses in pausable.items() %}
                (metric_names.metric = '{{ metric }}' and status_intervals.status in {{ statuses }})
                {%- if not loop.last %} or{% endif %}
            {%- endfor %}
    left join default_schedule
        on 1 = 1
    {{ business_clock_join('from_clock', 'default_schedule.schedule_id', 'status_intervals.valid_from') }}
    {{ business_clock_join('to_clock', 'default_schedule.schedule_id', 'status_intervals.valid_to') }}

),

active_intervals as (

    -- counted both ways (business and calendar minutes): each target says which one it uses
    select
        active_stretches.ticket_id,
        active_stretches.metric,
        clock_kinds.is_business_hours,
        active_stretches.interval_number,
        active_stretches.valid_from,
        active_stretches.from_clock,
        case
            when clock_kinds.is_business_hours
                then active_stretches.to_clock - active_stretches.from_clock
            else {{ minutes_between('active_stretches.valid_from', 'active_stretches.valid_to') }}
        end as active_minutes
    from active_stretches
    cross join clock_kinds

),

active_cumulative as (

    select
        ticket_id,
        metric,
        is_business_hours,
        valid_from,
        from_clock,
        active_minutes,
        coalesce(sum(active_minutes) over (
            partition by ticket_id, metric, is_business_hours
            order by interval_number
            rows between unbounded preceding and 1 preceding
        ), 0) as minutes_before
    from active_intervals

),

pausable_elapsed as (

    select
        ticket_id,
        metric,
        is_business_hours,
        sum(active_minutes) as elapsed_minutes
    from active_intervals
    group by ticket_id, metric, is_business_hours

),

clocked as (

    -- a pausable metric's crossing: the stretch in which it reached its target
    select
        targeted.ticket_id,
        targeted.metric,
        targeted.instance_number,
        targeted.sla_policy_id,
        targeted.target_minutes,
        targeted.is_business_hours,
        targeted.stopped_at,
        targeted.started_at,
        targeted.status_at_as_of,
        targeted.measured_to,
        targeted.metric in ({{ pausable_metrics }}) as is_pausable,
        crossings.valid_from as crossing_from,
        crossings.from_clock as crossing_clock,
        targeted.target_minutes - crossings.minutes_before as crossing_remaining,
        pausable_elapsed.elapsed_minutes as pausable_minutes,
        {{ business_clock('as_of_clock', as_of()) }} as as_of_clock,
        {{ business_clock('start_clock', 'targeted.started_at') }} as start_clock,
        {{ business_clock('stop_clock', 'targeted.measured_to') }} as stop_clock
    from targeted
    left join default_schedule
        on 1 = 1
    left join pausable_elapsed
        on
            targeted.ticket_id = pausable_elapsed.ticket_id
            and targeted.metric = pausable_elapsed.metric
            and targeted.is_business_hours = pausable_elapsed.is_business_hours
    left join active_cumulative as crossings
        on
            targeted.ticket_id = crossings.ticket_id
            and targeted.metric = crossings.metric
            and targeted.is_business_hours = crossings.is_business_hours
            and targeted.target_minutes >= crossings.minutes_before
            and targeted.target_minutes < crossings.minutes_before + crossings.active_minutes
    {{ business_clock_join('as_of_clock', 'default_schedule.schedule_id', as_of()) }}
    {{ business_clock_join('start_clock', 'default_schedule.schedule_id', 'targeted.started_at') }}
    {{ business_clock_join('stop_clock', 'default_schedule.schedule_id', 'targeted.measured_to') }}
    where targeted.target_minutes is not null

),

measured as (

    select
        ticket_id,
        metric,
        instance_number,
        sla_policy_id,
        target_minutes,
        is_business_hours,
        stopped_at,
        started_at,
        crossing_from,
        crossing_clock,
        crossing_remaining,
        as_of_clock,
        start_clock,
        is_pausable,
        case
            {%- for metric, statuses in pausable.items() %}
                when metric = '{{ metric }}' then status_at_as_of in {{ statuses }}
            {%- endfor %}
            else stopped_at is null
        end as is_running,
        case
            when is_pausable then coalesce(pausable_minutes, 0)
            when is_business_hours then stop_clock - start_clock
            else {{ minutes_between('started_at', 'measured_to') }}
        end as elapsed_minutes
    from clocked

),

due as (

    -- where the elapsed time reaches the target: from the start for replies and resolution;
    -- for a pausable metric inside the stretch that crossed it, else projected from as_of while
    -- it runs (null while paused)
    select
        ticket_id,
        metric,
        instance_number,
        sla_policy_id,
        target_minutes,
        is_business_hours,
        stopped_at,
        elapsed_minutes,
        is_running,
        case
            when not is_pausable then start_clock + target_minutes
            when crossing_from is not null then crossing_clock + crossing_remaining
            when is_running then as_of_clock + target_minutes - elapsed_minutes
        end as due_clock,
        case
            when not is_pausable then started_at
            when crossing_from is not null then crossing_from
            when is_running then {{ as_of() }}
        end as due_base_at,
        -- half a second rounds up on every engine (round_places; PostgreSQL's round of a double
        -- would round it to even)
        cast({{ round_places('60 * case
            when not is_pausable then target_minutes
            when crossing_from is not null then crossing_remaining
            when is_running then target_minutes - elapsed_minutes
        end', 0) }} as {{ dbt.type_bigint() }}) as due_after_seconds
    from measured

),

instances as (

    select
        due.ticket_id,
        due.metric,
        due.instance_number,
        due.sla_policy_id,
        due.target_minutes,
        due.is_business_hours,
        case
            when due.is_business_hours
                then {{ business_clock_instant('due_segment', 'due.due_clock') }}
            else {{ dbt.dateadd('second', 'due.due_after_seconds', 'due.due_base_at') }}
        end as due_at,
        due.stopped_at as achieved_at,
        due.elapsed_minutes,
        {{ round_places('due.elapsed_minutes', 6) }} > due.target_minutes as is_breached,
        case
            when {{ round_places('due.elapsed_minutes', 6) }} > due.target_minutes then 'breached'
            when due.stopped_at is not null then 'achieved'
            when due.is_running then 'active'
            else 'paused'
        end as sla_status
    from due
    left join default_schedule
        on 1 = 1
    {{ business_clock_inverse_join('due_segment', 'default_schedule.schedule_id', 'due.due_clock') }}

),

ranked as (

    -- the first breached instance, else the latest
    select
        ticket_id,
        metric,
        sla_policy_id,
        target_minutes,
        is_business_hours,
        due_at,
        achieved_at,
        elapsed_minutes,
        is_breached,
        sla_status,
        cast(count(*) over (partition by ticket_id, metric) as {{ dbt.type_bigint() }})
            as instance_count,
        cast(
            sum(case when is_breached then 1 else 0 end) over (partition by ticket_id, metric)
            as {{ dbt.type_bigint() }}
        ) as breached_instance_count,
        row_number() over (
            partition by ticket_id, metric
            order by
                case when is_breached then 0 else 1 end,
                case when is_breached then instance_number else -instance_number end
        ) as pick
    from instances

),

final as (

    select
        tickets.ticket_id,
        metric_names.metric,
        tickets.is_deleted,
        ranked.sla_policy_id,
        ranked.target_minutes,
        ranked.is_business_hours,
        ranked.due_at,
        ranked.achieved_at,
        ranked.elapsed_minutes,
        ranked.is_breached,
        ranked.sla_status,
        ranked.instance_count,
        ranked.breached_instance_count
    from tickets
    cross join metric_names
    left join ranked
        on
            tickets.ticket_id = ranked.ticket_id
            and metric_names.metric = ranked.metric
            and ranked.pick = 1

)

select * from final
