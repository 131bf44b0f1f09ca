{%- set columns = raw_columns(source('linear', 'issues')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'varchar') }} as issue_id,
        {{ raw_column(columns, 'identifier', 'varchar') }} as issue_identifier,
        {{ raw_column(columns, 'number', 'integer') }} as issue_number,
        {{ raw_column(columns, 'title', 'varchar') }} as title,
        {{ raw_column(columns, 'priority', 'integer') }} as priority,
        {{ raw_column(columns, 'priority_label', 'varchar') }} as priority_label,
        {{ raw_column(columns, 'estimate', 'double') }} as estimate,
        {{ raw_column(columns, 'state_id', 'varchar') }} as state_id,
        {{ raw_column(columns, 'team_id', 'varchar') }} as team_id,
        {{ raw_column(columns, 'assignee_id', 'varchar') }} as assignee_user_id,
        {{ raw_column(columns, 'creator_id', 'varchar') }} as creator_user_id,
        {{ raw_column(columns, 'project_id', 'varchar') }} as project_id,
        {{ raw_column(columns, 'cycle_id', 'varchar') }} as cycle_id,
        {{ raw_column(columns, 'parent_id', 'varchar') }} as parent_issue_id,
        {{ raw_column(columns, 'integration_source_type', 'varchar') }} as integration_source_type,
        {{ raw_column(columns, 'url', 'varchar') }} as url,
        {{ raw_column(columns, 'due_date', 'date') }} as due_date,
        {{ raw_column(columns, 'sla_type', 'varchar') }} as sla_type,
        {{ raw_column(columns, 'sla_started_at', 'timestamp') }} as sla_started_at,
        {{ raw_column(columns, 'sla_breaches_at', 'timestamp') }} as sla_breaches_at,
        {{ raw_column(columns, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(columns, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(columns, 'started_at', 'timestamp') }} as started_at,
        {{ raw_column(columns, 'completed_at', 'timestamp') }} as completed_at,
        {{ raw_column(columns, 'canceled_at', 'timestamp') }} as canceled_at,
        {{ raw_column(columns, 'started_triage_at', 'timestamp') }} as started_triage_at,
        {{ raw_column(columns, 'triaged_at', 'timestamp') }} as triaged_at,
        {{ raw_column(columns, 'auto_closed_at', 'timestamp') }} as auto_closed_at,
        {{ raw_column(columns, 'archived_at', 'timestamp') }} as archived_at,
        {{ raw_column(columns, 'auto_archived_at', 'timestamp') }} as auto_archived_at,
        {{ raw_column(columns, 'trashed', 'boolean') }} as is_trashed,
        {{ raw_column(columns, 'deleted_at', 'timestamp') }} as deleted_at
    from {{ source('linear', 'issues') }}

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
