"""Incremental sync of one channel's messages and thread replies, against its saved state.

Slack gives no "changed since" for messages: a new reply, an edit or a deletion leaves the
parent's `ts` alone. So every run re-reads a trailing window of each channel's history,
`oldest = newest ts seen - replies_lookback_days`, and compares it with what the last run saw
in that window (kept in dlt state, per channel):

- new or changed messages (text, `edited`, reactions, reply counts) are yielded, unchanged ones
  are not: a per-message fingerprint in state tells them apart, so a rerun with nothing new
  loads no rows;
- a thread is re-read with `conversations.replies` (every page; the parent, which leads the
  first page, is not yielded twice) when it is new or its `reply_count`/`latest_reply` moved;
- a message seen in the window by the last run and no longer returned was deleted: it is
  merged as a row with `is_deleted = true` (its other columns empty), and a deleted parent that
  still has replies arrives as Slack's `tombstone` subtype, also `is_deleted = true`. Every
  other message has `is_deleted = false`.

Changes to messages older than the window (edits, deletions, replies to old threads) are not
seen, as with any Slack export; widen `replies_lookback_days` to trade requests for coverage.
The state only keeps the window, so it stays small however long the history is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pipelines.common.quarantine import quarantine_malformed
from pipelines.slack.api import Record, SlackApi

MESSAGE_KEY = ("channel", "ts")
BATCH_SIZE = 1000
# Per message in the window: [fingerprint, anchor], the anchor being the ts that places it in
# the window: its own for history messages, its parent's for thread replies.
Seen = dict[str, list[str]]


def fingerprint(record: Record) -> str:
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(canonical.encode(), digest_size=8).hexdigest()


def ts_text(value: Decimal) -> str:
    return f"{value:017.6f}"


def is_thread_reply(message: Record) -> bool:
    thread_ts = message.get("thread_ts")
    return thread_ts is not None and thread_ts != message.get("ts")


@dataclass
class ChannelSync:
    """One run over one channel; `state` is the channel's dict in the resource state."""

    api: SlackApi
    channel: str
    state: dict[str, Any]
    lookback_seconds: Decimal
    start_ts: Decimal
    seen: Seen = field(default_factory=dict)
    threads: dict[str, str] = field(default_factory=dict)
    newest: Decimal | None = None

    def run(self) -> Iterator[Any]:
        """Records in batches (dlt's per-item overhead dwarfs a record), quarantine marks alone."""
        batch: list[Record] = []
        for item in self._items():
            if not isinstance(item, dict):
                yield item
                continue
            batch.append(item)
            if len(batch) == BATCH_SIZE:
                yield batch
                batch = []
        if batch:
            yield batch

    def _items(self) -> Iterator[Any]:
        previous: Seen = self.state.get("seen", {})
        known_threads: dict[str, str] = self.state.get("threads", {})
        replies_seen: dict[str, Seen] = {}
        for ts, entry in previous.items():
            if entry[1] != ts:
                replies_seen.setdefault(entry[1], {})[ts] = entry
        newest = self.state.get("newest")
        self.newest = Decimal(newest) if newest else None
        oldest = self.newest - self.lookback_seconds if self.newest else self.start_ts
        history = self.api.pages(
            "conversations.history", "messages", channel=self.channel, oldest=ts_text(oldest)
        )
        for page in history:
            for message in self._checked(page):
                if not isinstance(message, dict):
                    yield message  # routed to the quarantine table
                    continue
                yield from self._emit(message, anchor=message["ts"], previous=previous)
                if is_thread_reply(message) or not message.get("reply_count"):
                    continue
                signature = f"{message['reply_count']}:{message.get('latest_reply')}"
                self.threads[message["ts"]] = signature
                if known_threads.get(message["ts"]) == signature:
                    # Unchanged thread: keep what the last run saw of it, without a request.
                    for ts, entry in replies_seen.get(message["ts"], {}).items():
                        self.seen.setdefault(ts, entry)
                else:
                    yield from self._replies(message["ts"], previous)
        yield from self._deletions(previous, oldest)
        self._save()

    def _checked(self, page: list[Record]) -> Iterator[Any]:
        """Messages tagged with their channel; malformed ones come back marked for quarantine."""
        tagged = ({**message, "channel": self.channel} for message in page)
        return quarantine_malformed(tagged, "slack", "messages", MESSAGE_KEY)

    def _emit(self, message: Record, anchor: str, previous: Seen) -> Iterator[Record]:
        ts = message["ts"]
        if ts in self.seen:  # a thread_broadcast reply: in history and in its thread
            return
        if not is_thread_reply(message):
            key = Decimal(ts)
            self.newest = key if self.newest is None else max(self.newest, key)
        record = {**message, "is_deleted": message.get("subtype") == "tombstone"}
        mark = fingerprint(record)
        self.seen[ts] = [mark, anchor]
        if previous.get(ts, [None])[0] != mark:
            yield record

    def _replies(self, thread_ts: str, previous: Seen) -> Iterator[Any]:
        pages = self.api.pages(
            "conversations.replies", "messages", channel=self.channel, ts=thread_ts
        )
        for page in pages:
            for message in self._checked(page):
                if not isinstance(message, dict):
                    yield message
                elif message["ts"] != thread_ts:
                    yield from self._emit(message, anchor=thread_ts, previous=previous)

    def _deletions(self, previous: Seen, oldest: Decimal) -> Iterator[Record]:
        """Messages the last run saw in the re-read window that the API no longer returns."""
        for ts, (_, anchor) in previous.items():
            if ts in self.seen or Decimal(anchor) <= oldest:
                continue
            row: Record = {"channel": self.channel, "ts": ts, "is_deleted": True}
            if anchor != ts:
                row["thread_ts"] = anchor
            yield row

    def _save(self) -> None:
        """Keep only the window the next run re-reads."""
        floor = self.newest - self.lookback_seconds if self.newest is not None else None

        def in_window(anchor: str) -> bool:
            return floor is None or Decimal(anchor) > floor

        self.state["newest"] = ts_text(self.newest) if self.newest is not None else None
        self.state["seen"] = {ts: e for ts, e in self.seen.items() if in_window(e[1])}
        self.state["threads"] = {ts: s for ts, s in self.threads.items() if in_window(ts)}
