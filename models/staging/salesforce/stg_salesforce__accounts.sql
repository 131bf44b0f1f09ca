{%- set columns = raw_columns(source('salesforce', 'accounts')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'varchar') }} as account_id,
        {{ raw_column(columns, 'name', 'varchar') }} as account_name,
        {{ raw_column(columns, 'type', 'varchar') }} as account_type,
        {{ raw_column(columns, 'industry', 'varchar') }} as industry,
        {{ raw_column(columns, 'website', 'varchar') }} as website,
        {{ raw_column(columns, 'annual_revenue', 'double') }} as annual_revenue,
        {{ raw_column(columns, 'number_of_employees', 'integer') }} as number_of_employees,
        {{ raw_column(columns, 'owner_id', 'varchar') }} as owner_user_id,
        {{ raw_column(columns, 'parent_id', 'varchar') }} as parent_account_id,
        {{ raw_column(columns, 'billing_country', 'varchar') }} as billing_country,
        {{ raw_column(columns, 'segment__c', 'varchar') }} as segment,
        {{ raw_column(columns, 'created_date', 'timestamp') }} as created_at,
        {{ raw_column(columns, 'last_modified_date', 'timestamp') }} as updated_at,
        {{ raw_column(columns, 'system_modstamp', 'timestamp') }} as system_modstamp_at,
        {{ raw_column(columns, 'is_deleted', 'boolean') }} as is_deleted
    from {{ source('salesforce', 'accounts') }}

),

final as (

    select
        account_id,
        account_name,
        account_type,
        industry,
        website,
        {{ url_host('website') }} as website_domain,
        annual_revenue,
        number_of_employees,
        owner_user_id,
        parent_account_id,
        billing_country,
        segment,
        created_at,
        updated_at,
        system_modstamp_at,
        coalesce(is_deleted, false) as is_deleted
    from source

)

select * from final
