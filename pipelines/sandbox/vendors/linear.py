"""Linear's GraphQL API: `POST /linear/graphql` with `{query, variables, operationName}`.

The contract served (linear_schema.graphql is Linear's official SDL):
- Auth: `Authorization: <personal API key>` with no `Bearer` prefix; anything else gets HTTP 401
  and a GraphQL error with `extensions.code = AUTHENTICATION_ERROR`.
- Queries run for real with graphql-core against Linear's whole schema: fields the company does
  not model answer with type-correct defaults (linear_defaults). A query that does not parse or
  validate gets HTTP 400 (`GRAPHQL_PARSE_FAILED` / `GRAPHQL_VALIDATION_FAILED`); one costing more
  than 10,000 complexity points gets HTTP 400 `INPUT_ERROR` "Query too complex". The sandbox is
  read-only: a mutation or subscription gets HTTP 400 `INPUT_ERROR`.
  Resolver errors (an unknown issue id, a bad cursor) come back with HTTP 200 next to `data`.
- Every answer carries Linear's budget headers: `X-RateLimit-Requests-Limit/-Remaining/-Reset`,
  `X-Complexity`, `X-RateLimit-Complexity-Limit/-Remaining/-Reset` (resets in epoch ms).
- Rate limiting is HTTP 400 with `extensions.code = RATELIMITED` (`statusCode: 429`) and
  `Retry-After`, as the live API answers; 5xx faults keep the GraphQL error shape (502 is HTML,
  from the CDN in front).
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, request
from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    execute,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from pipelines.sandbox.credentials import SANDBOX_CREDENTIALS
from pipelines.sandbox.vendors.common import guard, stick_cursors
from pipelines.sandbox.vendors.linear_complexity import MAX_COMPLEXITY, query_complexity
from pipelines.sandbox.vendors.linear_schema import Context, linear_schema
from pipelines.sandbox.vendors.linear_store import LinearStore

if TYPE_CHECKING:
    from pipelines.sandbox.server import Sandbox

# Budgets of a personal API key (requests and complexity points per hour).
REQUESTS_LIMIT = 2_500
COMPLEXITY_LIMIT = 3_000_000


def _error(message: str, code: str, type_: str, **extensions: Any) -> dict[str, Any]:
    return {
        "message": message,
        "extensions": {
            "code": code,
            "type": type_,
            "userError": True,
            "userPresentableMessage": extensions.pop("presentable", message),
            **extensions,
        },
    }


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    response = Response(payload, status=status, mimetype="application/json")
    response.headers.update(headers or {})
    return response


class _Budget:
    """Linear's leaky-bucket accounting, reported in headers (the sandbox only counts)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0
        self.points = 0

    def spend(self, points: int) -> tuple[int, int]:
        with self._lock:
            self.requests += 1
            self.points += points
            return self.requests, self.points

    def headers(self, now: datetime, complexity: int | None, exhausted: bool = False) -> dict:
        # Deterministic: remaining budgets derive from counts, resets from the sandbox clock.
        reset = str(int((now + timedelta(hours=1)).timestamp() * 1000))
        with self._lock:
            requests, points = self.requests, self.points
        headers = {
            "X-RateLimit-Requests-Limit": str(REQUESTS_LIMIT),
            "X-RateLimit-Requests-Remaining": "0"
            if exhausted
            else str(REQUESTS_LIMIT - requests % REQUESTS_LIMIT),
            "X-RateLimit-Requests-Reset": reset,
            "X-RateLimit-Complexity-Limit": str(COMPLEXITY_LIMIT),
            "X-RateLimit-Complexity-Remaining": str(COMPLEXITY_LIMIT - points % COMPLEXITY_LIMIT),
            "X-RateLimit-Complexity-Reset": reset,
        }
        if complexity is not None:
            headers["X-Complexity"] = str(complexity)
        return headers


def _authenticate() -> Response | None:
    key = request.headers.get("Authorization", "")
    if key == SANDBOX_CREDENTIALS["linear"]["api_key"]:
        return None
    if key.startswith("Bearer "):
        # Linear reads `Bearer` as an OAuth access token; a personal key sent that way fails.
        presentable = "Invalid OAuth access token. Personal API keys are sent without 'Bearer'."
    elif key:
        presentable = "Invalid API key."
    else:
        presentable = "You need to authenticate to access this operation."
    error = _error(
        "Authentication required, not authenticated",
        "AUTHENTICATION_ERROR",
        "authentication error",
        statusCode=401,
        presentable=presentable,
    )
    return _json({"errors": [error]}, status=401)


def _stick_cursor(body: dict[str, Any]) -> bool:
    """`--stuck-cursor linear`: a query sent with an `after` cursor gets every connection's
    `pageInfo` pointing at that cursor again, with a next page."""
    sent = request.get_json(force=True, silent=True)
    variables = sent.get("variables") if isinstance(sent, dict) else None
    after = variables.get("after") if isinstance(variables, dict) else None
    if not after:
        return False
    stuck = False
    pending: list[Any] = [body.get("data")]
    while pending:  # every node of a finite JSON document, once
        node = pending.pop()
        if isinstance(node, dict):
            if isinstance(node.get("pageInfo"), dict):
                node["pageInfo"] |= {"endCursor": after, "hasNextPage": True}
                stuck = True
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return stuck


