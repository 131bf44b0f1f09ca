"""Ground truth: the values the marts must reproduce, computed from the simulation's events.

Everything here reads the simulation log (`company.facts["log"]`): ticket steps, issue
transitions, Slack request threads, Salesforce contracts. It never reads the served payloads'
derived fields (Zendesk's `ticket_metrics`, Linear's timestamps), so the end-to-end tests compare
the SQL with an independent computation. Definitions follow ../shared/METRICS.md; where it leaves
a choice open, the choice is written next to the field. Durations are exact minutes (floats,
seconds / 60); business minutes use the ticket's schedule (the default schedule here).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pipelines.sandbox.company.business_hours import Schedule
from pipelines.sandbox.company.linear import IssueSim
from pipelines.sandbox.company.log import SimulationLog
from pipelines.sandbox.company.model import Company
from pipelines.sandbox.company.sla import SlaPolicy, sla_outcomes, status_intervals
from pipelines.sandbox.company.slack import SlackRequest
from pipelines.sandbox.company.zendesk_tickets import TicketSim

_WAIT = {
    "requester_wait": ("new", "open", "hold"),
    "agent_wait": ("pending",),
    "agent_work": ("new", "open"),
    "on_hold": ("hold",),
}


def log_of(company: Company) -> SimulationLog:
    return company.facts["log"]


def as_rows(items: Iterable[Any]) -> list[dict[str, Any]]:
    """Truth dataclasses as plain dicts, e.g. to compare with rows fetched from the marts."""
    return [asdict(item) for item in items]


def _minutes(low: datetime, high: datetime) -> float:
    return (high - low).total_seconds() / 60


@dataclass(frozen=True)
class TicketTruth:
    """One ticket as of `at`. A deleted ticket's life ends at its deletion (the `updated_at`
    of its `status: deleted` version): no status interval runs on after it."""

    ticket_id: int
    created_at: datetime
    status: str
    priority: str | None
    organization_id: int | None
    requester_id: int
    is_deleted: bool
    first_reply_at: datetime | None
    first_reply_minutes: float | None
    first_reply_business_minutes: float | None
    first_resolution_minutes: float | None
    first_resolution_business_minutes: float | None
    # Null unless the ticket is solved or closed at `at` (a reopened ticket is unsolved).
    full_resolution_minutes: float | None
    full_resolution_business_minutes: float | None
    requester_wait_minutes: float
    requester_wait_business_minutes: float
    agent_wait_minutes: float
    agent_wait_business_minutes: float
    agent_work_minutes: float
    agent_work_business_minutes: float
    on_hold_minutes: float
    on_hold_business_minutes: float
    # Transitions into solved; a ticket closed without ever being solved (merged) counts its
    # close as its one resolution.
    resolution_count: int
    reopen_count: int
    # Public agent comments, without an agent-created ticket's own opening comment.
    agent_reply_count: int
    satisfaction: str
    is_escalated: bool
    escalated_at: datetime | None
    # The first_reply_time outcome of `sla.sla_outcomes` (the matching policy when the reply,
    # or the first solve without one, stopped the clock; else at `at`): null without a target.
    first_reply_sla_target_minutes: int | None
    is_first_reply_sla_breached: bool | None


def ticket_truth(company: Company, at: datetime | None = None) -> list[TicketTruth]:
    """One row per ticket created by `at` (default: the company's now)."""
    at = at or company.now
    log = log_of(company)
    schedule = log.directory.default_schedule.schedule
    agents = log.directory.agent_ids
    policies = log.directory.sla_policies
    return [_ticket(t, at, schedule, agents, policies) for t in log.tickets if t.created_at <= at]


@dataclass(frozen=True)
class TicketSlaTruth:
    """One ticket and SLA metric as of `at` (see `sla.py` for the rules)."""

    ticket_id: int
    metric: str
    is_deleted: bool
    sla_policy_id: int | None
    target_minutes: int | None
    is_business_hours: bool | None
    due_at: datetime | None
    achieved_at: datetime | None
    elapsed_minutes: float | None
    is_breached: bool | None
    sla_status: str | None
    instance_count: int | None
    breached_instance_count: int | None


def ticket_sla_truth(company: Company, at: datetime | None = None) -> list[TicketSlaTruth]:
    at = at or company.now
    log = log_of(company)
    schedule = log.directory.default_schedule.schedule
    policies, agents = log.directory.sla_policies, log.directory.agent_ids
    rows = []
    for t in log.tickets:
        if t.created_at > at:
            continue
        truth = _ticket(t, at, schedule, agents, policies)
        for o in sla_outcomes(t, truth.first_reply_at, at, schedule, policies, agents):
            rows.append(
                TicketSlaTruth(
                    t.id,
                    o.metric,
                    truth.is_deleted,
                    o.policy_id,
                    o.target_minutes,
                    o.is_business,
                    o.due_at,
                    o.achieved_at,
                    o.elapsed_minutes,
                    o.is_breached,
                    o.status,
                    o.instance_count,
                    o.breached_instance_count,
                )
            )
    return rows


def sla_attainment_truth(
    company: Company, at: datetime | None = None
) -> dict[tuple[date, str | None, str], tuple[int, int, int]]:
    """Decided SLAs per week (Monday, UTC), ticket priority and metric: (due, achieved,
    breached). An SLA is decided when achieved (at its stop) or breached (at its due time);
    running ones are not counted; deleted tickets neither."""
    at = at or company.now
    priority = {t.ticket_id: t.priority for t in ticket_truth(company, at)}
    counts: dict[tuple[date, str | None, str], tuple[int, int, int]] = {}
    for row in ticket_sla_truth(company, at):
        if row.is_deleted or row.sla_status not in ("achieved", "breached"):
            continue
        breached = row.sla_status == "breached"
        decided = row.due_at if breached else row.achieved_at
        assert decided is not None, row
        week = decided.date() - timedelta(days=decided.weekday())
        key = (week, priority[row.ticket_id], row.metric)
        due, achieved, breaches = counts.get(key, (0, 0, 0))
        counts[key] = (due + 1, achieved + (not breached), breaches + breached)
    return counts


def _ticket(
    t: TicketSim, at: datetime, schedule: Schedule, agents: set[int], policies: list[SlaPolicy]
) -> TicketTruth:
    steps = [s for s in t.steps if s.at <= at]
    intervals = status_intervals(t, at)
    status = intervals[-1][0]
    # Replies: public comments by agents other than the requester; when an agent opened the
    # ticket with a public comment, that comment is not a reply (Zendesk's rule).
    agent_comments = [
        s
        for s in steps
        if s.comment
        and s.comment.public
        and s.author_id in agents
        and s.author_id != t.requester_id
    ]
    opened_by_agent = bool(agent_comments) and agent_comments[0] is t.steps[0]
    replies = agent_comments[1:] if opened_by_agent else agent_comments
    reply_at = replies[0].at if replies else None
    solves = [since for state, since, _ in intervals if state == "solved"]
    if not solves:
        solves = [since for state, since, _ in intervals if state == "closed"][:1]
    is_resolved = status in ("solved", "closed")

    def span(end: datetime | None) -> tuple[float | None, float | None]:
        if end is None:
            return None, None
        return _minutes(t.created_at, end), schedule.business_minutes(t.created_at, end)

    waits: dict[str, tuple[float, float]] = {}
    for name, statuses in _WAIT.items():
        inside = [(low, high) for state, low, high in intervals if state in statuses]
        waits[name] = (
            sum(_minutes(low, high) for low, high in inside),
            sum(schedule.business_minutes(low, high) for low, high in inside),
        )
    ratings = [
        s.fields["satisfaction_rating"]["score"] for s in steps if "satisfaction_rating" in s.fields
    ]
    priority = next((s.fields["priority"] for s in reversed(steps) if "priority" in s.fields), None)
    first_reply_sla = sla_outcomes(t, reply_at, at, schedule, policies, agents)[0]
    escalated_at = None
    if t.problem:
        escalated_at = next((linked for tid, linked, _ in t.problem.tickets if tid == t.id), None)
        if escalated_at and escalated_at > at:
            escalated_at = None
    first_reply = span(reply_at)
    first_resolution = span(solves[0] if solves else None)
    full_resolution = span(solves[-1] if solves and is_resolved else None)
    return TicketTruth(
        ticket_id=t.id,
        created_at=t.created_at,
        status=status,
        priority=priority,
        organization_id=t.organization_id,
        requester_id=t.requester_id,
        is_deleted=status == "deleted",
        first_reply_at=reply_at,
        first_reply_minutes=first_reply[0],
        first_reply_business_minutes=first_reply[1],
        first_resolution_minutes=first_resolution[0],
        first_resolution_business_minutes=first_resolution[1],
        full_resolution_minutes=full_resolution[0],
        full_resolution_business_minutes=full_resolution[1],
        requester_wait_minutes=waits["requester_wait"][0],
        requester_wait_business_minutes=waits["requester_wait"][1],
        agent_wait_minutes=waits["agent_wait"][0],
        agent_wait_business_minutes=waits["agent_wait"][1],
        agent_work_minutes=waits["agent_work"][0],
        agent_work_business_minutes=waits["agent_work"][1],
        on_hold_minutes=waits["on_hold"][0],
        on_hold_business_minutes=waits["on_hold"][1],
        resolution_count=len(solves),
        reopen_count=max(0, len(solves) - 1),
        agent_reply_count=len(replies),
        satisfaction=ratings[-1] if ratings else "unoffered",
        is_escalated=escalated_at is not None,
        escalated_at=escalated_at,
        first_reply_sla_target_minutes=first_reply_sla.target_minutes,
        is_first_reply_sla_breached=first_reply_sla.is_breached,
    )


@dataclass(frozen=True)
class IssueTruth:
    issue_id: str
    identifier: str
    team_key: str
    created_at: datetime
    state_id: str
    state_type: str
    is_completed: bool
    is_canceled: bool  # canceled or duplicate: closed, never done
    is_deleted: bool  # trashed or archived at `at`
    completed_at: datetime | None
    canceled_at: datetime | None
    triage_minutes: float | None  # null if never in triage or still in it
    lead_time_minutes: float | None
    cycle_time_minutes: float | None
    # Minutes per state id from creation to completion/cancellation or `at`.
    minutes_in_state: dict[str, float] = field(default_factory=dict)
    minutes_in_state_type: dict[str, float] = field(default_factory=dict)
    # Support requests: first comment by someone other than the creator, or leaving triage.
    first_response_minutes: float | None = None
    reported_via: str = "linear"
    linked_ticket_ids: tuple[int, ...] = ()
    age_days: float | None = None  # open issues only
    is_forgotten: bool = False  # open for more than 150 days


def issue_state_intervals(issue: IssueSim, at: datetime) -> list[tuple[str, datetime, datetime]]:
    """(state id, from, to): creation to the closing transition, or to `at` while open."""
    plan = issue.plan
    team = plan.team
    changes = [(plan.created_at, team.states[plan.initial])]
    for move in issue.transitions:
        if move.at <= at and move.state and team.states[move.state] != changes[-1][1]:
            changes.append((move.at, team.states[move.state]))
    intervals = []
    for (since, state), (until, _) in zip(changes, [*changes[1:], (at, "")], strict=True):
        intervals.append((state, since, until))
    if issue.state_types[intervals[-1][0]] in ("completed", "canceled", "duplicate"):
        intervals.pop()  # the terminal state: the issue's life ended when it entered it
    return intervals


def issue_truth(company: Company, at: datetime | None = None) -> list[IssueTruth]:
    at = at or company.now
    return [_issue(i, at) for i in log_of(company).issues if i.plan.created_at <= at]


def _issue(issue: IssueSim, at: datetime) -> IssueTruth:
    plan = issue.plan
    types = issue.state_types
    moves = [m for m in issue.transitions if m.at <= at]
    state_id = plan.team.states[plan.initial]
    entered: dict[str, datetime] = {}
    for move in moves:
        if move.state:
            state_id = plan.team.states[move.state]
            entered.setdefault(types[state_id], move.at)
    kind = types[state_id]
    intervals = issue_state_intervals(issue, at)
    in_state: dict[str, float] = {}
    in_type: dict[str, float] = {}
    for state, low, high in intervals:
        in_state[state] = in_state.get(state, 0.0) + _minutes(low, high)
        in_type[types[state]] = in_type.get(types[state], 0.0) + _minutes(low, high)
    exits = [m.at for m in moves if m.state and types[plan.team.states[m.state]] != "triage"]
    triage_exit = exits[0] if plan.initial == "Triage" and exits else None
    triage = _minutes(plan.created_at, triage_exit) if triage_exit else None
    completed_at = entered.get("completed") if kind == "completed" else None
    canceled_at = None
    if kind in ("canceled", "duplicate"):
        canceled_at = entered.get(kind)
    started_at = entered.get("started")
    others = [c for c, user in issue.comments if c <= at and user != plan.creator_id]
    responses = [x for x in (min(others, default=None), triage_exit) if x is not None]
    archived = any(m.archived for m in moves)
    is_open = kind not in ("completed", "canceled", "duplicate")
    age = _minutes(plan.created_at, at) / 1440 if is_open else None
    via = {"zendesk": "zendesk", "slack": "slack", "slackAsks": "slack"}.get(
        plan.source or "", "linear"
    )
    linked = tuple(
        tid for tid, linked_at, _ in getattr(plan.origin, "tickets", []) if linked_at <= at
    )
    return IssueTruth(
        issue_id=plan.id,
        identifier=plan.identifier,
        team_key=plan.team.key,
        created_at=plan.created_at,
        state_id=state_id,
        state_type=kind,
        is_completed=kind == "completed",
        is_canceled=kind in ("canceled", "duplicate"),
        is_deleted=archived,
        completed_at=completed_at,
        canceled_at=canceled_at,
        triage_minutes=triage,
        lead_time_minutes=_minutes(plan.created_at, completed_at) if completed_at else None,
        cycle_time_minutes=(
            _minutes(started_at, completed_at) if completed_at and started_at else None
        ),
        minutes_in_state=in_state,
        minutes_in_state_type=in_type,
        first_response_minutes=_minutes(plan.created_at, min(responses)) if responses else None,
        reported_via=via,
        linked_ticket_ids=linked,
        age_days=age,
        is_forgotten=bool(age and age > 150),
    )


@dataclass(frozen=True)
class SlackRequestTruth:
    channel: str
    ts: str
    requester: str
    created_at: datetime
    is_deleted: bool
    first_response_minutes: float | None  # first thread reply by a different human
    is_tracked: bool  # the thread (or a Linear attachment) links an issue by `at`
    tracked_at: datetime | None


def slack_request_truth(company: Company, at: datetime | None = None) -> list[SlackRequestTruth]:
    at = at or company.now
    return [_request(r, at) for r in log_of(company).requests if r.at <= at]


def _request(r: SlackRequest, at: datetime) -> SlackRequestTruth:
    visible = [
        (posted, user)
        for posted, user, is_bot, removed in r.thread
        if posted <= at
        and not is_bot
        and user != r.requester.slack_id
        and (removed is None or removed > at)
    ]
    first = min((posted for posted, _ in visible), default=None)
    tracked = r.tracked_at is not None and r.issue_url is not None and r.tracked_at <= at
    return SlackRequestTruth(
        channel=r.channel.id,
        ts=r.ts,
        requester=r.requester.slack_id,
        created_at=r.at,
        is_deleted=r.removed_at is not None and r.removed_at <= at,
        first_response_minutes=_minutes(r.at, first) if first else None,
        is_tracked=tracked,
        tracked_at=r.tracked_at if tracked else None,
    )


@dataclass(frozen=True)
class AccountTruth:
    account_id: str
    name: str
    segment: str
    is_deleted: bool
    # Sum of Amount over closed-won, non-deleted opportunities whose contract
    # [Contract_Start_Date__c, Contract_End_Date__c) contains the date of `at`.
    arr: float
    active_opportunity_ids: tuple[str, ...]


def account_truth(company: Company, at: datetime | None = None) -> list[AccountTruth]:
    at = at or company.now
    rows = []
    for account in log_of(company).accounts:
        if account.created_at > at:
            continue
        active = [c for c in account.contracts if c.active_at(at)]
        rows.append(
            AccountTruth(
                account_id=account.id,
                name=account.name,
                segment=account.segment,
                is_deleted=account.deleted_at is not None and account.deleted_at <= at,
                arr=float(sum(c.amount for c in active)),
                active_opportunity_ids=tuple(c.opportunity_id for c in active),
            )
        )
    return rows


def weekly_centralization(requests: Iterable[SlackRequestTruth]) -> dict[str, float]:
    """Share of Slack requests tracked in Linear, per ISO week (Monday) of the request."""
    totals: dict[str, list[int]] = {}
    for r in requests:
        if r.is_deleted:
            continue
        week = r.created_at.date().isocalendar()
        key = f"{week.year}-W{week.week:02d}"
        counts = totals.setdefault(key, [0, 0])
        counts[0] += int(r.is_tracked)
        counts[1] += 1
    return {week: tracked / total for week, (tracked, total) in sorted(totals.items())}


@dataclass(frozen=True)
class IssueTicketLinkTruth:
    """An escalation: a ticket linked to the Linear issue of its engineering problem."""

    issue_id: str
    ticket_id: int
    linked_at: datetime  # the escalation: the Linear attachment and the ticket's note share it


def issue_ticket_link_truth(
    company: Company, at: datetime | None = None
) -> list[IssueTicketLinkTruth]:
    """One row per issue and ticket linked by `at`, from the problems' escalation events."""
    at = at or company.now
    return [
        IssueTicketLinkTruth(issue_id=issue.plan.id, ticket_id=ticket_id, linked_at=linked_at)
        for issue in log_of(company).issues
        if issue.plan.created_at <= at
        for ticket_id, linked_at, _ in getattr(issue.plan.origin, "tickets", [])
        if linked_at <= at
    ]


@dataclass(frozen=True)
class IssueImpactTruth:
    """The customers behind an issue's linked tickets. A ticket counts when it is not deleted at
    `at`; its account is its organization's account when the organization is linked to it by
    external id or by an unshared domain (ambiguous and unmatched organizations have none), and
    the account is not deleted."""

    issue_id: str
    linked_ticket_count: int
    affected_account_ids: tuple[str, ...]
    affected_account_count: int
    unattributed_ticket_count: int  # live linked tickets without a known, live account
    # Sum of the accounts' ARR at `at`: 0 without live linked tickets, None when there are
    # some but none has a known account (the ARR cannot be computed).
    affected_arr: float | None


def issue_impact_truth(company: Company, at: datetime | None = None) -> list[IssueImpactTruth]:
    at = at or company.now
    log = log_of(company)
    tickets = {t.id: t for t in log.tickets}
    organizations = {o.id: o for o in log.directory.organizations}
    arr = {a.account_id: a.arr for a in account_truth(company, at) if not a.is_deleted}
    links: dict[str, list[int]] = {}
    for link in issue_ticket_link_truth(company, at):
        links.setdefault(link.issue_id, []).append(link.ticket_id)
    rows = []
    for issue in log.issues:
        if issue.plan.created_at > at:
            continue
        linked = links.get(issue.plan.id, [])
        live = [
            tickets[tid]
            for tid in linked
            if not (tickets[tid].deleted_at and tickets[tid].deleted_at <= at)
        ]
        accounts = set()
        unattributed = 0
        for ticket in live:
            org = organizations.get(ticket.organization_id) if ticket.organization_id else None
            account = (
                org.account.id
                if org and org.account and org.link in ("external_id", "domain")
                else None
            )
            if account in arr:
                accounts.add(account)
            else:
                unattributed += 1
        if not live:
            affected_arr: float | None = 0.0
        elif not accounts:
            affected_arr = None
        else:
            affected_arr = float(sum(arr[a] for a in accounts))
        rows.append(
            IssueImpactTruth(
                issue_id=issue.plan.id,
                linked_ticket_count=len(linked),
                affected_account_ids=tuple(sorted(accounts)),
                affected_account_count=len(accounts),
                unattributed_ticket_count=unattributed,
                affected_arr=affected_arr,
            )
        )
    return rows


@dataclass(frozen=True)
class EmployeeTruth:
    """An employee as one person across the vendors they have an account in (by department)."""

    person_key: str  # md5 of the lower-cased, trimmed e-mail, as the warehouse keys people
    person_name: str
    is_in_zendesk: bool
    is_in_linear: bool
    is_in_slack: bool
    is_in_salesforce: bool
    source_count: int
    is_employee: bool
    is_active: bool  # not yet gone at `at` (every account is deactivated on departure)


def employee_truth(company: Company, at: datetime | None = None) -> list[EmployeeTruth]:
    """One row per employee hired by `at`: their accounts exist from the hiring on."""
    at = at or company.now
    rows = []
    for e in log_of(company).people.employees:
        if e.hired_at > at:
            continue
        systems = {
            "zendesk": e.zendesk_id is not None,
            "linear": e.linear_id is not None,
            "slack": True,
            "salesforce": e.salesforce_id is not None,
        }
        rows.append(
            EmployeeTruth(
                person_key=hashlib.md5(e.email.strip().lower().encode()).hexdigest(),
                person_name=e.name,
                is_in_zendesk=systems["zendesk"],
                is_in_linear=systems["linear"],
                is_in_slack=systems["slack"],
                is_in_salesforce=systems["salesforce"],
                source_count=sum(systems.values()),
                is_employee=True,
                is_active=e.left_at is None or e.left_at > at,
            )
        )
    return rows
