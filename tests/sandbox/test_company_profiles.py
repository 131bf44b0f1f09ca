"""The `minimal` company profile: every optional entity empty, nothing pointing into them, and
each vendor serving the empty entities as its API would (empty lists that end their paging)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from pipelines.cli import _make_sandbox, build_parser
from pipelines.sandbox.company import build_company
from pipelines.sandbox.company.profiles import SUPPORT_TEAM_KEY, apply_profile
from pipelines.sandbox.company.truth import account_truth, slack_request_truth, ticket_truth
from pipelines.sandbox.credentials import SANDBOX_CREDENTIALS
from pipelines.sandbox.server import SandboxServer
from tests.linear_fixtures import post
from tests.sandbox_helpers import serve
from tests.zendesk_fixtures import Api

SEED, SCALE = 5, 0.05


@pytest.fixture(scope="module")
def full():
    return build_company(seed=SEED, scale=SCALE)


@pytest.fixture(scope="module")
def minimal():
    return apply_profile(build_company(seed=SEED, scale=SCALE), "minimal")


@pytest.fixture(scope="module")
def server(minimal) -> Iterator[SandboxServer]:
    with serve(minimal) as running:
        yield running


def versions(record) -> list[dict]:
    """The record as served at creation and after each change."""
    return [record.state_at(record.created_at)] + [record.state_at(at) for at, _ in record.changes]


def test_unknown_profile_is_refused(full):
    with pytest.raises(ValueError, match="unknown company profile 'tiny'"):
        apply_profile(full, "tiny")


@pytest.mark.parametrize("command", [["sandbox"], ["load", "--sandbox"]])
def test_command_line_builds_the_chosen_profile(command):
    parser = build_parser()
    assert parser.parse_args(command).profile == "full"
    args = parser.parse_args([*command, "--scale", "0.01", "--profile", "minimal"])
    company = _make_sandbox(args).company
    assert company.records("salesforce", "Opportunity") == []
    assert company.records("salesforce", "Account")


def test_optional_entities_are_empty_and_the_core_stays(full, minimal):
    empty = {
        "linear": ("labels", "projects", "cycles"),
        "zendesk": ("satisfaction_ratings", "sla_policies", "holidays"),
        "salesforce": ("Opportunity",),
    }
    for vendor, entities in empty.items():
        for entity in entities:
            assert full.records(vendor, entity), f"{vendor}.{entity} is empty even in full"
            assert minimal.records(vendor, entity) == [], f"{vendor}.{entity}"
    for vendor, entity in [
        ("zendesk", "tickets"),
        ("zendesk", "users"),
        ("zendesk", "schedules"),
        ("salesforce", "Account"),
        ("slack", "channels"),
    ]:
        assert len(minimal.records(vendor, entity)) == len(full.records(vendor, entity))
    teams = minimal.records("linear", "teams")
    assert [team.payload["key"] for team in teams] == [SUPPORT_TEAM_KEY]
    assert minimal.records("linear", "issues"), "the support team keeps its issues"


def test_linear_records_refer_only_to_what_remains(minimal):
    team_id = minimal.records("linear", "teams")[0].key
    states = {record.key for record in minimal.records("linear", "workflow_states")}
    issues = {record.key for record in minimal.records("linear", "issues")}
    assert {r.payload["teamId"] for r in minimal.records("linear", "workflow_states")} == {team_id}
    for record in minimal.records("linear", "issues"):
        for state in versions(record):
            assert state["teamId"] == team_id
            assert state["stateId"] in states
            assert (state["labelIds"], state["projectId"], state["cycleId"]) == ([], None, None)
    for entity in ("issue_history", "comments", "attachments"):
        assert {r.payload["issueId"] for r in minimal.records("linear", entity)} <= issues
    log_issues = {issue.plan.id for issue in minimal.facts["log"].issues}
    assert log_issues == issues


def test_zendesk_has_no_tags_fields_ratings_or_slas(minimal):
    for record in minimal.records("zendesk", "tickets"):
        for state in versions(record):
            assert (state["tags"], state["custom_fields"]) == ([], [])
            assert state["satisfaction_rating"] == {"score": "unoffered"}
    for record in minimal.records("zendesk", "organizations"):
        assert all(state["tags"] == [] for state in versions(record))
    for audit in minimal.records("zendesk", "ticket_audits"):
        assert audit.payload["events"], f"audit {audit.key} without events"
        assert all(e.get("field_name") != "satisfaction_score" for e in audit.payload["events"])
    kinds = {
        record.payload["type"] for record in minimal.records("zendesk", "ticket_metric_events")
    }
    assert kinds.isdisjoint({"apply_sla", "breach"})
    assert "activate" in kinds
    assert {t.satisfaction for t in ticket_truth(minimal)} == {"unoffered"}


def test_slack_has_no_threads(minimal):
    for record in minimal.records("slack", "messages"):
        assert record.payload["thread_ts"] is None, record.key
    assert all(r.first_response_minutes is None for r in slack_request_truth(minimal))


def test_salesforce_has_no_revenue(minimal):
    assert all(account.arr == 0 for account in account_truth(minimal))


def test_dirty_data_cases_name_remaining_records(minimal):
    keys = {
        (vendor, entity): {record.key for record in records}
        for vendor, entities in minimal.tables.items()
        for entity, records in entities.items()
    }
    for name, cases in minimal.facts["dirty_data"].items():
        if isinstance(cases, list):
            for case in cases:
                if isinstance(case, dict) and "key" in case:
                    assert case["key"] in keys[(case["vendor"], case["entity"])], (name, case)


# --- the vendors serve the empty entities ---------------------------------------------------


@pytest.mark.parametrize("field", ["projects", "cycles", "issueLabels"])
def test_linear_serves_an_empty_last_page(server, field):
    query = (
        f"{{ {field}(first: 50, includeArchived: true) "
        "{ nodes { id } pageInfo { hasNextPage hasPreviousPage endCursor } } }"
    )
    response = post(server, query)
    assert response.status_code == 200, response.text
    connection = response.json()["data"][field]
    assert connection["nodes"] == []
    assert connection["pageInfo"]["hasNextPage"] is False
    assert connection["pageInfo"]["hasPreviousPage"] is False


def test_zendesk_serves_empty_lists(server, minimal):
    api = Api(server)
    ratings = api.json("/api/v2/satisfaction_ratings.json", **{"page[size]": 100})
    assert ratings["satisfaction_ratings"] == []
    assert ratings["meta"]["has_more"] is False
    assert ratings["links"]["next"] is None
    policies = api.json("/api/v2/slas/policies.json")
    assert (policies["sla_policies"], policies["next_page"], policies["count"]) == ([], None, 0)
    for schedule in minimal.records("zendesk", "schedules"):
        holidays = api.json(f"/api/v2/business_hours/schedules/{schedule.key}/holidays.json")
        assert holidays == {"holidays": []}


def test_salesforce_serves_an_empty_done_query(server):
    login = server.client_settings()["SOURCES__SALESFORCE__LOGIN_URL"]
    creds = SANDBOX_CREDENTIALS["salesforce"]
    token = requests.post(
        f"{login}/services/oauth2/token",
        data={"grant_type": "password", **creds},
        timeout=10,
    ).json()
    response = requests.get(
        f"{token['instance_url']}/services/data/v59.0/queryAll",
        params={"q": "SELECT Id FROM Opportunity"},
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["totalSize"], body["done"], body["records"]) == (0, True, [])
    assert "nextRecordsUrl" not in body
