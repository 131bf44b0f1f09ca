"""The demo summary's weekly review: the last full week's value of each target's metric."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.summary import print_summary


def make_warehouse(path: Path) -> None:
    connection = duckdb.connect(str(path))
    try:
        connection.execute("create schema analytics")
        connection.execute(
            "create table analytics.fct_metrics_weekly as select * from (values "
            "('csat', 'all', date '2026-09-14', 0.75), "
            "('csat', 'all', date '2026-09-21', 0.9), "
            "('csat', 'all', date '2026-09-28', 0.1)) "
            "as t(metric_name, segment, week_start, value)"
        )
        connection.execute(
            "create table analytics.fct_metric_targets as select * from (values "
            "('csat', 'all', 'higher', 0.85, timestamp '2027-01-01', 'on_track', "
            " date '2026-09-21', 0.9, timestamp '2026-10-01'), "
            "('csat', 'all', 'higher', 0.8, timestamp '2026-09-21', 'missed', "
            " date '2026-09-14', 0.75, timestamp '2026-10-01')) "
            "as t(metric_name, segment, direction, target_value, due_at, verdict, "
            "latest_week_start, latest_value, evaluated_at)"
        )
    finally:
        connection.close()


def test_weekly_review_shows_the_last_full_week_and_the_verdicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_warehouse(tmp_path / "w.duckdb")
    print_summary(tmp_path / "w.duckdb")
    lines = capsys.readouterr().out.splitlines()
    # as_of 2026-10-01: the week of Sep 28 has not ended, so the review shows Sep 21's 0.9;
    # the missed target was judged on Sep 14's 0.75 (its due date came first).
    review = [x for x in lines if x.startswith("weekly review")] + lines[-3:]
    assert review[0].startswith("weekly review: week of 2026-09-21")
    missed = "csat [all] 0.90 >= 0.80 2026-09-21 missed (0.75 in 2026-09-14)"
    assert review[2].split() == missed.split()
    on_track = "csat [all] 0.90 >= 0.85 2027-01-01 on_track"
    assert review[3].split() == on_track.split()
