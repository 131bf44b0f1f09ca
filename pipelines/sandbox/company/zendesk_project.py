"""Project the ticket simulation into Zendesk's records: tickets, audits, metrics, metric events
and satisfaction ratings.

`ticket_metrics` are computed the way Zendesk computes them, at each audit: reply time from
creation to the first public agent comment (an agent-created ticket's own public opening comment
does not count), first and full resolution at the first and latest solve, agent wait = time in
pending, requester wait = time in new, open and hold until solved, on hold = time in hold. Wait
times count completed status intervals only, so they move when the status changes. Calendar and
business minutes are rounded to whole minutes, business minutes on the ticket's schedule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pipelines.sandbox.company.business_hours import Schedule
from pipelines.sandbox.company.clock import HORIZON
from pipelines.sandbox.company.model import Payload, Versioned
from pipelines.sandbox.company.records import build, zendesk_stamp
from pipelines.sandbox.company.sla import (
    EVENT_METRICS,
    SlaOutcome,
    SlaPolicy,
    first_reply_stop,
    match_policy,
    next_reply_outcomes,
    sla_outcomes,
    ticket_fields,
)
from pipelines.sandbox.company.zendesk import BRAND_ID, ZendeskDirectory
from pipelines.sandbox.company.zendesk_tickets import SYSTEM_AUTHOR, Step, TicketSim

AREA_FIELD_ID = 360005550001
ESCALATION_FIELD_ID = 360005550002
_CREATE_FIELDS = (
    "subject",
    "status",
    "priority",
    "type",
    "requester_id",
    "group_id",
    "assignee_id",
    "organization_id",
)
_WAIT_STATUSES = {"requester": ("new", "open", "hold"), "agent": ("pending",), "hold": ("hold",)}
# Metrics whose clock runs in these statuses, pauses in the others and is fulfilled by a solve.
_ACTIVE = {
    "agent_work_time": ("new", "open"),
    "requester_wait_time": ("new", "open", "hold"),
    "resolution_time": ("new", "open", "pending", "hold"),
}


def _minutes(seconds: float) -> int:
    return round(seconds / 60)


def _duration(schedule: Schedule, low: datetime, high: datetime) -> dict[str, int]:
    return {
        "calendar": _minutes((high - low).total_seconds()),
        "business": _minutes(schedule.business_seconds(low, high)),
    }


_EMPTY = {"calendar": None, "business": None}


def is_reply(ticket: TicketSim, index: int, step: Step, agent_ids: set[int]) -> bool:
    """Zendesk's reply: a public agent comment, not an agent-created ticket's opening one."""
    if step.comment is None or not step.comment.public or step.author_id not in agent_ids:
        return False
    return not (index == 0 and ticket.agent_created)


@dataclass
class _Accumulator:
    """Zendesk's running metric state for one ticket, updated audit by audit."""

    schedule: Schedule
    status: str = "new"
    since: datetime | None = None
    totals: dict[str, dict[str, int]] = field(
        default_factory=lambda: {kind: {"calendar": 0, "business": 0} for kind in _WAIT_STATUSES}
    )
    seconds: dict[str, list[float]] = field(
        default_factory=lambda: {kind: [0.0, 0.0] for kind in _WAIT_STATUSES}
    )

    def enter(self, status: str, at: datetime) -> None:
        if self.since is not None:
            calendar = (at - self.since).total_seconds()
            business = self.schedule.business_seconds(self.since, at)
            for kind, statuses in _WAIT_STATUSES.items():
                if self.status in statuses:
                    spent = self.seconds[kind]
                    spent[0] += calendar
                    spent[1] += business
                    self.totals[kind] = {
                        "calendar": _minutes(spent[0]),
                        "business": _minutes(spent[1]),
                    }
        self.status, self.since = status, at

    def wait(self, kind: str) -> dict[str, int]:
        return self.totals[kind]


