{#-
    ARR per Salesforce account at as_of (METRICS.md): the sum of `Amount` (an annual value) over
    the account's opportunities that are closed-won, not deleted, closed on or before as_of, and
    whose contract period [contract_start_date, contract_end_date) contains the as_of date.
    Renewals start the day the previous contract ends, so they never double count; an expansion
    runs alongside the contract it expands and adds to it.
-#}
with

opportunities as (

    select
        opportunity_id,
        account_id,
        amount,
        close_date,
        contract_start_date,
        contract_end_date
    from {{ ref('stg_salesforce__opportunities') }}
    where
        is_won
        and not is_deleted

),

active_contracts as (

    select
        account_id,
        opportunity_id,
        amount
    from opportunities
    where {{ contract_active_on('cast(' ~ as_of() ~ ' as date)') }}

),

final as (

    select
        account_id,
        sum(amount) as arr,
        count(*) as active_contract_count
    from active_contracts
    group by account_id

)

select * from final
