"""Slack: workspace users (employees and a few bots), ~40 channels, ~100,000 messages.

Two passes: `plan_requests` decides the support requests posted in the intake channels (who,
when, which get answered in thread, which become Linear issues: a share rising from ~30% to
over 70% over the year as the team moves requests out of Slack); Linear then creates the issues;
`build_slack` renders every message, including the thread reply that links each issue.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from pipelines.sandbox.company import ids
from pipelines.sandbox.company.clock import HORIZON, NOW, START, ArrivalProcess, whole_seconds
from pipelines.sandbox.company.model import Payload, Versioned
from pipelines.sandbox.company.names import (
    CHAT_LINES,
    REACTIONS,
    SLACK_ANSWERS,
    SLACK_REQUESTS,
    fill,
)
from pipelines.sandbox.company.people import COMPANY_NAME, Employee, People
from pipelines.sandbox.company.records import build

WORKSPACE = "lumenor"
TEAM_ID = "T0LUMENOR1"
REQUESTS_AT_SCALE_1 = 1_300
CHATTER_AT_SCALE_1 = 55_000
CHANNELS_AT_SCALE_1 = 40
INTAKE_CHANNELS = ("support-requests", "help-engineering", "ask-platform")
_BASE_CHANNELS = (
    "general",
    "random",
    "announcements",
    "engineering",
    "support-team",
    "team-platform",
    "team-product",
    "sales",
    "cs-team",
    "incidents",
    "deploys",
    "alerts",
    "product-feedback",
    "design",
    "marketing",
    "hiring",
    "social",
    "releases",
    "data",
    "security",
)
_PRIVATE = {"hiring", "security"}
_BOT_CHANNELS = {"deploys": "Deploy Bot", "alerts": "PagerDuty", "incidents": "PagerDuty"}
BOTS = ("Linear", "Deploy Bot", "PagerDuty", "Zendesk")


def tracked_share(at: datetime) -> float:
    """Probability that a request posted at `at` ends up in Linear: 0.30 at START, 0.80 at NOW."""
    return min(0.85, 0.3 + 0.5 * (at - START) / (NOW - START))


@dataclass
class Channel:
    id: str
    name: str
    created: datetime
    creator: Employee
    is_private: bool
    is_member: bool
    members: list[Employee]
    archived_at: datetime | None = None
    used_ts: set[str] = field(default_factory=set)


@dataclass
class SlackRequest:
    channel: Channel
    ts: str
    at: datetime
    requester: Employee
    text: str
    responses: list[tuple[datetime, Employee, str]]
    tracked_at: datetime | None
    via_asks: bool
    issue_url: str | None = None
    issue_identifier: str | None = None
    # What was posted, as rendered: the request's own removal time and its thread replies
    # (time, user id, is_bot, removed_at); the ground truth reads these.
    removed_at: datetime | None = None
    thread: list[tuple[datetime, str, bool, datetime | None]] = field(default_factory=list)


@dataclass
class SlackPlan:
    users: dict[str, str]  # bot name -> user id
    bot_ids: dict[str, str]  # bot name -> bot id
    channels: list[Channel]
    requests: list[SlackRequest]
    rng: random.Random


def _unique_ts(channel: Channel, at: datetime, rng: random.Random) -> tuple[str, datetime]:
    """A `ts` not yet used in the channel, within the second of `at`, and its instant."""
    while True:
        micros = rng.randrange(1_000_000)
        ts = ids.slack_ts(at, micros)
        if ts not in channel.used_ts:
            channel.used_ts.add(ts)
            return ts, at.replace(microsecond=micros)


def ts_time(ts: str) -> datetime:
    seconds, micros = ts.split(".")
    return datetime.fromtimestamp(int(seconds), UTC).replace(microsecond=int(micros))


def plan_requests(seed: int, scale: float, people: People, arrivals: ArrivalProcess) -> SlackPlan:
    rng = random.Random(f"{seed}:slack")
    bots = {name: ids.slack_id(rng, "U") for name in BOTS}
    bot_ids = {name: ids.slack_id(rng, "B") for name in BOTS}
    channels = _channels(rng, scale, people)
    intake = [c for c in channels if c.name in INTAKE_CHANNELS]
    askers = people.in_department("support", "sales", "success", "operations", "product")
    answerers = people.in_department("support_engineering", "engineering")
    requests = []
    for at in arrivals.draw(rng, REQUESTS_AT_SCALE_1 * scale):
        channel = rng.choices(intake, (0.5, 0.3, 0.2)[: len(intake)])[0]
        requester = rng.choice(people.active(askers, at))
        # The request's instant is its message's, to the microsecond.
        ts, at = _unique_ts(channel, at, rng)
        responses = []
        reply_at = at
        if rng.random() < 0.85:
            for n in range(rng.choice((1, 1, 2, 2, 3, 4))):
                reply_at += timedelta(
                    minutes=max(1.0, rng.lognormvariate(3.0 if n == 0 else 3.5, 1.1))
                )
                author = requester if n % 2 else rng.choice(people.active(answerers, reply_at))
                text = rng.choice(SLACK_ANSWERS) if author is not requester else "Thanks!"
                responses.append((reply_at, author, text))
        tracked_at = None
        if rng.random() < tracked_share(at):
            delay = timedelta(minutes=max(2.0, rng.lognormvariate(3.5, 1.2)))
            tracked_at = whole_seconds(at + delay)  # Linear's createdAt: whole seconds
        requests.append(
            SlackRequest(
                channel=channel,
                ts=ts,
                at=at,
                requester=requester,
                text=fill(rng.choice(SLACK_REQUESTS), rng),
                responses=responses,
                tracked_at=tracked_at,
                via_asks=rng.random() < 0.6,
            )
        )
    return SlackPlan(bots, bot_ids, channels, requests, rng)


def _channels(rng: random.Random, scale: float, people: People) -> list[Channel]:
    count = max(len(_BASE_CHANNELS) // 2 + len(INTAKE_CHANNELS), round(CHANNELS_AT_SCALE_1 * scale))
    names = list(INTAKE_CHANNELS) + list(_BASE_CHANNELS)
    n = 1
    while len(names) < count:
        names.append(f"proj-{fill('{area}', rng).lower()}-{n}")
        n += 1
    names = names[:count]
    everyone = people.employees
    channels = []
    for position, name in enumerate(names):
        created = START - timedelta(days=rng.uniform(100, 1500))
        if position >= 10 and rng.random() < 0.15:
            created = START + timedelta(days=rng.uniform(0, 360))
        creator = rng.choice(people.active(everyone, created))
        wide = name in ("general", "random", "announcements") or name in INTAKE_CHANNELS
        members = (
            # Team channels keep a team's size however big the company grows.
            everyone if wide else rng.sample(everyone, min(len(everyone), rng.randint(6, 40)))
        )
        channel = Channel(
            id=ids.slack_id(rng, "C"),
            name=name,
            created=created.replace(microsecond=0),
            creator=creator,
            is_private=name in _PRIVATE,
            is_member=name not in ("hiring", "social"),
            members=members,
        )
        if name.startswith("proj-") and rng.random() < 0.3:
            channel.archived_at = (created + timedelta(days=rng.uniform(60, 400))).replace(
                microsecond=0
            )
            if channel.archived_at <= START or channel.archived_at > HORIZON:
                channel.archived_at = None
        channels.append(channel)
    return channels


class _Messages:
    """Collects message records; a message is keyed by (channel id, ts)."""

    def __init__(self, plan: SlackPlan) -> None:
        self.plan = plan
        self.rng = plan.rng
        self.records: list[Versioned] = []

    def post(
        self,
        channel: Channel,
        at: datetime,
        user: str | None,
        text: str,
        *,
        ts: str | None = None,
        thread_ts: str | None = None,
        subtype: str | None = None,
        bot: str | None = None,
        human: bool = True,
        keep: bool = False,
    ) -> Versioned | None:
        """Post one message; None when it would come after the simulation ends.

        People's messages get reactions, edits and deletions at random, except `keep` ones
        (the replies that link a Linear issue, which the ground truth relies on)."""
        rng = self.rng
        if at > HORIZON:
            return None
        if ts is None:
            ts, created = _unique_ts(channel, at, rng)
        else:
            created = ts_time(ts)
        payload: Payload = {
            "channel": channel.id,
            "ts": ts,
            "type": "message",
            "user": user,
            "bot_id": self.plan.bot_ids[bot] if bot else None,
            "subtype": subtype,
            "text": text,
            "thread_ts": thread_ts,
            "edited": None,
            "reactions": None,
            "client_msg_id": ids.linear_id(rng) if human else None,  # a UUID, as Slack's
        }
        changes: list[tuple[datetime, Payload]] = []
        removed_at = None
        if human and subtype is None and not keep:
            if rng.random() < 0.15:
                who = rng.sample(channel.members, min(len(channel.members), rng.randint(1, 4)))
                payload["reactions"] = [
                    {
                        "name": rng.choice(REACTIONS),
                        "count": len(who),
                        "users": [e.slack_id for e in who],
                    }
                ]
            if rng.random() < 0.05:
                edit_at = created + timedelta(seconds=rng.randint(20, 3600))
                changes.append(
                    (
                        edit_at,
                        {
                            "text": f"{text} (edited)",
                            "edited": {"user": user, "ts": ids.slack_ts(edit_at, 0)},
                        },
                    )
                )
            if rng.random() < 0.01:
                removed_at = created + timedelta(minutes=rng.uniform(1, 600))
        record = build((channel.id, ts), created, payload, changes, removed_at=removed_at)
        self.records.append(record)
        return record


def build_slack(
    plan: SlackPlan, people: People, arrivals: ArrivalProcess, scale: float
) -> dict[str, list[Versioned]]:
    rng = plan.rng
    messages = _Messages(plan)
    for request in plan.requests:
        _render_request(messages, plan, request)
    chatty = [c for c in plan.channels if c.name not in INTAKE_CHANNELS]
    weights = list(
        accumulate(
            5.0 if c.name in ("general", "engineering", "support-team") else 1.0 for c in chatty
        )
    )
    for at in arrivals.draw(rng, CHATTER_AT_SCALE_1 * scale):
        channel = rng.choices(chatty, cum_weights=weights)[0]
        if not (
            channel.created <= at and (channel.archived_at is None or at < channel.archived_at)
        ):
            continue
        bot = _BOT_CHANNELS.get(channel.name)
        if bot and rng.random() < 0.7:
            verb = "Deployed" if bot == "Deploy Bot" else "Triggered"
            text = f"{verb}: {fill('{area}', rng)} #{rng.randint(100, 9999)}"
            messages.post(
                channel, at, plan.users[bot], text, subtype="bot_message", bot=bot, human=False
            )
            continue
        author = rng.choice(people.active(channel.members, at))
        parent = messages.post(channel, at, author.slack_id, fill(rng.choice(CHAT_LINES), rng))
        if parent and rng.random() < 0.25:
            _thread(messages, channel, parent, people, rng.randint(1, 6))
    _joins(messages, plan, people)
    return {
        "users": _user_records(plan, people),
        "channels": [_channel_record(c) for c in plan.channels],
        "messages": sorted(messages.records, key=lambda r: r.created_at),
    }


def _thread(
    messages: _Messages, channel: Channel, parent: Versioned, people: People, replies: int
) -> None:
    """Replies under `parent`; the parent carries `thread_ts` (= its own ts) once it has any."""
    rng = messages.rng
    reply_at = parent.created_at
    thread_ts = parent.payload["ts"]
    for _ in range(replies):
        reply_at += timedelta(minutes=max(1.0, rng.lognormvariate(2.5, 1.3)))
        replier = rng.choice(people.active(channel.members, reply_at))
        text = fill(rng.choice(CHAT_LINES), rng)
        if messages.post(channel, reply_at, replier.slack_id, text, thread_ts=thread_ts):
            parent.payload["thread_ts"] = thread_ts


def _render_request(messages: _Messages, plan: SlackPlan, request: SlackRequest) -> None:
    channel = request.channel
    parent = messages.post(
        channel, request.at, request.requester.slack_id, request.text, ts=request.ts
    )
    if parent is None:
        return
    request.removed_at = parent.removed_at
    thread: list[tuple[datetime, str, str, str | None, bool]] = [
        (at, author.slack_id, text, None, False) for at, author, text in request.responses
    ]
    if request.tracked_at and request.issue_url:
        link = f"<{request.issue_url}|{request.issue_identifier}>"
        if request.via_asks:
            thread.append(
                (request.tracked_at, plan.users["Linear"], f"Created issue {link}", "Linear", True)
            )
        else:
            thread.append(
                (request.tracked_at, request.requester.slack_id, f"Tracking in {link}", None, True)
            )
    for at, user, text, bot, keep in sorted(thread, key=lambda item: item[0]):
        subtype = "bot_message" if bot else None
        posted = messages.post(
            channel,
            at,
            user,
            text,
            thread_ts=request.ts,
            subtype=subtype,
            bot=bot,
            human=not bot,
            keep=keep,
        )
        if posted:
            parent.payload["thread_ts"] = request.ts
            request.thread.append((posted.created_at, user, bool(bot), posted.removed_at))


def _joins(messages: _Messages, plan: SlackPlan, people: People) -> None:
    """`channel_join` messages for people who join during the simulated period."""
    for channel in plan.channels:
        for member in channel.members:
            joined = max(member.hired_at, channel.created) + timedelta(minutes=5)
            if START <= joined <= HORIZON:
                messages.post(
                    channel,
                    joined,
                    member.slack_id,
                    f"<@{member.slack_id}> has joined the channel",
                    subtype="channel_join",
                    human=False,
                )


def _tz_offset(zone: str, at: datetime) -> int:
    offset = at.astimezone(ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds()) if offset else 0


def _user_records(plan: SlackPlan, people: People) -> list[Versioned]:
    records = []
    for e in people.employees:
        payload = {
            "id": e.slack_id,
            "team_id": TEAM_ID,
            "name": e.email.split("@")[0],
            "real_name": e.name,
            "deleted": False,
            "is_bot": False,
            "is_admin": e.is_admin,
            "tz": e.time_zone,
            "tz_offset": _tz_offset(e.time_zone, NOW),
            "profile": {
                "email": e.email,
                "display_name": e.first_name,
                "real_name": e.name,
                "title": e.title,
            },
            "updated": int(e.hired_at.timestamp()),
        }
        changes = (
            [(e.left_at, {"deleted": True, "updated": int(e.left_at.timestamp())})]
            if e.left_at
            else []
        )
        records.append(build(e.slack_id, e.hired_at, payload, changes))
    created = START - timedelta(days=400)
    for name, user_id in plan.users.items():
        payload = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name.lower().replace(" ", "_"),
            "real_name": name,
            "deleted": False,
            "is_bot": True,
            "is_admin": False,
            "tz": None,
            "tz_offset": 0,
            "profile": {"bot_id": plan.bot_ids[name], "real_name": name, "display_name": name},
            "updated": int(created.timestamp()),
        }
        records.append(build(user_id, created, payload))
    return records


def _channel_record(c: Channel) -> Versioned:
    purpose = f"{COMPANY_NAME} #{c.name}"
    payload = {
        "id": c.id,
        "name": c.name,
        "is_channel": not c.is_private,
        "is_private": c.is_private,
        "is_archived": False,
        "is_member": c.is_member,
        "created": int(c.created.timestamp()),
        "creator": c.creator.slack_id,
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {
            "value": purpose,
            "creator": c.creator.slack_id,
            "last_set": int(c.created.timestamp()),
        },
        "num_members": len(c.members),
    }
    changes = [(c.archived_at, {"is_archived": True})] if c.archived_at else []
    return build(c.id, c.created, payload, changes)