def ticket_metric_states(
    ticket: TicketSim, schedule: Schedule, agent_ids: set[int]
) -> Iterator[tuple[datetime, Payload]]:
    """The ticket_metrics payload after each audit, as Zendesk shows it."""
    acc = _Accumulator(schedule)
    created = ticket.created_at
    groups: list[Any] = []
    assignees: list[Any] = []
    replies = reopens = 0
    reply_time = first_resolution = full_resolution = _EMPTY
    solved_at = assigned_at = initially_assigned_at = None
    requester_updated_at = assignee_updated_at = latest_comment = status_updated_at = None
    assignee = None
    for index, step in enumerate(ticket.steps):
        new_group = step.fields.get("group_id")
        if new_group is not None and (not groups or groups[-1] != new_group):
            groups.append(new_group)
        new_assignee = step.fields.get("assignee_id")
        if new_assignee is not None and new_assignee != assignee:
            assignee = new_assignee
            assignees.append(assignee)
            assigned_at = step.at
            initially_assigned_at = initially_assigned_at or step.at
        if step.status and (index == 0 or step.status != acc.status):
            if acc.status == "solved" and step.status == "open":
                reopens += 1
            acc.enter(step.status, step.at)
            status_updated_at = step.at
            if step.status == "solved":
                solved_at = step.at
                full_resolution = _duration(schedule, created, step.at)
                if first_resolution is _EMPTY:
                    first_resolution = full_resolution
        if step.comment:
            latest_comment = step.at
        if is_reply(ticket, index, step, agent_ids):
            replies += 1
            if reply_time is _EMPTY:
                reply_time = _duration(schedule, created, step.at)
        if step.author_id == ticket.requester_id:
            requester_updated_at = step.at
        if assignee is not None and step.author_id == assignee:
            assignee_updated_at = step.at
        yield (
            step.at,
            {
                "group_stations": len(groups),
                "assignee_stations": len(assignees),
                "reopens": reopens,
                "replies": replies,
                "assignee_updated_at": assignee_updated_at,
                "requester_updated_at": requester_updated_at or created,
                "status_updated_at": status_updated_at,
                "initially_assigned_at": initially_assigned_at,
                "assigned_at": assigned_at,
                "solved_at": solved_at,
                "latest_comment_added_at": latest_comment,
                "reply_time_in_minutes": reply_time,
                "first_resolution_time_in_minutes": first_resolution,
                "full_resolution_time_in_minutes": full_resolution,
                "agent_wait_time_in_minutes": acc.wait("agent"),
                "requester_wait_time_in_minutes": acc.wait("requester"),
                "on_hold_time_in_minutes": acc.wait("hold"),
            },
        )


class _Ids:
    def __init__(self, first: int) -> None:
        self.next = first

    def __call__(self) -> int:
        self.next += 1
        return self.next


def project_tickets(
    tickets: list[TicketSim], directory: ZendeskDirectory
) -> dict[str, list[Versioned]]:
    # Audit and event ids grow with time across all tickets, as Zendesk allocates them.
    ordered = sorted(
        ((step.at, t.id, n) for t in tickets for n, step in enumerate(t.steps)),
    )
    audit_ids = {
        (ticket_id, n): 9_000_000_000 + 37 * k for k, (_, ticket_id, n) in enumerate(ordered)
    }
    tables: dict[str, list[Versioned]] = {
        "tickets": [],
        "ticket_audits": [],
        "satisfaction_ratings": [],
    }
    for t in tickets:
        if t.escalation_note and t.problem and t.problem.issue_url:
            t.escalation_note.body = f"Escalated to engineering: {t.problem.issue_url}"
        tables["tickets"].append(_ticket_record(t))
        tables["ticket_audits"].extend(_audit_records(t, audit_ids))
        rating = _satisfaction_record(t)
        if rating:
            tables["satisfaction_ratings"].append(rating)
    return {**tables, **project_ticket_metrics(tickets, directory)}


def project_ticket_metrics(
    tickets: list[TicketSim], directory: ZendeskDirectory
) -> dict[str, list[Versioned]]:
    """`ticket_metrics` and `ticket_metric_events`: what Zendesk measures on the default
    schedule under the directory's SLA policies (a company profile that changes either
    measures again)."""
    schedule = directory.default_schedule.schedule
    agent_ids = directory.agent_ids
    metrics = []
    metric_events: list[tuple[datetime, int, int, Payload]] = []
    for t in tickets:
        metrics.append(_metrics_record(t, schedule, agent_ids))
        for order, (at, payload) in enumerate(_metric_events(t, schedule, agent_ids, directory)):
            metric_events.append((at, t.id, order, payload))
    metric_events.sort(key=lambda e: (e[0], e[1], e[2]))
    events = []
    for k, (at, _, _, payload) in enumerate(metric_events):
        payload["id"] = 7_000_000_000 + 11 * k
        events.append(build(payload["id"], at, payload))
    return {"ticket_metrics": metrics, "ticket_metric_events": events}


