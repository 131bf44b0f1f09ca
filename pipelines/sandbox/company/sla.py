"""Zendesk SLA policies and the outcome of each SLA metric of a ticket, from its events.

A policy applies to a ticket when every `all` condition holds and, if it has `any` conditions,
at least one of them does; policies are tried in `position` order and the first that matches
applies. Its target for the ticket's priority and metric (if it has one) is the SLA. Zendesk
re-evaluates policies on every ticket update, so the policy and target that count are those
matching the ticket's fields when the metric stopped, or at `at` while it runs.

Metrics: `first_reply_time` (creation to the first reply, or to the first solve without one),
`total_resolution_time` (creation to the final solve), and the pausable `requester_wait_time`
(time in new, open, hold) and `agent_work_time` (time in new, open), which run until the final
solve and pause in the other statuses. An elapsed time above the target is a breach, also while
the metric still runs; exactly the target is achieved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pipelines.sandbox.company.business_hours import Schedule

# Zendesk's via ids (ticket `via.channel` -> the id SLA conditions name), for the channels the
# company's tickets come through.
VIA_IDS = {"web": 0, "email": 4, "api": 5}
# Our metric names -> the `metric` of Zendesk's ticket metric events.
EVENT_METRICS = {
    "first_reply_time": "reply_time",
    "requester_wait_time": "requester_wait_time",
    "agent_work_time": "agent_work_time",
    "total_resolution_time": "resolution_time",
}
PAUSABLE = {"requester_wait_time": ("new", "open", "hold"), "agent_work_time": ("new", "open")}
_DONE = ("solved", "closed")


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


def sla_outcomes(
    ticket: Any,
    reply_at: datetime | None,
    at: datetime,
    schedule: Schedule,
    policies: Sequence[SlaPolicy],
) -> list[SlaOutcome]:
    """One outcome per metric of a simulated ticket (`steps`, `type`, `channel`) at `at`."""
    created = ticket.created_at
    intervals = status_intervals(ticket, at)
    status = intervals[-1][0]
    # Entries into solved (the first close of a ticket never solved), as METRICS.md resolves.
    solves = [since for state, since, _ in intervals if state == "solved"] or [
        since for state, since, _ in intervals if state == "closed"
    ][:1]
    outcomes = []
    for metric in EVENT_METRICS:
        if metric == "first_reply_time":
            stops = [x for x in (reply_at, solves[0] if solves else None) if x]
            stop = min(stops) if stops else None
        else:
            stop = solves[-1] if solves and status in _DONE else None
        fields = ticket_fields(ticket.steps, ticket.type, ticket.channel, stop or at)
        policy = match_policy(policies, fields)
        target = policy.targets.get((metric, fields.get("priority"))) if policy else None
        if policy is None or target is None:
            outcomes.append(SlaOutcome(metric, *(None,) * 8))
            continue
        minutes, business = target

        def span(low: datetime, high: datetime, business: bool = business) -> float:
            if business:
                return schedule.business_minutes(low, high)
            return max((high - low).total_seconds(), 0) / 60

        def add(low: datetime, amount: float, business: bool = business) -> datetime:
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
            elapsed = span(created, stop or at)
            due = add(created, minutes)
            running = stop is None
        breached = round(elapsed, 6) > minutes
        if breached:
            state = "breached"
        elif stop is not None:
            state = "achieved"
        else:
            state = "active" if running else "paused"
        outcomes.append(
            SlaOutcome(metric, policy.id, minutes, business, due, stop, elapsed, breached, state)
        )
    return outcomes
