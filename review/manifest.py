"""Read-only helpers over dbt's manifest.json: marts, keys, lineage, metrics and their columns."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Node = dict[str, Any]
Manifest = dict[str, Any]

# Relations that carry the governed metric layer when the project has one.
METRICS_WEEKLY = "fct_metrics_weekly"
METRIC_TARGETS = "fct_metric_targets"
IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def load(path: Path) -> Manifest:
    return json.loads(path.read_text())


def models(manifest: Manifest) -> dict[str, Node]:
    return {k: n for k, n in manifest["nodes"].items() if n["resource_type"] == "model"}


def layer(node: Node) -> str:
    """staging, intermediate, marts (the folder under models/), or '' for anything else."""
    fqn = node.get("fqn", [])
    return fqn[1] if node.get("resource_type") == "model" and len(fqn) > 2 else ""


def domain(node: Node) -> str:
    """The folder under the layer: a vendor for staging, a domain for intermediate and marts."""
    fqn = node.get("fqn", [])
    return fqn[2] if len(fqn) > 3 else ""


def is_time_spine(node: Node) -> bool:
    """MetricFlow's time spine: a generated calendar the semantic layer needs, not a mart."""
    return bool(node.get("time_spine"))


def marts(manifest: Manifest) -> dict[str, Node]:
    return {
        k: n for k, n in models(manifest).items() if layer(n) == "marts" and not is_time_spine(n)
    }


def by_name(manifest: Manifest, name: str) -> Node | None:
    return next((n for n in models(manifest).values() if n["name"] == name), None)


def tests_of(manifest: Manifest, unique_id: str) -> list[Node]:
    return [
        manifest["nodes"][child]
        for child in manifest["child_map"].get(unique_id, [])
        if child.startswith("test.") and child in manifest["nodes"]
    ]


def primary_key(manifest: Manifest, unique_id: str) -> list[str]:
    """The declared key: a primary_key constraint, else a unique_combination test whose columns
    are all not null, else a column tested both unique and not null; [] when none. A not_null
    constraint of an enforced contract counts as a not_null test: the warehouse enforces it."""
    node = manifest["nodes"][unique_id]
    for constraint in node.get("constraints", []):
        if constraint.get("type") == "primary_key" and constraint.get("columns"):
            return list(constraint["columns"])
    for name, column in node.get("columns", {}).items():
        if any(c.get("type") == "primary_key" for c in column.get("constraints", [])):
            return [name]
    tested: dict[str, set[str]] = {}
    combinations: list[list[str]] = []
    for test in tests_of(manifest, unique_id):
        meta = test.get("test_metadata") or {}
        kwargs = meta.get("kwargs") or {}
        if meta.get("name") == "unique_combination" and kwargs.get("columns"):
            combinations.append(list(kwargs["columns"]))
        elif test.get("column_name"):
            tested.setdefault(test["column_name"], set()).add(meta.get("name", ""))
    if (node.get("config", {}).get("contract") or {}).get("enforced"):
        for name, column in node.get("columns", {}).items():
            if any(c.get("type") == "not_null" for c in column.get("constraints", [])):
                tested.setdefault(name, set()).add("not_null")
    # A primary key column is one tested unique and not null; prefer the model's first column.
    singles = [c for c in node.get("columns", {}) if {"unique", "not_null"} <= tested.get(c, set())]
    if singles:
        return singles[:1]
    for columns in combinations:
        if all("not_null" in tested.get(c, set()) for c in columns):
            return columns
    return []


def descendants(manifest: Manifest, roots: Iterable[str]) -> set[str]:
    """Every node, exposure, semantic model and metric downstream of `roots` (roots excluded)."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        for child in manifest["child_map"].get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def ancestors(manifest: Manifest, unique_id: str) -> set[str]:
    seen: set[str] = set()
    stack = [unique_id]
    while stack:
        for parent in manifest["parent_map"].get(stack.pop(), []):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def semantic_model_of(manifest: Manifest, model_id: str) -> list[Node]:
    return [
        s
        for s in manifest.get("semantic_models", {}).values()
        if model_id in s.get("depends_on", {}).get("nodes", [])
    ]


def measure_columns(
    manifest: Manifest,
    semantic_model: Node,
    columns: Iterable[str],
    measures: set[str] | None = None,
) -> set[str]:
    """The mart columns a semantic model's measures (or those named in `measures`) read: the
    measure's expr (or its name when it has none), reduced to the identifiers that are columns
    of the mart."""
    known = set(columns)
    found: set[str] = set()
    for measure in semantic_model.get("measures", []):
        if measures is not None and measure["name"] not in measures:
            continue
        expression = str(measure.get("expr") or measure["name"]).lower()
        found |= {word for word in IDENTIFIER.findall(expression) if word in known}
    return found


def metric_columns(manifest: Manifest, model_id: str) -> set[str]:
    """A mart's metric columns: the columns that semantic-model measures on it aggregate.

    The semantic layer is the declaration of what a metric reads, so a column is a metric
    column exactly when a governed metric can move with it; ids and flags used only as
    dimensions or filters are not."""
    columns = manifest["nodes"][model_id].get("columns", {})
    found: set[str] = set()
    for semantic_model in semantic_model_of(manifest, model_id):
        found |= measure_columns(manifest, semantic_model, columns)
    return found


def metric_inputs(manifest: Manifest, metric: Node) -> set[str]:
    """Models a metric reads, through its semantic models and the metrics it derives from."""
    found: set[str] = set()
    seen: set[str] = set()
    stack = list(metric.get("depends_on", {}).get("nodes", []))
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        if current.startswith("model."):
            found.add(current)
        elif current.startswith("semantic_model."):
            stack += manifest["semantic_models"][current].get("depends_on", {}).get("nodes", [])
        elif current.startswith("metric."):
            stack += manifest["metrics"][current].get("depends_on", {}).get("nodes", [])
    return found


def unit_tested_columns(manifest: Manifest, model_id: str) -> set[str]:
    """Columns whose values some unit test of the model states in its expected rows."""
    covered: set[str] = set()
    for unit_test in manifest.get("unit_tests", {}).values():
        if model_id not in unit_test.get("depends_on", {}).get("nodes", []):
            continue
        expect = unit_test.get("expect", {})
        rows = expect.get("rows")
        if isinstance(rows, list):
            for row in rows:
                covered |= set(row)
        elif expect.get("format") == "csv" and isinstance(rows, str) and rows.strip():
            # csv format: the header names the columns.
            covered |= {c.strip() for c in rows.strip().splitlines()[0].split(",")}
    return covered


def metric_columns_read(manifest: Manifest, metric: Node) -> list[str]:
    """`model.column` for each mart column the metric's input measures aggregate."""
    # dbt lists every measure a metric reads, derived metrics' too; without that, all of them.
    measures = {m["name"] for m in metric.get("type_params", {}).get("input_measures") or []}
    return sorted(
        f"{manifest['nodes'][model]['name']}.{column}"
        for model in metric_inputs(manifest, metric)
        for semantic_model in semantic_model_of(manifest, model)
        for column in measure_columns(
            manifest, semantic_model, manifest["nodes"][model].get("columns", {}), measures or None
        )
    )
