"""The Slack Web API (the methods the source uses), served from the sandbox company.

Contract, as Slack documents it: `/api/<method>` by GET query string or POST form/JSON body;
`Authorization: Bearer <token>` or a `token` parameter; errors are HTTP 200
`{"ok": false, "error": "<code>"}` (`not_authed`, `invalid_auth`, `channel_not_found`,
`not_in_channel`, `invalid_cursor`, ...), rate limiting is HTTP 429 + `Retry-After` +
`{"ok": false, "error": "ratelimited"}`. Lists page with `limit` + `cursor` and answer
`response_metadata.next_cursor`, the empty string on the last page; history and replies also
answer `has_more`. `oldest`/`latest` are exclusive unless `inclusive` is true.

Cursors are opaque base64 of a position ("user:<id>", "next_ts:<ts>"), never an offset: what
is created, edited or deleted between two pages neither shifts nor repeats what a client reads.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, jsonify, request

from pipelines.sandbox.credentials import SANDBOX_CREDENTIALS
from pipelines.sandbox.vendors.common import guard, stick_cursors
from pipelines.sandbox.vendors.slack_data import Workspace, parse_ts, slack_ts, to_wire

if TYPE_CHECKING:
    from pipelines.sandbox.server import Sandbox

Params = dict[str, str]
Body = dict[str, Any]

# (default, maximum) of `limit` per method; Slack clamps larger values instead of failing.
# A default of 0 on users.list means "as many as allowed", like Slack's own default.
LIMITS: dict[str, tuple[int, int]] = {
    "conversations.list": (100, 999),
    "users.list": (0, 1000),
    "conversations.history": (100, 999),
    "conversations.replies": (1000, 1000),
}
CHANNEL_TYPES = {"public_channel": False, "private_channel": True}
CHANNEL_FLAGS = ("is_group", "is_im", "is_mpim", "is_general", "is_shared", "is_org_shared")
PROFILE_TEXT_FIELDS = ("avatar_hash", "title", "phone", "skype", "status_text", "status_emoji")
BOT_USER_ID = "U0SANDBOXBOT"
BOT_ID = "B0SANDBOXBOT"


class SlackError(Exception):
    """An `ok: false` answer with Slack's error code (HTTP 200, like Slack)."""

    def __init__(self, code: str, **extra: str) -> None:
        super().__init__(code)
        self.code = code
        self.extra = extra


def slack_error(code: str, status: int = 200, **extra: Any) -> Response:
    response = jsonify(ok=False, error=code, **extra)
    response.status_code = status
    return response


def request_params() -> Params:
    """Slack reads arguments from the query string, a form body or a JSON body alike."""
    params: Params = {**request.args.to_dict(), **request.form.to_dict()}
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict):
        params.update({key: str(value) for key, value in body.items()})
    return params


def authenticate() -> Response | None:
    header = request.headers.get("Authorization", "")
    token = (
        header[len("Bearer ") :] if header.startswith("Bearer ") else request_params().get("token")
    )
    if not token:
        return slack_error("not_authed")
    if token != SANDBOX_CREDENTIALS["slack"]["access_token"]:
        return slack_error("invalid_auth")
    return None


def fault_renderer(sandbox: Sandbox) -> Callable[[str], Response]:
    def render(kind: str) -> Response:
        retry_after = str(sandbox.options.retry_after_seconds)
        if kind == "rate_limited":
            response = slack_error("ratelimited", status=429)
            response.headers["Retry-After"] = retry_after
            return response
        if kind == "unavailable":
            response = slack_error("service_unavailable", status=503)
            response.headers["Retry-After"] = retry_after
            return response
        if kind == "bad_gateway":
            # Slack's edge answers a 502 with an HTML page, not the API's JSON.
            return Response(
                "<html><body><h1>502 Bad Gateway</h1></body></html>",
                status=502,
                content_type="text/html",
            )
        return slack_error("internal_error", status=500)

    return render


def encode_cursor(kind: str, value: str) -> str:
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def decode_cursor(cursor: str, kind: str) -> str:
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise SlackError("invalid_cursor") from error
    prefix, separator, value = decoded.partition(":")
    if prefix != kind or not separator:
        raise SlackError("invalid_cursor")
    return value


def page_limit(method: str, params: Params) -> int:
    default, maximum = LIMITS[method]
    try:
        limit = int(params.get("limit") or default)
    except ValueError:
        limit = default
    return maximum if limit <= 0 else min(limit, maximum)


