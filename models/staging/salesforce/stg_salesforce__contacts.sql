{%- set columns = raw_columns(source('salesforce', 'contacts')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'varchar') }} as contact_id,
        {{ raw_column(columns, 'account_id', 'varchar') }} as account_id,
        {{ raw_column(columns, 'first_name', 'varchar') }} as first_name,
        {{ raw_column(columns, 'last_name', 'varchar') }} as last_name,
        {{ raw_column(columns, 'email', 'varchar') }} as email,
        {{ raw_column(columns, 'title', 'varchar') }} as title,
        {{ raw_column(columns, 'owner_id', 'varchar') }} as owner_user_id,
        {{ raw_column(columns, 'created_date', 'timestamp') }} as created_at,
        {{ raw_column(columns, 'last_modified_date', 'timestamp') }} as updated_at,
        {{ raw_column(columns, 'is_deleted', 'boolean') }} as is_deleted
    from {{ source('salesforce', 'contacts') }}

),

final as (

    select
        contact_id,
        account_id,
        nullif(trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), '') as contact_name,
        {{ person_key('email') }} as person_key,
        lower({{ dbt.split_part('email', "'@'", 2) }}) as email_domain,
        title,
        owner_user_id,
        created_at,
        updated_at,
        coalesce(is_deleted, false) as is_deleted
    from source

)

select * from final
