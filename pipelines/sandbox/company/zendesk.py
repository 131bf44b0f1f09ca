"""Zendesk reference data: organizations, users, groups, schedules, holidays and SLA policies.

Organizations mirror Salesforce customer accounts the way Zendesk's Salesforce integration
links them: most carry `external_id` = the 18-character Account Id; some are linked only by
`domain_names`; a few are ambiguous (their domain is shared by two accounts) or match nothing.
Schedules use Zendesk's own time-zone names (Rails names such as "Eastern Time (US & Canada)");
`TIME_ZONES` maps them to IANA names for the arithmetic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from pipelines.sandbox.company import ids
from pipelines.sandbox.company.business_hours import Schedule, weekly_intervals
from pipelines.sandbox.company.clock import HORIZON, NOW, START, whole_seconds
from pipelines.sandbox.company.model import Versioned
from pipelines.sandbox.company.names import (
    COMPANY_KINDS,
    COMPANY_PARTS,
    FIRST_NAMES,
    LAST_NAMES,
    ascii_slug,
)
from pipelines.sandbox.company.people import Employee, People
from pipelines.sandbox.company.records import build, zendesk_stamp
from pipelines.sandbox.company.salesforce import Account, SalesforceWorld
from pipelines.sandbox.company.sla import VIA_IDS, Condition, SlaPolicy

SUBDOMAIN = "lumenor"
BRAND_ID = 360000012345
# Zendesk time-zone names (as its API returns them) -> IANA names.
TIME_ZONES = {
    "Eastern Time (US & Canada)": "America/New_York",
    "Pacific Time (US & Canada)": "America/Los_Angeles",
    "London": "Europe/London",
    "Berlin": "Europe/Berlin",
    "Tokyo": "Asia/Tokyo",
}
IANA_TO_ZENDESK = {iana: name for name, iana in TIME_ZONES.items()}
GROUPS = ("Support", "Tier 2", "Billing", "Enterprise Support", "Support Engineering")
# The catch-all policy's targets in business minutes, per priority: first reply, then requester
# wait.
SLA_TARGETS = {"urgent": 60, "high": 240, "normal": 480, "low": 1440}
# Next reply targets (business minutes) of the catch-all policy.
_NEXT_REPLY = {"urgent": 120, "high": 240, "normal": 300, "low": 960}
_RESOLUTION_TARGETS = {"urgent": 960, "high": 2400, "normal": 4800, "low": 9600}

_US_HOLIDAYS = (
    ("Thanksgiving", date(2025, 11, 27), date(2025, 11, 28)),
    ("Christmas Day", date(2025, 12, 25), date(2025, 12, 25)),
    ("New Year's Day", date(2026, 1, 1), date(2026, 1, 1)),
    ("Martin Luther King Jr. Day", date(2026, 1, 19), date(2026, 1, 19)),
    ("Presidents' Day", date(2026, 2, 16), date(2026, 2, 16)),
    ("Memorial Day", date(2026, 5, 25), date(2026, 5, 25)),
    ("Independence Day (observed)", date(2026, 7, 3), date(2026, 7, 3)),
    ("Labor Day", date(2026, 9, 7), date(2026, 9, 7)),
    ("Thanksgiving", date(2026, 11, 26), date(2026, 11, 27)),
)
_UK_HOLIDAYS = (
    ("Christmas", date(2025, 12, 25), date(2025, 12, 26)),
    ("New Year's Day", date(2026, 1, 1), date(2026, 1, 1)),
    ("Easter", date(2026, 4, 3), date(2026, 4, 6)),
    ("Early May bank holiday", date(2026, 5, 4), date(2026, 5, 4)),
    ("Spring bank holiday", date(2026, 5, 25), date(2026, 5, 25)),
    ("Summer bank holiday", date(2026, 8, 31), date(2026, 8, 31)),
)


@dataclass
class Organization:
    id: int
    name: str
    account: Account | None
    link: str  # external_id | domain | ambiguous | unmatched
    domain: str | None
    created_at: datetime
    segment: str
    users: list[int] = field(default_factory=list)


@dataclass
class ZendeskSchedule:
    id: int
    name: str
    zendesk_time_zone: str
    schedule: Schedule
    holidays: tuple[tuple[str, date, date], ...]
    created_at: datetime


@dataclass
class ZendeskDirectory:
    """Everything a ticket refers to; users by id with their role."""

    organizations: list[Organization]
    groups: dict[str, int]
    agents: dict[str, list[Employee]]  # group name -> agents
    agent_ids: set[int]
    end_users: list[tuple[int, int | None, datetime]]  # (id, organization_id, created_at)
    schedules: list[ZendeskSchedule]
    sla_policies: list[SlaPolicy]
    tables: dict[str, list[Versioned]]
    facts: dict[str, object]

    @property
    def default_schedule(self) -> ZendeskSchedule:
        """The oldest schedule: the one the warehouse takes for the account's default."""
        return min(self.schedules, key=lambda s: (s.created_at, s.id))


