"""The sandbox's Slack payloads against Slack's published OpenAPI spec, and through slack_sdk.

The spec (slackapi/slack-api-specs, last changed 2020) is stale in known ways, relaxed here
before validating: `additionalProperties: false` everywhere, one-of alternatives written as
tuple `items` on non-arrays, and no `response_metadata` on history/replies or `edited` on
messages (added back with their documented shapes).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from jsonschema import Draft4Validator
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from pipelines.sandbox.server import SandboxServer
from tests.sandbox_helpers import NOW
from tests.sandbox_helpers import serve as running_sandbox
from tests.slack_fixtures import TOKEN, expected_messages, generated_company, tiny_company
from tests.vendor_specs import SLACK_OPENAPI, missing

METHODS = (
    "auth.test",
    "conversations.list",
    "users.list",
    "conversations.history",
    "conversations.replies",
    "conversations.info",
    "chat.getPermalink",
)


def relax(schema: Any) -> Any:
    if isinstance(schema, list):
        return [relax(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    relaxed = {
        key: relax(value)
        for key, value in schema.items()
        if not (key == "additionalProperties" and value is False)
    }
    if isinstance(relaxed.get("items"), list) and relaxed.get("type") != "array":
        relaxed["anyOf"] = relaxed.pop("items")
    return relaxed


@cache
def validators() -> dict[str, Draft4Validator]:
    spec = json.loads(SLACK_OPENAPI.read_text())
    definitions = relax(spec["definitions"])
    definitions["objs_message"]["properties"]["edited"] = {
        "type": "object",
        "required": ["user", "ts"],
        "properties": {
            "user": {"$ref": "#/definitions/defs_user_id"},
            "ts": {"$ref": "#/definitions/defs_ts"},
        },
    }
    paging = {
        "type": "object",
        "required": ["next_cursor"],
        "properties": {"next_cursor": {"type": "string"}},
    }
    result = {}
    for method in METHODS:
        responses = spec["paths"][f"/{method}"]["get"]["responses"]
        success = relax(responses["200"]["schema"])
        success["properties"].setdefault("response_metadata", paging)
        result[method] = Draft4Validator({**success, "definitions": definitions})
        error = relax(responses["default"]["schema"])
        result[f"{method}:error"] = Draft4Validator({**error, "definitions": definitions})
    return result


def assert_valid(method: str, body: dict[str, Any]) -> None:
    errors = sorted(validators()[method].iter_errors(body), key=lambda error: list(error.path))
    assert not errors, f"{method}: " + "; ".join(
        f"{list(error.path)}: {error.message[:200]}" for error in errors[:5]
    )


pytestmark = pytest.mark.skipif(not SLACK_OPENAPI.exists(), reason=missing(SLACK_OPENAPI))


@pytest.fixture(scope="module")
def company():
    return tiny_company()


@pytest.fixture(scope="module")
def server(company) -> Iterator[SandboxServer]:
    with running_sandbox(company) as running:
        yield running


@pytest.fixture(scope="module")
def client(server) -> WebClient:
    return WebClient(token=TOKEN, base_url=f"{server.url}/slack/api/")


def member_channels(client: WebClient) -> list[dict[str, Any]]:
    channels = []
    for page in client.conversations_list(limit=2, types="public_channel,private_channel"):
        assert_valid("conversations.list", page.data)
        channels.extend(page["channels"])
    return [channel for channel in channels if channel["is_member"]]


def test_slack_sdk_pages_every_method_and_payloads_match_the_spec(client, company):
    """slack_sdk's own cursor iteration reads the whole workspace; every page is valid."""
    auth = client.auth_test()
    assert_valid("auth.test", auth.data)
    users = []
    for page in client.users_list(limit=2):
        assert_valid("users.list", page.data)
        users.extend(page["members"])
    assert sorted(user["id"] for user in users) == sorted(
        record.payload["id"] for record in company.records("slack", "users")
    )
    served: set[tuple[str, str]] = set()
    for channel in member_channels(client):
        assert_valid("conversations.info", client.conversations_info(channel=channel["id"]).data)
        for page in client.conversations_history(channel=channel["id"], limit=7):
            assert_valid("conversations.history", page.data)
            for message in page["messages"]:
                served.add((channel["id"], message["ts"]))
                if not message.get("reply_count"):
                    continue
                for thread_page in client.conversations_replies(
                    channel=channel["id"], ts=message["ts"], limit=3
                ):
                    assert_valid("conversations.replies", thread_page.data)
                    served.update((channel["id"], reply["ts"]) for reply in thread_page["messages"])
        link = client.chat_getPermalink(channel=channel["id"], message_ts=message["ts"])
        assert_valid("chat.getPermalink", link.data)
    assert served == set(expected_messages(company, NOW))


def test_generated_workspace_payloads_match_the_spec():
    """The generator's workspace (seed 1, scale 0.05): every list and history page, and the
    first threads of each channel, are valid against the relaxed spec."""
    company = generated_company()
    with running_sandbox(company) as server:
        client = WebClient(token=TOKEN, base_url=f"{server.url}/slack/api/")
        for page in client.users_list(limit=200):
            assert_valid("users.list", page.data)
        for channel in member_channels(client):
            threads = []
            for page in client.conversations_history(channel=channel["id"], limit=200):
                assert_valid("conversations.history", page.data)
                threads += [m["ts"] for m in page["messages"] if m.get("reply_count")]
            for thread_ts in threads[:5]:
                for page in client.conversations_replies(channel=channel["id"], ts=thread_ts):
                    assert_valid("conversations.replies", page.data)


@pytest.mark.parametrize(
    ("method", "kwargs", "code"),
    [
        ("conversations.history", {"channel": "C0NOSUCHCHN"}, "channel_not_found"),
        ("users.list", {}, "invalid_auth"),
    ],
)
def test_errors_match_the_spec_and_raise_in_slack_sdk(server, method, kwargs, code):
    token = TOKEN if code != "invalid_auth" else "xoxb-wrong"
    client = WebClient(token=token, base_url=f"{server.url}/slack/api/")
    with pytest.raises(SlackApiError) as raised:
        client.api_call(method, http_verb="GET", params=kwargs)
    assert raised.value.response["error"] == code
    assert_valid(f"{method}:error", raised.value.response.data)
