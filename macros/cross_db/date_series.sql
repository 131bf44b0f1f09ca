{#-
    Set-returning expression for a select list: one row per date from `start_date` to
    `end_date`, both included (no rows when either is null or end precedes start).
-#}
{% macro date_series(start_date, end_date) -%}
    {{ return(adapter.dispatch('date_series')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__date_series(start_date, end_date) -%}
    cast(generate_series(
        cast({{ start_date }} as {{ dbt.type_timestamp() }}),
        cast({{ end_date }} as {{ dbt.type_timestamp() }}),
        interval '1 day'
    ) as date)
{%- endmacro %}

{% macro duckdb__date_series(start_date, end_date) -%}
    cast(unnest(generate_series(
        cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day
    )) as date)
{%- endmacro %}

{% macro spark__date_series(start_date, end_date) -%}
    explode(sequence(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day))
{%- endmacro %}