def build_directory(
    seed: int, scale: float, people: People, sf: SalesforceWorld
) -> ZendeskDirectory:
    rng = random.Random(f"{seed}:zendesk-directory")
    schedules = _schedules()
    groups = {name: 360000100000 + 1000 * n + 7 for n, name in enumerate(GROUPS)}
    agents = _assign_agents(rng, people)
    organizations, facts = _organizations(rng, scale, sf)
    user_records, end_users = _users(rng, people, sf, organizations, agents, groups)
    sla_records, sla_policies = _sla_policies(groups)
    tables = {
        "organizations": [_organization_record(o, groups) for o in organizations],
        "users": user_records,
        "groups": [_group_record(name, gid) for name, gid in groups.items()],
        "schedules": [_schedule_record(s) for s in schedules],
        "holidays": [record for s in schedules for record in _holiday_records(s)],
        "sla_policies": sla_records,
    }
    agent_ids = {e.zendesk_id for members in agents.values() for e in members if e.zendesk_id}
    return ZendeskDirectory(
        organizations, groups, agents, agent_ids, end_users, schedules, sla_policies, tables, facts
    )


def _schedules() -> list[ZendeskSchedule]:
    """The EMEA schedule is the oldest, so it is the default every ticket runs on: Zendesk's API
    shows no per-ticket schedule. Its days have a lunch break (two intervals) and its holidays
    span several days (Christmas, Easter). The Americas schedule applies to no ticket; its
    holidays (a US Thanksgiving of two days, Independence Day) fall on EMEA working days and
    must not leak into the default's business minutes."""
    weekdays = range(1, 6)
    return [
        ZendeskSchedule(
            360000020002,
            "Support hours (EMEA)",
            "London",
            Schedule(
                "Europe/London",
                sorted(
                    weekly_intervals(weekdays, time(8, 30), time(12, 30))
                    + weekly_intervals(weekdays, time(13, 30), time(17, 30)),
                    key=lambda interval: interval["start_time"],
                ),
                [(first, last) for _, first, last in _UK_HOLIDAYS],
            ),
            _UK_HOLIDAYS,
            datetime(2022, 1, 10, 14, tzinfo=UTC),
        ),
        ZendeskSchedule(
            360000020001,
            "Support hours (Americas)",
            "Eastern Time (US & Canada)",
            Schedule(
                "America/New_York",
                weekly_intervals(weekdays, time(8), time(18)),
                [(first, last) for _, first, last in _US_HOLIDAYS],
            ),
            _US_HOLIDAYS,
            datetime(2023, 3, 6, 15, tzinfo=UTC),
        ),
    ]


def _assign_agents(rng: random.Random, people: People) -> dict[str, list[Employee]]:
    support = people.in_department("support")
    groups: dict[str, list[Employee]] = {name: [] for name in GROUPS}
    for position, agent in enumerate(support):
        # The first agents anchor each group so that no group is ever empty.
        name = (
            GROUPS[position] if position < 4 else rng.choices(GROUPS[:4], (0.55, 0.2, 0.1, 0.15))[0]
        )
        groups[name].append(agent)
    groups["Support Engineering"] = people.in_department("support_engineering")
    return groups


def _organizations(
    rng: random.Random, scale: float, sf: SalesforceWorld
) -> tuple[list[Organization], dict[str, object]]:
    shared = {s["customer"]: s for s in sf.facts["shared_domain_accounts"]}  # type: ignore[attr-defined]
    org_ids = ids.Sequence(360010000000, step_max=900, rng=rng)
    organizations: list[Organization] = []
    cases: dict[str, list[dict[str, object]]] = {
        "domain_only": [],
        "ambiguous": [],
        "unmatched": [],
    }
    for account in sf.customers():
        won = min(c.won_at for c in account.contracts)
        created = max(won, account.created_at).replace(microsecond=0)
        if account.id in shared:
            link = "ambiguous"
        elif account.website is None or rng.random() < 0.82:
            link = "external_id"
        else:
            link = "domain"
        org = Organization(
            org_ids(), account.name, account, link, account.domain, created, account.segment
        )
        organizations.append(org)
        if link == "domain":
            cases["domain_only"].append({"organization_id": org.id, "account_id": account.id})
        elif link == "ambiguous":
            cases["ambiguous"].append(
                {
                    "organization_id": org.id,
                    "account_ids": [account.id, shared[account.id]["lookalike"]],
                    "domain": account.domain,
                }
            )
    # Organizations nobody can match: trial workspaces and partners that are not in Salesforce.
    for _ in range(max(1, round(8 * scale))):
        name = f"{rng.choice(COMPANY_PARTS)} {rng.choice(COMPANY_KINDS)} (trial)"
        created = START + timedelta(days=rng.uniform(0, 300))
        org = Organization(
            org_ids(), name, None, "unmatched", None, created.replace(microsecond=0), "SMB"
        )
        organizations.append(org)
        cases["unmatched"].append({"organization_id": org.id, "name": name})
    return organizations, {"zendesk_org_links": cases}


