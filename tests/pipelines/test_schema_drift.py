"""Schema drift: a new field becomes a new column, a changed type a variant column; staging builds.

The REST sources (Slack, Zendesk) load every field the API returns, so a new field appears as a
column; a value that no longer fits its column's type (text in a number column) lands in dlt's
variant column `<column>__v_<type>`. (Slack's message fields are text, which takes any value, so
Slack drifts by a new field only.) Salesforce selects its fields explicitly, so only a type
change can reach it. (Linear's GraphQL schema is typed and every query is validated against it,
so drift there is a schema change that the query-validation tests catch, not data drift.)
"""

from __future__ import annotations

import copy
from datetime import timedelta

import duckdb
import pytest

from pipelines.sandbox.company import build_company
from pipelines.sandbox.server import Sandbox, SandboxOptions, SandboxServer
from tests.loading import load_from, run_dbt

pytestmark = pytest.mark.slow

SEED, SCALE = 13, 0.03
DRIFT_AFTER = timedelta(hours=1)

# (vendor, entity, the change drifting records get, drifted columns to expect in raw)
DRIFTS = [
    (
        "zendesk",
        "tickets",
        {"sentiment_score": 0.82, "group_id": "tier-2"},
        {"raw_zendesk.tickets": {"sentiment_score", "group_id__v_text"}},
    ),
    (
        "slack",
        "messages",
        {"language": "en"},
        {"raw_slack.messages": {"language"}},
    ),
    (
        "salesforce",
        "Account",
        {"AnnualRevenue": "unknown"},
        {"raw_salesforce.accounts": {"annual_revenue__v_text"}},
    ),
]


def columns_of(warehouse, qualified_table: str) -> set[str]:
    schema, table = qualified_table.split(".")
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            name
            for (name,) in connection.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchall()
        }
    finally:
        connection.close()


def drift(company, vendor: str, entity: str, change: dict, at) -> int:
    """Give the latest-created visible records of an entity a drifting change at `at`.

    The latest ones, because Slack re-reads only recent history for edits.
    """
    drifted = 0
    for record in reversed(company.tables[vendor][entity]):
        if drifted == 3:
            break
        if record.exists_at(at) and (not record.changes or record.changes[-1][0] <= at):
            record.add_change(at, copy.deepcopy(change))
            drifted += 1
    return drifted


@pytest.fixture(scope="module")
def company():
    return build_company(seed=SEED, scale=SCALE)


@pytest.mark.parametrize(("vendor", "entity", "change", "expected"), DRIFTS)
def test_drift_lands_and_staging_builds(vendor, entity, change, expected, company, tmp_path):
    company = copy.deepcopy(company)
    sandbox = Sandbox(company, SandboxOptions(seed=SEED))
    warehouse = tmp_path / "drift.duckdb"
    with SandboxServer(sandbox) as server:
        load_from(server, warehouse, [vendor])
        at = sandbox.now + DRIFT_AFTER
        # Updated-at fields move with the change, as the vendor would move them.
        updated_at = {"zendesk": "updated_at", "salesforce": "SystemModstamp"}.get(vendor)
        drifting = {**change, **({updated_at: at} if updated_at else {})}
        if vendor == "slack":
            drifting["edited"] = {"user": "U0DRIFT", "ts": f"{at.timestamp():.6f}"}
        assert drift(company, vendor, entity, drifting, at) == 3
        sandbox.advance(DRIFT_AFTER * 2)
        load_from(server, warehouse, [vendor])

    for table, drifted_columns in expected.items():
        assert drifted_columns <= columns_of(warehouse, table)
    build = run_dbt(
        warehouse,
        "build",
        "--select",
        f"staging.{vendor}",
        "--indirect-selection",
        "cautious",
        target_dir=tmp_path,
    )
    assert build.returncode == 0, build.stdout[-3000:]
