{%- set columns = raw_columns(source('zendesk', 'ticket_metric_events')) -%}

with

source as (

    select
        {{ raw_column(columns, 'id', 'bigint') }} as ticket_metric_event_id,
        {{ raw_column(columns, 'ticket_id', 'bigint') }} as ticket_id,
        {{ raw_column(columns, 'metric', 'varchar') }} as metric,
        {{ raw_column(columns, 'instance_id', 'bigint') }} as instance_id,
        {{ raw_column(columns, 'type', 'varchar') }} as event_type,
        {{ raw_column(columns, 'time', 'timestamp') }} as occurred_at,
        {{ raw_column(columns, 'deleted', 'boolean') }} as is_deleted
    from {{ source('zendesk', 'ticket_metric_events') }}

),

final as (

    select
        ticket_metric_event_id,
        ticket_id,
        metric,
        instance_id,
        event_type,
        occurred_at,
        is_deleted
    from source

)

select * from final
