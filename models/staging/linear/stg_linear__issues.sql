{%- set raw = raw_table(source('linear', 'issues')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as issue_id,
        {{ raw_column(raw, 'identifier', 'varchar') }} as issue_identifier,
        {{ raw_column(raw, 'number', 'integer') }} as issue_number,
        {{ raw_column(raw, 'title', 'varchar') }} as title,
        {{ raw_column(raw, 'priority', 'integer') }} as priority,
        {{ raw_column(raw, 'priority_label', 'varchar') }} as priority_label,
        {{ raw_column(raw, 'estimate', 'double') }} as estimate,
        {{ raw_column(raw, 'state_id', 'varchar') }} as state_id,
        {{ raw_column(raw, 'team_id', 'varchar') }} as team_id,
        {{ raw_column(raw, 'assignee_id', 'varchar') }} as assignee_user_id,
        {{ raw_column(raw, 'creator_id', 'varchar') }} as creator_user_id,
        {{ raw_column(raw, 'project_id', 'varchar') }} as project_id,
        {{ raw_column(raw, 'cycle_id', 'varchar') }} as cycle_id,
        {{ raw_column(raw, 'parent_id', 'varchar') }} as parent_issue_id,
        {{ raw_column(raw, 'integration_source_type', 'varchar') }} as integration_source_type,
        {{ raw_column(raw, 'url', 'varchar') }} as url,
        {{ raw_column(raw, 'due_date', 'date') }} as due_date,
        {{ raw_column(raw, 'sla_type', 'varchar') }} as sla_type,
        {{ raw_column(raw, 'sla_started_at', 'timestamp') }} as sla_started_at,
        {{ raw_column(raw, 'sla_breaches_at', 'timestamp') }} as sla_breaches_at,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(raw, 'started_at', 'timestamp') }} as started_at,
        {{ raw_column(raw, 'completed_at', 'timestamp') }} as completed_at,
        {{ raw_column(raw, 'canceled_at', 'timestamp') }} as canceled_at,
        {{ raw_column(raw, 'started_triage_at', 'timestamp') }} as started_triage_at,
        {{ raw_column(raw, 'triaged_at', 'timestamp') }} as triaged_at,
        {{ raw_column(raw, 'auto_closed_at', 'timestamp') }} as auto_closed_at,
        {{ raw_column(raw, 'archived_at', 'timestamp') }} as archived_at,
        {{ raw_column(raw, 'auto_archived_at', 'timestamp') }} as auto_archived_at,
        {{ raw_column(raw, 'trashed', 'boolean') }} as is_trashed,
        {{ raw_column(raw, 'deleted_at', 'timestamp') }} as deleted_at
    from {{ raw_from(raw) }}

),

final as (

    select
        issue_id,
        issue_identifier,
        issue_number,
        title,
        priority,
        priority_label,
        estimate,
        state_id,
        team_id,
        assignee_user_id,
        creator_user_id,
        project_id,
        cycle_id,
        parent_issue_id,
        integration_source_type,
        url,
        due_date,
        sla_type,
        sla_started_at,
        sla_breaches_at,
        created_at,
        updated_at,
        started_at,
        completed_at,
        canceled_at,
        started_triage_at,
        triaged_at,
        auto_closed_at,
        archived_at,
        auto_archived_at,
        coalesce(is_trashed, false) as is_trashed,
        deleted_at,
        -- archived, trashed, or purged (gone from the API: the source's sweep sets deleted_at)
        archived_at is not null or coalesce(is_trashed, false) or deleted_at is not null as is_deleted
    from source

)

select * from final
