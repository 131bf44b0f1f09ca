"""Command line: `python -m pipelines sandbox|load|summary`. Errors end in one line, not a trace."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import requests
from dlt.common.configuration.exceptions import ConfigFieldMissingException

from pipelines.common.errors import SourceError
from pipelines.loader import (
    DESTINATIONS,
    SOURCES,
    destination_name,
    load,
    temporary_environment,
    warehouse_path,
)

if TYPE_CHECKING:
    from pipelines.sandbox.server import Sandbox

log = logging.getLogger("pipelines")


def _vendor_list(text: str) -> frozenset[str]:
    vendors = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = vendors - set(SOURCES)
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown vendor {', '.join(sorted(unknown))} (choose from {', '.join(SOURCES)})"
        )
    return vendors


def _add_sandbox_options(parser: argparse.ArgumentParser) -> None:
    from pipelines.sandbox.company.profiles import PROFILES

    parser.add_argument("--seed", type=int, default=42, help="company seed (default 42)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="company size, e.g. 0.1 for tests (default 1)"
    )
    parser.add_argument(
        "--faults",
        type=float,
        default=0.0,
        metavar="RATE",
        help="share of requests that fail in transport (429, 5xx, drops, timeouts)",
    )
    parser.add_argument(
        "--stuck-cursor",
        type=_vendor_list,
        default=frozenset(),
        metavar="VENDOR[,VENDOR]",
        help="these vendors' pages keep pointing at the cursor they were asked with",
    )
    parser.add_argument(
        "--churn",
        type=float,
        nargs="?",
        const=5.0,
        default=0.0,
        metavar="MINUTES",
        help="move the sandbox clock this many minutes per request (default when given: 5)",
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="full",
        help="the company as built (full), or with every optional entity empty (minimal)",
    )
    parser.add_argument(
        "--now",
        type=datetime.fromisoformat,
        default=None,
        help="the sandbox clock (ISO timestamp); default: the company's fixed now",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    sandbox = commands.add_parser("sandbox", help="serve the four vendor APIs on 127.0.0.1")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    sandbox.add_argument("--tls", action="store_true", help="serve https (throwaway certificate)")
    _add_sandbox_options(sandbox)

    load_cmd = commands.add_parser("load", help="run the dlt sources into the warehouse")
    load_cmd.add_argument("--source", choices=("all", *SOURCES), default="all")
    load_cmd.add_argument(
        "--sandbox",
        action="store_true",
        help="start the sandbox in-process and point the sources at it",
    )
    load_cmd.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="DuckDB file (default: $WAREHOUSE_PATH or warehouse.duckdb)",
    )
    load_cmd.add_argument(
        "--destination",
        choices=DESTINATIONS,
        default=None,
        help="duckdb (default: $WAREHOUSE_DESTINATION or duckdb), postgres, or filesystem "
        "(Parquet files for Spark); credentials from .dlt/secrets.toml or env vars",
    )
    _add_sandbox_options(load_cmd)

    summary = commands.add_parser("summary", help="row counts per mart and a headline metric")
    summary.add_argument("--warehouse", type=Path, default=None)
    summary.add_argument(
        "--destination",
        choices=("duckdb", "postgres", "spark"),
        default=None,
        help="the warehouse's engine (default: duckdb, or postgres with WAREHOUSE_DESTINATION)",
    )
    return parser


def _make_sandbox(args: argparse.Namespace) -> Sandbox:
    from pipelines.sandbox.company import build_company
    from pipelines.sandbox.company.profiles import apply_profile
    from pipelines.sandbox.server import Sandbox, SandboxOptions

    options = SandboxOptions(
        seed=args.seed,
        scale=args.scale,
        faults=args.faults,
        churn_minutes=args.churn,
        stuck_cursor=args.stuck_cursor,
    )
    company = apply_profile(build_company(seed=args.seed, scale=args.scale), args.profile)
    sandbox = Sandbox(company, options)
    if args.now:
        sandbox.set_now(args.now)
    return sandbox


@contextmanager
def _sandbox_environment(args: argparse.Namespace) -> Iterator[None]:
    """Start the sandbox on a free port and point every source's config at it."""
    from pipelines.sandbox.server import SandboxServer

    sandbox = _make_sandbox(args)
    with SandboxServer(sandbox) as server:
        log.warning(
            "sandbox serving seed %s scale %s (%s profile) at %s",
            args.seed,
            args.scale,
            args.profile,
            server.url,
        )
        settings = server.client_settings()
        if args.faults:
            # A "slow" fault must outlast the client's timeout, and retries should not dawdle;
            # the user's own retry settings win.
            fault_retries = {
                "RUNTIME__REQUEST_TIMEOUT": str(sandbox.options.slow_seconds / 2),
                "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.1",
                "RUNTIME__REQUEST_MAX_ATTEMPTS": "12",
            }
            settings |= {k: v for k, v in fault_retries.items() if k not in os.environ}
        with temporary_environment(settings):
            yield


