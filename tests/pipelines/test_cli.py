"""The command line ends user-fixable problems with one line and a non-zero exit, not a trace."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        cwd=REPO_ROOT,
        env={**os.environ, "RUNTIME__REQUEST_MAX_ATTEMPTS": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(error_lines) == 1, result.stderr
    for needle in needles:
        assert needle in error_lines[0], error_lines[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_port_in_use_is_one_line_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("sandbox", "--port", str(port), "--scale", "0.01")
    assert_one_line_error(result, "port", "--port")


@pytest.mark.parametrize("source", ["linear", "slack", "zendesk", "salesforce"])
def test_unreachable_api_is_one_line_error(source, tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    env = {
        "SOURCES__LINEAR__BASE_URL": f"{dead}/graphql",
        "SOURCES__LINEAR__API_KEY": "key",
        "SOURCES__SLACK__BASE_URL": f"{dead}/api",
        "SOURCES__SLACK__ACCESS_TOKEN": "xoxb-token",
        "SOURCES__ZENDESK__BASE_URL": dead,
        "SOURCES__ZENDESK__EMAIL": "a@example.com",
        "SOURCES__ZENDESK__API_TOKEN": "token",
        "SOURCES__SALESFORCE__LOGIN_URL": dead,
        "SOURCES__SALESFORCE__CLIENT_ID": "id",
        "SOURCES__SALESFORCE__CLIENT_SECRET": "secret",
        "SOURCES__SALESFORCE__USERNAME": "u@example.com",
        "SOURCES__SALESFORCE__PASSWORD": "pw",
    }
    result = run_cli("load", "--source", source, "--warehouse", str(tmp_path / "w.duckdb"), env=env)
    assert_one_line_error(result, "cannot reach", "127.0.0.1")


@pytest.mark.parametrize(
    ("source", "secret_env"),
    [
        ("linear", "SOURCES__LINEAR__API_KEY"),
        ("slack", "SOURCES__SLACK__ACCESS_TOKEN"),
        ("zendesk", "SOURCES__ZENDESK__API_TOKEN"),
        ("salesforce", "SOURCES__SALESFORCE__PASSWORD"),
    ],
)
def test_wrong_credentials_are_one_line_error(source, secret_env, tmp_path, sandbox_server):
    env = {**sandbox_server.client_settings(), secret_env: "wrong-secret"}
    result = run_cli("load", "--source", source, "--warehouse", str(tmp_path / "w.duckdb"), env=env)
    # The line names the secret to fix.
    assert_one_line_error(result, secret_env.split("__")[-1].lower())
    assert "wrong-secret" not in result.stderr + result.stdout


def test_missing_secret_is_one_line_error(tmp_path):
    env = {"SOURCES__LINEAR__BASE_URL": "http://127.0.0.1:9/graphql"}
    result = run_cli(
        "load", "--source", "linear", "--warehouse", str(tmp_path / "w.duckdb"), env=env
    )
    assert_one_line_error(result, "api_key", "secrets.toml")


def test_locked_warehouse_is_one_line_error(tmp_path):
    import duckdb

    warehouse = tmp_path / "w.duckdb"
    hold_lock = (
        f"import duckdb, time; c = duckdb.connect({str(warehouse)!r}); "
        "print('ok', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold_lock],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        result = run_cli(
            "load",
            "--source",
            "linear",
            "--sandbox",
            "--scale",
            "0.01",
            "--warehouse",
            str(warehouse),
        )
    finally:
        holder.kill()
        holder.wait()
    assert_one_line_error(result, "locked")
    duckdb.connect(str(warehouse)).close()


def test_a_stuck_cursor_ends_the_load_with_one_line(tmp_path):
    result = run_cli(
        "load",
        "--sandbox",
        "--source",
        "zendesk",
        "--scale",
        "0.01",
        "--stuck-cursor",
        "zendesk",
        "--warehouse",
        str(tmp_path / "w.duckdb"),
    )
    assert_one_line_error(result, "Zendesk incremental/", "repeats the cursor", "asked with")


def test_an_unknown_stuck_cursor_vendor_is_refused():
    result = run_cli("sandbox", "--stuck-cursor", "zendesk,jira")
    assert result.returncode == 2
    assert "unknown vendor jira" in result.stderr
