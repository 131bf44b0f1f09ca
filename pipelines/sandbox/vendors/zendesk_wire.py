"""Zendesk's wire format: how the sandbox renders company payloads as the Support API does.

Timestamps are `2026-01-31T12:34:56Z` (whole seconds), dates `2026-01-31`, ids integers. Objects
carry their API `url`. Audits (the company's record of every ticket change) are rendered three
ways, as Zendesk does: as audits (`/tickets/{id}/audits`), as comments (`/tickets/{id}/comments`),
and as incremental ticket events, where each audit is one event whose `child_events` hold the field
changes (the field is the key, with `previous_value`) and, with `include=comment_events`, the
comments (author, public flag, body).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pipelines.sandbox.company.model import Payload

# Path of each entity's own API resource, for the `url` attribute.
RESOURCE_PATHS = {
    "tickets": "tickets",
    "users": "users",
    "organizations": "organizations",
    "groups": "groups",
    "satisfaction_ratings": "satisfaction_ratings",
    "sla_policies": "slas/policies",
    "ticket_metrics": "ticket_metrics",
}

# The incremental ticket events export names channels as Zendesk's UI does.
VIA_NAMES = {
    "web": "Web form",
    "email": "Mail",
    "api": "Web service",
    "chat": "Chat",
    "voice": "Voice",
    "phone": "Voice",
    "mobile": "Mobile",
    "rule": "Rule",
    "system": "System",
    "help_center": "Help Center",
    "sample_ticket": "Sample ticket",
}


def timestamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(at: datetime) -> int:
    return int(at.timestamp())


def wire(value: Any) -> Any:
    """A payload value as JSON: datetimes and dates as Zendesk writes them, tuples as lists."""
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: wire(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [wire(item) for item in value]
    return value


def render(entity: str, payload: Payload, api_url: str) -> dict[str, Any]:
    """One object as the API shows it, with its `url` when Zendesk gives it one."""
    rendered = wire(payload)
    path = RESOURCE_PATHS.get(entity)
    if path and rendered.get("id") is not None:
        rendered["url"] = f"{api_url}/{path}/{rendered['id']}.json"
    return rendered


def render_export_ticket(payload: Payload, changed_at: datetime, api_url: str) -> dict[str, Any]:
    """A ticket in the incremental export: `generated_timestamp` is its export position."""
    rendered = render("tickets", payload, api_url)
    rendered["generated_timestamp"] = epoch(changed_at)
    return rendered


def render_holiday(payload: Payload) -> dict[str, Any]:
    # The API nests holidays under their schedule's URL and does not repeat the schedule id.
    return {key: wire(value) for key, value in payload.items() if key != "schedule_id"}


def via_name(via: Any) -> str | None:
    channel = via.get("channel") if isinstance(via, dict) else via
    if channel is None:
        return None
    return VIA_NAMES.get(str(channel), str(channel).replace("_", " ").capitalize())


def _comment_fields(event: Payload, audit: Payload) -> dict[str, Any]:
    return {
        "author_id": event.get("author_id", audit.get("author_id")),
        "body": event.get("body"),
        "html_body": event.get("html_body"),
        "plain_body": event.get("plain_body", event.get("body")),
        "public": event.get("public"),
        "attachments": wire(event.get("attachments") or []),
        "audit_id": audit.get("id"),
        "created_at": timestamp(audit["created_at"]),
    }


def render_comment(event: Payload, audit: Payload) -> dict[str, Any]:
    """A Comment event of an audit as `/tickets/{id}/comments` lists it."""
    return {
        "id": event.get("id"),
        "type": "Comment",
        **_comment_fields(event, audit),
        "via": wire(audit.get("via")),
        "metadata": {},
    }


def _child_event(event: Payload, audit: Payload, via: str | None, comments: bool) -> dict[str, Any]:
    child: dict[str, Any] = {"id": event.get("id"), "via": via, "via_reference_id": None}
    kind = event.get("type")
    if kind == "Comment":
        child["comment_present"] = True
        child["comment_public"] = bool(event.get("public"))
        if comments:
            child.update(type="Comment", **_comment_fields(event, audit))
    elif kind in ("Create", "Change"):
        child[str(event.get("field_name"))] = wire(event.get("value"))
        if kind == "Change":
            child["previous_value"] = wire(event.get("previous_value"))
    else:
        skip = {"id", "type"}
        child.update({key: wire(value) for key, value in event.items() if key not in skip})
    child["event_type"] = kind
    return child


def render_ticket_event(audit: Payload, comments: bool) -> dict[str, Any]:
    """One audit as an item of the incremental ticket events export."""
    via = via_name(audit.get("via"))
    created_at: datetime = audit["created_at"]
    return {
        "id": audit.get("id"),
        "ticket_id": audit.get("ticket_id"),
        "timestamp": epoch(created_at),
        "created_at": timestamp(created_at),
        "updater_id": audit.get("author_id"),
        "via": via,
        "system": {},
        "event_type": "Audit",
        "merged_ticket_ids": [],
        "child_events": [
            _child_event(event, audit, via, comments) for event in audit.get("events") or []
        ],
    }
