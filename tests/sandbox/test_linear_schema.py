"""The sandbox serves Linear's official schema: every query that validates there executes here.

Queries are generated from the official SDL: for a field, every scalar and enum field of what it
returns (deprecated ones included, required arguments filled in), and for a connection the same
of its nodes, its edges and its pageInfo. Each must validate, execute without errors and come
back with values of the declared types.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    graphql_sync,
    is_leaf_type,
    is_required_argument,
    is_required_input_field,
    parse,
    validate,
)

from pipelines.linear.queries import all_queries
from pipelines.sandbox.server import SandboxServer
from pipelines.sandbox.vendors.linear_schema import ROOT_CONNECTIONS, SCHEMA_PATH
from tests.linear_fixtures import (
    build_linear_company,
    lid,
    official_schema,
    post,
    visible,
)
from tests.sandbox_helpers import NOW
from tests.sandbox_helpers import serve as running_sandbox
from tests.vendor_specs import LINEAR_SDL, missing

# The types the Linear source reads, and where the test reads all of their records.
SOURCE_TYPES = {
    "Team": "teams",
    "User": "users",
    "WorkflowState": "workflowStates",
    "IssueLabel": "issueLabels",
    "Project": "projects",
    "Cycle": "cycles",
    "Issue": "issues",
    "Comment": "comments",
    "Attachment": "attachments",
}


@pytest.fixture(scope="module")
def official() -> GraphQLSchema:
    return official_schema()


@pytest.fixture(scope="module")
def company():
    return build_linear_company()


@pytest.fixture(scope="module")
def server(company):
    with running_sandbox(company) as running:
        yield running


# --- queries generated from the SDL ---------------------------------------------------------

_SCALAR_LITERALS = {
    "Int": "1",
    "Float": "1.5",
    "Boolean": "false",
    "DateTime": '"2026-01-01T00:00:00.000Z"',
    "DateTimeOrDuration": '"-P1D"',
    "TimelessDate": '"2026-01-01"',
    "TimelessDateOrDuration": '"2026-01-01"',
    "Duration": '"PT1H"',
    "JSON": '"{}"',
    "JSONObject": "{}",
    "UUID": '"00000000-0000-4000-8000-000000000000"',
}


def literal(type_: GraphQLInputType) -> str:
    """A valid value of an input type, for a required argument."""
    if isinstance(type_, GraphQLNonNull):
        return literal(type_.of_type)
    if isinstance(type_, GraphQLList):
        return f"[{literal(type_.of_type)}]"
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        fields = [(n, f) for n, f in type_.fields.items() if is_required_input_field(f)]
        if type_.is_one_of:
            fields = [next(iter(type_.fields.items()))]
        return "{" + ", ".join(f"{name}: {literal(field.type)}" for name, field in fields) + "}"
    return _SCALAR_LITERALS.get(type_.name, '"x"')


def arguments(field: GraphQLField, **given: str) -> str:
    args = {
        name: literal(arg.type) for name, arg in field.args.items() if is_required_argument(arg)
    }
    args |= {name: value for name, value in given.items() if name in field.args}
    return "(" + ", ".join(f"{k}: {v}" for k, v in args.items()) + ")" if args else ""


def leaves(type_: GraphQLNamedType, alias: str = "") -> str:
    """Every scalar and enum field of an object or interface type (aliased `Type__field`)."""
    return " ".join(
        f"{alias}{name}: {name}{arguments(field)}" if alias else f"{name}{arguments(field)}"
        for name, field in type_.fields.items()  # type: ignore[attr-defined]
        if is_leaf_type(get_named_type(field.type))
    )


def selection(official: GraphQLSchema, named: GraphQLNamedType) -> str:
    """All leaves of a type; for a connection those of its nodes, edges and pageInfo too."""
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLUnionType):
        # Members may give one field name different types: aliases keep them apart.
        members = " ".join(f"... on {m.name} {{ {leaves(m, f'{m.name}__')} }}" for m in named.types)
        return f"{{ __typename {members} }}"
    fields = named.fields  # type: ignore[attr-defined]
    parts = ["__typename", leaves(named)]
    if "nodes" in fields and "pageInfo" in fields:
        node = get_named_type(fields["nodes"].type)
        parts.append(f"nodes {selection(official, node)}")
        if "edges" in fields:
            parts.append("edges { cursor node { __typename } }")
        parts.append(f"pageInfo {selection(official, official.type_map['PageInfo'])}")
    return "{ " + " ".join(part for part in parts if part) + " }"


def root_query(official: GraphQLSchema, field_name: str, **given: str) -> str:
    field = official.query_type.fields[field_name]  # type: ignore[union-attr]
    given = {"first": "2", **given}
    body = selection(official, get_named_type(field.type))
    return f"{{ {field_name}{arguments(field, **given)} {body} }}"


# --- type-correct values --------------------------------------------------------------------

_PATTERNS = {
    "DateTime": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"),
    "TimelessDate": re.compile(r"^\d{4}-\d\d-\d\d$"),
    "ID": re.compile(r".+"),
    "UUID": re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
}


def _scalar_problem(value: Any, type_: GraphQLNamedType) -> bool:
    name = type_.name
    if isinstance(type_, GraphQLEnumType):
        return value not in type_.values
    if name == "Boolean":
        return not isinstance(value, bool)
    if name == "Int":
        return not isinstance(value, int) or isinstance(value, bool)
    if name == "Float":
        return not isinstance(value, (int, float)) or isinstance(value, bool)
    if name == "JSONObject":
        return not isinstance(value, dict)
    if name == "JSON":
        # Linear sends `JSON` stringified.
        return not isinstance(value, str) or json.loads(value) is None
    if not isinstance(value, str):
        return True
    pattern = _PATTERNS.get(name)
    return pattern is not None and not pattern.match(value)


def type_problems(
    official: GraphQLSchema, value: Any, type_: GraphQLOutputType, path: str
) -> list[str]:
    """Where an answer breaks its declared type: nulls in non-null fields, wrong scalars."""
    if isinstance(type_, GraphQLNonNull):
        if value is None:
            return [f"{path}: null, declared {type_}"]
        return type_problems(official, value, type_.of_type, path)
    if value is None:
        return []
    if isinstance(type_, GraphQLList):
        if not isinstance(value, list):
            return [f"{path}: {value!r} is not a list"]
        return [
            problem
            for i, item in enumerate(value)
            for problem in type_problems(official, item, type_.of_type, f"{path}[{i}]")
        ]
    if is_leaf_type(type_):
        return [f"{path}: {value!r} is not a {type_}"] if _scalar_problem(value, type_) else []
    if not isinstance(value, dict):
        return [f"{path}: {value!r} is not an object"]
    runtime = official.type_map[value.get("__typename", type_.name)]  # type: ignore[union-attr]
    problems = []
    for key, item in value.items():
        if key == "__typename":
            continue
        owner, _, name = key.rpartition("__")
        fields = official.type_map[owner].fields if owner else runtime.fields  # type: ignore[union-attr]
        problems += type_problems(official, item, fields[name].type, f"{path}.{key}")
    return problems


def answer(official: GraphQLSchema, server: SandboxServer, query: str) -> dict[str, Any]:
    """The data of a query that must validate against Linear's schema and execute cleanly."""
    assert validate(official, parse(query)) == [], query
    response = post(server, query)
    assert response.status_code == 200, (query, response.text)
    body = response.json()
    assert "errors" not in body, (query, body["errors"])
    problems = type_problems(official, body["data"], official.query_type, "data")  # type: ignore[arg-type]
    assert not problems, (query, problems[:10])
    return body["data"]


