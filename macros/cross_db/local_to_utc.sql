{#-
    The naive UTC timestamp of a naive local wall-clock timestamp in the IANA zone `time_zone`
    (a column or a quoted literal), daylight saving included. A local time skipped by a spring
    switch (02:30 on a US switch day) has no instant of its own; engines shift it by the gap.
-#}
{% macro local_to_utc(local_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('local_to_utc')(local_timestamp, time_zone)) }}
{%- endmacro %}

{% macro default__local_to_utc(local_timestamp, time_zone) -%}
    cast((({{ local_timestamp }}) at time zone {{ time_zone }}) at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- timezone(zone, timestamp) reads the timestamp as wall-clock time in the zone (an instant);
    timezone('UTC', instant) gives that instant's UTC wall-clock time. -#}
{% macro duckdb__local_to_utc(local_timestamp, time_zone) -%}
    timezone('UTC', timezone({{ time_zone }}, {{ local_timestamp }}))
{%- endmacro %}

{% macro spark__local_to_utc(local_timestamp, time_zone) -%}
    to_utc_timestamp({{ local_timestamp }}, {{ time_zone }})
{%- endmacro %}
