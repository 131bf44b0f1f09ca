"""The sandbox HTTP server: one Flask app serving the four vendor APIs on 127.0.0.1.

Vendor APIs are blueprints from `pipelines.sandbox.vendors`: Linear, Slack and Zendesk under
path prefixes (`/linear`, `/slack`, `/zendesk`), Salesforce at the root, as a real org serves its
API at its instance's origin. Sandbox control endpoints live under `/_sandbox`. A request no
route serves gets its vendor's JSON error, never an HTML page.
"""

from __future__ import annotations

import logging
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.serving import BaseWSGIServer, make_server

from pipelines.sandbox.company import build_company
from pipelines.sandbox.company.model import Company
from pipelines.sandbox.credentials import SANDBOX_CREDENTIALS
from pipelines.sandbox.faults import FaultInjector

VENDORS = ("linear", "slack", "zendesk", "salesforce")


@dataclass
class SandboxOptions:
    seed: int = 42
    scale: float = 1.0
    faults: float = 0.0
    # Minutes the clock moves forward with every data request: records change mid-sync.
    churn_minutes: float = 0.0
    # Seconds a "slow" fault waits before answering: longer than the client's timeout.
    slow_seconds: float = 3.0
    retry_after_seconds: int = 1
    # Vendors whose pages keep pointing at the cursor they were asked with (`--stuck-cursor`).
    stuck_cursor: frozenset[str] = frozenset()


class Sandbox:
    """The state behind the API: the company, the clock, faults and request accounting."""

    def __init__(self, company: Company, options: SandboxOptions) -> None:
        self.company = company
        self.options = options
        self._now = company.now
        self._lock = threading.Lock()
        self.faults = FaultInjector(options.faults, seed=options.seed)
        self.request_counts: dict[str, int] = dict.fromkeys(VENDORS, 0)
        self.fault_counts: dict[str, int] = {}

    @property
    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set_now(self, at: datetime) -> None:
        with self._lock:
            if at > self.company.horizon:
                raise ValueError(
                    f"the simulation ends at {self.company.horizon.isoformat()}; "
                    f"cannot move the clock to {at.isoformat()}"
                )
            if at < self._now:
                raise ValueError("the sandbox clock only moves forward")
            self._now = at

    def advance(self, delta: timedelta) -> datetime:
        self.set_now(min(self.now + delta, self.company.horizon))
        return self.now

    def count_request(self, vendor: str) -> None:
        """Count a data request; with churn on, each request moves the clock forward."""
        with self._lock:
            self.request_counts[vendor] += 1
            if self.options.churn_minutes:
                self._now = min(
                    self._now + timedelta(minutes=self.options.churn_minutes),
                    self.company.horizon,
                )

    def count_fault(self, kind: str) -> None:
        with self._lock:
            self.fault_counts[kind] = self.fault_counts.get(kind, 0) + 1


def create_app(sandbox: Sandbox) -> Flask:
    from pipelines.sandbox.vendors import blueprints, unrouted

    app = Flask("sandbox")
    app.config["JSON_SORT_KEYS"] = False
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["sandbox"] = sandbox
    for blueprint in blueprints(sandbox):
        app.register_blueprint(blueprint)
    unrouted.register(app)

    @app.get("/_sandbox/status")
    def status() -> Any:
        return jsonify(
            seed=sandbox.company.seed,
            scale=sandbox.company.scale,
            now=sandbox.now.isoformat(),
            horizon=sandbox.company.horizon.isoformat(),
            requests=sandbox.request_counts,
            faults=sandbox.fault_counts,
        )

    @app.post("/_sandbox/clock")
    def clock() -> Any:
        body = request.get_json(force=True, silent=True) or {}
        try:
            if "now" in body:
                sandbox.set_now(datetime.fromisoformat(body["now"]))
            else:
                sandbox.advance(timedelta(minutes=float(body.get("advance_minutes", 0))))
        except ValueError as error:
            return jsonify(error=str(error)), 422
        return jsonify(now=sandbox.now.isoformat())

    return app


class SandboxServer:
    """Runs the app on a real WSGI server in a background thread (port 0 picks a free port)."""

    def __init__(
        self,
        sandbox: Sandbox,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: Any = None,
    ) -> None:
        self.sandbox = sandbox
        self.app = create_app(sandbox)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        _check_port_free(host, port)
        self._server: BaseWSGIServer = make_server(
            host, port, self.app, threaded=True, ssl_context=ssl_context
        )
        self.host = host
        self.port = self._server.server_port
        scheme = "https" if ssl_context else "http"
        self.url = f"{scheme}://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> SandboxServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def client_settings(self) -> dict[str, str]:
        """Environment variables that point every dlt source at this sandbox."""
        return sandbox_client_settings(self.url)


def _check_port_free(host: str, port: int) -> None:
    """Raise OSError(EADDRINUSE) for a busy port; werkzeug would print and sys.exit instead."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def sandbox_client_settings(url: str) -> dict[str, str]:
    """dlt config/secrets, as environment variables, for the sources to talk to a sandbox."""
    creds = SANDBOX_CREDENTIALS
    return {
        "SOURCES__LINEAR__BASE_URL": f"{url}/linear/graphql",
        "SOURCES__LINEAR__API_KEY": creds["linear"]["api_key"],
        "SOURCES__SLACK__BASE_URL": f"{url}/slack/api",
        "SOURCES__SLACK__ACCESS_TOKEN": creds["slack"]["access_token"],
        "SOURCES__ZENDESK__BASE_URL": f"{url}/zendesk",
        "SOURCES__ZENDESK__EMAIL": creds["zendesk"]["email"],
        "SOURCES__ZENDESK__API_TOKEN": creds["zendesk"]["api_token"],
        # The sandbox's origin is both the login URL and the instance, as a My Domain is.
        "SOURCES__SALESFORCE__LOGIN_URL": url,
        "SOURCES__SALESFORCE__CLIENT_ID": creds["salesforce"]["client_id"],
        "SOURCES__SALESFORCE__CLIENT_SECRET": creds["salesforce"]["client_secret"],
        "SOURCES__SALESFORCE__USERNAME": creds["salesforce"]["username"],
        "SOURCES__SALESFORCE__PASSWORD": creds["salesforce"]["password"],
    }


def start_sandbox(options: SandboxOptions, host: str = "127.0.0.1", port: int = 0) -> SandboxServer:
    company = build_company(seed=options.seed, scale=options.scale)
    return SandboxServer(Sandbox(company, options), host=host, port=port).start()
