{#- One row per issue and label id (Linear `labelIds`, loaded as a JSON array). -#}
{%- set columns = raw_columns(source('linear', 'issues')) -%}

with

issues as (

    select
        {{ raw_column(columns, 'id', 'varchar') }} as issue_id,
        {{ raw_column(columns, 'label_ids', 'json') }} as label_ids
    from {{ source('linear', 'issues') }}

),

labels as (

    select
        issue_id,
        {{ unnest_json_strings('label_ids') }} as label_id
    from issues
    where label_ids is not null

),

final as (

    select distinct
        issue_id,
        label_id
    from labels

)

select * from final
