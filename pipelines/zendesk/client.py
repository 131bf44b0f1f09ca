"""HTTP side of the Zendesk source: auth, error handling and Zendesk's three pagination schemes.

Each scheme ends on its documented signal (see the paginators below); every loop also runs behind
the shared no-progress guard (`pipelines.common.paging`), so a cursor or link that repeats ends
the load with one line instead of asking for ever.

Every request goes through dlt's `RESTClient` on the shared retrying session (429 with
Retry-After, 5xx, dropped connections, timeouts). A response hook turns the rest into one-line
errors: 401/403 become `CredentialsError` naming the secrets to check. Zendesk refuses an
incremental `start_time` less than a minute old with 422 "Too recent start_time": that only means
nothing is new yet, so the export ends there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
from dlt.sources.helpers.rest_client.exceptions import IgnoreResponseException
from dlt.sources.helpers.rest_client.paginators import (
    BasePaginator,
    JSONLinkPaginator,
    JSONResponseCursorPaginator,
    SinglePagePaginator,
)
from requests import HTTPError, Request, Response

from pipelines.common.errors import SourceError
from pipelines.common.http import check_response, make_session
from pipelines.common.paging import GuardedPaginator

SOURCE = "Zendesk"
SECRETS_HINT = "sources.zendesk.email and sources.zendesk.api_token"
# Zendesk's page-size ceilings: incremental exports 1000, list endpoints 100.
EXPORT_PAGE_LIMIT = 1000
LIST_PAGE_LIMIT = 100
_RETRIED_BY_SESSION = frozenset((429, *range(500, 600)))


def _raise_for_status(response: Response, *args: Any, **kwargs: Any) -> None:
    """Response hook; it runs inside the retrying session, once per attempt."""
    if response.ok:
        return
    if response.status_code == 422 and "Too recent start_time" in response.text:
        raise IgnoreResponseException
    if response.status_code in _RETRIED_BY_SESSION:
        # An HTTPError carrying the response is what dlt's retry policy inspects to retry.
        raise HTTPError(f"HTTP {response.status_code} from {response.url}", response=response)
    check_response(response, SOURCE, SECRETS_HINT)


class ExportCursorPaginator(JSONResponseCursorPaginator):
    """Cursor-based incremental exports: follow `after_cursor` until `end_of_stream`."""

    def __init__(self) -> None:
        super().__init__(cursor_path="after_cursor", cursor_param="cursor")

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        super().update_state(response, data)
        if response.json().get("end_of_stream"):
            self._has_next_page = False

    def update_request(self, request: Request) -> None:
        # A cursor replaces the first request's start_time.
        if request.params:
            request.params.pop("start_time", None)
        super().update_request(request)


class TimeExportPaginator(JSONLinkPaginator):
    """Time-based incremental exports: follow `next_page` to the documented end.

    Where the response has `end_of_stream` (organizations, ticket events), `true` ends it.
    `ticket_metric_events` has none (OpenAPI `TicketMetricEventsResponse`: the events, `count`,
    `end_time`, `next_page`), and its last page still carries a `next_page` that serves the same
    events again. There the end is a page shorter than the page size asked for (Zendesk's 1000,
    or less when configured), or an `end_time` that does not move past the page's `start_time`.
    """

    def __init__(self, page_size: int) -> None:
        super().__init__(next_url_path="next_page")
        self.page_size = page_size

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        super().update_state(response, data)
        body = response.json()
        if "end_of_stream" in body:
            ended = body["end_of_stream"] is True
        else:
            short = len(data or []) < self.page_size
            ended = short or not _moves_past(body.get("end_time"), _start_time(response))
        if ended:
            self._has_next_page = False


def _start_time(response: Response) -> str | None:
    """The `start_time` the page was asked for (the first request's, then `next_page`'s)."""
    query = dict(parse_qsl(urlsplit(response.request.url or "").query))
    return query.get("start_time")


def _moves_past(end_time: Any, start_time: str | None) -> bool:
    """False when `end_time` is not later than `start_time`; True when either is unknown."""
    try:
        return int(end_time) > int(start_time)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def list_cursor_paginator() -> BasePaginator:
    """List endpoints: `page[after]` from `meta.after_cursor` while `meta.has_more`."""
    return JSONResponseCursorPaginator(
        cursor_path="meta.after_cursor", cursor_param="page[after]", has_more_path="meta.has_more"
    )


@dataclass(frozen=True)
class Page:
    records: list[Any]
    body: dict[str, Any]


class ZendeskClient:
    def __init__(self, base_url: str, email: str, api_token: str, page_size: int) -> None:
        self.page_size = page_size
        self._client = RESTClient(
            base_url=f"{base_url.rstrip('/')}/api/v2",
            auth=HttpBasicAuth(f"{email}/token", api_token),
            session=make_session(),
        )

    def pages(
        self, path: str, data_key: str, params: Mapping[str, Any], paginator: BasePaginator
    ) -> Iterator[Page]:
        """Pages of `path`; failures that outlast the retries end in a one-line SourceError.

        A next page that repeats one already asked for, or an empty page that points at a next
        one, ends in a one-line `StuckPaginationError` naming `path` and the cursor.
        """
        try:
            for page in self._client.paginate(
                path,
                params=dict(params),
                paginator=GuardedPaginator(paginator, SOURCE, path),
                data_selector=data_key,
                hooks={"response": [_raise_for_status]},
            ):
                yield Page(list(page), page.response.json())
        except HTTPError as error:
            response = error.response
            status = response.status_code if response is not None else "?"
            raise SourceError(
                f"{SOURCE} kept failing with HTTP {status} after retries ({error}): "
                "try again later, or raise [runtime] request_max_attempts"
            ) from error

    def cursor_export(
        self, path: str, data_key: str, state: dict[str, Any], start_time: int, **params: Any
    ) -> Iterator[Page]:
        """A cursor-based export from `state["after_cursor"]` (or `start_time` the first time).

        The cursor of each page is kept in `state`, also at the end of the stream: the next run
        continues from it and receives only what changed since.
        """
        query = {"per_page": min(self.page_size, EXPORT_PAGE_LIMIT), **params}
        cursor = state.get("after_cursor")
        query |= {"cursor": cursor} if cursor else {"start_time": start_time}
        for page in self.pages(path, data_key, query, ExportCursorPaginator()):
            yield page
            if page.body.get("after_cursor"):
                state["after_cursor"] = page.body["after_cursor"]

    def time_export(
        self, path: str, data_key: str, state: dict[str, Any], start_time: int, **params: Any
    ) -> Iterator[Page]:
        """A time-based export from `state["end_time"]`, Zendesk's documented next start_time.

        (Not the records' `updated_at`: the export position can be later than it.) The state
        keeps the last page's `end_time`, so the next run repeats only that second (the
        documented overlap, merged on id); it never moves back, nor to a missing `end_time`.
        """
        page_size = min(self.page_size, EXPORT_PAGE_LIMIT)
        begin = state.get("end_time", start_time)
        query = {"start_time": begin, "per_page": page_size, **params}
        for page in self.pages(path, data_key, query, TimeExportPaginator(page_size)):
            yield page
            end_time = page.body.get("end_time")
            if isinstance(end_time, int):
                state["end_time"] = max(end_time, state.get("end_time", begin))

    def list_pages(
        self, path: str, data_key: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[Page]:
        query = {"page[size]": min(self.page_size, LIST_PAGE_LIMIT), **(params or {})}
        return self.pages(path, data_key, query, list_cursor_paginator())

    def single(self, path: str, data_key: str) -> Page:
        return next(self.pages(path, data_key, {}, SinglePagePaginator()))
