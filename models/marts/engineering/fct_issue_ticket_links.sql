with

evidence as (

    select
        issue_id,
        ticket_id,
        link_source,
        linked_at
    from {{ ref('int_issue_ticket_links_identified') }}
    where issue_id is not null

),

issues as (

    select
        issue_id,
        issue_identifier,
        is_deleted
    from {{ ref('stg_linear__issues') }}

),

tickets as (

    select
        ticket_id,
        organization_id,
        is_deleted
    from {{ ref('stg_zendesk__tickets') }}

),

organizations as (

    select
        organization_id,
        account_id
    from {{ ref('dim_zendesk_organizations') }}

),

ranked as (

    select
        issue_id,
        ticket_id,
        link_source,
        linked_at,
        -- the way that found the link first; undated evidence (a custom field) comes last
        row_number() over (
            partition by issue_id, ticket_id
            order by
                case when linked_at is null then 1 else 0 end,
                linked_at,
                case link_source
                    when 'linear_attachment' then 1
                    when 'zendesk_comment' then 2
                    else 3
                end
        ) as evidence_rank
    from evidence

),

links as (

    select
        issue_id,
        ticket_id,
        min(linked_at) as linked_at,
        max(case when evidence_rank = 1 then link_source end) as link_source,
        max(case when link_source = 'linear_attachment' then 1 else 0 end) = 1
            as is_found_by_linear_attachment,
        max(case when link_source = 'zendesk_comment' then 1 else 0 end) = 1
            as is_found_by_zendesk_comment,
        max(case when link_source = 'zendesk_field' then 1 else 0 end) = 1
            as is_found_by_zendesk_field
    from ranked
    group by issue_id, ticket_id

),

final as (

    select
        links.issue_id,
        links.ticket_id,
        issues.issue_identifier,
        links.linked_at,
        links.link_source,
        links.is_found_by_linear_attachment,
        links.is_found_by_zendesk_comment,
        links.is_found_by_zendesk_field,
        tickets.organization_id,
        organizations.account_id,
        tickets.ticket_id is not null as is_ticket_known,
        tickets.is_deleted as is_ticket_deleted,
        issues.is_deleted as is_issue_deleted
    from links
    left join issues
        on links.issue_id = issues.issue_id
    left join tickets
        on links.ticket_id = tickets.ticket_id
    left join organizations
        on tickets.organization_id = organizations.organization_id

)

select * from final
