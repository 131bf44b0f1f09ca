{%- set columns = raw_columns(source('salesforce', 'opportunities')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'varchar') }} as opportunity_id,
        {{ raw_column(columns, 'account_id', 'varchar') }} as account_id,
        {{ raw_column(columns, 'name', 'varchar') }} as opportunity_name,
        {{ raw_column(columns, 'stage_name', 'varchar') }} as stage_name,
        {{ raw_column(columns, 'amount', 'double') }} as amount,
        {{ raw_column(columns, 'close_date', 'date') }} as close_date,
        {{ raw_column(columns, 'is_closed', 'boolean') }} as is_closed,
        {{ raw_column(columns, 'is_won', 'boolean') }} as is_won,
        {{ raw_column(columns, 'type', 'varchar') }} as opportunity_type,
        {{ raw_column(columns, 'probability', 'double') }} as probability,
        {{ raw_column(columns, 'forecast_category_name', 'varchar') }} as forecast_category,
        {{ raw_column(columns, 'owner_id', 'varchar') }} as owner_user_id,
        {{ raw_column(columns, 'contract_start_date__c', 'date') }} as contract_start_date,
        {{ raw_column(columns, 'contract_end_date__c', 'date') }} as contract_end_date,
        {{ raw_column(columns, 'created_date', 'timestamp') }} as created_at,
        {{ raw_column(columns, 'last_modified_date', 'timestamp') }} as updated_at,
        {{ raw_column(columns, 'is_deleted', 'boolean') }} as is_deleted
    from {{ source('salesforce', 'opportunities') }}

),

final as (

    select
        opportunity_id,
        account_id,
        opportunity_name,
        stage_name,
        amount,
        close_date,
        coalesce(is_closed, false) as is_closed,
        coalesce(is_won, false) as is_won,
        opportunity_type,
        probability,
        forecast_category,
        owner_user_id,
        contract_start_date,
        contract_end_date,
        created_at,
        updated_at,
        coalesce(is_deleted, false) as is_deleted
    from source

)

select * from final
