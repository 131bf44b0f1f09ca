{%- set columns = raw_columns(source('zendesk', 'satisfaction_ratings')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'bigint') }} as satisfaction_rating_id,
        {{ raw_column(columns, 'ticket_id', 'bigint') }} as ticket_id,
        {{ raw_column(columns, 'score', 'varchar') }} as score,
        {{ raw_column(columns, 'reason_id', 'bigint') }} as reason_id,
        {{ raw_column(columns, 'assignee_id', 'bigint') }} as assignee_id,
        {{ raw_column(columns, 'group_id', 'bigint') }} as group_id,
        {{ raw_column(columns, 'requester_id', 'bigint') }} as requester_id,
        {{ raw_column(columns, 'created_at', 'timestamp') }} as created_at,
        {{ raw_column(columns, 'updated_at', 'timestamp') }} as updated_at
    from {{ source('zendesk', 'satisfaction_ratings') }}

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
