"""review.md: the findings as one deterministic Markdown comment under GitHub's size limit."""

from __future__ import annotations

import math

from review.changes import KINDS, Changed
from review.datadiff import TableDiff
from review.metricdiff import MetricRow
from review.run import Review

LIMIT = 60_000
# Caps tried in turn until the comment fits: (example keys per mart, rows per metric).
CAPS = ((3, 24), (1, 8), (0, 3))


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _quote(text: str) -> str:
    return " ".join(text.split()) or "(none)"


def _change_line(change: Changed) -> list[str]:
    aspects = f" ({', '.join(change.aspects)})" if change.aspects else ""
    lines = [f"- {change.kind} `{change.name}`: {change.status}{aspects}"]
    for kind in ("removed", "added", "retyped"):
        columns = [c for c in change.columns if c.change == kind]
        if columns:
            described = ", ".join(
                f"`{c.name}`" + (f" ({c.before} -> {c.after})" if kind == "retyped" else "")
                for c in columns
            )
            lines.append(f"  - columns {kind}: {described}")
    for what, before, after in change.descriptions:
        lines += [
            f"  - {what}:",
            f"    > before: {_quote(before)}",
            "    >",
            f"    > after: {_quote(after)}",
        ]
    return lines


def what_changed(review: Review) -> list[str]:
    lines = ["## 1. What changed", ""]
    breaking = [
        f"**Breaking contract change: `{c.name}`: {reason}.**"
        for c in review.changes
        for reason in c.breaking
    ]
    lines += [*breaking, ""] if breaking else []
    if not review.changes:
        return [*lines, "No definition changed.", ""]
    for kind, _ in KINDS:
        of_kind = [c for c in review.changes if c.kind == kind]
        if of_kind:
            lines.append(f"**{kind}s** ({len(of_kind)})")
            for change in of_kind:
                lines += _change_line(change)
            lines.append("")
    return lines


def _short(unique_id: str) -> str:
    kind, _, *rest = unique_id.split(".")
    # A data test's id ends with a hash after its name.
    name = rest[0] if kind == "test" else rest[-1]
    return f"{kind.replace('_', ' ')} `{name}`"


def lineage(review: Review) -> list[str]:
    lines = ["## 2. Lineage of the change", ""]
    if not review.roots:
        return [*lines, "Nothing downstream: no node's definition changed.", ""]
    lines.append("Changed: " + ", ".join(_short(u) for u in review.roots) + ".")
    downstream = [u for u in review.downstream if not u.startswith("exposure.")]
    lines.append(
        "Downstream: "
        + (", ".join(_short(u) for u in downstream) if downstream else "nothing")
        + "."
    )
    models = [u for u in review.executed if u.startswith("model.")]
    lines.append(
        f"Rebuilt by `state:modified+`: {len(models)} models"
        f" ({len(review.executed)} nodes with tests)."
    )
    for label, marts in review.exposures:
        lines.append(f"- The {label} reads changed mart(s) {', '.join(f'`{m}`' for m in marts)}.")
    return [*lines, ""]


