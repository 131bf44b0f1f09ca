"""Governance rules over a manifest (dbt-project-evaluator's rules that matter here, locally).

Each rule returns the violations it finds as one line each, naming the node and what is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from review import manifest as mf
from review.manifest import Manifest, Node


@dataclass(frozen=True)
class Violation:
    rule: str
    node: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.node}: {self.detail}"


def marts_are_owned(manifest: Manifest) -> list[Violation]:
    found = []
    for node in mf.marts(manifest).values():
        config = node.get("config", {})
        owner = (config.get("meta") or {}).get("owner") or (node.get("meta") or {}).get("owner")
        if not owner:
            found.append(Violation("mart owner", node["name"], "no meta.owner"))
        if not config.get("group"):
            found.append(Violation("mart group", node["name"], "no group"))
        if not (config.get("contract") or {}).get("enforced"):
            found.append(Violation("mart contract", node["name"], "contract not enforced"))
    return found


def marts_have_tested_keys(manifest: Manifest) -> list[Violation]:
    return [
        Violation(
            "mart primary key", node["name"], "no column or combination tested unique and not_null"
        )
        for unique_id, node in mf.marts(manifest).items()
        if not mf.primary_key(manifest, unique_id)
    ]


def mart_columns_described(manifest: Manifest) -> list[Violation]:
    found = []
    for node in mf.marts(manifest).values():
        if not node.get("description", "").strip():
            found.append(Violation("mart description", node["name"], "no description"))
        found += [
            Violation("column description", node["name"], f"column {name} has no description")
            for name, column in node.get("columns", {}).items()
            if not column.get("description", "").strip()
        ]
    return found


def semantic_layer_described(manifest: Manifest) -> list[Violation]:
    kinds = (("semantic_models", "semantic model description"), ("metrics", "metric description"))
    return [
        Violation(rule, node["name"], "no description")
        for key, rule in kinds
        for node in manifest.get(key, {}).values()
        if not (node.get("description") or "").strip()
    ]


def is_base_model(node: Node, of: Node) -> bool:
    """A staging model marked `meta.base_model` that unpacks a raw table for the staging models
    of its own vendor (dbt-project-evaluator's base-model exception)."""
    meta = node.get("config", {}).get("meta") or {}
    return (
        mf.layer(node) == "staging"
        and bool(meta.get("base_model"))
        and mf.domain(node) == mf.domain(of)
    )


def layers_read_their_inputs(manifest: Manifest) -> list[Violation]:
    """Staging reads only sources (or its vendor's base model); marts never read sources or
    another domain's intermediate models."""
    found = []
    nodes = manifest["nodes"]
    for node in mf.models(manifest).values():
        parents = node.get("depends_on", {}).get("nodes", [])
        if mf.layer(node) == "staging":
            found += [
                Violation("staging reads sources only", node["name"], f"reads {parent}")
                for parent in parents
                if not parent.startswith("source.")
                and not (parent in nodes and is_base_model(nodes[parent], node))
            ]
        elif mf.layer(node) == "marts":
            for parent in parents:
                if parent.startswith("source."):
                    found.append(Violation("mart reads no source", node["name"], f"reads {parent}"))
                elif (
                    parent in nodes
                    and mf.layer(nodes[parent]) == "intermediate"
                    and mf.domain(nodes[parent]) != mf.domain(node)
                ):
                    found.append(
                        Violation(
                            "mart reads its own domain's intermediates",
                            node["name"],
                            f"reads {nodes[parent]['name']} of domain {mf.domain(nodes[parent])}",
                        )
                    )
    return found


def models_reach_sources(manifest: Manifest) -> list[Violation]:
    return [
        Violation("model orphaned from sources", node["name"], "no source among its ancestors")
        for unique_id, node in mf.models(manifest).items()
        if not mf.is_time_spine(node)
        and not any(a.startswith("source.") for a in mf.ancestors(manifest, unique_id))
    ]


def metric_columns_unit_tested(manifest: Manifest) -> list[Violation]:
    found = []
    for unique_id, node in mf.marts(manifest).items():
        untested = mf.metric_columns(manifest, unique_id) - mf.unit_tested_columns(
            manifest, unique_id
        )
        found += [
            Violation("metric column unit tested", node["name"], f"no unit test expects {column}")
            for column in sorted(untested)
        ]
    return found


RULES: tuple[Callable[[Manifest], list[Violation]], ...] = (
    marts_are_owned,
    marts_have_tested_keys,
    mart_columns_described,
    semantic_layer_described,
    layers_read_their_inputs,
    models_reach_sources,
    metric_columns_unit_tested,
)


def check(manifest: Manifest) -> list[Violation]:
    return sorted(
        (v for rule in RULES for v in rule(manifest)), key=lambda v: (v.rule, v.node, v.detail)
    )
