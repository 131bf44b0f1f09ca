"""Helpers for tests that load the sandbox into a warehouse and compare what landed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed
from flask import Response, request

from pipelines.cli import explain
from pipelines.common.paging import StuckPaginationError
from pipelines.loader import SOURCES, SourceLoad, load, temporary_environment
from pipelines.sandbox.company.model import Company
from pipelines.sandbox.server import SandboxServer
from tests.sandbox_helpers import serve

REPO_ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-10-01T00:00:00"

# Fast retries against the local sandbox; a "slow" fault outlasts this timeout.
FAST_RETRY_ENV = {
    "RUNTIME__REQUEST_TIMEOUT": "1",
    "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.05",
    "RUNTIME__REQUEST_MAX_ATTEMPTS": "12",
}

# Requests a stuck-cursor load may make before the sandbox refuses to answer (tiny companies).
STUCK_LOAD_MAX_REQUESTS = 500

Snapshot = dict[str, Counter]
# Records that echo their API URL (Zendesk `url`, Salesforce `attributes.url`) carry the port of
# whichever sandbox served them.
SANDBOX_URL = re.compile(r"https?://127\.0\.0\.1:\d+")


def _without_sandbox_port(value: object) -> object:
    return SANDBOX_URL.sub("<sandbox>", value) if isinstance(value, str) else value


def load_from(
    server: SandboxServer,
    warehouse: Path,
    sources: Iterable[str] = SOURCES,
    extra_env: dict[str, str] | None = None,
) -> list[SourceLoad]:
    """Run the real sources in-process against `server` into `warehouse`."""
    with temporary_environment({**server.client_settings(), **FAST_RETRY_ENV, **(extra_env or {})}):
        return load(sources, warehouse)


def raw_snapshot(warehouse: Path, datasets: Iterable[str] | None = None) -> Snapshot:
    """Every raw table's rows as a multiset, without dlt's per-load bookkeeping columns.

    dlt's row ids and load ids differ between two loads of the same data, and the quarantine
    table records when it quarantined, so those are left out, and the sandbox's port in echoed
    URLs is masked; all else must match exactly.
    """
    datasets = list(datasets or (f"raw_{source}" for source in SOURCES))
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        snapshot: Snapshot = {}
        for schema, table in connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) "
            "and table_name not like '\\_dlt%' escape '\\' order by 1, 2",
            [datasets],
        ).fetchall():
            columns = [
                name
                for (name,) in connection.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by column_name",
                    [schema, table],
                ).fetchall()
                if not name.startswith("_dlt") and name != "quarantined_at"
            ]
            select = ", ".join(f'"{column}"' for column in columns)
            rows = connection.execute(f'select {select} from "{schema}"."{table}"').fetchall()
            snapshot[f"{schema}.{table}"] = Counter(
                tuple(_without_sandbox_port(value) for value in row) for row in rows
            )
        return snapshot
    finally:
        connection.close()


def snapshot_differences(expected: Snapshot, actual: Snapshot) -> list[str]:
    """Human-readable differences between two snapshots (empty when identical)."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table, Counter()), actual.get(table, Counter())
        if want != got:
            missing, extra = want - got, got - want
            problems.append(
                f"{table}: {sum(missing.values())} rows missing, {sum(extra.values())} extra"
                f" (e.g. missing {next(iter(missing), None)!r}, extra {next(iter(extra), None)!r})"
            )
    return problems


def run_dbt(
    warehouse: Path,
    *args: str,
    target_dir: Path,
    as_of: str | None = AS_OF,
    extra_env: dict[str, str] | None = None,
    timeout: int = 900,
) -> subprocess.CompletedProcess:
    """`dbt <args>` in a subprocess on `warehouse` (in-process dbt would keep the file open).

    `as_of=None` leaves the var unset: the models then measure at the current time.
    `extra_env` selects another engine (DBT_TARGET and its connection settings).
    """
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **(extra_env or {}),
    }
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            *args,
            "--target-path",
            str(target_dir / "target"),
            "--log-path",
            str(target_dir / "logs"),
            *(["--vars", f'{{as_of: "{as_of}"}}'] if as_of else []),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def stuck_cursor_load(
    company: Company, source: str, warehouse: Path, extra_env: dict[str, str]
) -> tuple[str, str, int]:
    """Load `source` from a sandbox whose pages keep naming the cursor they were asked with.

    Asserts that the load fails with a `StuckPaginationError`, that the CLI's message is that
    one line, and that nothing of the source was committed. Returns the line, the cursor it
    names and how many requests carried that cursor (the guard must stop before repeating it).
    """
    sent: list[str] = []

    def record() -> Response | None:
        sent.append(unquote(request.url) + request.get_data(as_text=True))
        # A load without a working guard would page for ever: end it, and the test, with an error.
        if len(sent) > STUCK_LOAD_MAX_REQUESTS:
            return Response("the load kept paging", status=418)
        return None

    with serve(company, stuck_cursor=frozenset({source})) as server:
        server.app.before_request(record)
        with pytest.raises(PipelineStepFailed) as failure:
            load_from(server, warehouse, [source], extra_env)
    line = explain(failure.value)
    assert line is not None and "\n" not in line
    error = failure.value.__cause__ or failure.value.__context__
    while error is not None and not isinstance(error, StuckPaginationError):
        error = error.__cause__ or error.__context__
    assert isinstance(error, StuckPaginationError), line
    assert line == str(error)
    cursor = line.split(" repeats the cursor ", 1)[1].split(" it was already asked with", 1)[0]
    nothing = not warehouse.exists() or not any(raw_snapshot(warehouse, [f"raw_{source}"]).values())
    assert nothing, f"rows of {source} were committed"
    return line, cursor, sum(cursor in entry for entry in sent)
