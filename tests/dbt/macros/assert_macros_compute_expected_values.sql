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

sample_values as (

    select 1 as sample_value
    union all
    select 2 as sample_value
    union all
    select 3 as sample_value
    union all
    select 10 as sample_value
    union all
    select null as sample_value

),

percentile_checks as (

    -- 1, 2, 3, 10 (null ignored): the median interpolates (2 + 3) / 2 = 2.5; the 90th
    -- percentile sits at (4 - 1) * 0.9 = 2.7, between 3 and 10: 3 + 0.7 * (10 - 3) = 7.9
    select
        'median interpolates an even count' as check_name,
        {{ percentile('sample_value', 0.5) }} as actual_value,
        2.5 as expected_value
    from sample_values
    union all
    select
        'percentile 0.9 interpolates' as check_name,
        {{ percentile('sample_value', 0.9) }} as actual_value,
        7.9 as expected_value
    from sample_values
    union all
    -- 1, 2, 10 -> the middle value, 2 (not the mean, 13 / 3)
    select
        'median of an odd count' as check_name,
        {{ percentile('sample_value', 0.5) }} as actual_value,
        2.0 as expected_value
    from sample_values
    where sample_value != 3

),

date_checks as (

    -- 2026-02-27 to 2026-03-02 crosses the end of February: 27, 28, 1, 2 -> 4 dates
    select
        count(*) as date_count,
        min(calendar_date) as first_date,
        max(calendar_date) as last_date
    from (
        select {{ date_series("cast('2026-02-27' as date)", "cast('2026-03-02' as date)") }} as calendar_date
    ) as series

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
    union all
    -- 09:00 in New York on 2026-03-06 is EST (UTC-5), on 2026-03-09 EDT (UTC-4)
    select
        'local_to_utc before the spring switch' as check_name,
        cast(
            {{ local_to_utc("cast('2026-03-06 09:00:00' as timestamp)", "'America/New_York'") }}
            as {{ portable_type('varchar') }}
        ) as actual_value,
        '2026-03-06 14:00:00' as expected_value
    union all
    select
        'local_to_utc after the spring switch' as check_name,
        cast(
            {{ local_to_utc("cast('2026-03-09 09:00:00' as timestamp)", "'America/New_York'") }}
            as {{ portable_type('varchar') }}
        ) as actual_value,
        '2026-03-09 13:00:00' as expected_value
    union all
    -- Tokyo is UTC+9: Monday 09:00 local is Monday 00:00 UTC
    select
        'local_to_utc east of UTC' as check_name,
        cast(
            {{ local_to_utc("cast('2026-02-02 09:00:00' as timestamp)", "'Asia/Tokyo'") }}
            as {{ portable_type('varchar') }}
        ) as actual_value,
        '2026-02-02 00:00:00' as expected_value

)

select check_name
from number_checks
where abs(actual_value - expected_value) > 1e-9
union all
select check_name
from percentile_checks
where actual_value is null or abs(actual_value - expected_value) > 1e-9
union all
select check_name
from text_checks
where actual_value is distinct from expected_value
union all
select 'date_series includes both ends' as check_name
from date_checks
where
    date_count != 4
    or first_date != cast('2026-02-27' as date)
    or last_date != cast('2026-03-02' as date)
