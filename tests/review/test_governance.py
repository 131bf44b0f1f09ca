"""Governance rules: each one catches what it names on a small hand-made manifest, and the
project itself (a `dbt parse` manifest) keeps every rule."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from review import governance
from review import manifest as mf
from tests.loading import run_dbt

SOURCE = "source.p.zendesk.tickets"


def model(name: str, layer: str, domain: str, parents: list[str], **extra: Any) -> dict:
    return {
        "resource_type": "model",
        "name": name,
        "unique_id": f"model.p.{name}",
        "fqn": ["p", layer, domain, name],
        "depends_on": {"nodes": parents},
        "description": "described",
        "columns": {},
        "config": {},
        **extra,
    }


def data_test(name: str, column: str, attached: str) -> dict:
    return {
        "resource_type": "test",
        "name": f"{name}_{column}",
        "unique_id": f"test.p.{name}_{column}",
        "column_name": column,
        "test_metadata": {"name": name, "kwargs": {}},
        "depends_on": {"nodes": [attached]},
    }


def with_maps(manifest: dict) -> dict:
    """parent_map and child_map from each node's depends_on, as dbt writes them."""
    children: dict[str, list[str]] = {SOURCE: []}
    parents: dict[str, list[str]] = {}
    for kind in ("nodes", "semantic_models", "metrics", "unit_tests"):
        for unique_id, node in manifest.get(kind, {}).items():
            parents[unique_id] = list(node["depends_on"]["nodes"])
            children.setdefault(unique_id, [])
            for parent in node["depends_on"]["nodes"]:
                children.setdefault(parent, []).append(unique_id)
    return {**manifest, "parent_map": parents, "child_map": children}


def good() -> dict:
    """A source, its staging model, an intermediate and a governed mart with a metric on it."""
    staging = model("stg_zendesk__tickets", "staging", "zendesk", [SOURCE])
    intermediate = model("int_replies", "intermediate", "support", [staging["unique_id"]])
    mart = model(
        "fct_tickets",
        "marts",
        "support",
        [staging["unique_id"], intermediate["unique_id"]],
        columns={
            "ticket_id": {"description": "Ticket."},
            "reply_minutes": {"description": "Minutes to reply."},
        },
        config={"meta": {"owner": "Support"}, "group": "support", "contract": {"enforced": True}},
    )
    mart_id = mart["unique_id"]
    nodes = {n["unique_id"]: n for n in (staging, intermediate, mart)}
    for name in ("unique", "not_null"):
        test = data_test(name, "ticket_id", mart_id)
        nodes[test["unique_id"]] = test
    semantic_model = {
        "name": "tickets",
        "description": "Tickets.",
        "depends_on": {"nodes": [mart_id]},
        "measures": [{"name": "reply_time", "expr": "reply_minutes", "agg": "average"}],
    }
    metric = {
        "name": "average_reply_time",
        "description": "Mean reply minutes.",
        "depends_on": {"nodes": ["semantic_model.p.tickets"]},
    }
    unit_test = {
        "model": "fct_tickets",
        "depends_on": {"nodes": [mart_id]},
        "expect": {"format": "dict", "rows": [{"ticket_id": 1, "reply_minutes": 5.0}]},
    }
    return with_maps(
        {
            "nodes": nodes,
            "semantic_models": {"semantic_model.p.tickets": semantic_model},
            "metrics": {"metric.p.average_reply_time": metric},
            "unit_tests": {"unit_test.p.fct_tickets.t": unit_test},
        }
    )


def mart(manifest: dict) -> dict:
    return manifest["nodes"]["model.p.fct_tickets"]


def add_model(manifest: dict, node: dict) -> None:
    manifest["nodes"][node["unique_id"]] = node


def other_domain_read(manifest: dict) -> None:
    add_model(manifest, model("int_issues", "intermediate", "engineering", ["model.p.int_replies"]))
    mart(manifest)["depends_on"]["nodes"].append("model.p.int_issues")


