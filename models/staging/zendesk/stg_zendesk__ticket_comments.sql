{#- Ticket comments (Comment events); bodies stay in raw: the marts need who, when and public. -#}
with

ticket_events as (

    select
        ticket_event_id,
        audit_id,
        ticket_id,
        event_type,
        author_id,
        is_public,
        via,
        is_system_event,
        linked_linear_identifier,
        created_at
    from {{ ref('stg_zendesk__ticket_events') }}

),

final as (

    select
        ticket_event_id as comment_id,
        audit_id,
        ticket_id,
        author_id,
        coalesce(is_public, false) as is_public,
        via,
        is_system_event as is_system_comment,
        linked_linear_identifier,
        created_at
    from ticket_events
    where event_type = 'Comment'

)

select * from final
