{#-
    Set-returning expression: one row per string of a JSON array column (dlt stores lists it
    was told to keep whole, such as Linear `labelIds`, as JSON). Use it in a select list.
-#}
{% macro unnest_json_strings(column) -%}
    {{ return(adapter.dispatch('unnest_json_strings')(column)) }}
{%- endmacro %}

{% macro default__unnest_json_strings(column) -%}
    json_array_elements_text(cast({{ column }} as json))
{%- endmacro %}

{% macro duckdb__unnest_json_strings(column) -%}
    unnest(from_json(cast({{ column }} as json), '["varchar"]'))
{%- endmacro %}

{#- Spark keeps JSON in strings (see portable_type). -#}
{% macro spark__unnest_json_strings(column) -%}
    explode(from_json({{ column }}, 'array<string>'))
{%- endmacro %}
