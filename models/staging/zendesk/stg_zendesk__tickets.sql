{%- set raw = raw_table(source('zendesk', 'tickets')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'bigint', required=true) }} as ticket_id,
        {{ raw_column(raw, 'external_id', 'varchar') }} as external_id,
        {{ raw_column(raw, 'subject', 'varchar') }} as subject,
        {{ raw_column(raw, 'status', 'varchar') }} as status,
        {{ raw_column(raw, 'priority', 'varchar') }} as priority,
        {{ raw_column(raw, 'type', 'varchar') }} as ticket_type,
        {{ raw_column(raw, 'via__channel', 'varchar') }} as via_channel,
        {{ raw_column(raw, 'requester_id', 'bigint') }} as requester_id,
        {{ raw_column(raw, 'submitter_id', 'bigint') }} as submitter_id,
        {{ raw_column(raw, 'assignee_id', 'bigint') }} as assignee_id,
        {{ raw_column(raw, 'group_id', 'bigint') }} as group_id,
        {{ raw_column(raw, 'organization_id', 'bigint') }} as organization_id,
        {{ raw_column(raw, 'brand_id', 'bigint') }} as brand_id,
        {{ raw_column(raw, 'is_public', 'boolean') }} as is_public,
        {{ raw_column(raw, 'satisfaction_rating__score', 'varchar') }} as satisfaction_score,
        {{ raw_column(raw, 'due_at', 'timestamp') }} as due_at,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at
    from {{ raw_from(raw) }}

),

final as (

    select
        ticket_id,
        external_id,
        subject,
        status,
        priority,
        ticket_type,
        via_channel,
        requester_id,
        submitter_id,
        assignee_id,
        group_id,
        organization_id,
        brand_id,
        is_public,
        satisfaction_score,
        due_at,
        created_at,
        updated_at,
        -- Zendesk keeps deleted tickets in its exports with status `deleted`.
        coalesce(status = 'deleted', false) as is_deleted
    from source

)

select * from final
