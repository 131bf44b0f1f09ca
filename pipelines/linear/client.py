"""A small GraphQL client for Linear on the shared retrying session.

- Retries: the shared policy (429, 5xx, drops, timeouts, `Retry-After`) plus Linear's own rate
  limit answer, HTTP 400 (or 200) with `extensions.code = RATELIMITED`, and a 200 whose body is
  not JSON. A page still unreadable after the last attempt fails the load naming the URL; the
  incremental cursor is not advanced, so the next run asks again.
- GraphQL errors are checked on every answer, also with HTTP 200 (dlt would not notice them).
  Authentication errors end as `CredentialsError` naming the secret to check.
- Complexity: a query costing more than Linear's per-query maximum is rejected with the cost in
  the message; the pager then shrinks its page size to fit and asks again.
- Paging ends on `pageInfo.hasNextPage: false`; an `endCursor` the connection was already asked
  with, or an empty page that has a next one, ends the load with one line (the shared guard).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import requests

from pipelines.common.errors import CredentialsError, SourceError
from pipelines.common.http import check_response, make_session
from pipelines.common.paging import ProgressGuard

log = logging.getLogger("pipelines.linear")

SOURCE = "Linear"
SECRETS_HINT = "sources.linear.api_key (env SOURCES__LINEAR__API_KEY)"
AUTH_CODES = {"AUTHENTICATION_ERROR", "FORBIDDEN"}
_COMPLEXITY = re.compile(r"Complexity: (\d+)\. Maximum allowed complexity: (\d+)")


class QueryTooComplexError(SourceError):
    def __init__(self, message: str, points: int, limit: int) -> None:
        super().__init__(message)
        self.points = points
        self.limit = limit


def _errors(response: requests.Response | None) -> list[dict[str, Any]]:
    if response is None:
        return []
    try:
        body = response.json()
    except ValueError:
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    return [e for e in errors or [] if isinstance(e, dict)]


def _code(error: dict[str, Any]) -> str:
    return str((error.get("extensions") or {}).get("code", ""))


def should_retry(response: requests.Response | None, _error: BaseException | None) -> bool:
    """Linear's rate limit: HTTP 400 or 200 with `RATELIMITED` (a plain 429 retries anyway;
    a body that is not JSON is retried by the shared policy)."""
    if response is None or response.status_code not in (200, 400):
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    errors = body.get("errors") if isinstance(body, dict) else None
    return any(isinstance(e, dict) and _code(e) == "RATELIMITED" for e in errors or [])


class LinearClient:
    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url
        self.session = make_session([should_retry])
        # Personal API keys go without `Bearer` (Linear reads `Bearer` as an OAuth token).
        self.session.headers["Authorization"] = api_key
        # Page size each query settled on (smaller than asked when Linear found it too complex).
        self.page_sizes: dict[str, int] = {}

    def query(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = self.session.post(self.base_url, json={"query": query, "variables": variables})
        errors = _errors(response)
        if response.status_code in (401, 403) or any(_code(e) in AUTH_CODES for e in errors):
            raise CredentialsError(
                f"{SOURCE} rejected the API key (HTTP {response.status_code}): check "
                f"{SECRETS_HINT} in .dlt/secrets.toml; personal keys are sent without 'Bearer'"
            )
        for error in errors:
            presentable = str((error.get("extensions") or {}).get("userPresentableMessage", ""))
            match = _COMPLEXITY.search(presentable)
            if match:
                points, limit = int(match[1]), int(match[2])
                raise QueryTooComplexError(presentable, points, limit)
        check_response(response, SOURCE, SECRETS_HINT)
        if errors:
            summary = "; ".join(f"{_code(e) or 'ERROR'}: {e.get('message')}" for e in errors[:3])
            raise SourceError(f"{SOURCE} answered with GraphQL errors ({self.base_url}): {summary}")
        try:
            return response.json()["data"]
        except (ValueError, KeyError, TypeError) as error:
            raise SourceError(
                f"{SOURCE} answered HTTP {response.status_code} without GraphQL data: "
                f"{response.text[:200]}"
            ) from error

    def pages(
        self,
        query: str,
        path: tuple[str, ...],
        variables: dict[str, Any],
        first: int,
        after: str | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Follow a Relay connection at `path` in the answer to its end, one list per page.

        `first` shrinks (for the rest of this connection) when Linear finds a page too complex.
        `after` continues a connection whose first page came with another query (nested ones).
        """
        guard = ProgressGuard(SOURCE, ".".join(path), start=after)
        while True:
            try:
                data = self.query(query, {**variables, "first": first, "after": after})
            except QueryTooComplexError as error:
                smaller = max(1, int(first * error.limit * 0.9 / error.points))
                if smaller >= first:
                    raise
                log.warning(
                    "linear: %s points for %d records per page; asking for %d per page",
                    error.points,
                    first,
                    smaller,
                )
                first = smaller
                continue
            self.page_sizes[query] = first
            connection: Any = data
            for key in path:
                connection = connection[key]
            yield connection["nodes"]
            page_info = connection["pageInfo"]
            if not page_info["hasNextPage"]:
                return
            after = page_info["endCursor"]
            guard.check_next(after, len(connection["nodes"]))
