-- Definitions of done for an issue (METRICS.md): a completed state has a completion time not
-- before creation; a canceled issue is closed but never done; no duration is negative; the
-- state intervals of an issue cover creation to completion/cancellation/as_of without gaps.
with

issues as (

    select
        issue_id,
        state_type,
        created_at,
        completed_at,
        canceled_at,
        triage_minutes,
        lead_time_minutes,
        cycle_time_minutes,
        age_days
    from {{ ref('fct_linear_issues') }}

),

intervals as (

    select
        issue_id,
        min(valid_from) as first_valid_from,
        sum(time_in_state_minutes) as total_minutes,
        max(valid_to) as last_valid_to
    from {{ ref('fct_issue_state_intervals') }}
    group by issue_id

)

select issues.issue_id
from issues
left join intervals
    on issues.issue_id = intervals.issue_id
where
    (issues.state_type = 'completed') != (issues.completed_at is not null)
    or issues.completed_at < issues.created_at
    or (issues.state_type = 'canceled' and issues.lead_time_minutes is not null)
    or issues.triage_minutes < 0
    or issues.lead_time_minutes < 0
    or issues.cycle_time_minutes < 0
    or issues.age_days < 0
    or intervals.first_valid_from != issues.created_at
    or abs(
        intervals.total_minutes
        - {{ minutes_between('intervals.first_valid_from', 'intervals.last_valid_to') }}
    ) > 0.001
