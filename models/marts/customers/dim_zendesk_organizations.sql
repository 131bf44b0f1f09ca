with

organizations as (

    select
        organization_id,
        organization_name,
        created_at,
        is_deleted
    from {{ ref('stg_zendesk__organizations') }}

),

matches as (

    select
        organization_id,
        account_id,
        match_method,
        match_status,
        domain_candidate_count
    from {{ ref('int_organization_accounts_matched') }}

),

final as (

    select
        organizations.organization_id,
        organizations.organization_name,
        matches.account_id,
        matches.match_method,
        matches.match_status,
        matches.domain_candidate_count,
        organizations.created_at,
        organizations.is_deleted
    from organizations
    left join matches
        on organizations.organization_id = matches.organization_id

)

select * from final
