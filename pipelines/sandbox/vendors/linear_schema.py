"""The executable Linear schema: Linear's official SDL bound to the sandbox's records.

`linear_schema.graphql` is a verbatim copy of Linear's published schema (the one in the vendor
specs), so any query that validates against Linear validates here. What the company models is
served from its records: scalars render Linear's wire format (`DateTime` as
`2026-09-30T12:34:56.789Z`, `TimelessDate` as `2026-09-30`); relation fields resolve ids from the
payload (`stateId` -> `state`) to records visible at the request's clock; connections (top-level,
nested, and the reverse side of a relation such as `Team.issues`) page for real through
`linear_store.paginate`; `team(id:)`, `issue(id:)`, ... look records up; `viewer` is the key's
owner. Every other field answers with a type-correct default (see linear_defaults).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    build_ast_schema,
    get_named_type,
    is_non_null_type,
    parse,
)

from pipelines.sandbox.company.model import Payload
from pipelines.sandbox.vendors.linear_defaults import bind_defaults, stable_id, stub
from pipelines.sandbox.vendors.linear_filters import Navigator, all_of, compile_filter
from pipelines.sandbox.vendors.linear_store import (
    CHILD_INDEXES,
    GraphQLUserError,
    LinearStore,
    is_archived,
    paginate,
)

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

# (type, field) -> (entity, payload key holding a list of its ids), served as a connection.
ID_LIST_CONNECTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("Issue", "labels"): ("labels", "labelIds"),
    ("Project", "teams"): ("teams", "teamIds"),
}

# Issue connections over child records that point at their issue.
CHILD_CONNECTIONS = ("history", "comments", "attachments")

# The reverse side of a relation, served as a connection: (type, field) -> (entity, payload key
# holding the parent's id, or a list of ids that contains it).
REVERSE_CONNECTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("Team", "issues"): ("issues", "teamId"),
    ("Team", "states"): ("workflow_states", "teamId"),
    ("Team", "labels"): ("labels", "teamId"),
    ("Team", "cycles"): ("cycles", "teamId"),
    ("Team", "projects"): ("projects", "teamIds"),
    ("User", "assignedIssues"): ("issues", "assigneeId"),
    ("User", "createdIssues"): ("issues", "creatorId"),
    ("WorkflowState", "issues"): ("issues", "stateId"),
    ("IssueLabel", "issues"): ("issues", "labelIds"),
    ("Project", "issues"): ("issues", "projectId"),
    ("Cycle", "issues"): ("issues", "cycleId"),
    ("Issue", "children"): ("issues", "parentId"),
    ("Comment", "children"): ("comments", "parentId"),
}

# The workspace's own connections: Organization field -> entity (all of it).
ORGANIZATION_CONNECTIONS = {"teams": "teams", "users": "users", "labels": "labels"}

# Query fields that look one record up by id: field -> entity.
ROOT_LOOKUPS = {
    "team": "teams",
    "user": "users",
    "workflowState": "workflow_states",
    "issueLabel": "labels",
    "project": "projects",
    "cycle": "cycles",
    "comment": "comments",
    "attachment": "attachments",
}

Resolver = Callable[..., Any]
# A parent record's items of a connection, at the request's clock.
ItemsOf = Callable[[Payload, Context], list[Payload]]


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
        "DateTimeOrDuration": render_datetime,
        "TimelessDate": render_date,
        "TimelessDateOrDuration": render_date,
    }
    for name, serialize in serializers.items():
        scalar: GraphQLScalarType = schema.type_map[name]
        scalar.serialize = scalar.coerce_output_value = serialize  # type: ignore[method-assign]


def _connection(items_of: ItemsOf, entity: str) -> Resolver:
    def resolve(parent: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        context: Context = info.context
        tests: list[Callable[[Payload], bool]] = []
        if entity == "users" and not args.get("includeDisabled"):
            # Linear leaves deactivated users out unless `includeDisabled: true`.
            tests.append(lambda user: bool(user.get("active", True)))
        if args.get("filter"):
            filter_type = info.parent_type.fields[info.field_name].args["filter"].type
            nodes = get_named_type(info.return_type).fields["nodes"]  # type: ignore[union-attr]
            tests.append(
                compile_filter(
                    args["filter"],
                    get_named_type(filter_type),  # type: ignore[arg-type]
                    get_named_type(nodes.type),  # type: ignore[arg-type]
                    _navigator(info),
                )
            )
        page = paginate(items_of(parent, context), args, all_of(tests))
        return {"nodes": page.nodes, "edges": page.edges, "pageInfo": page.page_info}

    return resolve


def _related_entity(schema: Any, type_name: str, field: str) -> str:
    return ENTITY_OF_TYPE[get_named_type(schema.type_map[type_name].fields[field].type).name]


def _relation(entity: str, key: str) -> Resolver:
    def resolve(parent: Payload, info: GraphQLResolveInfo) -> Payload | None:
        context: Context = info.context
        return context.store.get(entity, parent.get(key), context.now)

    return resolve


def _points_at(parent_id: str, value: Any) -> bool:
    return parent_id in value if isinstance(value, list) else value == parent_id


def _reverse(entity: str, key: str) -> ItemsOf:
    def items(parent: Payload, context: Context) -> list[Payload]:
        return [
            payload
            for payload in context.store.visible(entity, context.now)
            if _points_at(parent["id"], payload.get(key))
        ]

    return items


def _id_list(entity: str, key: str) -> ItemsOf:
    def items(parent: Payload, context: Context) -> list[Payload]:
        found = (context.store.get(entity, i, context.now) for i in parent.get(key) or ())
        return [payload for payload in found if payload is not None]

    return items


def _children(relation: str) -> ItemsOf:
    return lambda parent, context: context.store.children(relation, parent["id"], context.now)


def _everything(entity: str) -> ItemsOf:
    return lambda _parent, context: context.store.visible(entity, context.now)


# Every connection served from records: (type, field) -> (entity, items of a parent record).
COLLECTIONS: dict[tuple[str, str], tuple[str, ItemsOf]] = {
    **{("Query", f): (e, _everything(e)) for f, e in ROOT_CONNECTIONS.items()},
    **{("Organization", f): (e, _everything(e)) for f, e in ORGANIZATION_CONNECTIONS.items()},
    **{key: (e, _id_list(e, ids)) for key, (e, ids) in ID_LIST_CONNECTIONS.items()},
    **{("Issue", f): (CHILD_INDEXES[f][0], _children(f)) for f in CHILD_CONNECTIONS},
    **{key: (e, _reverse(e, fk)) for key, (e, fk) in REVERSE_CONNECTIONS.items()},
}


def _navigator(info: GraphQLResolveInfo) -> Navigator:
    """What a filter follows: relations and connections as this request serves them."""
    context: Context = info.context

    def related(type_name: str, field: str, record: Payload) -> Payload | None:
        key = RELATIONS.get((type_name, field))
        if key is not None:
            entity = _related_entity(info.schema, type_name, field)
            return context.store.get(entity, record.get(key), context.now)
        # Unmodelled: what the field serves, a stub where it is non-null, else nothing.
        served = info.schema.type_map[type_name].fields.get(field)  # type: ignore[union-attr]
        if served is None or not is_non_null_type(served.type):
            return None
        named = get_named_type(served.type)
        return stub(info.schema, named, type_name, record, field, context.now)

    def collection(type_name: str, field: str, record: Payload) -> list[Payload]:
        found = COLLECTIONS.get((type_name, field))
        items = found[1](record, context) if found else []
        return [item for item in items if not is_archived(item)]

    return Navigator(info.schema, context.now, related, collection)


def _user_email(user: Payload, _info: GraphQLResolveInfo) -> str:
    # `User.email` is non-null in Linear; app (integration) users carry a system address there,
    # which the generator leaves out.
    return user.get("email") or f"{user['id']}@apps.linear.invalid"


def _not_found(type_name: str) -> GraphQLUserError:
    return GraphQLUserError(
        f"Entity not found: {type_name} - Could not find referenced {type_name}."
    )


def _lookup(entity: str, type_name: str) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, **args: Any) -> Payload:
        context: Context = info.context
        found = context.store.get(entity, args.get("id"), context.now)
        if found is None:
            raise _not_found(type_name)
        return found

    return resolve


def _issue(_root: Any, info: GraphQLResolveInfo, id: str) -> Payload:
    context: Context = info.context
    # Linear takes the UUID or the identifier (`ENG-123`).
    issue = context.store.get("issues", id, context.now) or next(
        (p for p in context.store.visible("issues", context.now) if p["identifier"] == id), None
    )
    if issue is None:
        raise _not_found("Issue")
    return issue


def _viewer_of(context: Context) -> Payload:
    """The key's owner: the longest-standing active admin (the one who set the workspace up)."""
    users = context.store.visible("users", context.now)
    admins = [u for u in users if u.get("admin") and u.get("active")]
    viewer = min(admins or users, key=lambda u: (u["createdAt"], u["id"]), default=None)
    if viewer is None:
        raise _not_found("User")
    return viewer


