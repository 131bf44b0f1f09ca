"""The Zendesk dlt source run for real, into a temporary DuckDB, against an in-process sandbox.

Expected rows come from the company model at the sandbox clock (exports lag one minute, as
Zendesk's do), never from the API or source code under test.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed
from flask import request

from pipelines.common.errors import CredentialsError
from pipelines.common.paging import StuckPaginationError
from pipelines.sandbox.company.model import Company, Versioned
from pipelines.zendesk.client import ZendeskClient
from tests.loading import stuck_cursor_load
from tests.sandbox_helpers import NOW, START, serve
from tests.scripted_http import Answer, scripted_session
from tests.zendesk_fixtures import (
    RAW_TABLES,
    expected_rows,
    make_pipeline,
    point_source_at,
    query,
    run_source,
    table_rows,
    tiny_company,
)

# Complete lists: rows that vanish from the API stay, flagged by the source.
FULL_LISTS = {"groups", "sla_policies", "schedules", "holidays"}
# Beyond the id, what must match the sandbox, per table.
COMPARED = {
    "tickets": ("updated_at", "status"),
    "ticket_metrics": ("updated_at",),
    "users": ("updated_at", "active"),
    "organizations": ("updated_at", "deleted_at"),
    "satisfaction_ratings": ("updated_at", "score"),
    "holidays": ("schedule_id",),
    "groups": ("deleted",),
}


def _comparable(value: Any) -> Any:
    # The API writes whole seconds; DuckDB hands timestamps back as aware datetimes.
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(microsecond=0)
    return value


def assert_raw_equals_sandbox(pipeline, company: Company, now: datetime) -> None:
    def columns(table: str) -> str:
        flag = ", is_deleted" if table in FULL_LISTS else ""
        return ", ".join(("id", *COMPARED.get(table, ()))) + flag

    loaded_tables = query(pipeline, {table: columns(table) for table in RAW_TABLES})
    for table, rows in loaded_tables.items():
        expected = expected_rows(company, table, now)
        fields = COMPARED.get(table, ())
        loaded = {row[0]: row for row in rows}
        assert len(loaded) == len(rows), f"{table}: duplicate ids"
        if table in FULL_LISTS:
            gone = loaded.keys() - expected.keys()
            assert all(loaded[key][-1] for key in gone), f"{table}: vanished rows not flagged"
            assert not any(loaded[key][-1] for key in expected), f"{table}: live rows flagged"
            loaded = {key: row for key, row in loaded.items() if key in expected}
        assert loaded.keys() == expected.keys(), table
        for key, row in loaded.items():
            want = tuple(_comparable(expected[key][field]) for field in fields)
            assert tuple(_comparable(value) for value in row[1 : 1 + len(fields)]) == want, (
                table,
                key,
            )


def row_counts(pipeline) -> dict[str, int]:
    counts = query(pipeline, {table: "count(*)" for table in RAW_TABLES})
    return {table: rows[0][0] for table, rows in counts.items()}


class RequestLog:
    """Every request the sandbox receives: path and query arguments."""

    def __init__(self, server) -> None:
        self.entries: list[tuple[str, dict[str, str]]] = []
        server.app.before_request(self._record)

    def _record(self) -> None:
        self.entries.append((request.path.removeprefix("/zendesk/api/v2/"), dict(request.args)))

    def by_path(self) -> Counter[str]:
        return Counter(path for path, _ in self.entries)


@pytest.fixture
def fast_retries(monkeypatch):
    monkeypatch.setenv("RUNTIME__REQUEST_TIMEOUT", "1")
    monkeypatch.setenv("RUNTIME__REQUEST_BACKOFF_FACTOR", "0.05")
    monkeypatch.setenv("RUNTIME__REQUEST_MAX_ATTEMPTS", "12")


def test_full_load_then_incremental_then_clock_advance(tmp_path, monkeypatch):
    company = tiny_company()
    with serve(company) as server:
        log = RequestLog(server)
        point_source_at(server, monkeypatch, page_size="5")
        pipeline = make_pipeline(tmp_path)

        run_source(pipeline)
        assert_raw_equals_sandbox(pipeline, company, NOW)
        first = log.by_path()
        assert first["incremental/tickets/cursor.json"] > 1, "small pages: several requests"
        counts = row_counts(pipeline)

        log.entries.clear()
        before = server.sandbox.request_counts["zendesk"]
        run_source(pipeline)
        second = log.by_path()
        assert server.sandbox.request_counts["zendesk"] - before == sum(second.values())
        # One request per endpoint: only what changed since the cursors, i.e. nothing.
        assert all(n == 1 for path, n in second.items() if path != "business_hours/schedules.json")
        assert sum(second.values()) < sum(first.values())
        args = dict(log.entries)
        assert "cursor" in args["incremental/tickets/cursor.json"]
        assert "start_time" not in args["incremental/tickets/cursor.json"]
        resumed = int(args["incremental/organizations.json"]["start_time"])
        assert resumed > START.timestamp()
        assert row_counts(pipeline) == counts

        later = server.sandbox.advance(timedelta(days=7))
        run_source(pipeline)
        assert_raw_equals_sandbox(pipeline, company, later)
        rows = query(pipeline, {"tickets": "id, status", "groups": "id, is_deleted"})
        assert "deleted" in dict(rows["tickets"]).values(), "a ticket deleted after the first load"
        assert dict(rows["groups"])[33] is True


def test_load_under_churn_misses_nothing(tmp_path, monkeypatch):
    """Records change while the load pages through them (six hours of clock per request).

    Whatever changed mid-load must be either in this load or after the cursors it saved: a
    second, calm load then leaves the raw tables exactly as the sandbox is.
    """
    company = tiny_company()
    with serve(company, churn_minutes=6 * 60) as server:
        point_source_at(server, monkeypatch, page_size="5")
        pipeline = make_pipeline(tmp_path)
        run_source(pipeline)
        assert server.sandbox.now > NOW + timedelta(days=3)
        server.sandbox.options.churn_minutes = 0
        run_source(pipeline)
        assert_raw_equals_sandbox(pipeline, company, server.sandbox.now)


def snapshot(pipeline, sandbox_url: str) -> dict[str, list[str]]:
    """Every raw table's rows without dlt's bookkeeping columns or the sandbox's port."""
    with pipeline.sql_client() as client:
        tables = [
            name
            for (name,) in client.execute_sql(
                "select table_name from information_schema.tables "
                "where table_schema = 'raw_zendesk' and table_name not like '_dlt%'"
            )
        ]
        result = {}
        for table in tables:
            columns = [
                name
                for (name,) in client.execute_sql(
                    "select column_name from information_schema.columns "
                    f"where table_schema = 'raw_zendesk' and table_name = '{table}'"
                )
                if not name.startswith("_dlt") or name == "_dlt_list_idx"
            ]
            quoted = ", ".join(f'"{name}"' for name in columns)
            rows = client.execute_sql(f"select {quoted} from {table}")
            result[table] = sorted(repr(row).replace(sandbox_url, "<sandbox>") for row in rows)
    return result


