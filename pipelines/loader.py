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
# Where raw data lands: the DuckDB file (default), a PostgreSQL database, or Parquet files
# (dlt's `filesystem` destination) that Spark reads as tables. Env `WAREHOUSE_DESTINATION`.
DESTINATIONS = ("duckdb", "postgres", "filesystem")
LOAD_FILE_FORMATS = {"postgres": "insert_values", "filesystem": "parquet"}


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


def destination_name() -> str:
    """The destination: env `WAREHOUSE_DESTINATION`, default `duckdb`."""
    name = os.environ.get("WAREHOUSE_DESTINATION") or "duckdb"
    if name not in DESTINATIONS:
        raise SourceError(f"unknown destination {name!r}: choose one of {', '.join(DESTINATIONS)}")
    return name


def pipelines_dir(warehouse: Path | str) -> Path:
    """dlt's local working state, kept in the project and separate per warehouse.

    Keying it by warehouse (a DuckDB file, a database's address, a folder of Parquet files)
    means a fresh warehouse never inherits another one's incremental cursors: dlt then restores
    state from the warehouse itself (or starts from scratch).
    """
    digest = hashlib.sha1(str(warehouse).encode()).hexdigest()[:12]
    stem = warehouse.stem if isinstance(warehouse, Path) else warehouse.split(":")[0]
    return REPO_ROOT / ".dlt" / "pipelines" / f"{stem}-{digest}"


def _destination(name: str, warehouse: Path) -> tuple[Any, Path | str]:
    """dlt's destination and the key of its local state. Credentials come from dlt's config
    (`[destination.postgres] credentials`, `[destination.filesystem] bucket_url` or their
    env vars), never from arguments."""
    if name == "postgres":
        from dlt.common.configuration import resolve_configuration
        from dlt.destinations.impl.postgres.configuration import PostgresCredentials

        credentials = resolve_configuration(PostgresCredentials(), sections=("destination", name))
        key = f"postgres:{credentials.host}:{credentials.port}/{credentials.database}"
        return dlt.destinations.postgres(credentials=credentials), key
    if name == "filesystem":
        from dlt.common.configuration import resolve_configuration
        from dlt.common.storages.configuration import FilesystemConfiguration

        bucket = resolve_configuration(FilesystemConfiguration(), sections=("destination", name))
        files = dlt.destinations.filesystem(bucket_url=bucket.bucket_url)
        return files, f"files:{bucket.bucket_url}"
    return dlt.destinations.duckdb(credentials=str(warehouse)), warehouse


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


def make_pipeline(source: str, warehouse: Path, destination: str = "duckdb") -> dlt.Pipeline:
    progress = "tqdm" if sys.stderr.isatty() else "log" if os.environ.get("LOAD_PROGRESS") else None
    target, state_key = _destination(destination, warehouse)
    return dlt.pipeline(
        pipeline_name=f"support_analytics_{source}",
        destination=target,
        dataset_name=f"raw_{source}",
        pipelines_dir=str(pipelines_dir(state_key)),
        progress=progress,  # type: ignore[arg-type]
    )


def load(
    sources: Iterable[str], warehouse: Path | None = None, destination: str | None = None
) -> list[SourceLoad]:
    """Load each source in turn. A crashed earlier run's pending packages are loaded first."""
    destination = destination or destination_name()
    warehouse = warehouse or warehouse_path()
    if destination == "duckdb":
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        check_warehouse_unlocked(warehouse)
    results = []
    for source in sources:
        pipeline = make_pipeline(source, warehouse, destination)
        resuming = pipeline.has_pending_data
        data = source_factory(source)()
        if destination in LOAD_FILE_FORMATS:
            # The sources ask for JSON-lines files, DuckDB's fastest; other destinations get
            # their own format (Spark reads Parquet with its types).
            for resource in data.resources.values():
                resource.apply_hints(file_format=LOAD_FILE_FORMATS[destination])
        info = pipeline.run(data)
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
    # Each table's physical row address tells the two copies apart (DuckDB's rowid,
    # PostgreSQL's ctid). Files are never rewritten: the Spark views keep one row per `_dlt_id`.
    row_address = {"duckdb": "rowid", "postgres": "ctid"}.get(pipeline.destination.destination_name)
    if row_address is None:
        return
    with pipeline.sql_client() as client:
        for table in pipeline.default_schema.data_table_names(seen_data_only=True):
            name = client.make_qualified_table_name(table)
            client.execute_sql(
                f"delete from {name} as later using {name} as kept where later._dlt_id = "
                f"kept._dlt_id and later.{row_address} > kept.{row_address}"
            )
