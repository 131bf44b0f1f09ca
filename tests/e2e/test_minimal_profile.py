"""End to end on an account without any optional entity (the sandbox's `minimal` profile).

dlt creates no table for a resource or nested table that never yielded a row, so the raw
datasets lack those tables (checked first, so the build below proves what it claims); staging
must still build them as empty relations with their declared columns, and every mart must build
with the rows that do exist.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from pipelines.sandbox.company import build_company
from pipelines.sandbox.company.profiles import apply_profile
from pipelines.sandbox.company.truth import issue_truth, ticket_truth
from pipelines.sandbox.server import Sandbox, SandboxOptions, SandboxServer
from tests.loading import REPO_ROOT, load_from, run_dbt

pytestmark = pytest.mark.slow

SEED, SCALE = 13, 0.05
# What the minimal profile leaves out, as dlt would (not) create it.
ABSENT_TABLES = {
    "raw_linear": {"labels", "projects", "cycles"},
    "raw_zendesk": {
        "tickets__tags",
        "tickets__custom_fields",
        "organizations__tags",
        "satisfaction_ratings",
        "sla_policies",
        "sla_policies__policy_metrics",
        "sla_policies__filter__all",
        "sla_policies__filter__any",
        "holidays",
    },
    "raw_salesforce": {"opportunities"},
}
ABSENT_THREAD_COLUMNS = {"thread_ts", "parent_user_id", "reply_count"}
# Staging models over the absent tables: empty, with their declared columns.
EMPTY_STAGING = (
    "stg_linear__labels",
    "stg_linear__projects",
    "stg_linear__cycles",
    "stg_linear__issue_labels",
    "stg_zendesk__ticket_tags",
    "stg_zendesk__ticket_custom_fields",
    "stg_zendesk__organization_tags",
    "stg_zendesk__satisfaction_ratings",
    "stg_zendesk__sla_policies",
    "stg_zendesk__sla_policy_metrics",
    "stg_zendesk__sla_policy_conditions",
    "stg_zendesk__holidays",
    "stg_salesforce__opportunities",
)
# Marts whose grain the minimal profile lacks: no SLA is ever due without policies.
MARTS_WITHOUT_GRAIN = {"fct_sla_attainment_weekly"}


@pytest.fixture(scope="module")
def company():
    return apply_profile(build_company(seed=SEED, scale=SCALE), "minimal")


@pytest.fixture(scope="module")
def loaded(company, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("minimal") / "warehouse.duckdb"
    with SandboxServer(Sandbox(company, SandboxOptions(seed=SEED))) as server:
        load_from(server, path)
    return path


@pytest.fixture(scope="module")
def built(loaded, tmp_path_factory) -> Path:
    build = run_dbt(loaded, "build", target_dir=tmp_path_factory.mktemp("minimal_dbt"))
    assert build.returncode == 0, build.stdout[-4000:]
    return loaded


def query(warehouse: Path, sql: str) -> list[tuple]:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def declared_columns() -> dict[str, list[str]]:
    """Each staging model's columns as its YAML declares them, in order."""
    declared = {}
    for path in (REPO_ROOT / "models" / "staging").rglob("_*__models.yml"):
        for model in yaml.safe_load(path.read_text())["models"]:
            declared[model["name"]] = [column["name"] for column in model["columns"]]
    return declared


def test_raw_tables_of_empty_entities_are_absent(loaded):
    tables = {
        (schema, table)
        for schema, table in query(
            loaded, "select table_schema, table_name from information_schema.tables"
        )
    }
    assert {("raw_linear", "issues"), ("raw_zendesk", "tickets")} <= tables
    for schema, absent in ABSENT_TABLES.items():
        assert {(schema, table) for table in absent} & tables == set()
    message_columns = {
        name
        for (name,) in query(
            loaded,
            "select column_name from information_schema.columns "
            "where table_schema = 'raw_slack' and table_name = 'messages'",
        )
    }
    assert {"channel", "ts", "text"} <= message_columns
    assert message_columns & ABSENT_THREAD_COLUMNS == set()


def test_staging_over_absent_tables_is_empty_with_declared_columns(built):
    declared = declared_columns()
    for model in EMPTY_STAGING:
        assert query(built, f"select count(*) from analytics_staging.{model}") == [(0,)], model
        columns = query(
            built,
            "select column_name from information_schema.columns "
            f"where table_schema = 'analytics_staging' and table_name = '{model}' "
            "order by ordinal_position",
        )
        assert [name for (name,) in columns] == declared[model], model
    types = dict(
        query(
            built,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'analytics_staging' and table_name = 'stg_linear__cycles'",
        )
    )
    assert (types["cycle_number"], types["starts_at"], types["is_deleted"]) == (
        "INTEGER",
        "TIMESTAMP",
        "BOOLEAN",
    )


def test_every_mart_has_rows(built):
    # Each mart is a .sql file with its own YAML beside it.
    marts = [path.stem for path in (REPO_ROOT / "models" / "marts").rglob("*.sql")]
    assert len(marts) >= 9
    for mart in marts:
        rows = query(built, f"select count(*) from analytics.{mart}")[0][0]
        # Without SLA policies no ticket has an SLA: those marts' grain does not exist.
        assert (rows == 0) == (mart in MARTS_WITHOUT_GRAIN), (mart, rows)


def test_marts_hold_the_rows_that_exist(company, built):
    at = company.now
    assert query(built, "select count(*) from analytics.fct_support_tickets") == [
        (len(ticket_truth(company, at)),)
    ]
    assert query(built, "select count(*) from analytics.fct_linear_issues") == [
        (len(issue_truth(company, at)),)
    ]
    # No ratings, labels, projects, cycles, opportunities or thread replies: their metrics
    # take their documented empty values, and escalations still come from Linear attachments.
    assert query(
        built,
        "select distinct satisfaction from analytics.fct_support_tickets",
    ) == [("unoffered",)]
    assert (
        query(built, "select count(*) from analytics.fct_support_tickets where is_escalated")[0][0]
        > 0
    )
    # Every ticket keeps its SLA rows, with no policy: nulls, not a breach.
    assert query(
        built,
        "select count(*) > 0, count(sla_policy_id), count(is_breached) "
        "from analytics.fct_ticket_slas",
    ) == [(True, 0, 0)]
    assert query(
        built,
        "select distinct issue_kind, project_id, cycle_id from analytics.fct_linear_issues",
    ) == [("other", None, None)]
    assert query(
        built, "select sum(arr), count_if(is_paying_customer) from analytics.dim_accounts"
    ) == [(0, 0)]
    assert query(
        built,
        "select count(first_response_at), count_if(is_tracked) > 0 "
        "from analytics.fct_support_requests where channel = 'slack'",
    ) == [(0, True)]


def test_source_freshness_passes_without_the_optional_tables(loaded, tmp_path_factory):
    """Freshness is checked on dlt's `_dlt_loads`, which every loaded dataset has."""
    target = tmp_path_factory.mktemp("minimal_freshness")
    freshness = run_dbt(loaded, "source", "freshness", target_dir=target)
    assert freshness.returncode == 0, freshness.stdout[-4000:]
    assert freshness.stdout.count("PASS freshness of") == 4, freshness.stdout[-4000:]
