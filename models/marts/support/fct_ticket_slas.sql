{#- SLAs per ticket and metric; policy matching and arithmetic live in int_ticket_slas_computed. -#}
with

slas as (

    select
        ticket_id,
        metric,
        sla_policy_id,
        target_minutes,
        is_business_hours,
        due_at,
        achieved_at,
        elapsed_minutes,
        is_breached,
        sla_status,
        instance_count,
        breached_instance_count,
        is_deleted
    from {{ ref('int_ticket_slas_computed') }}

),

final as (

    select
        {{ dbt.concat(['cast(ticket_id as ' ~ dbt.type_string() ~ ')', "':'", 'metric']) }} as ticket_sla_id,
        ticket_id,
        metric,
        sla_policy_id,
        target_minutes,
        is_business_hours,
        due_at,
        achieved_at,
        elapsed_minutes,
        is_breached,
        sla_status,
        instance_count,
        breached_instance_count,
        is_deleted
    from slas

)

select * from final