def test_load_through_faults_equals_a_clean_load(tmp_path, monkeypatch, fast_retries):
    company = tiny_company()
    with serve(company) as server:
        point_source_at(server, monkeypatch, page_size="5")
        clean = make_pipeline(tmp_path / "clean")
        run_source(clean)
        clean_url = server.url
    options = {"faults": 0.2, "slow_seconds": 1.5, "retry_after_seconds": 0}
    with serve(company, **options) as server:
        point_source_at(server, monkeypatch, page_size="5")
        faulty = make_pipeline(tmp_path / "faulty")
        run_source(faulty)
        faults = sum(server.sandbox.fault_counts.values())
        faulty_url = server.url
    assert faults >= 3, "the faulty sandbox did inject faults"
    assert snapshot(faulty, faulty_url) == snapshot(clean, clean_url)


def test_malformed_records_are_quarantined_and_the_rest_loads(tmp_path, monkeypatch, caplog):
    company = tiny_company()
    zendesk = company.tables["zendesk"]
    zendesk["groups"].append(Versioned(key=39, created_at=START, payload={"name": "No id"}))
    zendesk["tickets"].append(
        Versioned(key=5, created_at=START, payload={"subject": "No id", "updated_at": START})
    )
    with serve(company) as server, caplog.at_level(logging.WARNING, "pipelines.quarantine"):
        point_source_at(server, monkeypatch)
        pipeline = make_pipeline(tmp_path)
        run_source(pipeline)
    quarantined = table_rows(pipeline, "quarantine", "source, entity, reason")
    assert sorted(quarantined) == [
        ("zendesk", "groups", "missing primary key id"),
        ("zendesk", "tickets", "missing primary key id"),
    ]
    assert "quarantined zendesk groups record" in caplog.text
    assert "No id" in caplog.text
    # The well-formed rest is all there.
    for table in ("groups", "tickets"):
        loaded = {row[0] for row in table_rows(pipeline, table, "id")}
        assert loaded == set(expected_rows(company, table, NOW)) - {39, 5}


