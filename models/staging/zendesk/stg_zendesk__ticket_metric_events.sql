{%- set raw = raw_table(source('zendesk', 'ticket_metric_events')) -%}

with

source as (

    select
        {{ raw_column(raw, 'id', 'bigint', required=true) }} as ticket_metric_event_id,
        {{ raw_column(raw, 'ticket_id', 'bigint') }} as ticket_id,
        {{ raw_column(raw, 'metric', 'varchar') }} as metric,
        {{ raw_column(raw, 'instance_id', 'bigint') }} as instance_id,
        {{ raw_column(raw, 'type', 'varchar') }} as event_type,
        {{ raw_column(raw, 'time', 'timestamp') }} as occurred_at,
        {{ raw_column(raw, 'deleted', 'boolean') }} as is_deleted
    from {{ raw_from(raw) }}

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
