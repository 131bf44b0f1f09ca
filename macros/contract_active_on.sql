{#-
    The ARR rule (METRICS.md "Customers"): a closed-won, non-deleted opportunity counts on
    `on_date` when it closed by then and its contract period [contract_start_date,
    contract_end_date) contains that date. One predicate for the ARR at as_of (dim_accounts)
    and at each month's end (fct_account_support_monthly).
-#}
{% macro contract_active_on(on_date) -%}
    close_date <= {{ on_date }}
    and contract_start_date <= {{ on_date }}
    and contract_end_date > {{ on_date }}
{%- endmacro %}
