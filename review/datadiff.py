"""Data diff of one relation built twice, keyed on its declared primary key (in DuckDB)."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
EXAMPLES = 3
EXAMPLE_COLUMNS = 6


@dataclass
class ColumnDiff:
    name: str
    changed_share: float
    mean_before: float | None = None
    mean_after: float | None = None


@dataclass
class TableDiff:
    name: str
    key: list[str]
    rows_before: int
    rows_after: int
    added: int = 0
    removed: int = 0
    changed: int = 0
    columns: list[ColumnDiff] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    # key values, then (column, before, after) for the columns that differ
    examples: list[tuple[str, list[tuple[str, str, str]]]] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return (
            not (
                self.added
                or self.removed
                or self.changed
                or self.columns_added
                or self.columns_removed
            )
            and self.rows_before == self.rows_after
        )


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def columns_of(connection: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    rows = connection.execute(f"describe select * from {relation}").fetchall()
    return {row[0]: str(row[1]) for row in rows}


def show(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def diff(
    connection: duckdb.DuckDBPyConnection, name: str, before: str, after: str, key: list[str]
) -> TableDiff:
    """Compare `before` and `after` (quoted relation names) on `key`."""
    old, new = columns_of(connection, before), columns_of(connection, after)
    count = "select count(*) from {}"
    result = TableDiff(
        name,
        key,
        connection.execute(count.format(before)).fetchone()[0],
        connection.execute(count.format(after)).fetchone()[0],
        columns_added=[c for c in new if c not in old],
        columns_removed=[c for c in old if c not in new],
    )
    if not key or any(k not in old or k not in new for k in key):
        # Without a key, rows are compared whole (on the common columns): a changed row counts
        # as one removed and one added.
        common = ", ".join(quote(c) for c in old if c in new)
        result.key = []
        result.added, result.removed = (
            connection.execute(
                f"select count(*) from (select {common} from {one} except all "
                f"select {common} from {other})"
            ).fetchone()[0]
            for one, other in ((after, before), (before, after))
        )
        return result
    on = " and ".join(f"b.{quote(k)} is not distinct from a.{quote(k)}" for k in key)
    compared = [c for c in old if c in new and c not in key]
    result.added = connection.execute(
        f"select count(*) from {after} a where not exists (select 1 from {before} b where {on})"
    ).fetchone()[0]
    result.removed = connection.execute(
        f"select count(*) from {before} b where not exists (select 1 from {after} a where {on})"
    ).fetchone()[0]
    if not compared:
        return result
    differs = {c: f"b.{quote(c)} is distinct from a.{quote(c)}" for c in compared}
    numeric = [c for c in compared if old[c].startswith(NUMERIC) and new[c].startswith(NUMERIC)]
    selects = [f"count(*) filter (where {' or '.join(differs.values())})", "count(*)"]
    selects += [f"count(*) filter (where {differs[c]})" for c in compared]
    selects += [f"avg(b.{quote(c)}), avg(a.{quote(c)})" for c in numeric]
    figures = connection.execute(
        f"select {', '.join(selects)} from {before} b join {after} a on {on}"
    ).fetchone()
    result.changed, matched = figures[0], figures[1]
    shares = figures[2 : 2 + len(compared)]
    means = dict(
        zip(
            numeric,
            zip(figures[2 + len(compared) :: 2], figures[3 + len(compared) :: 2], strict=True),
            strict=True,
        )
    )
    for column, changed in zip(compared, shares, strict=True):
        if changed:
            mean_before, mean_after = means.get(column, (None, None))
            result.columns.append(
                ColumnDiff(column, changed / matched if matched else 0.0, mean_before, mean_after)
            )
    result.columns.sort(key=lambda c: (-c.changed_share, c.name))
    moved = [c.name for c in result.columns][:EXAMPLE_COLUMNS]
    if moved:
        keys = ", ".join(f"b.{quote(k)}" for k in key)
        pairs = ", ".join(f"b.{quote(c)}, a.{quote(c)}" for c in moved)
        rows = connection.execute(
            f"select {keys}, {pairs} from {before} b join {after} a on {on} "
            f"where {' or '.join(differs[c] for c in moved)} order by {keys} limit {EXAMPLES}"
        ).fetchall()
        for row in rows:
            values = row[len(key) :]
            result.examples.append(
                (
                    ", ".join(f"{k}={show(v)}" for k, v in zip(key, row[: len(key)], strict=True)),
                    [
                        (c, show(values[2 * i]), show(values[2 * i + 1]))
                        for i, c in enumerate(moved)
                        if values[2 * i] != values[2 * i + 1]
                    ],
                )
            )
    return result
