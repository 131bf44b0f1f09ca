"""A tiny, hand-built Zendesk company and helpers shared by the Zendesk API and source tests.

The company is small enough to reason about and dense in the cases that matter: records that
change and are deleted (softly, through a field, and hard, by vanishing), several records in one
second (time-based pages must not split them), a record inside the export's last minute, and
records that appear only when the clock advances.
"""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import dlt
import pytest
import requests

from pipelines.sandbox.company.model import Company, Versioned
from pipelines.sandbox.credentials import SANDBOX_CREDENTIALS
from pipelines.sandbox.server import SandboxServer
from tests.sandbox_helpers import NOW, START, single_vendor_company

# Zendesk's incremental exports leave out the last minute before the request.
EXPORT_LAG = timedelta(minutes=1)

# Entities each raw table mirrors, and the instant its endpoint serves (exports lag a minute).
RAW_TABLES = {
    "tickets": ("tickets", EXPORT_LAG),
    "ticket_metrics": ("ticket_metrics", EXPORT_LAG),
    "users": ("users", EXPORT_LAG),
    "organizations": ("organizations", EXPORT_LAG),
    "ticket_events": ("ticket_audits", EXPORT_LAG),
    "ticket_metric_events": ("ticket_metric_events", EXPORT_LAG),
    "groups": ("groups", timedelta(0)),
    "satisfaction_ratings": ("satisfaction_ratings", timedelta(0)),
    "sla_policies": ("sla_policies", timedelta(0)),
    "schedules": ("schedules", timedelta(0)),
    "holidays": ("holidays", timedelta(0)),
}


def _record(key: int, created: datetime, payload: dict[str, Any], *changes: Any) -> Versioned:
    record = Versioned(key=key, created_at=created, payload={"id": key, **payload})
    for at, change in changes:
        record.add_change(at, change)
    return record


def _stamped(key: int, created: datetime, payload: dict[str, Any], *changes: Any) -> Versioned:
    """A record whose `created_at`/`updated_at` follow its versions, as Zendesk stamps them."""
    stamped = [(at, {**change, "updated_at": at}) for at, change in changes]
    stamps = {"created_at": created, "updated_at": created}
    return _record(key, created, {**payload, **stamps}, *stamped)


def _ticket_family(
    number: int, created: datetime, requester: int, group: int, org: int | None
) -> dict[str, list[Versioned]]:
    """One ticket with its audits, metrics, metric events and (when solved) a rating."""
    ticket_id = 1000 + number
    solved = created + timedelta(hours=5 + number)
    deleted = number % 9 == 4
    changes = [(solved, {"status": "solved", "assignee_id": 11})]
    if deleted:
        changes.append((solved + timedelta(days=2), {"status": "deleted"}))
    ticket = _stamped(
        ticket_id,
        created,
        {
            "external_id": None,
            "subject": f"Ticket {number}",
            "description": f"Help with {number}",
            "status": "new",
            "priority": ("low", "normal", "high", "urgent")[number % 4],
            "type": "question",
            "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
            "requester_id": requester,
            "submitter_id": requester,
            "assignee_id": None,
            "group_id": group,
            "organization_id": org,
            "brand_id": 77,
            "tags": ["billing", f"t{number % 3}"],
            "custom_fields": [{"id": 5001, "value": str(number)}],
            "satisfaction_rating": None,
            "is_public": True,
            "due_at": None,
        },
        *changes,
    )
    audit_id = ticket_id * 10
    audits = [
        _record(
            audit_id,
            created,
            {
                "ticket_id": ticket_id,
                "created_at": created,
                "author_id": requester,
                "via": {"channel": "email"},
                "events": [
                    {"id": audit_id + 1, "type": "Create", "field_name": "status", "value": "new"},
                    {"id": audit_id + 2, "type": "Create", "field_name": "tags", "value": ["x"]},
                    {
                        "id": audit_id + 3,
                        "type": "Comment",
                        "author_id": requester,
                        "public": True,
                        "body": f"Help with {number}",
                        "html_body": f"<p>Help with {number}</p>",
                        "attachments": [],
                    },
                ],
            },
        ),
        _record(
            audit_id + 5,
            solved,
            {
                "ticket_id": ticket_id,
                "created_at": solved,
                "author_id": 11,
                "via": {"channel": "web"},
                "events": [
                    {
                        "id": audit_id + 6,
                        "type": "Change",
                        "field_name": "status",
                        "value": "solved",
                        "previous_value": "new",
                    },
                    {
                        "id": audit_id + 7,
                        "type": "Comment",
                        "author_id": 11,
                        "public": number % 2 == 0,
                        "body": "Fixed",
                        "html_body": "<p>Fixed</p>",
                        "attachments": [],
                    },
                ],
            },
        ),
    ]
    metrics = _stamped(
        ticket_id + 50_000,
        created,
        {
            "ticket_id": ticket_id,
            "reopens": 0,
            "replies": 0,
            "solved_at": None,
            "reply_time_in_minutes": {"calendar": None, "business": None},
        },
        (
            solved,
            {
                "replies": 1,
                "solved_at": solved,
                "reply_time_in_minutes": {"calendar": 300, "business": 240},
            },
        ),
    )
    metric_events = [
        _record(
            ticket_id * 100 + offset,
            at,
            {
                "ticket_id": ticket_id,
                "metric": "reply_time",
                "instance_id": 1,
                "type": kind,
                "time": at,
                "deleted": False,
            },
        )
        for offset, (kind, at) in enumerate((("activate", created), ("fulfill", solved)))
    ]
    family = {
        "tickets": [ticket],
        "ticket_audits": audits,
        "ticket_metrics": [metrics],
        "ticket_metric_events": metric_events,
        "satisfaction_ratings": [],
    }
    if number % 3 == 0:
        rated = solved + timedelta(hours=2)
        rating = _stamped(
            ticket_id + 70_000,
            rated,
            {
                "ticket_id": ticket_id,
                "score": "good",
                "comment": "Thanks",
                "reason_id": None,
                "assignee_id": 11,
                "group_id": group,
                "requester_id": requester,
            },
            (rated + timedelta(days=3), {"score": "bad", "comment": "It broke again"}),
        )
        family["satisfaction_ratings"].append(rating)
    return family


