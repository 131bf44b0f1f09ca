-- Nothing vanishes: every Zendesk ticket in staging is one row of fct_support_tickets.
-- Returns the tickets missing from the mart, and a row when the counts differ.
with

staged as (

    select ticket_id
    from {{ ref('stg_zendesk__tickets') }}

),

mart as (

    select ticket_id
    from {{ ref('fct_support_tickets') }}

),

missing as (

    select staged.ticket_id
    from staged
    left join mart
        on staged.ticket_id = mart.ticket_id
    where mart.ticket_id is null

),

counts as (

    select
        (select count(*) from staged) as staged_rows,
        (select count(*) from mart) as mart_rows

)

select
    missing.ticket_id,
    cast(null as {{ dbt.type_bigint() }}) as staged_rows,
    cast(null as {{ dbt.type_bigint() }}) as mart_rows
from missing
union all
select
    cast(null as {{ dbt.type_bigint() }}) as ticket_id,
    counts.staged_rows,
    counts.mart_rows
from counts
where counts.staged_rows != counts.mart_rows
