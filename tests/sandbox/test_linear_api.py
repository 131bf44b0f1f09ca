"""The sandbox's Linear GraphQL API against Linear's contract: auth, paging, filters, errors."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta
from fractions import Fraction
from typing import Any

import pytest

from pipelines.sandbox.server import SandboxServer
from tests.linear_fixtures import API_KEY, LONG_HISTORY, build_linear_company, lid, post, visible
from tests.sandbox_helpers import NOW
from tests.sandbox_helpers import serve as running_sandbox

# Exact arithmetic for complexity points (0.1 per field).
TENTH = Fraction(1, 10)
PAGE = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"


@pytest.fixture(scope="module")
def company():
    return build_linear_company()


@pytest.fixture(scope="module")
def server(company) -> Iterator[SandboxServer]:
    with running_sandbox(company) as running:
        yield running


def data(server: SandboxServer, query: str, **variables: Any) -> dict[str, Any]:
    response = post(server, query, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def every_node(server: SandboxServer, field: str, arguments: str, selection: str) -> list[dict]:
    """Follow a top-level connection to its end with `after` cursors."""
    nodes: list[dict] = []
    after = None
    query = (
        f"query($after: String) {{ {field}(after: $after, {arguments}) "
        f"{{ nodes {{ {selection} }} {PAGE} }} }}"
    )
    while True:
        connection = data(server, query, after=after)[field]
        nodes += connection["nodes"]
        if not connection["pageInfo"]["hasNextPage"]:
            return nodes
        after = connection["pageInfo"]["endCursor"]
        assert len(nodes) < 10_000, "pagination does not end"


# --- auth ---------------------------------------------------------------------------------


def test_personal_key_without_bearer_is_accepted(server):
    assert data(server, "{ teams { nodes { id } } }")["teams"]["nodes"]


@pytest.mark.parametrize(
    "authorization", [f"Bearer {API_KEY}", "lin_api_wrong", None], ids=["bearer", "wrong", "none"]
)
def test_bad_credentials_get_linears_authentication_error(server, authorization):
    response = post(server, "{ teams { nodes { id } } }", authorization=authorization)
    assert response.status_code == 401
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "AUTHENTICATION_ERROR"
    assert error["extensions"]["statusCode"] == 401
    assert "data" not in response.json()


# --- pagination, ordering, filters ----------------------------------------------------------


def test_paging_to_the_end_serves_every_visible_issue_once(server, company):
    nodes = every_node(server, "issues", "first: 2, includeArchived: true", "id")
    ids = [node["id"] for node in nodes]
    assert len(ids) == len(set(ids))
    assert set(ids) == {p["id"] for p in visible(company, "issues", NOW)}


def test_archived_and_trashed_are_hidden_unless_asked_for(server, company):
    default = every_node(server, "issues", "first: 50", "id archivedAt trashed")
    expected = {p["id"] for p in visible(company, "issues", NOW, include_archived=False)}
    assert {node["id"] for node in default} == expected
    assert expected < {p["id"] for p in visible(company, "issues", NOW)}


def test_order_by_updated_at_is_ascending_with_an_updated_at_filter(server, company):
    since = NOW - timedelta(days=300)
    nodes = every_node(
        server,
        "issues",
        "first: 1, orderBy: updatedAt, includeArchived: true, "
        f'filter: {{updatedAt: {{gt: "{since.isoformat()}"}}}}',
        "id updatedAt",
    )
    stamps = [node["updatedAt"] for node in nodes]
    assert stamps == sorted(stamps)
    expected = {p["id"] for p in visible(company, "issues", NOW) if p["updatedAt"] > since}
    assert {node["id"] for node in nodes} == expected
    assert 0 < len(expected) < len(visible(company, "issues", NOW))


def test_duration_filter_is_relative_to_the_sandbox_clock(server, company):
    nodes = every_node(
        server,
        "issues",
        'first: 50, includeArchived: true, filter: {updatedAt: {gte: "-P7D"}}',
        "id",
    )
    expected = {
        p["id"] for p in visible(company, "issues", NOW) if p["updatedAt"] >= NOW - timedelta(7)
    }
    assert {node["id"] for node in nodes} == expected


def test_deactivated_users_only_with_include_disabled(server, company):
    users = visible(company, "users", NOW)
    active = {u["id"] for u in users if u["active"]}
    assert {n["id"] for n in every_node(server, "users", "first: 50", "id")} == active
    everyone = every_node(server, "users", "first: 50, includeDisabled: true", "id")
    assert {n["id"] for n in everyone} == {u["id"] for u in users} != active


def test_first_is_capped_at_250_and_nested_history_pages_for_real(server):
    query = """query($id: String!, $after: String) { issue(id: $id) {
        history(first: 1000, after: $after) { nodes { id createdAt }
        pageInfo { hasNextPage endCursor } } } }"""
    first = data(server, query, id=lid("issue", 2))["issue"]["history"]
    assert len(first["nodes"]) == 250 and first["pageInfo"]["hasNextPage"]
    rest = data(server, query, id=lid("issue", 2), after=first["pageInfo"]["endCursor"])
    nodes = first["nodes"] + rest["issue"]["history"]["nodes"]
    assert not rest["issue"]["history"]["pageInfo"]["hasNextPage"]
    # LONG_HISTORY entries, plus the one written by the issue's state change before the clock.
    assert len({node["id"] for node in nodes}) == LONG_HISTORY + 1
    assert [n["createdAt"] for n in nodes] == sorted(n["createdAt"] for n in nodes)


def test_backward_paging_with_last_and_before(server, company):
    forward = every_node(server, "comments", "first: 50", "id")
    query = "query($before: String) { comments(last: 30, before: $before) { nodes { id } %s } }"
    backward: list[str] = []
    before = None
    while True:
        connection = data(server, query % PAGE, before=before)["comments"]
        backward = [n["id"] for n in connection["nodes"]] + backward
        if not connection["pageInfo"]["hasPreviousPage"]:
            break
        before = connection["pageInfo"]["startCursor"]
    assert backward == [n["id"] for n in forward]


def test_relations_and_nested_connections_resolve_to_records(server, company):
    query = """query($id: String!) { issue(id: $id) { identifier dueDate state { id type }
        team { key } parent { id } labels { nodes { id name } } labelIds
        attachments { nodes { url metadata sourceType issue { id } } } } }"""
    issue = data(server, query, id=lid("issue", 5))["issue"]
    assert issue["state"] == {"id": lid("state", 1), "type": "triage"}
    assert issue["team"] == {"key": "ENG"}
    assert issue["parent"] is None
    assert issue["dueDate"] == "2026-10-20"
    assert [label["id"] for label in issue["labels"]["nodes"]] == issue["labelIds"]
    (attachment,) = issue["attachments"]["nodes"]
    assert attachment["metadata"] == {"ticketId": 42, "status": "open"}
    assert attachment["issue"]["id"] == lid("issue", 5)


def test_wire_format_of_timestamps(server):
    (team, *_) = data(server, "{ teams { nodes { createdAt } } }")["teams"]["nodes"]
    assert team["createdAt"].endswith("Z") and len(team["createdAt"]) == len(
        "2025-10-11T00:00:00.000Z"
    )


def test_cursor_is_a_position_so_changes_between_pages_skip_nothing(company):
    query = """query($after: String) { issues(first: 1, after: $after, orderBy: updatedAt,
        includeArchived: true) { nodes { id updatedAt } pageInfo { hasNextPage endCursor } } }"""
    with running_sandbox(company) as server:
        seen: list[str] = []
        after = None
        before = {p["id"] for p in visible(company, "issues", NOW)}
        for step in range(100):
            if step == 1:
                # Issue 5 changes and issue 6 appears while the client is between pages.
                server.sandbox.advance(timedelta(days=4))
            connection = data(server, query, after=after)["issues"]
            seen += [n["id"] for n in connection["nodes"]]
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
        after_change = {p["id"] for p in visible(company, "issues", server.sandbox.now)}
    assert before <= set(seen) and after_change <= set(seen)
    assert lid("issue", 6) in seen


# --- complexity, errors, faults -------------------------------------------------------------


def test_complexity_header_follows_linears_rule(server):
    # 10 teams x (1 for each node + 2 fields x 0.1 + pageInfo object 1 + 1 field x 0.1)
    response = post(server, "{ teams(first: 10) { nodes { id name } pageInfo { hasNextPage } } }")
    expected = math.ceil(10 * (1 + 2 * TENTH + 1 + TENTH))
    assert response.headers["X-Complexity"] == str(expected)
    for header in ("Requests", "Complexity"):
        assert int(response.headers[f"X-RateLimit-{header}-Limit"]) > 0
        assert int(response.headers[f"X-RateLimit-{header}-Remaining"]) >= 0
        # Reset is epoch milliseconds, after the sandbox clock.
        assert int(response.headers[f"X-RateLimit-{header}-Reset"]) > NOW.timestamp() * 1000


def test_too_complex_query_is_rejected_like_linear(server):
    query = "{ issues(first: 250) { nodes { id history(first: 250) { nodes { id } } } } }"
    response = post(server, query)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["message"] == "Query too complex"
    assert error["extensions"]["code"] == "INPUT_ERROR"
    expected = math.ceil(250 * (1 + TENTH + 250 * (1 + TENTH)))
    assert f"Complexity: {expected}." in error["extensions"]["userPresentableMessage"]


def test_invalid_query_gets_a_validation_error(server):
    response = post(server, "{ issues { nodes { nope } } }")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_unknown_issue_is_a_graphql_error_with_http_200(server):
    response = post(server, 'query { issue(id: "no-such-issue") { id } }')
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


def test_same_request_same_bytes(company):
    query = "{ issues(first: 3, includeArchived: true) { nodes { id title updatedAt } } }"
    with running_sandbox(company) as one, running_sandbox(company) as two:
        assert post(one, query).content == post(two, query).content


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("rate_limited", 400, "RATELIMITED"),
        ("server_error", 500, "INTERNAL_SERVER_ERROR"),
        ("unavailable", 503, "SERVICE_UNAVAILABLE"),
        ("bad_gateway", 502, None),
    ],
)
def test_faults_in_linears_shape(company, kind, status, code):
    with running_sandbox(company, retry_after_seconds=7) as server:
        server.sandbox.faults.draw = lambda: kind  # type: ignore[method-assign]
        response = post(server, "{ teams { nodes { id } } }")
    assert response.status_code == status
    if code is None:
        assert response.headers["Content-Type"].startswith("text/html")
        return
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == code
    if kind == "rate_limited":
        assert error["extensions"]["statusCode"] == 429
        assert response.headers["Retry-After"] == "7"
        assert response.headers["X-RateLimit-Requests-Remaining"] == "0"


@pytest.mark.parametrize(("field", "entity"), [("comments", "comments"), ("labels", "labels")])
def test_other_nested_connections_page_for_real(server, company, field, entity):
    query = f"""query($id: String!, $after: String) {{ issue(id: $id) {{
        {field}(first: 1, after: $after) {{ nodes {{ id }} pageInfo {{ hasNextPage endCursor }} }}
        }} }}"""
    seen: list[str] = []
    after = None
    while True:
        connection = data(server, query, id=lid("issue", 2), after=after)["issue"][field]
        seen += [node["id"] for node in connection["nodes"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    issue = next(p for p in visible(company, "issues", NOW) if p["id"] == lid("issue", 2))
    expected = (
        issue["labelIds"]
        if field == "labels"
        else [p["id"] for p in visible(company, entity, NOW) if p["issueId"] == issue["id"]]
    )
    assert sorted(seen) == sorted(expected) and len(seen) > 1


def test_issue_by_identifier_or_id(server):
    by_identifier = data(server, '{ issue(id: "ENG-3") { id identifier } }')["issue"]
    assert by_identifier == {"id": lid("issue", 3), "identifier": "ENG-3"}
    by_id = data(server, "query($id: String!) { issue(id: $id) { id } }", id=lid("issue", 3))
    assert by_id["issue"]["id"] == by_identifier["id"]
