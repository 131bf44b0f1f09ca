"""The executable Linear schema: our SDL subset bound to the sandbox's records.

Scalars render Linear's wire format (`DateTime` as `2026-09-30T12:34:56.789Z`, `TimelessDate` as
`2026-09-30`); relation fields resolve ids from the payload (`stateId` -> `state`) to records
visible at the request's clock; connections page for real through `linear_store.paginate`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLScalarType, build_schema

from pipelines.sandbox.company.model import Payload
from pipelines.sandbox.vendors.linear_store import GraphQLUserError, LinearStore, paginate

SCHEMA_PATH = Path(__file__).with_name("linear_schema.graphql")


@dataclass(frozen=True)
class Context:
    """What a request's resolvers see: the records and the clock the request was served at."""

    store: LinearStore
    now: datetime


# GraphQL type -> entity in company.tables["linear"]
ENTITY_OF_TYPE = {
    "Team": "teams",
    "User": "users",
    "WorkflowState": "workflow_states",
    "IssueLabel": "labels",
    "Project": "projects",
    "Cycle": "cycles",
    "Issue": "issues",
    "IssueHistory": "issue_history",
    "Comment": "comments",
    "Attachment": "attachments",
}

# Top-level connections: Query field -> entity.
ROOT_CONNECTIONS = {
    "teams": "teams",
    "users": "users",
    "workflowStates": "workflow_states",
    "issueLabels": "labels",
    "projects": "projects",
    "cycles": "cycles",
    "issues": "issues",
    "comments": "comments",
    "attachments": "attachments",
}

# (type, field) -> payload key holding the related record's id.
RELATIONS: dict[tuple[str, str], str] = {
    ("WorkflowState", "team"): "teamId",
    ("IssueLabel", "team"): "teamId",
    ("Cycle", "team"): "teamId",
    ("Project", "lead"): "leadId",
    ("Issue", "state"): "stateId",
    ("Issue", "team"): "teamId",
    ("Issue", "assignee"): "assigneeId",
    ("Issue", "creator"): "creatorId",
    ("Issue", "project"): "projectId",
    ("Issue", "cycle"): "cycleId",
    ("Issue", "parent"): "parentId",
    ("IssueHistory", "issue"): "issueId",
    ("IssueHistory", "actor"): "actorId",
    ("IssueHistory", "fromState"): "fromStateId",
    ("IssueHistory", "toState"): "toStateId",
    ("IssueHistory", "fromAssignee"): "fromAssigneeId",
    ("IssueHistory", "toAssignee"): "toAssigneeId",
    ("Comment", "issue"): "issueId",
    ("Comment", "user"): "userId",
    ("Comment", "parent"): "parentId",
    ("Attachment", "issue"): "issueId",
    ("Attachment", "creator"): "creatorId",
}

# (type, field) -> payload key holding a list of ids, served as a connection.
ID_LIST_CONNECTIONS: dict[tuple[str, str], str] = {
    ("Issue", "labels"): "labelIds",
    ("Project", "teams"): "teamIds",
}

# Issue connections over child records that point at their issue.
CHILD_CONNECTIONS = ("history", "comments", "attachments")

Resolver = Callable[..., Any]


def render_datetime(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return str(value)


def render_date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _bind_scalars(schema: Any) -> None:
    serializers = {
        "DateTime": render_datetime,
        "TimelessDate": render_date,
        "DateTimeOrDuration": str,
    }
    for name, serialize in serializers.items():
        scalar: GraphQLScalarType = schema.type_map[name]
        scalar.serialize = scalar.coerce_output_value = serialize  # type: ignore[method-assign]


def _connection(items_of: Callable[[Any, Context], list[Payload]], entity: str) -> Resolver:
    def resolve(parent: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        context: Context = info.context
        predicate: Callable[[Payload], bool] = lambda _: True  # noqa: E731
        if entity == "users" and not args.get("includeDisabled"):
            # Linear leaves deactivated users out unless `includeDisabled: true`.
            predicate = lambda user: bool(user.get("active", True))  # noqa: E731
        page = paginate(items_of(parent, context), args, context.now, predicate)
        return {"nodes": page.nodes, "pageInfo": page.page_info}

    return resolve


def _relation(entity: str, key: str) -> Resolver:
    def resolve(parent: Payload, info: GraphQLResolveInfo) -> Payload | None:
        context: Context = info.context
        return context.store.get(entity, parent.get(key), context.now)

    return resolve


def _user_email(user: Payload, _info: GraphQLResolveInfo) -> str:
    # `User.email` is non-null in Linear; app (integration) users carry a system address there,
    # which the generator leaves out.
    return user.get("email") or f"{user['id']}@apps.linear.invalid"


def _issue(_root: Any, info: GraphQLResolveInfo, id: str) -> Payload:
    context: Context = info.context
    # Linear takes the UUID or the identifier (`ENG-123`).
    issue = context.store.get("issues", id, context.now) or next(
        (p for p in context.store.visible("issues", context.now) if p["identifier"] == id), None
    )
    if issue is None:
        raise GraphQLUserError("Entity not found: Issue - Could not find referenced Issue.")
    return issue


def _bind_resolvers(schema: Any) -> None:
    query: GraphQLObjectType = schema.query_type
    for field, entity in ROOT_CONNECTIONS.items():
        query.fields[field].resolve = _connection(
            lambda _root, context, entity=entity: context.store.visible(entity, context.now),
            entity,
        )
    query.fields["issue"].resolve = _issue
    schema.type_map["User"].fields["email"].resolve = _user_email

    for (type_name, field), key in RELATIONS.items():
        target = ENTITY_OF_TYPE[str(schema.type_map[type_name].fields[field].type).strip("!")]
        schema.type_map[type_name].fields[field].resolve = _relation(target, key)

    for (type_name, field), key in ID_LIST_CONNECTIONS.items():
        connection_type = str(schema.type_map[type_name].fields[field].type).strip("!")
        target = ENTITY_OF_TYPE[connection_type.removesuffix("Connection")]

        def items(parent: Payload, context: Context, target: str = target, key: str = key) -> list:
            found = (context.store.get(target, i, context.now) for i in parent.get(key) or ())
            return [payload for payload in found if payload is not None]

        schema.type_map[type_name].fields[field].resolve = _connection(items, target)

    for field in CHILD_CONNECTIONS:
        schema.type_map["Issue"].fields[field].resolve = _connection(
            lambda parent, context, field=field: context.store.children(
                field, parent["id"], context.now
            ),
            field,
        )


@functools.cache
def linear_schema() -> Any:
    """Built once per process: resolvers read everything request-specific from the context."""
    schema = build_schema(SCHEMA_PATH.read_text())
    _bind_scalars(schema)
    _bind_resolvers(schema)
    return schema
