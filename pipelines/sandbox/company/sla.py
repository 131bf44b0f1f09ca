"""Zendesk SLA policies and the outcome of each SLA metric of a ticket, from its events.

A policy applies to a ticket when every `all` condition holds and, if it has `any` conditions,
at least one of them does; policies are tried in `position` order and the first that matches
applies. Its target for the ticket's priority and metric (if it has one) is the SLA. Zendesk
re-evaluates policies on every ticket update, so the policy and target that count are those
matching the ticket's fields when the metric stopped, or at `at` while it runs.

Metrics: `first_reply_time` (creation to the first reply, or to the first solve without one),
`next_reply_time` (after the first reply time stopped, each end-user public comment that
follows an agent's reply or a solve starts an instance, which the next agent reply or solve
fulfils), `total_resolution_time` (creation to the final solve), and the pausable
`requester_wait_time` (time in new, open, hold) and `agent_work_time` (time in new, open), which
run until the final solve and pause in the other statuses. An elapsed time above the target is a
breach, also while the metric still runs; exactly the target is achieved. A metric with several
instances (next reply) reports its first breached instance, else its latest, and the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from pipelines.sandbox.company.business_hours import Schedule

# Zendesk's via ids (ticket `via.channel` -> the id SLA conditions name), for the channels the
# company's tickets come through.
VIA_IDS = {"web": 0, "email": 4, "api": 5}
# Our metric names -> the `metric` of Zendesk's ticket metric events.
# Zendesk tracks first and next reply as one `reply_time` metric: instance 1 is the first reply,
# instances 2 and up the next replies.
EVENT_METRICS = {
    "first_reply_time": "reply_time",
    "next_reply_time": "reply_time",
    "requester_wait_time": "requester_wait_time",
    "agent_work_time": "agent_work_time",
    "total_resolution_time": "resolution_time",
}
PAUSABLE = {"requester_wait_time": ("new", "open", "hold"), "agent_work_time": ("new", "open")}
_DONE = ("solved", "closed")
SYSTEM_AUTHOR = -1  # Zendesk's author id for automations and triggers


@dataclass(frozen=True)
class Condition:
    field: str  # priority | group_id | type | via_id
    operator: str  # is | is_not
    value: str | int

    def holds(self, fields: dict[str, Any]) -> bool:
        equal = str(fields.get(self.field)) == str(self.value)
        return equal if self.operator == "is" else not equal


@dataclass(frozen=True)
class SlaPolicy:
    id: int
    title: str
    position: int
    all: tuple[Condition, ...]
    any: tuple[Condition, ...]
    # (metric, priority) -> (target minutes, in business hours)
    targets: dict[tuple[str, str], tuple[int, bool]]

    def matches(self, fields: dict[str, Any]) -> bool:
        return all(c.holds(fields) for c in self.all) and (
            not self.any or any(c.holds(fields) for c in self.any)
        )


def match_policy(policies: Sequence[SlaPolicy], fields: dict[str, Any]) -> SlaPolicy | None:
    return next((p for p in sorted(policies, key=lambda p: p.position) if p.matches(fields)), None)


@dataclass(frozen=True)
class SlaOutcome:
    metric: str
    policy_id: int | None
    target_minutes: int | None
    is_business: bool | None
    due_at: datetime | None
    achieved_at: datetime | None
    elapsed_minutes: float | None
    is_breached: bool | None
    status: str | None  # achieved | breached | active | paused; null without a target
    instance_count: int | None = None  # instances with a target
    breached_instance_count: int | None = None


def status_intervals(ticket: Any, at: datetime) -> list[tuple[str, datetime, datetime]]:
    """(status, from, to) from creation to `at`: contiguous, non-overlapping."""
    changes = [(s.at, s.status) for s in ticket.steps if s.status and s.at <= at]
    if ticket.deleted_at and ticket.deleted_at <= at:
        changes.append((ticket.deleted_at, "deleted"))
    intervals = []
    for (since, status), (until, _) in zip(changes, [*changes[1:], (at, None)], strict=True):
        intervals.append((status, since, until))
    return intervals


def ticket_fields(
    steps: Sequence[Any], ticket_type: str | None, channel: str, at: datetime
) -> dict[str, Any]:
    """The fields SLA conditions read, as they stood at `at`."""
    fields: dict[str, Any] = {"type": ticket_type, "via_id": VIA_IDS.get(channel)}
    for step in steps:
        if step.at > at:
            break
        for name in ("priority", "group_id"):
            if name in step.fields:
                fields[name] = step.fields[name]
    return fields


def next_reply_instances(
    ticket: Any, first_stop: datetime | None, at: datetime, agent_ids: set[int]
) -> list[tuple[datetime, datetime | None]]:
    """(start, stop) of each next-reply instance up to `at`: after the first reply time stopped,
    an end-user public comment with no instance open starts one; the next public agent comment
    or entry into solved or closed fulfils it (None while it runs)."""
    if first_stop is None:
        return []
    instances: list[tuple[datetime, datetime | None]] = []
    started: datetime | None = None
    for index, step in enumerate(ticket.steps):
        if step.at <= first_stop:
            continue
        if step.at > at:
            break
        public = step.comment is not None and step.comment.public
        by_agent = step.author_id in agent_ids and step.author_id != ticket.requester_id
        agent_reply = public and by_agent and not (index == 0 and ticket.agent_created)
        end_user = public and not by_agent and step.author_id != SYSTEM_AUTHOR
        if started is not None and (agent_reply or step.status in _DONE):
            instances.append((started, step.at))
            started = None
        elif started is None and end_user:
            started = step.at
    if started is not None:
        instances.append((started, None))
    return instances


def sla_outcomes(
    ticket: Any,
    reply_at: datetime | None,
    at: datetime,
    schedule: Schedule,
    policies: Sequence[SlaPolicy],
    agent_ids: set[int],
) -> list[SlaOutcome]:
    """One outcome per metric of a simulated ticket (`steps`, `type`, `channel`) at `at`."""
    created = ticket.created_at
    intervals = status_intervals(ticket, at)
    status = intervals[-1][0]
    # Entries into solved (the first close of a ticket never solved), as METRICS.md resolves.
    solves = [since for state, since, _ in intervals if state == "solved"] or [
        since for state, since, _ in intervals if state == "closed"
    ][:1]
    first_stop = first_reply_stop(ticket, reply_at, at)
    outcomes = []
    for metric in EVENT_METRICS:
        if metric == "next_reply_time":
            instances = next_reply_outcomes(ticket, first_stop, at, schedule, policies, agent_ids)
            outcomes.append(_worst(metric, [o for _, o in instances]))
            continue
        if metric == "first_reply_time":
            stop = first_stop
        else:
            stop = solves[-1] if solves and status in _DONE else None
        outcomes.append(_outcome(ticket, metric, created, stop, at, schedule, policies, intervals))
    return outcomes


def first_reply_stop(ticket: Any, reply_at: datetime | None, at: datetime) -> datetime | None:
    """When the first reply time stopped by `at`: the first reply or solve, whichever first."""
    intervals = status_intervals(ticket, at)
    solves = [since for state, since, _ in intervals if state in _DONE]
    stops = [x for x in (reply_at, solves[0] if solves else None) if x and x <= at]
    return min(stops) if stops else None


def next_reply_outcomes(
    ticket: Any,
    first_stop: datetime | None,
    at: datetime,
    schedule: Schedule,
    policies: Sequence[SlaPolicy],
    agent_ids: set[int],
) -> list[tuple[datetime, SlaOutcome]]:
    """(start, outcome) of each next-reply instance at `at`."""
    intervals = status_intervals(ticket, at)
    metric = "next_reply_time"
    return [
        (start, _outcome(ticket, metric, start, stop, at, schedule, policies, intervals))
        for start, stop in next_reply_instances(ticket, first_stop, at, agent_ids)
    ]


def _worst(metric: str, instances: list[SlaOutcome]) -> SlaOutcome:
    """The first breached instance with a target, else the latest; with the counts."""
    targeted = [o for o in instances if o.target_minutes is not None]
    if not targeted:
        return SlaOutcome(metric, *(None,) * 10)
    breached = [o for o in targeted if o.is_breached]
    chosen = breached[0] if breached else targeted[-1]
    return replace(chosen, instance_count=len(targeted), breached_instance_count=len(breached))


def _outcome(
    ticket: Any,
    metric: str,
    start: datetime,
    stop: datetime | None,
    at: datetime,
    schedule: Schedule,
    policies: Sequence[SlaPolicy],
    intervals: list[tuple[str, datetime, datetime]],
) -> SlaOutcome:
    """One instance of a metric that started at `start` and stopped at `stop` (None: runs)."""
    status = intervals[-1][0]
    fields = ticket_fields(ticket.steps, ticket.type, ticket.channel, stop or at)
    policy = match_policy(policies, fields)
    target = policy.targets.get((metric, fields.get("priority"))) if policy else None
    if policy is None or target is None:
        return SlaOutcome(metric, *(None,) * 10)
    minutes, business = target

    def span(low: datetime, high: datetime) -> float:
        if business:
            return schedule.business_minutes(low, high)
        return max((high - low).total_seconds(), 0) / 60

    def add(low: datetime, amount: float) -> datetime:
        if business:
            return schedule.add_business_minutes(low, amount)
        return low + timedelta(minutes=amount)

    if metric in PAUSABLE:
        active = [(low, high) for state, low, high in intervals if state in PAUSABLE[metric]]
        elapsed, due = 0.0, None
        for low, high in active:
            length = span(low, high)
            if due is None and elapsed <= minutes < elapsed + length:
                due = add(low, minutes - elapsed)
            elapsed += length
        running = status in PAUSABLE[metric]
        if due is None and running:
            due = add(at, minutes - elapsed)
    else:
        elapsed = span(start, stop or at)
        due = add(start, minutes)
        running = stop is None
    breached = round(elapsed, 6) > minutes
    if breached:
        state = "breached"
    elif stop is not None:
        state = "achieved"
    else:
        state = "active" if running else "paused"
    return SlaOutcome(
        metric, policy.id, minutes, business, due, stop, elapsed, breached, state, 1, int(breached)
    )
