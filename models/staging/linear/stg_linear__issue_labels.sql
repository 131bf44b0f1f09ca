{#- One row per issue and label id (Linear `labelIds`, loaded as a JSON array). -#}
{%- set raw = raw_table(source('linear', 'issues')) -%}

with

issues as (

    select
        {{ raw_column(raw, 'id', 'varchar', required=true) }} as issue_id,
        {{ raw_column(raw, 'label_ids', 'json') }} as label_ids
    from {{ raw_from(raw) }}

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