# --- the tests -----------------------------------------------------------------------------


def test_served_sdl_is_linears_published_schema():
    if not LINEAR_SDL.exists():
        pytest.skip(missing(LINEAR_SDL))
    assert SCHEMA_PATH.read_bytes() == LINEAR_SDL.read_bytes()


# A real record for each lookup by id (an unknown id is Linear's "Entity not found" error).
LOOKUP_IDS = {
    "team": lid("team", 1),
    "user": lid("user", 1),
    "workflowState": lid("state", 1),
    "issueLabel": lid("label", 1),
    "project": lid("project", 1),
    "cycle": lid("cycle", 1),
    "issue": "ENG-2",
    "comment": lid("comment", 1),
    "attachment": lid("attachment", 1),
}


def test_every_root_field_executes_with_every_scalar_selected(official, server):
    root = official.query_type
    assert len(root.fields) > 150
    for name in root.fields:
        given = {"id": f'"{LOOKUP_IDS[name]}"'} if name in LOOKUP_IDS else {}
        answer(official, server, root_query(official, name, **given))


@pytest.mark.parametrize("type_name", SOURCE_TYPES)
def test_every_record_the_source_reads_serves_every_scalar(official, server, company, type_name):
    root = SOURCE_TYPES[type_name]
    # Archived and trashed records, deactivated users: everything there is.
    query = root_query(official, root, first="250", includeArchived="true", includeDisabled="true")
    nodes = answer(official, server, query)[root]["nodes"]
    assert len(nodes) == len(visible(company, ROOT_CONNECTIONS[root], NOW))
    assert nodes and all(node["__typename"] == type_name for node in nodes)


