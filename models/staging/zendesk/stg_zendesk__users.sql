{%- set raw = raw_table(source('zendesk', 'users')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'bigint', required=true) }} as user_id,
        {{ raw_column(raw, 'name', 'varchar') }} as user_name,
        {{ raw_column(raw, 'email', 'varchar') }} as email,
        {{ raw_column(raw, 'role', 'varchar') }} as user_role,
        {{ raw_column(raw, 'organization_id', 'bigint') }} as organization_id,
        {{ raw_column(raw, 'external_id', 'varchar') }} as external_id,
        {{ raw_column(raw, 'time_zone', 'varchar') }} as time_zone,
        {{ raw_column(raw, 'active', 'boolean') }} as is_active,
        {{ raw_column(raw, 'suspended', 'boolean') }} as is_suspended,
        {{ raw_column(raw, 'default_group_id', 'bigint') }} as default_group_id,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at
    from {{ raw_from(raw) }}

),

final as (

    select
        user_id,
        user_name,
        {{ person_key('email') }} as person_key,
        user_role,
        user_role in ('agent', 'admin') as is_agent,
        organization_id,
        external_id,
        time_zone,
        coalesce(is_active, true) as is_active,
        coalesce(is_suspended, false) as is_suspended,
        default_group_id,
        created_at,
        updated_at,
        -- Zendesk deletes a user by deactivating it: the row stays for the tickets it touched.
        not coalesce(is_active, true) as is_deleted
    from source

)

select * from final
