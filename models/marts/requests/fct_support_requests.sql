with

tickets as (

    select
        ticket_id,
        created_at,
        first_reply_at,
        is_deleted
    from {{ ref('fct_support_tickets') }}

),

support_issues as (

    select
        issues.issue_id,
        issues.issue_identifier,
        issues.creator_user_id,
        issues.created_at,
        issues.started_triage_at,
        issues.triaged_at,
        issues.is_deleted
    from {{ ref('stg_linear__issues') }} as issues
    inner join {{ ref('stg_linear__teams') }} as teams
        on issues.team_id = teams.team_id
    inner join {{ ref('linear_support_teams') }} as support_teams
        on teams.team_key = support_teams.team_key
    where issues.created_at <= {{ as_of() }}

),

linear_comments as (

    select
        issue_id,
        user_id,
        created_at
    from {{ ref('stg_linear__comments') }}
    where created_at <= {{ as_of() }}

),

slack_requests as (

    select
        channel_id,
        message_ts,
        posted_at,
        first_response_at,
        tracked_at,
        is_deleted
    from {{ ref('int_slack_requests_identified') }}

),

first_other_comments as (

    select
        support_issues.issue_id,
        min(linear_comments.created_at) as first_comment_at
    from support_issues
    inner join linear_comments
        on
            support_issues.issue_id = linear_comments.issue_id
            and linear_comments.user_id is distinct from support_issues.creator_user_id
    group by support_issues.issue_id

),

zendesk_requests as (

    select
        'zendesk:' || cast(ticket_id as {{ portable_type('varchar') }}) as request_id,
        'zendesk' as channel,
        cast(ticket_id as {{ portable_type('varchar') }}) as source_id,
        created_at,
        first_reply_at as first_response_at,
        true as is_tracked,
        is_deleted
    from tickets
    where created_at <= {{ as_of() }}

),

linear_requests as (

    select
        'linear:' || support_issues.issue_id as request_id,
        'linear' as channel,
        support_issues.issue_id as source_id,
        support_issues.created_at,
        -- first comment by someone else, or leaving triage, whichever comes first
        least(
            first_other_comments.first_comment_at,
            case when support_issues.triaged_at <= {{ as_of() }} then support_issues.triaged_at end
        ) as first_response_at,
        true as is_tracked,
        support_issues.is_deleted
    from support_issues
    left join first_other_comments
        on support_issues.issue_id = first_other_comments.issue_id

),

slack_rows as (

    select
        'slack:' || channel_id || ':' || message_ts as request_id,
        'slack' as channel,
        channel_id || ':' || message_ts as source_id,
        posted_at as created_at,
        first_response_at,
        tracked_at is not null as is_tracked,
        is_deleted
    from slack_requests

),

unioned as (

    select
        request_id,
        channel,
        source_id,
        created_at,
        first_response_at,
        is_tracked,
        is_deleted
    from zendesk_requests
    union all
    select
        request_id,
        channel,
        source_id,
        created_at,
        first_response_at,
        is_tracked,
        is_deleted
    from linear_requests
    union all
    select
        request_id,
        channel,
        source_id,
        created_at,
        first_response_at,
        is_tracked,
        is_deleted
    from slack_rows

),

final as (

    select
        request_id,
        channel,
        source_id,
        created_at,
        cast({{ dbt.date_trunc('week', 'created_at') }} as date) as week_start,
        first_response_at,
        {{ minutes_between('created_at', 'first_response_at') }} as first_response_minutes,
        is_tracked,
        is_deleted
    from unioned

)

select * from final
