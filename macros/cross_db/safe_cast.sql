{#- dbt-duckdb renders dbt.safe_cast as a plain cast, which fails on bad values: use try_cast. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#-
    PostgreSQL has no try_cast (pg_input_is_valid arrives in 16): a value whose text does not
    look like the target type becomes null instead of failing the model.
-#}
{% macro postgres__safe_cast(field, type) -%}
    {%- set as_text = 'trim(cast(' ~ field ~ ' as text))' -%}
    {%- set kind = type | lower -%}
    {%- if kind in ('bigint', 'integer', 'smallint', 'double precision', 'real') or kind.startswith('numeric') -%}
        case
            when {{ as_text }} ~ '^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$'
                then cast(cast({{ as_text }} as numeric) as {{ type }})
        end
    {%- elif kind == 'boolean' -%}
        case
            when lower({{ as_text }}) in ('true', 'false', 't', 'f', '1', '0', 'yes', 'no')
                then cast(lower({{ as_text }}) as boolean)
        end
    {%- elif kind in ('date', 'timestamp', 'timestamptz') -%}
        case when {{ as_text }} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' then cast({{ as_text }} as {{ type }}) end
    {%- else -%}
        cast({{ field }} as {{ type }})
    {%- endif -%}
{%- endmacro %}

{#- Spark 3.2+ has try_cast (null on a bad value whatever the ANSI setting). -#}
{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
