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


# --- beyond what the source reads: edges, lookups, reverse relations, filters ----------------


def test_edges_carry_each_node_with_the_cursor_that_pages_after_it(server):
    query = """query($after: String) { comments(first: 2, after: $after) {
        nodes { id } edges { cursor node { id } } pageInfo { endCursor } } }"""
    first = data(server, query)["comments"]
    assert [e["node"] for e in first["edges"]] == first["nodes"] and len(first["nodes"]) == 2
    assert first["edges"][-1]["cursor"] == first["pageInfo"]["endCursor"]
    after_first_edge = data(server, query, after=first["edges"][0]["cursor"])["comments"]
    assert after_first_edge["nodes"][0] == first["nodes"][1]


LOOKUPS = [
    ("team", ("team", 1)),
    ("user", ("user", 3)),
    ("workflowState", ("state", 2)),
    ("issueLabel", ("label", 2)),
    ("cycle", ("cycle", 1)),
    ("comment", ("comment", 500)),
]


@pytest.mark.parametrize(("field", "key"), LOOKUPS)
def test_lookups_by_id_serve_the_record_or_linears_not_found(server, field, key):
    query = f"query($id: String!) {{ {field}(id: $id) {{ id }} }}"
    assert data(server, query, id=lid(*key))[field] == {"id": lid(*key)}
    response = post(server, query, {"id": lid("nothing", 1)})
    assert response.status_code == 200 and response.json()["data"] is None
    (error,) = response.json()["errors"]
    assert error["message"].startswith("Entity not found")
    assert error["extensions"]["code"] == "INVALID_INPUT"


def test_reverse_relations_are_connections_over_the_records(server, company):
    query = """query($team: String!, $user: String!) {
        team(id: $team) { issues(includeArchived: true) { nodes { id } }
        states { nodes { id } } labels { nodes { id } } cycles { nodes { id } }
        projects { nodes { id } } }
        user(id: $user) { assignedIssues { nodes { id } } createdIssues { nodes { id } } }
        issue(id: "ENG-1") { children { nodes { id } } } }"""
    answer = data(server, query, team=lid("team", 1), user=lid("user", 1))

    def ids(entity: str, key: str, value: str, include_archived: bool = False) -> set[str]:
        records = visible(company, entity, NOW, include_archived)
        return {p["id"] for p in records if p.get(key) == value or value in (p.get(key) or [])}

    team = answer["team"]
    assert {n["id"] for n in team["issues"]["nodes"]} == ids(
        "issues", "teamId", lid("team", 1), True
    )
    assert {n["id"] for n in team["states"]["nodes"]} == {lid("state", n) for n in (1, 2, 3)}
    assert {n["id"] for n in team["labels"]["nodes"]} == {lid("label", 1), lid("label", 2)}
    assert [n["id"] for n in team["cycles"]["nodes"]] == [lid("cycle", 1)]
    assert [n["id"] for n in team["projects"]["nodes"]] == [lid("project", 1)]
    user = answer["user"]
    # Issues 1, 2 and 5 are neither archived nor trashed; issue 6 is after the clock.
    assert {n["id"] for n in user["assignedIssues"]["nodes"]} == {
        lid("issue", n) for n in (1, 2, 5)
    }
    assert user["createdIssues"]["nodes"] == []
    # Issue 6 (ENG-1's child) exists only after the clock.
    assert answer["issue"]["children"]["nodes"] == []


def test_viewer_is_the_keys_owner_in_the_one_organization(server):
    query = """query($team: String!) { viewer { id isMe admin organization { id } }
        organization { id teams { nodes { key } } users(includeDisabled: true) { nodes { id } } }
        team(id: $team) { organization { id } } }"""
    answer = data(server, query, team=lid("team", 1))
    assert answer["viewer"]["id"] == lid("user", 1) and answer["viewer"]["isMe"]
    organization = answer["organization"]
    assert answer["viewer"]["organization"]["id"] == organization["id"]
    assert answer["team"]["organization"]["id"] == organization["id"]
    assert [team["key"] for team in organization["teams"]["nodes"]] == ["ENG"]
    assert len(organization["users"]["nodes"]) == 3