def _mean(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


def _table(diff: TableDiff, examples: int) -> list[str]:
    lines = [f"### `{diff.name}` (key: {', '.join(diff.key) or 'none declared'})", ""]
    if not diff.key:
        lines += [
            "No primary key declared: whole rows compared (a changed row: one removed, one added).",
            "",
        ]
    lines += [
        "| rows before | rows after | added | removed | changed |",
        "|---:|---:|---:|---:|---:|",
        _row(diff.rows_before, diff.rows_after, diff.added, diff.removed, diff.changed),
        "",
    ]
    if diff.columns_added or diff.columns_removed:
        lines.append(
            f"Columns added: {', '.join(diff.columns_added) or 'none'}; "
            f"removed: {', '.join(diff.columns_removed) or 'none'}."
        )
    if diff.columns:
        lines += ["| column | changed rows | mean before | mean after |", "|---|---:|---:|---:|"]
        lines += [
            _row(f"`{c.name}`", f"{c.changed_share:.1%}", _mean(c.mean_before), _mean(c.mean_after))
            for c in diff.columns
        ]
        lines.append("")
    for key, values in diff.examples[:examples]:
        moved = "; ".join(f"`{c}` {b} -> {a}" for c, b, a in values)
        lines.append(f"- {key}: {moved}")
    return [*lines, ""]


def data_diff(review: Review, examples: int) -> list[str]:
    lines = ["## 3. Data diff", ""]
    if review.build_error and not review.built:
        return [*lines, "Not compared: the build failed (below).", ""]
    if not review.table_diffs:
        return [*lines, "No data changed: no mart was rebuilt.", ""]
    if all(d.unchanged for d in review.table_diffs):
        names = ", ".join(f"`{d.name}`" for d in review.table_diffs)
        return [*lines, f"No data changed: the rebuilt marts ({names}) are identical.", ""]
    for diff in review.table_diffs:
        if diff.unchanged:
            lines += [f"`{diff.name}`: no data changed.", ""]
        else:
            lines += _table(diff, examples)
    return lines


def _value(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


def _metric_rows(rows: list[MetricRow], cap: int) -> list[str]:
    lines = ["| week | segment | before | after | change |", "|---|---|---:|---:|---:|"]
    for row in rows[:cap]:
        if row.before is None or row.after is None:
            change = "new" if row.before is None else "gone"
        elif math.isinf(row.relative_change):
            change = "from 0"
        else:
            change = f"{(row.after - row.before) / abs(row.before):+.1%}"
        lines.append(
            _row(row.week_start, row.segment, _value(row.before), _value(row.after), change)
        )
    if len(rows) > cap:
        lines.append(f"\n... and {len(rows) - cap} more changed (week, segment) values.")
    return lines


def metric_diff(review: Review, rows_per_metric: int) -> list[str]:
    lines = ["## 4. Metric diff", ""]
    if not review.has_metrics:
        return [
            *lines,
            "The project defines no metrics (no semantic layer in manifest.json): "
            "the data diff is the whole effect.",
            "",
        ]
    if not review.metrics:
        return [*lines, "This change touches no metric.", ""]
    lines.append("Metrics whose inputs changed:")
    lines += [
        f"- `{name}` (reads {', '.join(f'`{c}`' for c in columns) or 'no mart column'})"
        for name, columns in sorted(review.metrics.items())
    ]
    lines.append("")
    if review.metric_note:
        lines += [review.metric_note, ""]
    elif not review.metric_changes:
        lines += ["No metric value moved over the last 12 weeks.", ""]
    for metric, rows in review.metric_changes.items():
        lines += [f"### `{metric}`", "", *_metric_rows(rows, rows_per_metric), ""]
    if review.verdict_note:
        lines += [review.verdict_note, ""]
    elif review.verdict_flips:
        lines += ["Targets whose verdict flips:", ""]
        lines += [f"- {key}: {before} -> {after}" for key, before, after in review.verdict_flips]
        lines.append("")
    else:
        lines += ["No target's verdict flips.", ""]
    return lines


def checks(review: Review) -> list[str]:
    lines = ["## 5. Checks", ""]
    if review.failures:
        lines.append(f"**The build failed:** {len(review.failures)} node(s) in error or failing:")
        lines += [f"- {_short(u)}: {message}" for u, message in review.failures]
        lines.append("")
    elif review.build_error:
        lines += ["**The build failed:**", "", "```", review.build_error, "```", ""]
    if not review.violations:
        return [*lines, "Every governance rule holds.", ""]
    lines.append(f"{len(review.violations)} governance rule violation(s):")
    return [*lines, *(f"- {v}" for v in review.violations), ""]


def render(review: Review) -> str:
    for examples, rows_per_metric in CAPS:
        lines = [
            f"# Metric review against `{review.base_ref}`",
            "",
            *what_changed(review),
            *lineage(review),
            *data_diff(review, examples),
            *metric_diff(review, rows_per_metric),
            *checks(review),
        ]
        text = "\n".join(lines).rstrip() + "\n"
        if len(text) < LIMIT:
            return text
    cut = "\n\n... cut to fit a pull request comment.\n"
    return text[: LIMIT - len(cut) - 1] + cut
