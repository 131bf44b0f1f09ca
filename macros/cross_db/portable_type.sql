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

{#-
    Enforced contracts are checked by casting nulls to the declared types: Spark reads the
    project's type names through portable_type (dbt-spark writes no column DDL of its own for
    Parquet tables, so only this check sees them).
-#}
{% macro spark__get_empty_schema_sql(columns) -%}
    {%- set translated = {} -%}
    {%- for name, column in columns.items() -%}
        {%- set copy = {} -%}
        {%- do copy.update(column) -%}
        {%- do copy.update({'data_type': portable_type(column['data_type'])}) -%}
        {%- do translated.update({name: copy}) -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(translated)) }}
{%- endmacro %}
