"""Answers to requests that no route serves: each vendor's own JSON error shape, never HTML.

Flask answers an unknown path (404) or a wrong method (405) with an HTML page, which none of
the vendor APIs sends; a client would then fail on parsing JSON instead of on the status. A
request belongs to the vendor whose path prefix it carries (`/linear`, `/slack`, `/zendesk`,
the sandbox's own `/_sandbox`); Salesforce serves its instance at the root, so every other
path is Salesforce's.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from pipelines.sandbox.vendors.salesforce import errors as salesforce_errors
from pipelines.sandbox.vendors.slack import slack_error
from pipelines.sandbox.vendors.zendesk_paging import ApiError

# Renders one vendor's answer; `allowed` is None for an unknown path (404), else the methods
# the path does serve (405).
Renderer = Callable[[str | None], Response]


def _json(body: object, status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


def _linear(allowed: str | None) -> Response:
    # GraphQL's error envelope, as Linear sends it for requests it cannot execute.
    if allowed is None:
        message, code, status = f"Cannot {request.method} {request.path}", "NOT_FOUND", 404
    else:
        message, code, status = f"Use {allowed}", "METHOD_NOT_ALLOWED", 405
    return _json({"errors": [{"message": message, "extensions": {"code": code}}]}, status)


def _slack(allowed: str | None) -> Response:
    # Slack has no method by this name, or takes it by GET and POST only.
    name = request.path.rsplit("/", 1)[-1]
    return slack_error("unknown_method", status=404 if allowed is None else 405, req_method=name)


def _zendesk(allowed: str | None) -> Response:
    if allowed is None:
        error = ApiError(404, "RecordNotFound", "Not found")
    else:
        error = ApiError(405, "MethodNotAllowed", f"{request.method} not allowed; use {allowed}")
    return _json(error.body, error.status)


def _sandbox(allowed: str | None) -> Response:
    if allowed is None:
        return _json({"error": f"the sandbox has no {request.path}"}, 404)
    return _json({"error": f"{request.method} not allowed on {request.path}; use {allowed}"}, 405)


def _salesforce(allowed: str | None) -> Response:
    if allowed is None:
        return salesforce_errors(404, "NOT_FOUND", "The requested resource does not exist")
    return salesforce_errors(
        405,
        "METHOD_NOT_ALLOWED",
        f"HTTP Method '{request.method}' not allowed. Allowed are {allowed}",
    )


RENDERERS: dict[str, Renderer] = {
    "linear": _linear,
    "slack": _slack,
    "zendesk": _zendesk,
    "_sandbox": _sandbox,
}


def _unrouted(error: HTTPException) -> Response:
    allowed = None
    if isinstance(error, MethodNotAllowed):
        allowed = ",".join(sorted(error.valid_methods or ()))
    render = RENDERERS.get(request.path.split("/", 2)[1], _salesforce)
    response = render(allowed)
    if allowed is not None:
        response.headers["Allow"] = allowed.replace(",", ", ")
    return response


def register(app: Flask) -> None:
    """Answer unknown paths and wrong methods in the vendor's shape, app-wide.

    App-level, not per blueprint: Flask cannot tell which blueprint a request that matched no
    route was meant for, so blueprint error handlers never see these.
    """
    app.register_error_handler(NotFound, _unrouted)
    app.register_error_handler(MethodNotAllowed, _unrouted)
