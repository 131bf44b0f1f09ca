"""The data and metric diffs on small hand-made tables, with the expected figures worked out."""

from __future__ import annotations

import math

import duckdb
import pytest

from review.datadiff import diff
from review.metricdiff import verdict_flips, weekly_changes


@pytest.fixture
def connection():
    connection = duckdb.connect()
    yield connection
    connection.close()


def test_data_diff_on_the_key(connection):
    connection.execute(
        "create table b as select * from (values (1, 10e0, 'x'), (2, 20e0, 'y'), (3, 30e0, 'z'), "
        "(4, 40e0, 'w')) t(id, minutes, label)"
    )
    # 1 unchanged; 2 minutes 20 -> 5; 3 label z -> q; 4 removed; 5 added.
    connection.execute(
        "create table a as select * from (values (1, 10e0, 'x'), (2, 5e0, 'y'), (3, 30e0, 'q'), "
        "(5, 50e0, 'v')) t(id, minutes, label)"
    )
    result = diff(connection, "t", "b", "a", ["id"])
    assert (result.rows_before, result.rows_after) == (4, 4)
    assert (result.added, result.removed, result.changed) == (1, 1, 2)
    columns = {c.name: c for c in result.columns}
    # 3 matched rows (1, 2, 3): one changed value in each column -> 1/3.
    assert columns["minutes"].changed_share == pytest.approx(1 / 3)
    assert columns["label"].changed_share == pytest.approx(1 / 3)
    # Means over the matched rows: (10 + 20 + 30) / 3 = 20 before, (10 + 5 + 30) / 3 = 15 after.
    assert (columns["minutes"].mean_before, columns["minutes"].mean_after) == (20.0, 15.0)
    assert columns["label"].mean_before is None
    assert result.examples == [
        ("id=2", [("minutes", "20", "5")]),
        ("id=3", [("label", "z", "q")]),
    ]
    assert not result.unchanged


def test_without_a_key_whole_rows_are_compared(connection):
    connection.execute(
        "create table b as select * from (values (1, 'x'), (1, 'x'), (2, 'y')) t(n, s)"
    )
    # One of the two (1, x) rows became (3, x): one removed, one added.
    connection.execute(
        "create table a as select * from (values (1, 'x'), (3, 'x'), (2, 'y')) t(n, s)"
    )
    result = diff(connection, "t", "b", "a", [])
    assert (result.added, result.removed, result.changed) == (1, 1, 0)
    assert not result.unchanged


def test_an_identical_rebuild_is_unchanged(connection):
    connection.execute("create table b as select range as id, range * 2 as v from range(5)")
    connection.execute("create table a as select * from b")
    assert diff(connection, "t", "b", "a", ["id"]).unchanged


def test_weekly_metric_changes_last_twelve_weeks_largest_first(connection):
    rows = [
        # metric, week, segment, value before, value after
        ("reply", "2026-09-21", "smb", 10.0, 5.0),  # -50%
        ("reply", "2026-09-21", "enterprise", 10.0, 11.0),  # +10%
        ("reply", "2026-09-14", "smb", 4.0, 4.0),  # unchanged: not listed
        ("reply", "2026-06-29", "smb", 1.0, 9.0),  # 12 weeks before 09-21: outside the window
        ("csat", "2026-09-21", None, 0.0, 0.5),  # from 0: infinite, first
        ("other", "2026-09-21", "smb", 1.0, 2.0),  # not asked for
    ]
    for side, column in (("b", 3), ("a", 4)):
        connection.execute(
            f"create table {side} (metric_name varchar, week_start date, segment varchar, "
            "value double)"
        )
        connection.executemany(
            f"insert into {side} values (?, ?, ?, ?)", [(*r[:3], r[column]) for r in rows]
        )
    found = weekly_changes(connection, "b", "a", ["reply", "csat"])
    assert list(found) == ["csat", "reply"]
    assert math.isinf(found["csat"][0].relative_change) and found["csat"][0].segment == "all"
    assert [(r.segment, r.before, r.after) for r in found["reply"]] == [
        ("smb", 10.0, 5.0),
        ("enterprise", 10.0, 11.0),
    ]
    assert found["reply"][0].relative_change == pytest.approx(0.5)


def test_verdict_flips(connection):
    connection.execute(
        "create table b as select * from (values ('reply', 'smb', 'met'), ('reply', 'ent', 'met'))"
        " t(metric_name, segment, verdict)"
    )
    connection.execute(
        "create table a as select * from (values ('reply', 'smb', 'missed'), "
        "('reply', 'ent', 'met')) t(metric_name, segment, verdict)"
    )
    assert verdict_flips(connection, "b", "a", ["metric_name", "segment"], "verdict") == [
        ("metric_name=reply, segment=smb", "met", "missed")
    ]
