"""Build the base ref and the working tree on the same raw data, each into its own schemas.

One DuckDB file under the work directory holds a copy of the raw schemas (the sources' schemas,
read from the raw warehouse opened read-only, so the user's warehouse is never written), the
base build in schemas prefixed `base_` and the working tree's in schemas prefixed `head_`: the
profile's target schema is `base_analytics` or `head_analytics`, and dbt's default
generate_schema_name appends each folder's custom schema to it. The base build is kept and
reused while the base tree, the raw data and the vars are the same. The working tree then builds
only `state:modified+`, deferring to the base build for every unchanged parent.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

DBT = str(Path(sys.executable).parent / "dbt")


class BuildError(RuntimeError):
    """A dbt build or parse failed; the message is its last lines of output."""


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "review.duckdb"

    @property
    def base_project(self) -> Path:
        return self.root / "base-project"

    @property
    def base_target(self) -> Path:
        return self.root / "base-target"

    @property
    def head_target(self) -> Path:
        return self.root / "head-target"

    @property
    def stamp(self) -> Path:
        return self.root / "base.json"


def git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=True
    ).stdout.strip()


def export_ref(project: Path, ref: str, destination: Path) -> str:
    """The project at `ref` into `destination` (git archive: no worktree left behind);
    returns the tree id, which names the base build for reuse."""
    tree = git(project, "rev-parse", f"{ref}^{{tree}}")
    prefix = git(project, "rev-parse", "--show-prefix")
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    with tempfile.TemporaryFile() as archive:
        subprocess.run(
            ["git", "archive", "--format=tar", f"{ref}:{prefix}" if prefix else ref],
            cwd=project,
            stdout=archive,
            check=True,
        )
        archive.seek(0)
        with tarfile.open(fileobj=archive) as tar:
            tar.extractall(destination, filter="data")
    return tree


def source_schemas(project: Path) -> list[str]:
    """The schemas dbt sources read, from the sources YAML of the project."""
    schemas: set[str] = set()
    for path in sorted((project / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for source in document.get("sources", []) or []:
            schemas.add(source.get("schema") or source["name"])
    return sorted(schemas)


def raw_fingerprint(raw: Path, schemas: list[str]) -> str:
    """Every raw table with its columns and row count: changes when the raw data does, and is
    the same for two loads of the same data (dlt's load ids are left out for that)."""
    connection = duckdb.connect(str(raw), read_only=True)
    try:
        tables = connection.execute(
            "select schema_name, table_name, column_count from duckdb_tables() "
            "where schema_name in (select unnest(?)) and table_name not like '\\_dlt%' escape '\\' "
            "order by 1, 2",
            [schemas],
        ).fetchall()
        counted = [
            (
                schema,
                table,
                columns,
                connection.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0],
            )
            for schema, table, columns in tables
        ]
    finally:
        connection.close()
    return hashlib.sha256(json.dumps(counted, default=str).encode()).hexdigest()


def copy_raw(raw: Path, database: Path, schemas: list[str]) -> None:
    """A fresh review database holding a copy of the raw schemas' tables."""
    database.unlink(missing_ok=True)
    Path(f"{database}.wal").unlink(missing_ok=True)
    connection = duckdb.connect(str(database))
    try:
        connection.execute(f"attach '{raw}' as raw (read_only)")
        tables = connection.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = 'raw' and schema_name in (select unnest(?)) order by 1, 2",
            [schemas],
        ).fetchall()
        for schema in sorted({s for s, _ in tables}):
            connection.execute(f'create schema "{schema}"')
        for schema, table in tables:
            connection.execute(
                f'create table "{schema}"."{table}" as select * from raw."{schema}"."{table}"'
            )
        connection.execute("detach raw")
    finally:
        connection.close()


def write_profiles(workspace: Workspace, project: Path) -> None:
    profile = yaml.safe_load((project / "dbt_project.yml").read_text())["profile"]
    outputs = {
        side: {
            "type": "duckdb",
            "path": str(workspace.database),
            "schema": f"{side}_analytics",
            "threads": 2,
        }
        for side in ("base", "head")
    }
    text = yaml.safe_dump({profile: {"target": "head", "outputs": outputs}}, sort_keys=True)
    (workspace.root / "profiles.yml").write_text(text)


def dbt(workspace: Workspace, project: Path, side: str, target: Path, *args: str) -> str:
    """Run dbt on `side`'s schemas; raise BuildError with the output's tail when it fails."""
    command = [
        DBT,
        "--no-use-colors",
        *args,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(workspace.root),
        "--target",
        side,
        "--target-path",
        str(target),
        "--log-path",
        str(workspace.root / "logs"),
    ]
    result = subprocess.run(
        command,
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"},
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-30:])
        raise BuildError(f"dbt {args[0]} of the {side} failed:\n{tail}")
    return result.stdout


def build_base(workspace: Workspace, project: Path, ref: str, raw: Path, vars_: str) -> bool:
    """Build the base ref fully unless the same base was built on the same raw data and vars;
    returns whether it built."""
    workspace.root.mkdir(parents=True, exist_ok=True)
    tree = export_ref(project, ref, workspace.base_project)
    schemas = source_schemas(workspace.base_project)
    stamp = {"tree": tree, "raw": raw_fingerprint(raw, schemas), "vars": vars_}
    write_profiles(workspace, project)
    if (
        workspace.stamp.exists()
        and json.loads(workspace.stamp.read_text()) == stamp
        and (workspace.base_target / "manifest.json").exists()
        and workspace.database.exists()
    ):
        return False
    workspace.stamp.unlink(missing_ok=True)
    copy_raw(raw, workspace.database, schemas)
    # The base is the reference, not what is judged: its seeds and models, without its tests.
    dbt(
        workspace,
        workspace.base_project,
        "base",
        workspace.base_target,
        "build",
        "--resource-type",
        "seed",
        "--resource-type",
        "model",
        "--resource-type",
        "snapshot",
        "--vars",
        vars_,
    )
    workspace.stamp.write_text(json.dumps(stamp, sort_keys=True))
    return True


def build_head(workspace: Workspace, project: Path, vars_: str) -> None:
    """Build what the working tree changed and everything downstream of it, reading unchanged
    parents from the base build."""
    shutil.rmtree(workspace.head_target, ignore_errors=True)
    dbt(
        workspace,
        project,
        "head",
        workspace.head_target,
        "build",
        "--select",
        "state:modified+",
        "--defer",
        "--state",
        str(workspace.base_target),
        "--vars",
        vars_,
    )


def results(target: Path) -> dict[str, tuple[str, str]]:
    """unique id -> (status, first line of the message) of each node the last dbt command in
    `target` ran."""
    path = target / "run_results.json"
    if not path.exists():
        return {}
    return {
        r["unique_id"]: (r["status"], (r.get("message") or "").strip().split("\n")[0])
        for r in json.loads(path.read_text())["results"]
    }


def executed(target: Path) -> list[str]:
    """Unique ids of the nodes the last dbt command in `target` ran."""
    return sorted(results(target))
