"""A tiny hand-built Linear company for the Linear tests, with every edge case the contract has.

Independent of the generator: the expectations in the tests derive from these records through
`Versioned.state_at`, never from the API under test.
"""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from graphql import GraphQLSchema, build_schema

from pipelines.sandbox.company.model import Company, Payload, Versioned
from pipelines.sandbox.credentials import SANDBOX_CREDENTIALS
from pipelines.sandbox.server import SandboxServer
from pipelines.sandbox.vendors.linear_schema import SCHEMA_PATH
from tests.sandbox_helpers import NOW, START, single_vendor_company

API_KEY = SANDBOX_CREDENTIALS["linear"]["api_key"]


@functools.cache
def official_schema() -> GraphQLSchema:
    """Linear's official schema (1.25 MB of SDL, 3 s to build and validate: once per test run).

    Built from the copy the sandbox ships, so it is there in any clone; test_linear_schema proves
    that copy is the published spec wherever the spec is at hand.
    """
    return build_schema(SCHEMA_PATH.read_text())


# More history entries than one nested page (the source asks for 50) and than Linear's cap
# on `first` (250).
LONG_HISTORY = 260
LONG_COMMENTS = 70


def lid(kind: str, n: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"linear/{kind}/{n}"))


def _base(kind: str, n: int, created: datetime, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": lid(kind, n),
        "createdAt": created,
        "updatedAt": created,
        "archivedAt": None,
    }
    return {**base, **fields}


def _record(payload: dict, changes: list | None = None, removed_at: datetime | None = None):
    record = Versioned(key=payload["id"], created_at=payload["createdAt"], payload=payload)
    for at, change in changes or []:
        record.add_change(at, {**change, "updatedAt": at})
    record.removed_at = removed_at
    return record


def _issue(n: int, created: datetime, **overrides: object) -> dict[str, object]:
    fields = dict(
        identifier=f"ENG-{n}",
        number=n,
        title=f"Issue {n}",
        description=f"Something to do, number {n}",
        priority=2,
        priorityLabel="High",
        estimate=3,
        startedAt=None,
        completedAt=None,
        canceledAt=None,
        startedTriageAt=created,
        triagedAt=created + timedelta(hours=2),
        autoArchivedAt=None,
        autoClosedAt=None,
        dueDate=None,
        slaType="all",
        slaStartedAt=created,
        slaMediumRiskAt=created + timedelta(days=1),
        slaHighRiskAt=created + timedelta(days=2),
        slaBreachesAt=created + timedelta(days=3),
        trashed=None,
        url=f"https://linear.app/acme/issue/ENG-{n}",
        integrationSourceType=None,
        stateId=lid("state", 1),
        teamId=lid("team", 1),
        assigneeId=lid("user", 1),
        creatorId=lid("user", 2),
        labelIds=[lid("label", 1)],
        projectId=lid("project", 1),
        cycleId=lid("cycle", 1),
        parentId=None,
    )
    return _base("issue", n, created, **{**fields, **overrides})


def _history(n: int, issue: int, created: datetime) -> dict[str, object]:
    return _base(
        "history",
        n,
        created,
        issueId=lid("issue", issue),
        actorId=lid("user", 1),
        fromStateId=lid("state", 1),
        toStateId=lid("state", 2),
        fromAssigneeId=None,
        toAssigneeId=lid("user", 1),
        fromPriority=None,
        toPriority=2,
        archived=None,
        trashed=None,
    )


def _comment(n: int, issue: int, created: datetime) -> dict[str, object]:
    return _base(
        "comment",
        n,
        created,
        body=f"comment {n}",
        issueId=lid("issue", issue),
        userId=lid("user", 2),
        parentId=None,
        editedAt=None,
    )


