{%- set columns = raw_columns(source('salesforce', 'users')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'varchar') }} as user_id,
        {{ raw_column(columns, 'name', 'varchar') }} as user_name,
        {{ raw_column(columns, 'email', 'varchar') }} as email,
        {{ raw_column(columns, 'is_active', 'boolean') }} as is_active,
        {{ raw_column(columns, 'title', 'varchar') }} as title,
        {{ raw_column(columns, 'department', 'varchar') }} as department,
        {{ raw_column(columns, 'created_date', 'timestamp') }} as created_at,
        {{ raw_column(columns, 'last_modified_date', 'timestamp') }} as updated_at
    from {{ source('salesforce', 'users') }}

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
