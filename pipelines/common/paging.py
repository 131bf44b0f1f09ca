"""The no-progress guard every pagination loop of every source runs behind.

A vendor's documented end signal (`end_of_stream`, `has_more: false`, an empty `next_cursor`,
`hasNextPage: false`, `done: true`) is checked by each source first. The guard catches what no
documented signal covers, so that no loop can ask for pages for ever:

- a next page that repeats one this loop already asked for (the same cursor, offset or link,
  including a next link equal to the current request), and
- an empty page that still points at a next one (an endpoint whose contract allows short pages
  before the end may tolerate a few in a row: `empty_pages_allowed`).

Either fails with one `StuckPaginationError` line naming the endpoint and the cursor. Raised
inside a dlt resource, it fails that source's extract step, so nothing of the resource is
committed and the next run starts again from the state of the last good load.

`ProgressGuard` serves hand-written loops (they report each page's next cursor);
`GuardedPaginator` wraps any dlt paginator for `RESTClient.paginate` and compares whole requests.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from dlt.sources.helpers.rest_client.paginators import BasePaginator
from requests import Request, Response

from pipelines.common.errors import SourceError


class StuckPaginationError(SourceError):
    """An endpoint's pagination made no progress: it would have been asked for ever."""


class ProgressGuard:
    """The positions one pagination loop has asked for; refuses a next one that does not advance.

    `start` is the position of the first request (None for "no cursor yet"): a next cursor of
    None after it is a repeat too, as a loop would start over from the first page.
    """

    def __init__(
        self, source: str, endpoint: str, start: Hashable = None, empty_pages_allowed: int = 0
    ) -> None:
        self.source = source
        self.endpoint = endpoint
        self.empty_pages_allowed = empty_pages_allowed
        self._asked: set[Hashable] = {start}
        self._empty_in_a_row = 0

    def check_next(self, position: Hashable, items: int, cursor: object = None) -> None:
        """Accept `position` for the next request, after a page of `items` records pointed at it.

        `cursor` is what the error names (default: the position itself).
        """
        shown = position if cursor is None else cursor
        if position in self._asked:
            self._fail(f"repeats the cursor {shown} it was already asked with")
        self._empty_in_a_row = self._empty_in_a_row + 1 if items == 0 else 0
        if self._empty_in_a_row > self.empty_pages_allowed:
            empty = self._empty_in_a_row
            pages = f"{empty} empty pages in a row" if empty > 1 else "an empty page"
            self._fail(f"answered {pages} still pointing at a next page (cursor {shown})")
        self._asked.add(position)

    def _fail(self, what: str) -> None:
        raise StuckPaginationError(
            f"{self.source} {self.endpoint} {what}: stopped paging so the load does not loop "
            "for ever; nothing of it from this run is committed, run the load again later"
        )


def request_position(request: Request) -> str:
    """What identifies a request for the guard: method, URL and query (sorted), JSON body."""
    parts = urlsplit(request.url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    params = request.params if isinstance(request.params, Mapping) else {}
    for name, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        query += [(str(name), str(item)) for item in values if item is not None]
    body = "" if request.json is None else json.dumps(request.json, sort_keys=True, default=str)
    url = f"{parts.scheme}://{parts.netloc.lower()}{parts.path}"
    return f"{request.method} {url}?{urlencode(sorted(query))} {body}".rstrip()


class GuardedPaginator(BasePaginator):
    """A dlt paginator behind a `ProgressGuard`, for `RESTClient.paginate`.

    The wrapped paginator reads the vendor's end signal and builds the next request; the guard
    then refuses that request when it repeats one already made in this loop (the cursor it names
    is the wrapped paginator's next reference when it has one, else the request itself).
    """

    def __init__(
        self, inner: BasePaginator, source: str, endpoint: str, empty_pages_allowed: int = 0
    ) -> None:
        super().__init__()
        self.inner = inner
        self.source = source
        self.endpoint = endpoint
        self.empty_pages_allowed = empty_pages_allowed
        self._guard: ProgressGuard | None = None
        self._items = 0

    def init_request(self, request: Request) -> None:
        self.inner.init_request(request)
        self._guard = ProgressGuard(
            self.source, self.endpoint, request_position(request), self.empty_pages_allowed
        )

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        self.inner.update_state(response, data)
        self._items = len(data) if isinstance(data, list) else int(data is not None)
        self._has_next_page = self.inner.has_next_page

    def update_request(self, request: Request) -> None:
        self.inner.update_request(request)
        if not self._has_next_page:
            return
        assert self._guard is not None, "RESTClient.paginate calls init_request first"
        cursor = getattr(self.inner, "_next_reference", None)
        self._guard.check_next(request_position(request), self._items, cursor)

    def __str__(self) -> str:
        return f"{self.inner} (guarded: {self.source} {self.endpoint})"
