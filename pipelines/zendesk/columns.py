"""Column hints: types declared up front, and which version of a record a load keeps.

dlt infers types from values and leaves a column out until it sees one; staging models would
then miss e.g. `tickets.due_at` in a small account. Declaring these keeps the raw tables' shape
stable from the first load on.

One load can receive a record twice: time-based pages overlap, and a record that changes while
the load pages through an export is served again further on. The merge keeps the newest version
(`dedup_sort` on the export position or `updated_at`), not an arbitrary one.
"""

from __future__ import annotations

from dlt.common.schema.typing import TColumnSchema, TDataType


def _typed(**types: TDataType) -> dict[str, TColumnSchema]:
    return {
        name: {"name": name, "data_type": data_type, "nullable": True}
        for name, data_type in types.items()
    }


def _newest(column: str, data_type: TDataType) -> dict[str, TColumnSchema]:
    return {column: {"name": column, "data_type": data_type, "dedup_sort": "desc"}}


_NEWEST_UPDATE = _newest("updated_at", "timestamp")

# Rows the source flags when they vanish from a complete list (see helpers.mark_vanished).
_VANISHED = _typed(is_deleted="bool", deleted_at="timestamp")
_MINUTES = ("calendar", "business")

COLUMNS: dict[str, dict[str, TColumnSchema]] = {
    "tickets": _typed(
        external_id="text",
        type="text",
        priority="text",
        assignee_id="bigint",
        group_id="bigint",
        organization_id="bigint",
        due_at="timestamp",
        satisfaction_rating__score="text",
        via__source__rel="text",
        created_at="timestamp",
        updated_at="timestamp",
    )
    # The export position (it moves on system updates too, `updated_at` may not).
    | _newest("generated_timestamp", "bigint"),
    "ticket_metrics": _typed(
        ticket_id="bigint",
        assigned_at="timestamp",
        initially_assigned_at="timestamp",
        assignee_updated_at="timestamp",
        requester_updated_at="timestamp",
        status_updated_at="timestamp",
        solved_at="timestamp",
        latest_comment_added_at="timestamp",
        **{
            f"{metric}_in_minutes__{clock}": "bigint"
            for metric in (
                "reply_time",
                "first_resolution_time",
                "full_resolution_time",
                "agent_wait_time",
                "requester_wait_time",
                "on_hold_time",
            )
            for clock in _MINUTES
        },
    )
    | _NEWEST_UPDATE,
    "users": _typed(organization_id="bigint", external_id="text", default_group_id="bigint")
    | _NEWEST_UPDATE,
    "organizations": _typed(
        external_id="text", details="text", notes="text", group_id="bigint", deleted_at="timestamp"
    )
    | _NEWEST_UPDATE,
    "ticket_events": _typed(updater_id="bigint", created_at="timestamp"),
    # `sla` ({target, business_hours, policy}) and `status` ({calendar, business}) come only
    # with some event types: kept as JSON so their shape does not depend on the data.
    "ticket_metric_events": _typed(time="timestamp", deleted="bool", sla="json", status="json"),
    "satisfaction_ratings": _typed(
        comment="text", reason_id="bigint", assignee_id="bigint", group_id="bigint"
    )
    | _NEWEST_UPDATE,
    "groups": _VANISHED,
    "sla_policies": _VANISHED,
    "schedules": _VANISHED,
    "holidays": {**_VANISHED, **_typed(schedule_id="bigint")},
}

# The events inside an audit: comments and the status changes metrics are built from.
CHILD_EVENT_COLUMNS = _typed(
    author_id="bigint",
    public="bool",
    body="text",
    created_at="timestamp",
    status="text",
    previous_value="text",
    via_reference_id="bigint",
)
