"""End to end: sandbox -> dlt -> DuckDB -> dbt build, then every mart against ground truth.

The expected values come from the company simulation's own events (`company/truth.py`), computed
in Python independently of the SQL; the marts must reproduce them row by row.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from pipelines.sandbox.company import build_company
from pipelines.sandbox.company.truth import (
    account_truth,
    employee_truth,
    issue_impact_truth,
    issue_ticket_link_truth,
    issue_truth,
    log_of,
    sla_attainment_truth,
    slack_request_truth,
    ticket_sla_truth,
    ticket_truth,
)
from pipelines.sandbox.server import Sandbox, SandboxOptions, SandboxServer
from tests.loading import AS_OF, load_from, run_dbt
from tests.metricflow import mf_query, run_mf

pytestmark = pytest.mark.slow

SEED, SCALE = 11, 0.05
AT = datetime.fromisoformat(AS_OF).replace(tzinfo=UTC)
# Source timestamps have whole seconds; a minute figure is exact to 1/60, so allow rounding only.
TOLERANCE_MINUTES = 1e-6


@pytest.fixture(scope="module")
def company():
    return build_company(seed=SEED, scale=SCALE)


@pytest.fixture(scope="module")
def warehouse(company, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e")
    path = workdir / "warehouse.duckdb"
    with SandboxServer(Sandbox(company, SandboxOptions(seed=SEED))) as server:
        load_from(server, path)
    build = run_dbt(path, "build", target_dir=workdir)
    assert build.returncode == 0, build.stdout[-4000:]
    return path


def query(warehouse, sql: str) -> list[dict]:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = connection.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        connection.close()


def table_counts(warehouse) -> dict[str, int]:
    """Exact row counts of every raw and mart table (dlt's own bookkeeping tables aside)."""
    tables = query(
        warehouse,
        "select table_schema || '.' || table_name as name from information_schema.tables "
        "where table_type = 'BASE TABLE' and table_name not like '\\_dlt%' escape '\\' "
        "and (table_schema in ('raw_linear', 'raw_slack', 'raw_zendesk', 'raw_salesforce') "
        "or table_schema = 'analytics')",
    )
    return {
        t["name"]: query(warehouse, f"select count(*) as n from {t['name']}")[0]["n"]
        for t in tables
    }


def same_number(expected: float | None, actual: float | None) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    return math.isclose(float(expected), float(actual), abs_tol=TOLERANCE_MINUTES)


def same_value(expected: object, actual: object) -> bool:
    """Equal; numbers within the tolerance; instants (UTC, naive in the warehouse) within 1 s."""
    if isinstance(expected, datetime) and isinstance(actual, datetime):
        return abs(expected.replace(tzinfo=None) - actual.replace(tzinfo=None)).total_seconds() <= 1
    if isinstance(expected, bool | str | datetime) or isinstance(actual, bool | str | datetime):
        return expected == actual
    return same_number(expected, actual)


def mismatches(truth_rows: dict, mart_rows: dict, columns: list[str]) -> list[str]:
    """Per key and column, where the mart disagrees with the truth (first 10 shown)."""
    problems = [f"keys only in truth: {sorted(set(truth_rows) - set(mart_rows))[:5]}"] * bool(
        set(truth_rows) - set(mart_rows)
    )
    problems += [f"keys only in mart: {sorted(set(mart_rows) - set(truth_rows))[:5]}"] * bool(
        set(mart_rows) - set(truth_rows)
    )
    for key in sorted(set(truth_rows) & set(mart_rows)):
        for column in columns:
            want, got = truth_rows[key][column], mart_rows[key][column]
            if not same_value(want, got):
                problems.append(f"{key} {column}: truth {want!r}, mart {got!r}")
    return problems[:10]


def test_support_tickets_match_truth(company, warehouse):
    columns = [
        "first_reply_minutes",
        "first_resolution_minutes",
        "full_resolution_minutes",
        "requester_wait_minutes",
        "agent_wait_minutes",
        "agent_work_minutes",
        "on_hold_minutes",
        "first_reply_business_minutes",
        "first_resolution_business_minutes",
        "full_resolution_business_minutes",
        "requester_wait_business_minutes",
        "agent_wait_business_minutes",
        "agent_work_business_minutes",
        "on_hold_business_minutes",
        "first_reply_sla_target_minutes",
        "is_first_reply_sla_breached",
        "resolution_count",
        "reopen_count",
        "agent_reply_count",
        "is_deleted",
    ]
    truth = {t.ticket_id: vars(t) for t in ticket_truth(company, AT)}
    mart = {
        row["ticket_id"]: row
        for row in query(warehouse, "select * from analytics.fct_support_tickets")
    }
    assert len(truth) > 100
    assert mismatches(truth, mart, columns) == []


def test_ticket_slas_match_truth(company, warehouse):
    columns = [
        "sla_policy_id",
        "target_minutes",
        "is_business_hours",
        "due_at",
        "achieved_at",
        "elapsed_minutes",
        "is_breached",
        "sla_status",
        "instance_count",
        "breached_instance_count",
    ]
    truth = {
        f"{t.ticket_id}:{t.metric}": vars(t)
        for t in ticket_sla_truth(company, AT)
        if not t.is_deleted
    }
    mart = {
        row["ticket_sla_id"]: row
        for row in query(warehouse, "select * from analytics.fct_ticket_slas where not is_deleted")
    }
    assert {t["sla_status"] for t in truth.values()} >= {"achieved", "breached", "active"}
    # next reply time: tickets with several waits, some of them breached
    next_replies = [t for t in truth.values() if t["metric"] == "next_reply_time"]
    assert any((t["instance_count"] or 0) > 1 for t in next_replies)
    assert any(t["is_breached"] for t in next_replies)
    assert mismatches(truth, mart, columns) == []


def test_reconciliation_agrees_with_zendesk(warehouse):
    """Per metric, at least 99.5% of the tickets without a documented difference agree with
    Zendesk within a minute, and every difference has a stated reason."""
    for mart, metric in (
        ("fct_ticket_metric_reconciliation", "metric_name"),
        ("fct_ticket_sla_reconciliation", "metric"),
    ):
        rows = query(
            warehouse,
            f"select {metric} as metric, avg(case when agreement in ('match', 'both_null') "
            "then 1.0 else 0 end) filter (where known_difference is null) as agreeing, "
            "bool_and(is_explained) as explained "
            f"from analytics.{mart} where not is_deleted group by 1",
        )
        assert rows
        for row in rows:
            assert row["explained"], row
            assert row["agreeing"] >= 0.995, row
    metrics = {
        r["metric"]
        for r in query(
            warehouse, "select distinct metric from analytics.fct_ticket_sla_reconciliation"
        )
    }
    assert "next_reply_time" in metrics


def test_sla_attainment_matches_truth(company, warehouse):
    rows = query(
        warehouse,
        "select week_start, priority, metric, slas_due, slas_achieved, slas_breached "
        "from analytics.fct_sla_attainment_weekly",
    )
    mart = {
        (r["week_start"], r["priority"], r["metric"]): (
            r["slas_due"],
            r["slas_achieved"],
            r["slas_breached"],
        )
        for r in rows
    }
    # the mart's grid holds the priorities of the objectives seed
    priorities = {priority for _, priority, _ in mart}
    truth = {k: v for k, v in sla_attainment_truth(company, AT).items() if k[1] in priorities}
    assert sum(due for due, _, _ in truth.values()) > 100
    assert {k: v for k, v in mart.items() if v != (0, 0, 0)} == truth


def test_sla_attainment_has_every_week(warehouse):
    rows = query(
        warehouse,
        "select priority, metric, count(*) as weeks, count(distinct week_start) as distinct_weeks, "
        "min(week_start) as first_week, max(week_start) as last_week, "
        "count(*) filter (where slas_due = 0 and attainment is not null) as zero_with_value "
        "from analytics.fct_sla_attainment_weekly group by 1, 2",
    )
    assert rows
    for row in rows:
        span = (row["last_week"] - row["first_week"]).days // 7 + 1
        assert row["weeks"] == row["distinct_weeks"] == span, row
        assert row["zero_with_value"] == 0, row


def test_linear_issues_match_truth(company, warehouse):
    columns = ["triage_minutes", "lead_time_minutes", "cycle_time_minutes", "is_deleted"]
    truth = {t.issue_id: vars(t) for t in issue_truth(company, AT)}
    mart = {
        row["issue_id"]: row
        for row in query(warehouse, "select * from analytics.fct_linear_issues")
    }
    assert len(truth) > 20
    assert mismatches(truth, mart, columns) == []


def test_slack_requests_match_truth(company, warehouse):
    columns = ["first_response_minutes", "is_tracked"]
    truth = {
        f"{t.channel}:{t.ts}": vars(t) for t in slack_request_truth(company, AT) if not t.is_deleted
    }
    mart = {
        row["source_id"]: row
        for row in query(
            warehouse,
            "select * from analytics.fct_support_requests where channel = 'slack'",
        )
    }
    assert len(truth) > 20
    assert mismatches(truth, mart, columns) == []


def test_account_arr_matches_truth(company, warehouse):
    truth = {t.account_id: vars(t) for t in account_truth(company, AT)}
    mart = {
        row["account_id"]: row for row in query(warehouse, "select * from analytics.dim_accounts")
    }
    assert sum(t["arr"] for t in truth.values()) > 0
    assert mismatches(truth, mart, ["arr", "segment", "is_deleted"]) == []


def test_account_monthly_tickets_match_truth(company, warehouse):
    """Tickets created, solved, escalated and rated per account and month (UTC): a live ticket
    counts for its organization's account when the organization links to it by external id or
    by an unshared domain (ambiguous and unmatched ones count for nobody)."""
    organizations = log_of(company).directory.organizations
    account_of = {
        o.id: o.account.id
        for o in organizations
        if o.account and o.link in ("external_id", "domain")
    }
    truth: dict[tuple[str, str], dict[str, int]] = {}

    def counts(account_id: str, at: datetime) -> dict[str, int]:
        key = (account_id, f"{at:%Y-%m}")
        return truth.setdefault(key, dict.fromkeys(["created", "solved", "escalated", "rated"], 0))

    for t in ticket_truth(company, AT):
        account_id = account_of.get(t.organization_id)
        if t.is_deleted or account_id is None:
            continue
        counts(account_id, t.created_at)["created"] += 1
        counts(account_id, t.created_at)["escalated"] += int(t.is_escalated)
        counts(account_id, t.created_at)["rated"] += int(t.satisfaction in ("good", "bad"))
        if t.full_resolution_minutes is not None:
            solved_at = t.created_at + timedelta(minutes=t.full_resolution_minutes)
            counts(account_id, solved_at)["solved"] += 1
    mart = {
        (row["account_id"], f"{row['month_start']:%Y-%m}"): {
            "created": row["tickets_created"],
            "solved": row["tickets_solved"],
            "escalated": row["escalated_ticket_count"],
            "rated": row["csat_rated_count"],
        }
        for row in query(
            warehouse,
            "select * from analytics.fct_account_support_monthly "
            "where tickets_created + tickets_solved > 0",
        )
    }
    assert sum(c["created"] for c in truth.values()) > 100
    assert mismatches(truth, mart, ["created", "solved", "escalated", "rated"]) == []
    accounts = query(
        warehouse, "select count(distinct account_id) as n from analytics.dim_accounts"
    )
    monthly = query(
        warehouse,
        "select count(distinct account_id) as n from analytics.fct_account_support_monthly",
    )
    assert monthly == accounts


def test_issue_ticket_links_match_truth(company, warehouse):
    """Each escalation is one link, dated when it happened (marts hold naive UTC timestamps)."""
    truth = {
        (t.issue_id, t.ticket_id): t.linked_at.replace(tzinfo=None)
        for t in issue_ticket_link_truth(company, AT)
    }
    mart = {
        (row["issue_id"], row["ticket_id"]): row["linked_at"]
        for row in query(warehouse, "select * from analytics.fct_issue_ticket_links")
    }
    assert len(truth) > 5
    assert mart == truth


def test_linear_issue_impact_matches_truth(company, warehouse):
    columns = [
        "is_completed",
        "is_closed",
        "linked_ticket_count",
        "affected_account_count",
        "unattributed_ticket_count",
        "affected_arr",
    ]
    impact = {t.issue_id: vars(t) for t in issue_impact_truth(company, AT)}
    truth = {
        t.issue_id: {
            **impact[t.issue_id],
            "is_completed": t.is_completed,
            "is_closed": t.is_completed or t.is_canceled,
        }
        for t in issue_truth(company, AT)
    }
    mart = {
        row["issue_id"]: row
        for row in query(warehouse, "select * from analytics.fct_linear_issues")
    }
    assert sum(t["affected_arr"] or 0 for t in truth.values()) > 0
    assert mismatches(truth, mart, columns) == []


def test_employees_are_one_person_each_in_dim_people(company, warehouse):
    columns = [
        "person_name",
        "is_in_zendesk",
        "is_in_linear",
        "is_in_slack",
        "is_in_salesforce",
        "source_count",
        "is_employee",
        "is_active",
    ]
    truth = {t.person_key: vars(t) for t in employee_truth(company, AT)}
    mart = {
        row["person_key"]: row
        for row in query(warehouse, "select * from analytics.dim_people where is_employee")
    }
    assert len(truth) > 10
    assert mismatches(truth, mart, columns) == []


def test_semantic_layer_validates_on_the_warehouse(warehouse):
    """`mf validate-configs`: the semantic models and metrics are consistent, and every entity,
    dimension, measure and metric runs on the built warehouse."""
    result = run_mf(warehouse, warehouse.parent, "validate-configs")
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]