def is_true(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true")


@dataclass
class Call:
    """One API call: its arguments, the workspace and the clock it is answered at."""

    params: Params
    workspace: Workspace
    now: datetime

    def ts_param(self, name: str, error: str) -> Decimal | None:
        raw = self.params.get(name)
        if raw in (None, ""):
            return None
        value = parse_ts(raw)
        if value is None:
            raise SlackError(error)
        return value

    def readable_channel(self) -> Body:
        """The `channel` argument's conversation, if the token may read its messages."""
        channel = self.workspace.channel(self.params.get("channel", ""), self.now)
        if channel is None:
            raise SlackError("channel_not_found")
        if not channel.get("is_member"):
            raise SlackError("not_in_channel")
        return channel


def render_channel(state: Body) -> Body:
    """A conversation object: the generator's fields plus the flags Slack always sends."""
    channel = to_wire(state)
    channel.setdefault("name_normalized", channel.get("name"))
    for flag in CHANNEL_FLAGS:
        channel.setdefault(flag, False)
    return channel


def render_user(state: Body) -> Body:
    """A user object; profile text fields Slack always sends default to empty strings."""
    user = to_wire(state)
    user.setdefault("is_app_user", False)
    profile = dict(user.get("profile") or {})
    profile.setdefault("real_name", user.get("real_name") or "")
    profile.setdefault("display_name", user.get("name") or "")
    profile.setdefault("real_name_normalized", profile["real_name"])
    profile.setdefault("display_name_normalized", profile["display_name"])
    for key in PROFILE_TEXT_FIELDS:
        profile.setdefault(key, "")
    profile.setdefault("fields", None)
    user["profile"] = profile
    return user


def id_page(
    ids: list[str], kind: str, call: Call, method: str, render: Callable[[str], Body | None]
) -> tuple[list[Body], str]:
    """A page of an id-ordered list after the cursor's id, and the next cursor ("" at the end)."""
    limit = page_limit(method, call.params)
    cursor = call.params.get("cursor")
    after = decode_cursor(cursor, kind) if cursor else None
    items: list[Body] = []
    last_id = ""
    for item_id in ids[bisect.bisect_right(ids, after) if after is not None else 0 :]:
        item = render(item_id)
        if item is None:
            continue
        if len(items) == limit:
            return items, encode_cursor(kind, last_id)
        items.append(item)
        last_id = item_id
    return items, ""


def ts_page(messages: Iterable[Body], limit: int) -> tuple[list[Body], str]:
    """The first `limit` messages and, if more follow, a cursor at the last one served."""
    page: list[Body] = []
    for message in messages:
        if len(page) == limit:
            return page, encode_cursor("next_ts", page[-1]["ts"])
        page.append(message)
    return page, ""


def auth_test(call: Call) -> Body:
    workspace = call.workspace
    return {
        "url": f"https://{workspace.domain}.slack.com/",
        "team": workspace.team_name,
        "user": "support-analytics",
        "team_id": workspace.team_id,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


def conversations_list(call: Call) -> Body:
    requested = call.params.get("types") or "public_channel"
    wanted = {CHANNEL_TYPES[kind] for kind in requested.split(",") if kind in CHANNEL_TYPES}
    exclude_archived = is_true(call.params.get("exclude_archived"))

    def render(channel_id: str) -> Body | None:
        state = call.workspace.channel(channel_id, call.now)
        if state is None or bool(state.get("is_private")) not in wanted:
            return None
        if exclude_archived and state.get("is_archived"):
            return None
        return render_channel(state)

    channels, cursor = id_page(
        call.workspace.channel_ids, "channel", call, "conversations.list", render
    )
    return {"channels": channels, "response_metadata": {"next_cursor": cursor}}


def users_list(call: Call) -> Body:
    def render(user_id: str) -> Body | None:
        state = call.workspace.users[user_id].state_at(call.now)
        return render_user(state) if state is not None else None

    members, cursor = id_page(call.workspace.user_ids, "user", call, "users.list", render)
    return {
        "members": members,
        "cache_ts": int(call.now.timestamp()),
        "response_metadata": {"next_cursor": cursor},
    }


def window(call: Call) -> tuple[Decimal | None, Decimal | None]:
    """`oldest`/`latest` as exclusive bounds (Slack includes them only with `inclusive`)."""
    oldest = call.ts_param("oldest", "invalid_ts_oldest")
    latest = call.ts_param("latest", "invalid_ts_latest")
    if is_true(call.params.get("inclusive")):
        step = Decimal("0.000001")
        oldest = oldest - step if oldest is not None else None
        latest = latest + step if latest is not None else None
    return oldest, latest


def conversations_history(call: Call) -> Body:
    channel = call.readable_channel()
    oldest, latest = window(call)
    cursor = call.params.get("cursor")
    below = latest
    if cursor:
        position = parse_ts(decode_cursor(cursor, "next_ts"))
        if position is None:
            raise SlackError("invalid_cursor")
        below = position if below is None else min(below, position)
    messages = call.workspace.history(channel["id"], call.now, below=below, above=oldest)
    page, next_cursor = ts_page(messages, page_limit("conversations.history", call.params))
    return {
        "messages": page,
        "has_more": bool(next_cursor),
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
        "response_metadata": {"next_cursor": next_cursor},
    }


def conversations_replies(call: Call) -> Body:
    channel = call.readable_channel()
    thread = call.ts_param("ts", "thread_not_found")
    if thread is None:
        raise SlackError("thread_not_found")
    ref = call.workspace.messages.get((channel["id"], slack_ts(thread)))
    parent = call.workspace.render(ref, call.now) if ref is not None else None
    if ref is None or parent is None:
        raise SlackError("thread_not_found")
    oldest, latest = window(call)
    cursor = call.params.get("cursor")
    after = parse_ts(decode_cursor(cursor, "next_ts")) if cursor else None
    if cursor and after is None:
        raise SlackError("invalid_cursor")
    replies = (
        []
        if ref.thread_ts is not None
        else call.workspace.visible_replies(ref.channel, ref.ts, call.now)
    )

    def thread_messages() -> Iterable[Body]:
        # The parent leads the first page only; later pages continue after the cursor.
        if after is None:
            yield parent
        for reply in replies:
            if after is not None and reply.key <= after:
                continue
            if (oldest is not None and reply.key <= oldest) or (
                latest is not None and reply.key >= latest
            ):
                continue
            message = call.workspace.render(reply, call.now)
            if message is not None:
                yield message

    page, next_cursor = ts_page(thread_messages(), page_limit("conversations.replies", call.params))
    return {
        "messages": page,
        "has_more": bool(next_cursor),
        "response_metadata": {"next_cursor": next_cursor},
    }


def conversations_info(call: Call) -> Body:
    channel = call.workspace.channel(call.params.get("channel", ""), call.now)
    if channel is None:
        raise SlackError("channel_not_found")
    return {"channel": render_channel(channel)}


def chat_get_permalink(call: Call) -> Body:
    channel = call.workspace.channel(call.params.get("channel", ""), call.now)
    if channel is None:
        raise SlackError("channel_not_found")
    message_ts = parse_ts(call.params.get("message_ts", ""))
    ref = (
        call.workspace.messages.get((channel["id"], slack_ts(message_ts)))
        if message_ts is not None
        else None
    )
    if ref is None or call.workspace.render(ref, call.now) is None:
        raise SlackError("message_not_found")
    archive = f"https://{call.workspace.domain}.slack.com/archives/{ref.channel}"
    link = f"{archive}/p{ref.ts.replace('.', '')}"
    if ref.thread_ts is not None:
        link += f"?thread_ts={ref.thread_ts}&cid={ref.channel}"
    return {"channel": ref.channel, "permalink": link}


METHODS: dict[str, Callable[[Call], Body]] = {
    "auth.test": auth_test,
    "conversations.list": conversations_list,
    "users.list": users_list,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
    "conversations.info": conversations_info,
    "chat.getPermalink": chat_get_permalink,
}


class LazyWorkspace:
    """Builds the indexes on first use (scale 1 has ~100k messages), once, thread-safely."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self._workspace: Workspace | None = None
        self._lock = threading.Lock()

    def get(self) -> Workspace:
        with self._lock:
            if self._workspace is None:
                self._workspace = Workspace.build(self._sandbox.company)
            return self._workspace


def stick_cursor(body: Body) -> bool:
    """`--stuck-cursor slack`: a page asked for with a cursor names that cursor as the next."""
    cursor = request_params().get("cursor")
    if not cursor or not isinstance(body.get("response_metadata"), dict):
        return False
    body["response_metadata"]["next_cursor"] = cursor
    if "has_more" in body:
        body["has_more"] = True
    return True


def create_blueprint(sandbox: Sandbox) -> Blueprint:
    blueprint = Blueprint("slack", __name__, url_prefix="/slack")
    guard(blueprint, sandbox, "slack", authenticate, fault_renderer(sandbox))
    stick_cursors(blueprint, sandbox, "slack", stick_cursor)
    workspace = LazyWorkspace(sandbox)

    @blueprint.route("/api/<method>", methods=["GET", "POST"])
    def api(method: str) -> Response:
        handler = METHODS.get(method)
        if handler is None:
            return slack_error("unknown_method", status=404, req_method=method)
        call = Call(request_params(), workspace.get(), sandbox.now)
        try:
            body = handler(call)
        except SlackError as error:
            return slack_error(error.code, **error.extra)
        return jsonify(ok=True, **body)

    return blueprint
