"""The same sandbox company loaded and built on each engine, and its marts read back as rows."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import yaml

from pipelines.sandbox.server import SandboxServer
from tests.loading import REPO_ROOT, load_from, run_dbt

MARTS_SCHEMA = "analytics"
Row = dict[str, object]


def mart_keys() -> dict[str, tuple[str, ...]]:
    """Every mart (models/marts/**/*.sql) and the columns that identify its rows, from its YAML:
    the column with a `unique` test, else the columns of its `unique_combination` test, else none
    (its rows are then compared whole)."""
    keys: dict[str, tuple[str, ...]] = {
        path.stem: () for path in (REPO_ROOT / "models" / "marts").rglob("*.sql")
    }
    for path in sorted((REPO_ROOT / "models" / "marts").rglob("*.yml")):
        for model in yaml.safe_load(path.read_text()).get("models", []):
            if model["name"] not in keys:
                continue
            for test in model.get("data_tests") or []:
                if isinstance(test, dict) and "unique_combination" in test:
                    keys[model["name"]] = tuple(test["unique_combination"]["arguments"]["columns"])
            for column in model.get("columns", []):
                if "unique" in (column.get("data_tests") or []):
                    keys[model["name"]] = (column["name"],)
                    break
    return dict(sorted(keys.items()))


@dataclass
class Warehouse:
    """One engine's warehouse: how the load and dbt reach it, and how to read a mart."""

    engine: str
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    read: Callable[[str], list[Row]] | None = None

    @property
    def duckdb_path(self) -> Path:
        return self.workdir / "warehouse.duckdb"

    def load(self, server: SandboxServer) -> None:
        load_from(server, self.duckdb_path, extra_env=self.env)
        if self.engine == "spark":
            # The Parquet files become tables in a JVM of their own: the metastore takes one
            # process at a time, and dbt's session opens it next.
            register = [sys.executable, "-m", "pipelines.engines.spark", "register", "--raw"]
            result = subprocess.run(
                [*register, self.env["DESTINATION__FILESYSTEM__BUCKET_URL"]],
                cwd=REPO_ROOT,
                env={**os.environ, **self.env},
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert result.returncode == 0, result.stderr[-3000:]

    def build(self) -> tuple[bool, str]:
        # Spark's local-mode build of every node takes minutes (~450 nodes, one at a time).
        timeout = 1500 if self.engine == "spark" else 900
        result = run_dbt(
            self.duckdb_path, "build", target_dir=self.workdir, extra_env=self.env, timeout=timeout
        )
        return result.returncode == 0, result.stdout[-4000:]

    def rows(self, mart: str) -> list[Row]:
        assert self.read is not None
        return self.read(mart)


def duckdb_reader(path: Path) -> Callable[[str], list[Row]]:
    import duckdb

    def read(mart: str) -> list[Row]:
        connection = duckdb.connect(str(path), read_only=True)
        try:
            cursor = connection.execute(f"select * from {MARTS_SCHEMA}.{mart}")
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            connection.close()

    return read


def postgres_reader(env: dict[str, str]) -> Callable[[str], list[Row]]:
    from pipelines.engines.postgres import connect

    def read(mart: str) -> list[Row]:
        connection = connect(env)
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"select * from {MARTS_SCHEMA}.{mart}")
                names = [column[0] for column in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            connection.close()

    return read


def spark_reader(spark_dir: Path) -> Callable[[str], list[Row]]:
    """A mart's Parquet files as rows (no Spark needed to read them back)."""
    import pyarrow.parquet as pq

    def plain(value: object) -> object:
        # Spark writes instants (UTC); the other engines return naive UTC timestamps.
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    def read(mart: str) -> list[Row]:
        folder = spark_dir / "warehouse" / f"{MARTS_SCHEMA}.db" / mart
        rows = pq.read_table(folder).to_pylist()
        return [{name: plain(value) for name, value in row.items()} for row in rows]

    return read


def same_value(expected: object, actual: object) -> bool:
    """Floats within 1e-9 relative; everything else (timestamps included) exactly."""
    if isinstance(expected, float | Decimal) and isinstance(actual, float | Decimal):
        return math.isclose(float(expected), float(actual), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(expected, datetime | date) or isinstance(actual, datetime | date):
        return type(expected) is type(actual) and expected == actual
    return expected == actual


def differences(key: tuple[str, ...], expected: list[Row], actual: list[Row]) -> list[str]:
    """Where `actual` departs from `expected`, row by row on the `key` columns (whole rows when
    there are none); the first 10 shown."""

    def identity(row: Row) -> tuple[object, ...]:
        return tuple(row[column] for column in key) if key else tuple(sorted(row.items()))

    want = {identity(row): row for row in expected}
    got = {identity(row): row for row in actual}
    problems = []
    if len(want) != len(expected) or len(got) != len(actual):
        problems.append(f"duplicate keys: {len(expected) - len(want)} vs {len(actual) - len(got)}")
    if set(want) != set(got):
        problems.append(
            f"keys only in one: {sorted(map(str, set(want) - set(got)))[:3]} / "
            f"{sorted(map(str, set(got) - set(want)))[:3]}"
        )
    if want and got and set(next(iter(want.values()))) != set(next(iter(got.values()))):
        problems.append(f"columns differ: {sorted(next(iter(want.values())))}")
    for value in sorted(set(want) & set(got), key=str):
        for column, expected_value in want[value].items():
            actual_value = got[value].get(column)
            if not same_value(expected_value, actual_value):
                problems.append(f"{value} {column}: {expected_value!r} != {actual_value!r}")
    return problems[:10]
