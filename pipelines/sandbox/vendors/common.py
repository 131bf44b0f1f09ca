"""What every vendor blueprint shares: auth check, fault injection, request accounting and the
stuck-cursor mode."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, current_app, request

if TYPE_CHECKING:
    from pipelines.sandbox.server import Sandbox

# Returns an error response when the request's credentials are wrong, else None.
Authenticator = Callable[[], Response | None]
# Renders a fault kind ("rate_limited", "server_error", ...) in the vendor's own error shape.
FaultRenderer = Callable[[str], Response]
# Points a page's next cursor (or link) back at the one the request carried, in place; False
# when the request carried none (a first page) or the answer is not a page.
CursorSticker = Callable[[dict[str, Any]], bool]


def truncated_response(body: bytes, content_type: str = "application/json") -> Response:
    """A response whose connection drops mid-body: Content-Length promises more than is sent."""
    response = Response(body[: max(1, len(body) // 2)], content_type=content_type)
    response.headers["Content-Length"] = str(len(body))
    response.direct_passthrough = True
    return response


def guard(
    blueprint: Blueprint,
    sandbox: Sandbox,
    vendor: str,
    authenticate: Authenticator,
    render_fault: FaultRenderer,
    open_paths: tuple[str, ...] = (),
) -> None:
    """Install the checks that run before each of the blueprint's data requests.

    `open_paths` (suffixes of the request path) skip auth, e.g. an OAuth token endpoint.
    """

    @blueprint.before_request
    def _before() -> Response | None:
        if not (open_paths and request.path.endswith(open_paths)):
            denied = authenticate()
            if denied is not None:
                return denied
        fault = sandbox.faults.draw()
        if fault is not None:
            sandbox.count_fault(fault)
            if fault == "slow":
                time.sleep(sandbox.options.slow_seconds)
            elif fault == "truncated":
                return truncated_response(b'{"data": [' + b"0, " * 200 + b"0]}")
            elif fault == "broken_json":
                return Response(b'{"data": [0, 0, 0', content_type="application/json")
            else:
                return render_fault(fault)
        sandbox.count_request(vendor)
        return None


def stick_cursors(
    blueprint: Blueprint, sandbox: Sandbox, vendor: str, stick: CursorSticker
) -> None:
    """`--stuck-cursor VENDOR`: every page asked for with a cursor names that cursor as the next.

    A client that trusts the API would ask for the same page for ever. Unlike `--faults`, this is
    deterministic: every paged answer of the vendor, from its second page on (time-based Zendesk
    exports: from the first, as each request carries its position).
    """

    @blueprint.after_request
    def _stick(response: Response) -> Response:
        if (
            vendor not in sandbox.options.stuck_cursor
            or response.status_code != 200
            or response.direct_passthrough
        ):
            return response
        body = response.get_json(silent=True)
        if isinstance(body, dict) and stick(body):
            response.set_data(current_app.json.dumps(body))
        return response
