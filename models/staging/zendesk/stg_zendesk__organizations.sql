{%- set raw = raw_table(source('zendesk', 'organizations')) -%}

with

source as (

    select
        {{ raw_column(raw, '_dlt_id', 'varchar', required=true) }} as organization_row_id,
        {{ raw_column(raw, 'id', 'bigint', required=true) }} as organization_id,
        {{ raw_column(raw, 'name', 'varchar') }} as organization_name,
        {{ raw_column(raw, 'external_id', 'varchar') }} as external_id,
        {{ raw_column(raw, 'group_id', 'bigint') }} as group_id,
        {{ raw_column(raw, 'shared_tickets', 'boolean') }} as has_shared_tickets,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(raw, 'deleted_at', 'timestamp') }} as deleted_at
    from {{ raw_from(raw) }}

),

final as (

    select
        organization_id,
        organization_name,
        nullif(trim(external_id), '') as external_id,
        group_id,
        coalesce(has_shared_tickets, false) as has_shared_tickets,
        created_at,
        updated_at,
        deleted_at,
        deleted_at is not null as is_deleted
    from source

)

select * from final
