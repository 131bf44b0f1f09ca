"""Record plumbing shared by the Zendesk resources: quarantine, pages as lists, vanished rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import dlt

from pipelines.common.quarantine import quarantine_malformed

SOURCE = "zendesk"
KEY = ("id",)


def split_malformed(records: Iterable[Any], entity: str) -> tuple[list[dict[str, Any]], list[Any]]:
    """Rows with an id, and the quarantine items for the others (each named in a warning)."""
    rows: list[dict[str, Any]] = []
    quarantined: list[Any] = []
    for item in quarantine_malformed(records, SOURCE, entity, KEY):
        (rows if isinstance(item, dict) else quarantined).append(item)
    return rows, quarantined


def page_items(records: Iterable[Any], entity: str, table: str | None = None) -> Iterator[Any]:
    """One API page for dlt: its well-formed rows as one list, quarantined records apart.

    A list goes through dlt's extract pipe in one step instead of one per row, which matters at
    a hundred thousand events. With `table`, the rows go to that table (merged on id).
    """
    rows, quarantined = split_malformed(records, entity)
    yield from quarantined
    if not rows:
        return
    if table is None:
        yield rows
        return
    hints = dlt.mark.make_hints(table_name=table, primary_key="id", write_disposition="merge")
    yield dlt.mark.with_hints(rows, hints, create_table_variant=True)


def mark_vanished(rows: list[dict[str, Any]], state: dict[str, Any]) -> list[dict[str, Any]]:
    """Complete lists (groups, SLA policies, schedules, holidays): keep and flag deleted rows.

    Zendesk drops a deleted object from these lists without a trace. The resource state keeps
    the last complete list; an id missing from the new one comes back as its last-seen row with
    `is_deleted = true` and `deleted_at` (when the load noticed), so facts that still refer to it
    keep their join. Listed rows carry `is_deleted = false`.
    """
    previous: dict[str, dict[str, Any]] = state.get("last_seen", {})
    seen = {str(row["id"]): {**row, "is_deleted": False, "deleted_at": None} for row in rows}
    noticed = datetime.now(UTC).isoformat()
    for key, row in previous.items():
        if key not in seen:
            deleted = row.get("is_deleted")
            seen[key] = row if deleted else {**row, "is_deleted": True, "deleted_at": noticed}
    state["last_seen"] = seen
    return list(seen.values())
