{%- set parent_raw = raw_table(source('zendesk', 'organizations')) -%}
{%- set raw = raw_table(source('zendesk', 'organizations__domain_names')) -%}

with

organizations as (

    select
        {{ raw_column(parent_raw, '_dlt_id', 'varchar', required=true) }} as organization_row_id,
        {{ raw_column(parent_raw, 'id', 'bigint', required=true) }} as organization_id
    from {{ raw_from(parent_raw) }}

),

domains as (

    select
        {{ raw_column(raw, '_dlt_parent_id', 'varchar', required=true) }} as organization_row_id,
        {{ raw_column(raw, 'value', 'varchar', required=true) }} as domain_name
    from {{ raw_from(raw) }}

),

final as (

    select distinct
        organizations.organization_id,
        {{ url_host('domains.domain_name') }} as domain_name
    from domains
    inner join organizations
        on domains.organization_row_id = organizations.organization_row_id
    where domains.domain_name is not null

)

select * from final
