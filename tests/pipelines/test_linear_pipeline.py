"""The Linear dlt source end to end: sandbox -> dlt -> DuckDB, compared with the sandbox's state.

Expectations come from the company's records (`Versioned.state_at` at the sandbox clock), not
from the API: every raw table must hold exactly what Linear shows with `includeArchived: true`.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from pathlib import Path

import dlt
import duckdb
import pytest

from pipelines.common.errors import CredentialsError
from pipelines.linear import ISSUES_PER_HISTORY_QUERY, MAX_PAGE_SIZE, linear_source
from pipelines.sandbox.company import build_company
from pipelines.sandbox.company.model import Company, Versioned
from pipelines.sandbox.server import SandboxServer
from tests.linear_fixtures import build_linear_company, visible
from tests.loading import FAST_RETRY_ENV, raw_snapshot, stuck_cursor_load
from tests.sandbox_helpers import serve as running_sandbox

TABLES = (
    "teams",
    "users",
    "workflow_states",
    "labels",
    "projects",
    "cycles",
    "issues",
    "issue_history",
    "comments",
    "attachments",
)
# History rides along with the issues: every other table is one top-level connection.
CONNECTIONS = len(TABLES) - 1
PAGE_SIZE = 100  # [sources.linear] page_size in .dlt/config.toml
NESTED_PAGE_SIZE = 50  # [sources.linear] nested_page_size
GENERATED_SCALE = 0.05


class Loader:
    """Runs the real source against one sandbox into one DuckDB file, keeping dlt state."""

    def __init__(self, server: SandboxServer, root: Path, monkeypatch: pytest.MonkeyPatch):
        for key, value in {**server.client_settings(), **FAST_RETRY_ENV}.items():
            monkeypatch.setenv(key, value)
        self.server = server
        self.warehouse = root / "warehouse.duckdb"
        self.pipeline = dlt.pipeline(
            pipeline_name="linear_test",
            destination=dlt.destinations.duckdb(credentials=str(self.warehouse)),
            dataset_name="raw_linear",
            pipelines_dir=str(root / "dlt"),
        )

    def load(self) -> int:
        """Load once; return the number of Linear requests it took."""
        before = self.server.sandbox.request_counts["linear"]
        self.pipeline.run(linear_source())
        return self.server.sandbox.request_counts["linear"] - before

    def rows(self, table: str, deleted: bool = False) -> dict[str, datetime]:
        """Rows by id with their `updated_at`: current ones, or those marked deleted."""
        condition = "is not null" if deleted else "is null"
        with duckdb.connect(str(self.warehouse), read_only=True) as connection:
            found = connection.execute(
                f"select id, updated_at from raw_linear.{table} where deleted_at {condition}"
            ).fetchall()
        return {key: updated for key, updated in found}


def expected_rows(company: Company, at: datetime) -> dict[str, dict[str, datetime]]:
    return {
        table: {p["id"]: p["updatedAt"] for p in visible(company, table, at)} for table in TABLES
    }


def assert_matches_sandbox(loader: Loader, company: Company) -> None:
    expected = expected_rows(company, loader.server.sandbox.now)
    for table in TABLES:
        assert loader.rows(table) == expected[table], table


@pytest.fixture
def fixture_company() -> Company:
    return build_linear_company()


def assert_deletions_marked(loader: Loader, company: Company, before: datetime) -> None:
    """Records gone for good keep their last loaded row, marked deleted."""
    for table in TABLES:
        gone = {p["id"]: p["updatedAt"] for p in visible(company, table, before)}
        for payload in visible(company, table, loader.server.sandbox.now):
            gone.pop(payload["id"], None)
        assert loader.rows(table, deleted=True) == gone, table


def test_full_then_unchanged_then_a_week_later(fixture_company, tmp_path, monkeypatch):
    with running_sandbox(fixture_company) as server:
        loader = Loader(server, tmp_path, monkeypatch)
        loader.load()
        assert_matches_sandbox(loader, fixture_company)
        assert_columns(loader)

        loaded = {table: loader.rows(table) for table in TABLES}
        assert loader.load() == CONNECTIONS
        assert {table: loader.rows(table) for table in TABLES} == loaded

        before = server.sandbox.now
        server.sandbox.advance(timedelta(days=7))
        monkeypatch.setenv("SOURCES__LINEAR__DELETION_SWEEP_HOURS", "0")
        requests = loader.load()
        assert_matches_sandbox(loader, fixture_company)
        # One page per connection, the history of the issues that changed, one sweep page each.
        assert requests == CONNECTIONS + 1 + CONNECTIONS
        assert_deletions_marked(loader, fixture_company, before)
        assert loader.rows("comments", deleted=True)


def assert_columns(loader: Loader) -> None:
    """Linear's fields land under dlt's names, relations flattened to `<relation>_id`."""
    with duckdb.connect(str(loader.warehouse), read_only=True) as connection:
        issue = connection.execute(
            "select state_id, team_id, parent_id, label_ids, due_date, trashed "
            "from raw_linear.issues where identifier = 'ENG-5'"
        ).fetchall()
        attachment = connection.execute(
            "select metadata ->> 'ticketId', source_type, issue_id from raw_linear.attachments"
        ).fetchall()
        history = connection.execute(
            "select count(*) from raw_linear.issue_history h "
            "join raw_linear.issues i on i.id = h.issue_id where i.identifier = 'ENG-2'"
        ).fetchall()
    ((state_id, team_id, parent_id, label_ids, due_date, trashed),) = issue
    assert state_id and team_id and parent_id is None and trashed is None
    assert label_ids.startswith("[") and str(due_date) == "2026-10-20"
    assert attachment[0][:2] == ("42", "zendesk")
    # ENG-2 has more history than one nested page and than Linear's cap on `first`.
    assert history[0][0] > MAX_PAGE_SIZE


def test_a_record_without_id_is_quarantined_and_named(
    fixture_company, tmp_path, monkeypatch, caplog
):
    broken = dict(fixture_company.tables["linear"]["comments"][0].payload, id="", body="broken")
    fixture_company.tables["linear"]["comments"].append(
        Versioned(key="", created_at=broken["createdAt"], payload=broken)
    )
    with running_sandbox(fixture_company) as server, caplog.at_level(logging.WARNING):
        loader = Loader(server, tmp_path, monkeypatch)
        loader.load()
        good = {p["id"] for p in visible(fixture_company, "comments", server.sandbox.now)} - {""}
        assert set(loader.rows("comments")) == good
    with duckdb.connect(str(loader.warehouse), read_only=True) as connection:
        quarantined = connection.execute(
            "select entity, reason, record from raw_linear.quarantine"
        ).fetchall()
    ((entity, reason, record),) = quarantined
    assert entity == "comments" and "id" in reason and '"broken"' in record
    assert any("quarantined linear comments" in message for message in caplog.messages)


def test_wrong_api_key_ends_in_a_credentials_error(fixture_company, tmp_path, monkeypatch):
    with running_sandbox(fixture_company) as server, pytest.raises(Exception) as failure:
        loader = Loader(server, tmp_path, monkeypatch)
        monkeypatch.setenv("SOURCES__LINEAR__API_KEY", "lin_api_not_this_one")
        loader.load()
    chain: list[BaseException] = []
    error: BaseException | None = failure.value
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or error.__context__
    (credentials,) = [e for e in chain if isinstance(e, CredentialsError)]
    assert "SOURCES__LINEAR__API_KEY" in str(credentials)
    assert "lin_api_not_this_one" not in str(credentials)


def minimum_requests(company: Company, at: datetime, page_size: int) -> int:
    """Requests a full load needs at a page size, from the records' own counts."""
    tables = {table: visible(company, table, at) for table in TABLES}
    top_level = sum(
        max(1, math.ceil(len(tables[t]) / page_size)) for t in TABLES if t != "issue_history"
    )
    issues = len(tables["issues"])
    history = math.ceil(issues / min(page_size, ISSUES_PER_HISTORY_QUERY))
    per_issue: dict[str, int] = {}
    for entry in tables["issue_history"]:
        per_issue[entry["issueId"]] = per_issue.get(entry["issueId"], 0) + 1
    follow_ups = sum(
        math.ceil((n - NESTED_PAGE_SIZE) / MAX_PAGE_SIZE)
        for n in per_issue.values()
        if n > NESTED_PAGE_SIZE
    )
    return top_level + history + follow_ups


