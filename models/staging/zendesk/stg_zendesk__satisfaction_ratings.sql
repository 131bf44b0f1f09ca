{%- set raw = raw_table(source('zendesk', 'satisfaction_ratings')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'bigint', required=true) }} as satisfaction_rating_id,
        {{ raw_column(raw, 'ticket_id', 'bigint') }} as ticket_id,
        {{ raw_column(raw, 'score', 'varchar') }} as score,
        {{ raw_column(raw, 'reason_id', 'bigint') }} as reason_id,
        {{ raw_column(raw, 'assignee_id', 'bigint') }} as assignee_id,
        {{ raw_column(raw, 'group_id', 'bigint') }} as group_id,
        {{ raw_column(raw, 'requester_id', 'bigint') }} as requester_id,
        {{ raw_column(raw, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(raw, 'updated_at', 'timestamp') }} as updated_at
    from {{ raw_from(raw) }}

),

final as (

    select
        satisfaction_rating_id,
        ticket_id,
        score,
        reason_id,
        assignee_id,
        group_id,
        requester_id,
        created_at,
        updated_at
    from source

)

select * from final