def run_sandbox(args: argparse.Namespace) -> None:
    from pipelines.sandbox.credentials import SANDBOX_CREDENTIALS
    from pipelines.sandbox.server import SandboxServer
    from pipelines.sandbox.tls import throwaway_ssl_context

    sandbox = _make_sandbox(args)
    cert_dir = Path(tempfile.mkdtemp(prefix="sandbox-tls-")) if args.tls else None
    ssl_context = throwaway_ssl_context(cert_dir) if cert_dir else None
    server = SandboxServer(sandbox, host=args.host, port=args.port, ssl_context=ssl_context)
    print(
        f"Sandbox (seed {args.seed}, scale {args.scale}, {args.profile} profile, "
        f"now {sandbox.now.isoformat()})"
    )
    print(f"  serving on {server.url}   (Ctrl-C stops)")
    if cert_dir:
        print(f"  certificate to trust: {cert_dir / 'sandbox-cert.pem'}")
    for key, value in server.client_settings().items():
        print(f"  {key}={value}")
    print(f"  credentials: {SANDBOX_CREDENTIALS}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with suppress(KeyboardInterrupt):
        server.serve_forever()


def run_load(args: argparse.Namespace) -> None:
    sources = SOURCES if args.source == "all" else (args.source,)
    warehouse = (args.warehouse or warehouse_path()).resolve()
    destination = args.destination or destination_name()
    if args.sandbox:
        with _sandbox_environment(args):
            results = load(sources, warehouse, destination)
    else:
        results = load(sources, warehouse, destination)
    for result in results:
        total = sum(result.rows.values())
        tables = len(result.rows)
        print(f"{result.source:<11} {total:>8} rows -> {result.dataset} ({tables} tables)")
    print(f"warehouse: {warehouse if destination == 'duckdb' else destination}")


def run_summary(args: argparse.Namespace) -> None:
    from pipelines.summary import print_summary

    destination = args.destination or {"postgres": "postgres"}.get(destination_name(), "duckdb")
    print_summary((args.warehouse or warehouse_path()).resolve(), destination)


def explain(error: BaseException) -> str | None:
    """A one-line, actionable message for errors a user can fix; None for real bugs."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, SourceError):
            return str(current)
        if isinstance(current, ConfigFieldMissingException):
            return (
                f"missing configuration {', '.join(current.fields)} ({current.spec_name}): set it "
                "in .dlt/secrets.toml (see .dlt/example.secrets.toml) or as an env var such as "
                "SOURCES__<SOURCE>__<KEY>, or use --sandbox"
            )
        if isinstance(current, requests.JSONDecodeError):
            return (
                "an API kept answering with a body that is not JSON, even after retries: nothing "
                "from this run was committed; run the load again later"
            )
        if isinstance(current, requests.ConnectionError):
            url = getattr(current.request, "url", None) or "the API"
            return (
                f"cannot reach {url}: check the base URL in .dlt/config.toml and the network "
                "(or use --sandbox)"
            )
        if isinstance(current, OSError) and current.errno == errno.EADDRINUSE:
            return "the port is already in use: pick another with --port (or --port 0 for any)"
        current = current.__cause__ or current.__context__
    return None


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    handlers = {"sandbox": run_sandbox, "load": run_load, "summary": run_summary}
    try:
        handlers[args.command](args)
    except Exception as error:
        message = explain(error)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        return 1
    return 0
