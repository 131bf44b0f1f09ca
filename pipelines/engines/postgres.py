"""A throwaway PostgreSQL cluster for the demo and the tests: initdb + pg_ctl in a folder.

PostgreSQL refuses to run as root, and CI runs as root: the server then runs as the
unprivileged system user `postgres` (created when missing, as Debian's package would). The
cluster trusts local connections and listens on 127.0.0.1 only; it exists to be thrown away.

    python -m pipelines.engines.postgres start --dir .postgres --port 5433   # prints env vars
    python -m pipelines.engines.postgres stop --dir .postgres
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SERVER_USER = "postgres"
DATABASE = "analytics"
ROLE = "analytics"


class PostgresUnavailableError(RuntimeError):
    """PostgreSQL's server binaries are not installed (or cannot be run here)."""


def find_bin_dir() -> Path:
    """The folder of initdb/pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<version>/bin."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if not candidates:
        raise PostgresUnavailableError(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's `postgresql` "
            "(`make engines` does, as root)"
        )
    return Path(candidates[-1]).parent


def connection_settings(env: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """psycopg2's settings from the POSTGRES_* variables, with the postgres target's defaults."""
    return {
        "host": env.get("POSTGRES_HOST", "localhost"),
        "port": int(env.get("POSTGRES_PORT", "5432")),
        "user": env.get("POSTGRES_USER", ROLE),
        "password": env.get("POSTGRES_PASSWORD", ""),
        "dbname": env.get("POSTGRES_DB", DATABASE),
    }


def connect(env: Mapping[str, str] = os.environ, **overrides: Any) -> Any:
    import psycopg2

    return psycopg2.connect(**{**connection_settings(env), **overrides})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_user() -> str | None:
    """None when we may run the server ourselves; else the system user to run it as."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVER_USER,
            ],
            check=True,
        )
    return SERVER_USER


def _run(command: list[str], user: str | None) -> None:
    if user:
        command = ["runuser", "-u", user, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip().splitlines()
        raise RuntimeError(f"{' '.join(command)} failed: {output[-1] if output else '?'}")


@dataclass(frozen=True)
class LocalPostgres:
    """A cluster in `directory` listening on 127.0.0.1:`port`."""

    directory: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    @property
    def password_file(self) -> Path:
        return self.directory / "password"

    def env(self) -> dict[str, str]:
        """Connection settings for dbt (profiles.yml) and dlt (its `postgres` destination)."""
        password = self.password_file.read_text().strip()
        url = f"postgresql://{ROLE}:{password}@127.0.0.1:{self.port}/{DATABASE}"
        return {
            "POSTGRES_HOST": "127.0.0.1",
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": ROLE,
            "POSTGRES_PASSWORD": password,
            "POSTGRES_DB": DATABASE,
            "DESTINATION__POSTGRES__CREDENTIALS": url,
        }

    def start(self) -> LocalPostgres:
        """initdb (once) and start the server; returns when it accepts connections."""
        bin_dir, user = find_bin_dir(), _server_user()
        self.directory.mkdir(parents=True, exist_ok=True)
        if not self.password_file.exists():
            self.password_file.write_text(secrets.token_hex(16))
            self.password_file.chmod(0o600)
        if user:
            account = pwd.getpwnam(user)
            for path in (self.directory, self.password_file):
                os.chown(path, account.pw_uid, account.pw_gid)
            reachable = subprocess.run(
                ["runuser", "-u", user, "--", "test", "-w", str(self.directory)]
            )
            if reachable.returncode != 0:
                raise RuntimeError(
                    f"the server's user {user!r} cannot reach {self.directory}: pick a folder "
                    "it can (e.g. POSTGRES_DIR=/tmp/support-analytics-postgres)"
                )
        if not (self.data_dir / "PG_VERSION").exists():
            _run(
                [
                    str(bin_dir / "initdb"),
                    "--pgdata",
                    str(self.data_dir),
                    "--username",
                    ROLE,
                    "--pwfile",
                    str(self.password_file),
                    "--auth-local",
                    "trust",
                    "--auth-host",
                    "scram-sha-256",
                    "--encoding",
                    "UTF8",
                    "--locale",
                    "C",
                ],
                user,
            )
        # Durability is pointless for a throwaway cluster; UTC keeps casts of timestamptz plain.
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c timezone=UTC"
        )
        _run(
            [
                str(bin_dir / "pg_ctl"),
                "start",
                "--pgdata",
                str(self.data_dir),
                "--log",
                str(self.directory / "server.log"),
                "--options",
                options,
                "--wait",
            ],
            user,
        )
        self._create_database()
        return self

    def _create_database(self) -> None:
        connection = connect(self.env(), dbname="postgres")
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("select 1 from pg_database where datname = %s", (DATABASE,))
                if cursor.fetchone() is None:
                    cursor.execute(f"create database {DATABASE}")
        finally:
            connection.close()

    def stop(self) -> None:
        if not (self.data_dir / "postmaster.pid").exists():
            return
        _run(
            [
                str(find_bin_dir() / "pg_ctl"),
                "stop",
                "--pgdata",
                str(self.data_dir),
                "--mode",
                "fast",
                "--wait",
            ],
            _server_user(),
        )


def _read_port(directory: Path) -> int:
    """The port of a running cluster, from the first lines of its postmaster.pid."""
    lines = (directory / "data" / "postmaster.pid").read_text().splitlines()
    return int(lines[3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.engines.postgres", description=__doc__
    )
    parser.add_argument("command", choices=("start", "stop", "env"))
    parser.add_argument("--dir", type=Path, default=Path(".postgres"))
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    directory = args.dir.resolve()
    try:
        if args.command == "start":
            running = (directory / "data" / "postmaster.pid").exists()
            port = _read_port(directory) if running else args.port or free_port()
            cluster = LocalPostgres(directory, port)
            if not running:
                cluster.start()
        else:
            cluster = LocalPostgres(directory, _read_port(directory))
            if args.command == "stop":
                cluster.stop()
                return 0
    except (PostgresUnavailableError, RuntimeError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for key, value in cluster.env().items():
        print(f"export {key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