def tiny_company(tickets: int = 24) -> Company:
    """Tickets spread over the year, a few after `NOW`, some sharing a second, one in the lag."""
    orgs = [
        _stamped(
            200 + n,
            START + timedelta(days=n),
            {
                "name": f"Org {n}",
                "external_id": None,
                "domain_names": [f"org{n}.example"],
                "details": None,
                "notes": "",
                "group_id": None,
                "shared_tickets": False,
                "tags": [],
                "organization_fields": {"segment": "SMB"},
                "deleted_at": None,
            },
            *(
                [(NOW - timedelta(days=3), {"name": f"Org {n} Inc"})]
                if n == 1
                else [(NOW + timedelta(days=2), {"deleted_at": NOW + timedelta(days=2)})]
                if n == 2
                else []
            ),
        )
        for n in range(5)
    ]
    # Three organizations created in the same second: a time-based page must not split them.
    same_second = START + timedelta(days=40, hours=3)
    orgs += [
        _stamped(
            300 + n,
            same_second + timedelta(microseconds=0),
            {
                "name": f"Burst {n}",
                "external_id": None,
                "domain_names": [],
                "details": None,
                "notes": "",
                "group_id": None,
                "shared_tickets": False,
                "tags": [],
                "organization_fields": {},
                "deleted_at": None,
            },
        )
        for n in range(3)
    ]
    people = [
        _stamped(
            key,
            START - timedelta(days=30 - key),
            {
                "name": f"Person {key}",
                "email": f"p{key}@example.com",
                "role": "agent" if key < 20 else "end-user",
                "organization_id": None if key < 20 else 200 + key % 5,
                "external_id": None,
                "time_zone": "London",
                "active": True,
                "suspended": False,
                "default_group_id": 31 if key < 20 else None,
            },
            *([(NOW + timedelta(days=1), {"active": False})] if key == 12 else []),
        )
        for key in (11, 12, 21, 22, 23, 24)
    ]
    groups = [
        _stamped(
            key,
            START - timedelta(days=100),
            {"name": f"Group {key}", "description": "", "default": key == 31, "deleted": False},
            # 32 is soft-deleted (listed with `deleted: true`); 33 vanishes after the clock.
            *([(NOW - timedelta(days=10), {"deleted": True})] if key == 32 else []),
        )
        for key in (31, 32, 33)
    ]
    groups[2].removed_at = NOW + timedelta(days=3)
    tables: dict[str, list[Versioned]] = {
        "organizations": orgs,
        "users": people,
        "groups": groups,
        "tickets": [],
        "ticket_audits": [],
        "ticket_metrics": [],
        "ticket_metric_events": [],
        "satisfaction_ratings": [],
        "sla_policies": [
            _stamped(
                40 + n,
                START - timedelta(days=200),
                {
                    "title": f"Policy {n}",
                    "description": "",
                    "position": n,
                    "filter": {"all": [], "any": []},
                    "policy_metrics": [
                        {"priority": "high", "metric": "first_reply_time", "target": 60 * n}
                    ],
                },
            )
            for n in (1, 2)
        ],
        "schedules": [
            _stamped(
                key,
                START - timedelta(days=300),
                {
                    "name": f"Schedule {key}",
                    "time_zone": "London",
                    "intervals": [{"start_time": 1980, "end_time": 2460}],
                },
            )
            for key in (51, 52)
        ],
        "holidays": [
            _record(
                600 + n,
                START - timedelta(days=10) if n < 3 else NOW + timedelta(days=5),
                {
                    "schedule_id": 51 if n % 2 == 0 else 52,
                    "name": f"Holiday {n}",
                    "start_date": date(2025, 12, 20 + n),
                    "end_date": date(2025, 12, 20 + n),
                },
            )
            for n in range(4)
        ],
    }
    span = (NOW - START) / tickets
    for number in range(tickets):
        created = START + span * number + timedelta(hours=1)
        if number in (5, 6):  # two tickets created in one second
            created = START + span * 5 + timedelta(hours=1)
        if number == tickets - 1:
            created = NOW - timedelta(seconds=30)  # inside the export's last minute
        if number == tickets - 2:
            created = NOW + timedelta(days=1)  # appears when the clock advances
        family = _ticket_family(number, created, 21 + number % 4, 31 + number % 3, 200 + number % 5)
        for entity, records in family.items():
            tables[entity].extend(records)
    for records in tables.values():
        records.sort(key=lambda record: record.created_at)
    return single_vendor_company("zendesk", tables)


