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
from pipelines.sandbox.company.model import Company, Versioned
from tests.salesforce_fixtures import OBJECTS, sandbox_rows, serve, tiny_company

FAST_RETRIES = {
    "RUNTIME__REQUEST_TIMEOUT": "1",
    "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.05",
    "RUNTIME__REQUEST_MAX_ATTEMPTS": "12",
}


@pytest.fixture(scope="module", params=["tiny", "generated"])
def company(request) -> Company:
    if request.param == "tiny":
        return tiny_company()
    from pipelines.sandbox.company import build_company

    return build_company(seed=1, scale=0.05)


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


def assert_raw_equals_sandbox(pipeline, sandbox) -> None:
    """Every raw table holds exactly queryAll's rows at the clock, with their latest version."""
    for raw_table, sobject in OBJECTS.items():
        expected = {
            row_id: (millis(row["SystemModstamp"]), bool(row.get("IsDeleted")))
            for row_id, row in sandbox_rows(sandbox, sobject).items()
        }
        deleted = "is_deleted" if sobject != "User" else "false AS is_deleted"
        rows = table(pipeline, raw_table, f"id, system_modstamp, {deleted}")
        got = {r["id"]: (millis(r["system_modstamp"]), bool(r["is_deleted"])) for r in rows}
        assert len(rows) == len(expected), raw_table
        assert got == expected, raw_table


def minimum_requests(sandbox, page_size: int) -> int:
    """One login, then ceil(rows / page) queries per object (at least one to learn it is empty)."""
    return 1 + sum(
        max(1, math.ceil(len(sandbox_rows(sandbox, sobject)) / page_size))
        for sobject in OBJECTS.values()
    )


@pytest.mark.parametrize("page_size", [200, 2000])
def test_full_load_equals_the_sandbox_with_minimal_requests(
    company, tmp_path, monkeypatch, page_size, record_property
):
    with serve(company) as server:
        pipeline = load(server, tmp_path, monkeypatch, page_size=page_size)
        requests_made = server.sandbox.request_counts["salesforce"]
        assert_raw_equals_sandbox(pipeline, server.sandbox)
        minimum = minimum_requests(server.sandbox, page_size)
    record_property("requests", f"{requests_made} made, {minimum} minimum")
    assert requests_made == minimum


def test_soft_deletes_arrive_flagged(company, tmp_path, monkeypatch):
    with serve(company) as server:
        pipeline = load(server, tmp_path, monkeypatch)
        deleted = {
            row_id
            for sobject in ("Account", "Contact", "Opportunity")
            for row_id, row in sandbox_rows(server.sandbox, sobject).items()
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


def test_second_load_asks_only_for_changes(company, tmp_path, monkeypatch):
    with serve(company) as server:
        pipeline = load(server, tmp_path, monkeypatch)
        counts = {t: len(table(pipeline, t, "id")) for t in OBJECTS}
        before = server.sandbox.request_counts["salesforce"]
        pipeline = load(server, tmp_path, monkeypatch)
        second = server.sandbox.request_counts["salesforce"] - before
    # A login and one short page per object: only the rows at the cursor's boundary come back.
    assert second == 1 + len(OBJECTS)
    assert {t: len(table(pipeline, t, "id")) for t in OBJECTS} == counts
    loaded = pipeline.last_trace.last_normalize_info.row_counts
    assert not any(loaded.get(t) for t in OBJECTS), loaded


def test_after_a_week_the_raw_tables_follow_the_sandbox(company, tmp_path, monkeypatch):
    with serve(company) as server:
        load(server, tmp_path, monkeypatch)
        before = {s: sandbox_rows(server.sandbox, s) for s in OBJECTS.values()}
        server.sandbox.advance(timedelta(days=7))
        requests_before = server.sandbox.request_counts["salesforce"]
        pipeline = load(server, tmp_path, monkeypatch)
        requests_made = server.sandbox.request_counts["salesforce"] - requests_before
        assert_raw_equals_sandbox(pipeline, server.sandbox)
        after = {s: sandbox_rows(server.sandbox, s) for s in OBJECTS.values()}
    changed = {
        sobject: sum(
            1
            for row_id, row in after[sobject].items()
            if before[sobject].get(row_id, {}).get("SystemModstamp") != row["SystemModstamp"]
        )
        for sobject in OBJECTS.values()
    }
    assert sum(changed.values()), "the week changed something"
    # Incremental: pages for the changed rows (plus the boundary rows), not the whole tables.
    assert requests_made <= 1 + sum(math.ceil((n + 1) / 200) for n in changed.values())


def test_transport_faults_do_not_change_the_result(company, tmp_path, monkeypatch):
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


def test_expired_session_logs_in_again(company, tmp_path, monkeypatch, caplog):
    # Every request moves the clock 61 minutes: the two-hour session expires mid-load.
    with serve(company, churn_minutes=61) as server:
        with caplog.at_level(logging.WARNING, logger="pipelines.salesforce"):
            pipeline = load(server, tmp_path, monkeypatch)
        relogins = [r for r in caplog.records if "logging in again" in r.getMessage()]
        assert relogins
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
