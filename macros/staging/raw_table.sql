{#-
    Staging reads dlt-loaded tables through these macros because dlt's schema follows the data:
    a resource or nested table that never yielded a row has no table at all, a column that was
    null in every loaded row is never created, and a value whose type drifted lands in a variant
    column `<name>__v_<type>`. `raw_table` looks the relation and its columns up once per table;
    `raw_column` then renders one typed expression per wanted column (the column itself,
    coalesced with its variants, or a typed null when dlt never created it), and `raw_from`
    renders the relation, or an empty relation when the table does not exist, so the model
    yields no rows with its declared columns and types. A column the model cannot do without
    (a primary key, a parent link) is `required`: a table that exists without it is an error.
-#}
{% macro raw_table(relation) -%}
    {%- set found = {} -%}
    {%- set table = {'relation': relation, 'exists': true, 'columns': found} -%}
    {#- At parse time nothing is looked up: the relation renders as itself. -#}
    {%- if execute -%}
        {%- set existing = adapter.get_relation(
            database=relation.database, schema=relation.schema, identifier=relation.identifier
        ) -%}
        {%- if existing is none -%}
            {%- do table.update({'exists': false}) -%}
        {%- else -%}
            {%- for column in adapter.get_columns_in_relation(existing) -%}
                {%- do found.update({column.name | lower: column.data_type | lower}) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(table) }}
{%- endmacro %}

{% macro raw_column(table, name, type, required=false) -%}
    {%- set type = portable_type(type) -%}
    {%- set parts = [] -%}
    {%- for column, data_type in table.columns.items() -%}
        {%- if column == name or column.startswith(name ~ '__v_') -%}
            {%- do parts.append(cast_raw(adapter.quote(column), data_type, type)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if required and execute and table.exists and parts | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            table.relation.schema ~ '.' ~ table.relation.identifier ~ ' has no column ' ~ name
            ~ ', a key column that ' ~ this.identifier ~ ' requires'
        ) }}
    {%- endif -%}
    {%- if parts | length == 0 -%}
        cast(null as {{ type }})
    {%- elif parts | length == 1 -%}
        {{ parts[0] }}
    {%- else -%}
        coalesce({{ parts | join(', ') }})
    {%- endif -%}
{%- endmacro %}

{#-
    The relation to select from; for a missing table, one that has no rows and no columns: the
    model's expressions are all typed nulls then, so it keeps its columns and types.
-#}
{% macro raw_from(table) -%}
    {%- if table.exists -%}
        {{ table.relation }}
    {%- else -%}
        (select * from (select 1 as no_column) as one_row where 1 = 0) as empty_{{ table.relation.identifier }}
    {%- endif -%}
{%- endmacro %}

{#-
    Timestamps become naive UTC `timestamp`s whatever dlt stored; everything else a safe cast.
    Column names arrive quoted: some vendor fields are SQL keywords (Zendesk `default`).
-#}
{% macro cast_raw(column, data_type, type) -%}
    {%- if type == 'timestamp' -%}
        {{ to_utc_timestamp(column, data_type) }}
    {%- elif data_type == type -%}
        {{ column }}
    {%- else -%}
        {{ dbt.safe_cast(column, type) }}
    {%- endif -%}
{%- endmacro %}
