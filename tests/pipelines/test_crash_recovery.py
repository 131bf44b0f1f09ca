"""A load killed with SIGKILL at any point, then run again, ends identical to a clean load.

dlt commits its state (incremental cursors) in the same transaction as the data, and an
interrupted run's extracted-but-unloaded packages are finished by the next run, so re-running
after a crash neither loses nor duplicates rows.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import duckdb
import pytest

from pipelines.loader import drop_replayed_rows, make_pipeline
from tests.loading import REPO_ROOT, raw_snapshot, snapshot_differences

SEED, SCALE = 5, "0.03"


def load_command(warehouse) -> list[str]:
    return [
        sys.executable, "-m", "pipelines", "load", "--sandbox",
        "--seed", str(SEED), "--scale", SCALE, "--warehouse", str(warehouse),
    ]  # fmt: skip


def clean_load(warehouse) -> float:
    started = time.perf_counter()
    subprocess.run(load_command(warehouse), cwd=REPO_ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("clean") / "clean.duckdb"
    duration = clean_load(warehouse)
    return raw_snapshot(warehouse), duration


@pytest.mark.slow
@pytest.mark.parametrize("kill_at", [0.2, 0.4, 0.6, 0.8])
def test_sigkill_then_rerun_equals_clean_load(kill_at, reference, tmp_path):
    expected, duration = reference
    warehouse = tmp_path / "crashed.duckdb"
    # Kill at that share of a clean load's time; on a machine busier or idler than during the
    # reference run the load may finish first: then start over and kill sooner.
    for attempt in range(4):
        warehouse.unlink(missing_ok=True)
        process = subprocess.Popen(load_command(warehouse), cwd=REPO_ROOT)
        try:
            process.wait(timeout=duration * kill_at / 2**attempt)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
            break
    assert process.returncode == -signal.SIGKILL, "the load always finished before the kill"

    rerun = subprocess.run(load_command(warehouse), cwd=REPO_ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert snapshot_differences(expected, raw_snapshot(warehouse)) == []


def test_replayed_copies_are_dropped_and_rows_kept(tmp_path):
    """A replayed job's copies share the row key `_dlt_id`: one of each is kept, nothing else."""
    warehouse = tmp_path / "replayed.duckdb"
    pipeline = make_pipeline("zendesk", warehouse)
    rows = [{"id": 1, "tags": ["a", "b"]}, {"id": 2, "tags": ["c"]}]
    pipeline.run(rows, table_name="things", write_disposition="merge", primary_key="id")
    with duckdb.connect(str(warehouse)) as connection:
        for table in ("things", "things__tags"):
            connection.execute(f"insert into raw_zendesk.{table} select * from raw_zendesk.{table}")
    drop_replayed_rows(pipeline)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        counts = [
            connection.execute(
                f"select count(*), count(distinct _dlt_id) from raw_zendesk.{table}"
            ).fetchone()
            for table in ("things", "things__tags")
        ]
    assert counts == [(2, 2), (3, 3)]
