{%- set raw = raw_table(source('linear', 'attachments')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as attachment_id,
        {{ raw_column(raw, 'issue_id', 'varchar') }} as issue_id,
        {{ raw_column(raw, 'creator_id', 'varchar') }} as creator_user_id,
        {{ raw_column(raw, 'url', 'varchar') }} as url,
        {{ raw_column(raw, 'title', 'varchar') }} as title,
        {{ raw_column(raw, 'source_type', 'varchar') }} as source_type,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at,
        {{ raw_column(raw, 'archived_at', 'timestamp') }} as archived_at,
        {{ raw_column(raw, 'deleted_at', 'timestamp') }} as deleted_at
    from {{ raw_from(raw) }}

),

final as (

    select
        attachment_id,
        issue_id,
        creator_user_id,
        url,
        title,
        source_type,
        -- Zendesk's integration links https://<subdomain>.zendesk.com/agent/tickets/<id>
        case
            when lower(source_type) = 'zendesk' or url like '%zendesk.com/%'
                then cast({{ regex_extract('url', '/tickets/([0-9]+)', 1) }} as bigint)
        end as zendesk_ticket_id,
        -- a Slack permalink .../archives/<channel>/p<ts without the dot>
        {{ regex_extract('url', '/archives/([A-Z0-9]+)/p[0-9]+', 1) }} as slack_channel_id,
        {{ regex_extract('url', '/archives/[A-Z0-9]+/p([0-9]+)[0-9]{6}', 1) }}
        || '.'
        || {{ regex_extract('url', '/archives/[A-Z0-9]+/p[0-9]+([0-9]{6})', 1) }} as slack_ts,
        created_at,
        updated_at,
        archived_at,
        deleted_at,
        -- archived in Linear, or gone for good (the source's deletion sweep sets deleted_at)
        archived_at is not null or deleted_at is not null as is_deleted
    from source

)

select * from final
