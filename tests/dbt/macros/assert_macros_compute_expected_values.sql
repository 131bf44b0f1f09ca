-- The portable macros on literal inputs, each with its expected value worked out by hand.
-- Returns the checks that fail.
with

number_checks as (

    -- 10:00:59 -> 10:01:00 is one second: 1/60 minute, not the "1" boundary count of datediff
    select
        'minutes_between sub-minute' as check_name,
        {{ minutes_between(
            "cast('2026-01-01 10:00:59' as timestamp)", "cast('2026-01-01 10:01:00' as timestamp)"
        ) }} as actual_value,
        1 / 60e0 as expected_value
    union all
    -- two days and 90 seconds: 2 * 1440 + 1.5 = 2881.5
    select
        'minutes_between multi-day' as check_name,
        {{ minutes_between(
            "cast('2026-01-01 00:00:00' as timestamp)", "cast('2026-01-03 00:01:30' as timestamp)"
        ) }} as actual_value,
        2881.5 as expected_value
    union all
    -- end before start is negative: -30
    select
        'minutes_between negative' as check_name,
        {{ minutes_between(
            "cast('2026-01-01 00:30:00' as timestamp)", "cast('2026-01-01 00:00:00' as timestamp)"
        ) }} as actual_value,
        -30.0 as expected_value

),

text_checks as (

    -- Slack ts 1767225600.000123 is 2026-01-01 00:00:00 UTC and 123 microseconds, exactly
    select
        'epoch_to_timestamp keeps microseconds' as check_name,
        {{ dbt.cast(epoch_to_timestamp("'1767225600.000123'"), portable_type('varchar')) }} as actual_value,
        '2026-01-01 00:00:00.000123' as expected_value
    union all
    select
        'person_key ignores case and spaces' as check_name,
        {{ person_key("'  Ann.Lee@Example.COM '") }} as actual_value,
        {{ dbt.hash("'ann.lee@example.com'") }} as expected_value
    union all
    select
        'person_key of a blank e-mail is null' as check_name,
        coalesce({{ person_key("''") }}, 'null') as actual_value,
        'null' as expected_value
    union all
    select
        'url_host strips scheme, www and path' as check_name,
        {{ url_host("'https://www.Acme.com/about?x=1'") }} as actual_value,
        'acme.com' as expected_value
    union all
    select
        'url_host of a bare domain' as check_name,
        {{ url_host("'beta.io'") }} as actual_value,
        'beta.io' as expected_value

)

select check_name
from number_checks
where abs(actual_value - expected_value) > 1e-9
union all
select check_name
from text_checks
where actual_value is distinct from expected_value
