"""What the sandbox's Zendesk API reads: ordered, cached views over the company's records.

Every paginated Zendesk endpoint walks records in a fixed order and hands out cursors that name a
*position* in that order (a sort key), never an offset. Records that change between two pages move
to a later position (they are served again, and a client merging on id keeps the newest), and
records created meanwhile appear at the end: nothing is skipped under churn.

Two orders exist: by last change (`(changed_at in microseconds, key)`, the incremental exports and
satisfaction ratings) and by id (`(key,)`, plain lists). A view is computed for one instant (the
clock, or the export horizon a minute before it) and cached, so paging through a large entity at a
fixed clock costs one scan, not one per page.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pipelines.sandbox.company.model import Company, Payload, Versioned

VENDOR = "zendesk"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)

Order = Literal["changed", "id"]
SortKey = tuple[Any, ...]


def micros(at: datetime) -> int:
    """Exact microseconds since the epoch (floats would round the cursor positions)."""
    return (at - EPOCH) // MICROSECOND


def from_micros(value: int) -> datetime:
    return EPOCH + value * MICROSECOND


@dataclass(frozen=True)
class View:
    """One entity's records visible at `at`, sorted by `keys` (parallel to `records`)."""

    at: datetime
    keys: list[SortKey]
    records: list[Versioned]

    def index_after(self, position: SortKey) -> int:
        """Index of the first record strictly after `position`."""
        return bisect_right(self.keys, position)

    def index_from(self, prefix: SortKey) -> int:
        """Index of the first record whose sort key starts at or after `prefix`."""
        return bisect_left(self.keys, prefix)

    def state(self, index: int) -> Payload:
        state = self.records[index].state_at(self.at)
        assert state is not None, "a view only holds records visible at its instant"
        return state


def _build_view(records: Sequence[Versioned], at: datetime, order: Order) -> View:
    entries: list[tuple[SortKey, Versioned]] = []
    for record in records:
        changed = record.changed_at(at)
        if changed is None:
            continue
        key = (micros(changed), record.key) if order == "changed" else (record.key,)
        entries.append((key, record))
    entries.sort(key=lambda entry: entry[0])
    return View(at, [key for key, _ in entries], [record for _, record in entries])


class ZendeskStore:
    """Lazily built, thread-safe views and per-ticket indexes over the Zendesk tables."""

    # Views kept per store: enough for a few endpoints paging at the same clock.
    _CACHE_SIZE = 16

    def __init__(self, company: Company) -> None:
        self.company = company
        self._lock = threading.Lock()
        self._views: OrderedDict[tuple[str, Order, datetime], View] = OrderedDict()
        self._by_ticket: dict[str, dict[Any, list[Versioned]]] = {}
        self._by_key: dict[str, dict[Any, Versioned]] = {}

    def records(self, entity: str) -> list[Versioned]:
        return self.company.tables.get(VENDOR, {}).get(entity, [])

    def view(self, entity: str, at: datetime, order: Order) -> View:
        cache_key = (entity, order, at)
        with self._lock:
            view = self._views.get(cache_key)
            if view is not None:
                self._views.move_to_end(cache_key)
                return view
        # Built outside the lock: two threads may build the same view once, harmlessly.
        view = _build_view(self.records(entity), at, order)
        with self._lock:
            self._views[cache_key] = view
            while len(self._views) > self._CACHE_SIZE:
                self._views.popitem(last=False)
        return view

    def by_ticket(self, entity: str) -> dict[Any, list[Versioned]]:
        """Records of `entity` grouped by their (immutable) `ticket_id`, in creation order."""
        with self._lock:
            index = self._by_ticket.get(entity)
        if index is None:
            grouped: dict[Any, list[Versioned]] = defaultdict(list)
            for record in self.records(entity):
                grouped[record.payload.get("ticket_id")].append(record)
            for records in grouped.values():
                records.sort(key=lambda record: (record.created_at, record.key))
            index = dict(grouped)
            with self._lock:
                self._by_ticket[entity] = index
        return index

    def find(self, entity: str, key: Any, at: datetime) -> Payload | None:
        """The record of `entity` with `key` as visible at `at`, if any."""
        with self._lock:
            index = self._by_key.get(entity)
        if index is None:
            index = {record.key: record for record in self.records(entity)}
            with self._lock:
                self._by_key[entity] = index
        record = index.get(key)
        return record.state_at(at) if record is not None else None
