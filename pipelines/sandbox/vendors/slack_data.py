"""The Slack workspace behind the sandbox's Web API: lookup indexes and Slack's wire format.

Indexes are built once per company (records keep their channel, ts and thread_ts for life), so a
request walks only the slice of a channel it answers. What a record looks like is decided per
request from `Versioned.state_at(now)`: edits, deletions and new replies follow the clock.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pipelines.sandbox.company.model import Company, Payload, Versioned

# Slack renders message timestamps as "seconds.micros" strings: they double as message ids.
TS_PATTERN = re.compile(r"\d{10}\.\d{6}")
TOMBSTONE_TEXT = "This message was deleted."


def slack_ts(value: Any) -> str:
    """A message timestamp in Slack's "1727740800.000100" form (from datetime, float or str)."""
    if isinstance(value, datetime):
        seconds = int(value.timestamp())
        return f"{seconds:010d}.{value.microsecond:06d}"
    if isinstance(value, str) and TS_PATTERN.fullmatch(value):
        return value  # already canonical: the common case, kept cheap for 100k messages
    return f"{Decimal(str(value)):017.6f}"


def parse_ts(value: str) -> Decimal | None:
    """A request's `oldest`/`latest`/`ts` parameter as a number, or None when it is not one."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


def to_wire(value: Any) -> Any:
    """Plain JSON for a payload value: datetimes become Unix seconds, as Slack sends them."""
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, dict):
        return {key: to_wire(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_wire(item) for item in value]
    return value


@dataclass(slots=True)
class MessageRef:
    """Where a message sits for good: its channel, ts and thread (None for top-level)."""

    channel: str
    ts: str
    key: Decimal
    thread_ts: str | None
    record: Versioned


@dataclass
class Workspace:
    """Per-company indexes: channels and users by id, messages by channel and by thread."""

    company: Company
    channel_ids: list[str] = field(default_factory=list)
    channels: dict[str, Versioned] = field(default_factory=dict)
    user_ids: list[str] = field(default_factory=list)
    users: dict[str, Versioned] = field(default_factory=dict)
    # Every message of a channel in ts order, with its keys for bisecting.
    timelines: dict[str, list[MessageRef]] = field(default_factory=dict)
    timeline_keys: dict[str, list[Decimal]] = field(default_factory=dict)
    # Replies of a thread in ts order, keyed by (channel, thread_ts).
    threads: dict[tuple[str, str], list[MessageRef]] = field(default_factory=dict)
    messages: dict[tuple[str, str], MessageRef] = field(default_factory=dict)

    @classmethod
    def build(cls, company: Company) -> Workspace:
        workspace = cls(company)
        tables = company.tables.get("slack", {})
        for record in tables.get("channels", []):
            workspace.channels[str(record.payload["id"])] = record
        workspace.channel_ids = sorted(workspace.channels)
        for record in tables.get("users", []):
            # A record without an id still gets served (as the vendor would serve garbage):
            # the client's malformed-record rule is what it exercises.
            workspace.users[str(record.payload.get("id") or "")] = record
        workspace.user_ids = sorted(workspace.users)
        for record in tables.get("messages", []):
            ts = slack_ts(record.payload["ts"])
            thread = record.payload.get("thread_ts")
            thread_ts = slack_ts(thread) if thread is not None else None
            ref = MessageRef(
                channel=record.payload["channel"],
                ts=ts,
                key=Decimal(ts),
                thread_ts=None if thread_ts in (None, ts) else thread_ts,
                record=record,
            )
            workspace.messages[(ref.channel, ts)] = ref
            workspace.timelines.setdefault(ref.channel, []).append(ref)
            if ref.thread_ts is not None:
                workspace.threads.setdefault((ref.channel, ref.thread_ts), []).append(ref)
        for refs in (*workspace.timelines.values(), *workspace.threads.values()):
            refs.sort(key=lambda ref: ref.key)
        workspace.timeline_keys = {
            channel: [ref.key for ref in refs] for channel, refs in workspace.timelines.items()
        }
        return workspace

    @property
    def team_id(self) -> str:
        for record in self.users.values():
            if record.payload.get("team_id"):
                return str(record.payload["team_id"])
        return "T0SANDBOX0"

    @property
    def domain(self) -> str:
        """The workspace's subdomain, as in https://<domain>.slack.com."""
        return str(self.company.facts.get("slack_workspace", "sandbox"))

    @property
    def team_name(self) -> str:
        return str(self.company.facts.get("company", {}).get("name", self.domain))

    def channel(self, channel_id: str, now: datetime) -> Payload | None:
        record = self.channels.get(channel_id)
        return record.state_at(now) if record else None

    def visible_replies(self, channel: str, thread_ts: str, now: datetime) -> list[MessageRef]:
        return [
            ref for ref in self.threads.get((channel, thread_ts), ()) if ref.record.exists_at(now)
        ]

    def render(self, ref: MessageRef, now: datetime) -> Payload | None:
        """A message as Slack shows it at `now`: thread fields derived, tombstone if deleted."""
        state = ref.record.state_at(now)
        if ref.thread_ts is not None:
            if state is None:
                return None
            message = render_message(state, ref)
            parent = self.messages.get((ref.channel, ref.thread_ts))
            parent_user = parent.record.payload.get("user") if parent else None
            if parent_user:
                message["parent_user_id"] = parent_user
            return message
        replies = self.visible_replies(ref.channel, ref.ts, now)
        if state is None:
            # Slack keeps a deleted parent that still has replies, as a tombstone.
            if not replies:
                return None
            message = {
                "type": "message",
                "subtype": "tombstone",
                "text": TOMBSTONE_TEXT,
                "user": "USLACKBOT",
                "hidden": True,
                "ts": ref.ts,
            }
        else:
            message = render_message(state, ref)
        if replies:
            repliers = (reply.record.state_at(now) or {} for reply in replies)
            users = list(dict.fromkeys(user for r in repliers if (user := r.get("user"))))
            message.update(
                thread_ts=ref.ts,
                reply_count=len(replies),
                reply_users_count=len(users),
                latest_reply=replies[-1].ts,
                reply_users=users,
                is_locked=False,
                subscribed=False,
            )
        return message

    def history(
        self, channel: str, now: datetime, below: Decimal | None, above: Decimal | None
    ) -> Iterator[Payload]:
        """Channel messages newest first with ts in (above, below): parents and broadcasts."""
        keys = self.timeline_keys.get(channel, [])
        refs = self.timelines.get(channel, [])
        start = len(keys) if below is None else bisect.bisect_left(keys, below)
        for index in range(start - 1, -1, -1):
            ref = refs[index]
            if above is not None and ref.key <= above:
                return
            if ref.thread_ts is not None:
                state = ref.record.state_at(now)
                if state is None or state.get("subtype") != "thread_broadcast":
                    continue
            message = self.render(ref, now)
            if message is not None:
                yield message


def render_message(state: Payload, ref: MessageRef) -> Payload:
    """Slack's message object: no channel key, absent fields omitted, timestamps as ts strings."""
    message: Payload = {"type": state.get("type") or "message"}
    for key, value in state.items():
        if key in ("channel", "type") or value is None or value in ([], {}):
            continue
        message[key] = to_wire(value)
    message["ts"] = ref.ts
    if ref.thread_ts is not None:
        message["thread_ts"] = ref.thread_ts
    else:
        message.pop("thread_ts", None)
    edited = state.get("edited")
    if isinstance(edited, dict) and edited.get("ts") is not None:
        message["edited"] = {**to_wire(edited), "ts": slack_ts(edited["ts"])}
    return message
