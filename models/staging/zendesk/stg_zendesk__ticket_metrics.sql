{#- Zendesk's own per-ticket metrics (whole minutes), kept to reconcile the recomputed ones. -#}
{%- set raw = raw_table(source('zendesk', 'ticket_metrics')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'bigint', required=true) }} as ticket_metric_id,
        {{ raw_column(raw, 'ticket_id', 'bigint') }} as ticket_id,
        {{ raw_column(raw, 'reopens', 'integer') }} as reopens,
        {{ raw_column(raw, 'replies', 'integer') }} as replies,
        {{ raw_column(raw, 'group_stations', 'integer') }} as group_stations,
        {{ raw_column(raw, 'assignee_stations', 'integer') }} as assignee_stations,
        {{ raw_column(raw, 'assigned_at', 'timestamp') }} as assigned_at,
        {{ raw_column(raw, 'initially_assigned_at', 'timestamp') }} as initially_assigned_at,
        {{ raw_column(raw, 'solved_at', 'timestamp') }} as solved_at,
        {{ raw_column(raw, 'status_updated_at', 'timestamp') }} as status_updated_at,
        {{ raw_column(raw, 'latest_comment_added_at', 'timestamp') }} as latest_comment_added_at,
        {{ raw_column(raw, 'reply_time_in_minutes__calendar', 'double') }} as reply_minutes,
        {{ raw_column(raw, 'reply_time_in_minutes__business', 'double') }} as reply_business_minutes,
        {{ raw_column(raw, 'first_resolution_time_in_minutes__calendar', 'double') }}
            as first_resolution_minutes,
        {{ raw_column(raw, 'first_resolution_time_in_minutes__business', 'double') }}
            as first_resolution_business_minutes,
        {{ raw_column(raw, 'full_resolution_time_in_minutes__calendar', 'double') }}
            as full_resolution_minutes,
        {{ raw_column(raw, 'full_resolution_time_in_minutes__business', 'double') }}
            as full_resolution_business_minutes,
        {{ raw_column(raw, 'agent_wait_time_in_minutes__calendar', 'double') }} as agent_wait_minutes,
        {{ raw_column(raw, 'agent_wait_time_in_minutes__business', 'double') }}
            as agent_wait_business_minutes,
        {{ raw_column(raw, 'requester_wait_time_in_minutes__calendar', 'double') }}
            as requester_wait_minutes,
        {{ raw_column(raw, 'requester_wait_time_in_minutes__business', 'double') }}
            as requester_wait_business_minutes,
        {{ raw_column(raw, 'on_hold_time_in_minutes__calendar', 'double') }} as on_hold_minutes,
        {{ raw_column(raw, 'on_hold_time_in_minutes__business', 'double') }} as on_hold_business_minutes,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at
    from {{ raw_from(raw) }}

),

final as (

    select
        ticket_metric_id,
        ticket_id,
        reopens,
        replies,
        group_stations,
        assignee_stations,
        assigned_at,
        initially_assigned_at,
        solved_at,
        status_updated_at,
        latest_comment_added_at,
        reply_minutes,
        reply_business_minutes,
        first_resolution_minutes,
        first_resolution_business_minutes,
        full_resolution_minutes,
        full_resolution_business_minutes,
        agent_wait_minutes,
        agent_wait_business_minutes,
        requester_wait_minutes,
        requester_wait_business_minutes,
        on_hold_minutes,
        on_hold_business_minutes,
        created_at,
        updated_at
    from source

)

select * from final
