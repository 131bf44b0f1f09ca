{#- The instant ages and staleness are measured at: var `as_of`, else the current UTC time,
    both as a timezone-less UTC timestamp like every `*_at` column. -#}
{% macro as_of() -%}
    {%- if var('as_of', none) -%}
        cast('{{ var("as_of") }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        {{ adapter.dispatch('utc_now')() }}
    {%- endif -%}
{%- endmacro %}

{% macro default__utc_now() -%}
    cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- now() is a timestamptz; a plain cast would use the session's time zone, not UTC. -#}
{% macro duckdb__utc_now() -%}
    (now() at time zone 'UTC')
{%- endmacro %}
