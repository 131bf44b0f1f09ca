{%- set raw = raw_table(source('salesforce', 'opportunities')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as opportunity_id,
        {{ raw_column(raw, 'account_id', 'varchar') }} as account_id,
        {{ raw_column(raw, 'name', 'varchar') }} as opportunity_name,
        {{ raw_column(raw, 'stage_name', 'varchar') }} as stage_name,
        {{ raw_column(raw, 'amount', 'double') }} as amount,
        {{ raw_column(raw, 'close_date', 'date') }} as close_date,
        {{ raw_column(raw, 'is_closed', 'boolean') }} as is_closed,
        {{ raw_column(raw, 'is_won', 'boolean') }} as is_won,
        {{ raw_column(raw, 'type', 'varchar') }} as opportunity_type,
        {{ raw_column(raw, 'probability', 'double') }} as probability,
        {{ raw_column(raw, 'forecast_category_name', 'varchar') }} as forecast_category,
        {{ raw_column(raw, 'owner_id', 'varchar') }} as owner_user_id,
        {{ raw_column(raw, 'contract_start_date__c', 'date') }} as contract_start_date,
        {{ raw_column(raw, 'contract_end_date__c', 'date') }} as contract_end_date,
        {{ raw_column(raw, 'created_date', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'last_modified_date', 'timestamp') }} as updated_at,
        {{ raw_column(raw, 'is_deleted', 'boolean') }} as is_deleted
    from {{ raw_from(raw) }}

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
