"""The Salesforce dlt source, end to end against an in-process sandbox, into a temporary DuckDB.

Expectations come from the sandbox's company at its clock (what queryAll shows), never from the
source's own code.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from pipelines.common.errors import CredentialsError
from pipelines.salesforce import salesforce_source
from pipelines.sandbox.company.model import ENTITIES, Company, Entity, Versioned
from pipelines.sandbox.faults import FAULT_KINDS
from tests.loading import stuck_cursor_load
from tests.salesforce_fixtures import OBJECTS, sandbox_rows, tiny_company
from tests.sandbox_helpers import serve

FAST_RETRIES = {
    "RUNTIME__REQUEST_TIMEOUT": "1",
    "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.05",
    "RUNTIME__REQUEST_MAX_ATTEMPTS": "12",
}


@pytest.fixture(scope="module")
def tiny() -> Company:
    return tiny_company()


@pytest.fixture(scope="module")
def generated() -> Company:
    from pipelines.sandbox.company import build_company

    return build_company(seed=1, scale=0.05)


@pytest.fixture(params=["tiny", "generated"])
def company(request) -> Company:
    return request.getfixturevalue(request.param)


@pytest.fixture
def page_size(company) -> int:
    """The minimum batch on the tiny company (many pages), the default on the generated one."""
    return 200 if company.scale == 0 else 2000


def load(server, tmp_path, monkeypatch, name: str = "sf", page_size: int = 200, **env: str):
    """Run the real source through dlt into `<tmp_path>/<name>.duckdb`."""
    for key, value in {**server.client_settings(), **env}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("SOURCES__SALESFORCE__PAGE_SIZE", str(page_size))
    pipeline = dlt.pipeline(
        pipeline_name=f"salesforce_{name}",
        destination=dlt.destinations.duckdb(str(tmp_path / f"{name}.duckdb")),
        dataset_name="raw_salesforce",
        pipelines_dir=str(tmp_path / "dlt"),
    )
    pipeline.run(salesforce_source())
    return pipeline


def table(pipeline, name: str, columns: str = "*") -> list[dict[str, Any]]:
    with (
        pipeline.sql_client() as client,
        client.execute_query(f"SELECT {columns} FROM {name}") as cursor,
    ):
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def millis(moment: datetime) -> datetime:
    """Salesforce's wire format carries milliseconds."""
    return moment.astimezone(UTC).replace(microsecond=moment.microsecond // 1000 * 1000)


def state_at(company: Company, sobject: str, at: datetime) -> dict[str, tuple]:
    """What queryAll shows at `at`: Id -> (SystemModstamp to the millisecond, IsDeleted)."""
    return {
        row["Id"]: (millis(row["SystemModstamp"]), bool(row.get("IsDeleted")))
        for row in company.visible("salesforce", sobject, at)
    }


def raw_state(pipeline, raw_table: str) -> dict[str, tuple]:
    deleted = "false AS is_deleted" if raw_table == "users" else "is_deleted"
    rows = table(pipeline, raw_table, f"id, system_modstamp, {deleted}")
    state = {r["id"]: (millis(r["system_modstamp"]), bool(r["is_deleted"])) for r in rows}
    assert len(state) == len(rows), f"{raw_table} has duplicate ids"
    return state


def assert_raw_equals_sandbox(pipeline, sandbox) -> None:
    """Every raw table holds exactly queryAll's rows at the clock, with their latest version."""
    for raw_table, sobject in OBJECTS.items():
        expected = state_at(sandbox.company, sobject, sandbox.now)
        assert raw_state(pipeline, raw_table) == expected, raw_table


def minimum_requests(sandbox, page_size: int) -> int:
    """One login, then ceil(rows / page) queries per object (at least one to learn it is empty)."""
    return 1 + sum(
        max(1, math.ceil(len(sandbox_rows(sandbox, sobject)) / page_size))
        for sobject in OBJECTS.values()
    )


def changed_between(before: dict, after: dict) -> int:
    return sum(
        1
        for row_id, row in after.items()
        if before.get(row_id, {}).get("SystemModstamp") != row["SystemModstamp"]
    )


def test_full_then_incremental_then_a_week_later(
    company, page_size, tmp_path, monkeypatch, record_property
):
    """One pipeline's life: a full load, a load with nothing new, a load a week later."""
    with serve(company) as server:
        sandbox = server.sandbox
        # 1. Full load: every row, soft deletes flagged, in the fewest requests paging allows.
        pipeline = load(server, tmp_path, monkeypatch, page_size=page_size)
        full_requests = sandbox.request_counts["salesforce"]
        assert_raw_equals_sandbox(pipeline, sandbox)
        assert full_requests == minimum_requests(sandbox, page_size)
        record_property("full_load_requests", full_requests)
        deleted = {
            row_id
            for sobject in ("Account", "Contact", "Opportunity")
            for row_id, row in sandbox_rows(sandbox, sobject).items()
            if row["IsDeleted"]
        }
        assert deleted, "the company has soft-deleted records"
        flagged = {
            row["id"]
            for raw_table in ("accounts", "contacts", "opportunities")
            for row in table(pipeline, raw_table, "id, is_deleted")
            if row["is_deleted"]
        }
        assert flagged == deleted

        # 2. Nothing changed: a login and one short page per object (the cursor's boundary
        # rows, already loaded), and no row moves.
        counts = {t: len(table(pipeline, t, "id")) for t in OBJECTS}
        pipeline = load(server, tmp_path, monkeypatch, page_size=page_size)
        assert sandbox.request_counts["salesforce"] - full_requests == 1 + len(OBJECTS)
        assert {t: len(table(pipeline, t, "id")) for t in OBJECTS} == counts
        loaded = pipeline.last_trace.last_normalize_info.row_counts
        assert not any(loaded.get(t) for t in OBJECTS), loaded

        # 3. A week later: new, changed and newly deleted rows arrive, by reading only them.
        before = {s: sandbox_rows(sandbox, s) for s in OBJECTS.values()}
        sandbox.advance(timedelta(days=7))
        requests_before = sandbox.request_counts["salesforce"]
        pipeline = load(server, tmp_path, monkeypatch, page_size=page_size)
        week_requests = sandbox.request_counts["salesforce"] - requests_before
        assert_raw_equals_sandbox(pipeline, sandbox)
        changed = [changed_between(before[s], sandbox_rows(sandbox, s)) for s in OBJECTS.values()]
    assert sum(changed), "the week changed something"
    assert week_requests <= 1 + sum(math.ceil((n + 1) / page_size) for n in changed)


def test_transport_faults_do_not_change_the_result(tiny, tmp_path, monkeypatch):
    company = tiny  # many pages, so the fault draws hit data requests too
    with serve(company) as server:
        clean = load(server, tmp_path, monkeypatch, name="clean")
    options = {"faults": 0.2, "slow_seconds": 1.5, "retry_after_seconds": 0}
    with serve(company, **options) as server:
        faulty = load(server, tmp_path, monkeypatch, name="faulty", **FAST_RETRIES)
        faults = sum(server.sandbox.fault_counts.values())
    assert faults > 0
    for raw_table in OBJECTS:
        columns = "* EXCLUDE (_dlt_load_id, _dlt_id)"
        expected = sorted(table(clean, raw_table, columns), key=lambda r: r["id"])
        assert sorted(table(faulty, raw_table, columns), key=lambda r: r["id"]) == expected


def test_every_fault_kind_in_a_row_is_survived(tmp_path, monkeypatch):
    """Each kind hits one data request (403 REQUEST_LIMIT_EXCEEDED too, which Salesforce sends
    without Retry-After), the retry succeeds, and the load still matches the sandbox."""
    kinds = list(FAULT_KINDS)
    options = {"slow_seconds": 1.5, "retry_after_seconds": 0}
    with serve(tiny_company(accounts=250), **options) as server:
        draws = iter([None] + [draw for kind in kinds for draw in (kind, None)])
        monkeypatch.setattr(server.sandbox.faults, "draw", lambda: next(draws, None))
        retries = {**FAST_RETRIES, "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.01"}
        pipeline = load(server, tmp_path, monkeypatch, **retries)
        assert server.sandbox.fault_counts == dict.fromkeys(kinds, 1)
        assert_raw_equals_sandbox(pipeline, server.sandbox)


def test_churn_and_expiring_sessions(tiny, tmp_path, monkeypatch, caplog):
    """Records change while a load pages through them, and every session expires mid-load.

    Each request moves the clock ten hours (sessions last two), so every page needs a fresh
    login, and accounts are created, renamed and deleted between pages. Each raw table must
    still equal its object exactly as the sandbox showed it at one of the load's clock values
    (its last page): no row lost, no stale version kept.
    """
    churn = timedelta(hours=10)
    with serve(tiny, churn_minutes=churn.total_seconds() / 60) as server:
        start = server.sandbox.now
        with caplog.at_level(logging.WARNING, logger="pipelines.salesforce"):
            pipeline = load(server, tmp_path, monkeypatch)
        end = server.sandbox.now
        relogins = [r for r in caplog.records if "logging in again" in r.getMessage()]
        clocks = [start + churn * k for k in range(int((end - start) / churn) + 1)] + [end]
        assert len(relogins) >= len(OBJECTS)
        assert any(state_at(tiny, s, start) != state_at(tiny, s, end) for s in OBJECTS.values())
        for raw_table, sobject in OBJECTS.items():
            got = raw_state(pipeline, raw_table)
            assert any(state_at(tiny, sobject, at) == got for at in clocks), raw_table
        # With the clock standing still again, the next load catches up exactly.
        server.sandbox.options.churn_minutes = 0
        pipeline = load(server, tmp_path, monkeypatch)
        assert_raw_equals_sandbox(pipeline, server.sandbox)


def test_wrong_password_is_a_credentials_error(tmp_path, monkeypatch):
    with serve(tiny_company(accounts=5)) as server, pytest.raises(PipelineStepFailed) as failure:
        load(server, tmp_path, monkeypatch, SOURCES__SALESFORCE__PASSWORD="not-the-password")
    error: BaseException | None = failure.value
    while error is not None and not isinstance(error, CredentialsError):
        error = error.__cause__ or error.__context__
    assert isinstance(error, CredentialsError)
    assert "SOURCES__SALESFORCE__PASSWORD" in str(error)
    assert "not-the-password" not in str(error)


def test_a_record_without_id_is_quarantined(tmp_path, monkeypatch, caplog):
    company = tiny_company(accounts=30)
    good = company.tables["salesforce"]["Account"][1]
    broken = Versioned(
        key="broken",
        created_at=good.created_at,
        payload={**good.payload, "Id": None, "Name": "Account without an id"},
    )
    company.tables["salesforce"]["Account"].append(broken)
    with serve(company) as server:
        with caplog.at_level(logging.WARNING, logger="pipelines.quarantine"):
            pipeline = load(server, tmp_path, monkeypatch)
        expected_ids = {i for i in sandbox_rows(server.sandbox, "Account") if i is not None}
    assert {r["id"] for r in table(pipeline, "accounts", "id")} == expected_ids
    quarantined = table(pipeline, "quarantine", "source, entity, reason, record")
    assert [(q["source"], q["entity"]) for q in quarantined] == [("salesforce", "accounts")]
    assert "Account without an id" in quarantined[0]["record"]
    assert any(
        "salesforce accounts" in r.getMessage() and "missing primary key Id" in r.getMessage()
        for r in caplog.records
    )


def test_a_custom_field_the_org_lacks_is_left_out(tmp_path, monkeypatch, caplog):
    """An org without Segment__c: Account loads without it (one describe call), with a warning."""
    accounts = ENTITIES["salesforce"]["Account"]
    without = Entity(accounts.key, tuple(f for f in accounts.fields if f != "Segment__c"))
    monkeypatch.setitem(ENTITIES["salesforce"], "Account", without)
    with serve(tiny_company(accounts=30)) as server:
        with caplog.at_level(logging.WARNING, logger="pipelines.salesforce"):
            pipeline = load(server, tmp_path, monkeypatch)
        assert_raw_equals_sandbox(pipeline, server.sandbox)
    assert any("Account has no field Segment__c" in r.getMessage() for r in caplog.records)
    assert {r["segment__c"] for r in table(pipeline, "accounts", "segment__c")} == {None}
    assert None not in {
        r["billing_country"] for r in table(pipeline, "accounts", "billing_country")
    }


def test_a_stuck_cursor_ends_the_load_with_one_line_and_commits_nothing(tiny, tmp_path):
    line, cursor, times_sent = stuck_cursor_load(
        tiny, "salesforce", tmp_path / "w.duckdb", {"SOURCES__SALESFORCE__PAGE_SIZE": "200"}
    )
    assert line.startswith("Salesforce queryAll of "), line
    assert "/queryAll/" in cursor
    assert times_sent == 1, "the repeated nextRecordsUrl is never asked for twice"
