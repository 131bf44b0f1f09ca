{%- set raw = raw_table(source('zendesk', 'groups')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'bigint', required=true) }} as group_id,
        {{ raw_column(raw, 'name', 'varchar') }} as group_name,
        {{ raw_column(raw, 'default', 'boolean') }} as is_default,
        coalesce(
            {{ raw_column(raw, 'is_deleted', 'boolean') }},
            {{ raw_column(raw, 'deleted', 'boolean') }}
        ) as is_deleted,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at
    from {{ raw_from(raw) }}

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
