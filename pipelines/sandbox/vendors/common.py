"""What every vendor blueprint shares: auth check, fault injection and request accounting."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Blueprint, Response, request

if TYPE_CHECKING:
    from pipelines.sandbox.server import Sandbox

# Returns an error response when the request's credentials are wrong, else None.
Authenticator = Callable[[], Response | None]
# Renders a fault kind ("rate_limited", "server_error", ...) in the vendor's own error shape.
FaultRenderer = Callable[[str], Response]


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
