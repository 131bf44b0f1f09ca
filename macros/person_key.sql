{#-
    The stable, non-reversible key of a person across sources: md5 of the trimmed, lower-cased
    e-mail (METRICS.md: people resolve by lower-cased email; emails never reach marts).
    Null for a missing or blank e-mail: such a person stays source-local.
-#}
{% macro person_key(email) -%}
    case
        when nullif(trim({{ email }}), '') is not null
            then {{ dbt.hash('lower(trim(' ~ email ~ '))') }}
    end
{%- endmacro %}
