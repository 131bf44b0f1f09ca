with

issues as (

    select
        issue_id,
        issue_identifier,
        team_id,
        state_id,
        priority,
        priority_label,
        assignee_user_id,
        creator_user_id,
        project_id,
        cycle_id,
        integration_source_type,
        sla_breaches_at,
        created_at,
        updated_at,
        started_at,
        completed_at,
        canceled_at,
        started_triage_at,
        triaged_at,
        is_deleted
    from {{ ref('stg_linear__issues') }}

),

workflow_states as (

    select
        state_id,
        state_name,
        state_type
    from {{ ref('stg_linear__workflow_states') }}

),

state_intervals as (

    select
        issue_id,
        state_type,
        valid_from,
        valid_to,
        is_current
    from {{ ref('int_issue_state_intervals_derived') }}

),

issue_labels as (

    select
        issue_labels.issue_id,
        label_kinds.issue_kind
    from {{ ref('stg_linear__issue_labels') }} as issue_labels
    inner join {{ ref('stg_linear__labels') }} as labels
        on issue_labels.label_id = labels.label_id
    inner join {{ ref('linear_label_kinds') }} as label_kinds
        on lower(labels.label_name) = label_kinds.label_name

),

attachments as (

    select
        issue_id,
        source_type,
        zendesk_ticket_id,
        slack_channel_id,
        created_at
    from {{ ref('stg_linear__attachments') }}
    where not is_deleted

),

ticket_links as (

    select
        issue_id,
        ticket_id,
        account_id,
        -- an unknown ticket (null) is not known to be deleted: it stays in the counts
        coalesce(is_ticket_deleted, false) as is_ticket_deleted
    from {{ ref('fct_issue_ticket_links') }}

),

accounts as (

    select
        account_id,
        arr
    from {{ ref('dim_accounts') }}
    where not is_deleted

),

history_summary as (

    select
        issue_id,
        max(case when is_current then state_type end) as state_type_at_as_of,
        min(case when state_type = 'started' then valid_from end) as first_started_at,
        count(case when state_type = 'triage' then 1 end) > 0 as was_in_triage,
        -- a triage interval that still holds at as_of has not been left
        min(case when state_type = 'triage' and not is_current then valid_to end)
            as first_left_triage_at
    from state_intervals
    group by issue_id

),

kinds as (

    select
        issue_id,
        case
            when count(case when issue_kind = 'bug' then 1 end) > 0 then 'bug'
            when count(case when issue_kind = 'question' then 1 end) > 0 then 'question'
        end as issue_kind
    from issue_labels
    group by issue_id

),

links as (

    select
        issue_id,
        min(case when zendesk_ticket_id is not null then created_at end) as first_zendesk_link_at,
        min(
            case when slack_channel_id is not null or lower(source_type) = 'slack' then created_at end
        ) as first_slack_link_at
    from attachments
    group by issue_id

),

ticket_accounts as (

    select
        ticket_links.issue_id,
        ticket_links.ticket_id,
        ticket_links.is_ticket_deleted,
        accounts.account_id,
        accounts.arr
    from ticket_links
    left join accounts
        on ticket_links.account_id = accounts.account_id

),

affected_accounts as (

    select distinct
        issue_id,
        account_id,
        arr
    from ticket_accounts
    where
        not is_ticket_deleted
        and account_id is not null

),

ticket_summary as (

    select
        issue_id,
        count(*) as linked_ticket_count,
        count(case when not is_ticket_deleted then 1 end) as live_linked_ticket_count,
        count(case when not is_ticket_deleted and account_id is null then 1 end)
            as unattributed_ticket_count
    from ticket_accounts
    group by issue_id

),

account_summary as (

    select
        issue_id,
        count(*) as affected_account_count,
        sum(arr) as affected_arr
    from affected_accounts
    group by issue_id

),