def test_wrong_token_ends_in_credentials_error_naming_the_secrets(tmp_path, monkeypatch):
    with serve(tiny_company()) as server:
        point_source_at(server, monkeypatch, api_token="wrong-secret-value")
        pipeline = make_pipeline(tmp_path)
        with pytest.raises(PipelineStepFailed) as failure:
            run_source(pipeline)
    error: BaseException | None = failure.value
    while error is not None and not isinstance(error, CredentialsError):
        error = error.__cause__ or error.__context__
    assert isinstance(error, CredentialsError)
    assert "sources.zendesk.api_token" in str(error)
    assert "wrong-secret-value" not in str(error)


# --- how each export ends ----------------------------------------------------------------------


def test_ticket_metric_events_end_without_end_of_stream_with_every_event(tmp_path, monkeypatch):
    """Their export has no `end_of_stream` and its last `next_page` serves the same events."""
    company = tiny_company()
    with serve(company) as server:
        log = RequestLog(server)
        point_source_at(server, monkeypatch, page_size="5")
        pipeline = make_pipeline(tmp_path)
        run_source(pipeline)
    loaded = [row[0] for row in table_rows(pipeline, "ticket_metric_events", "id")]
    expected = expected_rows(company, "ticket_metric_events", NOW)
    assert sorted(loaded) == sorted(expected)
    asked = [args for path, args in log.entries if path == "incremental/ticket_metric_events.json"]
    # Pages of 5 that overlap on their last second: more than len/5, never twice the same start.
    assert len(expected) / 5 <= len(asked) <= len(expected)
    starts = [int(args["start_time"]) for args in asked]
    assert starts == sorted(set(starts))


def export_client(answer: Answer, page_size: int = 5) -> tuple[ZendeskClient, list[str]]:
    base = "https://acme.zendesk.test"
    client = ZendeskClient(base, "admin@example.com", "token", page_size)
    session, transport = scripted_session(base, answer)
    client._client.session = session
    return client, transport.asked


def export_page(
    start: int, items: int, end_time: int | None, end_of_stream: bool | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "events": [{"id": start * 100 + n} for n in range(items)],
        "count": items,
        "end_time": end_time,
        "next_page": f"https://acme.zendesk.test/api/v2/x.json?start_time={end_time}&per_page=5",
    }
    if end_of_stream is not None:
        body["end_of_stream"] = end_of_stream
    return body


def read_export(client: ZendeskClient, state: dict[str, Any]) -> list[Any]:
    pages = client.time_export("x.json", "events", state, start_time=100)
    return [record for page in pages for record in page.records]


def test_a_short_page_ends_an_export_without_end_of_stream():
    pages = {"100": export_page(100, 5, 200), "200": export_page(200, 2, 250)}
    client, asked = export_client(lambda path, query: pages[query["start_time"]])
    state: dict[str, Any] = {}
    assert len(read_export(client, state)) == 7
    assert len(asked) == 2
    # The next run starts at the last page's end_time: only that second is read again.
    assert state == {"end_time": 250}


def test_an_end_time_that_does_not_move_ends_an_export_without_end_of_stream():
    # A full page, but its next_page would serve it again.
    client, asked = export_client(lambda path, query: export_page(100, 5, 100))
    state: dict[str, Any] = {}
    assert len(read_export(client, state)) == 5
    assert len(asked) == 1
    assert state == {"end_time": 100}