def build_linear_company() -> Company:
    day = timedelta(days=1)
    t0 = START + 10 * day
    teams = [
        _record(_base("team", 1, t0, key="ENG", name="Engineering", description=None)),
        _record(
            _base("team", 2, t0, key="SUP", name="Support", description="Tier 2"),
            changes=[(NOW - 5 * day, {"archivedAt": NOW - 5 * day})],
        ),
    ]
    users = [
        _record(
            _base(
                "user",
                n,
                t0,
                name=f"User {n}",
                displayName=f"user{n}",
                email=f"user{n}@example.com",
                active=n != 3,
                admin=n == 1,
                guest=False,
                app=False,
                timezone="Europe/Berlin",
            )
        )
        for n in (1, 2, 3)
    ]
    states = [
        _record(
            _base(
                "state",
                n,
                t0,
                name=name,
                type=kind,
                color="#aaaaaa",
                position=float(n),
                teamId=lid("team", 1),
            )
        )
        for n, (name, kind) in enumerate(
            [("Triage", "triage"), ("In Progress", "started"), ("Done", "completed")], start=1
        )
    ]
    labels = [
        _record(_base("label", n, t0, name=f"label {n}", color="#ff0000", teamId=lid("team", 1)))
        for n in (1, 2)
    ]
    projects = [
        _record(
            _base(
                "project",
                1,
                t0,
                name="Launch",
                description="",
                state="started",
                startedAt=t0,
                completedAt=None,
                canceledAt=None,
                targetDate=datetime(2026, 12, 1, tzinfo=UTC).date(),
                teamIds=[lid("team", 1), lid("team", 2)],
                leadId=lid("user", 1),
            )
        )
    ]
    cycles = [
        _record(
            _base(
                "cycle",
                1,
                t0,
                number=1,
                name=None,
                teamId=lid("team", 1),
                startsAt=t0,
                endsAt=t0 + 14 * day,
                completedAt=t0 + 14 * day,
            )
        )
    ]
    issues = [
        _record(_issue(1, START + 20 * day)),
        # Long history and many comments: more than one nested page of each.
        _record(
            _issue(2, START + 30 * day, labelIds=[lid("label", 1), lid("label", 2)]),
            changes=[(NOW - 2 * day, {"stateId": lid("state", 2)})],
        ),
        # Archived, and trashed: only visible with includeArchived.
        _record(_issue(3, START + 40 * day, archivedAt=START + 50 * day)),
        _record(
            _issue(4, START + 45 * day, trashed=True, archivedAt=START + 46 * day),
            # Purged from the trash after the clock advances: gone from the API for good.
            removed_at=NOW + 5 * day,
        ),
        # Changes after the default clock: appear when the sandbox clock advances.
        _record(
            _issue(5, START + 60 * day, integrationSourceType="zendesk", dueDate="2026-10-20"),
            changes=[(NOW + 3 * day, {"stateId": lid("state", 3), "completedAt": NOW + 3 * day})],
        ),
        _record(_issue(6, NOW + 2 * day, parentId=lid("issue", 1))),
    ]
    history = [
        _record(_history(n, 2, START + 30 * day + n * timedelta(hours=1)))
        for n in range(1, LONG_HISTORY + 1)
    ]
    history += [
        _record(_history(1000 + n, n, START + 60 * day + n * timedelta(hours=1))) for n in (1, 3, 5)
    ]
    history.append(_record(_history(2000, 5, NOW + 3 * day)))
    history.append(_record(_history(2001, 2, NOW - 2 * day)))
    comments = [
        _record(_comment(n, 2, START + 31 * day + n * timedelta(minutes=5)))
        for n in range(1, LONG_COMMENTS + 1)
    ]
    comments.append(
        _record(
            _comment(500, 1, START + 21 * day),
            changes=[(NOW + 1 * day, {"body": "edited", "editedAt": NOW + 1 * day})],
        )
    )
    # Deleted for good after the clock advances: it vanishes from the API.
    comments.append(_record(_comment(501, 1, START + 22 * day), removed_at=NOW + 4 * day))
    attachments = [
        _record(
            _base(
                "attachment",
                1,
                START + 61 * day,
                url="https://acme.zendesk.com/agent/tickets/42",
                title="Ticket #42",
                subtitle="Open",
                sourceType="zendesk",
                source={"type": "zendesk"},
                metadata={"ticketId": 42, "status": "open"},
                issueId=lid("issue", 5),
                creatorId=lid("user", 1),
            )
        )
    ]
    return single_vendor_company(
        "linear",
        {
            "teams": teams,
            "users": users,
            "workflow_states": states,
            "labels": labels,
            "projects": projects,
            "cycles": cycles,
            "issues": issues,
            "issue_history": history,
            "comments": comments,
            "attachments": attachments,
        },
    )


def post(
    server: SandboxServer,
    query: str,
    variables: dict[str, Any] | None = None,
    authorization: str | None = API_KEY,
) -> requests.Response:
    headers = {"Authorization": authorization} if authorization is not None else {}
    return requests.post(
        f"{server.url}/linear/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers,
        timeout=10,
    )


def archived(payload: Payload) -> bool:
    return payload.get("archivedAt") is not None or bool(payload.get("trashed"))


def visible(
    company: Company, entity: str, at: datetime, include_archived: bool = True
) -> list[Payload]:
    """What the API should show of an entity at `at`, computed from the records themselves.

    Timestamps at Linear's precision (milliseconds).
    """
    shown = [
        {k: _milliseconds(v) for k, v in p.items()} for p in company.visible("linear", entity, at)
    ]
    return [p for p in shown if include_archived or not archived(p)]


def _milliseconds(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(microsecond=value.microsecond - value.microsecond % 1000)
    return value
