"""A request that no route serves gets its vendor's JSON error shape, never Flask's HTML page.

Salesforce serves its instance at the sandbox's root, so any path outside the other vendors'
prefixes is Salesforce's; its own cases are in test_salesforce_api.py.
"""

from __future__ import annotations

import pytest
import requests

from tests.salesforce_fixtures import tiny_company
from tests.sandbox_helpers import serve


@pytest.fixture(scope="module")
def url():
    with serve(tiny_company(accounts=5)) as server:
        yield server.url


def call(url: str, method: str, path: str) -> requests.Response:
    http = requests.Session()
    http.trust_env = False
    response = http.request(method, f"{url}{path}", allow_redirects=False)
    assert response.headers["Content-Type"].startswith("application/json"), response.text
    return response


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/linear", 404, "NOT_FOUND"),
        ("POST", "/linear/api/graphql", 404, "NOT_FOUND"),
        ("GET", "/linear/graphql", 405, "METHOD_NOT_ALLOWED"),
    ],
)
def test_linear_answers_graphql_errors(url, method, path, status, code):
    response = call(url, method, path)
    assert response.status_code == status
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code and error["message"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/slack", 404), ("GET", "/slack/web/chat", 404), ("PUT", "/slack/api/auth.test", 405)],
)
def test_slack_answers_ok_false(url, method, path, status):
    response = call(url, method, path)
    assert response.status_code == status
    assert response.json()["ok"] is False and response.json()["error"] == "unknown_method"


@pytest.mark.parametrize(
    ("method", "path", "status", "error"),
    [
        ("GET", "/zendesk", 404, "RecordNotFound"),
        ("GET", "/zendesk/", 404, "RecordNotFound"),
        ("POST", "/zendesk/api/v2/groups.json", 405, "MethodNotAllowed"),
    ],
)
def test_zendesk_answers_error_and_description(url, method, path, status, error):
    response = call(url, method, path)
    assert response.status_code == status
    assert response.json()["error"] == error and response.json()["description"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/_sandbox/nothing", 404), ("GET", "/_sandbox/clock", 405)],
)
def test_sandbox_control_answers_json(url, method, path, status):
    response = call(url, method, path)
    assert response.status_code == status
    assert response.json()["error"]


def test_a_wrong_method_names_the_allowed_ones(url):
    response = call(url, "GET", "/_sandbox/clock")
    assert "POST" in response.headers["Allow"]
