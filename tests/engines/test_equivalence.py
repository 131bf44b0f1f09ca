"""Cross-engine equivalence: the same company loaded and built on DuckDB, PostgreSQL and Spark
gives the same marts, row for row (floats within 1e-9 relative, timestamps exact).

DuckDB is the reference; each other engine runs when its prerequisites exist and is skipped,
with the reason, when they do not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.sandbox.company import build_company
from pipelines.sandbox.server import Sandbox, SandboxOptions, SandboxServer
from tests.engines.warehouses import (
    Warehouse,
    differences,
    duckdb_reader,
    mart_keys,
    postgres_reader,
    spark_reader,
)

pytestmark = pytest.mark.slow

SEED, SCALE = 11, 0.05


@pytest.fixture(scope="module")
def company():
    return build_company(seed=SEED, scale=SCALE)


def built(warehouse: Warehouse, company) -> Warehouse:
    with SandboxServer(Sandbox(company, SandboxOptions(seed=SEED))) as server:
        warehouse.load(server)
    ok, output = warehouse.build()
    assert ok, f"dbt build failed on {warehouse.engine}:\n{output}"
    return warehouse


@pytest.fixture(scope="module")
def duckdb_warehouse(company, tmp_path_factory) -> Warehouse:
    workdir = tmp_path_factory.mktemp("duckdb")
    warehouse = Warehouse("duckdb", workdir)
    warehouse.read = duckdb_reader(warehouse.duckdb_path)
    return built(warehouse, company)


@pytest.fixture(scope="module")
def postgres_warehouse(company, postgres_env, tmp_path_factory) -> Warehouse:
    warehouse = Warehouse("postgres", tmp_path_factory.mktemp("postgres"), env=postgres_env)
    warehouse.read = postgres_reader(postgres_env)
    return built(warehouse, company)


@pytest.fixture(scope="module")
def spark_warehouse(company, spark_env, tmp_path_factory) -> Warehouse:
    warehouse = Warehouse("spark", tmp_path_factory.mktemp("spark"), env=spark_env)
    warehouse.read = spark_reader(Path(spark_env["SPARK_DIR"]))
    return built(warehouse, company)


def test_marts_are_known():
    # the comparison below covers every mart, each on the key its YAML declares
    keys = mart_keys()
    assert {"fct_support_tickets", "dim_accounts", "fct_linear_issues"} <= set(keys)
    assert keys["fct_support_tickets"] == ("ticket_id",)
    assert keys["fct_metrics_weekly"] == ("metric_name", "week_start", "segment")


def assert_equal_to_duckdb(mart: str, duckdb_warehouse: Warehouse, other: Warehouse) -> None:
    expected = duckdb_warehouse.rows(mart)
    assert expected, f"{mart} is empty on DuckDB: nothing would be compared"
    assert differences(mart_keys()[mart], expected, other.rows(mart)) == []


@pytest.mark.parametrize("mart", sorted(mart_keys()))
def test_postgres_marts_equal_duckdb(mart, duckdb_warehouse, postgres_warehouse):
    assert_equal_to_duckdb(mart, duckdb_warehouse, postgres_warehouse)


# The first comparison waits for the load and a local-mode build of every node (minutes).
@pytest.mark.spark
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("mart", sorted(mart_keys()))
def test_spark_marts_equal_duckdb(mart, duckdb_warehouse, spark_warehouse):
    assert_equal_to_duckdb(mart, duckdb_warehouse, spark_warehouse)
