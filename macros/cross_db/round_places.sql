{#-
    `expression` (a double) rounded to `places` decimal places, as a double, halves away from
    zero. PostgreSQL rounds to places only for numeric, and rounds a double's halves to even;
    DuckDB and Spark round doubles directly, halves away from zero.
-#}
{% macro round_places(expression, places) -%}
    {{ return(adapter.dispatch('round_places')(expression, places)) }}
{%- endmacro %}

{% macro default__round_places(expression, places) -%}
    round({{ expression }}, {{ places }})
{%- endmacro %}

{% macro postgres__round_places(expression, places) -%}
    cast(round(cast({{ expression }} as numeric), {{ places }}) as double precision)
{%- endmacro %}
