-- Nothing vanishes: every Linear issue in staging is one row of fct_linear_issues.
-- Returns the issues missing from the mart, and a row when the counts differ.
with

staged as (

    select issue_id
    from {{ ref('stg_linear__issues') }}

),

mart as (

    select issue_id
    from {{ ref('fct_linear_issues') }}

),

missing as (

    select staged.issue_id
    from staged
    left join mart
        on staged.issue_id = mart.issue_id
    where mart.issue_id is null

),

counts as (

    select
        (select count(*) from staged) as staged_rows,
        (select count(*) from mart) as mart_rows

)

select
    missing.issue_id,
    cast(null as {{ dbt.type_bigint() }}) as staged_rows,
    cast(null as {{ dbt.type_bigint() }}) as mart_rows
from missing
union all
select
    cast(null as {{ dbt.type_string() }}) as issue_id,
    counts.staged_rows,
    counts.mart_rows
from counts
where counts.staged_rows != counts.mart_rows
