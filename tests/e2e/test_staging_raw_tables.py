"""Staging against raw tables that are missing, partial or broken, on a hand-made warehouse:
a missing table is an empty relation, a missing optional column a typed null, and a missing key
column an error that names the table and the column."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.loading import run_dbt

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("staging_raw")
    warehouse = workdir / "warehouse.duckdb"
    connection = duckdb.connect(str(warehouse))
    connection.execute("create schema raw_linear")
    # teams without its key column; labels with its key only; no cycles table at all
    connection.execute("create table raw_linear.teams (key varchar, name varchar)")
    connection.execute("insert into raw_linear.teams values ('SUP', 'Support')")
    connection.execute("create table raw_linear.labels (id varchar)")
    connection.execute("insert into raw_linear.labels values ('label-1')")
    connection.close()
    models = ("stg_linear__teams", "stg_linear__labels", "stg_linear__cycles")
    result = run_dbt(warehouse, "run", "--select", *models, target_dir=workdir)
    return warehouse, result


def relation(warehouse: Path, sql: str) -> list[tuple]:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_a_missing_key_column_fails_naming_table_and_column(run):
    warehouse, result = run
    assert result.returncode != 0
    assert "raw_linear.teams has no column id" in result.stdout
    views = relation(
        warehouse,
        "select table_name from information_schema.tables "
        "where table_schema = 'analytics_staging' and table_name = 'stg_linear__teams'",
    )
    assert views == []


def test_a_missing_table_is_an_empty_typed_relation(run):
    warehouse, _ = run
    assert relation(warehouse, "select count(*) from analytics_staging.stg_linear__cycles") == [
        (0,)
    ]
    types = dict(
        relation(
            warehouse,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'analytics_staging' and table_name = 'stg_linear__cycles'",
        )
    )
    assert types == {
        "cycle_id": "VARCHAR",
        "cycle_number": "INTEGER",
        "cycle_name": "VARCHAR",
        "team_id": "VARCHAR",
        "starts_at": "TIMESTAMP",
        "ends_at": "TIMESTAMP",
        "completed_at": "TIMESTAMP",
        "created_at": "TIMESTAMP",
        "updated_at": "TIMESTAMP",
        "archived_at": "TIMESTAMP",
        "deleted_at": "TIMESTAMP",
        "is_deleted": "BOOLEAN",
    }


def test_missing_optional_columns_are_typed_nulls(run):
    warehouse, _ = run
    rows = relation(
        warehouse,
        "select label_id, label_name, created_at, is_deleted "
        "from analytics_staging.stg_linear__labels",
    )
    assert rows == [("label-1", None, None, False)]
