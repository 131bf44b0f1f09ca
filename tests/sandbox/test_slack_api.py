"""The sandbox's Slack Web API against Slack's contract: auth, paging, windows, threads, errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests

from pipelines.sandbox.company.model import Versioned
from pipelines.sandbox.server import SandboxServer
from tests.sandbox_helpers import NOW
from tests.sandbox_helpers import serve as running_sandbox
from tests.slack_fixtures import TOKEN, expected_messages, thread_of, tiny_company, ts_of

SUPPORT = "C0TINYCHN00"
NOT_MEMBER = "C0TINYCHN02"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def company():
    return tiny_company()


@pytest.fixture(scope="module")
def server(company) -> Iterator[SandboxServer]:
    with running_sandbox(company) as running:
        yield running


def call(server: SandboxServer, method: str, **params: Any) -> requests.Response:
    return requests.get(f"{server.url}/slack/api/{method}", params=params, headers=AUTH, timeout=10)


def api(server: SandboxServer, method: str, **params: Any) -> dict[str, Any]:
    response = call(server, method, **params)
    assert response.status_code == 200, response.text
    return response.json()


def every_page(server: SandboxServer, method: str, **params: Any) -> list[dict[str, Any]]:
    pages, cursor = [], params.pop("cursor", None)
    while True:
        body = api(server, method, **params, **({"cursor": cursor} if cursor else {}))
        assert body["ok"] is True, body
        pages.append(body)
        cursor = body["response_metadata"]["next_cursor"]
        if not cursor:
            return pages
        assert len(pages) < 1000, "pagination does not end"


def items(pages: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [item for page in pages for item in page[key]]


def history_keys(company, channel: str, at=NOW) -> list[str]:
    """ts of what history shows in `channel` at `at`: parents (or tombstones) and broadcasts."""
    expected = expected_messages(company, at)
    keys = []
    for record in company.records("slack", "messages"):
        key = (record.payload["channel"], record.payload["ts"])
        if key[0] != channel or key not in expected:
            continue
        state = record.state_at(at) or {}
        if thread_of(record) is None or state.get("subtype") == "thread_broadcast":
            keys.append(key[1])
    return sorted(keys, key=Decimal, reverse=True)


def test_auth_accepts_bearer_header_and_token_parameter(server):
    assert api(server, "auth.test")["ok"] is True
    form = requests.post(f"{server.url}/slack/api/auth.test", data={"token": TOKEN}, timeout=10)
    assert form.json()["ok"] is True
    assert form.json()["team_id"].startswith("T")


@pytest.mark.parametrize(
    ("headers", "code"),
    [({}, "not_authed"), ({"Authorization": "Bearer xoxb-wrong"}, "invalid_auth")],
)
def test_auth_rejections_use_slacks_shape(server, headers, code):
    response = requests.get(f"{server.url}/slack/api/users.list", headers=headers, timeout=10)
    assert response.status_code == 200  # Slack reports auth errors in the body
    assert response.json() == {"ok": False, "error": code}


def test_rejected_requests_are_not_counted_as_data_requests(server):
    before = server.sandbox.request_counts["slack"]
    requests.get(f"{server.url}/slack/api/users.list", timeout=10)
    assert server.sandbox.request_counts["slack"] == before


def test_lists_page_to_the_end_without_gaps_or_repeats(server, company):
    channels = every_page(
        server, "conversations.list", limit=1, types="public_channel,private_channel"
    )
    channel_ids = [channel["id"] for channel in items(channels, "channels")]
    assert channel_ids == sorted(
        record.payload["id"] for record in company.records("slack", "channels")
    )
    assert len(channels) == len(channel_ids)  # one per page; only the last ends the cursor
    users = every_page(server, "users.list", limit=4)
    assert sorted(user["id"] for user in items(users, "members")) == sorted(
        record.payload["id"] for record in company.records("slack", "users")
    )
    assert users[-1]["response_metadata"]["next_cursor"] == ""


def test_conversations_list_filters_types_and_archived(server, company):
    def listed(**params: Any) -> set[str]:
        return {
            channel["name"]
            for channel in items(every_page(server, "conversations.list", **params), "channels")
        }

    states = [record.payload for record in company.records("slack", "channels")]
    public = {state["name"] for state in states if not state["is_private"]}
    assert listed() == public  # Slack's default is public_channel only
    assert listed(types="private_channel") == {s["name"] for s in states if s["is_private"]}
    assert listed(exclude_archived="true") == {
        s["name"] for s in states if not s["is_private"] and not s["is_archived"]
    }


def test_history_pages_newest_first_to_the_end(server, company):
    pages = every_page(server, "conversations.history", channel=SUPPORT, limit=7)
    served = [message["ts"] for message in items(pages, "messages")]
    assert served == history_keys(company, SUPPORT)
    assert all(page["has_more"] for page in pages[:-1]) and not pages[-1]["has_more"]
    assert all(len(page["messages"]) == 7 for page in pages[:-1])


def test_history_window_is_exclusive_unless_inclusive(server, company):
    keys = history_keys(company, SUPPORT)
    newer, older = keys[3], keys[9]
    exclusive = items(
        every_page(server, "conversations.history", channel=SUPPORT, oldest=older, latest=newer),
        "messages",
    )
    assert [m["ts"] for m in exclusive] == keys[4:9]
    inclusive = items(
        every_page(
            server,
            "conversations.history",
            channel=SUPPORT,
            oldest=older,
            latest=newer,
            inclusive="true",
        ),
        "messages",
    )
    assert [m["ts"] for m in inclusive] == keys[3:10]


def test_thread_parents_carry_fields_derived_from_visible_replies(server, company):
    messages = items(every_page(server, "conversations.history", channel=SUPPORT), "messages")
    parents = [m for m in messages if m.get("reply_count")]
    assert parents
    for parent in parents:
        replies = [
            record.state_at(NOW)
            for record in company.records("slack", "messages")
            if record.payload["channel"] == SUPPORT
            and thread_of(record) == parent["ts"]
            and record.exists_at(NOW)
        ]
        assert parent["thread_ts"] == parent["ts"]
        assert parent["reply_count"] == len(replies)
        assert parent["latest_reply"] == max(reply["ts"] for reply in replies)
        assert set(parent["reply_users"]) == {reply["user"] for reply in replies}
        assert parent["reply_users_count"] == len(parent["reply_users"])


def test_replies_lead_with_the_parent_on_the_first_page_only(server, company):
    messages = items(every_page(server, "conversations.history", channel=SUPPORT), "messages")
    parent = max((m for m in messages if m.get("reply_count")), key=lambda m: m["reply_count"])
    assert parent["reply_count"] > 5
    pages = every_page(server, "conversations.replies", channel=SUPPORT, ts=parent["ts"], limit=5)
    assert len(pages) > 1
    assert pages[0]["messages"][0]["ts"] == parent["ts"]
    served = items(pages, "messages")
    assert [m["ts"] for m in served].count(parent["ts"]) == 1
    replies = served[1:]
    visible = [
        record.payload["ts"]
        for record in company.records("slack", "messages")
        if record.payload["channel"] == SUPPORT
        and thread_of(record) == parent["ts"]
        and record.exists_at(NOW)
    ]
    assert [m["ts"] for m in replies] == sorted(visible, key=Decimal)
    assert len(replies) == parent["reply_count"]
    assert all(
        m["thread_ts"] == parent["ts"] and m["parent_user_id"] == parent["user"] for m in replies
    )


def test_broadcast_replies_show_in_history_and_in_their_thread(server):
    history = items(every_page(server, "conversations.history", channel=SUPPORT), "messages")
    broadcasts = [m for m in history if m.get("subtype") == "thread_broadcast"]
    assert broadcasts
    for broadcast in broadcasts:
        thread = items(
            every_page(server, "conversations.replies", channel=SUPPORT, ts=broadcast["thread_ts"]),
            "messages",
        )
        assert broadcast["ts"] in [m["ts"] for m in thread]


def test_deleted_messages_vanish_and_parents_with_replies_become_tombstones(server, company):
    history = {
        m["ts"]: m
        for m in items(every_page(server, "conversations.history", channel=SUPPORT), "messages")
    }
    gone = [
        r
        for r in company.records("slack", "messages")
        if r.payload["channel"] == SUPPORT and not r.exists_at(NOW) and r.created_at <= NOW
    ]
    assert gone
    tombstones = 0
    for record in gone:
        served = history.get(record.payload["ts"])
        if served is None:
            continue
        tombstones += 1
        assert served["subtype"] == "tombstone" and served["reply_count"] > 0
    assert tombstones and tombstones < len(gone)


def test_edits_carry_edited_user_and_ts(server, company):
    history = items(every_page(server, "conversations.history", channel=SUPPORT), "messages")
    edited = [m for m in history if "edited" in m]
    expected = expected_messages(company, NOW)
    assert edited
    for message in edited:
        assert message["edited"]["ts"] == expected[(SUPPORT, message["ts"])]["edited_ts"]
        assert message["edited"]["user"].startswith("U")


def test_limits_are_clamped_like_slack():
    big = tiny_company(messages_per_channel=1)
    channel = big.records("slack", "channels")[0].payload["id"]
    at = NOW - timedelta(days=1)
    parent = Versioned(
        key=(channel, "p"),
        created_at=at,
        payload={
            "channel": channel,
            "ts": ts_of(at, 1),
            "type": "message",
            "user": "U0TINYUSR01",
            "text": "parent",
        },
    )
    extra = [parent]
    for n in range(1005):
        moment = at + timedelta(seconds=n + 1)
        extra.append(
            Versioned(
                key=(channel, n),
                created_at=moment,
                payload={
                    "channel": channel,
                    "ts": ts_of(moment, 2),
                    "type": "message",
                    "user": "U0TINYUSR01",
                    "text": f"r{n}",
                    "thread_ts": parent.payload["ts"],
                },
            )
        )
        extra.append(
            Versioned(
                key=(channel, -n),
                created_at=moment,
                payload={
                    "channel": channel,
                    "ts": ts_of(moment, 3),
                    "type": "message",
                    "user": "U0TINYUSR01",
                    "text": f"m{n}",
                },
            )
        )
    big.tables["slack"]["messages"].extend(extra)
    with running_sandbox(big) as server:
        history = api(server, "conversations.history", channel=channel, limit=5000)
        assert len(history["messages"]) == 999 and history["has_more"]
        assert len(api(server, "conversations.history", channel=channel)["messages"]) == 100
        replies = api(
            server, "conversations.replies", channel=channel, ts=parent.payload["ts"], limit=5000
        )
        assert len(replies["messages"]) == 1000 and replies["has_more"]
        assert (
            len(api(server, "conversations.history", channel=channel, limit=0)["messages"]) == 999
        )


@pytest.mark.parametrize(
    ("method", "params", "code"),
    [
        ("conversations.history", {"channel": "C0NOSUCHCHN"}, "channel_not_found"),
        ("conversations.history", {}, "channel_not_found"),
        ("conversations.history", {"channel": NOT_MEMBER}, "not_in_channel"),
        ("conversations.history", {"channel": SUPPORT, "cursor": "bm9wZQ=="}, "invalid_cursor"),
        ("conversations.history", {"channel": SUPPORT, "cursor": "%%%"}, "invalid_cursor"),
        ("conversations.history", {"channel": SUPPORT, "oldest": "yesterday"}, "invalid_ts_oldest"),
        ("conversations.history", {"channel": SUPPORT, "latest": "-1"}, "invalid_ts_latest"),
        (
            "conversations.replies",
            {"channel": SUPPORT, "ts": "1000000000.000001"},
            "thread_not_found",
        ),
        ("users.list", {"cursor": "Y2hhbm5lbDpDMQ=="}, "invalid_cursor"),  # a channel cursor
        ("chat.getPermalink", {"channel": SUPPORT, "message_ts": "1.2"}, "message_not_found"),
    ],
)
def test_errors_are_http_200_with_slacks_codes(server, method, params, code):
    response = call(server, method, **params)
    assert response.status_code == 200
    assert response.json() == {"ok": False, "error": code}


def test_unknown_methods_are_404_unknown_method(server):
    response = call(server, "conversations.nonsense")
    assert response.status_code == 404
    assert response.json()["error"] == "unknown_method"


def test_post_form_and_json_bodies_are_read_like_query_strings(server, company):
    url = f"{server.url}/slack/api/conversations.history"
    expected = history_keys(company, SUPPORT)[:3]
    form = requests.post(url, data={"channel": SUPPORT, "limit": 3}, headers=AUTH, timeout=10)
    body = requests.post(url, json={"channel": SUPPORT, "limit": 3}, headers=AUTH, timeout=10)
    assert [m["ts"] for m in form.json()["messages"]] == expected
    assert [m["ts"] for m in body.json()["messages"]] == expected


def test_info_and_permalink(server, company):
    info = api(server, "conversations.info", channel=SUPPORT)
    assert info["channel"]["id"] == SUPPORT and info["channel"]["name"] == "support"
    ts = history_keys(company, SUPPORT)[0]
    link = api(server, "chat.getPermalink", channel=SUPPORT, message_ts=ts)["permalink"]
    assert link == f"https://tiny-co.slack.com/archives/{SUPPORT}/p{ts.replace('.', '')}"


def test_cursors_survive_churn_between_pages(company):
    """Messages created or deleted between two pages neither shift nor repeat the next page."""
    with running_sandbox(company) as server:
        first = api(server, "conversations.history", channel=SUPPORT, limit=10)
        server.sandbox.advance(timedelta(days=2))
        later = history_keys(company, SUPPORT, server.sandbox.now)
        rest = every_page(
            server,
            "conversations.history",
            channel=SUPPORT,
            limit=10,
            cursor=first["response_metadata"]["next_cursor"],
        )
    first_ts = [m["ts"] for m in first["messages"]]
    rest_ts = [m["ts"] for m in items(rest, "messages")]
    assert not set(first_ts) & set(rest_ts)
    # Everything older than the first page, as visible after the advance, is served exactly once.
    assert rest_ts == [ts for ts in later if Decimal(ts) < Decimal(first_ts[-1])]


def test_same_seed_and_clock_give_the_same_bytes(company):
    def fetch() -> list[bytes]:
        with running_sandbox(company) as server:
            return [
                call(server, method, **params).content
                for method, params in [
                    ("conversations.list", {"types": "public_channel,private_channel"}),
                    ("users.list", {"limit": 3}),
                    ("conversations.history", {"channel": SUPPORT, "limit": 50}),
                ]
            ]

    assert fetch() == fetch()


def test_faults_render_in_slacks_shapes(company):
    seen: dict[int, requests.Response] = {}
    with running_sandbox(company, faults=0.9, slow_seconds=0, retry_after_seconds=7) as server:
        for _ in range(300):
            try:
                response = call(server, "users.list")
            except requests.RequestException:
                continue  # a truncated body
            seen.setdefault(response.status_code, response)
            if {429, 500, 502, 503} <= set(seen):
                break
    assert seen[429].json() == {"ok": False, "error": "ratelimited"}
    assert seen[429].headers["Retry-After"] == "7"
    assert seen[503].headers["Retry-After"] == "7"
    assert seen[500].json()["ok"] is False
    assert seen[502].headers["Content-Type"].startswith("text/html")
