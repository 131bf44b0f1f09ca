{#-
    Staging reads dlt-loaded tables through these two macros because dlt's schema follows the
    data: a column that was null in every loaded row is never created, and a value whose type
    drifted lands in a variant column `<name>__v_<type>`. `raw_columns` inspects the relation
    once per model; `raw_column` then renders one typed expression per wanted column:
    the column itself, coalesced with its variants, or a typed null when dlt never created it.
-#}
{% macro raw_columns(relation) -%}
    {%- set found = {} -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do found.update({column.name | lower: column.data_type | lower}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found) }}
{%- endmacro %}

{% macro raw_column(columns, name, type) -%}
    {%- set type = portable_type(type) -%}
    {%- set parts = [] -%}
    {%- for column, data_type in columns.items() -%}
        {%- if column == name or column.startswith(name ~ '__v_') -%}
            {%- do parts.append(cast_raw(adapter.quote(column), data_type, type)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if parts | length == 0 -%}
        cast(null as {{ type }})
    {%- elif parts | length == 1 -%}
        {{ parts[0] }}
    {%- else -%}
        coalesce({{ parts | join(', ') }})
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