def test_issue_history_serves_every_scalar(official, server):
    history = official.type_map["Issue"].fields["history"]
    query = (
        '{ issue(id: "ENG-2") { history(first: 250, includeArchived: true) '
        f"{selection(official, get_named_type(history.type))} }} }}"
    )
    nodes = answer(official, server, query)["issue"]["history"]["nodes"]
    assert len(nodes) == 250 and all(node["fromStateId"] == lid("state", 1) for node in nodes)


def test_generated_company_serves_every_scalar(official, small_company):
    """The generator's records, not only the hand-made ones, fit Linear's types."""
    with running_sandbox(small_company) as running:
        for root in ROOT_CONNECTIONS:
            answer(official, running, root_query(official, root, first="100"))


def test_fields_the_company_does_not_model_get_neutral_values(server):
    query = """{
        teams(first: 1) { nodes { displayName timezone } }
        users(first: 50) { nodes { id isMe lastSeen } }
        workflowStates(first: 1) { nodes { description } }
        issueLabels(first: 1) { nodes { description isGroup } }
        projects(first: 1) { nodes { slugId url } }
        cycles(first: 1) { nodes { progress } }
        issue(id: "ENG-1") {
            branchName customerTicketCount previousIdentifiers sharedAccess { isShared }
            stateHistory { nodes { startedAt } pageInfo { hasNextPage } }
        }
        viewer { id }
    }"""
    response = post(server, query)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["teams"]["nodes"] == [{"displayName": "", "timezone": ""}]
    # The key's owner is the admin (user 1): the only one who is "me".
    assert data["viewer"]["id"] == lid("user", 1)
    assert [u["isMe"] for u in data["users"]["nodes"]] == [
        u["id"] == lid("user", 1) for u in data["users"]["nodes"]
    ]
    assert {u["lastSeen"] for u in data["users"]["nodes"]} == {None}
    assert data["workflowStates"]["nodes"] == [{"description": None}]
    assert data["issueLabels"]["nodes"] == [{"description": None, "isGroup": False}]
    assert data["projects"]["nodes"] == [{"slugId": "", "url": ""}]
    assert data["cycles"]["nodes"] == [{"progress": 0}]
    assert data["issue"] == {
        "branchName": "",
        "customerTicketCount": 0,
        "previousIdentifiers": [],
        "sharedAccess": {"isShared": False},
        "stateHistory": {"nodes": [], "pageInfo": {"hasNextPage": False}},
    }


def test_sandbox_answers_conform_to_linears_schema(official):
    """Each answer to the source's queries, executed again on Linear's official schema with the
    answer as root value, comes back unchanged and without errors: every field the sandbox
    sends has Linear's name, nullability and type (enum values, ids, floats, ...)."""
    company = build_linear_company()
    variables = {
        "first": 50,
        "since": "2020-01-01T00:00:00Z",
        "nestedFirst": 50,
        "ids": [lid("issue", n) for n in range(1, 7)],
        "id": lid("issue", 2),
    }
    with running_sandbox(company) as server:
        for query in all_queries():
            response = post(server, query, variables)
            assert response.status_code == 200, response.text
            served = response.json()["data"]
            again = graphql_sync(official, query, root_value=served, variable_values=variables)
            assert again.errors is None, (query, again.errors)
            assert again.data == served
