{%- set raw = raw_table(source('linear', 'projects')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as project_id,
        {{ raw_column(raw, 'name', 'varchar') }} as project_name,
        {{ raw_column(raw, 'state', 'varchar') }} as project_state,
        {{ raw_column(raw, 'started_at', 'timestamp') }} as started_at,
        {{ raw_column(raw, 'completed_at', 'timestamp') }} as completed_at,
        {{ raw_column(raw, 'canceled_at', 'timestamp') }} as canceled_at,
        {{ raw_column(raw, 'target_date', 'date') }} as target_date,
        {{ raw_column(raw, 'lead_id', 'varchar') }} as lead_user_id,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(raw, 'archived_at', 'timestamp') }} as archived_at,
        {{ raw_column(raw, 'deleted_at', 'timestamp') }} as deleted_at
    from {{ raw_from(raw) }}

),

final as (

    select
        project_id,
        project_name,
        project_state,
        started_at,
        completed_at,
        canceled_at,
        target_date,
        lead_user_id,
        created_at,
        updated_at,
        archived_at,
        deleted_at,
        -- archived in Linear, or gone for good (the source's deletion sweep sets deleted_at)
        archived_at is not null or deleted_at is not null as is_deleted
    from source

)

select * from final
