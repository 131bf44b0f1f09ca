with

accounts as (

    select
        account_id,
        account_name,
        segment,
        created_at,
        is_deleted
    from {{ ref('dim_accounts') }}

),

organizations as (

    select
        organization_id,
        account_id
    from {{ ref('dim_zendesk_organizations') }}
    where match_status = 'matched'

),

all_tickets as (

    select
        ticket_id,
        organization_id,
        created_at,
        full_resolved_at,
        first_reply_business_minutes,
        satisfaction,
        is_escalated,
        is_deleted
    from {{ ref('fct_support_tickets') }}

),

ticket_slas as (

    select
        ticket_id,
        sla_status
    from {{ ref('fct_ticket_slas') }}
    where
        not is_deleted
        and sla_status in ('achieved', 'breached')

),

issue_links as (

    select
        issue_id,
        account_id,
        linked_at
    from {{ ref('fct_issue_ticket_links') }}
    where
        account_id is not null
        and not is_ticket_deleted
        and not is_issue_deleted

),

bugs as (

    select
        issue_id,
        created_at
    from {{ ref('fct_linear_issues') }}
    where
        issue_kind = 'bug'
        and not is_deleted

),

open_state_intervals as (

    select
        issue_id,
        valid_from,
        valid_to,
        is_current
    from {{ ref('fct_issue_state_intervals') }}
    where
        state_type not in ('completed', 'canceled', 'duplicate')
        and not is_deleted

),

won_opportunities as (

    select
        account_id,
        amount,
        close_date,
        contract_start_date,
        contract_end_date
    from {{ ref('stg_salesforce__opportunities') }}
    where
        is_won
        and not is_deleted

),

-- the months: from the first ticket's month (the first data) to the as_of month
bounds as (

    select
        cast({{ dbt.date_trunc('month', 'coalesce(min(created_at), ' ~ as_of() ~ ')') }} as date)
            as first_month,
        cast({{ dbt.date_trunc('month', as_of()) }} as date) as as_of_month
    from all_tickets

),

calendar_days as (

    select {{ date_series('bounds.first_month', 'bounds.as_of_month') }} as calendar_date
    from bounds

),

months as (

    select
        calendar_date as month_start,
        -- the instant the month's snapshots are read at: its end, or as_of for the running month
        case
            when {{ dbt.dateadd('month', 1, 'calendar_date') }} > {{ as_of() }} then {{ as_of() }}
            else cast({{ dbt.dateadd('month', 1, 'calendar_date') }} as {{ dbt.type_timestamp() }})
        end as month_end_at,
        -- the day ARR is read on: the month's last day, or the as_of date (dim_accounts' ARR)
        case
            when {{ dbt.dateadd('month', 1, 'calendar_date') }} > {{ as_of() }}
                then cast({{ as_of() }} as date)
            else cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'calendar_date')) }} as date)
        end as arr_on_date
    from calendar_days
    where calendar_date = cast({{ dbt.date_trunc('month', 'calendar_date') }} as date)

),

account_tickets as (

    select
        organizations.account_id,
        all_tickets.ticket_id,
        all_tickets.created_at,
        cast({{ dbt.date_trunc('month', 'all_tickets.created_at') }} as date) as created_month,
        cast({{ dbt.date_trunc('month', 'all_tickets.full_resolved_at') }} as date) as solved_month,
        all_tickets.first_reply_business_minutes,
        all_tickets.satisfaction,
        all_tickets.is_escalated
    from all_tickets
    inner join organizations
        on all_tickets.organization_id = organizations.organization_id
    where not all_tickets.is_deleted

),

first_ticket_months as (

    select
        account_id,
        min(created_month) as first_ticket_month
    from account_tickets
    group by account_id

),

-- an account's months start at its creation or its first ticket, whichever is first
account_first_months as (

    select
        accounts.account_id,
        case
            when
                accounts.created_at is null
                or first_ticket_months.first_ticket_month
                < cast({{ dbt.date_trunc('month', 'accounts.created_at') }} as date)
                then first_ticket_months.first_ticket_month
            else cast({{ dbt.date_trunc('month', 'accounts.created_at') }} as date)
        end as start_month
    from accounts
    left join first_ticket_months
        on accounts.account_id = first_ticket_months.account_id

),

-- ... but not before the first data, and not after the as_of month (so every account has a row)
account_starts as (

    select
        account_first_months.account_id,
        case
            when account_first_months.start_month is null then bounds.first_month
            when account_first_months.start_month < bounds.first_month then bounds.first_month
            when account_first_months.start_month > bounds.as_of_month then bounds.as_of_month
            else account_first_months.start_month
        end as start_month
    from account_first_months
    cross join bounds

),

account_months as (

    select
        account_starts.account_id,
        months.month_start,
        months.month_end_at,
        months.arr_on_date
    from account_starts
    inner join months
        on account_starts.start_month <= months.month_start

),

created as (

    select
        account_id,
        created_month as month_start,
        count(*) as tickets_created,
        count(first_reply_business_minutes) as first_replied_ticket_count,
        cast({{ percentile('first_reply_business_minutes', 0.5) }} as {{ portable_type('double precision') }})
            as median_first_reply_business_minutes,
        count(case when satisfaction = 'good' then 1 end) as csat_good_count,
        count(case when satisfaction in ('good', 'bad') then 1 end) as csat_rated_count,
        count(case when is_escalated then 1 end) as escalated_ticket_count
    from account_tickets
    group by account_id, created_month

),

