"""The demo's closing summary: where the warehouse is, rows per mart, a few headline metrics,
and the weekly review: the last full week's value of each targeted metric, with its verdict."""

from __future__ import annotations

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
        from pipelines.engines.postgres import connect, connection_settings

        settings = connection_settings()
        connection = connect()

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
        if {"fct_metric_targets", "fct_metrics_weekly"} <= set(marts):
            print_weekly_review(query)
    finally:
        close()


# Each target with the value of its metric and segment in the last week that ended by as_of
# (the evaluation time of fct_metric_targets); the verdict may rest on an earlier week (a final
# one reads the weeks up to due_at, a week without a value is skipped).
WEEKLY_REVIEW_SQL = f"""
with as_of as (
    select max(evaluated_at) as as_of from {MARTS_SCHEMA}.fct_metric_targets
),
last_week as (
    select max(week_start) as week_start
    from {MARTS_SCHEMA}.fct_metrics_weekly, as_of
    where week_start + interval '7 days' <= as_of.as_of
)
select
    targets.metric_name,
    targets.segment,
    last_week.week_start,
    weekly.value,
    targets.direction,
    targets.target_value,
    cast(targets.due_at as date) as due_date,
    targets.verdict,
    targets.latest_week_start,
    targets.latest_value
from {MARTS_SCHEMA}.fct_metric_targets as targets
cross join last_week
left join {MARTS_SCHEMA}.fct_metrics_weekly as weekly
    on weekly.metric_name = targets.metric_name
    and weekly.segment = targets.segment
    and weekly.week_start = last_week.week_start
order by targets.due_at, targets.metric_name, targets.segment
"""


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def print_weekly_review(query: Query) -> None:
    rows = query(WEEKLY_REVIEW_SQL)
    if not rows:
        return
    week = rows[0][2]
    print(f"weekly review: week of {week or 'n/a'} against the targets (fct_metric_targets)")
    print(f"  {'metric [segment]':<52} {'week':>10} {'target':>11}  {'due':<10}  verdict")
    for metric, segment, _, value, direction, target, due, verdict, read_week, read_value in rows:
        bound = ">=" if direction == "higher" else "<="
        # say which value the verdict rests on when it is not this week's
        basis = "" if read_week in (None, week) else f" ({_number(read_value)} in {read_week})"
        print(
            f"  {f'{metric} [{segment}]':<52} {_number(value):>10} {bound} {_number(target):>8}"
            f"  {due}  {verdict or 'no data yet'}{basis}"
        )
