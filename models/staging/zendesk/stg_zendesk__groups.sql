{%- set columns = raw_columns(source('zendesk', 'groups')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'bigint') }} as group_id,
        {{ raw_column(columns, 'name', 'varchar') }} as group_name,
        {{ raw_column(columns, 'default', 'boolean') }} as is_default,
        coalesce(
            {{ raw_column(columns, 'is_deleted', 'boolean') }},
            {{ raw_column(columns, 'deleted', 'boolean') }}
        ) as is_deleted,
        {{ raw_column(columns, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(columns, 'updated_at', 'timestamp') }} as updated_at
    from {{ source('zendesk', 'groups') }}

),

final as (

    select
        group_id,
        group_name,
        coalesce(is_default, false) as is_default,
        coalesce(is_deleted, false) as is_deleted,
        created_at,
        updated_at
    from source

)

select * from final
