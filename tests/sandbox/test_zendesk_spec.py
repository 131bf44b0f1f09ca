"""The sandbox's Zendesk responses validated against Zendesk's own OpenAPI document.

The document (../shared/specs/zendesk/openapi.yaml) is OpenAPI 3.0; it is converted to JSON Schema
here with three documented relaxations: `$ref`s that point nowhere become `{}`, every typed value
may be null (the document under-declares nulls: a ticket's `assignee_id`, `due_at`, ...), and a
ticket's status may be `deleted`, which the incremental export shows although the schema omits it.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import yaml

from tests.sandbox_helpers import NOW, serve
from tests.vendor_specs import ZENDESK_OPENAPI, missing
from tests.zendesk_fixtures import Api, tiny_company, visible

pytestmark = pytest.mark.skipif(not ZENDESK_OPENAPI.exists(), reason=missing(ZENDESK_OPENAPI))

_SKIP_KEYS = {"example", "examples", "description", "nullable", "title"}


def to_json_schema(node: Any, schemas: dict[str, Any], depth: int = 0) -> Any:
    if isinstance(node, list):
        return [to_json_schema(item, schemas, depth) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = schemas.get(node["$ref"].rsplit("/", 1)[-1])
        # Dangling (or too deeply recursive) references are stubbed as "anything".
        return {} if target is None or depth > 12 else to_json_schema(target, schemas, depth + 1)
    converted: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SKIP_KEYS or key.startswith("x-"):
            continue
        if key == "properties":
            converted[key] = {name: to_json_schema(s, schemas, depth) for name, s in value.items()}
        else:
            converted[key] = to_json_schema(value, schemas, depth)
    if isinstance(converted.get("type"), str):
        converted["type"] = [converted["type"], "null"]
        if "enum" in converted:
            converted["enum"] = [*converted["enum"], None]
    return converted


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with ZENDESK_OPENAPI.open() as handle:
        return yaml.load(handle, Loader=loader)


def response_schema(spec: dict[str, Any], path: str) -> dict[str, Any]:
    schemas = spec["components"]["schemas"]
    operation = spec["paths"][path]["get"]
    raw = operation["responses"]["200"]["content"]["application/json"]["schema"]
    schema = to_json_schema(raw, schemas)
    ticket = to_json_schema(schemas["TicketObject"], schemas)
    ticket["properties"]["status"]["enum"].append("deleted")
    if "tickets" in schema.get("properties", {}):
        schema["properties"]["tickets"]["items"] = ticket
    return schema


def declared_parameters(spec: dict[str, Any], path: str) -> set[str]:
    node = spec["paths"][path]
    names = set()
    for parameter in node.get("parameters", []) + node["get"].get("parameters", []):
        if "$ref" in parameter:
            parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        names.add(parameter["name"])
    return names


@pytest.fixture(scope="module")
def api():
    with serve(tiny_company()) as server:
        yield Api(server)


TICKET = min(visible(tiny_company(), "tickets", NOW))
CASES = [
    ("/api/v2/incremental/tickets/cursor", {"start_time": 0, "include": "metric_sets"}),
    ("/api/v2/incremental/users/cursor", {"start_time": 0}),
    ("/api/v2/incremental/organizations", {"start_time": 0}),
    ("/api/v2/incremental/ticket_events", {"start_time": 0, "include": "comment_events"}),
    ("/api/v2/incremental/ticket_metric_events", {"start_time": 0}),
    ("/api/v2/groups", {"page[size]": 100}),
    ("/api/v2/satisfaction_ratings", {"page[size]": 100}),
    ("/api/v2/slas/policies", {}),
    ("/api/v2/ticket_metrics", {}),
    ("/api/v2/tickets/{ticket_id}/comments", {}),
    ("/api/v2/tickets/{ticket_id}/audits", {}),
]


@pytest.mark.parametrize(("path", "params"), CASES, ids=[path for path, _ in CASES])
def test_response_matches_the_openapi_document(spec, api, path, params):
    body = api.json(path.format(ticket_id=TICKET) + ".json", **params)
    data_keys = [key for key, value in body.items() if isinstance(value, list)]
    assert data_keys and all(body[key] for key in data_keys), "validate non-empty pages"
    jsonschema.Draft7Validator(response_schema(spec, path)).validate(body)


def declared_properties(schema: dict[str, Any]) -> set[str]:
    """Top-level property names, also of `allOf` parts (TicketMetricEventsResponse)."""
    names = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        names |= declared_properties(part)
    return names


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/incremental/tickets/cursor",
        "/api/v2/incremental/users/cursor",
        "/api/v2/incremental/organizations",
        "/api/v2/incremental/ticket_events",
        "/api/v2/incremental/ticket_metric_events",
    ],
)
def test_exports_answer_no_top_level_field_the_document_lacks(spec, api, path):
    """End signals especially: `ticket_metric_events` has no `end_of_stream` to rely on."""
    body = api.json(f"{path}.json", start_time=0)
    declared = declared_properties(response_schema(spec, path))
    assert set(body) <= declared, set(body) - declared


def test_validation_catches_a_wrong_type(spec, api):
    body = api.json("/api/v2/incremental/tickets/cursor.json", start_time=0)
    body["tickets"][0]["id"] = "not-a-number"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(
            response_schema(spec, "/api/v2/incremental/tickets/cursor")
        ).validate(body)


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/api/v2/incremental/tickets/cursor", {"start_time", "cursor"}),
        ("/api/v2/incremental/users/cursor", {"start_time", "cursor", "per_page"}),
        ("/api/v2/incremental/organizations", {"start_time"}),
        ("/api/v2/incremental/ticket_events", {"start_time"}),
        ("/api/v2/incremental/ticket_metric_events", {"start_time"}),
    ],
)
def test_the_exports_query_parameters_are_zendesks(spec, path, names):
    assert names <= declared_parameters(spec, path)
