{{ config(group="support_engineering") }}
-- Nothing vanishes: every ticket created by as_of and every Slack intake request is one row of
-- fct_support_requests (support-team Linear issues are held by the mart's unit test).
-- Returns the requests missing from the mart.
with

tickets as (

    select
        'zendesk' as channel,
        cast(ticket_id as {{ dbt.type_string() }}) as source_id
    from {{ ref('stg_zendesk__tickets') }}
    where created_at <= {{ as_of() }}

),

slack_requests as (

    select
        'slack' as channel,
        channel_id || ':' || message_ts as source_id
    from {{ ref('int_slack_requests_identified') }}

),

expected as (

    select
        channel,
        source_id
    from tickets
    union all
    select
        channel,
        source_id
    from slack_requests

),

mart as (

    select
        channel,
        source_id
    from {{ ref('fct_support_requests') }}

),

final as (

    select
        expected.channel,
        expected.source_id
    from expected
    left join mart
        on
            expected.channel = mart.channel
            and expected.source_id = mart.source_id
    where mart.source_id is null

)

select * from final
