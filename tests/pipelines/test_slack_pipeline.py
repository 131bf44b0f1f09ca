"""The Slack dlt source end to end: the real pipeline against an in-process sandbox into DuckDB."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from pipelines.common.errors import CredentialsError, SourceError
from pipelines.sandbox.company.model import Company, Versioned
from pipelines.sandbox.server import SandboxServer
from pipelines.slack import slack_source
from tests.loading import FAST_RETRY_ENV, raw_snapshot, snapshot_differences, stuck_cursor_load
from tests.sandbox_helpers import NOW
from tests.sandbox_helpers import serve as running_sandbox
from tests.slack_fixtures import (
    expected_messages,
    generated_company,
    minimum_requests,
    thread_of,
    tiny_company,
    ts_of,
)

PAGE_SIZE = 5
LOOKBACK = timedelta(days=14)


class Loader:
    """Runs the Slack source into one warehouse with its own dlt state, counting requests."""

    def __init__(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        name: str = "w",
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.warehouse = tmp_path / f"{name}.duckdb"
        self.pipelines_dir = tmp_path / f"{name}-pipelines"
        self.monkeypatch = monkeypatch
        for key, value in {**FAST_RETRY_ENV, "SOURCES__SLACK__PAGE_SIZE": str(page_size)}.items():
            monkeypatch.setenv(key, value)

    def run(
        self, server: SandboxServer, env: dict[str, str] | None = None
    ) -> tuple[int, dict[str, int]]:
        """Load once; return the number of Slack requests served and the rows loaded per table."""
        for key, value in {**server.client_settings(), **(env or {})}.items():
            self.monkeypatch.setenv(key, value)
        pipeline = dlt.pipeline(
            pipeline_name="support_analytics_slack",
            destination=dlt.destinations.duckdb(credentials=str(self.warehouse)),
            dataset_name="raw_slack",
            pipelines_dir=str(self.pipelines_dir),
        )
        before = server.sandbox.request_counts["slack"]
        pipeline.run(slack_source())
        counts = pipeline.last_trace.last_normalize_info.row_counts
        loaded = {table: rows for table, rows in counts.items() if not table.startswith("_dlt")}
        return server.sandbox.request_counts["slack"] - before, loaded

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        connection = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    def messages(self) -> dict[tuple[str, str], tuple[Any, ...]]:
        rows = self.query(
            "select channel, ts, text, edited__ts, is_deleted from raw_slack.messages"
        )
        return {(row[0], row[1]): row[2:] for row in rows}

    def snapshot(self) -> Any:
        return raw_snapshot(self.warehouse, ["raw_slack"])


@pytest.fixture
def company() -> Company:
    return tiny_company()


@pytest.fixture
def server(company) -> Iterator[SandboxServer]:
    with running_sandbox(company) as running:
        yield running


def assert_matches_sandbox(loader: Loader, company: Company, at: datetime) -> None:
    """Raw rows equal what Slack shows at `at`: every live message by key, text and edit
    time; tombstones and vanished messages flagged deleted; users and channels by id."""
    expected = expected_messages(company, at)
    rows = loader.messages()
    live = {key for key, row in rows.items() if not row[2]}
    assert live == {key for key, want in expected.items() if not want["gone"]}
    for key in live:
        assert rows[key][:2] == (expected[key]["text"], expected[key]["edited_ts"]), key
    assert {key for key, want in expected.items() if want["gone"]} <= set(rows)
    assert set(rows) - set(expected) <= {key for key, row in rows.items() if row[2]}
    users = loader.query("select id, real_name, deleted, updated from raw_slack.users")
    assert {row[0]: row[1:] for row in users} == {
        state["id"]: (state["real_name"], state["deleted"], epoch(state["updated"]))
        for state in company.visible("slack", "users", at)
    }
    channels = loader.query("select id, is_archived from raw_slack.channels")
    assert dict(channels) == {
        state["id"]: state["is_archived"] for state in company.visible("slack", "channels", at)
    }


def epoch(value: datetime | int) -> int:
    return int(value.timestamp()) if isinstance(value, datetime) else value


def error_chain(error: BaseException | None) -> list[BaseException]:
    chain = []
    while error is not None:
        chain.append(error)
        error = error.__cause__ or error.__context__
    return chain


def window_requests(company: Company, at: datetime) -> int:
    """Requests of a rerun with nothing new: the lists, and each member channel's history
    window (messages newer than its newest top-level message minus the lookback)."""

    def pages(count: int) -> int:
        return max(1, -(-count // PAGE_SIZE))

    channels = list(company.visible("slack", "channels", at))
    total = pages(len(channels)) + pages(len(company.records("slack", "users")))
    expected = expected_messages(company, at)
    for channel in channels:
        if not channel["is_member"]:
            continue
        history = [
            Decimal(record.payload["ts"])
            for record in company.records("slack", "messages")
            if record.payload["channel"] == channel["id"]
            and (channel["id"], record.payload["ts"]) in expected
            and (
                thread_of(record) is None
                or (record.state_at(at) or {}).get("subtype") == "thread_broadcast"
            )
        ]
        top_level = [
            Decimal(r.payload["ts"])
            for r in company.records("slack", "messages")
            if r.payload["channel"] == channel["id"]
            and (channel["id"], r.payload["ts"]) in expected
            and thread_of(r) is None
        ]
        floor = max(top_level) - Decimal(int(LOOKBACK.total_seconds()))
        total += pages(sum(ts > floor for ts in history))
    return total


def test_full_load_equals_the_sandbox_with_the_minimum_requests(
    server, company, tmp_path, monkeypatch
):
    loader = Loader(tmp_path, monkeypatch)
    requests, loaded = loader.run(server)
    assert_matches_sandbox(loader, company, NOW)
    assert loaded["messages"] == len(expected_messages(company, NOW))
    minimum = minimum_requests(company, NOW, PAGE_SIZE)
    print(f"slack full load: {requests} requests, minimum {minimum} at page size {PAGE_SIZE}")
    assert requests == minimum


def test_rerun_changes_nothing_and_a_week_later_equals_the_sandbox(
    server, company, tmp_path, monkeypatch
):
    loader = Loader(tmp_path, monkeypatch)
    first, _ = loader.run(server)
    before = loader.snapshot()
    second, loaded = loader.run(server)
    print(f"slack rerun: {second} requests (full load {first})")
    assert second == window_requests(company, NOW) < first
    assert "messages" not in loaded and "users" not in loaded
    assert snapshot_differences(before, loader.snapshot()) == []

    seen_before = set(loader.messages())
    later = server.sandbox.advance(timedelta(days=7))
    loader.run(server)
    assert_matches_sandbox(loader, company, later)
    vanished = seen_before - set(expected_messages(company, later))
    assert vanished, "the fixture deletes messages within the week"
    rows = loader.messages()
    assert all(rows[key][2] is True for key in vanished)


def test_a_load_under_churn_converges_on_the_next_run(company, tmp_path, monkeypatch):
    """With the clock moving 20 minutes per request, pages shift under the reader; cursors are
    positions, so the run still loads a consistent set and the next run catches up exactly."""
    loader = Loader(tmp_path, monkeypatch)
    with running_sandbox(company, churn_minutes=20) as server:
        loader.run(server)
        moved_to = server.sandbox.now
    assert moved_to - NOW > timedelta(hours=12)
    with running_sandbox(company) as server:
        server.sandbox.set_now(moved_to)
        loader.run(server)
    assert_matches_sandbox(loader, company, moved_to)


def test_transport_faults_change_nothing(company, tmp_path, monkeypatch):
    clean = Loader(tmp_path, monkeypatch, "clean")
    with running_sandbox(company) as server:
        clean.run(server)
    faulty = Loader(tmp_path, monkeypatch, "faulty")
    with running_sandbox(company, faults=0.2, slow_seconds=1.5, retry_after_seconds=0) as server:
        faulty.run(server)
        faults = dict(server.sandbox.fault_counts)
    print(f"slack load through faults: {faults}")
    assert sum(faults.values()) > 5
    assert snapshot_differences(clean.snapshot(), faulty.snapshot()) == []


def test_a_load_that_fails_midway_is_redone_by_the_next(company, tmp_path, monkeypatch):
    """A failed run commits neither rows nor cursors: the next run picks up from the last good
    one, and nothing is lost."""
    loader = Loader(tmp_path, monkeypatch)
    with running_sandbox(company) as server:
        loader.run(server)
        server.sandbox.advance(timedelta(days=7))
        later = server.sandbox.now
    # Seed 14 draws its first fault at the 15th request: after the lists, amid the messages.
    failing = {"faults": 0.15, "seed": 14, "retry_after_seconds": 0, "slow_seconds": 0}
    with running_sandbox(company, **failing) as server:
        server.sandbox.set_now(later)
        with pytest.raises(PipelineStepFailed) as raised:
            loader.run(server, {"RUNTIME__REQUEST_MAX_ATTEMPTS": "1"})
        served_before_failing = server.sandbox.request_counts["slack"]
    assert served_before_failing > 3, "the failure should come mid-run"
    assert any(
        isinstance(error, SourceError) and "after every retry" in str(error)
        for error in error_chain(raised.value)
    )
    with running_sandbox(company) as server:
        server.sandbox.set_now(later)
        loader.run(server)
    assert_matches_sandbox(loader, company, later)


def test_a_key_first_seen_after_20k_messages_still_loads(tmp_path, monkeypatch):
    """DuckDB samples a JSON-lines file's first 20,480 rows for its columns; a key that first
    appears later must still load (the load files are capped below that)."""
    company = tiny_company(messages_per_channel=1)
    channel = "C0TINYCHN00"
    start = NOW - timedelta(days=3)
    for n in range(20_600):
        at = start + timedelta(seconds=n)
        # History is served newest first: the oldest message, with the new key, comes last.
        extra = {"is_starred": True} if n == 0 else {}
        company.tables["slack"]["messages"].append(
            Versioned(
                key=(channel, n),
                created_at=at,
                payload={
                    "channel": channel,
                    "ts": ts_of(at, 7),
                    "type": "message",
                    "user": "U0TINYUSR01",
                    "text": f"m{n}",
                    **extra,
                },
            )
        )
    loader = Loader(tmp_path, monkeypatch, page_size=999)
    with running_sandbox(company) as server:
        loader.run(server)
    starred = loader.query("select ts from raw_slack.messages where is_starred")
    assert starred == [(ts_of(start, 7),)]


def test_a_user_without_id_is_quarantined_and_named(company, tmp_path, monkeypatch, caplog):
    broken = Versioned(
        key="broken",
        created_at=NOW - timedelta(days=3),
        payload={"name": "ghost-without-id", "updated": NOW - timedelta(days=3)},
    )
    company.tables["slack"]["users"].append(broken)
    loader = Loader(tmp_path, monkeypatch)
    with running_sandbox(company) as server, caplog.at_level(logging.WARNING):
        loader.run(server)
    assert any(
        "quarantined slack users" in line and "ghost-without-id" in line for line in caplog.messages
    )
    quarantined = loader.query("select entity, reason from raw_slack.quarantine")
    assert quarantined == [("users", "missing primary key id")]
    landed = {row[0] for row in loader.query("select id from raw_slack.users")}
    assert landed == {
        state["id"] for state in company.visible("slack", "users", NOW) if state.get("id")
    }


def test_a_rejected_token_ends_with_credentials_error(server, tmp_path, monkeypatch, caplog):
    loader = Loader(tmp_path, monkeypatch)
    with pytest.raises(PipelineStepFailed) as raised:
        loader.run(server, {"SOURCES__SLACK__ACCESS_TOKEN": "xoxb-wrong-secret"})
    chain = error_chain(raised.value)
    credentials = [error for error in chain if isinstance(error, CredentialsError)]
    assert credentials, chain
    assert "invalid_auth" in str(credentials[0])
    assert "SOURCES__SLACK__ACCESS_TOKEN" in str(credentials[0])
    assert "xoxb-wrong-secret" not in str(credentials[0]) + caplog.text


def test_generated_company_loads_exactly_and_catches_up_a_week_later(tmp_path, monkeypatch):
    """The generator's workspace (seed 1, scale 0.05) at the default page size: the full load
    uses the minimum requests, and a week later the tables equal the sandbox again."""
    company = generated_company()
    loader = Loader(tmp_path, monkeypatch, page_size=200)
    with running_sandbox(company) as server:
        requests, _ = loader.run(server)
        minimum = minimum_requests(company, NOW, 200)
        print(f"slack full load at scale 0.05: {requests} requests, minimum {minimum}")
        assert requests == minimum
        assert_matches_sandbox(loader, company, NOW)
        server.sandbox.advance(timedelta(days=7))
        requests, loaded = loader.run(server)
        print(f"slack load a week later: {requests} requests, rows {loaded}")
        assert_matches_sandbox(loader, company, server.sandbox.now)


def test_a_stuck_cursor_ends_the_load_with_one_line_and_commits_nothing(company, tmp_path):
    line, cursor, times_sent = stuck_cursor_load(
        company, "slack", tmp_path / "w.duckdb", {"SOURCES__SLACK__PAGE_SIZE": str(PAGE_SIZE)}
    )
    assert line.startswith(("Slack conversations.", "Slack users.list")), line
    assert f"repeats the cursor {cursor} " in line
    assert times_sent == 1, "the repeated cursor is never asked for twice"
