"""The sandbox's Salesforce data: records at the clock, SOQL queries and their cursors.

Query cursors (the `01g...-N` locators in `nextRecordsUrl`) live in the server and remember the
sort key of the last row served, not an offset: the next page is every row that sorts after it
at the current clock. Rows created or updated mid-sync (their SystemModstamp moves them to the
end of an `ORDER BY SystemModstamp` query) are therefore never skipped; an updated row may come
twice, and merging on Id keeps its latest version.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from pipelines.sandbox.company.model import ENTITIES, Payload
from pipelines.sandbox.vendors.salesforce_soql import (
    FieldTypes,
    Query,
    SoqlError,
    bind,
    matches,
    parse,
    sort_key,
)

if TYPE_CHECKING:
    from pipelines.sandbox.server import Sandbox

VENDOR = "salesforce"
MIN_BATCH, MAX_BATCH = 200, 2000
# Open query cursors kept per server; Salesforce also expires the oldest ones.
MAX_CURSORS = 1000

_BATCH_SIZE = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)


def wire(value: Any) -> Any:
    """A payload value as Salesforce's JSON shows it (datetimes with ms and +0000)."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
        return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}+0000"
    if isinstance(value, date):
        return value.isoformat()
    return value


class NotFound(Exception):
    """Salesforce's 404 NOT_FOUND."""


_DESCRIBE_TYPES: dict[type | None, str] = {
    datetime: "datetime",
    date: "date",
    bool: "boolean",
    int: "int",
    float: "double",
}


def base62(data: bytes, length: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    number = int.from_bytes(data, "big")
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 62)
        chars.append(alphabet[digit])
    return "".join(chars)


@dataclass
class Cursor:
    """A query's position: the sort key of the last row served and how many were served."""

    query: Query
    include_deleted: bool
    batch_size: int
    total_size: int
    served: int
    last_key: tuple


class Records:
    """The company's Salesforce objects at the sandbox clock, with the field types they use."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.entities = ENTITIES[VENDOR]
        self._lock = threading.Lock()
        self._visible: dict[str, tuple[datetime, list[Payload]]] = {}
        self.schema: FieldTypes = {
            name: _field_types(entity.fields, self._all_payloads(name))
            for name, entity in self.entities.items()
        }

    def _all_payloads(self, sobject: str) -> Iterable[Payload]:
        for record in self.sandbox.company.tables.get(VENDOR, {}).get(sobject, []):
            yield record.payload
            for _, change in record.changes:
                yield change

    def describe(self, sobject: str) -> dict[str, Any]:
        """The describe call, reduced to what clients read: the object's fields and types."""
        canonical = {name.lower(): name for name in self.entities}.get(sobject.lower())
        if canonical is None:
            raise NotFound()
        key = self.entities[canonical].key
        return {
            "name": canonical,
            "label": canonical,
            "queryable": True,
            "retrieveable": True,
            "fields": [
                {
                    "name": field,
                    "label": field,
                    "type": "id" if field == key else _DESCRIBE_TYPES.get(field_type, "string"),
                    "nillable": field != key,
                }
                for field, field_type in self.schema[canonical].items()
            ],
        }

    def visible(self, sobject: str, now: datetime) -> list[Payload]:
        """Rows visible at `now`, cached per clock value (pages of one sync share it)."""
        with self._lock:
            cached = self._visible.get(sobject)
        if cached is not None and cached[0] == now:
            return cached[1]
        rows = list(self.sandbox.company.visible(VENDOR, sobject, now))
        with self._lock:
            self._visible[sobject] = (now, rows)
        return rows


def _field_types(fields: Iterable[str], payloads: Iterable[Payload]) -> dict[str, type | None]:
    types: dict[str, type | None] = dict.fromkeys(fields)
    pending = set(types)
    for payload in payloads:
        for field in list(pending):
            value = payload.get(field)
            if value is not None:
                types[field] = type(value)
                pending.discard(field)
        if not pending:
            break
    return types


class QueryService:
    """Runs SOQL against the records and pages through results with server-side cursors."""

    def __init__(self, records: Records, now: Callable[[], datetime]) -> None:
        self.records = records
        self.now = now
        self._cursors: OrderedDict[str, Cursor] = OrderedDict()
        self._lock = threading.Lock()

    def _rows(self, query: Query, include_deleted: bool) -> list[Payload]:
        key = sort_key(query.order_by, self.records.entities[query.sobject].key)
        rows = [
            row
            for row in self.records.visible(query.sobject, self.now())
            if (include_deleted or not row.get("IsDeleted")) and matches(query.where, row)
        ]
        rows.sort(key=key)
        return rows

    def start(self, soql: str, include_deleted: bool, batch_size: int, version: str) -> Any:
        query = bind(soql, parse(soql), self.records.schema)
        rows = self._rows(query, include_deleted)
        total = len(rows) if query.limit is None else min(len(rows), query.limit)
        cursor = Cursor(query, include_deleted, batch_size, total, served=0, last_key=())
        return self._page(soql, cursor, rows, version)

    def resume(self, locator: str, version: str) -> Any:
        with self._lock:
            cursor = self._cursors.get(locator)
        if cursor is None:
            raise SoqlError("INVALID_QUERY_LOCATOR", "invalid query locator")
        key = sort_key(cursor.query.order_by, self.records.entities[cursor.query.sobject].key)
        rows = self._rows(cursor.query, cursor.include_deleted)
        remaining = [row for row in rows if key(row) > cursor.last_key]
        return self._page(locator, cursor, remaining, version)

    def _page(self, seed_text: str, cursor: Cursor, rows: list[Payload], version: str) -> Any:
        query = cursor.query
        allowed = len(rows) if query.limit is None else max(query.limit - cursor.served, 0)
        page = rows[: min(cursor.batch_size, allowed)]
        served = cursor.served + len(page)
        done = len(page) >= min(len(rows), allowed)
        body: dict[str, Any] = {"totalSize": cursor.total_size, "done": done}
        if not done:
            key = sort_key(query.order_by, self.records.entities[query.sobject].key)
            digest = hashlib.sha1(f"{seed_text}|{served}|{self.now()}".encode()).digest()
            locator = f"01g{base62(digest, 15)}-{served}"
            with self._lock:
                self._cursors[locator] = Cursor(
                    query,
                    cursor.include_deleted,
                    cursor.batch_size,
                    cursor.total_size,
                    served,
                    key(page[-1]),
                )
                while len(self._cursors) > MAX_CURSORS:
                    self._cursors.popitem(last=False)
            endpoint = "queryAll" if cursor.include_deleted else "query"
            body["nextRecordsUrl"] = f"/services/data/v{version}/{endpoint}/{locator}"
        body["records"] = [self._render(query, row, version) for row in page]
        return body

    def _render(self, query: Query, row: Mapping[str, Any], version: str) -> dict[str, Any]:
        sobject = query.sobject
        url = f"/services/data/v{version}/sobjects/{sobject}/{row.get('Id')}"
        rendered: dict[str, Any] = {"attributes": {"type": sobject, "url": url}}
        for field in query.fields:
            rendered[field] = wire(row.get(field))
        return rendered


def batch_size(header: str | None) -> int:
    """`Sforce-Query-Options: batchSize=N`, clamped to Salesforce's 200..2000."""
    match = _BATCH_SIZE.search(header or "")
    if match is None:
        return MAX_BATCH
    return max(MIN_BATCH, min(MAX_BATCH, int(match.group(1))))
