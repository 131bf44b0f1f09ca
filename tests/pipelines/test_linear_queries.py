"""Every query the Linear source sends is valid for Linear's official schema and cheap enough."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from pipelines.linear import ISSUES_PER_HISTORY_QUERY, MAX_PAGE_SIZE
from pipelines.linear.queries import all_queries
from pipelines.sandbox.vendors.linear_complexity import MAX_COMPLEXITY
from tests.linear_fixtures import build_linear_company, lid, official_schema, post
from tests.sandbox_helpers import serve as running_sandbox

# [sources.linear] page_size in .dlt/config.toml
DEFAULT_PAGE_SIZE = 100


@pytest.fixture(scope="module")
def official():
    return official_schema()


@pytest.mark.parametrize("query", all_queries(), ids=lambda q: q.split("(")[0].split()[-1])
def test_query_validates_against_linears_schema(official, query):
    assert validate(official, parse(query)) == []


def test_source_queries_cost_less_than_linears_maximum():
    """The sandbox prices each query at the page sizes the source uses by default."""
    variables = {
        "since": "2020-01-01T00:00:00Z",
        "nestedFirst": 50,
        "ids": [lid("issue", 1)],
        "id": lid("issue", 2),
    }
    with running_sandbox(build_linear_company()) as server:
        for query in all_queries():
            names = {
                v.variable.name.value for v in parse(query).definitions[0].variable_definitions
            }
            # The page sizes the source asks for: history batches, follow-ups, top level.
            if "ids" in names:
                first = ISSUES_PER_HISTORY_QUERY
            elif "id" in names:
                first = MAX_PAGE_SIZE
            else:
                first = DEFAULT_PAGE_SIZE
            used = {k: v for k, v in variables.items() if k in names} | {"first": first}
            response = post(server, query, used)
            assert response.status_code == 200, response.text
            assert int(response.headers["X-Complexity"]) <= MAX_COMPLEXITY, query
