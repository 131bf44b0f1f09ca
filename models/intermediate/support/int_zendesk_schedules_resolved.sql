{#-
    Zendesk schedules with their IANA time zone and which one is the account's default.
    Zendesk names zones the Rails way ("Eastern Time (US & Canada)", "London"); seed
    zendesk_time_zones maps every Rails name, and every IANA name to itself. Any other name is
    unknown: iana_time_zone is null, and so is every business value on that schedule (never a
    guessed offset). The API shows no per-ticket schedule, so every ticket runs on the default:
    var zendesk_default_schedule_id when set, else the oldest live schedule (DECISIONLOG.md).
-#}
with

schedules as (

    select
        schedule_id,
        schedule_name,
        time_zone,
        created_at,
        coalesce(is_deleted, false) as is_deleted
    from {{ ref('stg_zendesk__schedules') }}

),

time_zones as (

    select
        time_zone,
        iana_time_zone
    from {{ ref('zendesk_time_zones') }}

),

ranked as (

    select
        schedules.schedule_id,
        schedules.schedule_name,
        schedules.time_zone,
        time_zones.iana_time_zone,
        schedules.created_at,
        schedules.is_deleted,
        row_number() over (
            order by
                case when schedules.is_deleted then 1 else 0 end,
                case when schedules.created_at is null then 1 else 0 end,
                schedules.created_at,
                schedules.schedule_id
        ) as age_rank
    from schedules
    left join time_zones
        on schedules.time_zone = time_zones.time_zone

),

final as (

    select
        schedule_id,
        schedule_name,
        time_zone,
        iana_time_zone,
        created_at,
        is_deleted,
        {% if var('zendesk_default_schedule_id', none) is not none -%}
            schedule_id = {{ var('zendesk_default_schedule_id') }} as is_default
        {%- else -%}
            age_rank = 1 and not is_deleted as is_default
        {%- endif %}
    from ranked

)

select * from final