solved as (

    select
        account_id,
        solved_month as month_start,
        count(*) as tickets_solved
    from account_tickets
    where solved_month is not null
    group by account_id, solved_month

),

slas as (

    select
        account_tickets.account_id,
        account_tickets.created_month as month_start,
        count(*) as sla_decided_count,
        count(case when ticket_slas.sla_status = 'breached' then 1 end) as sla_breach_count
    from ticket_slas
    inner join account_tickets
        on ticket_slas.ticket_id = account_tickets.ticket_id
    group by account_tickets.account_id, account_tickets.created_month

),

-- an undated link (a ticket field) counts from the bug's creation
account_bugs as (

    select
        issue_links.account_id,
        issue_links.issue_id,
        min(coalesce(issue_links.linked_at, bugs.created_at)) as linked_at
    from issue_links
    inner join bugs
        on issue_links.issue_id = bugs.issue_id
    group by issue_links.account_id, issue_links.issue_id

),

open_bugs as (

    select
        account_months.account_id,
        account_months.month_start,
        count(distinct account_bugs.issue_id) as open_linked_bug_count
    from account_months
    inner join account_bugs
        on
            account_months.account_id = account_bugs.account_id
            and account_months.month_end_at >= account_bugs.linked_at
    inner join open_state_intervals
        on
            account_bugs.issue_id = open_state_intervals.issue_id
            and account_months.month_end_at >= open_state_intervals.valid_from
            and (
                account_months.month_end_at < open_state_intervals.valid_to
                or open_state_intervals.valid_to is null
                or (open_state_intervals.is_current and account_months.month_end_at >= {{ as_of() }})
            )
    group by account_months.account_id, account_months.month_start

),

arr as (

    select
        account_months.account_id,
        account_months.month_start,
        sum(won_opportunities.amount) as arr
    from account_months
    inner join won_opportunities
        on
            account_months.account_id = won_opportunities.account_id
            and {{ contract_active_on('account_months.arr_on_date') }}
    group by account_months.account_id, account_months.month_start

),

measured as (

    select
        account_months.account_id,
        account_months.month_start,
        coalesce(created.tickets_created, 0) as tickets_created,
        coalesce(solved.tickets_solved, 0) as tickets_solved,
        coalesce(created.first_replied_ticket_count, 0) as first_replied_ticket_count,
        created.median_first_reply_business_minutes,
        coalesce(created.csat_good_count, 0) as csat_good_count,
        coalesce(created.csat_rated_count, 0) as csat_rated_count,
        coalesce(slas.sla_decided_count, 0) as sla_decided_count,
        coalesce(slas.sla_breach_count, 0) as sla_breach_count,
        coalesce(created.escalated_ticket_count, 0) as escalated_ticket_count,
        coalesce(open_bugs.open_linked_bug_count, 0) as open_linked_bug_count,
        cast(coalesce(arr.arr, 0) as {{ portable_type('double precision') }}) as arr
    from account_months
    left join created
        on
            account_months.account_id = created.account_id
            and account_months.month_start = created.month_start
    left join solved
        on
            account_months.account_id = solved.account_id
            and account_months.month_start = solved.month_start
    left join slas
        on
            account_months.account_id = slas.account_id
            and account_months.month_start = slas.month_start
    left join open_bugs
        on
            account_months.account_id = open_bugs.account_id
            and account_months.month_start = open_bugs.month_start
    left join arr
        on
            account_months.account_id = arr.account_id
            and account_months.month_start = arr.month_start

),

-- ratios and scores in the 8-byte float every engine agrees on
scored as (

    select
        *,
        case
            when csat_rated_count > 0
                then cast(csat_good_count as {{ portable_type('double precision') }}) / csat_rated_count
        end as csat,
        case
            when arr > 0 then cast(tickets_created as {{ portable_type('double precision') }}) * 100000 / arr
        end as tickets_per_100k_arr,
        case
            when csat_rated_count > 0
                then cast(csat_good_count as {{ portable_type('double precision') }}) * 100 / csat_rated_count
        end as csat_score,
        case
            when sla_decided_count > 0
                then
                    cast(
                        sla_decided_count - sla_breach_count as {{ portable_type('double precision') }}
                    ) * 100 / sla_decided_count
        end as sla_score,
        cast(
            case
                when open_linked_bug_count >= 4 then 0
                else 100 - 25 * open_linked_bug_count
            end as {{ portable_type('double precision') }}
        ) as bug_score
    from measured

),

final as (

    select
        scored.account_id,
        scored.month_start,
        accounts.account_name,
        accounts.segment,
        accounts.is_deleted as is_account_deleted,
        scored.tickets_created,
        scored.tickets_solved,
        scored.first_replied_ticket_count,
        scored.median_first_reply_business_minutes,
        scored.csat_good_count,
        scored.csat_rated_count,
        scored.csat,
        scored.sla_decided_count,
        scored.sla_breach_count,
        scored.escalated_ticket_count,
        scored.open_linked_bug_count,
        scored.arr,
        scored.tickets_per_100k_arr,
        scored.csat_score,
        scored.sla_score,
        scored.bug_score,
        -- weights 2 (CSAT), 2 (SLA), 1 (bugs); a component that cannot be computed drops out
        (
            2 * coalesce(scored.csat_score, 0)
            + 2 * coalesce(scored.sla_score, 0)
            + scored.bug_score
        ) / (
            1
            + case when scored.csat_score is null then 0 else 2 end
            + case when scored.sla_score is null then 0 else 2 end
        ) as support_health
    from scored
    inner join accounts
        on scored.account_id = accounts.account_id

)

select * from final
