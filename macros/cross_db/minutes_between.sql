{#-
    Exact elapsed minutes (with the fraction) from `start_at` to `end_at`, both UTC timestamps.
    dbt.datediff(..., 'minute') counts minute-boundary crossings instead (10:00:59 -> 10:01:00 is
    "1"), which would bias every duration by up to a minute: the difference of epoch seconds
    divided by 60 is exact. Null when either end is null; negative when end precedes start.
-#}
{% macro minutes_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('minutes_between')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__minutes_between(start_at, end_at) -%}
    ({{ dbt.datediff(start_at, end_at, 'second') }} / 60.0)
{%- endmacro %}

{% macro duckdb__minutes_between(start_at, end_at) -%}
    ((epoch({{ end_at }}) - epoch({{ start_at }})) / 60.0)
{%- endmacro %}
