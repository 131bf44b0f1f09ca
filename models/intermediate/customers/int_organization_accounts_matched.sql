{#-
    One row per Zendesk organization with the Salesforce account it belongs to (METRICS.md):
    (1) the organization's external_id is an account Id, else (2) one of its domain names is
    the website host of exactly one non-deleted account. A domain shared by several accounts is
    `ambiguous` and not guessed; no candidate at all is `unmatched`.
-#}
with

organizations as (

    select
        organization_id,
        external_id
    from {{ ref('stg_zendesk__organizations') }}

),

organization_domains as (

    select
        organization_id,
        domain_name
    from {{ ref('stg_zendesk__organization_domains') }}

),

accounts as (

    select
        account_id,
        website_domain,
        is_deleted
    from {{ ref('stg_salesforce__accounts') }}

),

by_external_id as (

    select
        organizations.organization_id,
        accounts.account_id
    from organizations
    inner join accounts
        on organizations.external_id = accounts.account_id

),

domain_candidates as (

    select
        organization_domains.organization_id,
        count(distinct accounts.account_id) as candidate_count,
        min(accounts.account_id) as account_id
    from organization_domains
    inner join accounts
        on
            organization_domains.domain_name = accounts.website_domain
            and not accounts.is_deleted
    group by organization_domains.organization_id

),

final as (

    select
        organizations.organization_id,
        case
            when by_external_id.account_id is not null then by_external_id.account_id
            when domain_candidates.candidate_count = 1 then domain_candidates.account_id
        end as account_id,
        case
            when by_external_id.account_id is not null then 'external_id'
            when domain_candidates.candidate_count = 1 then 'domain'
        end as match_method,
        case
            when by_external_id.account_id is not null or domain_candidates.candidate_count = 1
                then 'matched'
            when domain_candidates.candidate_count > 1 then 'ambiguous'
            else 'unmatched'
        end as match_status,
        coalesce(domain_candidates.candidate_count, 0) as domain_candidate_count
    from organizations
    left join by_external_id
        on organizations.organization_id = by_external_id.organization_id
    left join domain_candidates
        on organizations.organization_id = domain_candidates.organization_id

)

select * from final