# --- expectations from the company model itself (independent of the API code) ------------


def visible(company: Company, entity: str, at: datetime) -> dict[Any, dict[str, Any]]:
    """What Zendesk should show of `entity` at `at`, by id."""
    return {
        record.key: state
        for record in company.tables["zendesk"][entity]
        if (state := record.state_at(at)) is not None
    }


def expected_rows(company: Company, table: str, now: datetime) -> dict[Any, dict[str, Any]]:
    entity, lag = RAW_TABLES[table]
    return visible(company, entity, now - lag)


# --- running the API and the source ------------------------------------------------------


def basic_auth(email: str | None = None, token: str | None = None) -> dict[str, str]:
    creds = SANDBOX_CREDENTIALS["zendesk"]
    secret = f"{email or creds['email']}/token:{token or creds['api_token']}"
    return {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}


class Api:
    """A tiny client for contract tests: authenticated GETs against the sandbox's Zendesk."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.root = f"{server.url}/zendesk"

    def get(self, path: str, **params: Any) -> requests.Response:
        url = path if path.startswith("http") else f"{self.root}{path}"
        return requests.get(url, params=params or None, headers=basic_auth(), timeout=10)

    def json(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.get(path, **params)
        assert response.status_code == 200, response.text
        return response.json()


def point_source_at(server: SandboxServer, monkeypatch: pytest.MonkeyPatch, **config: str) -> None:
    for key, value in server.client_settings().items():
        monkeypatch.setenv(key, value)
    for key, value in config.items():
        monkeypatch.setenv(f"SOURCES__ZENDESK__{key.upper()}", value)


def make_pipeline(tmp_path: Path, name: str = "zendesk_test") -> dlt.Pipeline:
    return dlt.pipeline(
        pipeline_name=name,
        destination=dlt.destinations.duckdb(credentials=str(tmp_path / "warehouse.duckdb")),
        dataset_name="raw_zendesk",
        pipelines_dir=str(tmp_path / "dlt"),
    )


def run_source(pipeline: dlt.Pipeline) -> None:
    from pipelines.zendesk import zendesk_source

    pipeline.run(zendesk_source())


def query(pipeline: dlt.Pipeline, selects: dict[str, str]) -> dict[str, list[tuple[Any, ...]]]:
    """`{table: columns}` -> each table's rows, on one connection (opening one costs ~0.2 s)."""
    with pipeline.sql_client() as client:
        return {
            table: list(client.execute_sql(f"select {columns} from {table}"))
            for table, columns in selects.items()
        }


def table_rows(pipeline: dlt.Pipeline, table: str, columns: str = "*") -> list[tuple[Any, ...]]:
    return query(pipeline, {table: columns})[table]
