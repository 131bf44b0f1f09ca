"""The review end to end: build both sides, compare them, collect the findings."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from review import build, changes, datadiff, governance, metricdiff
from review import manifest as mf
from review.manifest import Manifest


@dataclass
class Review:
    base_ref: str
    base_built: bool = False
    build_error: str | None = None
    changes: list[changes.Changed] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)
    downstream: list[str] = field(default_factory=list)
    executed: list[str] = field(default_factory=list)
    built: list[str] = field(default_factory=list)  # relations the head build created
    failures: list[tuple[str, str]] = field(default_factory=list)  # node, message
    exposures: list[tuple[str, list[str]]] = field(default_factory=list)  # label, changed marts
    table_diffs: list[datadiff.TableDiff] = field(default_factory=list)
    has_metrics: bool = False
    metrics: dict[str, list[str]] = field(default_factory=dict)  # affected metric -> columns read
    metric_note: str | None = None
    metric_changes: dict[str, list[metricdiff.MetricRow]] = field(default_factory=dict)
    verdict_note: str | None = None
    verdict_flips: list[tuple[str, str, str]] = field(default_factory=list)
    violations: list[governance.Violation] = field(default_factory=list)


def _relation(manifest: Manifest, unique_id: str) -> str:
    return manifest["nodes"][unique_id]["relation_name"]


def _lineage(review: Review, head: Manifest) -> None:
    roots = set(changes.changed_roots(review.changes, head))
    downstream = mf.descendants(head, roots) - roots
    review.roots = sorted(roots)
    review.downstream = sorted(u for u in downstream if not u.startswith(("test.", "unit_test.")))
    touched = roots | downstream
    for exposure in sorted(head.get("exposures", {}).values(), key=lambda e: e["name"]):
        reads = sorted(
            head["nodes"][u]["name"] for u in exposure["depends_on"]["nodes"] if u in touched
        )
        if reads:
            review.exposures.append((exposure.get("label") or exposure["name"], reads))
    review.has_metrics = bool(head.get("metrics"))
    for unique_id, metric in sorted(head.get("metrics", {}).items()):
        inputs = mf.metric_inputs(head, metric)
        if unique_id in touched or inputs & touched:
            review.metrics[metric["name"]] = mf.metric_columns_read(head, metric)


def _data_diffs(
    review: Review, connection: duckdb.DuckDBPyConnection, base: Manifest, head: Manifest
) -> None:
    base_marts, head_marts = mf.marts(base), mf.marts(head)
    for unique_id in sorted(set(review.built) & set(head_marts)):
        if unique_id not in base_marts:
            continue
        key = mf.primary_key(head, unique_id) or mf.primary_key(base, unique_id)
        review.table_diffs.append(
            datadiff.diff(
                connection,
                head_marts[unique_id]["name"],
                _relation(base, unique_id),
                _relation(head, unique_id),
                key,
            )
        )


def _metric_diff(
    review: Review, connection: duckdb.DuckDBPyConnection, base: Manifest, head: Manifest
) -> None:
    weekly = mf.by_name(head, mf.METRICS_WEEKLY)
    base_weekly = mf.by_name(base, mf.METRICS_WEEKLY)
    if weekly is None or base_weekly is None:
        review.metric_note = (
            f"No {mf.METRICS_WEEKLY} on both sides: metric values are not compared."
        )
    elif weekly["unique_id"] in review.built and review.metrics:
        review.metric_changes = metricdiff.weekly_changes(
            connection,
            base_weekly["relation_name"],
            weekly["relation_name"],
            sorted(review.metrics),
        )
    targets = mf.by_name(head, mf.METRIC_TARGETS)
    base_targets = mf.by_name(base, mf.METRIC_TARGETS)
    if targets is None or base_targets is None:
        review.verdict_note = f"No {mf.METRIC_TARGETS} on both sides: verdicts are not compared."
        return
    key = mf.primary_key(head, targets["unique_id"])
    verdict = next((c for c in targets.get("columns", {}) if c == "verdict"), None)
    if not key or verdict is None:
        review.verdict_note = f"{mf.METRIC_TARGETS} declares no primary key or verdict column."
    elif targets["unique_id"] in review.built:
        review.verdict_flips = metricdiff.verdict_flips(
            connection, base_targets["relation_name"], targets["relation_name"], key, verdict
        )


def review_change(
    project: Path, base_ref: str, raw: Path, workdir: Path, vars_: str
) -> tuple[Review, build.Workspace]:
    workspace = build.Workspace(workdir)
    review = Review(base_ref)
    shutil.rmtree(workspace.head_target, ignore_errors=True)
    try:
        review.base_built = build.build_base(workspace, project, base_ref, raw, vars_)
        build.build_head(workspace, project, vars_)
    except build.BuildError as error:
        review.build_error = str(error)
    ran = build.results(workspace.head_target)
    review.executed = sorted(ran)
    review.built = sorted(u for u, (status, _) in ran.items() if status == "success")
    review.failures = sorted(
        (u, message) for u, (status, message) in ran.items() if status in ("error", "fail")
    )
    base_manifest = workspace.base_target / "manifest.json"
    head_manifest = workspace.head_target / "manifest.json"
    if not (base_manifest.exists() and head_manifest.exists()):
        return review, workspace
    base, head = mf.load(base_manifest), mf.load(head_manifest)
    review.changes = changes.compare(base, head)
    review.violations = governance.check(head)
    _lineage(review, head)
    if review.built or review.build_error is None:
        connection = duckdb.connect(str(workspace.database), read_only=True)
        try:
            _data_diffs(review, connection, base, head)
            _metric_diff(review, connection, base, head)
        finally:
            connection.close()
    return review, workspace
