with

zendesk_users as (

    select
        user_id,
        user_name,
        person_key,
        user_role,
        is_agent,
        is_active,
        is_suspended
    from {{ ref('stg_zendesk__users') }}

),

linear_users as (

    select
        user_id,
        user_name,
        person_key,
        is_active,
        is_guest,
        is_app,
        is_deleted
    from {{ ref('stg_linear__users') }}

),

slack_users as (

    select
        user_id,
        user_name,
        real_name,
        person_key,
        is_bot,
        is_deleted
    from {{ ref('stg_slack__users') }}

),

salesforce_users as (

    select
        user_id,
        user_name,
        person_key,
        is_active
    from {{ ref('stg_salesforce__users') }}

),

salesforce_contacts as (

    select
        contact_id,
        contact_name,
        person_key,
        is_deleted
    from {{ ref('stg_salesforce__contacts') }}

),

accounts as (

    -- one row per account a person has in a source, with what the account says about them
    select
        'zendesk' as source_system,
        cast(user_id as {{ dbt.type_string() }}) as source_id,
        user_id as zendesk_user_id,
        person_key,
        user_name as person_name,
        user_role as zendesk_role,
        is_agent as is_employee_account,
        user_role = 'end-user' as is_customer_account,
        false as is_bot_account,
        is_active and not is_suspended as is_active_account
    from zendesk_users
    union all
    select
        'linear' as source_system,
        user_id as source_id,
        cast(null as {{ dbt.type_bigint() }}) as zendesk_user_id,
        person_key,
        user_name as person_name,
        cast(null as {{ dbt.type_string() }}) as zendesk_role,
        not is_guest and not is_app as is_employee_account,
        false as is_customer_account,
        is_app as is_bot_account,
        is_active and not is_deleted as is_active_account
    from linear_users
    union all
    select
        'slack' as source_system,
        user_id as source_id,
        cast(null as {{ dbt.type_bigint() }}) as zendesk_user_id,
        person_key,
        coalesce(real_name, user_name) as person_name,
        cast(null as {{ dbt.type_string() }}) as zendesk_role,
        not is_bot as is_employee_account,
        false as is_customer_account,
        is_bot as is_bot_account,
        not is_deleted as is_active_account
    from slack_users
    union all
    select
        'salesforce_user' as source_system,
        user_id as source_id,
        cast(null as {{ dbt.type_bigint() }}) as zendesk_user_id,
        person_key,
        user_name as person_name,
        cast(null as {{ dbt.type_string() }}) as zendesk_role,
        true as is_employee_account,
        false as is_customer_account,
        false as is_bot_account,
        is_active as is_active_account
    from salesforce_users
    union all
    select
        'salesforce_contact' as source_system,
        contact_id as source_id,
        cast(null as {{ dbt.type_bigint() }}) as zendesk_user_id,
        person_key,
        contact_name as person_name,
        cast(null as {{ dbt.type_string() }}) as zendesk_role,
        false as is_employee_account,
        true as is_customer_account,
        false as is_bot_account,
        not is_deleted as is_active_account
    from salesforce_contacts

),

keyed as (

    select
        -- people resolve by e-mail; without one an account stays a person of its own
        coalesce(person_key, source_system || ':' || source_id) as person_id,
        source_system,
        source_id,
        zendesk_user_id,
        person_key,
        person_name,
        zendesk_role,
        is_employee_account,
        is_customer_account,
        is_bot_account,
        is_active_account
    from accounts

),

people as (

    select
        person_id,
        max(person_key) as person_key,
        -- the name from the most curated source first
        coalesce(
            min(case when source_system = 'salesforce_user' then person_name end),
            min(case when source_system = 'zendesk' then person_name end),
            min(case when source_system = 'linear' then person_name end),
            min(case when source_system = 'slack' then person_name end),
            min(case when source_system = 'salesforce_contact' then person_name end)
        ) as person_name,
        min(case when source_system = 'zendesk' then zendesk_user_id end) as zendesk_user_id,
        min(case when source_system = 'linear' then source_id end) as linear_user_id,
        min(case when source_system = 'slack' then source_id end) as slack_user_id,
        min(case when source_system = 'salesforce_user' then source_id end) as salesforce_user_id,
        min(case when source_system = 'salesforce_contact' then source_id end) as salesforce_contact_id,
        count(case when source_system = 'zendesk' then 1 end) as zendesk_user_count,
        count(case when source_system = 'linear' then 1 end) as linear_user_count,
        count(case when source_system = 'slack' then 1 end) as slack_user_count,
        count(case when source_system = 'salesforce_user' then 1 end) as salesforce_user_count,
        count(case when source_system = 'salesforce_contact' then 1 end) as salesforce_contact_count,
        -- the highest Zendesk role among the person's Zendesk users
        case
            when max(case when zendesk_role = 'admin' then 1 else 0 end) = 1 then 'admin'
            when max(case when zendesk_role = 'agent' then 1 else 0 end) = 1 then 'agent'
            else max(zendesk_role)
        end as zendesk_role,
        max(case when is_employee_account then 1 else 0 end) = 1 as is_employee,
        max(case when is_customer_account then 1 else 0 end) = 1 as has_customer_account,
        min(case when is_bot_account then 1 else 0 end) = 1 as is_bot_only,
        max(case when is_active_account then 1 else 0 end) = 1 as is_active
    from keyed
    group by person_id

),

final as (

    select
        person_id,
        person_key,
        person_name,
        zendesk_user_count > 0 as is_in_zendesk,
        linear_user_count > 0 as is_in_linear,
        slack_user_count > 0 as is_in_slack,
        salesforce_user_count + salesforce_contact_count > 0 as is_in_salesforce,
        case when zendesk_user_count > 0 then 1 else 0 end
        + case when linear_user_count > 0 then 1 else 0 end
        + case when slack_user_count > 0 then 1 else 0 end
        + case when salesforce_user_count + salesforce_contact_count > 0 then 1 else 0 end
            as source_count,
        zendesk_user_id,
        linear_user_id,
        slack_user_id,
        salesforce_user_id,
        salesforce_contact_id,
        zendesk_user_count,
        linear_user_count,
        slack_user_count,
        salesforce_user_count,
        salesforce_contact_count,
        is_employee,
        case
            when is_employee then 'employee'
            when has_customer_account then 'customer'
            when is_bot_only then 'bot'
            else 'guest'
        end as person_type,
        zendesk_role,
        is_active
    from people

)

select * from final
