"""One retry/backoff policy for every source, on dlt's retrying `requests` client.

dlt's `Client` retries connection errors, timeouts, dropped bodies, 429 and 5xx with exponential
backoff, honours `Retry-After` (capped by `request_max_retry_delay`) and reads its settings from
dlt's `[runtime]` config (`request_max_attempts`, `request_backoff_factor`, `request_timeout`).
Sources add vendor-specific retry predicates (Linear's RATELIMITED arrives as HTTP 400).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import requests
from dlt.sources.helpers.requests import Client

from pipelines.common.errors import CredentialsError, SourceError

RetryPredicate = Callable[[requests.Response | None, BaseException | None], bool]


def retry_unparsable_body(response: requests.Response | None, error: BaseException | None) -> bool:
    """Retry a 200 whose JSON body is cut short or broken, like a dropped connection.

    A cheap test: a complete JSON document ends with `}` or `]`. If the body stays broken after
    every attempt, the source's parse fails the load (nothing from the run is committed, so
    the next run fetches the page again) and the CLI says so in one line.
    """
    if isinstance(error, requests.JSONDecodeError):
        return True
    if response is None or response.status_code != 200:
        return False
    if "json" not in response.headers.get("Content-Type", ""):
        return False
    return response.content.rstrip()[-1:] not in (b"}", b"]")


def make_session(retry_conditions: Sequence[RetryPredicate] = ()) -> requests.Session:
    """A `requests.Session` with the shared retry policy (plus any vendor predicates).

    It does not raise on error statuses: call `check_response` so 4xx errors get a clear message.
    """
    client = Client(
        raise_for_status=False,
        retry_condition=[retry_unparsable_body, *retry_conditions],
    )
    return client.session


def check_response(response: requests.Response, source: str, secrets_hint: str) -> None:
    """Raise a one-line, actionable error for a failed response; return when it succeeded."""
    if response.ok:
        return
    status = response.status_code
    if status in (401, 403):
        raise CredentialsError(
            f"{source} rejected the credentials (HTTP {status} from {response.url}): "
            f"check {secrets_hint} in .dlt/secrets.toml or the environment"
        )
    if status == 404:
        raise SourceError(
            f"{source} has no endpoint at {response.url} (HTTP 404): check the base URL in "
            f".dlt/config.toml"
        )
    body = response.text[:300].replace("\n", " ")
    raise SourceError(f"{source} answered HTTP {status} for {response.url}: {body}")
