{%- set columns = raw_columns(source('zendesk', 'sla_policies')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'bigint') }} as sla_policy_id,
        {{ raw_column(columns, 'title', 'varchar') }} as title,
        {{ raw_column(columns, 'position', 'integer') }} as policy_position,
        {{ raw_column(columns, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(columns, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(columns, 'is_deleted', 'boolean') }} as is_deleted
    from {{ source('zendesk', 'sla_policies') }}

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
