{#- A target's key: `<metric_name>:<segment>:<due date>` (one target per metric, segment and due_at). -#}
{% macro metric_target_id(metric_name, segment, due_at) -%}
    {{ dbt.concat([
        metric_name, "':'", segment, "':'",
        'cast(cast(' ~ due_at ~ ' as date) as ' ~ dbt.type_string() ~ ')'
    ]) }}
{%- endmacro %}
