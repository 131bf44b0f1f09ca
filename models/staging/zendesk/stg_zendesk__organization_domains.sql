{%- set columns = raw_columns(source('zendesk', 'organizations')) -%}
{%- set domain_columns = raw_columns(source('zendesk', 'organizations__domain_names')) -%}

with

organizations as (

    select
        _dlt_id as organization_row_id,
        {{ raw_column(columns, 'id', 'bigint') }} as organization_id
    from {{ source('zendesk', 'organizations') }}

),

domains as (

    select
        _dlt_parent_id as organization_row_id,
        {{ raw_column(domain_columns, 'value', 'varchar') }} as domain_name
    from {{ source('zendesk', 'organizations__domain_names') }}

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
