{#- Status events of tickets: the Create event gives the first status, each Change the next. -#}
with

ticket_events as (

    select
        ticket_event_id,
        audit_id,
        ticket_id,
        event_type,
        status,
        previous_value,
        created_at
    from {{ ref('stg_zendesk__ticket_events') }}

),

final as (

    select
        ticket_event_id,
        audit_id,
        ticket_id,
        event_type,
        status,
        previous_value as previous_status,
        created_at as changed_at
    from ticket_events
    where
        event_type in ('Create', 'Change')
        and status is not null

)

select * from final