def _ticket_record(t: TicketSim) -> Versioned:
    first = t.steps[0]
    opening = first.comment.body if first.comment else ""
    payload: Payload = {
        "id": t.id,
        "external_id": None,
        "subject": t.subject,
        "description": opening,
        "status": first.status,
        "priority": first.fields.get("priority"),
        "type": t.type,
        "via": {"channel": t.channel, "source": {"from": {}, "to": {}, "rel": None}},
        "requester_id": t.requester_id,
        "submitter_id": t.submitter_id,
        "assignee_id": first.fields.get("assignee_id"),
        "group_id": first.fields.get("group_id"),
        "organization_id": t.organization_id,
        "brand_id": BRAND_ID,
        "tags": [t.area.lower()],
        "custom_fields": [
            {"id": AREA_FIELD_ID, "value": t.area.lower()},
            {"id": ESCALATION_FIELD_ID, "value": None},
        ],
        "satisfaction_rating": {"score": "unoffered"},
        "is_public": bool(first.comment and first.comment.public),
        "due_at": t.created_at + timedelta(days=7) if t.type == "task" else None,
        "created_at": t.created_at,
    }
    changes: list[tuple[datetime, Payload]] = []
    tags = list(payload["tags"])
    for step in t.steps[1:]:
        change: Payload = dict(step.fields)
        if step.status:
            change["status"] = step.status
        if step.comment is t.escalation_note and t.problem:
            tags = [*tags, "escalated"]
            change["tags"] = tags
            change["custom_fields"] = [
                {"id": AREA_FIELD_ID, "value": t.area.lower()},
                {"id": ESCALATION_FIELD_ID, "value": t.problem.issue_url},
            ]
        changes.append((step.at, change))
    if t.deleted_at:
        changes.append((t.deleted_at, {"status": "deleted"}))
    return build(t.id, t.created_at, payload, changes, zendesk_stamp)


def _audit_records(t: TicketSim, audit_ids: dict[tuple[int, int], int]) -> Iterator[Versioned]:
    state: Payload = {}
    for n, step in enumerate(t.steps):
        audit_id = audit_ids[(t.id, n)]
        event_ids = iter(range(audit_id * 10 + 1, audit_id * 10 + 10))
        events: list[Payload] = []
        if step.comment:
            events.append(
                {
                    "id": next(event_ids),
                    "type": "Comment",
                    "author_id": step.author_id,
                    "body": step.comment.body,
                    "html_body": f"<p>{step.comment.body}</p>",
                    "plain_body": step.comment.body,
                    "public": step.comment.public,
                    "attachments": [],
                    "audit_id": audit_id,
                }
            )
        values = dict(step.fields)
        if step.status:
            values["status"] = step.status
        names = _CREATE_FIELDS if n == 0 else tuple(values)
        for name in names:
            value = values.get(name)
            if name == "satisfaction_rating":
                name, value = "satisfaction_score", value["score"]
            event: Payload = {
                "id": next(event_ids),
                "type": "Create" if n == 0 else "Change",
                "field_name": name,
                "value": value,
            }
            if n:
                event["previous_value"] = state.get(name)
            state[name] = value
            events.append(event)
        via = {"channel": step.channel, "source": {"from": {}, "to": {}, "rel": None}}
        if step.author_id == SYSTEM_AUTHOR:
            via["source"] = {
                "from": {"title": "Close ticket 4 days after status is set to solved"},
                "to": {},
                "rel": "automation",
            }
        yield build(
            audit_id,
            step.at,
            {
                "id": audit_id,
                "ticket_id": t.id,
                "created_at": step.at,
                "author_id": step.author_id,
                "via": via,
                "events": events,
            },
        )


