{%- set raw = raw_table(source('salesforce', 'accounts')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as account_id,
        {{ raw_column(raw, 'name', 'varchar') }} as account_name,
        {{ raw_column(raw, 'type', 'varchar') }} as account_type,
        {{ raw_column(raw, 'industry', 'varchar') }} as industry,
        {{ raw_column(raw, 'website', 'varchar') }} as website,
        {{ raw_column(raw, 'annual_revenue', 'double') }} as annual_revenue,
        {{ raw_column(raw, 'number_of_employees', 'integer') }} as number_of_employees,
        {{ raw_column(raw, 'owner_id', 'varchar') }} as owner_user_id,
        {{ raw_column(raw, 'parent_id', 'varchar') }} as parent_account_id,
        {{ raw_column(raw, 'billing_country', 'varchar') }} as billing_country,
        {{ raw_column(raw, 'segment__c', 'varchar') }} as segment,
        {{ raw_column(raw, 'created_date', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'last_modified_date', 'timestamp') }} as updated_at,
        {{ raw_column(raw, 'system_modstamp', 'timestamp') }} as system_modstamp_at,
        {{ raw_column(raw, 'is_deleted', 'boolean') }} as is_deleted
    from {{ raw_from(raw) }}

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
