"""Contract tests for the sandbox's Zendesk Support API, read over real HTTP.

Expectations come from the company model (`Versioned.state_at`) and Zendesk's documented contract,
never from the API module's own helpers.
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
import requests

from tests.sandbox_helpers import NOW, serve
from tests.zendesk_fixtures import EXPORT_LAG, Api, basic_auth, tiny_company, visible

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
EXPORT = "/api/v2/incremental/tickets/cursor.json"


@pytest.fixture(scope="module")
def company():
    return tiny_company()


@pytest.fixture(scope="module")
def api(company):
    with serve(company) as server:
        yield Api(server)


def walk_cursor_export(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    body = api.json(path, **params)
    pages = [body]
    while not body["end_of_stream"]:
        body = api.json(body["after_url"])
        pages.append(body)
    return pages


def walk_time_export(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    body = api.json(path, **params)
    pages = [body]
    while not body["end_of_stream"]:
        body = api.json(body["next_page"])
        pages.append(body)
    return pages


# --- auth -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        basic_auth(token="wrong-token"),
        basic_auth(email="someone@example.com"),
        # e-mail and password basic auth (no `/token`) is not the API token scheme
        {"Authorization": "Basic " + base64.b64encode(b"sandbox@example.com:x").decode()},
        {"Authorization": "Bearer sandbox-zendesk-token"},
    ],
)
def test_wrong_credentials_get_zendesks_401(api, headers):
    response = requests.get(f"{api.root}/api/v2/groups.json", headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.json() == {"error": "Couldn't authenticate you"}


def test_api_token_basic_auth_is_accepted(api):
    assert api.get("/api/v2/groups.json").status_code == 200


# --- incremental cursor export ----------------------------------------------------------------


def test_cursor_export_pages_to_the_end_without_gaps_or_repeats(api, company):
    pages = walk_cursor_export(api, EXPORT, start_time=0, per_page=4)
    ids = [ticket["id"] for page in pages for ticket in page["tickets"]]
    expected = visible(company, "tickets", NOW - EXPORT_LAG)
    assert sorted(ids) == sorted(expected)
    assert len(ids) == len(set(ids))
    assert len(pages) == -(-len(expected) // 4)
    assert all(len(page["tickets"]) == 4 for page in pages[:-1])
    for ticket in (ticket for page in pages for ticket in page["tickets"]):
        assert ticket["status"] == expected[ticket["id"]]["status"]
        assert TIMESTAMP.match(ticket["updated_at"]) and TIMESTAMP.match(ticket["created_at"])
    # The final cursor stays usable: nothing new, same cursor, still the end of the stream.
    last = pages[-1]
    again = api.json(EXPORT, cursor=last["after_cursor"], per_page=4)
    assert again["tickets"] == []
    assert again["end_of_stream"] is True
    assert again["after_cursor"] == last["after_cursor"]


def test_cursor_export_leaves_out_the_last_minute(api, company):
    pages = walk_cursor_export(api, EXPORT, start_time=0)
    served = {ticket["id"] for page in pages for ticket in page["tickets"]}
    at_clock = visible(company, "tickets", NOW)
    recent = {key for key, state in at_clock.items() if state["created_at"] > NOW - EXPORT_LAG}
    assert recent, "the fixture has a ticket created in the last minute"
    assert not served & recent


def test_deleted_tickets_stay_in_the_export_with_status_deleted(company):
    with serve(company) as server:
        server.sandbox.advance(timedelta(days=10))
        api = Api(server)
        pages = walk_cursor_export(api, EXPORT, start_time=0)
    statuses = Counter(ticket["status"] for page in pages for ticket in page["tickets"])
    expected = visible(company, "tickets", NOW + timedelta(days=10) - EXPORT_LAG)
    assert statuses["deleted"] == sum(s["status"] == "deleted" for s in expected.values()) > 0


def test_metric_sets_sideload_one_per_ticket(api, company):
    body = api.json(EXPORT, start_time=0, per_page=5, include="metric_sets")
    ticket_ids = [ticket["id"] for ticket in body["tickets"]]
    assert sorted(m["ticket_id"] for m in body["metric_sets"]) == sorted(ticket_ids)
    metrics = visible(company, "ticket_metrics", NOW - EXPORT_LAG)
    for metric in body["metric_sets"]:
        assert metric["replies"] == metrics[metric["id"]]["replies"]
    assert "metric_sets" not in api.json(EXPORT, start_time=0, per_page=5)


def test_export_page_size_is_clamped_to_1000():
    with serve(tiny_company(tickets=1100)) as server:
        body = Api(server).json(EXPORT, start_time=0, per_page=5000)
    assert len(body["tickets"]) == 1000
    assert body["end_of_stream"] is False


def test_user_cursor_export(api, company):
    pages = walk_cursor_export(api, "/api/v2/incremental/users/cursor.json", start_time=0)
    served = {user["id"]: user for page in pages for user in page["users"]}
    assert served.keys() == visible(company, "users", NOW - EXPORT_LAG).keys()


def test_cursor_export_is_stable_while_records_change(company):
    """With the clock moving a day per request, nothing is skipped and the newest version wins."""
    with serve(company, churn_minutes=24 * 60) as server:
        api = Api(server)
        pages = walk_cursor_export(api, EXPORT, start_time=0, per_page=2)
        final_horizon = server.sandbox.now - EXPORT_LAG
    merged: dict[int, dict[str, Any]] = {}
    for ticket in (ticket for page in pages for ticket in page["tickets"]):
        merged[ticket["id"]] = ticket
    # The last page was served at the final clock: merging on id gives exactly that state.
    expected = visible(company, "tickets", final_horizon)
    assert final_horizon > NOW + timedelta(days=5)
    assert merged.keys() == expected.keys()
    for key, state in expected.items():
        assert merged[key]["updated_at"] == state["updated_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
        assert merged[key]["status"] == state["status"]


# --- time-based exports -----------------------------------------------------------------------


def test_time_export_pages_overlap_on_their_end_time(api, company):
    path = "/api/v2/incremental/organizations.json"
    pages = walk_time_export(api, path, start_time=0, per_page=2)
    served = [org for page in pages for org in page["organizations"]]
    expected = visible(company, "organizations", NOW - EXPORT_LAG)
    assert {org["id"] for org in served} == expected.keys()
    assert len(served) > len(expected), "overlapping pages serve some records twice"
    for page in pages:
        assert page["count"] == len(page["organizations"])
        assert f"start_time={page['end_time']}" in page["next_page"]
    # The three organizations created in one second arrive on one page.
    burst = [page for page in pages if {301, 302, 300} <= {o["id"] for o in page["organizations"]}]
    assert burst


def test_ticket_events_export_renders_audits_with_child_events(api, company):
    path = "/api/v2/incremental/ticket_events.json"
    pages = walk_time_export(api, path, start_time=0, include="comment_events")
    events = {event["id"]: event for page in pages for event in page["ticket_events"]}
    audits = visible(company, "ticket_audits", NOW - EXPORT_LAG)
    assert events.keys() == audits.keys()
    for audit_id, audit in audits.items():
        event = events[audit_id]
        assert event["ticket_id"] == audit["ticket_id"]
        assert event["timestamp"] == int(audit["created_at"].timestamp())
        assert event["event_type"] == "Audit"
        assert [c["id"] for c in event["child_events"]] == [e["id"] for e in audit["events"]]
        for child, source in zip(event["child_events"], audit["events"], strict=True):
            assert child["event_type"] == source["type"]
            if source["type"] == "Comment":
                assert child["author_id"] == source["author_id"]
                assert child["public"] == source["public"]
                assert child["body"] == source["body"]
            if source["type"] == "Change":
                assert child[source["field_name"]] == source["value"]
                assert child["previous_value"] == source["previous_value"]
    # Without the sideload a comment is only flagged.
    plain = api.json(path, start_time=0)["ticket_events"][0]["child_events"]
    comment = next(child for child in plain if child["event_type"] == "Comment")
    assert comment["comment_present"] is True
    assert "body" not in comment


def test_ticket_metric_events_time_based_and_cursor(api, company):
    path = "/api/v2/incremental/ticket_metric_events.json"
    expected = visible(company, "ticket_metric_events", NOW - EXPORT_LAG)
    timed = api.json(path, start_time=0)
    assert len(expected) < 1000, "one page: the tiny company has fewer events than a page holds"
    assert {e["id"] for e in timed["ticket_metric_events"]} == expected.keys()
    body = api.json(path, start_time=0, **{"page[size]": 7})
    ids = [event["id"] for event in body["ticket_metric_events"]]
    while body["meta"]["has_more"]:
        body = api.json(body["links"]["next"])
        ids += [event["id"] for event in body["ticket_metric_events"]]
    assert sorted(ids) == sorted(expected)


def test_ticket_metric_events_have_no_end_of_stream_and_their_last_page_repeats_itself(api):
    """OpenAPI `TicketMetricEventsResponse`: the events, count, end_time and next_page, no more.

    The end is a short page: following `next_page` from there serves the last second again, then
    an empty page whose `next_page` asks for that same page again, for ever.
    """
    path = "/api/v2/incremental/ticket_metric_events.json"
    first = api.json(path, start_time=0)
    assert set(first) == {"ticket_metric_events", "count", "end_time", "next_page"}
    last_second = api.json(first["next_page"])
    assert 0 < last_second["count"] < first["count"]
    assert {e["time"] for e in last_second["ticket_metric_events"]} == {
        max(e["time"] for e in first["ticket_metric_events"])
    }
    empty = api.json(last_second["next_page"])
    assert empty["count"] == 0
    assert f"start_time={empty['end_time']}" in last_second["next_page"]
    assert f"start_time={empty['end_time']}" in empty["next_page"]
    assert api.json(empty["next_page"]) == empty


@pytest.mark.parametrize(
    ("start_time", "fragment"),
    [
        (None, "start_time is required"),
        ("soon", "integer"),
        (int((NOW - timedelta(seconds=30)).timestamp()), "Too recent start_time"),
        (int((NOW + timedelta(days=1)).timestamp()), "Too recent start_time"),
    ],
)
def test_bad_start_time_is_refused_with_422(api, start_time, fragment):
    params = {} if start_time is None else {"start_time": start_time}
    for path in (EXPORT, "/api/v2/incremental/organizations.json"):
        response = api.get(path, **params)
        assert response.status_code == 422
        body = response.json()
        assert body["error"] == "InvalidValue"
        assert fragment in body["description"]


def test_garbage_cursor_is_an_invalid_pagination_parameter(api):
    response = api.get(EXPORT, cursor="not-a-cursor")
    assert response.status_code == 400
    assert response.json()["error"] == "InvalidPaginationParameter"


# --- list endpoints ---------------------------------------------------------------------------


def test_groups_cursor_pagination_to_the_end(api, company):
    body = api.json("/api/v2/groups.json", **{"page[size]": 2})
    pages = [body]
    while body["meta"]["has_more"]:
        body = api.json(body["links"]["next"])
        pages.append(body)
    ids = [group["id"] for page in pages for group in page["groups"]]
    assert ids == sorted(visible(company, "groups", NOW))
    assert [len(page["groups"]) for page in pages] == [2, 1]
    assert pages[-1]["meta"]["after_cursor"]  # given on the last page too; has_more says stop


def test_deleted_groups_are_listed_unless_excluded(api, company):
    groups = visible(company, "groups", NOW)
    deleted = {key for key, group in groups.items() if group["deleted"]}
    assert deleted
    listed = {group["id"] for group in api.json("/api/v2/groups.json")["groups"]}
    kept = {g["id"] for g in api.json("/api/v2/groups.json", exclude_deleted="true")["groups"]}
    assert listed == groups.keys()
    assert kept == groups.keys() - deleted


def test_groups_offset_pagination(api, company):
    first = api.json("/api/v2/groups.json", per_page=2)
    second = api.json(first["next_page"])
    assert first["count"] == second["count"] == len(visible(company, "groups", NOW))
    assert second["next_page"] is None
    assert second["previous_page"]
    assert len(first["groups"]) + len(second["groups"]) == first["count"]


def test_list_page_size_is_clamped_to_100():
    with serve(tiny_company(tickets=130)) as server:
        api = Api(server)
        cursor_page = api.json("/api/v2/ticket_metrics.json", **{"page[size]": 500})
        offset_page = api.json("/api/v2/ticket_metrics.json", per_page=500)
    assert len(cursor_page["ticket_metrics"]) == 100
    assert cursor_page["meta"]["has_more"] is True
    assert len(offset_page["ticket_metrics"]) == 100


def test_satisfaction_ratings_filter_on_start_time(api, company):
    ratings = visible(company, "satisfaction_ratings", NOW)
    cut = sorted(state["updated_at"] for state in ratings.values())[len(ratings) // 2]
    body = api.json(
        "/api/v2/satisfaction_ratings.json",
        start_time=int(cut.timestamp()),
        **{"page[size]": 100},
    )
    expected = {key for key, state in ratings.items() if state["updated_at"] >= cut}
    assert {rating["id"] for rating in body["satisfaction_ratings"]} == expected


def test_sla_policies_schedules_and_holidays(api, company):
    policies = api.json("/api/v2/slas/policies.json")
    assert {p["id"] for p in policies["sla_policies"]} == visible(
        company, "sla_policies", NOW
    ).keys()
    assert policies["count"] == len(policies["sla_policies"])
    schedules = api.json("/api/v2/business_hours/schedules.json")["schedules"]
    assert {s["id"] for s in schedules} == visible(company, "schedules", NOW).keys()
    holidays = visible(company, "holidays", NOW)
    for schedule in schedules:
        path = f"/api/v2/business_hours/schedules/{schedule['id']}/holidays.json"
        served = api.json(path)["holidays"]
        expected = {k for k, h in holidays.items() if h["schedule_id"] == schedule["id"]}
        assert {h["id"] for h in served} == expected
        assert all(re.match(r"^\d{4}-\d\d-\d\d$", h["start_date"]) for h in served)
        assert all("schedule_id" not in h for h in served)


def test_comments_and_audits_per_ticket(api, company):
    ticket_id = min(visible(company, "tickets", NOW))
    audits = [
        state
        for state in visible(company, "ticket_audits", NOW).values()
        if state["ticket_id"] == ticket_id
    ]
    comments = api.json(f"/api/v2/tickets/{ticket_id}/comments.json")["comments"]
    expected = [e for audit in audits for e in audit["events"] if e["type"] == "Comment"]
    assert [c["id"] for c in comments] == [e["id"] for e in expected]
    assert [c["public"] for c in comments] == [e["public"] for e in expected]
    served_audits = api.json(f"/api/v2/tickets/{ticket_id}/audits.json")["audits"]
    assert [a["id"] for a in served_audits] == [a["id"] for a in audits]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/tickets/999999/comments.json",
        "/api/v2/business_hours/schedules/999/holidays.json",
        "/api/v2/no_such_thing.json",
    ],
)
def test_unknown_records_and_paths_are_record_not_found(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": "RecordNotFound", "description": "Not found"}


def test_rate_limit_headers(api):
    incremental = api.get(EXPORT, start_time=0)
    header = incremental.headers["Zendesk-RateLimit-incremental-exports"]
    assert re.fullmatch(r"total=10; remaining=\d+; resets=\d+", header)
    listed = api.get("/api/v2/groups.json")
    assert int(listed.headers["X-Rate-Limit"]) >= int(listed.headers["X-Rate-Limit-Remaining"])


def test_responses_are_deterministic(company):
    def page(port_free: bool) -> str:
        with serve(company) as server:
            text = Api(server).get(EXPORT, start_time=0, per_page=7, include="metric_sets").text
            return text.replace(server.url, "<server>") if port_free else text

    assert page(True) == page(True)


# --- faults -----------------------------------------------------------------------------------


def test_faults_are_rendered_in_zendesks_shape(company):
    with serve(company, faults=0.95, slow_seconds=0.01, retry_after_seconds=7) as server:
        seen: dict[int, requests.Response] = {}
        drops = 0
        for _ in range(80):
            try:
                response = Api(server).get(EXPORT, start_time=0)
            except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError):
                drops += 1
                continue
            seen.setdefault(response.status_code, response)
    assert drops, "truncated bodies drop the connection"
    assert {429, 500, 502, 503} <= seen.keys()
    limited = seen[429]
    assert limited.headers["Retry-After"] == "7"
    assert "remaining=0" in limited.headers["Zendesk-RateLimit-incremental-exports"]
    assert limited.json()["error"]
    assert seen[503].headers["Retry-After"] == "7"
    assert seen[500].json()["error"] == "InternalError"
    assert seen[502].headers["Content-Type"].startswith("text/html")
