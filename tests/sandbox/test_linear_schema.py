"""Our SDL subset names nothing Linear's official schema does not have, with the same types."""

from __future__ import annotations

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLScalarType,
    build_schema,
    graphql_sync,
)

from pipelines.linear.queries import all_queries
from pipelines.sandbox.vendors.linear_schema import SCHEMA_PATH
from tests.linear_fixtures import build_linear_company, lid, official_schema, post
from tests.sandbox_helpers import serve as running_sandbox


@pytest.fixture(scope="module")
def official():
    return official_schema()


@pytest.fixture(scope="module")
def ours():
    return build_schema(SCHEMA_PATH.read_text())


def test_every_type_field_and_argument_exists_in_linears_schema(ours, official):
    problems = []
    checked = 0
    for name, ours_type in ours.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        theirs = official.type_map.get(name)
        if theirs is None or type(theirs) is not type(ours_type):
            problems.append(f"type {name}: {type(ours_type).__name__} not in Linear's schema")
            continue
        if isinstance(ours_type, GraphQLEnumType):
            missing = set(ours_type.values) - set(theirs.values)
            problems += [f"enum value {name}.{value} missing" for value in missing]
        if isinstance(ours_type, (GraphQLObjectType, GraphQLInputObjectType)):
            for field_name, field in ours_type.fields.items():
                checked += 1
                their_field = theirs.fields.get(field_name)
                if their_field is None or str(their_field.type) != str(field.type):
                    problems.append(f"{name}.{field_name}: {field.type} differs or is missing")
                    continue
                for arg_name, arg in getattr(field, "args", {}).items():
                    their_arg = their_field.args.get(arg_name)
                    if their_arg is None or str(their_arg.type) != str(arg.type):
                        problems.append(f"{name}.{field_name}({arg_name}: {arg.type}) differs")
        assert not isinstance(ours_type, GraphQLScalarType) or theirs is not None
    assert not problems, problems
    assert checked > 100


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
            answer = response.json()["data"]
            again = graphql_sync(official, query, root_value=answer, variable_values=variables)
            assert again.errors is None, (query, again.errors)
            assert again.data == answer