def filtered(server: SandboxServer, filter_: str, root: str = "issues") -> list[str]:
    query = (
        f"{{ {root}(first: 50, includeArchived: true, filter: {filter_}) {{ nodes {{ id }} }} }}"
    )
    return sorted(node["id"] for node in data(server, query)[root]["nodes"])


def issues_where(company, test) -> list[str]:
    return sorted(p["id"] for p in visible(company, "issues", NOW) if test(p))


def test_filters_follow_relations_collections_and_comparators(server, company):
    assert filtered(server, '{state: {type: {eq: "triage"}}}') == issues_where(
        company, lambda p: p["stateId"] == lid("state", 1)
    )
    assert filtered(server, '{labels: {some: {name: {eq: "label 2"}}}}') == [lid("issue", 2)]
    assert filtered(server, '{title: {containsIgnoreCase: "ISSUE 3"}}') == [lid("issue", 3)]
    assert filtered(server, "{or: [{number: {eq: 1}}, {number: {gte: 4}}]}") == issues_where(
        company, lambda p: p["number"] in (1, 4, 5)
    )
    assert filtered(server, '{dueDate: {lt: "2026-10-21"}}') == [lid("issue", 5)]
    assert filtered(server, "{dueDate: {null: true}}") == issues_where(
        company, lambda p: p["dueDate"] is None
    )
    assert filtered(server, "{assignee: {null: true}}") == []
    assert filtered(server, f'{{assignee: {{id: {{eq: "{lid("user", 1)}"}}}}}}') == issues_where(
        company, lambda _: True
    )
    assert filtered(server, '{team: {key: {eq: "SUP"}}}') == []
    assert filtered(server, "{issues: {some: {number: {eq: 2}}}}", "teams") == [lid("team", 1)]


def test_filters_on_what_the_company_does_not_model_see_what_is_served(server, company):
    everything = issues_where(company, lambda _: True)
    # No relations of these kinds, no subscribers, no snoozing: as the fields answer.
    assert filtered(server, "{hasBlockedByRelations: {eq: false}}") == everything
    assert filtered(server, "{hasBlockedByRelations: {eq: true}}") == []
    assert filtered(server, "{subscribers: {length: {eq: 0}}}") == everything
    assert filtered(server, "{snoozedBy: {null: true}}") == everything
    assert filtered(server, "{snoozedUntilAt: {null: false}}") == []
    # No such Issue field: an empty collection.
    assert filtered(server, "{sharedWith: {some: {admin: {eq: true}}}}") == []
    # `Project.status` is non-null: its stub has the first ProjectStatusType, `backlog`.
    projects = [lid("project", 1)]
    assert filtered(server, '{status: {type: {eq: "backlog"}}}', "projects") == projects
    assert filtered(server, '{status: {type: {neq: "backlog"}}}', "projects") == []


def test_an_unsupported_filter_is_one_clear_error(server):
    query = '{ issues(filter: {sourceMetadata: {subType: {eq: "x"}}}) { nodes { id } } }'
    response = post(server, query)
    assert response.status_code == 200
    (error,) = response.json()["errors"]
    assert error["message"] == "The sandbox cannot filter with SourceMetadataComparator.subType"


def test_mutations_are_refused_the_sandbox_is_read_only(server):
    response = post(server, 'mutation { issueArchive(id: "x") { success } }')
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "INPUT_ERROR"
    assert "read-only" in error["message"]


def test_complexity_counts_fields_under_interfaces_and_unions(server):
    # The notification stub: 1 object + 3 scalars (id, type on the interface, one in a fragment).
    query = '{ notification(id: "x") { id type ... on IssueNotification { issueId } } }'
    assert post(server, query).headers["X-Complexity"] == str(math.ceil(1 + 3 * TENTH))
