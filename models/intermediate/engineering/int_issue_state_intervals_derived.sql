{#-
    One row per Linear issue and stretch of time in one workflow state, from the issue history.
    The first interval starts at creation in the state the first change left (the current state
    when the history has no state change); each state change starts the next. The last interval
    runs to as_of while the issue is open; once the issue is completed or canceled it ends where
    it starts, so the intervals cover creation to completion/cancellation/as_of exactly.
-#}
with

issues as (

    select
        issue_id,
        state_id,
        created_at
    from {{ ref('stg_linear__issues') }}

),

state_changes as (

    select
        issue_history_id,
        issue_id,
        from_state_id,
        to_state_id,
        created_at
    from {{ ref('stg_linear__issue_history') }}
    where is_state_change

),

workflow_states as (

    select
        state_id,
        state_name,
        state_type
    from {{ ref('stg_linear__workflow_states') }}

),

numbered_changes as (

    select
        issue_id,
        from_state_id,
        row_number() over (partition by issue_id order by created_at, issue_history_id) as change_number
    from state_changes

),

first_changes as (

    select
        issue_id,
        from_state_id
    from numbered_changes
    where change_number = 1

),

starts as (

    select
        issues.issue_id,
        coalesce(first_changes.from_state_id, issues.state_id) as state_id,
        issues.created_at as valid_from,
        -- sorts before a change at the same instant
        cast(null as {{ portable_type('varchar') }}) as issue_history_id
    from issues
    left join first_changes
        on issues.issue_id = first_changes.issue_id
    union all
    select
        state_changes.issue_id,
        state_changes.to_state_id as state_id,
        greatest(state_changes.created_at, issues.created_at) as valid_from,
        state_changes.issue_history_id
    from state_changes
    inner join issues
        on state_changes.issue_id = issues.issue_id

),

intervals as (

    select
        starts.issue_id,
        starts.state_id,
        workflow_states.state_name,
        workflow_states.state_type,
        starts.valid_from,
        lead(starts.valid_from) over (
            partition by starts.issue_id order by starts.valid_from, starts.issue_history_id nulls first
        ) as next_valid_from,
        row_number() over (
            partition by starts.issue_id order by starts.valid_from, starts.issue_history_id nulls first
        ) as interval_number
    from starts
    left join workflow_states
        on starts.state_id = workflow_states.state_id
    where starts.valid_from <= {{ as_of() }}

),

bounded as (

    select
        issue_id,
        interval_number,
        state_id,
        state_name,
        state_type,
        valid_from,
        case
            when next_valid_from is not null then next_valid_from
            when state_type in ('completed', 'canceled', 'duplicate') then valid_from
            else {{ as_of() }}
        end as valid_to,
        next_valid_from is null as is_current
    from intervals

),

final as (

    select
        issue_id,
        interval_number,
        state_id,
        state_name,
        state_type,
        valid_from,
        valid_to,
        {{ minutes_between('valid_from', 'valid_to') }} as duration_minutes,
        is_current
    from bounded

)

select * from final