def _organization_record(org: Organization, groups: dict[str, int]) -> Versioned:
    linked = org.link == "external_id"
    payload = {
        "id": org.id,
        "name": org.name,
        "external_id": org.account.id if linked and org.account else None,
        "domain_names": [org.domain] if org.link in ("domain", "ambiguous") and org.domain else [],
        "details": None,
        "notes": "",
        "group_id": groups["Enterprise Support"] if org.segment == "Enterprise" else None,
        "shared_tickets": False,
        "tags": [org.segment.lower().replace("-", "_")],
        "organization_fields": {"segment": org.segment, "plan": _plan(org.segment)},
        "created_at": org.created_at,
        "deleted_at": None,
    }
    return build(org.id, org.created_at, payload, stamp=zendesk_stamp)


def _plan(segment: str) -> str:
    return {"Enterprise": "enterprise", "Mid-Market": "professional"}.get(segment, "team")


def _users(
    rng: random.Random,
    people: People,
    sf: SalesforceWorld,
    organizations: list[Organization],
    agents: dict[str, list[Employee]],
    groups: dict[str, int],
) -> tuple[list[Versioned], list[tuple[int, int | None, datetime]]]:
    records: list[Versioned] = []
    for group, members in agents.items():
        for agent in members:
            payload = {
                "id": agent.zendesk_id,
                "name": agent.name,
                "email": agent.email,
                "role": "admin" if agent.is_admin else "agent",
                "organization_id": None,
                "external_id": None,
                "time_zone": IANA_TO_ZENDESK[agent.time_zone],
                "active": True,
                "suspended": False,
                "default_group_id": groups[group],
                "created_at": agent.hired_at,
            }
            changes = [(agent.left_at, {"active": False})] if agent.left_at else []
            records.append(build(agent.zendesk_id, agent.hired_at, payload, changes, zendesk_stamp))
    user_ids = ids.Sequence(361500000000, step_max=300, rng=rng)
    end_users: list[tuple[int, int | None, datetime]] = []
    for org in organizations:
        contacts = org.account.contacts if org.account else []
        if not contacts:  # unmatched orgs: people Salesforce does not know
            contacts_data = [
                (f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", None, None)
                for _ in range(rng.randint(1, 3))
            ]
        else:
            contacts_data = [(c.name, c.email, c.id) for c in contacts if c.deleted_at is None]
        for position, (name, email, contact_id) in enumerate(contacts_data):
            user_id = user_ids()
            created = org.created_at + timedelta(days=rng.uniform(0, 60) if position else 0)
            created = min(created, HORIZON - timedelta(days=1)).replace(microsecond=0)
            email = email or f"user{user_id}@example.org"
            payload = {
                "id": user_id,
                "name": name,
                "email": email,
                "role": "end-user",
                "organization_id": org.id,
                "external_id": contact_id,
                "time_zone": rng.choice(list(TIME_ZONES)),
                "active": True,
                "suspended": False,
                "default_group_id": None,
                "created_at": created,
            }
            changes = []
            if rng.random() < 0.004:  # spam accounts get suspended
                suspended = whole_seconds(created + timedelta(days=rng.uniform(1, 90)))
                changes.append((suspended, {"suspended": True}))
            records.append(build(user_id, created, payload, changes, zendesk_stamp))
            org.users.append(user_id)
            end_users.append((user_id, org.id, created))
    # People who write in from an address no organization knows.
    for _ in range(max(2, round(len(end_users) * 0.08))):
        user_id = user_ids()
        created = (START + timedelta(days=rng.uniform(-30, 390))).replace(microsecond=0)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        payload = {
            "id": user_id,
            "name": f"{first} {last}",
            "email": f"{ascii_slug(first)}.{ascii_slug(last)}{user_id % 1000}@gmail.com",
            "role": "end-user",
            "organization_id": None,
            "external_id": None,
            "time_zone": rng.choice(list(TIME_ZONES)),
            "active": True,
            "suspended": False,
            "default_group_id": None,
            "created_at": created,
        }
        records.append(build(user_id, created, payload, stamp=zendesk_stamp))
        end_users.append((user_id, None, created))
    return records, end_users


def _group_record(name: str, group_id: int) -> Versioned:
    created = datetime(2021, 3, 1, 15, tzinfo=UTC) + timedelta(days=GROUPS.index(name) * 40)
    payload = {
        "id": group_id,
        "name": name,
        "description": f"{name} queue",
        "default": name == "Support",
        "deleted": False,
        "created_at": created,
    }
    return build(group_id, created, payload, stamp=zendesk_stamp)


def _schedule_record(s: ZendeskSchedule) -> Versioned:
    created = s.created_at
    payload = {
        "id": s.id,
        "name": s.name,
        "time_zone": s.zendesk_time_zone,
        "intervals": s.schedule.intervals,
        "created_at": created,
    }
    return build(s.id, created, payload, stamp=zendesk_stamp)


def _holiday_records(s: ZendeskSchedule) -> list[Versioned]:
    records = []
    for position, (name, first, last) in enumerate(s.holidays):
        holiday_id = s.id * 100 + position
        # The year's holidays are entered before it starts; next year's appear after `now`, so
        # advancing the clock reveals them.
        created = START - timedelta(days=14) if first < NOW.date() else NOW + timedelta(days=7)
        payload = {
            "id": holiday_id,
            "schedule_id": s.id,
            "name": name,
            "start_date": first,
            "end_date": last,
        }
        records.append(build(holiday_id, created, payload))
    return records


def _sla_policies(groups: dict[str, int]) -> tuple[list[Versioned], list[SlaPolicy]]:
    """Four policies, listed in an order other than their `position`: Enterprise Support's
    group first, then urgent and high incidents (calendar targets), then e-mail tickets that
    are not low priority, then a catch-all. A ticket without priority matches a policy that
    has no target for it: it has no SLA."""
    everyone = {p: (SLA_TARGETS[p], _RESOLUTION_TARGETS[p]) for p in SLA_TARGETS}
    policies = [
        SlaPolicy(
            360000030004,
            "Standard",
            4,
            (),
            (),
            {
                **{("first_reply_time", p): (reply, True) for p, (reply, _) in everyone.items()},
                **{("requester_wait_time", p): (wait, True) for p, (_, wait) in everyone.items()},
                ("total_resolution_time", "low"): (20160, False),
                ("total_resolution_time", "normal"): (10080, False),
                **{("next_reply_time", p): (wait, True) for p, wait in _NEXT_REPLY.items()},
            },
        ),
        SlaPolicy(
            360000030002,
            "Urgent incidents",
            2,
            (Condition("type", "is", "incident"),),
            (Condition("priority", "is", "urgent"), Condition("priority", "is", "high")),
            {
                ("first_reply_time", "urgent"): (45, False),
                ("first_reply_time", "high"): (180, False),
                ("total_resolution_time", "urgent"): (1440, False),
                ("total_resolution_time", "high"): (4320, False),
            },
        ),
        SlaPolicy(
            360000030001,
            "Enterprise",
            1,
            (Condition("group_id", "is", groups["Enterprise Support"]),),
            (),
            {
                **{
                    ("first_reply_time", p): (target, True)
                    for p, target in {"urgent": 30, "high": 120, "normal": 240, "low": 480}.items()
                },
                ("next_reply_time", "urgent"): (60, True),
                ("next_reply_time", "high"): (120, True),
                ("agent_work_time", "urgent"): (240, True),
                ("agent_work_time", "high"): (480, True),
                ("agent_work_time", "normal"): (960, True),
            },
        ),
        SlaPolicy(
            360000030003,
            "E-mail",
            3,
            (Condition("via_id", "is", VIA_IDS["email"]), Condition("priority", "is_not", "low")),
            (),
            {
                ("first_reply_time", "urgent"): (60, True),
                ("first_reply_time", "high"): (180, True),
                ("first_reply_time", "normal"): (360, True),
                ("requester_wait_time", "normal"): (2400, True),
                ("agent_work_time", "normal"): (1200, True),
            },
        ),
    ]
    created = datetime(2023, 5, 2, 16, tzinfo=UTC)
    records = []
    for policy in policies:
        payload = {
            "id": policy.id,
            "title": policy.title,
            "description": f"{policy.title} support targets.",
            "position": policy.position,
            "filter": {
                "all": [_condition(c) for c in policy.all],
                "any": [_condition(c) for c in policy.any],
            },
            "policy_metrics": [
                {"priority": priority, "metric": metric, "target": minutes, "business_hours": hours}
                for (metric, priority), (minutes, hours) in policy.targets.items()
            ],
            "created_at": created,
        }
        records.append(build(policy.id, created, payload, stamp=zendesk_stamp))
    return records, policies


def _condition(c: Condition) -> dict[str, object]:
    return {"field": c.field, "operator": c.operator, "value": str(c.value)}
