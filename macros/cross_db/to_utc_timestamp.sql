{#-
    A naive UTC timestamp from a raw column of type `data_type`. A plain cast of a
    `timestamp with time zone` would use the session's time zone, so the conversion names UTC;
    a string with an offset is read as the instant it names.
-#}
{% macro to_utc_timestamp(column, data_type) -%}
    {{ return(adapter.dispatch('to_utc_timestamp')(column, data_type)) }}
{%- endmacro %}

{% macro default__to_utc_timestamp(column, data_type) -%}
    {%- if 'time zone' in data_type -%}
        cast({{ column }} at time zone 'UTC' as {{ dbt.type_timestamp() }})
    {%- else -%}
        {{ dbt.safe_cast(column, dbt.type_timestamp()) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__to_utc_timestamp(column, data_type) -%}
    {%- if 'time zone' in data_type -%}
        timezone('UTC', {{ column }})
    {%- elif data_type.startswith('timestamp') -%}
        {{ column }}
    {%- elif data_type in ('date',) -%}
        cast({{ column }} as timestamp)
    {%- else -%}
        timezone('UTC', try_cast({{ column }} as timestamptz))
    {%- endif -%}
{%- endmacro %}

{% macro postgres__to_utc_timestamp(column, data_type) -%}
    {%- if 'time zone' in data_type -%}
        ({{ column }} at time zone 'UTC')
    {%- elif data_type.startswith('timestamp') -%}
        {{ column }}
    {%- elif data_type == 'date' -%}
        cast({{ column }} as timestamp)
    {%- else -%}
        ({{ dbt.safe_cast(column, 'timestamptz') }} at time zone 'UTC')
    {%- endif -%}
{%- endmacro %}

{#-
    Spark's `timestamp` is an instant (shown in the session time zone, UTC in the profile), so
    Parquet timestamps need no conversion and strings with an offset parse to the right instant.
-#}
{% macro spark__to_utc_timestamp(column, data_type) -%}
    {%- if data_type.startswith('timestamp') -%}
        {{ column }}
    {%- else -%}
        try_cast({{ column }} as timestamp)
    {%- endif -%}
{%- endmacro %}
