{%- set raw = raw_table(source('linear', 'issue_history')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as issue_history_id,
        {{ raw_column(raw, 'issue_id', 'varchar') }} as issue_id,
        {{ raw_column(raw, 'actor_id', 'varchar') }} as actor_user_id,
        {{ raw_column(raw, 'from_state_id', 'varchar') }} as from_state_id,
        {{ raw_column(raw, 'to_state_id', 'varchar') }} as to_state_id,
        {{ raw_column(raw, 'from_assignee_id', 'varchar') }} as from_assignee_user_id,
        {{ raw_column(raw, 'to_assignee_id', 'varchar') }} as to_assignee_user_id,
        {{ raw_column(raw, 'from_priority', 'integer') }} as from_priority,
        {{ raw_column(raw, 'to_priority', 'integer') }} as to_priority,
        {{ raw_column(raw, 'archived', 'boolean') }} as is_archive_event,
        {{ raw_column(raw, 'trashed', 'boolean') }} as is_trash_event,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at
    from {{ raw_from(raw) }}

),

final as (

    select
        issue_history_id,
        issue_id,
        actor_user_id,
        from_state_id,
        to_state_id,
        to_state_id is not null and to_state_id != coalesce(from_state_id, '') as is_state_change,
        from_assignee_user_id,
        to_assignee_user_id,
        from_priority,
        to_priority,
        coalesce(is_archive_event, false) as is_archive_event,
        coalesce(is_trash_event, false) as is_trash_event,
        created_at,
        updated_at
    from source

)

select * from final
