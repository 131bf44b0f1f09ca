"""Runs the dlt sources into the warehouse: one dlt pipeline per source, one raw dataset each."""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt
import duckdb
from dlt.common.pipeline import LoadInfo

from pipelines.common.errors import SourceError

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("linear", "slack", "zendesk", "salesforce")


class WarehouseLockedError(SourceError):
    """Another process holds the DuckDB file."""


@dataclass(frozen=True)
class SourceLoad:
    source: str
    dataset: str
    rows: dict[str, int]
    load_info: LoadInfo


def warehouse_path() -> Path:
    """The DuckDB file: env `WAREHOUSE_PATH`, default `warehouse.duckdb` in the repo root."""
    return Path(os.environ.get("WAREHOUSE_PATH") or REPO_ROOT / "warehouse.duckdb").resolve()


def pipelines_dir(warehouse: Path) -> Path:
    """dlt's local working state, kept in the project and separate per warehouse file.

    Keying it by warehouse means a fresh warehouse never inherits another one's incremental
    cursors: dlt then restores state from the warehouse itself (or starts from scratch).
    """
    digest = hashlib.sha1(str(warehouse).encode()).hexdigest()[:12]
    return REPO_ROOT / ".dlt" / "pipelines" / f"{warehouse.stem}-{digest}"


@contextmanager
def temporary_environment(settings: dict[str, str]) -> Iterator[None]:
    """Set env vars (how dlt config reaches the sources) for a block, then restore them."""
    previous = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def source_factory(name: str) -> Callable[..., Any]:
    module = importlib.import_module(f"pipelines.{name}")
    return getattr(module, f"{name}_source")


def check_warehouse_unlocked(warehouse: Path) -> None:
    """Fail with a clear message when another process holds the DuckDB file.

    (dlt would otherwise report a misleading credentials error.)
    """
    if not warehouse.exists():
        return
    try:
        duckdb.connect(str(warehouse)).close()
    except duckdb.IOException as error:
        raise WarehouseLockedError(
            f"{warehouse} is locked by another process ({str(error).splitlines()[0]}): "
            "close other sessions on it (dbt, notebooks, the duckdb CLI) and run again"
        ) from error


def make_pipeline(source: str, warehouse: Path) -> dlt.Pipeline:
    progress = "tqdm" if sys.stderr.isatty() else "log" if os.environ.get("LOAD_PROGRESS") else None
    return dlt.pipeline(
        pipeline_name=f"support_analytics_{source}",
        destination=dlt.destinations.duckdb(credentials=str(warehouse)),
        dataset_name=f"raw_{source}",
        pipelines_dir=str(pipelines_dir(warehouse)),
        progress=progress,  # type: ignore[arg-type]
    )


def load(sources: Iterable[str], warehouse: Path | None = None) -> list[SourceLoad]:
    """Load each source in turn. A crashed earlier run's pending packages are loaded first."""
    warehouse = warehouse or warehouse_path()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    check_warehouse_unlocked(warehouse)
    results = []
    for source in sources:
        pipeline = make_pipeline(source, warehouse)
        resuming = pipeline.has_pending_data
        info = pipeline.run(source_factory(source)())
        if resuming:
            drop_replayed_rows(pipeline)
        normalize_info = pipeline.last_trace.last_normalize_info
        counts = normalize_info.row_counts if normalize_info else {}
        rows = {table: n for table, n in counts.items() if not table.startswith("_dlt")}
        results.append(SourceLoad(source, pipeline.dataset_name, rows, info))
    return results


def drop_replayed_rows(pipeline: dlt.Pipeline) -> None:
    """Remove the copies a crashed load's replay can leave.

    dlt finishes a crashed run's package by running again the jobs not yet marked done. A job
    killed after its rows were committed but before it was marked done copies them into the
    staging table a second time, and a merge into a table with nested tables selects its rows by
    row key, so both copies reach the dataset. A copy is the same row twice under one `_dlt_id`
    (dlt's unique row key), so keeping one row per `_dlt_id` removes exactly the copies.
    """
    with pipeline.sql_client() as client:
        for table in pipeline.default_schema.data_table_names(seen_data_only=True):
            name = client.make_qualified_table_name(table)
            client.execute_sql(
                f"delete from {name} where rowid not in "
                f"(select min(rowid) from {name} group by _dlt_id)"
            )