enriched as (

    select
        issues.issue_id,
        issues.issue_identifier,
        issues.team_id,
        issues.state_id,
        workflow_states.state_name,
        coalesce(history_summary.state_type_at_as_of, workflow_states.state_type) as state_type,
        -- open = not in a closed state type at as_of (an issue with unknown state counts as open)
        coalesce(
            coalesce(history_summary.state_type_at_as_of, workflow_states.state_type)
            not in ('completed', 'canceled', 'duplicate'),
            true
        ) as is_open,
        issues.priority,
        issues.priority_label,
        issues.assignee_user_id,
        issues.creator_user_id,
        issues.project_id,
        issues.cycle_id,
        issues.created_at,
        issues.updated_at,
        coalesce(history_summary.first_started_at, issues.started_at) as started_at,
        case when issues.completed_at <= {{ as_of() }} then issues.completed_at end as completed_at,
        case when issues.canceled_at <= {{ as_of() }} then issues.canceled_at end as canceled_at,
        case
            when issues.started_triage_at is not null or history_summary.was_in_triage
                then coalesce(issues.started_triage_at, issues.created_at)
        end as entered_triage_at,
        case
            when issues.started_triage_at is not null or history_summary.was_in_triage
                then coalesce(issues.triaged_at, history_summary.first_left_triage_at)
        end as left_triage_at,
        issues.sla_breaches_at,
        lower(issues.integration_source_type) as integration_source_type,
        links.first_zendesk_link_at,
        links.first_slack_link_at,
        coalesce(ticket_summary.linked_ticket_count, 0) as linked_ticket_count,
        coalesce(ticket_summary.unattributed_ticket_count, 0) as unattributed_ticket_count,
        coalesce(account_summary.affected_account_count, 0) as affected_account_count,
        case
            -- no live linked ticket: no customer is affected, a true 0
            when coalesce(ticket_summary.live_linked_ticket_count, 0) = 0 then 0
            -- linked tickets, none attributable to an account: the ARR is unknown
            when account_summary.issue_id is null then null
            else account_summary.affected_arr
        end as affected_arr,
        coalesce(kinds.issue_kind, 'other') as issue_kind,
        issues.is_deleted
    from issues
    left join workflow_states
        on issues.state_id = workflow_states.state_id
    left join history_summary
        on issues.issue_id = history_summary.issue_id
    left join kinds
        on issues.issue_id = kinds.issue_id
    left join links
        on issues.issue_id = links.issue_id
    left join ticket_summary
        on issues.issue_id = ticket_summary.issue_id
    left join account_summary
        on issues.issue_id = account_summary.issue_id

),

final as (

    select
        issue_id,
        issue_identifier,
        team_id,
        state_id,
        state_name,
        state_type,
        priority,
        priority_label,
        assignee_user_id,
        creator_user_id,
        project_id,
        cycle_id,
        created_at,
        updated_at,
        started_at,
        completed_at,
        canceled_at,
        is_open,
        coalesce(state_type = 'completed', false) as is_completed,
        not is_open as is_closed,
        {{ minutes_between('entered_triage_at', 'left_triage_at') }} as triage_minutes,
        case
            when state_type = 'completed' then {{ minutes_between('created_at', 'completed_at') }}
        end as lead_time_minutes,
        case
            when state_type = 'completed' then {{ minutes_between('started_at', 'completed_at') }}
        end as cycle_time_minutes,
        case
            when is_open then {{ minutes_between('created_at', as_of()) }} / 1440.0
        end as age_days,
        is_open and updated_at < {{ dbt.dateadd('day', -1 * var('stale_after_days'), as_of()) }} as is_stale,
        is_open and created_at < {{ dbt.dateadd('day', -1 * var('forgotten_after_days'), as_of()) }}
            as is_forgotten,
        issue_kind,
        case
            when integration_source_type = 'zendesk' then 'zendesk'
            when integration_source_type like 'slack%' then 'slack'
            when first_zendesk_link_at is not null and first_slack_link_at is not null
                then case when first_zendesk_link_at <= first_slack_link_at then 'zendesk' else 'slack' end
            when first_zendesk_link_at is not null then 'zendesk'
            when first_slack_link_at is not null then 'slack'
            else 'linear'
        end as reported_via,
        sla_breaches_at,
        case
            when sla_breaches_at is null then null
            when state_type = 'completed' then completed_at > sla_breaches_at
            when is_open then {{ as_of() }} > sla_breaches_at
            else false
        end as sla_breached,
        linked_ticket_count,
        unattributed_ticket_count,
        affected_account_count,
        affected_arr,
        is_deleted
    from enriched

)

select * from final
