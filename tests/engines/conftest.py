"""Engines besides DuckDB: each fixture skips, saying why in one line, without its engine."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.engines.postgres import (
    LocalPostgres,
    PostgresUnavailableError,
    find_bin_dir,
    free_port,
)


@pytest.fixture(scope="session")
def postgres_env() -> Iterator[dict[str, str]]:
    """A throwaway PostgreSQL cluster for the session; the env that points dlt and dbt at it."""
    try:
        find_bin_dir()
    except PostgresUnavailableError as error:
        pytest.skip(str(error))
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip(
            "running as root without runuser (util-linux): PostgreSQL refuses to run as root"
        )
    # Not under pytest's own tmp folder: that one is private to root, and the server runs as
    # an unprivileged user when the tests run as root.
    directory = Path(tempfile.mkdtemp(prefix="postgres-test-"))
    cluster = LocalPostgres(directory, free_port())
    try:
        cluster.start()
        yield {**cluster.env(), "DBT_TARGET": "postgres", "WAREHOUSE_DESTINATION": "postgres"}
    finally:
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def spark_env() -> Iterator[dict[str, str]]:
    """A local Spark metastore and warehouse folder, and where dlt writes the raw Parquet."""
    if shutil.which("java") is None:
        pytest.skip(
            "no Java runtime (Spark needs Java 17): install default-jre-headless "
            "(`make engines` does, as root)"
        )
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.skip("pyspark is not installed (pip install -r requirements.txt)")
    directory = Path(tempfile.mkdtemp(prefix="spark-test-"))
    try:
        yield {
            "DBT_TARGET": "spark",
            "SPARK_DIR": str(directory),
            "WAREHOUSE_DESTINATION": "filesystem",
            "DESTINATION__FILESYSTEM__BUCKET_URL": str(directory / "raw"),
        }
    finally:
        shutil.rmtree(directory, ignore_errors=True)
