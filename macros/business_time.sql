{#-
    Business time: the one place that turns Zendesk schedules into open time.

    business_time_ctes() renders CTEs (to splice into a model's `with` list) ending in
    `business_time_clock`: per schedule and UTC date, the day cut into segments that are wholly
    open or wholly closed, each with the schedule's open minutes before it. A schedule interval
    is minutes from Sunday 00:00 local time; it is laid out on every local date of `bounds`
    (a one-row relation with `first_date` and `last_date`; pad it by two days around the
    instants you look up), cut at local midnights, dropped on the schedule's holidays (local
    dates), converted to UTC with the schedule's IANA zone (daylight saving included), then cut
    at UTC midnights. A few rows per schedule and day, never a row per minute.

    An instant's business clock is one equi-join on (schedule, UTC date) plus a range check
    (business_clock_join), then business_clock(); business minutes between two instants are
    the difference of their clocks. A schedule without a known zone has no segments, so its
    clocks, and every business value built on them, are null.
-#}
{% macro business_time_ctes(schedules, intervals, holidays, bounds) -%}
business_time_dates as (

    select {{ date_series('first_date', 'last_date') }} as calendar_date
    from {{ bounds }}

),

business_time_local_days as (

    select
        {{ schedules }}.schedule_id,
        {{ schedules }}.iana_time_zone,
        business_time_dates.calendar_date as local_date,
        -- 0 = Sunday: 1970-01-04 was a Sunday
        mod({{ dbt.datediff("cast('1970-01-04' as date)", 'business_time_dates.calendar_date', 'day') }}, 7)
            as day_of_week
    from {{ schedules }}
    cross join business_time_dates

),

business_time_local_pieces as (

    -- each weekly interval's part that falls on the local date, in minutes from its midnight
    select
        business_time_local_days.schedule_id,
        business_time_local_days.iana_time_zone,
        business_time_local_days.local_date,
        greatest({{ intervals }}.start_minute, business_time_local_days.day_of_week * 1440)
        - business_time_local_days.day_of_week * 1440 as from_minute,
        least({{ intervals }}.end_minute, (business_time_local_days.day_of_week + 1) * 1440)
        - business_time_local_days.day_of_week * 1440 as to_minute
    from business_time_local_days
    inner join {{ intervals }}
        on
            business_time_local_days.schedule_id = {{ intervals }}.schedule_id
            and {{ intervals }}.start_minute < (business_time_local_days.day_of_week + 1) * 1440
            and {{ intervals }}.end_minute > business_time_local_days.day_of_week * 1440
    where not exists (
        select 1
        from {{ holidays }}
        where
            {{ holidays }}.schedule_id = business_time_local_days.schedule_id
            and business_time_local_days.local_date >= {{ holidays }}.start_date
            and business_time_local_days.local_date <= {{ holidays }}.end_date
    )

),

business_time_open as (

    select
        schedule_id,
        {{ local_to_utc(
            dbt.dateadd('minute', 'from_minute', 'cast(local_date as ' ~ dbt.type_timestamp() ~ ')'),
            'iana_time_zone'
        ) }} as open_from,
        {{ local_to_utc(
            dbt.dateadd('minute', 'to_minute', 'cast(local_date as ' ~ dbt.type_timestamp() ~ ')'),
            'iana_time_zone'
        ) }} as open_to
    from business_time_local_pieces

),

business_time_day_offsets as (

    -- a local day (at most 25 hours) touches at most three UTC dates
    select 0 as day_offset
    union all
    select 1 as day_offset
    union all
    select 2 as day_offset

),

business_time_open_by_date as (

    select
        business_time_open.schedule_id,
        business_time_open.open_from,
        business_time_open.open_to,
        cast({{ dbt.dateadd(
            'day', 'business_time_day_offsets.day_offset', 'cast(business_time_open.open_from as date)'
        ) }} as date) as segment_date
    from business_time_open
    cross join business_time_day_offsets

),

business_time_open_segments as (

    select
        schedule_id,
        segment_date,
        case
            when open_from > cast(segment_date as {{ dbt.type_timestamp() }}) then open_from
            else cast(segment_date as {{ dbt.type_timestamp() }})
        end as valid_from,
        case
            when open_to < {{ dbt.dateadd('day', 1, 'cast(segment_date as ' ~ dbt.type_timestamp() ~ ')') }}
                then open_to
            else {{ dbt.dateadd('day', 1, 'cast(segment_date as ' ~ dbt.type_timestamp() ~ ')') }}
        end as valid_to
    from business_time_open_by_date
    where
        open_from < open_to
        and open_from < {{ dbt.dateadd('day', 1, 'cast(segment_date as ' ~ dbt.type_timestamp() ~ ')') }}
        and open_to > cast(segment_date as {{ dbt.type_timestamp() }})

),

business_time_boundaries as (

    -- every UTC day starts closed unless an open segment starts at its midnight
    select
        {{ schedules }}.schedule_id,
        business_time_dates.calendar_date as segment_date,
        cast(business_time_dates.calendar_date as {{ dbt.type_timestamp() }}) as boundary_at,
        0 as opens
    from {{ schedules }}
    cross join business_time_dates
    union all
    select
        schedule_id,
        segment_date,
        valid_from as boundary_at,
        1 as opens
    from business_time_open_segments
    union all
    select
        schedule_id,
        segment_date,
        valid_to as boundary_at,
        0 as opens
    from business_time_open_segments
    where valid_to < {{ dbt.dateadd('day', 1, 'cast(segment_date as ' ~ dbt.type_timestamp() ~ ')') }}

),

business_time_segments as (

    -- an open segment ending where the next one starts stays open
    select
        schedule_id,
        segment_date,
        boundary_at as valid_from,
        max(opens) as opens
    from business_time_boundaries
    group by schedule_id, segment_date, boundary_at

),

business_time_bounded as (

    select
        schedule_id,
        segment_date,
        valid_from,
        coalesce(
            lead(valid_from) over (partition by schedule_id, segment_date order by valid_from),
            {{ dbt.dateadd('day', 1, 'cast(segment_date as ' ~ dbt.type_timestamp() ~ ')') }}
        ) as valid_to,
        opens = 1 as is_open
    from business_time_segments

),

business_time_clock as (

    select
        schedule_id,
        segment_date,
        valid_from,
        valid_to,
        is_open,
        coalesce(sum(
            case when is_open then {{ minutes_between('valid_from', 'valid_to') }} else 0 end
        ) over (
            partition by schedule_id
            order by valid_from
            rows between unbounded preceding and 1 preceding
        ), 0) as open_minutes_before
    from business_time_bounded

)
{%- endmacro %}

{#- Left-joins the clock segment holding instant `at` as `alias` (none when `at` is null). -#}
{% macro business_clock_join(alias, schedule_id, at) -%}
    left join business_time_clock as {{ alias }}
        on
            {{ schedule_id }} = {{ alias }}.schedule_id
            and cast({{ at }} as date) = {{ alias }}.segment_date
            and {{ alias }}.valid_from <= {{ at }}
            and {{ at }} < {{ alias }}.valid_to
{%- endmacro %}

{#- Open minutes of the schedule before `at` (a running total): subtract two to get a span. -#}
{% macro business_clock(alias, at) -%}
    ({{ alias }}.open_minutes_before + case
        when {{ alias }}.is_open then {{ minutes_between(alias ~ '.valid_from', at) }} else 0
    end)
{%- endmacro %}

{#-
    Left-joins, as `alias`, the open segment in which the schedule's running total of open
    minutes reaches `clock_value` (an instant's clock plus some business minutes); an exact
    segment end lands on the start of the next open segment. business_clock_instant() then
    gives the instant: "due in N business minutes from T" is clock(T) + N.
-#}
{% macro business_clock_inverse_join(alias, schedule_id, clock_value) -%}
    left join business_time_clock as {{ alias }}
        on
            {{ schedule_id }} = {{ alias }}.schedule_id
            and {{ alias }}.is_open
            and {{ alias }}.open_minutes_before <= {{ clock_value }}
            and {{ clock_value }} < {{ alias }}.open_minutes_before
            + {{ minutes_between(alias ~ '.valid_from', alias ~ '.valid_to') }}
{%- endmacro %}

{% macro business_clock_instant(alias, clock_value) -%}
    {{ dbt.dateadd(
        'second',
        'cast(' ~ round_places('(' ~ clock_value ~ ' - ' ~ alias ~ '.open_minutes_before) * 60', 0)
            ~ ' as bigint)',
        alias ~ '.valid_from'
    ) }}
{%- endmacro %}
