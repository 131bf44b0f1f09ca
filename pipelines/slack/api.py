"""A small Slack Web API client on dlt's `RESTClient`: bearer auth, cursor pages, Slack errors.

Slack answers most errors with HTTP 200 and `{"ok": false, "error": "<code>"}`, so every page is
checked: auth codes end the load with a `CredentialsError` naming the secret to fix, a channel
the token cannot read raises `ChannelUnreadable` (the caller skips that channel), anything else
is a `SourceError` with the method and code. Transport faults (429 + Retry-After, 5xx, drops,
timeouts) are retried by the shared session before a page gets here.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import requests
from dlt.common import jsonpath
from dlt.sources.helpers.requests.retry import DEFAULT_RETRY_STATUS
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from pipelines.common.errors import CredentialsError, SourceError
from pipelines.common.http import check_response, make_session
from pipelines.common.paging import GuardedPaginator

SECRETS_HINT = "sources.slack.access_token (env SOURCES__SLACK__ACCESS_TOKEN)"
# Codes meaning the token itself is wrong or lacks a scope: fixable only by the user.
AUTH_ERRORS = frozenset(
    {
        "not_authed",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "no_permission",
        "missing_scope",
        "not_allowed_token_type",
    }
)
# Codes meaning this one conversation cannot be read by this token.
UNREADABLE_CHANNEL_ERRORS = frozenset({"not_in_channel", "channel_not_found"})
# Slack's documented maximum `limit` per method (larger values are clamped server side anyway).
MAX_LIMIT = {"users.list": 1000, "conversations.replies": 1000}
DEFAULT_MAX_LIMIT = 999
# Slack documents that a page may hold fewer items than `limit` before the end (filters apply
# after paging, e.g. conversations.list by type), so empty pages with a next cursor are normal;
# a run of this many in a row still ends the loop.
EMPTY_PAGES_ALLOWED = 100

Record = dict[str, Any]


# Compiled once: jsonpath parsing costs milliseconds, more than a sandbox round trip.
NEXT_CURSOR = jsonpath.compile_path("response_metadata.next_cursor")


@cache
def items_path(key: str) -> jsonpath.JSONPath:
    return jsonpath.compile_path(key)


class ChannelUnreadable(SourceError):
    """The token may not read this conversation (`not_in_channel`, `channel_not_found`)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def retry_unparsable(response: requests.Response | None, error: BaseException | None) -> bool:
    """A body cut short without a transport error is retried like any dropped connection."""
    return isinstance(error, requests.JSONDecodeError)


def check_slack_response(response: requests.Response, *_: Any, **__: Any) -> None:
    """Response hook: raise the actionable error for a failed page, return for a good one.

    Hooks run inside the retrying `send`: 429 and 5xx must leave as `HTTPError` (which the
    retry policy recognises by status) to be retried, not as a final `SourceError`.
    """
    if response.status_code in DEFAULT_RETRY_STATUS:
        raise requests.HTTPError(f"HTTP {response.status_code} from Slack", response=response)
    check_response(response, "Slack", SECRETS_HINT)
    body = response.json()
    if body.get("ok"):
        return
    code = str(body.get("error", "unknown_error"))
    method = response.url.split("?")[0].rsplit("/", 1)[-1]
    if code in AUTH_ERRORS:
        needed = f" (needs scope {body['needed']})" if body.get("needed") else ""
        raise CredentialsError(
            f"Slack rejected the access token for {method}: {code}{needed}: "
            f"check {SECRETS_HINT} in .dlt/secrets.toml or the environment"
        )
    if code in UNREADABLE_CHANNEL_ERRORS:
        raise ChannelUnreadable(code)
    raise SourceError(f"Slack {method} failed: {code}")


class SlackApi:
    """Pages through Web API methods by `limit` + `cursor` until `next_cursor` is empty."""

    def __init__(self, base_url: str, access_token: str, page_size: int) -> None:
        self.page_size = page_size
        self._client = RESTClient(
            base_url=base_url.rstrip("/") + "/",
            auth=BearerTokenAuth(access_token),
            session=make_session([retry_unparsable]),
        )

    def limit(self, method: str) -> int:
        return max(1, min(self.page_size, MAX_LIMIT.get(method, DEFAULT_MAX_LIMIT)))

    def pages(self, method: str, items_key: str, **params: str) -> Iterator[list[Record]]:
        """Every page of `method`'s `items_key` list, in the API's order.

        An empty `next_cursor` is the end; a cursor already asked for (or a long run of empty
        pages) ends in a one-line `StuckPaginationError` naming the method and the cursor.
        """
        endpoint = f"{method} (channel {params['channel']})" if "channel" in params else method
        paginator = GuardedPaginator(
            JSONResponseCursorPaginator(cursor_path=NEXT_CURSOR, cursor_param="cursor"),
            "Slack",
            endpoint,
            empty_pages_allowed=EMPTY_PAGES_ALLOWED,
        )
        try:
            yield from self._client.paginate(
                method,
                params={**params, "limit": self.limit(method)},
                paginator=paginator,
                data_selector=items_path(items_key),
                hooks={"response": [check_slack_response]},
            )
        except requests.HTTPError as error:
            status = error.response.status_code if error.response is not None else "?"
            raise SourceError(
                f"Slack {method} kept failing with HTTP {status} after every retry: try again "
                "later, or raise [runtime] request_max_attempts"
            ) from error
        except requests.JSONDecodeError as error:
            raise SourceError(
                f"Slack {method} kept answering a body that is not JSON after every retry"
            ) from error
