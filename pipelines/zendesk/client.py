"""HTTP side of the Zendesk source: auth, error handling and Zendesk's three pagination schemes.

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
    """Time-based incremental exports: follow `next_page` until `end_of_stream`."""

    def __init__(self) -> None:
        super().__init__(next_url_path="next_page")

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        super().update_state(response, data)
        if response.json().get("end_of_stream"):
            self._has_next_page = False


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
        """Pages of `path`; failures that outlast the retries end in a one-line SourceError."""
        try:
            for page in self._client.paginate(
                path,
                params=dict(params),
                paginator=paginator,
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

        (Not the records' `updated_at`: the export position can be later than it.)
        """
        query = {
            "start_time": state.get("end_time", start_time),
            "per_page": min(self.page_size, EXPORT_PAGE_LIMIT),
            **params,
        }
        for page in self.pages(path, data_key, query, TimeExportPaginator()):
            yield page
            state["end_time"] = page.body["end_time"]

    def list_pages(
        self, path: str, data_key: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[Page]:
        query = {"page[size]": min(self.page_size, LIST_PAGE_LIMIT), **(params or {})}
        return self.pages(path, data_key, query, list_cursor_paginator())

    def single(self, path: str, data_key: str) -> Page:
        return next(self.pages(path, data_key, {}, SinglePagePaginator()))
