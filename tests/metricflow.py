"""Run MetricFlow's CLI (`mf`) on a test warehouse with the semantic manifest of its dbt build."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from tests.loading import REPO_ROOT


def run_mf(warehouse: Path, build_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """`mf <args>` on `warehouse`, with the semantic manifest dbt wrote to `build_dir/target`.

    mf reads `target/semantic_manifest.json` under the project directory, whatever dbt's target
    path was, so it runs in a directory holding only the project file and that build's target.
    """
    project = build_dir / "mf_project"
    project.mkdir(exist_ok=True)
    for name, source in (
        ("dbt_project.yml", REPO_ROOT / "dbt_project.yml"),
        ("target", build_dir / "target"),
    ):
        if not (project / name).exists():
            (project / name).symlink_to(source)
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "DBT_PROJECT_DIR": str(project),
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    return subprocess.run(
        [str(Path(sys.executable).parent / "mf"), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def mf_query(
    warehouse: Path, build_dir: Path, metric: str, group_by: str, start: str, end: str
) -> list[dict[str, str]]:
    """The rows of `mf query --metrics <metric> --group-by <group_by>` between two instants."""
    output = build_dir / f"mf_{metric}.csv"
    result = run_mf(
        warehouse,
        build_dir,
        "query",
        "--metrics",
        metric,
        "--group-by",
        group_by,
        "--start-time",
        start,
        "--end-time",
        end,
        "--csv",
        str(output),
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    with output.open(newline="") as rows:
        return list(csv.DictReader(rows))
