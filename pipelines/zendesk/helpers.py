"""Record plumbing shared by the Zendesk resources: quarantine, table routing, vanished rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.common.schema.typing import TColumnSchema

from pipelines.common.quarantine import quarantine_malformed

SOURCE = "zendesk"
KEY = ("id",)


def well_formed(records: Iterable[Any], entity: str) -> Iterator[Any]:
    """Records with an id pass; the others go to the quarantine table, named in a warning."""
    return quarantine_malformed(records, SOURCE, entity, KEY)


def to_table(items: Iterable[Any], table: str, columns: dict[str, TColumnSchema]) -> Iterator[Any]:
    """Send plain records, as one list, to `table` (merged on id, like the resource's own).

    Items already routed elsewhere (quarantine) keep going as they are.
    """
    rows = []
    for item in items:
        if isinstance(item, dict):
            rows.append(item)
        else:
            yield item
    if rows:
        hints = dlt.mark.make_hints(
            table_name=table, primary_key="id", write_disposition="merge", columns=columns
        )
        yield dlt.mark.with_hints(rows, hints, create_table_variant=True)


def mark_vanished(items: Iterable[Any], state: dict[str, Any]) -> Iterator[Any]:
    """Complete lists (groups, SLA policies, schedules, holidays): keep and flag deleted rows.

    Zendesk drops a deleted object from these lists without a trace. The resource state keeps
    the last complete list; an id missing from the new one comes back as its last-seen row with
    `is_deleted = true` and `deleted_at` (when the load noticed), so facts that still refer to it
    keep their join. Listed rows carry `is_deleted = false`.
    """
    previous: dict[str, dict[str, Any]] = state.get("last_seen", {})
    seen: dict[str, dict[str, Any]] = {}
    for item in items:
        if isinstance(item, dict):
            item = {**item, "is_deleted": False, "deleted_at": None}
            seen[str(item["id"])] = item
        yield item
    noticed = datetime.now(UTC).isoformat()
    for key, row in previous.items():
        if key not in seen:
            if not row.get("is_deleted"):
                row = {**row, "is_deleted": True, "deleted_at": noticed}
            seen[key] = row
            yield row
    state["last_seen"] = seen
