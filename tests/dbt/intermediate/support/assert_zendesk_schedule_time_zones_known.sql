{{ config(group='support_ops', severity='warn') }}
-- Warns, naming each schedule, when Zendesk gives a time zone that seed zendesk_time_zones does
-- not know: business minutes on that schedule are null until the seed learns the name.
select
    schedule_id,
    schedule_name,
    time_zone,
    is_default
from {{ ref('int_zendesk_schedules_resolved') }}
where iana_time_zone is null and not is_deleted
