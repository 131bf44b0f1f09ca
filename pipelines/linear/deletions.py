"""Hard deletes: records Linear no longer serves at all, kept in the raw tables and marked.

Archive and trash are soft in Linear and arrive as ordinary updates. A record deleted for good
(a deleted comment or attachment, an issue purged 30 days after it was trashed) just stops being
served, so no incremental read can see it go. Every `deletion_sweep_hours` (wall clock) each
table's resource lists the ids Linear still serves (id-only pages of 250, about 575 complexity
points each) and compares them with the rows loaded earlier and not yet marked. Each vanished row
is loaded again as it was, with `deleted_at` set to when the sweep found it gone: the row stays,
so history and metrics keep it, and models read current state with `deleted_at is null`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import dlt
from dlt.common.destination.exceptions import DestinationUndefinedEntity
from dlt.common.normalizers.naming.snake_case import NamingConvention as SnakeCaseNaming

from pipelines.linear.client import LinearClient
from pipelines.linear.queries import EntitySpec, ids_query

# Linear's cap on `first`: an id-only page is cheap, so the sweep takes the largest pages.
SWEEP_PAGE_SIZE = 250


def sweep_due(state: dict[str, Any], hours: float, now: datetime) -> bool:
    """True when the last sweep (kept in the resource's dlt state) is `hours` old or more."""
    last = state.get("last_deletion_sweep")
    if last is not None and now - datetime.fromisoformat(last) < timedelta(hours=hours):
        return False
    state["last_deletion_sweep"] = now.isoformat()
    return True


def vanished_rows(client: LinearClient, spec: EntitySpec, detected_at: datetime) -> list[Any]:
    """Rows loaded before whose records Linear no longer serves, marked `deleted_at`."""
    loaded = _loaded_ids(spec.table)
    if not loaded:
        return []
    live: set[str] = set()
    for nodes in client.pages(ids_query(spec), (spec.root,), {}, SWEEP_PAGE_SIZE):
        live.update(node["id"] for node in nodes if isinstance(node, dict))
    gone = sorted(loaded - live)
    if not gone:
        return []
    return [{**row, "deleted_at": detected_at} for row in _loaded_rows(spec, gone)]


def _select(sql: str, table: str, *args: Any) -> tuple[list[str], list[tuple]]:
    """Read this pipeline's own destination (`{table}` is the qualified raw table)."""
    with dlt.current.pipeline().sql_client() as client:
        statement = sql.format(table=client.make_qualified_table_name(table))
        with client.execute_query(statement, *args) as cursor:
            return [column[0] for column in cursor.description], cursor.fetchall()


def _loaded_ids(table: str) -> set[str]:
    try:
        _, rows = _select("select id from {table} where deleted_at is null", table)
    except DestinationUndefinedEntity:
        return set()  # nothing loaded yet: nothing can have vanished
    return {key for (key,) in rows}


def _loaded_rows(spec: EntitySpec, ids: list[str]) -> list[dict[str, Any]]:
    names, rows = _select("select * from {table} where id in (select unnest(%s))", spec.table, ids)
    # JSON columns come back as text; dlt's own columns are its bookkeeping, not data.
    naming = SnakeCaseNaming()
    json_names = {
        naming.normalize_identifier(name)
        for name, hint in spec.columns().items()
        if hint["data_type"] == "json"
    }
    return [
        {
            name: json.loads(value) if name in json_names and isinstance(value, str) else value
            for name, value in zip(names, row, strict=True)
            if not name.startswith("_dlt")
        }
        for row in rows
    ]
