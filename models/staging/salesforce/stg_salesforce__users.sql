{%- set raw = raw_table(source('salesforce', 'users')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as user_id,
        {{ raw_column(raw, 'name', 'varchar') }} as user_name,
        {{ raw_column(raw, 'email', 'varchar') }} as email,
        {{ raw_column(raw, 'is_active', 'boolean') }} as is_active,
        {{ raw_column(raw, 'title', 'varchar') }} as title,
        {{ raw_column(raw, 'department', 'varchar') }} as department,
        {{ raw_column(raw, 'created_date', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'last_modified_date', 'timestamp') }} as updated_at
    from {{ raw_from(raw) }}

),

final as (

    select
        user_id,
        user_name,
        {{ person_key('email') }} as person_key,
        coalesce(is_active, false) as is_active,
        title,
        department,
        created_at,
        updated_at
    from source

)

select * from final
