"""Linear: teams, workflow states, users, labels, cycles, projects, issues and their history.

Issues come from three places: Zendesk escalations (one issue per engineering `Problem`, with an
attachment per linked ticket, `integrationSourceType` zendesk), Slack requests turned into issues
(Linear Asks or a manual link, attachment = the message permalink), and work filed directly by
the product teams. Each issue walks a path of workflow states; `issue_history` records every
state, assignee and priority change, and the issue's `startedTriageAt`, `triagedAt`,
`startedAt`, `completedAt` and `canceledAt` are set from that same path. Some issues are left
open and untouched for months: the forgotten ones.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pipelines.sandbox.company import ids
from pipelines.sandbox.company.clock import HORIZON, START, ArrivalProcess
from pipelines.sandbox.company.model import Payload, Versioned
from pipelines.sandbox.company.names import ISSUE_TITLES, fill
from pipelines.sandbox.company.people import Employee, People
from pipelines.sandbox.company.records import build, linear_stamp
from pipelines.sandbox.company.slack import WORKSPACE as SLACK_WORKSPACE
from pipelines.sandbox.company.slack import SlackRequest
from pipelines.sandbox.company.zendesk import SUBDOMAIN
from pipelines.sandbox.company.zendesk_tickets import Problem, TicketSim

WORKSPACE = "lumenor"
ISSUES_AT_SCALE_1 = 2_000
ARCHIVE_AFTER = timedelta(days=180)
# (name, type, color) in board order; every team has every type.
STATES = (
    ("Triage", "triage", "#FC7840"),
    ("Backlog", "backlog", "#bec2c8"),
    ("Todo", "unstarted", "#e2e2e2"),
    ("In Progress", "started", "#f2c94c"),
    ("In Review", "started", "#0f783c"),
    ("Done", "completed", "#5e6ad2"),
    ("Canceled", "canceled", "#95a2b3"),
    ("Duplicate", "duplicate", "#95a2b3"),
)
PRIORITY_LABELS = {0: "No priority", 1: "Urgent", 2: "High", 3: "Medium", 4: "Low"}
LABELS = (
    ("bug", "#eb5757"),
    ("question", "#4ea7fc"),
    ("feature", "#bb87fc"),
    ("improvement", "#4cb782"),
    ("customer-reported", "#f2994a"),
    ("tech-debt", "#95a2b3"),
)
# SLA hours by priority for support-engineering issues (Linear SLAs, calendar time).
SLA_HOURS = {1: 24, 2: 72}


@dataclass
class Team:
    id: str
    key: str
    name: str
    members: list[Employee]
    states: dict[str, str]  # state name -> id
    created_at: datetime
    cycles: list[tuple[str, datetime, datetime]] = field(default_factory=list)
    numbers: int = 0


@dataclass
class IssuePlan:
    team: Team
    created_at: datetime
    creator_id: str
    title: str
    description: str | None
    priority: int
    labels: list[str]
    source: str | None
    initial: str  # state name
    outcome: str  # completed | canceled | duplicate | open
    finish: datetime | None  # when the outcome happens (None: never)
    forgotten: bool = False
    attachments: list[Payload] = field(default_factory=list)
    origin: Problem | SlackRequest | None = None
    id: str = ""
    identifier: str = ""
    url: str = ""


@dataclass
class Transition:
    at: datetime
    actor_id: str
    state: str | None = None
    assignee: str | None = None
    priority: int | None = None
    archived: bool = False
    trashed: bool = False


@dataclass
class IssueSim:
    """An issue's full event log: its plan and the ordered transitions."""

    plan: IssuePlan
    transitions: list[Transition]
    state_types: dict[str, str]  # state id -> type
    comments: list[tuple[datetime, str]] = field(default_factory=list)  # (createdAt, userId)


