{#-
    The engine's name for one of the project's column types: `varchar`, `bigint`, `integer`,
    `double precision`, `boolean`, `date`, `timestamp` and `json` (the types staging casts raw
    columns to and mart contracts declare). DuckDB and PostgreSQL know each of them (`double` is
    read as `double precision`); Spark spells strings `string` and keeps JSON in strings.
-#}
{% macro portable_type(name) -%}
    {{ return(adapter.dispatch('portable_type')(name | lower)) }}
{%- endmacro %}

{% macro default__portable_type(name) -%}
    {{ return('double precision' if name == 'double' else name) }}
{%- endmacro %}

{% macro spark__portable_type(name) -%}
    {%- set names = {'varchar': 'string', 'text': 'string', 'json': 'string', 'double precision': 'double'} -%}
    {{ return(names.get(name, name)) }}
{%- endmacro %}
