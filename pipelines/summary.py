"""The demo's closing summary: where the warehouse is, rows per mart, a few headline metrics."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

MARTS_SCHEMA = "analytics"

# (label, mart, aggregate, column, filter); shown when the mart exists.
HEADLINES = (
    (
        "median first reply (min)",
        "fct_support_tickets",
        "median",
        "first_reply_minutes",
        "not is_deleted",
    ),
    ("median lead time (days)", "fct_linear_issues", "median", "lead_time_minutes / 1440", "true"),
    ("total ARR", "dim_accounts", "sum", "arr", "true"),
)
# PostgreSQL has no median(): the continuous 50th percentile is the same number.
MEDIAN = {
    "duckdb": "median({})",
    "spark": "median({})",  # read through DuckDB
    "postgres": "percentile_cont(0.5) within group (order by {})",
}

Query = Callable[[str], list[tuple[Any, ...]]]


def headline_sql(mart: str, aggregate: str, column: str, where: str, destination: str) -> str:
    template = MEDIAN[destination] if aggregate == "median" else f"{aggregate}({{}})"
    return f"select {template.format(column)} from {MARTS_SCHEMA}.{mart} where {where}"


def _connect(destination: str, warehouse: Path) -> tuple[Query, Callable[[], None], str]:
    """A query function on the warehouse, its close, and how to name the warehouse."""
    if destination == "postgres":
        import psycopg2

        settings = {
            "host": os.environ.get("POSTGRES_HOST", "localhost"),
            "port": int(os.environ.get("POSTGRES_PORT", "5432")),
            "user": os.environ.get("POSTGRES_USER", "analytics"),
            "password": os.environ.get("POSTGRES_PASSWORD", ""),
            "dbname": os.environ.get("POSTGRES_DB", "analytics"),
        }
        connection = psycopg2.connect(**settings)

        def query(sql: str) -> list[tuple[Any, ...]]:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()

        name = f"postgresql://{settings['host']}:{settings['port']}/{settings['dbname']}"
        return query, connection.close, name
    import duckdb

    if destination == "spark":
        # Spark's marts are Parquet folders: DuckDB reads them without starting a JVM.
        from pipelines.engines.spark import spark_dir

        marts = spark_dir() / "warehouse" / f"{MARTS_SCHEMA}.db"
        duck = duckdb.connect()
        duck.execute(f"create schema {MARTS_SCHEMA}")
        for folder in sorted(path for path in marts.iterdir() if path.is_dir()):
            duck.execute(
                f"create table {MARTS_SCHEMA}.{folder.name} as "
                f"select * from read_parquet('{folder}/*.parquet')"
            )
        return (lambda sql: duck.execute(sql).fetchall()), duck.close, str(marts)
    duck = duckdb.connect(str(warehouse), read_only=True)
    return (lambda sql: duck.execute(sql).fetchall()), duck.close, str(warehouse)


def print_summary(warehouse: Path, destination: str = "duckdb") -> None:
    query, close, name = _connect(destination, warehouse)
    try:
        marts = [
            row[0]
            for row in query(
                "select table_name from information_schema.tables "
                f"where table_schema = '{MARTS_SCHEMA}' and table_type = 'BASE TABLE' order by 1"
            )
        ]
        print(f"warehouse: {name}")
        for mart in marts:
            count = query(f'select count(*) from {MARTS_SCHEMA}."{mart}"')
            print(f"  {MARTS_SCHEMA}.{mart:<32} {count[0][0]:>10,} rows")
        for label, mart, aggregate, column, where in HEADLINES:
            if mart in marts:
                value = query(headline_sql(mart, aggregate, column, where, destination))[0][0]
                shown = "n/a" if value is None else f"{value:,.1f}"
                print(f"  {label:<40} {shown:>10}")
    finally:
        close()
