"""Zendesk's three pagination schemes, over any sorted sequence of positions.

- Incremental cursor exports (`/incremental/tickets/cursor`): an opaque `after_cursor` (Zendesk's
  own shape, base64 of `<epoch seconds>.<micros>||<id>|`) naming the last record served, and
  `end_of_stream`. The cursor stays valid for the next sync.
- Time-based exports (`/incremental/organizations?start_time=`): pages start at a whole second
  and `end_time` is the last second served, so the next page repeats that second: overlapping
  pages are part of the contract and clients dedupe on id.
- List endpoints: cursor pagination (`page[size]` up to 100, `page[after]`/`page[before]`,
  `meta{has_more, after_cursor, before_cursor}`, `links{next, prev}`) or offset pagination
  (`page`, `per_page`, `next_page`, `previous_page`, `count`, first 10,000 records only).
"""

from __future__ import annotations

import base64
import binascii
import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

SortKey = tuple[Any, ...]

EXPORT_PAGE_LIMIT = 1000
LIST_PAGE_LIMIT = 100
# Offset pagination stops at this many records; beyond it Zendesk asks for cursor pagination.
OFFSET_RECORD_LIMIT = 10_000


class ApiError(Exception):
    """An error the API answers in Zendesk's shape `{"error": ..., "description": ...}`."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.body = {"error": error, "description": description}


def invalid_pagination(description: str) -> ApiError:
    return ApiError(400, "InvalidPaginationParameter", description)


def int_arg(args: Mapping[str, str], name: str, default: int) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)  # type: ignore[arg-type]
    except ValueError:
        raise invalid_pagination(f"{name} must be an integer, got {raw!r}") from None


def clamp(value: int, limit: int) -> int:
    """Zendesk serves at most `limit` per page whatever is asked, and at least one."""
    return max(1, min(value, limit))


def page_url(base_url: str, params: Mapping[str, Any]) -> str:
    return f"{base_url}?{urlencode({k: v for k, v in params.items() if v is not None})}"


# --- incremental cursor exports ---------------------------------------------------------------


def encode_export_cursor(position: SortKey) -> str:
    at_micros, key = position
    seconds, micros = divmod(at_micros, 1_000_000)
    return base64.b64encode(f"{seconds}.{micros:06d}||{key}|".encode()).decode()


def decode_export_cursor(cursor: str) -> SortKey:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        stamp, key = text.rstrip("|").split("||")
        seconds, micros = stamp.split(".")
        return (int(seconds) * 1_000_000 + int(micros), int(key))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid_pagination("cursor is invalid or expired") from None


@dataclass(frozen=True)
class Slice:
    begin: int
    end: int


def export_slice(keys: Sequence[SortKey], position: SortKey, per_page: int) -> Slice:
    """The page after `position`, at most `per_page` long."""
    begin = bisect_right(keys, position)
    return Slice(begin, min(begin + per_page, len(keys)))


# --- time-based exports -----------------------------------------------------------------------


@dataclass(frozen=True)
class TimePage:
    begin: int
    end: int
    end_time: int

    @property
    def count(self) -> int:
        return self.end - self.begin


def time_slice(keys: Sequence[SortKey], start_time: int, per_page: int) -> TimePage:
    """Records from second `start_time`; a second is never split across pages.

    `keys` start with the position in microseconds. A page ends at a whole second, so `end_time`
    (the next page's `start_time`) repeats that second: the overlap Zendesk documents. When the
    whole page lies in the start second, the next page starts one second later so it progresses.
    """
    begin = bisect_left(keys, (start_time * 1_000_000,))
    end = min(begin + per_page, len(keys))
    if end == begin:
        return TimePage(begin, end, start_time)
    last_second = keys[end - 1][0] // 1_000_000
    while end < len(keys) and keys[end][0] // 1_000_000 == last_second:
        end += 1
    end_time = last_second if last_second > start_time else start_time + 1
    return TimePage(begin, end, end_time)


# --- list endpoints ---------------------------------------------------------------------------


def _encode_list_cursor(position: SortKey) -> str:
    return base64.urlsafe_b64encode(json.dumps({"v": list(position)}).encode()).decode()


def _decode_list_cursor(cursor: str) -> SortKey:
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))["v"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise invalid_pagination("page cursor is invalid") from None
    if not isinstance(value, list) or not all(isinstance(part, int | str) for part in value):
        raise invalid_pagination("page cursor is invalid")
    return tuple(value)


def list_page(
    args: Mapping[str, str],
    base_url: str,
    data_key: str,
    keys: Sequence[SortKey],
    item_at: Callable[[int], Any],
    window: Slice | None = None,
    extra_params: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One page of a list endpoint, cursor-paginated when `page[size]`/`page[after]` is given.

    `window` restricts the walk to `keys[begin:end]` (e.g. a start_time filter).
    """
    window = window or Slice(0, len(keys))
    params = dict(extra_params or {})
    cursor_mode = any(name in args for name in ("page[size]", "page[after]", "page[before]"))
    if cursor_mode:
        return _cursor_list_page(args, base_url, data_key, keys, item_at, window, params)
    page = int_arg(args, "page", 1)
    per_page = clamp(int_arg(args, "per_page", LIST_PAGE_LIMIT), LIST_PAGE_LIMIT)
    if page < 1:
        raise invalid_pagination("page must be 1 or more")
    if page * per_page > OFFSET_RECORD_LIMIT:
        raise invalid_pagination(
            f"offset pagination is limited to the first {OFFSET_RECORD_LIMIT} records: "
            "use cursor pagination (page[size])"
        )
    begin = window.begin + (page - 1) * per_page
    end = min(begin + per_page, window.end)
    total = window.end - window.begin

    def link(number: int) -> str:
        return page_url(base_url, {**params, "page": number, "per_page": per_page})

    return {
        data_key: [item_at(index) for index in range(begin, end)],
        "next_page": link(page + 1) if end < window.end else None,
        "previous_page": link(page - 1) if page > 1 else None,
        "count": total,
    }


def _cursor_list_page(
    args: Mapping[str, str],
    base_url: str,
    data_key: str,
    keys: Sequence[SortKey],
    item_at: Callable[[int], Any],
    window: Slice,
    params: dict[str, Any],
) -> dict[str, Any]:
    size = clamp(int_arg(args, "page[size]", LIST_PAGE_LIMIT), LIST_PAGE_LIMIT)
    after, before = args.get("page[after]"), args.get("page[before]")
    if before:
        end = max(window.begin, min(bisect_left(keys, _decode_list_cursor(before)), window.end))
        begin = max(window.begin, end - size)
        has_more = begin > window.begin
    else:
        begin = window.begin
        if after:
            begin = max(window.begin, bisect_right(keys, _decode_list_cursor(after)))
        end = min(begin + size, window.end)
        has_more = end < window.end
    items = [item_at(index) for index in range(begin, end)]
    after_cursor = _encode_list_cursor(keys[end - 1]) if items else None
    before_cursor = _encode_list_cursor(keys[begin]) if items else None

    def link(name: str, cursor: str | None) -> str | None:
        return page_url(base_url, {**params, "page[size]": size, name: cursor}) if cursor else None

    return {
        data_key: items,
        "meta": {
            "has_more": has_more,
            "after_cursor": after_cursor,
            "before_cursor": before_cursor,
        },
        "links": {
            # Like Zendesk, links and cursors are given on the last page too: `has_more` says stop.
            "next": link("page[after]", after_cursor),
            "prev": link("page[before]", before_cursor),
        },
    }
