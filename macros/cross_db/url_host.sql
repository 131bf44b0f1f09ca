{#-
    The lower-cased host of a URL or bare domain, without scheme, `www.`, port or path:
    'https://www.Acme.com/about' -> 'acme.com'. Used to match Salesforce Account.Website with
    Zendesk organization domains.
-#}
{% macro url_host(url) -%}
    {{ return(adapter.dispatch('url_host')(url)) }}
{%- endmacro %}

{% macro default__url_host(url) -%}
    nullif(regexp_replace(lower(trim({{ url }})), '^([a-z]+://)?(www\.)?([^/:?#]*).*$', '\3'), '')
{%- endmacro %}

{#- Spark's regexp_replace names groups `$3`: take the host as a capture group instead. -#}
{% macro spark__url_host(url) -%}
    nullif(regexp_extract(lower(trim({{ url }})), '^([a-z]+://)?(www[.])?([^/:?#]*)', 3), '')
{%- endmacro %}
