{#-
    One row per event inside a ticket audit (Create, Change, Comment, ...), from the child
    events of the incremental ticket events export, with the audit's ticket, time and updater.
    A Create/Change event names its field by key (`status` here), so a status event is one
    whose `status` is set. The export is append-only and its pages overlap: one row per event id.
-#}
{%- set audit_columns = raw_columns(source('zendesk', 'ticket_events')) -%}
{%- set event_columns = raw_columns(source('zendesk', 'ticket_events__child_events')) -%}

with

audits as (

    select
        _dlt_id as audit_row_id,
        _dlt_load_id as load_id,
        {{ raw_column(audit_columns, 'id', 'bigint') }} as audit_id,
        {{ raw_column(audit_columns, 'ticket_id', 'bigint') }} as ticket_id,
        {{ raw_column(audit_columns, 'updater_id', 'bigint') }} as updater_id,
        {{ raw_column(audit_columns, 'via', 'varchar') }} as via,
        {{ raw_column(audit_columns, 'created_at', 'timestamp') }} as created_at
    from {{ source('zendesk', 'ticket_events') }}

),

child_events as (

    select
        _dlt_parent_id as audit_row_id,
        {{ raw_column(event_columns, 'id', 'bigint') }} as ticket_event_id,
        {{ raw_column(event_columns, 'event_type', 'varchar') }} as event_type,
        {{ raw_column(event_columns, 'status', 'varchar') }} as status,
        {{ raw_column(event_columns, 'previous_value', 'varchar') }} as previous_value,
        {{ raw_column(event_columns, 'author_id', 'bigint') }} as author_id,
        {{ raw_column(event_columns, 'public', 'boolean') }} as is_public,
        {{ raw_column(event_columns, 'via', 'varchar') }} as via
    from {{ source('zendesk', 'ticket_events__child_events') }}

),

joined as (

    select
        child_events.ticket_event_id,
        audits.audit_id,
        audits.ticket_id,
        child_events.event_type,
        child_events.status,
        child_events.previous_value,
        coalesce(child_events.author_id, audits.updater_id) as author_id,
        child_events.is_public,
        coalesce(child_events.via, audits.via) as via,
        audits.created_at,
        audits.load_id
    from child_events
    inner join audits
        on child_events.audit_row_id = audits.audit_row_id

),

deduplicated as (

    select
        ticket_event_id,
        audit_id,
        ticket_id,
        event_type,
        status,
        previous_value,
        author_id,
        is_public,
        via,
        created_at,
        row_number() over (partition by ticket_event_id order by load_id desc) as copy_number
    from joined

),

final as (

    select
        ticket_event_id,
        audit_id,
        ticket_id,
        event_type,
        status,
        previous_value,
        author_id,
        is_public,
        via,
        -- automations, triggers and Zendesk itself act as author -1 through `Rule`/`System`
        coalesce(lower(via) in ('rule', 'system'), false) or coalesce(author_id < 0, false)
            as is_system_event,
        created_at
    from deduplicated
    where copy_number = 1

)

select * from final