CASES: list[tuple[str, Callable[[dict], None]]] = [
    ("mart owner", lambda m: mart(m)["config"].pop("meta")),
    ("mart group", lambda m: mart(m)["config"].pop("group")),
    ("mart contract", lambda m: mart(m)["config"].update(contract={"enforced": False})),
    ("mart primary key", lambda m: m["nodes"].pop("test.p.unique_ticket_id")),
    ("column description", lambda m: mart(m)["columns"]["reply_minutes"].update(description="")),
    (
        "metric description",
        lambda m: m["metrics"]["metric.p.average_reply_time"].pop("description"),
    ),
    (
        "semantic model description",
        lambda m: m["semantic_models"]["semantic_model.p.tickets"].update(description=" "),
    ),
    ("mart reads no source", lambda m: mart(m)["depends_on"]["nodes"].append(SOURCE)),
    ("mart reads its own domain's intermediates", other_domain_read),
    (
        "staging reads sources only",
        lambda m: add_model(
            m, model("stg_zendesk__users", "staging", "zendesk", ["model.p.stg_zendesk__tickets"])
        ),
    ),
    (
        "model orphaned from sources",
        lambda m: add_model(m, model("int_calendar", "intermediate", "support", [])),
    ),
    (
        "metric column unit tested",
        lambda m: m["unit_tests"]["unit_test.p.fct_tickets.t"]["expect"].update(
            rows=[{"ticket_id": 1}]
        ),
    ),
]


def test_a_governed_project_keeps_every_rule():
    assert governance.check(good()) == []


@pytest.mark.parametrize(("rule", "breach"), CASES, ids=[rule for rule, _ in CASES])
def test_each_rule_catches_its_breach(rule, breach):
    manifest = copy.deepcopy(good())
    breach(manifest)
    found = governance.check(with_maps(manifest))
    assert [v.rule for v in found] == [rule], found


def test_an_enforced_not_null_constraint_counts_as_a_not_null_test():
    manifest = copy.deepcopy(good())
    manifest["nodes"].pop("test.p.not_null_ticket_id")
    assert [v.rule for v in governance.check(with_maps(manifest))] == ["mart primary key"]
    mart(manifest)["columns"]["ticket_id"]["constraints"] = [{"type": "not_null"}]
    assert governance.check(with_maps(manifest)) == []
    mart(manifest)["config"]["contract"] = {"enforced": False}
    assert {v.rule for v in governance.check(with_maps(manifest))} == {
        "mart contract",
        "mart primary key",
    }


def test_a_base_model_of_the_same_vendor_may_feed_staging():
    manifest = copy.deepcopy(good())
    manifest["nodes"]["model.p.stg_zendesk__tickets"]["config"] = {"meta": {"base_model": True}}
    add_model(
        manifest,
        model("stg_zendesk__comments", "staging", "zendesk", ["model.p.stg_zendesk__tickets"]),
    )
    assert governance.check(with_maps(manifest)) == []
    manifest["nodes"]["model.p.stg_zendesk__comments"]["fqn"][2] = "slack"
    assert [v.rule for v in governance.check(with_maps(manifest))] == ["staging reads sources only"]


def test_the_time_spine_is_neither_a_mart_nor_an_orphan():
    manifest = copy.deepcopy(good())
    spine = model("metricflow_time_spine", "marts", "support", [])
    add_model(manifest, {**spine, "time_spine": {"standard_granularity_column": "date_day"}})
    assert governance.check(with_maps(manifest)) == []


def test_metric_columns_are_those_measures_read():
    manifest = good()
    manifest["semantic_models"]["semantic_model.p.tickets"]["measures"].append(
        {"name": "breaches", "expr": "case when is_breached then 1 else 0 end", "agg": "sum"}
    )
    mart(manifest)["columns"]["is_breached"] = {"description": "Breached."}
    assert mf.metric_columns(manifest, "model.p.fct_tickets") == {"reply_minutes", "is_breached"}
    metric = manifest["metrics"]["metric.p.average_reply_time"]
    metric["type_params"] = {"input_measures": [{"name": "reply_time"}]}
    assert mf.metric_columns_read(manifest, metric) == ["fct_tickets.reply_minutes"]


@pytest.mark.slow
def test_the_project_keeps_every_rule(tmp_path):
    parse = run_dbt(tmp_path / "parse.duckdb", "parse", target_dir=tmp_path)
    assert parse.returncode == 0, parse.stdout[-3000:]
    manifest = mf.load(tmp_path / "target" / "manifest.json")
    assert len(mf.marts(manifest)) >= 10
    assert [str(v) for v in governance.check(manifest)] == []
