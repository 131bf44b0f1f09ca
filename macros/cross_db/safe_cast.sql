{#- dbt-duckdb renders dbt.safe_cast as a plain cast, which fails on bad values: use try_cast. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
