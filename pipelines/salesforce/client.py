"""Talking to Salesforce: OAuth username-password login, then paged REST queries.

One `SalesforceClient` per load. It logs in lazily (OAuth 2.0 `grant_type=password` against
`login_url`), sends `Authorization: Bearer <access_token>` to the returned `instance_url`, and
pages through `queryAll` results by following `nextRecordsUrl`, a path relative to the instance.
When a session expires mid-load (401 INVALID_SESSION_ID) it logs in once more and repeats the
request; a fresh session that is refused again is a credentials problem.

Transport faults go through the shared retry policy (`pipelines.common.http`); on top of it,
403 REQUEST_LIMIT_EXCEEDED (the org's API limit, sent without Retry-After) is retried with
exponential backoff too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from dlt.sources.helpers.requests.retry import DEFAULT_RETRY_STATUS
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import BaseReferencePaginator
from requests.auth import AuthBase

from pipelines.common.errors import CredentialsError, SourceError
from pipelines.common.http import check_response, make_session
from pipelines.common.paging import GuardedPaginator
from pipelines.salesforce.settings import MAX_PAGE_SIZE, MIN_PAGE_SIZE, SECRETS_HINT

log = logging.getLogger("pipelines.salesforce")

SOURCE = "Salesforce"
# Token endpoint errors that mean the credentials are wrong (the rest are other problems).
OAUTH_CREDENTIAL_ERRORS = {
    "invalid_grant",
    "invalid_client",
    "invalid_client_id",
    "unauthorized_client",
    "inactive_user",
    "inactive_org",
}


class QueryError(SourceError):
    """Salesforce refused a request it understood (400 with an errorCode: INVALID_FIELD, ...)."""

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(f"{SOURCE} refused the request ({error_code}): {message}")
        self.error_code = error_code


def _error(response: requests.Response) -> dict[str, Any]:
    """The first entry of Salesforce's error array `[{"message", "errorCode"}]`, if any."""
    try:
        body = response.json()
    except ValueError:
        return {}
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return body[0]
    return {}


def _error_code(response: requests.Response) -> str | None:
    return _error(response).get("errorCode")


def request_limit_exceeded(
    response: requests.Response | None, exception: BaseException | None
) -> bool:
    """Retry predicate: the org's API limit answers 403 REQUEST_LIMIT_EXCEEDED."""
    return (
        response is not None
        and response.status_code == 403
        and _error_code(response) == "REQUEST_LIMIT_EXCEEDED"
    )


def _retryable(response: requests.Response) -> bool:
    return response.status_code in DEFAULT_RETRY_STATUS or request_limit_exceeded(response, None)


class NextRecordsUrlPaginator(BaseReferencePaginator):
    """Follows `nextRecordsUrl` until `done`; the URL is a path relative to the instance."""

    def __init__(self, instance_url: str) -> None:
        super().__init__()
        self.instance_url = instance_url.rstrip("/")

    def update_state(self, response: requests.Response, data: list[Any] | None = None) -> None:
        body = response.json()
        done = body.get("done", True)
        self._next_reference = None if done else body.get("nextRecordsUrl")
        if not done and not self._next_reference:
            raise SourceError(f"{SOURCE} answered done=false without nextRecordsUrl")

    def update_request(self, request: requests.Request) -> None:
        if self._next_reference:
            # Concatenate, not urljoin: the instance URL may carry a path (behind a proxy).
            request.url = f"{self.instance_url}{self._next_reference}"
            request.params = {}


class _BearerAuth(AuthBase):
    def __init__(self, client: SalesforceClient) -> None:
        self.client = client

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.client.access_token()}"
        return request


