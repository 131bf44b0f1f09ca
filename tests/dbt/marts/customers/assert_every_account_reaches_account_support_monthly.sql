-- Nothing vanishes: every Salesforce account has a row in every month from its start to the
-- as_of month, and every non-deleted ticket of a matched organization is counted once in
-- tickets_created. Returns the checks whose two sides differ.
with

accounts as (

    select count(*) as account_count
    from {{ ref('dim_accounts') }}

),

matched_tickets as (

    select count(*) as ticket_count
    from {{ ref('fct_support_tickets') }} as tickets
    inner join {{ ref('dim_zendesk_organizations') }} as organizations
        on tickets.organization_id = organizations.organization_id
    where
        organizations.match_status = 'matched'
        and not tickets.is_deleted

),

monthly as (

    select
        count(distinct account_id) as account_count,
        sum(tickets_created) as ticket_count
    from {{ ref('fct_account_support_monthly') }}

),

-- an account's months run without a gap up to the as_of month
account_spans as (

    select
        account_id,
        count(*) as month_count,
        max(month_start) as last_month,
        {{ dbt.datediff('min(month_start)', 'max(month_start)', 'month') }}
        + 1 as span_month_count
    from {{ ref('fct_account_support_monthly') }}
    group by account_id

),

gaps as (

    select count(*) as account_count
    from account_spans
    where
        last_month != cast({{ dbt.date_trunc('month', as_of()) }} as date)
        or month_count != span_month_count

),

final as (

    select
        'accounts' as check_name,
        accounts.account_count as expected_value,
        monthly.account_count as actual_value
    from accounts
    cross join monthly
    union all
    select
        'tickets' as check_name,
        matched_tickets.ticket_count as expected_value,
        coalesce(monthly.ticket_count, 0) as actual_value
    from matched_tickets
    cross join monthly
    union all
    select
        'accounts with a gap or not reaching the as_of month' as check_name,
        0 as expected_value,
        gaps.account_count as actual_value
    from gaps

)

select * from final
where expected_value != actual_value
