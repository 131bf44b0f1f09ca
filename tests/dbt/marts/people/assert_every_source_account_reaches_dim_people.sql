-- Nothing vanishes: every user and contact of every source is counted in exactly one person of
-- dim_people. Returns the sources whose staged rows and counted accounts differ.
with

staged as (

    select
        'zendesk' as source_system,
        count(*) as staged_rows
    from {{ ref('stg_zendesk__users') }}
    union all
    select
        'linear' as source_system,
        count(*) as staged_rows
    from {{ ref('stg_linear__users') }}
    union all
    select
        'slack' as source_system,
        count(*) as staged_rows
    from {{ ref('stg_slack__users') }}
    union all
    select
        'salesforce_user' as source_system,
        count(*) as staged_rows
    from {{ ref('stg_salesforce__users') }}
    union all
    select
        'salesforce_contact' as source_system,
        count(*) as staged_rows
    from {{ ref('stg_salesforce__contacts') }}

),

people as (

    select
        zendesk_user_count,
        linear_user_count,
        slack_user_count,
        salesforce_user_count,
        salesforce_contact_count
    from {{ ref('dim_people') }}

),

counted as (

    select
        'zendesk' as source_system,
        sum(zendesk_user_count) as counted_rows
    from people
    union all
    select
        'linear' as source_system,
        sum(linear_user_count) as counted_rows
    from people
    union all
    select
        'slack' as source_system,
        sum(slack_user_count) as counted_rows
    from people
    union all
    select
        'salesforce_user' as source_system,
        sum(salesforce_user_count) as counted_rows
    from people
    union all
    select
        'salesforce_contact' as source_system,
        sum(salesforce_contact_count) as counted_rows
    from people

)

select
    staged.source_system,
    staged.staged_rows,
    counted.counted_rows
from staged
left join counted
    on staged.source_system = counted.source_system
where coalesce(counted.counted_rows, 0) != staged.staged_rows