def _viewer(_root: Any, info: GraphQLResolveInfo) -> Payload:
    return _viewer_of(info.context)


def _is_me(user: Payload, info: GraphQLResolveInfo) -> bool:
    return user["id"] == _viewer_of(info.context)["id"]


def _organization(_parent: Any, info: GraphQLResolveInfo) -> Payload:
    # One workspace: every `organization` field is the same object, as old as its first user.
    context: Context = info.context
    users = context.store.visible("users", context.now)
    created = min((u["createdAt"] for u in users), default=context.now)
    return {"__typename": "Organization", "id": stable_id("Organization"), "createdAt": created}


def _bind_resolvers(schema: Any) -> None:
    query: GraphQLObjectType = schema.query_type
    for (type_name, field), (entity, items) in COLLECTIONS.items():
        schema.type_map[type_name].fields[field].resolve = _connection(items, entity)
    for field, entity in ROOT_LOOKUPS.items():
        query.fields[field].resolve = _lookup(entity, get_named_type(query.fields[field].type).name)
    query.fields["issue"].resolve = _issue
    query.fields["viewer"].resolve = _viewer
    schema.type_map["User"].fields["email"].resolve = _user_email
    schema.type_map["User"].fields["isMe"].resolve = _is_me

    for (type_name, field), key in RELATIONS.items():
        target = _related_entity(schema, type_name, field)
        schema.type_map[type_name].fields[field].resolve = _relation(target, key)

    for type_ in schema.type_map.values():
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__"):
            for field_def in type_.fields.values():
                if get_named_type(field_def.type).name == "Organization" and not field_def.resolve:
                    field_def.resolve = _organization


@functools.cache
def linear_schema() -> Any:
    """Built once per process: resolvers read everything request-specific from the context.

    The SDL is Linear's published one, valid as shipped: parsing without locations and without
    re-validating it halves the build time (about 2 s for 1.2 MB).
    """
    document = parse(SCHEMA_PATH.read_text(), no_location=True)
    schema = build_ast_schema(document, assume_valid_sdl=True)
    _bind_scalars(schema)
    _bind_resolvers(schema)
    bind_defaults(schema)
    return schema
