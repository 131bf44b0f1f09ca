{#- The instant ages and staleness are measured at: var `as_of`, else the current UTC time,
    both as a timezone-less UTC timestamp like every `*_at` column. -#}
{% macro as_of() -%}
    {%- if var('as_of', none) -%}
        cast('{{ var("as_of") }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        {{ utc_now() }}
    {%- endif -%}
{%- endmacro %}
