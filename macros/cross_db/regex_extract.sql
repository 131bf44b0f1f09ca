{#- The `group`-th capture group of the first match of `pattern` in `text`, else null. -#}
{% macro regex_extract(text, pattern, group) -%}
    {{ return(adapter.dispatch('regex_extract')(text, pattern, group)) }}
{%- endmacro %}

{% macro default__regex_extract(text, pattern, group) -%}
    (regexp_match({{ text }}, '{{ pattern }}'))[{{ group }}]
{%- endmacro %}

{#- DuckDB and Spark return '' when nothing matches. -#}
{% macro duckdb__regex_extract(text, pattern, group) -%}
    nullif(regexp_extract({{ text }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}

{% macro spark__regex_extract(text, pattern, group) -%}
    nullif(regexp_extract({{ text }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}
