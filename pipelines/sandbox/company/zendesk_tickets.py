"""Zendesk ticket simulation: the event log of every ticket, before it becomes API records.

Each ticket is a list of `Step`s (one per Zendesk audit): who acted, when, through which
channel, the status it moved to, the comment added and other field changes. The life cycle
follows how support teams work: new -> open on the first touch, pending while waiting for the
requester, hold while waiting on a third party or engineering, solved, closed four days later by
an automation; reopens, tickets solved without a public reply, agent-created tickets, merged
duplicates, spam deleted, satisfaction surveys whose answer depends on the experience.
Escalations to engineering are grouped into `Problem`s, each of which becomes a Linear issue.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from pipelines.sandbox.company.clock import HORIZON, NOW, START, ArrivalProcess, whole_seconds
from pipelines.sandbox.company.dirty import DST_INSTANTS
from pipelines.sandbox.company.names import (
    AGENT_LINES,
    INTERNAL_NOTES,
    PRODUCT_AREAS,
    REQUESTER_LINES,
    TICKET_SUBJECTS,
)
from pipelines.sandbox.company.people import Employee, People
from pipelines.sandbox.company.sla import SYSTEM_AUTHOR
from pipelines.sandbox.company.zendesk import SLA_TARGETS, ZendeskDirectory

TICKETS_AT_SCALE_1 = 10_000
CLOSE_AFTER = timedelta(days=4)
_SEGMENT_WEIGHT = {"Enterprise": 6.0, "Mid-Market": 2.0, "SMB": 1.0}
_FIRST_REPLY_MEDIAN = {"urgent": 20, "high": 60, "normal": 180, "low": 400, None: 240}
_PRIORITIES = (("urgent", 0.05), ("high", 0.2), ("normal", 0.55), ("low", 0.15), (None, 0.05))
_TYPES = (("question", 0.45), ("incident", 0.3), ("problem", 0.08), ("task", 0.07), (None, 0.1))
_CHANNELS = (("email", 0.5), ("web", 0.38), ("api", 0.04), ("mobile", 0.08))
_LINEAR_PRIORITY = {"urgent": 1, "high": 2, "normal": 3, "low": 4, None: 3}


@dataclass
class Comment:
    body: str
    public: bool


@dataclass
class Step:
    """One audit: `status` when it changes, a comment, other changed fields."""

    at: datetime
    author_id: int
    channel: str
    status: str | None = None
    comment: Comment | None = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class Problem:
    """An engineering problem behind escalated tickets; it becomes one Linear issue."""

    index: int
    reported_at: datetime
    reporter: Employee
    area: str
    title: str
    priority: int
    fix_at: datetime | None
    canceled_at: datetime | None
    tickets: list[tuple[int, datetime, int]] = field(default_factory=list)
    issue_url: str | None = None  # filled in when the Linear issue exists


@dataclass
class TicketSim:
    id: int
    created_at: datetime
    subject: str
    area: str
    requester_id: int
    submitter_id: int
    organization_id: int | None
    priority: str | None
    type: str | None
    channel: str
    agent_created: bool
    schedule_id: int
    steps: list[Step] = field(default_factory=list)
    deleted_at: datetime | None = None
    problem: Problem | None = None
    escalation_note: Comment | None = None
    satisfaction_id: int | None = None


@dataclass
class TicketWorld:
    tickets: list[TicketSim]
    problems: list[Problem]
    facts: dict[str, Any]


def _pick(rng: random.Random, options: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([o for o, _ in options], [w for _, w in options])[0]


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0, sigma))


class _Simulator:
    def __init__(self, seed: int, people: People, directory: ZendeskDirectory) -> None:
        self.rng = random.Random(f"{seed}:zendesk-tickets")
        self.people = people
        self.d = directory
        self.schedule = directory.default_schedule
        orgs = sorted(directory.organizations, key=lambda o: o.created_at)
        self.orgs = orgs
        self.org_by_id = {o.id: o for o in orgs}
        self.org_created = [o.created_at for o in orgs]
        self.org_cum = list(accumulate(_SEGMENT_WEIGHT[o.segment] for o in orgs))
        self.users_by_org: dict[int | None, list[tuple[datetime, int]]] = {}
        for user_id, org_id, created in directory.end_users:
            self.users_by_org.setdefault(org_id, []).append((created, user_id))
        for users in self.users_by_org.values():
            users.sort()
        self.problems: list[Problem] = []
        self.satisfaction_ids = iter(range(360100000000, 370000000000, 7))

    def agent(self, group: str, at: datetime) -> Employee:
        members = self.d.agents[group] or self.d.agents["Support"]
        return self.rng.choice(self.people.active(members, at))

    def requester(self, at: datetime) -> tuple[int, int | None]:
        rng = self.rng
        if rng.random() < 0.07 or not self.orgs:
            org_id = None
        else:
            count = max(1, bisect_right(self.org_created, at))
            org = self.orgs[bisect_right(self.org_cum, rng.random() * self.org_cum[count - 1])]
            org_id = org.id
        users = self.users_by_org.get(org_id) or self.users_by_org[None]
        eligible = [u for created, u in users if created <= at] or [users[0][1]]
        return rng.choice(eligible), org_id

    def business_delay(self, at: datetime, median_minutes: float) -> datetime:
        minutes = _lognormal(self.rng, median_minutes, 0.9)
        later = max(self.schedule.schedule.add_business_minutes(at, minutes), at)
        return whole_seconds(later) + timedelta(seconds=self.rng.randrange(1, 60))

    def calendar_delay(self, at: datetime, median_hours: float, sigma: float = 1.0) -> datetime:
        hours = _lognormal(self.rng, median_hours, sigma)
        return whole_seconds(at) + timedelta(seconds=max(60, int(hours * 3600)))

    def simulate(self, ticket_id: int, created: datetime) -> TicketSim:
        rng = self.rng
        area = rng.choice(PRODUCT_AREAS)
        requester_id, org_id = self.requester(created)
        org = self.org_by_id.get(org_id) if org_id else None
        priority = _pick(rng, _PRIORITIES)
        if (
            org
            and org.segment == "Enterprise"
            and priority in ("normal", "low")
            and rng.random() < 0.3
        ):
            priority = "high"
        agent_created = rng.random() < 0.08
        subject = rng.choice(TICKET_SUBJECTS).format(area=area)
        group = "Enterprise Support" if org and org.segment == "Enterprise" else "Support"
        if "Invoice" in subject or area == "billing":
            group = "Billing"
        submitter = self.agent(group, created) if agent_created else None
        ticket = TicketSim(
            id=ticket_id,
            created_at=created,
            subject=subject,
            area=area,
            requester_id=requester_id,
            submitter_id=submitter.zendesk_id
            if submitter and submitter.zendesk_id
            else requester_id,
            organization_id=org_id,
            priority=priority,
            type=_pick(rng, _TYPES),
            channel="web" if agent_created else _pick(rng, _CHANNELS),
            agent_created=agent_created,
            schedule_id=self.schedule.id,
        )
        self._life(ticket, group, submitter)
        ticket.steps = [s for s in ticket.steps if s.at <= HORIZON]
        return ticket

    def _life(self, t: TicketSim, group: str, submitter: Employee | None) -> None:
        rng = self.rng
        steps = t.steps
        opening = rng.choice(REQUESTER_LINES).format(area=t.area)
        initial = {
            "subject": t.subject,
            "priority": t.priority,
            "type": t.type,
            "requester_id": t.requester_id,
            "group_id": self.d.groups[group],
            "organization_id": t.organization_id,
            "assignee_id": submitter.zendesk_id if submitter else None,
        }
        if submitter:
            public = rng.random() < 0.8
            body = rng.choice(AGENT_LINES).format(area=t.area)
            steps.append(
                Step(
                    t.created_at,
                    submitter.zendesk_id or 0,
                    "web",
                    "pending" if public else "open",
                    Comment(body, public),
                    initial,
                )
            )
            if public and rng.random() < 0.2:
                self._solve_later(t, submitter, steps[-1].at)  # outbound notice, no answer
                return
            at = self.calendar_delay(t.created_at, 20) if public else t.created_at
            if public:
                steps.append(
                    Step(
                        at,
                        t.requester_id,
                        "email",
                        "open",
                        Comment(rng.choice(REQUESTER_LINES).format(area=t.area), True),
                    )
                )
            self._work(t, group, submitter, at)
            return
        steps.append(
            Step(t.created_at, t.requester_id, t.channel, "new", Comment(opening, True), initial)
        )
        roll = rng.random()
        if roll < 0.004:  # spam, deleted by an agent
            t.deleted_at = whole_seconds(t.created_at + timedelta(hours=rng.uniform(1, 30)))
            return
        if roll < 0.014:  # duplicate of another ticket: merged and closed
            agent = self.agent(group, t.created_at)
            at = self.business_delay(t.created_at, 60)
            steps.append(
                Step(
                    at,
                    agent.zendesk_id or 0,
                    "web",
                    "closed",
                    Comment(f"Merged into #{t.id - rng.randint(1, 50)}", False),
                    {"assignee_id": agent.zendesk_id},
                )
            )
            return
        self._work(t, group, None, t.created_at)

    def _work(self, t: TicketSim, group: str, agent: Employee | None, since: datetime) -> None:
        """Agent rounds until solved (or left open at the horizon)."""
        rng = self.rng
        steps = t.steps
        progress = (t.created_at - START) / (NOW - START)
        median = _FIRST_REPLY_MEDIAN[t.priority] * (1.15 - 0.35 * progress)
        at = self.business_delay(since, median)
        # Fields the first touch changes ride on the first agent audit (as in Zendesk, where
        # assigning, replying and setting the status is one update).
        fields: dict[str, Any] = {}
        if agent is None:
            agent = self.agent(group, at)
            fields["assignee_id"] = agent.zendesk_id
            if rng.random() < 0.08 and group == "Support":  # routed to second line
                group, agent = "Tier 2", self.agent("Tier 2", at)
                fields = {"assignee_id": agent.zendesk_id, "group_id": self.d.groups[group]}
            if t.priority in ("normal", "low") and rng.random() < 0.04:
                fields["priority"] = t.priority = "high"
            if rng.random() < 0.06:  # solved without a public reply
                note = Comment("Resolved by the customer, closing.", False)
                steps.append(Step(at, agent.zendesk_id or 0, "web", "solved", note, fields))
                self._after_solve(t, agent, at, group)
                return
        author = agent.zendesk_id or 0
        escalated = False
        for round_number in range(6):
            if rng.random() < 0.05 and round_number == 0:  # waiting on a third party
                note = Comment(rng.choice(INTERNAL_NOTES).format(area=t.area), False)
                steps.append(Step(at, author, "web", "hold", note, fields))
                fields = {}
                at = self.business_delay(at, 600)
            if not escalated and at <= HORIZON and self._escalates(t, round_number):
                escalated = True
                at = self._escalate(t, agent, at, fields)
                fields = {}
                if at > HORIZON:
                    return
            roll = rng.random()
            status = "solved" if roll < (0.3 if round_number == 0 else 0.55) else "pending"
            if status == "pending" and roll > 0.92:
                status = "open"  # still working on it
            reply = Comment(rng.choice(AGENT_LINES).format(area=t.area), True)
            steps.append(Step(at, author, "web", status, reply, fields))
            fields = {}
            if status == "solved":
                self._after_solve(t, agent, at, group)
                return
            if status == "pending":
                if rng.random() < 0.25:  # no answer: the agent solves after a few days
                    at = self.calendar_delay(at, 96, 0.3)
                    bye = Comment("Closing this as we have not heard back.", True)
                    steps.append(Step(at, author, "web", "solved", bye))
                    self._after_solve(t, agent, at, group)
                    return
                at = self.calendar_delay(at, 6, 1.2)
                answer = Comment(rng.choice(REQUESTER_LINES).format(area=t.area), True)
                steps.append(Step(at, t.requester_id, "email", "open", answer))
            at = self.business_delay(at, 180)
        steps.append(
            Step(at, author, "web", "solved", Comment("Closing after the last round.", True))
        )
        self._after_solve(t, agent, at, group)

    def _solve_later(self, t: TicketSim, agent: Employee, since: datetime) -> None:
        at = self.calendar_delay(since, 72, 0.4)
        t.steps.append(Step(at, agent.zendesk_id or 0, "web", "solved", None))
        self._after_solve(t, agent, at, "Support")

    def _after_solve(self, t: TicketSim, agent: Employee, solved_at: datetime, group: str) -> None:
        """Reopen, close four days later, and the satisfaction survey."""
        rng = self.rng
        if rng.random() < 0.07:
            at = self.calendar_delay(solved_at, 30, 0.8)
            if at < solved_at + CLOSE_AFTER:
                t.steps.append(
                    Step(
                        at,
                        t.requester_id,
                        "email",
                        "open",
                        Comment("This is happening again, reopening.", True),
                    )
                )
                self._work(t, group, agent, at)
                return
        close_at = solved_at + CLOSE_AFTER
        offered_at = solved_at + timedelta(hours=24)
        rating_id = next(self.satisfaction_ids)
        t.satisfaction_id = rating_id
        t.steps.append(
            Step(
                offered_at,
                SYSTEM_AUTHOR,
                "rule",
                None,
                None,
                {"satisfaction_rating": {"id": rating_id, "score": "offered", "comment": None}},
            )
        )
        t.steps.append(Step(close_at, SYSTEM_AUTHOR, "rule", "closed"))
        if rng.random() < 0.38:
            rated_at = self.calendar_delay(offered_at, 5, 1.0)
            score = "good" if rng.random() < self._good_probability(t) else "bad"
            comment = (
                None if rng.random() < 0.6 else ("Thanks! 🙏" if score == "good" else "Too slow.")
            )
            t.steps.append(
                Step(
                    rated_at,
                    t.requester_id,
                    "web",
                    None,
                    None,
                    {"satisfaction_rating": {"id": rating_id, "score": score, "comment": comment}},
                )
            )
            if score == "bad" and rng.random() < 0.1:  # changes their mind later
                t.steps.append(
                    Step(
                        whole_seconds(rated_at + timedelta(days=rng.uniform(1, 5))),
                        t.requester_id,
                        "web",
                        None,
                        None,
                        {
                            "satisfaction_rating": {
                                "id": rating_id,
                                "score": "good",
                                "comment": "Sorted in the end.",
                            }
                        },
                    )
                )
        t.steps.sort(key=lambda s: s.at)

    def _good_probability(self, t: TicketSim) -> float:
        """Satisfaction follows the experience: slow first replies and reopens hurt."""
        reply = next(
            (
                s.at
                for s in t.steps
                if s.comment
                and s.comment.public
                and s.author_id in self.d.agent_ids
                and s is not t.steps[0]
            ),
            None,
        )
        probability = 0.93
        if reply is not None:
            waited = self.schedule.schedule.business_minutes(t.created_at, reply)
            if waited > 2 * SLA_TARGETS.get(t.priority or "normal", 480):
                probability -= 0.3
        reopens = sum(
            1
            for s in t.steps
            if s.status == "open"
            and s.author_id == t.requester_id
            and "reopening" in (s.comment.body if s.comment else "")
        )
        probability -= 0.2 * reopens
        if t.problem:
            probability -= 0.15
        return max(0.2, probability)

    def _escalates(self, t: TicketSim, round_number: int) -> bool:
        chance = 0.02 * (2.0 if t.type in ("incident", "problem") else 1.0)
        chance *= 1.5 if t.priority in ("urgent", "high") else 1.0
        return round_number <= 1 and self.rng.random() < chance

    def _escalate(
        self, t: TicketSim, agent: Employee, at: datetime, fields: dict[str, Any]
    ) -> datetime:
        """Put the ticket on hold behind an engineering problem; returns when it resumes."""
        rng = self.rng
        open_problems = [
            p
            for p in self.problems[-30:]
            if p.reported_at < at
            and (p.fix_at is None or p.fix_at > at)
            and p.canceled_at is None
            and at - p.reported_at < timedelta(days=30)
        ]
        if open_problems and rng.random() < 0.3:
            problem = rng.choice(open_problems)
        else:
            problem = self._new_problem(t, agent, at)
        problem.tickets.append((t.id, at, agent.zendesk_id or 0))
        t.problem = problem
        note = Comment("Escalated to engineering.", False)
        t.escalation_note = note
        t.steps.append(Step(at, agent.zendesk_id or 0, "web", "hold", note, fields))
        resume = problem.fix_at or problem.canceled_at
        if resume is None:  # never fixed: some wait forever, others get a workaround
            return (
                whole_seconds(at + timedelta(days=rng.uniform(14, 60)))
                if rng.random() < 0.6
                else HORIZON + timedelta(days=1)
            )
        return self.business_delay(max(resume, at), 120)

    def _new_problem(self, t: TicketSim, agent: Employee, at: datetime) -> Problem:
        rng = self.rng
        outcome = rng.random()
        fix_at = canceled_at = None
        if outcome < 0.82:
            fix_at = at + timedelta(hours=max(2.0, _lognormal(rng, 140, 1.0)))
        elif outcome < 0.9:
            canceled_at = at + timedelta(days=rng.uniform(2, 40))
        problem = Problem(
            index=len(self.problems),
            reported_at=at,
            reporter=agent,
            area=t.area,
            title=f"{t.area}: {t.subject}",
            priority=_LINEAR_PRIORITY[t.priority],
            fix_at=fix_at.replace(microsecond=0) if fix_at else None,
            canceled_at=canceled_at.replace(microsecond=0) if canceled_at else None,
        )
        self.problems.append(problem)
        return problem


def simulate_tickets(
    seed: int, scale: float, people: People, directory: ZendeskDirectory, arrivals: ArrivalProcess
) -> TicketWorld:
    sim = _Simulator(seed, people, directory)
    created = arrivals.draw(sim.rng, TICKETS_AT_SCALE_1 * scale)
    # A few tickets arrive right at daylight-saving switches (dirty data on purpose).
    for n, instant in enumerate(DST_INSTANTS):
        if created:
            created[(n * 7919) % len(created)] = instant
    created.sort()
    tickets = [sim.simulate(1000 + n, at) for n, at in enumerate(created)]
    dst = [t.id for t in tickets if t.created_at in DST_INSTANTS]
    return TicketWorld(tickets, sim.problems, {"zendesk_dst_tickets": dst})
