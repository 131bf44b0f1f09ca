{%- set columns = raw_columns(source('zendesk', 'tickets')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'bigint') }} as ticket_id,
        {{ raw_column(columns, 'external_id', 'varchar') }} as external_id,
        {{ raw_column(columns, 'subject', 'varchar') }} as subject,
        {{ raw_column(columns, 'status', 'varchar') }} as status,
        {{ raw_column(columns, 'priority', 'varchar') }} as priority,
        {{ raw_column(columns, 'type', 'varchar') }} as ticket_type,
        {{ raw_column(columns, 'via__channel', 'varchar') }} as via_channel,
        {{ raw_column(columns, 'requester_id', 'bigint') }} as requester_id,
        {{ raw_column(columns, 'submitter_id', 'bigint') }} as submitter_id,
        {{ raw_column(columns, 'assignee_id', 'bigint') }} as assignee_id,
        {{ raw_column(columns, 'group_id', 'bigint') }} as group_id,
        {{ raw_column(columns, 'organization_id', 'bigint') }} as organization_id,
        {{ raw_column(columns, 'brand_id', 'bigint') }} as brand_id,
        {{ raw_column(columns, 'is_public', 'boolean') }} as is_public,
        {{ raw_column(columns, 'satisfaction_rating__score', 'varchar') }} as satisfaction_score,
        {{ raw_column(columns, 'due_at', 'timestamp') }} as due_at,
        {{ raw_column(columns, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(columns, 'updated_at', 'timestamp') }} as updated_at
    from {{ source('zendesk', 'tickets') }}

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
