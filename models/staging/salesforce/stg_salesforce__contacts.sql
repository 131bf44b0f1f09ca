{%- set raw = raw_table(source('salesforce', 'contacts')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as contact_id,
        {{ raw_column(raw, 'account_id', 'varchar') }} as account_id,
        {{ raw_column(raw, 'first_name', 'varchar') }} as first_name,
        {{ raw_column(raw, 'last_name', 'varchar') }} as last_name,
        {{ raw_column(raw, 'email', 'varchar') }} as email,
        {{ raw_column(raw, 'title', 'varchar') }} as title,
        {{ raw_column(raw, 'owner_id', 'varchar') }} as owner_user_id,
        {{ raw_column(raw, 'created_date', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'last_modified_date', 'timestamp') }} as updated_at,
        {{ raw_column(raw, 'is_deleted', 'boolean') }} as is_deleted
    from {{ raw_from(raw) }}

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
