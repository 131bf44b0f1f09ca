{#- The current UTC time as a timezone-less timestamp (as_of's default). -#}
{% macro utc_now() -%}
    {{ return(adapter.dispatch('utc_now')()) }}
{%- endmacro %}

{% macro default__utc_now() -%}
    cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- now() is a timestamptz; a plain cast would use the session's time zone, not UTC. -#}
{% macro duckdb__utc_now() -%}
    (now() at time zone 'UTC')
{%- endmacro %}

{% macro postgres__utc_now() -%}
    (now() at time zone 'UTC')
{%- endmacro %}

{#- Spark's timestamps are instants shown in the session time zone, which the profile sets to UTC. -#}
{% macro spark__utc_now() -%}
    current_timestamp()
{%- endmacro %}