@pytest.mark.parametrize(
    ("metric", "segment_dimension"),
    [
        ("ticket_count", None),
        ("ticket_count", "organization__account__segment"),
        ("first_reply_business_minutes_median", None),
        ("csat", None),
        ("sla_attainment", "ticket__priority"),
        ("open_bug_count", "issue__priority_label"),
    ],
)
def test_semantic_layer_agrees_with_weekly_mart(warehouse, metric, segment_dimension):
    """`mf query` by week (and segment) gives fct_metrics_weekly's values: one definition
    (a count, a median, two ratios and a stock rebuilt week by week).

    A week (or segment) MetricFlow has no row for must hold the metric's empty value in the
    mart: 0 for a count, null for a median or a ratio.
    """
    mart = {
        (row["week_start"], row["segment"]): row["value"]
        for row in query(
            warehouse,
            "select week_start, segment, value from analytics.fct_metrics_weekly "
            f"where metric_name = '{metric}' and "
            + ("segment != 'all'" if segment_dimension else "segment = 'all'"),
        )
    }
    first_week = min(week for week, _ in mart)
    group_by = "metric_time__week" + (f",{segment_dimension}" if segment_dimension else "")
    semantic = {}
    for row in mf_query(warehouse, warehouse.parent, metric, group_by, str(first_week), AS_OF):
        segment = row[segment_dimension] if segment_dimension else "all"
        # records without the metric's time (no reply yet) or without a segment have no mart row
        if row["metric_time__week"] and segment:
            week = date.fromisoformat(row["metric_time__week"][:10])
            semantic[(week, segment)] = float(row[metric]) if row[metric] else None
    empty = 0.0 if metric.endswith("_count") else None
    assert len(mart) > 20 and sum(value is not None for value in mart.values()) > 10
    assert set(semantic) <= set(mart), sorted(set(semantic) - set(mart))[:5]
    differences = [
        (key, semantic.get(key, empty), value)
        for key, value in sorted(mart.items())
        if not same_number(semantic.get(key, empty), value)
    ]
    assert differences == [], differences[:5]


