"""Metric values before and after, from the metric layer's weekly table, and target verdicts."""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb

from review.datadiff import quote

WEEKS = 12
ROWS_PER_METRIC = 24


@dataclass(frozen=True)
class MetricRow:
    metric: str
    week_start: str
    segment: str
    before: float | None
    after: float | None

    @property
    def relative_change(self) -> float:
        """|after - before| / |before|; infinite when a value appears, disappears or leaves 0."""
        if self.before is None or self.after is None:
            return math.inf
        if self.before == 0:
            return 0.0 if self.after == 0 else math.inf
        return abs(self.after - self.before) / abs(self.before)


def weekly_changes(
    connection: duckdb.DuckDBPyConnection, before: str, after: str, metrics: list[str]
) -> dict[str, list[MetricRow]]:
    """Per metric, the (week, segment) values that changed over the last WEEKS weeks, largest
    relative change first; metrics ordered by their largest change."""
    rows = connection.execute(
        f"""
        with b as (select metric_name, week_start, segment, value from {before}
                   where metric_name in (select unnest($metrics))),
        a as (select metric_name, week_start, segment, value from {after}
              where metric_name in (select unnest($metrics))),
        last_week as (select max(week_start) as week_start from (
            select week_start from a union all select week_start from b))
        select coalesce(a.metric_name, b.metric_name), coalesce(a.week_start, b.week_start),
               coalesce(a.segment, b.segment), b.value, a.value
        from b full join a
          on a.metric_name = b.metric_name and a.week_start = b.week_start
         and a.segment is not distinct from b.segment
        where coalesce(a.week_start, b.week_start)
              > (select week_start from last_week) - interval {WEEKS} weeks
          and a.value is distinct from b.value
        """,
        {"metrics": metrics},
    ).fetchall()
    found: dict[str, list[MetricRow]] = {}
    for metric, week, segment, old, new in rows:
        found.setdefault(metric, []).append(
            MetricRow(
                metric,
                str(week)[:10],
                "all" if segment is None else str(segment),
                None if old is None else float(old),
                None if new is None else float(new),
            )
        )
    for values in found.values():
        values.sort(key=lambda r: (-r.relative_change, r.week_start, r.segment))
    return dict(sorted(found.items(), key=lambda item: (-item[1][0].relative_change, item[0])))


def verdict_flips(
    connection: duckdb.DuckDBPyConnection, before: str, after: str, key: list[str], verdict: str
) -> list[tuple[str, str, str]]:
    """(key, verdict before, verdict after) for each target whose verdict differs."""
    on = " and ".join(f"a.{quote(k)} is not distinct from b.{quote(k)}" for k in key)
    keys = ", ".join(f"coalesce(a.{quote(k)}, b.{quote(k)})" for k in key)
    rows = connection.execute(
        f"select {keys}, b.{quote(verdict)}, a.{quote(verdict)} from {before} b "
        f"full join {after} a on {on} where a.{quote(verdict)} is distinct from b.{quote(verdict)} "
        f"order by {keys}"
    ).fetchall()
    return [
        (
            ", ".join(f"{k}={v}" for k, v in zip(key, row[: len(key)], strict=True)),
            str(row[len(key)]),
            str(row[len(key) + 1]),
        )
        for row in rows
    ]
