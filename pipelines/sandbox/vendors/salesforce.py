"""The sandbox's Salesforce: OAuth token endpoint and the REST query API, at the root.

Like a real org, whose `instance_url` is a bare origin (`https://acme.my.salesforce.com`), the
instance is the sandbox's origin (`http://127.0.0.1:<port>`): it serves these paths at the root
and is its own login URL. Endpoints:

- `POST /services/oauth2/token`: OAuth 2.0 `grant_type=password` (client_id, client_secret,
  username, password as form fields) or `client_credentials` (HTTP Basic client_id:secret).
  Answers `{access_token, instance_url, id, token_type, issued_at, signature}`; wrong
  credentials get 400 `{"error": "invalid_grant" | "invalid_client_id" | "invalid_client", ...}`.
- `GET /services/data/`: the API versions.
- `GET /services/data/vNN.0/query?q=<SOQL>` and `/queryAll?q=` (queryAll also returns rows with
  `IsDeleted = true`, query hides them); `GET .../query/<locator>` for the next page.
  `Sforce-Query-Options: batchSize=N` is clamped to 200..2000 (default 2000).
- `GET /services/data/vNN.0/sobjects/<Object>/describe`: the object's fields and their types.
- `POST /services/async/NN.0/job`: Bulk API 1.0 is "not enabled", so clients fall back to REST.

Data requests need `Authorization: Bearer <access_token>`. Sessions last two hours of sandbox
clock (a real org's default timeout); after that, like a bad token, they get 401
`[{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]`. Errors are
JSON arrays `[{"message", "errorCode"}]`: 400 MALFORMED_QUERY / INVALID_FIELD / INVALID_TYPE /
INVALID_QUERY_LOCATOR, 404 NOT_FOUND, 403 REQUEST_LIMIT_EXCEEDED for the rate-limit fault (with
no Retry-After, as Salesforce sends none), 500 UNKNOWN_EXCEPTION, 502 from the "gateway" as HTML,
503 SERVER_UNAVAILABLE. Every response carries `Sforce-Limit-Info: api-usage=<n>/15000`. A path
that no vendor serves gets 404 NOT_FOUND (405 METHOD_NOT_ALLOWED for a wrong method) in the same
shape, from `pipelines.sandbox.vendors.unrouted`.

Query cursors remember a position, not an offset, so paging is stable while records change
(see `salesforce_records`).

Reaching the sandbox over TLS (simple-salesforce only speaks https): start a second server with
`SandboxServer(sandbox, ssl_context=throwaway_ssl_context(cert_dir))` (or `python -m pipelines
sandbox --tls`), take `access_token` and `instance_url` from the token endpoint, and trust
`cert_dir / "sandbox-cert.pem"`: a session with `s.verify = cert_path` and `s.trust_env = False`
(REQUESTS_CA_BUNDLE otherwise overrides `verify`), or `REQUESTS_CA_BUNDLE=<cert_path>` for the
process. Then `Salesforce(session_id=token, instance_url=instance_url, session=s)`, the
`instance_url` as the token endpoint returned it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, request

from pipelines.sandbox.credentials import SANDBOX_CREDENTIALS
from pipelines.sandbox.vendors.common import guard, stick_cursors
from pipelines.sandbox.vendors.salesforce_records import (
    VENDOR,
    NotFound,
    QueryService,
    Records,
    base62,
    batch_size,
)
from pipelines.sandbox.vendors.salesforce_soql import SoqlError

if TYPE_CHECKING:
    from pipelines.sandbox.server import Sandbox

API_VERSIONS = tuple(f"{major}.0" for major in range(31, 63))
SESSION_TIMEOUT = timedelta(hours=2)
API_LIMIT = 15000
TOKEN_PATH = "/services/oauth2/token"
JSON = "application/json;charset=UTF-8"


def errors(status: int, error_code: str, message: str) -> Response:
    return Response(
        json.dumps([{"message": message, "errorCode": error_code}]), status, content_type=JSON
    )


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status, content_type=JSON)


def render_fault(kind: str, retry_after: int) -> Response:
    if kind == "rate_limited":
        # Salesforce's org-wide API limit: a 403 with no Retry-After; clients must back off.
        return errors(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
    if kind == "bad_gateway":
        return Response(
            "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>",
            502,
            content_type="text/html",
        )
    if kind == "unavailable":
        response = errors(
            503, "SERVER_UNAVAILABLE", "Server is temporarily unavailable. Try again later."
        )
        response.headers["Retry-After"] = str(retry_after)
        return response
    return errors(
        500,
        "UNKNOWN_EXCEPTION",
        "An unexpected error occurred. Please include this ErrorId if you contact support: "
        "1987654321-12345 (-1234567890)",
    )


class Sessions:
    """Deterministic, self-verifying access tokens that expire on the sandbox clock."""

    def __init__(self, seed: int) -> None:
        self._key = hashlib.sha256(f"salesforce-sandbox-{seed}".encode()).digest()
        self.org_id = "00D" + base62(self._key, 12) + "EAA"

    def _signature(self, message: str) -> str:
        digest = hmac.new(self._key, message.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self, now: datetime, username: str) -> str:
        issued_ms = int(now.timestamp() * 1000)
        body = f"{issued_ms}:{username}"
        raw = f"{body}:{self._signature(body)}".encode()
        return f"{self.org_id}!{base64.urlsafe_b64encode(raw).decode().rstrip('=')}"

    def valid(self, token: str, now: datetime) -> bool:
        org_id, _, encoded = token.partition("!")
        if org_id != self.org_id or not encoded:
            return False
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
            issued_ms, username, signature = raw.rsplit(":", 2)
            issued = datetime.fromtimestamp(int(issued_ms) / 1000, tz=now.tzinfo)
        except ValueError:
            return False
        if not hmac.compare_digest(signature, self._signature(f"{issued_ms}:{username}")):
            return False
        return issued <= now < issued + SESSION_TIMEOUT


def stick_cursor(body: dict[str, Any]) -> bool:
    """`--stuck-cursor salesforce`: a page asked for by locator names that locator as the next."""
    if "locator" not in (request.view_args or {}) or "records" not in body:
        return False
    # nextRecordsUrl is relative to the instance: the path from `/services/data/` on.
    body["nextRecordsUrl"] = request.path[request.path.index("/services/data/") :]
    body["done"] = False
    return True


def create_blueprint(sandbox: Sandbox) -> Blueprint:
    blueprint = Blueprint(VENDOR, __name__)
    credentials = SANDBOX_CREDENTIALS[VENDOR]
    sessions = Sessions(sandbox.company.seed)
    queries = QueryService(Records(sandbox), lambda: sandbox.now)

    def authenticate() -> Response | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() not in ("bearer", "oauth"):
            token = request.headers.get("X-SFDC-Session", "")  # how Bulk API 1.0 sends it
        if sessions.valid(token.strip(), sandbox.now):
            return None
        response = errors(401, "INVALID_SESSION_ID", "Session expired or invalid")
        response.headers["WWW-Authenticate"] = "Token"
        return response

    guard(
        blueprint,
        sandbox,
        VENDOR,
        authenticate,
        lambda kind: render_fault(kind, sandbox.options.retry_after_seconds),
        open_paths=(TOKEN_PATH, "/services/data/", "/services/data"),
    )

    stick_cursors(blueprint, sandbox, VENDOR, stick_cursor)

    @blueprint.after_request
    def _limit_info(response: Response) -> Response:
        usage = sandbox.request_counts[VENDOR]
        response.headers["Sforce-Limit-Info"] = f"api-usage={usage}/{API_LIMIT}"
        return response

    @blueprint.post(TOKEN_PATH)
    def token() -> Response:
        form = request.form
        grant_type = form.get("grant_type", "")
        if grant_type == "client_credentials":
            basic = request.authorization
            client_id = basic.username if basic else form.get("client_id")
            client_secret = basic.password if basic else form.get("client_secret")
            username = credentials["username"]
        elif grant_type == "password":
            client_id, client_secret = form.get("client_id"), form.get("client_secret")
            username = form.get("username", "")
            if (username, form.get("password")) != (
                credentials["username"],
                credentials["password"],
            ):
                return oauth_error("invalid_grant", "authentication failure")
        else:
            return oauth_error("unsupported_grant_type", "grant type not supported")
        if client_id != credentials["client_id"]:
            return oauth_error("invalid_client_id", "client identifier invalid")
        if client_secret != credentials["client_secret"]:
            return oauth_error("invalid_client", "invalid client credentials")
        now = sandbox.now
        # Scheme, host and port only: Salesforce's instance_url carries no path.
        instance_url = request.host_url.rstrip("/")
        identity = f"{instance_url}/id/{sessions.org_id}/005{base62(username.encode(), 15)}"
        issued_at = str(int(now.timestamp() * 1000))
        signature = hmac.new(
            str(client_secret).encode(), f"{identity}{issued_at}".encode(), hashlib.sha256
        ).digest()
        return json_response(
            {
                "access_token": sessions.issue(now, username),
                "instance_url": instance_url,
                "id": identity,
                "token_type": "Bearer",
                "issued_at": issued_at,
                "signature": base64.b64encode(signature).decode(),
            }
        )

    @blueprint.get("/services/data/")
    @blueprint.get("/services/data")
    def versions() -> Response:
        return json_response(
            [
                {"label": f"API {version}", "url": f"/services/data/v{version}", "version": version}
                for version in API_VERSIONS
            ]
        )

    def run(version: str, action: Callable[[], Any]) -> Response:
        if version not in API_VERSIONS:
            return errors(404, "NOT_FOUND", "The requested resource does not exist")
        try:
            return json_response(action())
        except SoqlError as error:
            return errors(400, error.error_code, error.message)
        except NotFound:
            return errors(404, "NOT_FOUND", "The requested resource does not exist")

    def start(version: str, include_deleted: bool) -> Response:
        soql = request.args.get("q")
        if not soql:
            return errors(400, "MALFORMED_QUERY", "A query string has to be specified")
        size = batch_size(request.headers.get("Sforce-Query-Options"))
        return run(version, lambda: queries.start(soql, include_deleted, size, version))

    @blueprint.get("/services/data/v<version>/query")
    @blueprint.get("/services/data/v<version>/query/")
    def query(version: str) -> Response:
        return start(version, include_deleted=False)

    @blueprint.get("/services/data/v<version>/queryAll")
    @blueprint.get("/services/data/v<version>/queryAll/")
    def query_all(version: str) -> Response:
        return start(version, include_deleted=True)

    @blueprint.get("/services/data/v<version>/query/<locator>")
    @blueprint.get("/services/data/v<version>/queryAll/<locator>")
    def query_more(version: str, locator: str) -> Response:
        return run(version, lambda: queries.resume(locator, version))

    @blueprint.get("/services/data/v<version>/sobjects/<sobject>/describe")
    @blueprint.get("/services/data/v<version>/sobjects/<sobject>/describe/")
    def describe(version: str, sobject: str) -> Response:
        return run(version, lambda: queries.records.describe(sobject))

    @blueprint.post("/services/async/<version>/job")
    def bulk_job(version: str) -> Response:
        return Response(
            '<?xml version="1.0" encoding="UTF-8"?><error '
            'xmlns="http://www.force.com/2009/06/asyncapi/dataload">'
            "<exceptionCode>FeatureNotEnabled</exceptionCode>"
            "<exceptionMessage>Async API not enabled</exceptionMessage></error>",
            400,
            content_type="application/xml",
        )

    return blueprint


def oauth_error(error: str, description: str) -> Response:
    return json_response({"error": error, "error_description": description}, status=400)
