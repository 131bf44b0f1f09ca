{#-
    Every piece of evidence that a Linear issue and a Zendesk ticket are linked, one row per
    evidence (METRICS.md, is_escalated): (1) a live Linear attachment whose URL points at the
    ticket, (2) a ticket comment quoting the issue's URL, (3) a ticket custom field holding the
    issue's URL. The Zendesk side names the issue by identifier (SUP-12), resolved here to its
    id; an identifier no loaded issue carries keeps a null issue_id (visible, not guessed).
    Evidence dated after as_of is ignored; a custom field holds only its current value, so its
    time is unknown (null) and it counts whenever it is loaded.
-#}
with

attachments as (

    select
        issue_id,
        zendesk_ticket_id,
        created_at
    from {{ ref('stg_linear__attachments') }}
    where
        zendesk_ticket_id is not null
        and not is_deleted
        and created_at <= {{ as_of() }}

),

comments as (

    select
        ticket_id,
        linked_linear_identifier,
        created_at
    from {{ ref('stg_zendesk__ticket_comments') }}
    where
        linked_linear_identifier is not null
        and created_at <= {{ as_of() }}

),

custom_fields as (

    select
        ticket_id,
        {{ regex_extract('field_value', 'linear\\.app/[^/]+/issue/([A-Za-z0-9]+-[0-9]+)', 1) }}
            as linked_linear_identifier
    from {{ ref('stg_zendesk__ticket_custom_fields') }}

),

issues as (

    select
        issue_id,
        issue_identifier
    from {{ ref('stg_linear__issues') }}

),

zendesk_evidence as (

    select
        ticket_id,
        linked_linear_identifier,
        'zendesk_comment' as link_source,
        created_at as linked_at
    from comments
    union all
    select
        ticket_id,
        linked_linear_identifier,
        'zendesk_field' as link_source,
        cast(null as {{ dbt.type_timestamp() }}) as linked_at
    from custom_fields
    where linked_linear_identifier is not null

),

resolved as (

    select
        issues.issue_id,
        zendesk_evidence.linked_linear_identifier,
        zendesk_evidence.ticket_id,
        zendesk_evidence.link_source,
        zendesk_evidence.linked_at
    from zendesk_evidence
    left join issues
        on upper(zendesk_evidence.linked_linear_identifier) = upper(issues.issue_identifier)

),

final as (

    select
        attachments.issue_id,
        issues.issue_identifier as linked_linear_identifier,
        attachments.zendesk_ticket_id as ticket_id,
        'linear_attachment' as link_source,
        attachments.created_at as linked_at
    from attachments
    left join issues
        on attachments.issue_id = issues.issue_id
    union all
    select
        issue_id,
        linked_linear_identifier,
        ticket_id,
        link_source,
        linked_at
    from resolved

)

select * from final
