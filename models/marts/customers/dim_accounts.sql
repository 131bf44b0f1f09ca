with

accounts as (

    select
        account_id,
        account_name,
        account_type,
        industry,
        segment,
        owner_user_id,
        parent_account_id,
        billing_country,
        website_domain,
        number_of_employees,
        created_at,
        is_deleted
    from {{ ref('stg_salesforce__accounts') }}

),

owners as (

    select
        user_id,
        user_name,
        person_key
    from {{ ref('stg_salesforce__users') }}

),

arr as (

    select
        account_id,
        arr,
        active_contract_count
    from {{ ref('int_account_arr_computed') }}

),

organizations as (

    select
        account_id,
        min(organization_id) as zendesk_organization_id,
        count(*) as zendesk_organization_count
    from {{ ref('int_organization_accounts_matched') }}
    where match_status = 'matched'
    group by account_id

),

final as (

    select
        accounts.account_id,
        accounts.account_name,
        accounts.account_type,
        accounts.industry,
        accounts.segment,
        accounts.owner_user_id,
        owners.user_name as owner_name,
        owners.person_key as owner_person_key,
        owners.user_id is not null as has_known_owner,
        accounts.parent_account_id,
        accounts.billing_country,
        accounts.website_domain,
        accounts.number_of_employees,
        accounts.created_at,
        accounts.is_deleted,
        -- no active contract is a real ARR of 0 (deleted opportunities never count)
        coalesce(arr.arr, 0) as arr,
        coalesce(arr.active_contract_count, 0) as active_contract_count,
        coalesce(arr.arr, 0) > 0 and not accounts.is_deleted as is_paying_customer,
        organizations.zendesk_organization_id,
        coalesce(organizations.zendesk_organization_count, 0) as zendesk_organization_count
    from accounts
    left join owners
        on accounts.owner_user_id = owners.user_id
    left join arr
        on accounts.account_id = arr.account_id
    left join organizations
        on accounts.account_id = organizations.account_id

)

select * from final
