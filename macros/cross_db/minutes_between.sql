{#-
    Exact elapsed minutes (with the fraction) from `start_at` to `end_at`, both UTC timestamps.
    dbt.datediff(..., 'minute') counts minute-boundary crossings instead (10:00:59 -> 10:01:00 is
    "1"), which would bias every duration by up to a minute. Every engine takes the exact
    difference in whole microseconds and divides it once as a double, so all three return the
    same bits. Null when either end is null; negative when end precedes start.
-#}
{% macro minutes_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('minutes_between')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__minutes_between(start_at, end_at) -%}
    (cast({{ dbt.datediff(start_at, end_at, 'microsecond') }} as {{ dbt.type_float() }}) / 60000000)
{%- endmacro %}

{% macro duckdb__minutes_between(start_at, end_at) -%}
    (cast(epoch_us({{ end_at }}) - epoch_us({{ start_at }}) as double) / 60000000)
{%- endmacro %}

{#- extract(epoch from an interval) is an exact numeric in PostgreSQL 14+. -#}
{% macro postgres__minutes_between(start_at, end_at) -%}
    (cast(extract(epoch from ({{ end_at }}) - ({{ start_at }})) * 1000000 as double precision) / 60000000)
{%- endmacro %}

{% macro spark__minutes_between(start_at, end_at) -%}
    (cast(unix_micros({{ end_at }}) - unix_micros({{ start_at }}) as double) / 60000000)
{%- endmacro %}
