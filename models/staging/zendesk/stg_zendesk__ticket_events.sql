{#-
    One row per event inside a ticket audit (Create, Change, Comment, ...), from the child
    events of the incremental ticket events export, with the audit's ticket, time and updater.
    A Create/Change event names its field by key (`status`, `priority`, `group_id` here), so a
    status event is one whose `status` is set. Comment bodies stay in raw: only the Linear issue
    a comment names. The export is append-only and its pages overlap: one row per event id.
-#}
{%- set audit_raw = raw_table(source('zendesk', 'ticket_events')) -%}
{%- set event_raw = raw_table(source('zendesk', 'ticket_events__child_events')) -%}

with

audits as (

    select
        {{ raw_column(audit_raw, '_dlt_id', 'varchar', required=true) }} as audit_row_id,
        {{ raw_column(audit_raw, '_dlt_load_id', 'varchar', required=true) }} as load_id,
        {{ raw_column(audit_raw, 'id', 'bigint', required=true) }} as audit_id,
        {{ raw_column(audit_raw, 'ticket_id', 'bigint') }} as ticket_id,
        {{ raw_column(audit_raw, 'updater_id', 'bigint') }} as updater_id,
        {{ raw_column(audit_raw, 'via', 'varchar') }} as via,
        {{ raw_column(audit_raw, 'created_at', 'timestamp') }} as created_at
    from {{ raw_from(audit_raw) }}

),

child_events as (

    select
        {{ raw_column(event_raw, '_dlt_parent_id', 'varchar', required=true) }} as audit_row_id,
        {{ raw_column(event_raw, 'id', 'bigint', required=true) }} as ticket_event_id,
        {{ raw_column(event_raw, 'event_type', 'varchar') }} as event_type,
        {{ raw_column(event_raw, 'status', 'varchar') }} as status,
        {{ raw_column(event_raw, 'priority', 'varchar') }} as priority,
        {{ raw_column(event_raw, 'group_id', 'bigint') }} as group_id,
        {{ raw_column(event_raw, 'previous_value', 'varchar') }} as previous_value,
        {{ raw_column(event_raw, 'author_id', 'bigint') }} as author_id,
        {{ raw_column(event_raw, 'public', 'boolean') }} as is_public,
        {{ raw_column(event_raw, 'via', 'varchar') }} as via,
        -- a comment that quotes a Linear issue URL links the ticket to it; only the identifier
        -- leaves this model, never the body
        {{ regex_extract(
            raw_column(event_raw, 'body', 'varchar'),
            'linear\.app/[^/]+/issue/([A-Za-z0-9]+-[0-9]+)',
            1
        ) }} as linked_linear_identifier
    from {{ raw_from(event_raw) }}

),

joined as (

    select
        child_events.ticket_event_id,
        audits.audit_id,
        audits.ticket_id,
        child_events.event_type,
        child_events.status,
        child_events.priority,
        child_events.group_id,
        child_events.previous_value,
        coalesce(child_events.author_id, audits.updater_id) as author_id,
        child_events.is_public,
        coalesce(child_events.via, audits.via) as via,
        child_events.linked_linear_identifier,
        audits.created_at,
        audits.load_id
    from child_events
    inner join audits
        on child_events.audit_row_id = audits.audit_row_id

),

deduplicated as (

    select
        *,
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
        priority,
        group_id,
        previous_value,
        author_id,
        is_public,
        via,
        linked_linear_identifier,
        -- automations, triggers and Zendesk itself act as author -1 through `Rule`/`System`
        coalesce(lower(via) in ('rule', 'system'), false) or coalesce(author_id < 0, false)
            as is_system_event,
        created_at
    from deduplicated
    where copy_number = 1

)

select * from final
