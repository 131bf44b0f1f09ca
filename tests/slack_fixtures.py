"""Shared by the Slack tests: a tiny hand-built workspace, and what Slack should show of it.

The expectations here are computed from the `Versioned` records directly (not through the
sandbox's indexes), so the API and the pipeline are both checked against an independent view.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from pipelines.sandbox.company import build_company
from pipelines.sandbox.company.model import Company, Versioned
from tests.sandbox_helpers import NOW, START, single_vendor_company

TEAM_ID = "T0TINYTEAM1"
TOKEN = "xoxb-sandbox-token"


def ts_of(at: datetime, micros: int) -> str:
    return f"{int(at.timestamp())}.{micros:06d}"


def _user(n: int, **extra: Any) -> Versioned:
    created = START - timedelta(days=30 - n)
    user_id = f"U0TINYUSR{n:02d}"
    payload = {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": f"person{n}",
        "real_name": f"Person {n}",
        "deleted": False,
        "is_bot": False,
        "is_admin": n == 0,
        "tz": "Europe/Berlin",
        "tz_offset": 7200,
        "profile": {
            "email": f"person{n}@example.com",
            "display_name": f"p{n}",
            "real_name": f"Person {n}",
        },
        "updated": created,
        **extra,
    }
    return Versioned(key=user_id, created_at=created, payload=payload)


def _channel(n: int, name: str, *, private: bool, member: bool, archived: bool) -> Versioned:
    created = START + timedelta(days=n)
    channel_id = f"C0TINYCHN{n:02d}"
    topic = {"value": f"about {name}", "creator": "U0TINYUSR00", "last_set": created}
    payload = {
        "id": channel_id,
        "name": name,
        "is_channel": True,
        "is_private": private,
        "is_archived": archived,
        "is_member": member,
        "created": created,
        "creator": "U0TINYUSR00",
        "topic": topic,
        "purpose": {**topic, "value": f"{name} things"},
        "num_members": 5,
    }
    return Versioned(key=channel_id, created_at=created, payload=payload)


@dataclass
class _Builder:
    channel: str
    rng: random.Random
    messages: list[Versioned]
    micros: int = 0

    def post(
        self, at: datetime, user: str | None, thread_ts: str | None = None, **extra: Any
    ) -> Versioned:
        self.micros += 1
        ts = ts_of(at, self.micros)
        payload = {
            "channel": self.channel,
            "ts": ts,
            "type": "message",
            "user": user,
            "bot_id": None,
            "subtype": None,
            "text": f"message {ts} in {self.channel}",
            "thread_ts": thread_ts,
            "edited": None,
            "reactions": [],
            "client_msg_id": f"{self.channel}-{self.micros}",
            **extra,
        }
        record = Versioned(key=(self.channel, ts), created_at=at, payload=payload)
        self.messages.append(record)
        return record


def _edit(record: Versioned, at: datetime) -> None:
    user = record.payload["user"] or "U0TINYUSR00"
    record.add_change(
        at,
        {"text": f"edited at {at.isoformat()}", "edited": {"user": user, "ts": ts_of(at, 0)}},
    )


def _channel_messages(channel: str, seed: int, count: int) -> list[Versioned]:
    """History spread over the year, busier near `now`, with threads, edits and deletions on
    both sides of `now` (so advancing the clock changes recent messages and threads)."""
    rng = random.Random(seed)
    builder = _Builder(channel, rng, [])
    users = [f"U0TINYUSR{n:02d}" for n in range(5)]
    for n in range(10):  # old history, outside any lookback window
        builder.post(START + timedelta(days=30 * n, minutes=n), rng.choice(users))
    for i in range(count):
        at = NOW - timedelta(hours=12 * (count - i)) + timedelta(minutes=rng.randrange(60))
        parent = builder.post(
            at,
            rng.choice(users),
            reactions=[{"name": "eyes", "count": 1, "users": [users[i % 5]]}] if i % 4 else [],
        )
        if i % 5 == 0:
            replies = 12 if i % 15 == 0 else 1 + i % 4
            for k in range(replies):
                extra = {"subtype": "thread_broadcast"} if k == 0 and i % 10 == 0 else {}
                reply = builder.post(
                    at + timedelta(hours=2 * k + 1),
                    rng.choice(users),
                    thread_ts=parent.payload["ts"],
                    **extra,
                )
                if k == 1 and i % 3 == 0:
                    _edit(reply, reply.created_at + timedelta(hours=5))
                if k == 2 and i % 2 == 0:
                    reply.removed_at = reply.created_at + timedelta(days=1)
        elif i % 6 == 1:
            _edit(parent, at + timedelta(hours=20))
        elif i % 11 == 3:
            parent.removed_at = at + timedelta(days=2)
        if i % 25 == 5:
            parent.removed_at = at + timedelta(days=3)  # a parent with replies: a tombstone
    for j in range(8):  # after `now`: they appear as the clock advances
        builder.post(NOW + timedelta(hours=11 * j + 1), rng.choice(users))
    bot = builder.post(NOW - timedelta(hours=5), None, bot_id="B0TINYBOT01")
    bot.payload["subtype"] = "bot_message"
    return builder.messages


def tiny_company(messages_per_channel: int = 40, seed: int = 3) -> Company:
    users = [_user(n) for n in range(6)]
    users[5].payload.update(is_bot=True, name="helper-bot")
    users[4].add_change(NOW - timedelta(days=40), {"deleted": True, "updated": NOW - timedelta(40)})
    users[3].add_change(NOW + timedelta(days=2), {"real_name": "P3", "updated": NOW + timedelta(2)})
    channels = [
        _channel(0, "support", private=False, member=True, archived=False),
        _channel(1, "eng-private", private=True, member=True, archived=False),
        _channel(2, "random", private=False, member=False, archived=False),
        _channel(3, "old-launch", private=False, member=True, archived=True),
    ]
    messages: list[Versioned] = []
    for n, channel in enumerate(channels):
        count = messages_per_channel if n != 3 else 8
        messages.extend(_channel_messages(channel.payload["id"], seed * 10 + n, count))
    return single_vendor_company(
        "slack",
        {"users": users, "channels": channels, "messages": messages},
        seed=seed,
        facts={"slack_workspace": "tiny-co"},
    )


def thread_of(record: Versioned) -> str | None:
    thread = record.payload.get("thread_ts")
    return None if thread in (None, record.payload["ts"]) else thread


def expected_messages(company: Company, at: datetime) -> dict[tuple[str, str], dict[str, Any]]:
    """(channel, ts) -> what Slack shows at `at` in member channels: text, edited ts, tombstone.

    A deleted parent stays (as a tombstone) while any of its replies is visible.
    """
    members = {
        state["id"] for state in company.visible("slack", "channels", at) if state["is_member"]
    }
    records = [r for r in company.records("slack", "messages") if r.payload["channel"] in members]
    live_threads = {
        (r.payload["channel"], thread_of(r))
        for r in records
        if thread_of(r) is not None and r.exists_at(at)
    }
    expected = {}
    for record in records:
        key = (record.payload["channel"], record.payload["ts"])
        state = record.state_at(at)
        if state is not None:
            edited = state.get("edited") or {}
            expected[key] = {"text": state["text"], "edited_ts": edited.get("ts"), "gone": False}
        elif thread_of(record) is None and key in live_threads:
            expected[key] = {"text": None, "edited_ts": None, "gone": True}
    return expected


def minimum_requests(company: Company, at: datetime, page_size: int) -> int:
    """The fewest Slack requests a full load can make at `at` with this page size."""

    def pages(items: int) -> int:
        return max(1, -(-items // page_size))

    channels = list(company.visible("slack", "channels", at))
    users = len(company.records("slack", "users"))
    expected = expected_messages(company, at)
    total = pages(len(channels)) + pages(users)
    for channel in channels:
        if not channel["is_member"]:
            continue
        top_level = replies = 0
        threads: dict[str, int] = {}
        for record in company.records("slack", "messages"):
            key = (record.payload["channel"], record.payload["ts"])
            if record.payload["channel"] != channel["id"] or key not in expected:
                continue
            thread = thread_of(record)
            if thread is None:
                top_level += 1
            else:
                threads[thread] = threads.get(thread, 0) + 1
                state = record.state_at(at) or {}
                replies += state.get("subtype") == "thread_broadcast"
        total += pages(top_level + replies)
        total += sum(pages(count + 1) for count in threads.values())
    return total


@cache
def generated_company() -> Company:
    """The generator's workspace the Slack tests share (they only move sandbox clocks)."""
    return build_company(seed=1, scale=0.05)
