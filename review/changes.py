"""What a change did to the project's definitions: two manifests compared, node by node."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from review.manifest import Manifest, Node

# Kinds of resources, in the order the review lists them, and where the manifest keeps them.
KINDS: tuple[tuple[str, str], ...] = (
    ("model", "nodes"),
    ("test", "nodes"),
    ("unit test", "unit_tests"),
    ("seed", "nodes"),
    ("snapshot", "nodes"),
    ("macro", "macros"),
    ("semantic model", "semantic_models"),
    ("metric", "metrics"),
    ("exposure", "exposures"),
)
# What defines each kind: the fields compared (paths, schemas and build metadata never are).
DEFINING: dict[str, tuple[str, ...]] = {
    "model": ("checksum", "columns", "description", "constraints", "config"),
    "seed": ("checksum", "columns", "description", "config"),
    "snapshot": ("checksum", "columns", "description", "config"),
    "test": ("raw_code", "test_metadata", "column_name", "attached_node", "config"),
    "unit test": ("model", "given", "expect", "overrides", "description"),
    "macro": ("macro_sql", "arguments", "description"),
    "semantic model": (
        "description",
        "model",
        "entities",
        "dimensions",
        "measures",
        "defaults",
        "primary_entity",
    ),
    "metric": ("description", "label", "type", "type_params", "filter"),
    "exposure": ("description", "label", "type", "owner", "depends_on", "url"),
}
ASPECT = {"checksum": "SQL", "raw_code": "SQL", "macro_sql": "SQL", "type_params": "definition"}
RESOURCE_TYPE = {"model": "model", "test": "test", "seed": "seed", "snapshot": "snapshot"}


@dataclass
class ColumnChange:
    name: str
    change: str  # added, removed, retyped
    before: str | None = None
    after: str | None = None


@dataclass
class Changed:
    kind: str
    unique_id: str
    name: str
    status: str  # added, removed, modified
    columns: list[ColumnChange] = field(default_factory=list)
    descriptions: list[tuple[str, str, str]] = field(default_factory=list)  # what, before, after
    breaking: list[str] = field(default_factory=list)
    aspects: list[str] = field(default_factory=list)  # which defining fields differ


def resources(manifest: Manifest, kind: str) -> dict[str, Node]:
    key = dict(KINDS)[kind]
    found = manifest.get(key, {})
    if key == "nodes":
        return {k: n for k, n in found.items() if n["resource_type"] == RESOURCE_TYPE[kind]}
    if kind == "macro":
        # dbt's own and adapters' macros change with the installed version, not with the PR.
        project = manifest["metadata"].get("project_name")
        return {k: n for k, n in found.items() if n.get("package_name") == project}
    return dict(found)


def _defining(kind: str, node: Node, keys: tuple[str, ...] = ()) -> str:
    picked: dict[str, Any] = {k: node.get(k) for k in keys or DEFINING[kind]}
    if "columns" in picked:
        picked["columns"] = {
            name: {k: c.get(k) for k in ("data_type", "description", "constraints")}
            for name, c in (picked["columns"] or {}).items()
        }
    return json.dumps(picked, sort_keys=True, default=str)


def _column_changes(before: Node, after: Node) -> list[ColumnChange]:
    old, new = before.get("columns", {}), after.get("columns", {})
    found = [ColumnChange(n, "removed") for n in old if n not in new]
    found += [ColumnChange(n, "added", after=new[n].get("data_type")) for n in new if n not in old]
    found += [
        ColumnChange(n, "retyped", old[n].get("data_type"), new[n].get("data_type"))
        for n in old
        if n in new and (old[n].get("data_type") or "") != (new[n].get("data_type") or "")
    ]
    return found


def _descriptions(before: Node, after: Node) -> list[tuple[str, str, str]]:
    found = []
    if (before.get("description") or "") != (after.get("description") or ""):
        found.append(
            ("description", before.get("description") or "", after.get("description") or "")
        )
    old, new = before.get("columns", {}), after.get("columns", {})
    for name in old:
        if name in new and old[name].get("description") != new[name].get("description"):
            found.append(
                (
                    f"column {name}",
                    old[name].get("description") or "",
                    new[name].get("description") or "",
                )
            )
    return found


def _breaking(before: Node, after: Node, columns: list[ColumnChange]) -> list[str]:
    """A contract's consumers break when an enforced contract loses or retypes a column, or
    stops being enforced."""
    if not (before.get("config", {}).get("contract") or {}).get("enforced"):
        return []
    if not (after.get("config", {}).get("contract") or {}).get("enforced"):
        return ["contract no longer enforced"]
    return [
        f"column {c.name} removed"
        if c.change == "removed"
        else f"column {c.name} retyped {c.before} -> {c.after}"
        for c in columns
        if c.change in ("removed", "retyped")
    ]


def compare(base: Manifest, head: Manifest) -> list[Changed]:
    """Every added, removed or modified resource, in KINDS order, then by name."""
    found: list[Changed] = []
    for kind, _ in KINDS:
        old, new = resources(base, kind), resources(head, kind)
        for unique_id in sorted(set(old) | set(new)):
            name = (new.get(unique_id) or old[unique_id])["name"]
            if unique_id not in old:
                found.append(Changed(kind, unique_id, name, "added"))
            elif unique_id not in new:
                found.append(Changed(kind, unique_id, name, "removed"))
            elif _defining(kind, old[unique_id]) != _defining(kind, new[unique_id]):
                columns = _column_changes(old[unique_id], new[unique_id])
                aspects = [
                    ASPECT.get(k, k)
                    for k in DEFINING[kind]
                    if _defining(kind, old[unique_id], (k,))
                    != _defining(kind, new[unique_id], (k,))
                ]
                found.append(
                    Changed(
                        kind,
                        unique_id,
                        name,
                        "modified",
                        columns,
                        _descriptions(old[unique_id], new[unique_id]),
                        _breaking(old[unique_id], new[unique_id], columns),
                        aspects,
                    )
                )
    for change in found:
        if change.kind == "model" and change.status == "removed":
            node = base["nodes"][change.unique_id]
            if (node.get("config", {}).get("contract") or {}).get("enforced"):
                change.breaking.append("contracted model removed")
    return found


def changed_roots(changes: list[Changed], head: Manifest) -> set[str]:
    """Head nodes whose definition changed: modified or added resources, and the nodes that
    call a changed macro."""
    roots = {c.unique_id for c in changes if c.status != "removed" and c.kind != "macro"}
    macros = {c.unique_id for c in changes if c.kind == "macro" and c.status != "removed"}
    if macros:
        roots |= {
            unique_id
            for unique_id, node in head["nodes"].items()
            if macros & set(node.get("depends_on", {}).get("macros", []))
        }
    known = ("nodes", "unit_tests", "semantic_models", "metrics", "exposures")
    return {r for r in roots if any(r in head.get(key, {}) for key in known)}
