with

intervals as (

    select
        issue_id,
        interval_number,
        state_id,
        state_name,
        state_type,
        valid_from,
        valid_to,
        duration_minutes,
        is_current
    from {{ ref('int_issue_state_intervals_derived') }}

),

issues as (

    select
        issue_id,
        team_id,
        is_deleted
    from {{ ref('stg_linear__issues') }}

),

final as (

    select
        {{ dbt.concat([
            'intervals.issue_id', "':'", dbt.cast('intervals.interval_number', portable_type('varchar'))
        ]) }} as issue_state_interval_id,
        intervals.issue_id,
        issues.team_id,
        -- row_number() is a bigint on DuckDB and PostgreSQL, an int on Spark
        cast(intervals.interval_number as bigint) as interval_number,
        intervals.state_id,
        intervals.state_name,
        intervals.state_type,
        intervals.valid_from,
        intervals.valid_to,
        intervals.duration_minutes as time_in_state_minutes,
        intervals.is_current,
        issues.is_deleted
    from intervals
    inner join issues
        on intervals.issue_id = issues.issue_id

)

select * from final
