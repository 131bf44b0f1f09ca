"""The demo's closing summary: where the warehouse is, rows per mart, a few headline metrics,
and the weekly review: the last full week's value of each targeted metric, with its verdict."""

from __future__ import annotations

from pathlib import Path

import duckdb
from duckdb import DuckDBPyConnection

MARTS_SCHEMA = "analytics"

# (label, mart, SQL over that mart); shown when the mart exists.
HEADLINES = (
    (
        "median first reply (min)",
        "fct_support_tickets",
        "select median(first_reply_minutes) from analytics.fct_support_tickets "
        "where not is_deleted",
    ),
    (
        "median lead time (days)",
        "fct_linear_issues",
        "select median(lead_time_minutes) / 1440 from analytics.fct_linear_issues",
    ),
    ("total ARR", "dim_accounts", "select sum(arr) from analytics.dim_accounts"),
)


def print_summary(warehouse: Path) -> None:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        marts = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' order by 1",
                [MARTS_SCHEMA],
            ).fetchall()
        ]
        print(f"warehouse: {warehouse}")
        for mart in marts:
            count = connection.execute(f'select count(*) from {MARTS_SCHEMA}."{mart}"').fetchall()
            print(f"  {MARTS_SCHEMA}.{mart:<32} {count[0][0]:>10,} rows")
        for label, mart, sql in HEADLINES:
            if mart in marts:
                value = connection.execute(sql).fetchall()[0][0]
                shown = "n/a" if value is None else f"{value:,.1f}"
                print(f"  {label:<40} {shown:>10}")
        if {"fct_metric_targets", "fct_metrics_weekly"} <= set(marts):
            print_weekly_review(connection)
    finally:
        connection.close()


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
    where week_start + interval 7 day <= as_of.as_of
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


def print_weekly_review(connection: DuckDBPyConnection) -> None:
    rows = connection.execute(WEEKLY_REVIEW_SQL).fetchall()
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