@dataclass
class LinearWorld:
    teams: list[Team]
    issues: list[IssueSim]
    tables: dict[str, list[Versioned]]
    facts: dict[str, Any]


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0, sigma))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def slack_permalink(request: SlackRequest) -> str:
    return (
        f"https://{SLACK_WORKSPACE}.slack.com/archives/{request.channel.id}/"
        f"p{request.ts.replace('.', '')}"
    )


def ticket_url(ticket_id: int) -> str:
    return f"https://{SUBDOMAIN}.zendesk.com/agent/tickets/{ticket_id}"


class _Builder:
    def __init__(self, seed: int, scale: float, people: People) -> None:
        self.rng = random.Random(f"{seed}:linear")
        self.scale = scale
        self.people = people
        self.by_zendesk_id = {e.zendesk_id: e for e in people.employees if e.zendesk_id}
        rng = self.rng
        self.app_users = {"Zendesk": ids.linear_id(rng), "Linear Asks": ids.linear_id(rng)}
        engineers = people.in_department("engineering")
        product = people.in_department("product")
        half = max(1, len(engineers) // 2)
        self.teams = [
            self.team("SUP", "Support Engineering", people.in_department("support_engineering")),
            self.team("PLAT", "Platform", engineers[:half]),
            self.team("APP", "Product", engineers[half:] + product),
        ]
        self.labels = {name: ids.linear_id(rng) for name, _ in LABELS}
        for team in self.teams[1:]:
            self.add_cycles(team)
        self.projects = self.plan_projects()

    def team(self, key: str, name: str, members: list[Employee]) -> Team:
        rng = self.rng
        created = START - timedelta(days=rng.uniform(400, 900))
        states = {state: ids.linear_id(rng) for state, _, _ in STATES}
        return Team(ids.linear_id(rng), key, name, members, states, created.replace(microsecond=0))

    def add_cycles(self, team: Team) -> None:
        first = START - timedelta(days=START.weekday() + 14)
        start = first.replace(hour=0, minute=0, second=0)
        while start < HORIZON + timedelta(days=14):
            team.cycles.append((ids.linear_id(self.rng), start, start + timedelta(days=14)))
            start += timedelta(days=14)

    def plan_projects(self) -> list[dict[str, Any]]:
        rng = self.rng
        projects = []
        for n in range(max(2, round(10 * self.scale))):
            team = self.teams[1 + n % 2]
            created = START + timedelta(days=rng.uniform(-60, 330))
            started = created + timedelta(days=rng.uniform(3, 30))
            completed = started + timedelta(days=rng.uniform(30, 120))
            projects.append(
                {
                    "id": ids.linear_id(rng),
                    "name": f"{fill('{area}', rng).title()} revamp {n + 1}",
                    "team": team,
                    "created": created.replace(microsecond=0),
                    "started": started.replace(microsecond=0),
                    "completed": completed.replace(microsecond=0) if rng.random() < 0.75 else None,
                    "canceled": None,
                    "lead": rng.choice(team.members),
                }
            )
        if projects:
            projects[-1]["completed"] = None
            projects[-1]["canceled"] = projects[-1]["started"] + timedelta(days=20)
        return projects

    def linear_id_of(self, employee: Employee, fallback: Team) -> str:
        return employee.linear_id or self.rng.choice(fallback.members).linear_id or ""


def build_linear(
    seed: int,
    scale: float,
    people: People,
    problems: list[Problem],
    tickets: list[TicketSim],
    requests: list[SlackRequest],
    arrivals: ArrivalProcess,
) -> LinearWorld:
    b = _Builder(seed, scale, people)
    subjects = {t.id: t.subject for t in tickets}
    plans = [_problem_plan(b, p, subjects) for p in problems]
    plans += [_slack_plan(b, r) for r in requests if r.tracked_at and r.tracked_at <= HORIZON]
    target = arrivals.total_for_year(ISSUES_AT_SCALE_1 * scale)
    direct = max(0, target - len(plans))
    plans += [_direct_plan(b, at) for at in arrivals.draw_total(b.rng, direct)]
    plans.sort(key=lambda p: p.created_at)
    for plan in plans:
        plan.team.numbers += 1
        plan.id = ids.linear_id(b.rng)
        plan.identifier = f"{plan.team.key}-{plan.team.numbers}"
        plan.url = f"https://linear.app/{WORKSPACE}/issue/{plan.identifier}/{_slug(plan.title)}"
        if isinstance(plan.origin, Problem):
            plan.origin.issue_url = plan.url
        elif isinstance(plan.origin, SlackRequest):
            plan.origin.issue_url, plan.origin.issue_identifier = plan.url, plan.identifier
    issues = [_simulate(b, plan) for plan in plans]
    tables = _tables(b, issues)
    facts = {
        "linear_forgotten_issues": [i.plan.identifier for i in issues if i.plan.forgotten],
        "linear_app_users": b.app_users,
        "linear_workspace": WORKSPACE,
    }
    return LinearWorld(b.teams, issues, tables, facts)


def _problem_plan(b: _Builder, p: Problem, subjects: dict[int, str]) -> IssuePlan:
    sup = b.teams[0]
    finish = p.fix_at or p.canceled_at
    outcome = "completed" if p.fix_at else ("canceled" if p.canceled_at else "open")
    plan = IssuePlan(
        team=sup,
        created_at=p.reported_at,
        creator_id=b.linear_id_of(p.reporter, sup),
        title=p.title,
        description=f"Escalated from Zendesk: {ticket_url(p.tickets[0][0])}",
        priority=p.priority,
        labels=["bug", "customer-reported"]
        if b.rng.random() < 0.75
        else ["question", "customer-reported"],
        source="zendesk",
        initial="Triage",
        outcome=outcome,
        finish=finish,
        forgotten=outcome == "open",
        origin=p,
    )
    for ticket_id, linked_at, agent_id in p.tickets:
        agent = b.by_zendesk_id.get(agent_id, p.reporter)
        plan.attachments.append(
            {
                "url": ticket_url(ticket_id),
                "title": f"#{ticket_id} {subjects[ticket_id]}",
                "subtitle": "Zendesk ticket",
                "sourceType": "zendesk",
                "source": {"type": "zendesk", "ticketId": str(ticket_id)},
                "metadata": {"ticketId": ticket_id, "subdomain": SUBDOMAIN},
                "creatorId": b.linear_id_of(agent, sup),
                "createdAt": linked_at,
            }
        )
    return plan


def _slack_plan(b: _Builder, r: SlackRequest) -> IssuePlan:
    rng = b.rng
    sup = b.teams[0]
    assert r.tracked_at is not None
    outcome = rng.choices(("completed", "canceled", "duplicate", "open"), (0.72, 0.1, 0.06, 0.12))[
        0
    ]
    finish = r.tracked_at + timedelta(hours=max(1.0, _lognormal(rng, 80, 1.1)))
    creator = b.app_users["Linear Asks"] if r.via_asks else b.linear_id_of(r.requester, sup)
    plan = IssuePlan(
        team=sup,
        created_at=r.tracked_at,
        creator_id=creator,
        title=r.text[:80],
        description=r.text,
        priority=rng.choice((0, 2, 3, 3, 4)),
        labels=[rng.choice(("bug", "question", "question"))],
        source="slack" if not r.via_asks else "slackAsks",
        initial="Triage",
        outcome=outcome,
        finish=None if outcome == "open" else finish,
        origin=r,
    )
    plan.attachments.append(
        {
            "url": slack_permalink(r),
            "title": f"Message from {r.requester.name}",
            "subtitle": f"#{r.channel.name}",
            "sourceType": "slack",
            "source": {"type": "slack", "channelId": r.channel.id, "messageTs": r.ts},
            "metadata": {
                "channelId": r.channel.id,
                "messageTs": r.ts,
                "channelName": r.channel.name,
            },
            "creatorId": creator,
            "createdAt": r.tracked_at,
        }
    )
    return plan


def _direct_plan(b: _Builder, at: datetime) -> IssuePlan:
    rng = b.rng
    team = rng.choices(b.teams, (0.1, 0.45, 0.45))[0]
    creator = rng.choice(b.people.active(team.members, at))
    outcome = rng.choices(("completed", "canceled", "duplicate", "open"), (0.68, 0.08, 0.03, 0.21))[
        0
    ]
    forgotten = outcome == "open" and at < START + timedelta(days=150) and rng.random() < 0.35
    finish = at + timedelta(hours=max(2.0, _lognormal(rng, 240, 1.0)))
    kind = rng.choices(("bug", "feature", "improvement", "tech-debt"), (0.4, 0.25, 0.25, 0.1))[0]
    description = None if rng.random() < 0.15 else f"Context: {fill('{area}', rng)} behaves badly."
    return IssuePlan(
        team=team,
        created_at=at,
        creator_id=creator.linear_id or "",
        title=fill(rng.choice(ISSUE_TITLES), rng),
        description=description,
        priority=rng.choice((0, 1, 2, 2, 3, 3, 3, 4)),
        labels=[kind],
        source=None,
        initial="Triage" if team.key == "SUP" else rng.choice(("Backlog", "Todo")),
        outcome=outcome,
        finish=None if outcome == "open" else finish,
        forgotten=forgotten,
    )


def _simulate(b: _Builder, plan: IssuePlan) -> IssueSim:
    """The issue's transitions, from creation to its outcome, cut at the horizon."""
    rng = b.rng
    team = plan.team
    created = plan.created_at
    # Open issues still move towards an outcome beyond the horizon; forgotten ones never do.
    finish = plan.finish or created + timedelta(days=rng.uniform(20, 400))
    span = finish - created
    moves: list[Transition] = []
    assignee = rng.choice(b.people.active(team.members, created)).linear_id or ""
    state = plan.initial
    at = created
    if state == "Triage":
        at = created + min(span * 0.3, timedelta(hours=max(0.2, _lognormal(rng, 5, 1.0))))
        if plan.outcome == "duplicate":
            moves.append(Transition(finish, assignee, "Duplicate"))
            return IssueSim(plan, _cut(moves), _types(team))
        state = rng.choice(("Backlog", "Todo", "Todo"))
        moves.append(
            Transition(at, assignee, state, assignee=assignee if rng.random() < 0.5 else None)
        )
    if plan.forgotten:
        return IssueSim(plan, _cut(moves), _types(team))
    if rng.random() < 0.08:
        moves.append(
            Transition(
                at + (finish - at) * 0.2,
                assignee,
                priority=max(1, plan.priority - 1) if plan.priority else 2,
            )
        )
    if plan.outcome in ("completed", "open") or rng.random() < 0.3:
        started = at + (finish - at) * rng.uniform(0.1, 0.6)
        moves.append(Transition(started, assignee, "In Progress", assignee=assignee))
        if rng.random() < 0.7:
            moves.append(
                Transition(
                    started + (finish - started) * rng.uniform(0.5, 0.9), assignee, "In Review"
                )
            )
    final = {"completed": "Done", "canceled": "Canceled", "duplicate": "Duplicate"}.get(
        plan.outcome
    )
    if final:
        moves.append(Transition(finish, assignee, final))
        if team.key == "SUP":  # the support team auto-archives closed issues
            moves.append(Transition(finish + ARCHIVE_AFTER, assignee, archived=True))
    if rng.random() < 0.005:
        trashed_at = created + timedelta(days=rng.uniform(1, 30))
        moves = [m for m in moves if m.at < trashed_at]
        moves.append(Transition(trashed_at, assignee, trashed=True, archived=True))
    return IssueSim(plan, _cut(moves), _types(team))


def _types(team: Team) -> dict[str, str]:
    kinds = {name: kind for name, kind, _ in STATES}
    return {state_id: kinds[name] for name, state_id in team.states.items()}


def _cut(moves: list[Transition]) -> list[Transition]:
    """Whole seconds, time order, nothing after the horizon."""
    for move in moves:
        move.at = move.at.replace(microsecond=0)
    return sorted((m for m in moves if m.at <= HORIZON), key=lambda m: m.at)


def _tables(b: _Builder, issues: list[IssueSim]) -> dict[str, list[Versioned]]:
    tables: dict[str, list[Versioned]] = {
        "teams": [],
        "users": [],
        "workflow_states": [],
        "labels": [],
        "projects": [],
        "cycles": [],
        "issues": [],
        "issue_history": [],
        "comments": [],
        "attachments": [],
    }
    for team in b.teams:
        tables["teams"].append(
            build(
                team.id,
                team.created_at,
                {
                    "id": team.id,
                    "key": team.key,
                    "name": team.name,
                    "description": f"{team.name} team",
                    "createdAt": team.created_at,
                    "archivedAt": None,
                },
                stamp=linear_stamp,
            )
        )
        for position, (name, kind, color) in enumerate(STATES):
            state_id = team.states[name]
            tables["workflow_states"].append(
                build(
                    state_id,
                    team.created_at,
                    {
                        "id": state_id,
                        "name": name,
                        "type": kind,
                        "color": color,
                        "position": float(position),
                        "teamId": team.id,
                        "createdAt": team.created_at,
                        "archivedAt": None,
                    },
                    stamp=linear_stamp,
                )
            )
        for number, (cycle_id, starts, ends) in enumerate(team.cycles, start=1):
            created = starts - timedelta(days=14)
            payload = {
                "id": cycle_id,
                "number": number,
                "name": f"Sprint {number}" if team.key == "PLAT" else None,
                "teamId": team.id,
                "startsAt": starts,
                "endsAt": ends,
                "completedAt": None,
                "createdAt": created,
                "archivedAt": None,
            }
            tables["cycles"].append(
                build(cycle_id, created, payload, [(ends, {"completedAt": ends})], linear_stamp)
            )
    tables["users"] = _users(b)
    label_created = START - timedelta(days=500)
    for name, color in LABELS:
        tables["labels"].append(
            build(
                b.labels[name],
                label_created,
                {
                    "id": b.labels[name],
                    "name": name,
                    "color": color,
                    "teamId": None,
                    "createdAt": label_created,
                    "archivedAt": None,
                },
                stamp=linear_stamp,
            )
        )
    tables["projects"] = [_project_record(p) for p in b.projects]
    for issue in issues:
        _issue_records(b, issue, tables)
    for entity in ("issue_history", "comments", "attachments"):
        tables[entity].sort(key=lambda r: r.created_at)
    return tables


def _users(b: _Builder) -> list[Versioned]:
    records = []
    for e in b.people.employees:
        if not e.linear_id:
            continue
        payload = {
            "id": e.linear_id,
            "name": e.name,
            "displayName": e.first_name.lower(),
            "email": e.email,
            "active": True,
            "admin": e.is_admin,
            "guest": False,
            "app": False,
            "timezone": e.time_zone,
            "createdAt": e.hired_at,
            "archivedAt": None,
        }
        changes = [(e.left_at, {"active": False})] if e.left_at else []
        records.append(build(e.linear_id, e.hired_at, payload, changes, linear_stamp))
    created = START - timedelta(days=300)
    for name, user_id in b.app_users.items():
        payload = {
            "id": user_id,
            "name": name,
            "displayName": name.lower().replace(" ", ""),
            "email": None,
            "active": True,
            "admin": False,
            "guest": False,
            "app": True,
            "timezone": None,
            "createdAt": created,
            "archivedAt": None,
        }
        records.append(build(user_id, created, payload, stamp=linear_stamp))
    return records


def _project_record(p: dict[str, Any]) -> Versioned:
    team: Team = p["team"]
    payload = {
        "id": p["id"],
        "name": p["name"],
        "description": f"{p['name']} for {team.name}",
        "state": "planned",
        "startedAt": None,
        "completedAt": None,
        "canceledAt": None,
        "targetDate": (p["started"] + timedelta(days=90)).date(),
        "createdAt": p["created"],
        "archivedAt": None,
        "teamIds": [team.id],
        "leadId": p["lead"].linear_id,
    }
    changes = [(p["started"], {"state": "started", "startedAt": p["started"]})]
    if p["completed"]:
        changes.append((p["completed"], {"state": "completed", "completedAt": p["completed"]}))
    if p["canceled"]:
        changes.append((p["canceled"], {"state": "canceled", "canceledAt": p["canceled"]}))
    return build(
        p["id"],
        p["created"],
        payload,
        [(at, c) for at, c in changes if at <= HORIZON],
        linear_stamp,
    )


def _cycle_at(team: Team, at: datetime) -> str | None:
    return next((cid for cid, starts, ends in team.cycles if starts <= at < ends), None)


def _issue_records(b: _Builder, issue: IssueSim, tables: dict[str, list[Versioned]]) -> None:
    rng = b.rng
    plan = issue.plan
    team = plan.team
    created = plan.created_at
    kinds = {name: kind for name, kind, _ in STATES}
    sla = SLA_HOURS.get(plan.priority) if team.key == "SUP" else None
    project = None
    if team.key != "SUP" and rng.random() < 0.4:
        candidates = [p for p in b.projects if p["team"] is team and p["created"] <= created]
        project = rng.choice(candidates)["id"] if candidates else None
    payload: Payload = {
        "id": plan.id,
        "identifier": plan.identifier,
        "number": int(plan.identifier.split("-")[1]),
        "title": plan.title,
        "description": plan.description,
        "priority": plan.priority,
        "priorityLabel": PRIORITY_LABELS[plan.priority],
        "estimate": rng.choice((None, 1, 2, 3, 5, 8)) if team.key != "SUP" else None,
        "createdAt": created,
        "startedAt": None,
        "completedAt": None,
        "canceledAt": None,
        "startedTriageAt": created if plan.initial == "Triage" else None,
        "triagedAt": None,
        "archivedAt": None,
        "autoArchivedAt": None,
        "autoClosedAt": None,
        "dueDate": (created + timedelta(days=rng.randint(7, 60))).date()
        if rng.random() < 0.1
        else None,
        "slaType": "all" if sla else None,
        "slaStartedAt": created if sla else None,
        "slaMediumRiskAt": created + timedelta(hours=sla * 0.5) if sla else None,
        "slaHighRiskAt": created + timedelta(hours=sla * 0.75) if sla else None,
        "slaBreachesAt": created + timedelta(hours=sla) if sla else None,
        "trashed": None,
        "url": plan.url,
        "integrationSourceType": plan.source,
        "stateId": team.states[plan.initial],
        "teamId": team.id,
        "assigneeId": None,
        "creatorId": plan.creator_id,
        "labelIds": [b.labels[name] for name in plan.labels],
        "projectId": project,
        "cycleId": None,
        "parentId": None,
    }
    changes: list[tuple[datetime, Payload]] = []
    state, assignee, priority = plan.initial, None, plan.priority
    for move in issue.transitions:
        change: Payload = {}
        history: Payload = {
            "id": ids.linear_id(rng),
            "issueId": plan.id,
            "createdAt": move.at,
            "actorId": move.actor_id,
            "fromStateId": None,
            "toStateId": None,
            "fromAssigneeId": None,
            "toAssigneeId": None,
            "fromPriority": None,
            "toPriority": None,
            "archived": None,
            "trashed": None,
        }
        if move.state and move.state != state:
            history["fromStateId"], history["toStateId"] = (
                team.states[state],
                team.states[move.state],
            )
            change["stateId"] = team.states[move.state]
            new_kind = kinds[move.state]
            if (
                kinds[state] == "triage"
                and payload["triagedAt"] is None
                and "triagedAt" not in _merged(changes)
            ):
                change["triagedAt"] = move.at
            if new_kind == "started" and "startedAt" not in _merged(changes):
                change["startedAt"] = move.at
                cycle = _cycle_at(team, move.at) if team.cycles else None
                if cycle:
                    change["cycleId"] = cycle
            if new_kind == "completed":
                change["completedAt"] = move.at
            if new_kind in ("canceled", "duplicate"):
                change["canceledAt"] = move.at
            state = move.state
        if move.assignee and move.assignee != assignee:
            history["fromAssigneeId"], history["toAssigneeId"] = assignee, move.assignee
            change["assigneeId"] = assignee = move.assignee
        if move.priority is not None and move.priority != priority:
            history["fromPriority"], history["toPriority"] = priority, move.priority
            change["priority"], change["priorityLabel"] = (
                move.priority,
                PRIORITY_LABELS[move.priority],
            )
            priority = move.priority
        if move.archived:
            history["archived"] = True
            change["archivedAt"] = move.at
            if not move.trashed:
                change["autoArchivedAt"] = move.at
        if move.trashed:
            history["trashed"] = True
            change["trashed"] = True
        if change:
            changes.append((move.at, change))
            tables["issue_history"].append(
                build(history["id"], move.at, history, stamp=linear_stamp)
            )
    tables["issues"].append(build(plan.id, created, payload, changes, linear_stamp))
    for attachment in plan.attachments:
        attachment_id = ids.linear_id(rng)
        at = attachment["createdAt"]
        tables["attachments"].append(
            build(
                attachment_id,
                at,
                {
                    "id": attachment_id,
                    **attachment,
                    "issueId": plan.id,
                    "archivedAt": None,
                },
                stamp=linear_stamp,
            )
        )
    _comments(b, issue, tables)


def _merged(changes: list[tuple[datetime, Payload]]) -> Payload:
    merged: Payload = {}
    for _, change in changes:
        merged.update(change)
    return merged


def _comments(b: _Builder, issue: IssueSim, tables: dict[str, list[Versioned]]) -> None:
    rng = b.rng
    plan = issue.plan
    if plan.forgotten:
        return
    end = min(issue.transitions[-1].at if issue.transitions else HORIZON, HORIZON)
    if plan.outcome == "open":
        end = min(HORIZON, plan.created_at + timedelta(days=30))
    previous: list[str] = []
    for _ in range(rng.choice((0, 1, 1, 2, 3, 4))):
        at = (plan.created_at + (end - plan.created_at) * rng.random()).replace(microsecond=0)
        if at <= plan.created_at:
            continue
        author = rng.choice(b.people.active(plan.team.members, at))
        comment_id = ids.linear_id(rng)
        body = fill(
            rng.choice(
                (
                    "Looking into {area} now.",
                    "Repro steps attached, {area} on staging.",
                    "Fix is up for review 🚀",
                    "Can we get logs from the customer?",
                )
            ),
            rng,
        )
        payload = {
            "id": comment_id,
            "body": body,
            "issueId": plan.id,
            "userId": author.linear_id,
            "parentId": rng.choice(previous) if previous and rng.random() < 0.2 else None,
            "createdAt": at,
            "editedAt": None,
            "archivedAt": None,
        }
        changes = []
        if rng.random() < 0.05:
            edited = at + timedelta(minutes=rng.randint(1, 120))
            changes.append((edited, {"body": body + " (edited)", "editedAt": edited}))
        tables["comments"].append(build(comment_id, at, payload, changes, linear_stamp))
        issue.comments.append((at, author.linear_id or ""))
        previous.append(comment_id)