class SalesforceClient:
    def __init__(
        self,
        login_url: str,
        client_id: str,
        client_secret: str,
        username: str,
        password: str,
        api_version: str = "59.0",
        page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        self.login_url = login_url.rstrip("/")
        self._credentials = {
            "grant_type": "password",
            "client_id": client_id,
            "client_secret": client_secret,
            "username": username,
            "password": password,
        }
        self.api_version = api_version.lstrip("v")
        self.page_size = max(MIN_PAGE_SIZE, min(MAX_PAGE_SIZE, int(page_size)))
        self.session = make_session([request_limit_exceeded])
        self._token: str | None = None
        self._instance_url: str | None = None
        # True from a login until a request succeeds with the new session.
        self._fresh = False

    # -- session -------------------------------------------------------------------------------
    def login(self) -> None:
        response = self.session.post(
            f"{self.login_url}/services/oauth2/token", data=self._credentials
        )
        if response.status_code == 400:
            try:
                error = response.json()
            except ValueError:
                error = {}
            if isinstance(error, dict) and error.get("error") in OAUTH_CREDENTIAL_ERRORS:
                raise CredentialsError(
                    f"{SOURCE} refused the login at {self.login_url} "
                    f"({error['error']}: {error.get('error_description', '')}): check the "
                    f"credentials {SECRETS_HINT} in .dlt/secrets.toml or the environment"
                )
        check_response(response, SOURCE, SECRETS_HINT)
        body = response.json()
        self._token, self._instance_url = body["access_token"], body["instance_url"]
        self._fresh = True

    def access_token(self) -> str:
        if self._token is None:
            self.login()
        assert self._token is not None
        return self._token

    @property
    def instance_url(self) -> str:
        if self._instance_url is None:
            self.login()
        assert self._instance_url is not None
        return self._instance_url.rstrip("/")

    def _on_response(self, response: requests.Response, *args: Any, **kwargs: Any) -> Any:
        """Runs on every attempt, inside the retry loop: re-login, retry, or fail clearly."""
        if response.ok:
            self._fresh = False
            return None
        if response.status_code == 401 and not self._fresh:
            log.warning("%s session expired or was revoked: logging in again", SOURCE)
            self.login()
            repeat = response.request.copy()
            repeat.headers["Authorization"] = f"Bearer {self.access_token()}"
            return self.session.send(repeat, **kwargs)
        if _retryable(response):
            # An HTTPError carrying the response lets the retry policy see it and try again.
            response.raise_for_status()
        error = _error(response)
        if response.status_code == 400 and error.get("errorCode"):
            message = " ".join(str(error.get("message", "")).split())
            raise QueryError(error["errorCode"], message)
        check_response(response, SOURCE, SECRETS_HINT)
        return None

    # -- queries -------------------------------------------------------------------------------
    def _rest(self) -> RESTClient:
        return RESTClient(
            base_url=f"{self.instance_url}/services/data/v{self.api_version}",
            headers={"Sforce-Query-Options": f"batchSize={self.page_size}"},
            auth=_BearerAuth(self),
            session=self.session,
            data_selector="records",
        )

    def query_all(self, soql: str, sobject: str) -> Iterator[list[dict[str, Any]]]:
        """Pages of `queryAll` records (soft-deleted rows included), `attributes` dropped.

        `done` is the end; a `nextRecordsUrl` already asked for (or an empty page that is not
        done) ends in a one-line `StuckPaginationError` naming the query and the URL.
        """
        pages = self._rest().paginate(
            "queryAll",
            params={"q": soql},
            paginator=GuardedPaginator(
                NextRecordsUrlPaginator(self.instance_url), SOURCE, f"queryAll of {sobject}"
            ),
            hooks={"response": [self._on_response]},
        )
        with _one_line_errors():
            for page in pages:
                yield [_without_attributes(record) for record in page]

    def field_names(self, sobject: str) -> set[str]:
        """The fields the org has on `sobject` (its describe call)."""
        with _one_line_errors():
            response = self._rest().get(
                f"sobjects/{sobject}/describe", hooks={"response": [self._on_response]}
            )
        return {field["name"] for field in response.json()["fields"]}


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """Once retries are exhausted, say what failed in one line instead of an HTTPError."""
    try:
        yield
    except requests.HTTPError as error:
        check_response(error.response, SOURCE, SECRETS_HINT)
        raise


def _without_attributes(record: Any) -> Any:
    if isinstance(record, dict):
        record.pop("attributes", None)
    return record
