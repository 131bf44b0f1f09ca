{#- A naive UTC timestamp from Unix epoch seconds (Slack's `ts` strings and `created` ints). -#}
{% macro epoch_to_timestamp(seconds) -%}
    {{ return(adapter.dispatch('epoch_to_timestamp')(seconds)) }}
{%- endmacro %}

{% macro default__epoch_to_timestamp(seconds) -%}
    {{ dbt.dateadd('second', seconds, "cast('1970-01-01' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{#-
    Each engine goes through exact decimal microseconds: a double cannot hold a Slack ts to the
    microsecond.
-#}
{% macro duckdb__epoch_to_timestamp(seconds) -%}
    make_timestamp(cast(cast({{ seconds }} as decimal(38, 6)) * 1000000 as bigint))
{%- endmacro %}

{#- An interval of N microseconds is exact: its microseconds field holds them all. -#}
{% macro postgres__epoch_to_timestamp(seconds) -%}
    (
        cast('1970-01-01' as timestamp)
        + cast(cast({{ seconds }} as numeric(38, 6)) * 1000000 as bigint) * interval '1 microsecond'
    )
{%- endmacro %}

{% macro spark__epoch_to_timestamp(seconds) -%}
    timestamp_micros(cast(cast({{ seconds }} as decimal(38, 6)) * 1000000 as bigint))
{%- endmacro %}
