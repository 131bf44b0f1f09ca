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

{#-
    Seeds' `column_types` use the project's type names too: Spark's seed DDL and row casts read
    them through portable_type (Spark wants `string`, not a bare `varchar`).
-#}
{% macro spark__create_csv_table(model, agate_table) -%}
    {{ return(dbt.spark__create_csv_table(seed_with_portable_types(model), agate_table)) }}
{%- endmacro %}

{#-
    Seed rows as literals: dbt-spark's session method pastes bindings into the SQL unescaped,
    so a value with a quote (the zone "Nuku'alofa") would end its string early.
-#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_types = seed_with_portable_types(model)['config']['column_types'] -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {%- set name = agate_table.column_names[loop.index0] -%}
                    {%- set type = column_types.get(name, adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ spark_seed_literal(value) }} as {{ type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor -%}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{%- endmacro %}

{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ (value | string).replace('\\', '\\\\').replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}

{% macro seed_with_portable_types(model) -%}
    {%- set column_types = {} -%}
    {%- for name, type in (model['config'].get('column_types') or {}).items() -%}
        {%- do column_types.update({name: portable_type(type)}) -%}
    {%- endfor -%}
    {%- set config = {} -%}
    {%- do config.update(model['config']) -%}
    {%- do config.update({'column_types': column_types}) -%}
    {%- set copy = {} -%}
    {%- do copy.update(model) -%}
    {%- do copy.update({'config': config}) -%}
    {{ return(copy) }}
{%- endmacro %}
