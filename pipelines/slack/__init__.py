"""dlt source for the Slack Web API: `channels`, `users` and `messages` into `raw_slack`.

- `channels` (conversations.list, the configured `channel_types`, archived included) and
  `users` (users.list, emails in `profile`) are read in full every run (Slack offers no
  "changed since") and merged on `id`; `users` only loads rows whose `updated` moved. Slack never
  deletes either: archived channels keep `is_archived`, deactivated users keep `deleted = true`.
- `messages` is one table of top-level messages and thread replies, merged on (`channel`, `ts`).
  Each channel has its own cursor in dlt state and re-reads a trailing window of
  `replies_lookback_days` to catch new replies, edits and deletions: the rules, including how
  deletions are marked (`is_deleted`), are in `pipelines.slack.messages`. Channels the token is
  not a member of are skipped with a log line (Slack's `not_in_channel`).

Records without their primary key go to the `quarantine` table (`pipelines.common.quarantine`).
Config lives under `[sources.slack]`: `base_url`, `page_size`, `start_date`,
`replies_lookback_days`, `channel_types`; the secret is `access_token` (bot `xoxb-` or user
`xoxp-` token with channels:read, groups:read, channels:history, groups:history, users:read and
users:read.email).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import dlt
from dlt.sources import DltResource

from pipelines.common.quarantine import quarantine_malformed
from pipelines.slack.api import ChannelUnreadable, Record, SlackApi
from pipelines.slack.messages import ChannelSync

log = logging.getLogger("pipelines.slack")

# Lists of objects stay JSON columns instead of child tables: nothing downstream unnests them.
JSON_COLUMNS = {
    name: {"data_type": "json"}
    for name in ("reactions", "reply_users", "blocks", "attachments", "files", "pinned_to")
}


def _start_ts(start_date: str) -> Decimal:
    moment = datetime.fromisoformat(start_date.replace("Z", "+00:00"))
    return Decimal(int(moment.timestamp()))


@dlt.source(name="slack")
def slack_source(
    access_token: str = dlt.secrets.value,
    base_url: str = "https://slack.com/api",
    page_size: int = 200,
    start_date: str = "2020-01-01T00:00:00Z",
    replies_lookback_days: float = 14,
    channel_types: str = "public_channel,private_channel",
) -> list[DltResource]:
    api = SlackApi(base_url, access_token, page_size)

    @dlt.resource(name="channels", primary_key="id", write_disposition="merge", file_format="jsonl")
    def channels() -> Iterator[Any]:
        yield from _checked_pages(
            api.pages(
                "conversations.list", "channels", types=channel_types, exclude_archived="false"
            ),
            "channels",
        )

    @dlt.resource(
        name="users",
        primary_key="id",
        write_disposition="merge",
        columns={"profile__fields": {"data_type": "json"}},
        file_format="jsonl",
    )
    def users(
        updated: dlt.sources.incremental[int] = dlt.sources.incremental(  # noqa: B008
            "updated", on_cursor_value_missing="include"
        ),
    ) -> Iterator[Any]:
        yield from _checked_pages(api.pages("users.list", "members"), "users")

    @dlt.transformer(
        name="messages",
        data_from=channels,
        primary_key=("channel", "ts"),
        write_disposition="merge",
        columns=JSON_COLUMNS,
        file_format="jsonl",
    )
    def messages(channel_page: Any) -> Iterator[Any]:
        if not isinstance(channel_page, list):
            return  # a quarantine row the channels resource routed away
        state = dlt.current.resource_state().setdefault("channels", {})
        for channel in channel_page:
            yield from _channel_messages(api, channel, state, replies_lookback_days, start_date)

    return [channels, users, messages]


def _checked_pages(pages: Iterator[list[Record]], entity: str) -> Iterator[Any]:
    """Each page's well-formed records as one batch; malformed ones marked for quarantine."""
    for page in pages:
        good = []
        for item in quarantine_malformed(page, "slack", entity, ("id",)):
            if isinstance(item, dict):
                good.append(item)
            else:
                yield item
        yield good


def _channel_messages(
    api: SlackApi,
    channel: Record,
    state: dict[str, Any],
    lookback_days: float,
    start_date: str,
) -> Iterator[Any]:
    name = f"#{channel.get('name')} ({channel['id']})"
    if channel.get("is_member") is False:
        log.warning("skipping Slack channel %s: the token is not a member (not_in_channel)", name)
        return
    sync = ChannelSync(
        api=api,
        channel=channel["id"],
        state=state.setdefault(channel["id"], {}),
        lookback_seconds=Decimal(str(lookback_days * 86400)),
        start_ts=_start_ts(start_date),
    )
    try:
        yield from sync.run()
    except ChannelUnreadable as error:
        log.warning("skipping Slack channel %s: %s", name, error.code)
