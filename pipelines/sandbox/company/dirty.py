"""Dirty data on purpose, each kind a handful of times, and the list of where it went.

Kinds: unicode and emoji, very long text, null optional fields (already drawn by the vendor
modules, listed here), events at daylight-saving switches, duplicate updates (a new version with
identical content and a new updated-at), and bursts of updates at one instant just after `now`
so a client paging through a list sees records change under it when the clock advances.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from pipelines.sandbox.company.model import Company, Payload, Versioned
from pipelines.sandbox.company.records import linear_stamp, salesforce_stamp, zendesk_stamp

LONG_TEXT_CHARS = 20_000
UNICODE_TEXT = "Ünïcödé ✓ — 日本語のテキスト, emoji 🎉🔥👍🏽, RTL: مرحبا, zero-width:\u200b."
# Instants at or next to the 2025/2026 DST switches in the US and Europe.
DST_INSTANTS = (
    datetime(2025, 10, 26, 1, 30, tzinfo=UTC),  # Europe falls back (01:00 UTC)
    datetime(2025, 11, 2, 5, 30, tzinfo=UTC),  # 01:30 New York, the repeated hour
    datetime(2026, 3, 8, 7, 0, tzinfo=UTC),  # New York springs forward (07:00 UTC)
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # Europe springs forward
)
_UPDATED_AT: dict[str, tuple[str, Any]] = {
    "linear": ("updatedAt", linear_stamp),
    "zendesk": ("updated_at", zendesk_stamp),
    "salesforce": ("SystemModstamp", salesforce_stamp),
}
_TEXT_FIELDS = {
    ("zendesk", "tickets"): "subject",
    ("linear", "issues"): "title",
    ("linear", "comments"): "body",
    ("salesforce", "Account"): "Name",
    ("slack", "messages"): "text",
}
_LONG_FIELDS = {
    ("zendesk", "tickets"): "description",
    ("linear", "issues"): "description",
    ("slack", "messages"): "text",
}


def add_dirty_data(company: Company, seed: int) -> dict[str, Any]:
    rng = random.Random(f"{seed}:dirty")
    cases: dict[str, Any] = {
        "unicode": [],
        "long_text": [],
        "duplicate_updates": [],
        "burst_after_now": [],
    }
    for (vendor, entity), name in _TEXT_FIELDS.items():
        for record in _sample(rng, company.records(vendor, entity), 4):
            record.payload[name] = f"{record.payload[name]} {UNICODE_TEXT}"
            cases["unicode"].append({"vendor": vendor, "entity": entity, "key": record.key})
    for (vendor, entity), name in _LONG_FIELDS.items():
        for record in _sample(rng, company.records(vendor, entity), 2):
            record.payload[name] = _long_text(rng)
            cases["long_text"].append({"vendor": vendor, "entity": entity, "key": record.key})
    for vendor, entities in (
        ("zendesk", ("tickets", "organizations")),
        ("linear", ("issues",)),
        ("salesforce", ("Account", "Opportunity")),
    ):
        _, stamp = _UPDATED_AT[vendor]
        for entity in entities:
            for record in _sample(rng, company.records(vendor, entity), 3):
                at = _touch(record, company.now - timedelta(days=rng.uniform(1, 60)), stamp)
                if at:
                    cases["duplicate_updates"].append(
                        {"vendor": vendor, "entity": entity, "key": record.key, "at": at}
                    )
            # One instant just after now touches many records: a client that pages while the
            # clock moves sees them change under it.
            burst_at = company.now + timedelta(minutes=5)
            records = company.records(vendor, entity)
            for record in _sample(rng, records, max(2, len(records) // 50)):
                if _touch(record, burst_at, stamp):
                    cases["burst_after_now"].append(
                        {"vendor": vendor, "entity": entity, "key": record.key}
                    )
    cases["dst_switch_instants"] = [at.isoformat() for at in DST_INSTANTS]
    cases["dst_tickets"] = company.facts.get("zendesk_dst_tickets", [])
    company.facts["orphans"] = _orphans(company, rng)
    cases["null_optional_fields"] = {
        "salesforce.Account.Website": "about 8% of accounts",
        "zendesk.tickets.priority": "about 5% of tickets",
        "linear.issues.description": "about 15% of directly filed issues",
        "linear.cycles.name": "cycles of the Product team",
    }
    return cases


def _sample(rng: random.Random, records: list[Versioned], count: int) -> list[Versioned]:
    return rng.sample(records, min(count, len(records)))


def _touch(record: Versioned, at: datetime, stamp: Any) -> datetime | None:
    """A duplicate update: the same content again at a new updated-at (kept in time order)."""
    last = record.changes[-1][0] if record.changes else record.created_at
    at = max(at.replace(microsecond=0), last + timedelta(seconds=1))
    if at > record.created_at + timedelta(days=3650):
        return None
    if record.removed_at is not None and at >= record.removed_at:
        return None
    # A soft-deleted record keeps its deletion as its last version: its updated-at then tells
    # the warehouse when it was deleted.
    final = record.changes[-1][1] if record.changes else record.payload
    if final.get("status") == "deleted" or final.get("IsDeleted") or final.get("trashed"):
        return None
    change: Payload = stamp(at)
    record.add_change(at, change)
    return at


def _long_text(rng: random.Random) -> str:
    words = ("lorem", "ipsum", "stack", "trace", "at", "com.lumenor.api", "NullPointerException")
    text = []
    size = 0
    while size < LONG_TEXT_CHARS:
        word = rng.choice(words)
        text.append(word)
        size += len(word) + 1
    return " ".join(text)


def _orphans(company: Company, rng: random.Random) -> list[dict[str, Any]]:
    """References left dangling on purpose, each listed with the records that point at it:
    requesters erased for privacy (user hard-deleted, tickets kept) and a Slack Connect guest
    whom `users.list` does not return."""
    orphans: list[dict[str, Any]] = []
    users = {r.key: r for r in company.records("zendesk", "users")}
    tickets = company.records("zendesk", "tickets")
    for ticket in rng.sample(tickets, min(2, len(tickets))):
        user = users.get(ticket.payload["requester_id"])
        if user is None or user.payload["role"] != "end-user" or user.removed_at:
            continue
        user.removed_at = max(ticket.created_at, company.now - timedelta(days=20))
        pointing = [t.key for t in tickets if t.payload["requester_id"] == user.key]
        orphans.append(
            {
                "vendor": "zendesk",
                "entity": "users",
                "id": user.key,
                "removed_at": user.removed_at,
                "referenced_by_tickets": pointing,
                "why": "requester erased on request: user hard-deleted, tickets kept",
            }
        )
    intake = {c["id"] for c in company.facts["slack_intake_channels"]}
    guest = "U0GUEST0001"
    chatter = [
        m
        for m in company.records("slack", "messages")
        if m.key[0] not in intake
        and m.payload["subtype"] is None
        and not m.changes
        and m.removed_at is None
        and m.payload["thread_ts"] is None
    ]
    picked = rng.sample(chatter, min(3, len(chatter)))
    for message in picked:
        message.payload["user"] = guest
    orphans.append(
        {
            "vendor": "slack",
            "entity": "users",
            "id": guest,
            "referenced_by_messages": [m.key for m in picked],
            "why": "Slack Connect guest, not returned by users.list",
        }
    )
    return orphans
