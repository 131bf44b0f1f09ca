"""The Linear source's GraphQL client: retries, GraphQL errors, credentials, complexity."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests

from pipelines.common.errors import CredentialsError, SourceError
from pipelines.linear.client import LinearClient, should_retry
from pipelines.linear.queries import history_of_issues_query
from pipelines.sandbox.server import SandboxServer
from tests.linear_fixtures import API_KEY, build_linear_company, visible
from tests.sandbox_helpers import NOW
from tests.sandbox_helpers import serve as running_sandbox


def response(status: int, body: bytes) -> requests.Response:
    made = requests.Response()
    made.status_code = status
    made._content = body
    return made


def ratelimited() -> bytes:
    return json.dumps(
        {"errors": [{"message": "x", "extensions": {"code": "RATELIMITED"}}]}
    ).encode()


@pytest.mark.parametrize(
    ("status", "body", "retry"),
    [
        (400, ratelimited(), True),
        (200, ratelimited(), True),
        # a body cut short is the shared policy's to retry (tests/pipelines/test_common_http.py)
        (200, b'{"data": {"teams": ', False),
        (200, b'{"data": {"teams": {"nodes": []}}}', False),
        (400, b'{"errors": [{"message": "bad", "extensions": {"code": "INPUT_ERROR"}}]}', False),
        (401, ratelimited(), False),
    ],
)
def test_retry_predicate(status, body, retry):
    assert should_retry(response(status, body), None) is retry


@pytest.fixture(scope="module")
def company():
    return build_linear_company()


@pytest.fixture
def server(company) -> Iterator[SandboxServer]:
    with running_sandbox(company, retry_after_seconds=1) as running:
        yield running


def client_for(server: SandboxServer, key: str = API_KEY) -> LinearClient:
    return LinearClient(f"{server.url}/linear/graphql", key)


def test_rate_limited_answers_are_retried_after_retry_after(server):
    faults = iter(["rate_limited", "rate_limited"])
    server.sandbox.faults.draw = lambda: next(faults, None)  # type: ignore[method-assign]
    data = client_for(server).query("{ teams { nodes { id } } }", {})
    assert len(data["teams"]["nodes"]) == len(visible(server.sandbox.company, "teams", NOW, False))
    assert server.sandbox.fault_counts == {"rate_limited": 2}


def test_graphql_errors_with_http_200_fail_with_their_code(server):
    with pytest.raises(SourceError, match="INVALID_INPUT"):
        client_for(server).query('{ issue(id: "nope") { id } }', {})


def test_bearer_prefix_on_a_personal_key_is_a_credentials_error(server):
    with pytest.raises(CredentialsError, match="without 'Bearer'") as failure:
        client_for(server, f"Bearer {API_KEY}").query("{ teams { nodes { id } } }", {})
    assert API_KEY not in str(failure.value)


def test_too_complex_pages_shrink_until_they_fit(server, company, caplog):
    issues = [p["id"] for p in visible(company, "issues", NOW)]
    client = client_for(server)
    query = history_of_issues_query()
    # 250 issues with 250 history entries each cost far more than 10,000 points.
    variables = {"ids": issues, "nestedFirst": 250}
    pages = list(client.pages(query, ("issues",), variables, first=250))
    assert sorted(node["id"] for page in pages for node in page) == sorted(issues)
    assert 0 < client.page_sizes[query] < 250
    assert any("points" in message for message in caplog.messages)
