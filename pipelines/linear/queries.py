"""What the Linear source asks for: one spec per raw table, and the GraphQL it sends.

Relations are selected as `<relation> { id }` and flattened to `<relation>Id` (dlt then names the
column `<relation>_id`: `state { id }` -> `state_id`), the same form as Linear's own scalar ids
(`issueId`, `fromStateId` -> `issue_id`, `from_state_id`). Id lists (`labelIds`, project teams)
and integration payloads (`metadata`, `source`) are kept as JSON columns, not child tables.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("pipelines.linear")

PAGE_INFO = "pageInfo { hasNextPage endCursor }"
# Small id lists (a project's teams) ride along with their record; each id costs 1.1 points
# per record and page, so the page is kept small to stay far below 10,000 points per query.
ID_LIST_PAGE_SIZE = 25


_BOOLEANS = {"active", "admin", "guest", "app", "trashed", "archived"}
_NUMBERS = {"priority", "estimate", "number", "position", "fromPriority", "toPriority"}
_DATES = {"dueDate", "targetDate"}


def _data_type(name: str) -> str:
    if name in _BOOLEANS:
        return "bool"
    if name in _NUMBERS:
        return "double"
    if name in _DATES:
        return "date"
    return "timestamp" if name.endswith("At") else "text"


@dataclass(frozen=True)
class EntitySpec:
    table: str
    # Query field of the top-level connection (`issueLabels` for labels).
    root: str
    scalars: tuple[str, ...]
    # Related objects selected as `{ id }` and flattened to `<name>Id`.
    relations: tuple[str, ...] = ()
    # Connections of ids flattened to a JSON list under the given key (`teams` -> `teamIds`).
    id_lists: dict[str, str] = field(default_factory=dict)
    json_fields: tuple[str, ...] = ()
    # Extra arguments of the top-level connection (users: include deactivated ones).
    extra_args: str = ""

    def selection(self) -> str:
        parts = list(self.scalars)
        parts += [f"{name} {{ id }}" for name in self.relations]
        parts += [
            f"{name}(first: {ID_LIST_PAGE_SIZE}) {{ nodes {{ id }} pageInfo {{ hasNextPage }} }}"
            for name in self.id_lists
        ]
        return " ".join(parts)

    def columns(self) -> dict[str, dict[str, Any]]:
        """Every column typed up front, so a column that is null on every row still exists.

        `deletedAt` is set by the source (not Linear) when a record is gone for good.
        """
        names = [
            *self.scalars,
            *(f"{name}Id" for name in self.relations),
            *self.id_lists.values(),
            "deletedAt",
        ]
        json_keys = {*self.json_fields, *self.id_lists.values()}
        return {
            name: {"data_type": "json" if name in json_keys else _data_type(name)} for name in names
        }

    def flatten(self, node: Any) -> Any:
        """`state: {id}` -> `stateId`; id connections -> id lists. Non-objects pass through."""
        if not isinstance(node, dict):
            return node
        row = {k: v for k, v in node.items() if k not in self.relations and k not in self.id_lists}
        for name in self.relations:
            related = node.get(name)
            row[f"{name}Id"] = related.get("id") if isinstance(related, dict) else None
        for name, key in self.id_lists.items():
            connection = node.get(name) or {}
            if (connection.get("pageInfo") or {}).get("hasNextPage"):
                log.warning(
                    "linear %s %s has more than %d %s: only the first are kept in %s",
                    self.table,
                    node.get("id"),
                    ID_LIST_PAGE_SIZE,
                    name,
                    key,
                )
            row[key] = [n["id"] for n in connection.get("nodes") or [] if isinstance(n, dict)]
        return row


TIMESTAMPS = ("createdAt", "updatedAt", "archivedAt")

ENTITIES: dict[str, EntitySpec] = {
    spec.table: spec
    for spec in (
        EntitySpec("teams", "teams", ("id", "key", "name", "description", *TIMESTAMPS)),
        EntitySpec(
            "users",
            "users",
            (
                "id",
                "name",
                "displayName",
                "email",
                "active",
                "admin",
                "guest",
                "app",
                "timezone",
                *TIMESTAMPS,
            ),
            extra_args="includeDisabled: true",
        ),
        EntitySpec(
            "workflow_states",
            "workflowStates",
            ("id", "name", "type", "color", "position", *TIMESTAMPS),
            relations=("team",),
        ),
        EntitySpec(
            "labels",
            "issueLabels",
            ("id", "name", "color", *TIMESTAMPS),
            relations=("team",),
        ),
        EntitySpec(
            "projects",
            "projects",
            (
                "id",
                "name",
                "description",
                "state",
                "startedAt",
                "completedAt",
                "canceledAt",
                "targetDate",
                *TIMESTAMPS,
            ),
            relations=("lead",),
            id_lists={"teams": "teamIds"},
        ),
        EntitySpec(
            "cycles",
            "cycles",
            ("id", "number", "name", "startsAt", "endsAt", "completedAt", *TIMESTAMPS),
            relations=("team",),
        ),
        EntitySpec(
            "issues",
            "issues",
            (
                "id",
                "identifier",
                "number",
                "title",
                "description",
                "priority",
                "priorityLabel",
                "estimate",
                "createdAt",
                "updatedAt",
                "startedAt",
                "completedAt",
                "canceledAt",
                "startedTriageAt",
                "triagedAt",
                "archivedAt",
                "autoArchivedAt",
                "autoClosedAt",
                "dueDate",
                "slaType",
                "slaStartedAt",
                "slaMediumRiskAt",
                "slaHighRiskAt",
                "slaBreachesAt",
                "trashed",
                "url",
                "integrationSourceType",
                "labelIds",
            ),
            relations=("state", "team", "assignee", "creator", "project", "cycle", "parent"),
            json_fields=("labelIds",),
        ),
        EntitySpec(
            "comments",
            "comments",
            ("id", "body", "issueId", "parentId", "editedAt", *TIMESTAMPS),
            relations=("user",),
        ),
        EntitySpec(
            "attachments",
            "attachments",
            ("id", "url", "title", "subtitle", "sourceType", "source", "metadata", *TIMESTAMPS),
            relations=("issue", "creator"),
            json_fields=("source", "metadata"),
        ),
    )
}

# Issue history has no top-level query in Linear: it is read through `Issue.history`.
HISTORY = EntitySpec(
    "issue_history",
    "history",
    (
        "id",
        "createdAt",
        "updatedAt",
        "actorId",
        "fromStateId",
        "toStateId",
        "fromAssigneeId",
        "toAssigneeId",
        "fromPriority",
        "toPriority",
        "archived",
        "trashed",
    ),
)

# Incremental read of one top-level connection: changed since `$since`, oldest change first,
# archived and trashed records included so that soft deletes arrive as updates.
_CHANGED = (
    "{root}(first: $first, after: $after, filter: {{updatedAt: {{gt: $since}}}}, "
    "orderBy: updatedAt, includeArchived: true{extra})"
)


def changed_query(spec: EntitySpec) -> str:
    extra = f", {spec.extra_args}" if spec.extra_args else ""
    head = _CHANGED.format(root=spec.root, extra=extra)
    return (
        f"query Linear_{spec.root}($first: Int!, $after: String, $since: DateTimeOrDuration!) "
        f"{{ {head} {{ nodes {{ {spec.selection()} }} {PAGE_INFO} }} }}"
    )


def ids_query(spec: EntitySpec) -> str:
    """Every id Linear still serves (archived and trashed included): finds hard deletes."""
    extra = f", {spec.extra_args}" if spec.extra_args else ""
    return (
        f"query Linear_{spec.root}Ids($first: Int!, $after: String) {{ {spec.root}(first: $first, "
        f"after: $after, includeArchived: true{extra}) {{ nodes {{ id }} {PAGE_INFO} }} }}"
    )


def history_of_issues_query() -> str:
    """The first page of history of the given issues (archived and trashed ones included)."""
    history = (
        f"history(first: $nestedFirst, includeArchived: true) "
        f"{{ nodes {{ {HISTORY.selection()} }} {PAGE_INFO} }}"
    )
    return (
        "query Linear_issueHistory($first: Int!, $after: String, $ids: [ID!]!, "
        "$nestedFirst: Int!) { issues(first: $first, after: $after, "
        "filter: {id: {in: $ids}}, includeArchived: true) "
        f"{{ nodes {{ id {history} }} {PAGE_INFO} }} }}"
    )


def more_history_query() -> str:
    """The following pages of one issue's history, when it has more than one page."""
    return (
        "query Linear_moreIssueHistory($id: String!, $first: Int!, $after: String) "
        "{ issue(id: $id) { history(first: $first, after: $after, includeArchived: true) "
        f"{{ nodes {{ {HISTORY.selection()} }} {PAGE_INFO} }} }} }}"
    )


def all_queries() -> list[str]:
    """Every query the source can send (the contract tests validate them against the SDL)."""
    return [
        *(changed_query(spec) for spec in ENTITIES.values()),
        *(ids_query(spec) for spec in ENTITIES.values()),
        history_of_issues_query(),
        more_history_query(),
    ]