def test_every_mart_has_rows(warehouse):
    marts = query(
        warehouse,
        "select table_name from information_schema.tables "
        "where table_schema = 'analytics' and table_type = 'BASE TABLE'",
    )
    assert {"fct_support_tickets", "fct_linear_issues", "dim_accounts"} <= {
        m["table_name"] for m in marts
    }
    for mart in marts:
        count = query(warehouse, f"select count(*) as n from analytics.{mart['table_name']}")
        assert count[0]["n"] > 0, mart


def test_second_load_and_build_leave_the_same_rows(company, warehouse, tmp_path):
    """The demo run twice: the second load finds nothing new and the marts do not move."""
    before = table_counts(warehouse)
    with SandboxServer(Sandbox(company, SandboxOptions(seed=SEED))) as server:
        load_from(server, warehouse)
    build = run_dbt(warehouse, "build", target_dir=tmp_path)
    assert build.returncode == 0, build.stdout[-4000:]
    assert table_counts(warehouse) == before


def test_marts_build_without_as_of(warehouse, tmp_path):
    """`dbt build` as a user types it: as_of defaults to the current time, contracts still hold."""
    build = run_dbt(warehouse, "build", "--select", "marts", target_dir=tmp_path, as_of=None)
    assert build.returncode == 0, build.stdout[-4000:]