def _metrics_record(t: TicketSim, schedule: Schedule, agent_ids: set[int]) -> Versioned:
    metric_id = 8_000_000_000 + t.id
    states = list(ticket_metric_states(t, schedule, agent_ids))
    base = {"id": metric_id, "ticket_id": t.id, "created_at": t.created_at}
    changes = [(at, state) for at, state in states[1:]]
    record = build(
        metric_id,
        t.created_at,
        {**base, **states[0][1]},
        _only_changed(states[0][1], changes),
        zendesk_stamp,
    )
    record.removed_at = t.deleted_at  # deleted tickets' metrics vanish with them
    return record


def _only_changed(
    first: Payload, changes: list[tuple[datetime, Payload]]
) -> list[tuple[datetime, Payload]]:
    """Keep the versions in which a metric moved (ticket_metrics only update then)."""
    kept, previous = [], first
    for at, state in changes:
        delta = {k: v for k, v in state.items() if previous.get(k) != v}
        if delta:
            kept.append((at, delta))
        previous = state
    return kept


def _metric_events(
    t: TicketSim, schedule: Schedule, agent_ids: set[int], directory: ZendeskDirectory
) -> Iterator[tuple[datetime, Payload]]:
    """activate / pause / fulfill / apply_sla / breach / update_status, per metric. Reply time
    instance 1 is the first reply, instances 2 and up the next replies."""

    def event(
        at: datetime, metric: str, kind: str, instance: int = 1, **extra: Any
    ) -> tuple[datetime, Payload]:
        payload = {
            "id": None,
            "ticket_id": t.id,
            "metric": metric,
            "instance_id": instance,
            "type": kind,
            "time": at,
            "sla": None,
            "status": None,
            "deleted": None,
        }
        payload.update(extra)
        return at, payload

    created = t.created_at
    status = None
    active: dict[str, bool] = {}
    # The first-reply clock stops at the first reply, or when the ticket is solved without one.
    fulfilled_at: datetime | None = None
    reply_at = next((s.at for n, s in enumerate(t.steps) if is_reply(t, n, s, agent_ids)), None)
    outcomes = [
        o
        for o in sla_outcomes(t, reply_at, HORIZON, schedule, directory.sla_policies, agent_ids)
        if o.metric != "next_reply_time"
    ]
    applied: dict[str, tuple[int, int, bool] | None] = {}
    applied_at: dict[str, datetime] = {}
    for index, step in enumerate(t.steps):
        if index == 0:
            yield event(created, "reply_time", "activate")
        for outcome in outcomes:
            if outcome.achieved_at is not None and outcome.achieved_at < step.at:
                continue
            before = applied.get(outcome.metric)
            yield from _apply_sla(t, step, outcome.metric, 1, directory.sla_policies, applied)
            if applied[outcome.metric] is not None and applied[outcome.metric] != before:
                applied_at[outcome.metric] = step.at
        if step.status and step.status != status:
            status = step.status
            # A clock starts with the ticket (or its reopening) even in a status that pauses
            # it at once; a solve fulfils every started clock.
            for metric, statuses in _ACTIVE.items():
                now_active = status in statuses
                if status in ("solved", "closed"):
                    if metric in active:
                        yield event(step.at, metric, "fulfill")
                        del active[metric]
                elif now_active and not active.get(metric):
                    yield event(step.at, metric, "activate")
                    active[metric] = True
                elif not now_active and active.get(metric) is not False:
                    if metric not in active:
                        yield event(step.at, metric, "activate")
                    yield event(step.at, metric, "pause")
                    active[metric] = False
        replied = is_reply(t, index, step, agent_ids)
        if fulfilled_at is None and (replied or step.status in ("solved", "closed")):
            fulfilled_at = step.at
            yield event(step.at, "reply_time", "fulfill")
            if replied:
                measured = _duration(schedule, created, step.at)
                yield event(step.at, "reply_time", "update_status", status=measured)
    if t.deleted_at is None:
        for outcome in outcomes:
            yield from _breach(outcome, 1, applied_at.get(outcome.metric), event)
    yield from _next_reply_events(t, schedule, agent_ids, directory, reply_at, event)