def create_blueprint(sandbox: Sandbox) -> Blueprint:
    blueprint = Blueprint("linear", __name__, url_prefix="/linear")
    store = LinearStore(sandbox.company)
    budget = _Budget()
    # Built now (about a second for Linear's 1.2 MB SDL), not on the first request: a client
    # with a short timeout would otherwise give up on it.
    linear_schema()

    def render_fault(kind: str) -> Response:
        retry_after = {"Retry-After": str(sandbox.options.retry_after_seconds)}
        if kind == "rate_limited":
            error = _error(
                "Rate limit exceeded",
                "RATELIMITED",
                "ratelimited",
                statusCode=429,
                presentable="Rate limit exceeded. Please try again later.",
            )
            headers = {**budget.headers(sandbox.now, None, exhausted=True), **retry_after}
            return _json({"errors": [error]}, status=400, headers=headers)
        if kind == "bad_gateway":
            html = "<html><head><title>502 Bad Gateway</title></head><body>502</body></html>"
            return Response(html, status=502, mimetype="text/html")
        status, code = {"server_error": (500, "INTERNAL_SERVER_ERROR")}.get(
            kind, (503, "SERVICE_UNAVAILABLE")
        )
        error = {"message": "Internal server error", "extensions": {"code": code}}
        headers = retry_after if status == 503 else {}
        return _json({"errors": [error]}, status=status, headers=headers)

    guard(blueprint, sandbox, "linear", _authenticate, render_fault)
    stick_cursors(blueprint, sandbox, "linear", _stick_cursor)

    @blueprint.post("/graphql")
    def graphql_endpoint() -> Response:
        now = sandbox.now
        body = request.get_json(force=True, silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            budget.spend(0)
            error = _error("Must provide query string.", "BAD_USER_INPUT", "invalid input")
            return _json({"errors": [error]}, 400, budget.headers(now, 0))
        return _run(body, now, store, budget)

    return blueprint


def _run(body: dict[str, Any], now: datetime, store: LinearStore, budget: _Budget) -> Response:
    schema = linear_schema()
    try:
        document = parse(body["query"])
    except GraphQLError as error:
        budget.spend(0)
        failure = _error(error.message, "GRAPHQL_PARSE_FAILED", "graphql error")
        return _json({"errors": [failure]}, 400, budget.headers(now, 0))
    problems = validate(schema, document)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    name = body.get("operationName")
    chosen = [op for op in operations if name is None or (op.name and op.name.value == name)]
    if not problems and len(chosen) != 1:
        problems = [GraphQLError("Must provide a single operation or a valid operationName.")]
    coerced: Any = None
    if not problems:
        coerced = get_variable_values(
            schema, chosen[0].variable_definitions or (), body.get("variables") or {}
        )
        if isinstance(coerced, list):
            problems = coerced
    if problems:
        budget.spend(0)
        errors = [
            {**p.formatted, **_error(p.message, "GRAPHQL_VALIDATION_FAILED", "graphql error")}
            for p in problems
        ]
        return _json({"errors": errors}, 400, budget.headers(now, 0))
    if chosen[0].operation is not OperationType.QUERY:
        budget.spend(0)
        kind = chosen[0].operation.value
        error = _error(
            f"The sandbox is read-only: {kind} operations are not served.",
            "INPUT_ERROR",
            "invalid input",
        )
        return _json({"errors": [error]}, 400, budget.headers(now, 0))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    complexity = query_complexity(schema, chosen[0], fragments, coerced)
    budget.spend(complexity)
    headers = budget.headers(now, complexity)
    if complexity > MAX_COMPLEXITY:
        error = _error(
            "Query too complex",
            "INPUT_ERROR",
            "invalid input",
            presentable=f"The query is too complex. Complexity: {complexity}. "
            f"Maximum allowed complexity: {MAX_COMPLEXITY}.",
            meta={},
        )
        return _json({"errors": [error]}, 400, headers)
    result = execute(
        schema,
        document,
        # Resolvers read fields off dicts, the root included (linear_defaults).
        root_value={},
        context_value=Context(store=store, now=now),
        variable_values=body.get("variables") or {},
        operation_name=name,
    )
    response: dict[str, Any] = {"data": result.data}
    if result.errors:
        response["errors"] = [_format_error(error) for error in result.errors]
    return _json(response, 200, headers)


def _format_error(error: GraphQLError) -> dict[str, Any]:
    formatted = dict(error.formatted)
    extensions = getattr(error.original_error, "extensions", None)
    formatted["extensions"] = extensions or {"code": "INTERNAL_SERVER_ERROR"}
    return formatted
