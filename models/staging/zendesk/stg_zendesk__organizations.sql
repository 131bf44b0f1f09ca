{%- set columns = raw_columns(source('zendesk', 'organizations')) -%}

with

source as (

    select
        _dlt_id as organization_row_id,
        {{ raw_column(columns, 'id', 'bigint') }} as organization_id,
        {{ raw_column(columns, 'name', 'varchar') }} as organization_name,
        {{ raw_column(columns, 'external_id', 'varchar') }} as external_id,
        {{ raw_column(columns, 'group_id', 'bigint') }} as group_id,
        {{ raw_column(columns, 'shared_tickets', 'boolean') }} as has_shared_tickets,
        {{ raw_column(columns, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(columns, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(columns, 'deleted_at', 'timestamp') }} as deleted_at
    from {{ source('zendesk', 'organizations') }}

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
