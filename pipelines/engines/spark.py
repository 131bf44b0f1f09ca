"""Spark in local mode: the raw Parquet files that dlt's `filesystem` destination wrote become
tables of a local metastore, which dbt-spark's `session` connection then builds on.

dlt writes each load of a table as new Parquet files (on plain files a merge is an append), so
each raw table is a view that keeps what dlt's merge would: per primary key, the row of the
newest load (then the newest by the table's `dedup_sort` columns); a nested table, the rows of
the parent rows kept (raw_view_sql). The metastore and the warehouse live in one folder
(`SPARK_DIR`, default `.spark`), as in the `spark` target of profiles.example.yml.

    python -m pipelines.engines.spark register --raw <bucket folder>
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from pipelines.loader import SOURCES


def spark_dir() -> Path:
    return Path(os.environ.get("SPARK_DIR") or ".spark").resolve()


def session_settings(directory: Path) -> dict[str, str]:
    """What the `spark` profile passes to the session (see profiles.example.yml)."""
    return {
        "spark.master": "local[2]",
        # Planning the SLA models takes more than the default 1g heap.
        "spark.driver.memory": "4g",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": "2",
        "spark.ui.enabled": "false",
        # Parquet's standard UTC timestamps, not the legacy INT96, so any reader gets instants.
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.sql.warehouse.dir": str(directory / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={directory / 'metastore_db'};create=true"
        ),
    }


def latest_schema(dataset_dir: Path) -> dict[str, Any]:
    """The newest dlt schema stored with the dataset (its `_dlt_version` files)."""
    versions = sorted(
        (dataset_dir / "_dlt_version").glob("*"), key=lambda path: path.stat().st_mtime
    )
    if not versions:
        raise FileNotFoundError(f"no dlt schema under {dataset_dir}: load it first")
    record = json.loads(versions[-1].read_text().splitlines()[-1])
    return json.loads(record["schema"])


def raw_view_sql(
    dataset: str, table: str, files: str, names: list[str], schema: dict[str, Any]
) -> str:
    """A view over `files` (a table over the Parquet folder) that keeps what dlt's merge keeps.

    A table with a primary key keeps, per key, the row of the newest load. A nested table keeps
    the rows of the parent rows its parent's view keeps, so the lists of a row's older versions
    drop out with them. Any other table keeps one row per `_dlt_id`, which also drops the copy a
    replayed load job can leave.
    """
    columns = schema.get("columns", {})
    keys = [name for name, column in columns.items() if column.get("primary_key")]
    order = ["_dlt_load_id desc"] if "_dlt_load_id" in names else []
    order += [
        f"`{name}` {column['dedup_sort']}"
        for name, column in columns.items()
        if column.get("dedup_sort")
    ]
    parent = schema.get("parent")
    where = "_dlt_version_rank = 1"
    if parent:
        where += f" and _dlt_parent_id in (select _dlt_id from {dataset}.`{parent}`)"
    partition = ", ".join(f"`{key}`" for key in keys) or "_dlt_id"
    listed = ", ".join(f"`{name}`" for name in names)
    return (
        f"create or replace view {dataset}.`{table}` as select {listed} from "
        f"(select *, row_number() over (partition by {partition} "
        f"order by {', '.join(order) or '_dlt_id'}) as _dlt_version_rank from {files}) "
        f"where {where}"
    )


def parents_first(tables: dict[str, Any]) -> list[str]:
    """The schema's tables, each after its parent (a nested table's view reads its parent's)."""

    def depth(name: str) -> int:
        parent = tables[name].get("parent")
        return 0 if parent is None else 1 + depth(parent)

    return sorted(tables, key=depth)


def register_raw_tables(spark: Any, raw: Path, datasets: list[str]) -> list[str]:
    """Create `<dataset>.<table>` for every table with files; returns their names."""
    registered = []
    for dataset in datasets:
        dataset_dir = raw / dataset
        if not dataset_dir.is_dir():
            continue
        tables = latest_schema(dataset_dir)["tables"]
        spark.sql(f"create database if not exists {dataset}")
        for table in parents_first(tables):
            folder = dataset_dir / table
            if table.startswith("_dlt") or not any(folder.glob("*.parquet")):
                continue
            files = f"{dataset}.`{table}__files`"
            spark.sql(f"drop table if exists {files}")
            # Later loads may add columns: merge the files' schemas.
            spark.sql(
                f"create table {files} using parquet options (mergeSchema 'true') "
                f"location '{folder}'"
            )
            names = spark.table(files).columns
            spark.sql(raw_view_sql(dataset, table, files, names, tables[table]))
            registered.append(f"{dataset}.{table}")
    return registered


def session(directory: Path) -> Any:
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in session_settings(directory).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.engines.spark", description=__doc__)
    parser.add_argument("command", choices=("register",))
    parser.add_argument("--raw", type=Path, required=True, help="dlt's filesystem bucket folder")
    args = parser.parse_args(argv)
    spark = session(spark_dir())
    try:
        tables = register_raw_tables(spark, args.raw.resolve(), [f"raw_{s}" for s in SOURCES])
    finally:
        spark.stop()
    print(f"{len(tables)} raw tables registered in the Spark metastore at {spark_dir()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
