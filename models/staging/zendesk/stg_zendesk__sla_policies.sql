{%- set raw = raw_table(source('zendesk', 'sla_policies')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'bigint', required=true) }} as sla_policy_id,
        {{ raw_column(raw, 'title', 'varchar') }} as title,
        {{ raw_column(raw, 'position', 'integer') }} as policy_position,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(raw, 'is_deleted', 'boolean') }} as is_deleted
    from {{ raw_from(raw) }}

),

final as (

    select
        sla_policy_id,
        title,
        policy_position,
        created_at,
        updated_at,
        is_deleted
    from source

)

select * from final
