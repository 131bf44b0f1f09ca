"""The Linear records as the API sees them at the sandbox clock, and Relay connections over them.

Connections are ordered ascending by `orderBy` (createdAt by default, or updatedAt) with the id
as tie-breaker. A cursor encodes the position (sort value + id) of the last node served, never an
offset, so records created or updated between two pages shift nothing: an updated record moves
behind the cursor's position and is served again later in the sync (the client merges by id),
and no record is skipped.
"""

from __future__ import annotations

import base64
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipelines.sandbox.company.model import Company, Payload, Versioned

# Linear caps `first`/`last` at 250 and defaults to 50.
MAX_PAGE_SIZE = 250
DEFAULT_PAGE_SIZE = 50

# Payload key -> (entity, foreign key) for one-to-many children looked up by their parent.
CHILD_INDEXES: dict[str, tuple[str, str]] = {
    "history": ("issue_history", "issueId"),
    "comments": ("comments", "issueId"),
    "attachments": ("attachments", "issueId"),
}


class GraphQLUserError(Exception):
    """An error Linear reports as a GraphQL error with an extensions code (HTTP 200 or 400)."""

    def __init__(self, message: str, code: str = "INVALID_INPUT") -> None:
        super().__init__(message)
        self.extensions = {
            "code": code,
            "type": "invalid input",
            "userError": True,
            "userPresentableMessage": message,
        }


def is_archived(payload: Payload) -> bool:
    """Archived or trashed records are hidden unless the query sets `includeArchived: true`."""
    return payload.get("archivedAt") is not None or bool(payload.get("trashed"))


def encode_cursor(sort_value: datetime, key: str) -> str:
    raw = f"{sort_value.isoformat()}|{key}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        sort_value, key = raw.split("|", 1)
        return datetime.fromisoformat(sort_value), key
    except (ValueError, UnicodeDecodeError) as error:
        raise GraphQLUserError(f"Invalid cursor: {cursor}") from error


@dataclass(frozen=True)
class Page:
    nodes: list[Payload]
    # Relay edges: each node with its cursor (`edges { cursor node { ... } }`).
    edges: list[dict[str, Any]]
    page_info: dict[str, Any]


def paginate(
    items: Iterable[Payload], args: dict[str, Any], predicate: Callable[[Payload], bool]
) -> Page:
    """One page of a Relay connection: hide archived, filter, order, then slice at the cursor.

    `predicate` holds the compiled `filter` argument (linear_filters) and any other condition.
    """
    order = args.get("orderBy") or "createdAt"
    include_archived = bool(args.get("includeArchived"))
    kept = [p for p in items if (include_archived or not is_archived(p)) and predicate(p)]
    kept.sort(key=lambda p: (p[order], p["id"]))
    keys = [(p[order], p["id"]) for p in kept]
    first, last = args.get("first"), args.get("last")
    for size in (first, last):
        if size is not None and size < 0:
            raise GraphQLUserError("Argument first/last must be a non-negative integer")
    # Cursors are positions, so a cursor whose record has since moved or vanished still works.
    start = bisect_right(keys, decode_cursor(args["after"])) if args.get("after") else 0
    end = bisect_left(keys, decode_cursor(args["before"])) if args.get("before") else len(kept)
    end = max(start, end)
    if last is not None and first is None:
        size = min(last, MAX_PAGE_SIZE)
        begin = max(start, end - size)
        window = kept[begin:end]
        has_next, has_previous = end < len(kept), begin > start
    else:
        size = min(DEFAULT_PAGE_SIZE if first is None else first, MAX_PAGE_SIZE)
        window = kept[start : min(end, start + size)]
        has_next, has_previous = start + size < end, start > 0
    cursors = [encode_cursor(p[order], p["id"]) for p in window]
    return Page(
        nodes=window,
        edges=[
            {"node": node, "cursor": cursor} for node, cursor in zip(window, cursors, strict=True)
        ],
        page_info={
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": cursors[0] if cursors else None,
            "endCursor": cursors[-1] if cursors else None,
        },
    )


def at_wire_precision(payload: Payload) -> Payload:
    """Linear keeps milliseconds: filters, order and cursors must see what the wire shows."""
    return {
        key: value.replace(microsecond=value.microsecond // 1000 * 1000)
        if isinstance(value, datetime)
        else value
        for key, value in payload.items()
    }


@dataclass(frozen=True)
class _Snapshot:
    now: datetime
    payloads: list[Payload]
    by_id: dict[str, Payload]


class LinearStore:
    """The company's Linear tables as served at a clock time, with indexes built once."""

    def __init__(self, company: Company) -> None:
        self._tables = company.tables["linear"]
        self._lock = threading.Lock()
        self._children: dict[str, dict[str, list[Versioned]]] = {}
        # Per entity, what is visible at one clock time: rebuilt only when the clock has moved.
        self._snapshots: dict[str, _Snapshot] = {}

    def _snapshot(self, entity: str, now: datetime) -> _Snapshot:
        with self._lock:
            cached = self._snapshots.get(entity)
        if cached is not None and cached.now == now:
            return cached
        states = (record.state_at(now) for record in self._tables.get(entity, []))
        payloads = [at_wire_precision(state) for state in states if state is not None]
        snapshot = _Snapshot(now, payloads, {payload["id"]: payload for payload in payloads})
        with self._lock:
            self._snapshots[entity] = snapshot
        return snapshot

    def visible(self, entity: str, now: datetime) -> list[Payload]:
        return self._snapshot(entity, now).payloads

    def get(self, entity: str, key: str | None, now: datetime) -> Payload | None:
        return None if key is None else self._snapshot(entity, now).by_id.get(key)

    def children(self, relation: str, parent_id: str, now: datetime) -> list[Payload]:
        entity, foreign_key = CHILD_INDEXES[relation]
        with self._lock:
            index = self._children.get(relation)
        if index is None:
            # Children never change parent (an entry's issue is fixed), so the index is static.
            index = {}
            for record in self._tables.get(entity, []):
                index.setdefault(record.payload[foreign_key], []).append(record)
            with self._lock:
                self._children[relation] = index
        states = (record.state_at(now) for record in index.get(parent_id, []))
        return [at_wire_precision(state) for state in states if state is not None]