def _apply_sla(
    t: TicketSim,
    step: Step,
    metric: str,
    instance: int,
    policies: list[SlaPolicy],
    applied: dict[str, tuple[int, int, bool] | None],
) -> Iterator[tuple[datetime, Payload]]:
    """Zendesk re-evaluates the policies on every update: a change of the matching policy or
    target (a new priority, say) applies it anew while the metric has not stopped."""
    fields = ticket_fields(t.steps, t.type, t.channel, step.at)
    policy = match_policy(policies, fields)
    target = policy.targets.get((metric, fields.get("priority"))) if policy else None
    now = (policy.id, *target) if policy and target else None
    if policy and now is not None and now != applied.get(metric):
        sla = {
            "target": now[1],
            "business_hours": now[2],
            "policy": {"id": policy.id, "title": policy.title, "description": None},
        }
        yield (
            step.at,
            {
                "id": None,
                "ticket_id": t.id,
                "metric": EVENT_METRICS[metric],
                "instance_id": instance,
                "type": "apply_sla",
                "time": step.at,
                "sla": sla,
                "status": None,
                "deleted": None,
            },
        )
    applied[metric] = now


def _breach(
    outcome: SlaOutcome, instance: int, applied_at: datetime | None, event: Any
) -> Iterator[tuple[datetime, Payload]]:
    """A breach at the due time; a policy applied when its target had passed breaches at once."""
    if not (outcome.is_breached and outcome.due_at):
        return
    breach_at = max(outcome.due_at, applied_at or outcome.due_at)
    if breach_at <= HORIZON:
        yield event(breach_at, EVENT_METRICS[outcome.metric], "breach", instance, deleted=False)


def _next_reply_events(
    t: TicketSim,
    schedule: Schedule,
    agent_ids: set[int],
    directory: ZendeskDirectory,
    reply_at: datetime | None,
    event: Any,
) -> Iterator[tuple[datetime, Payload]]:
    """Reply time instances 2 and up: activated by the end-user comment, the next-reply policy
    applied then and re-applied on each update while it runs, fulfilled, breached."""
    first_stop = first_reply_stop(t, reply_at, HORIZON)
    instances = next_reply_outcomes(
        t, first_stop, HORIZON, schedule, directory.sla_policies, agent_ids
    )
    policies = directory.sla_policies
    for number, (start, outcome) in enumerate(instances, start=2):
        yield event(start, "reply_time", "activate", number)
        applied: dict[str, tuple[int, int, bool] | None] = {}
        applied_at = None
        for step in t.steps:
            if step.at < start or (outcome.achieved_at and step.at > outcome.achieved_at):
                continue
            before = applied.get("next_reply_time")
            yield from _apply_sla(t, step, "next_reply_time", number, policies, applied)
            if applied["next_reply_time"] is not None and applied["next_reply_time"] != before:
                applied_at = step.at
        if outcome.achieved_at:
            yield event(outcome.achieved_at, "reply_time", "fulfill", number)
        if t.deleted_at is None:
            yield from _breach(outcome, number, applied_at, event)


def _satisfaction_record(t: TicketSim) -> Versioned | None:
    offers = [s for s in t.steps if "satisfaction_rating" in s.fields]
    if not offers or t.satisfaction_id is None:
        return None
    assignee = next(
        (s.fields["assignee_id"] for s in reversed(t.steps) if s.fields.get("assignee_id")), None
    )
    group = next(
        (s.fields["group_id"] for s in reversed(t.steps) if s.fields.get("group_id")), None
    )
    first = offers[0]
    payload = {
        "id": t.satisfaction_id,
        "ticket_id": t.id,
        "score": first.fields["satisfaction_rating"]["score"],
        "comment": None,
        "reason_id": None,
        "assignee_id": assignee,
        "group_id": group,
        "requester_id": t.requester_id,
        "created_at": first.at,
    }
    changes = []
    for step in offers[1:]:
        rating = step.fields["satisfaction_rating"]
        changes.append(
            (
                step.at,
                {
                    "score": rating["score"],
                    "comment": rating["comment"],
                    "reason_id": 1001 if rating["score"] == "bad" else None,
                },
            )
        )
    return build(t.satisfaction_id, first.at, payload, changes, zendesk_stamp)