def test_the_configured_page_size_is_the_full_page():
    """Pages of 5 when 5 were asked for are not short; the 1000 limit only caps what is asked."""
    pages = {"100": export_page(100, 5, 150), "150": export_page(150, 5, 170)}
    pages["170"] = export_page(170, 0, None)
    client, asked = export_client(lambda path, query: pages[query["start_time"]])
    state: dict[str, Any] = {}
    assert len(read_export(client, state)) == 10
    assert len(asked) == 3
    assert state == {"end_time": 170}, "a page without end_time leaves the state alone"


def test_end_of_stream_true_ends_even_a_full_page():
    client, asked = export_client(lambda path, query: export_page(100, 5, 180, end_of_stream=True))
    state: dict[str, Any] = {}
    assert len(read_export(client, state)) == 5
    assert (len(asked), state) == (1, {"end_time": 180})


def test_end_of_stream_false_with_a_next_page_that_repeats_the_request_fails():
    client, asked = export_client(lambda path, query: export_page(100, 1, 100, end_of_stream=False))
    state: dict[str, Any] = {}
    with pytest.raises(StuckPaginationError) as failure:
        read_export(client, state)
    assert str(failure.value).startswith(
        "Zendesk x.json repeats the cursor https://acme.zendesk.test/api/v2/x.json?start_time=100"
    )
    assert len(asked) == 1
    assert state == {}, "no page of the stuck export counts as read"


def test_a_stuck_cursor_ends_the_load_with_one_line_and_commits_nothing(tmp_path):
    line, cursor, times_sent = stuck_cursor_load(
        tiny_company(), "zendesk", tmp_path / "w.duckdb", {"SOURCES__ZENDESK__PAGE_SIZE": "5"}
    )
    endpoint = line.split(" ")[1]
    assert endpoint in {*PAGED, "incremental/ticket_metric_events.json"}, line
    assert times_sent == 1, "the repeated cursor is never asked for twice"
    assert cursor in line


# --- the generated company ---------------------------------------------------------------------

# Endpoint -> (raw table whose rows it serves, Zendesk's page-size ceiling).
PAGED = {
    "incremental/tickets/cursor.json": ("tickets", 1000),
    "incremental/users/cursor.json": ("users", 1000),
    "incremental/organizations.json": ("organizations", 1000),
    "incremental/ticket_events.json": ("ticket_events", 1000),
    "incremental/ticket_metric_events.json": ("ticket_metric_events", 1000),
    "satisfaction_ratings.json": ("satisfaction_ratings", 100),
    "groups.json": ("groups", 100),
}


@pytest.fixture(scope="module")
def generated_company():
    from pipelines.sandbox.company import build_company

    return build_company(seed=1, scale=0.05)


def test_generated_company_loads_exactly_and_efficiently(tmp_path, monkeypatch, generated_company):
    with serve(generated_company) as server:
        log = RequestLog(server)
        point_source_at(server, monkeypatch)
        pipeline = make_pipeline(tmp_path)
        run_source(pipeline)
        assert_raw_equals_sandbox(pipeline, generated_company, NOW)
        made = log.by_path()
        # A week later (with the generator's bursts of updates just after `now`), still exact.
        later = server.sandbox.advance(timedelta(days=7))
        run_source(pipeline)
        assert_raw_equals_sandbox(pipeline, generated_company, later)

    schedules = len(expected_rows(generated_company, "schedules", NOW))
    minimum = {
        path: max(1, math.ceil(len(expected_rows(generated_company, table, NOW)) / limit))
        for path, (table, limit) in PAGED.items()
    }
    minimum_total = sum(minimum.values()) + 2 + schedules  # SLA policies, schedules, holidays
    total = sum(made.values())
    print(f"zendesk full load: {total} requests, minimum {minimum_total} ({dict(made)})")
    for path, least in minimum.items():
        # Time-based pages repeat their last second: at most one page more than the minimum.
        assert least <= made[path] <= least + 1, path
    # The holidays resource lists the schedules once more to know whom to ask.
    assert total <= minimum_total + len(PAGED) + 1
