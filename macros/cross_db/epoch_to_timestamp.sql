{#- A naive UTC timestamp from Unix epoch seconds (Slack's `ts` strings and `created` ints). -#}
{% macro epoch_to_timestamp(seconds) -%}
    {{ return(adapter.dispatch('epoch_to_timestamp')(seconds)) }}
{%- endmacro %}

{% macro default__epoch_to_timestamp(seconds) -%}
    {{ dbt.dateadd('second', seconds, "cast('1970-01-01' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{% macro duckdb__epoch_to_timestamp(seconds) -%}
    timezone('UTC', to_timestamp(cast({{ seconds }} as double)))
{%- endmacro %}