@pytest.fixture(scope="module")
def generated_company() -> Company:
    return build_company(seed=1, scale=GENERATED_SCALE)


def test_generated_company_loads_exactly_and_efficiently(
    generated_company, tmp_path, monkeypatch, capsys
):
    company, scale = generated_company, GENERATED_SCALE
    with running_sandbox(company) as server:
        loader = Loader(server, tmp_path, monkeypatch)
        requests = loader.load()
        assert_matches_sandbox(loader, company)
        needed = minimum_requests(company, server.sandbox.now, PAGE_SIZE)
        floor = minimum_requests(company, server.sandbox.now, MAX_PAGE_SIZE)
        assert requests == needed
        with capsys.disabled():
            rows = sum(len(loader.rows(table)) for table in TABLES)
            print(
                f"\nlinear full load at scale {scale}: {rows} rows in {requests} requests "
                f"(minimum at page size {PAGE_SIZE}: {needed}; at Linear's cap 250: {floor})"
            )
        assert loader.load() == CONNECTIONS
        before = server.sandbox.now
        server.sandbox.advance(timedelta(days=7))
        monkeypatch.setenv("SOURCES__LINEAR__DELETION_SWEEP_HOURS", "0")
        # Records keep changing while this load pages (30 minutes pass per request); cursors
        # are positions, so nothing is skipped and the next load has only the rest to fetch.
        server.sandbox.options.churn_minutes = 30
        loader.load()
        server.sandbox.options.churn_minutes = 0
        loader.load()
        assert_matches_sandbox(loader, company)
        assert_deletions_marked(loader, company, before)


def test_faults_change_nothing_in_the_result(generated_company, tmp_path, monkeypatch):
    snapshots = []
    for faults in (0.0, 0.2):
        root = tmp_path / f"faults-{faults}"
        root.mkdir()
        with running_sandbox(
            generated_company, faults=faults, seed=3, slow_seconds=1.5, retry_after_seconds=0
        ) as server:
            # Small pages: many requests, so every kind of fault turns up.
            monkeypatch.setenv("SOURCES__LINEAR__PAGE_SIZE", "20")
            Loader(server, root, monkeypatch).load()
            if faults:
                assert len(server.sandbox.fault_counts) >= 4, server.sandbox.fault_counts
        snapshots.append(raw_snapshot(root / "warehouse.duckdb", ["raw_linear"]))
    assert snapshots[0] == snapshots[1]


def test_a_stuck_cursor_ends_the_load_with_one_line_and_commits_nothing(fixture_company, tmp_path):
    line, cursor, times_sent = stuck_cursor_load(
        fixture_company, "linear", tmp_path / "w.duckdb", {"SOURCES__LINEAR__PAGE_SIZE": "5"}
    )
    assert line.startswith("Linear "), line
    assert f"repeats the cursor {cursor} " in line
    assert times_sent == 1, "the repeated cursor is never asked for twice"
