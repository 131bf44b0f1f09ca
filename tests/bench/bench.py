"""Benchmark: generate the company, load it through the sandbox, run dbt build; per scale. At
the review scales (default 1), also the metric review against HEAD, cold and reused. On other
engines (a throwaway PostgreSQL cluster, Spark in local mode), the load and build at their own
scales.

Each stage runs in its own process so its wall time and peak memory (RSS of the process tree,
sampled every 50 ms) are its own. Prints a table; measures, never asserts.

    python tests/bench/bench.py --scales 1 4 --engines postgres spark --engine-scales 1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import psutil

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
# Run as a script: the project's own packages (the PostgreSQL cluster helper) live at the root.
sys.path.insert(0, str(REPO_ROOT))

from pipelines.summary import MARTS_SCHEMA  # noqa: E402


@dataclass
class StageResult:
    scale: float
    stage: str
    seconds: float
    peak_rss_mb: float
    rows: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def dbt_build(workdir: Path, target: str, logs: str) -> list[str]:
    """`dbt build` at the company's clock, its artifacts and logs in folders of `workdir`."""
    return [
        str(VENV_BIN / "dbt"),
        "build",
        "--target-path",
        str(workdir / target),
        "--log-path",
        str(workdir / logs),
        "--vars",
        '{as_of: "2026-10-01T00:00:00"}',
    ]


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak RSS in MB of it and its children)."""
    started = time.perf_counter()
    process = psutil.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    if process.returncode != 0:
        raise SystemExit(f"benchmark stage failed ({process.returncode}): {' '.join(command)}")
    return time.perf_counter() - started, peak / 2**20


def count_rows(warehouse: Path, schemas: str) -> int:
    """Rows of the tables in the schemas matching the LIKE pattern `schemas`: neither dlt's own
    tables nor its merge staging datasets (`raw_zendesk_staging`, ...), which hold a copy."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema like ? and table_schema not like '%\\_staging' escape '\\' "
            "and table_type = 'BASE TABLE' and table_name not like '\\_dlt%' escape '\\'",
            [schemas],
        ).fetchall()
        return sum(
            connection.execute(f'select count(*) from "{schema}"."{table}"').fetchall()[0][0]
            for schema, table in tables
        )
    finally:
        connection.close()


def bench_scale(scale: float, seed: int, workdir: Path, review: bool) -> list[StageResult]:
    warehouse = workdir / f"bench-{scale}.duckdb"
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    python = str(VENV_BIN / "python")
    record_count = workdir / "records.txt"
    generate = (
        "import pathlib; from pipelines.sandbox.company import build_company; "
        f"c = build_company(seed={seed}, scale={scale}); "
        f"pathlib.Path({str(record_count)!r}).write_text("
        "str(sum(len(r) for v in c.tables.values() for r in v.values())))"
    )
    seconds, peak = run_measured([python, "-c", generate], env)
    records = int(record_count.read_text())
    results = [StageResult(scale, "generate company", seconds, peak, records)]

    load = [
        python,
        "-m",
        "pipelines",
        "load",
        "--sandbox",
        "--scale",
        str(scale),
        "--seed",
        str(seed),
        "--warehouse",
        str(warehouse),
    ]
    seconds, peak = run_measured(load, env)
    results.append(
        StageResult(scale, "sandbox -> dlt load", seconds, peak, count_rows(warehouse, "raw_%"))
    )

    seconds, peak = run_measured(dbt_build(workdir, "target", "logs"), env)
    results.append(
        StageResult(scale, "dbt build", seconds, peak, count_rows(warehouse, MARTS_SCHEMA))
    )
    if review:
        results += bench_review(scale, warehouse, workdir, env)
    return results


def bench_review(
    scale: float, warehouse: Path, workdir: Path, env: dict[str, str]
) -> list[StageResult]:
    """`python -m review` of the working tree against HEAD on the loaded warehouse: once cold
    (raw copied, the base's seeds and models built) and once with that base build reused."""
    review = [
        str(VENV_BIN / "python"),
        "-m",
        "review",
        "--base",
        "HEAD",
        "--warehouse",
        str(warehouse),
        "--workdir",
        str(workdir / "review"),
        "--vars",
        '{as_of: "2026-10-01T00:00:00"}',
    ]
    results = []
    for stage in ("review, cold base", "review, base reused"):
        seconds, peak = run_measured(review, env)
        database = workdir / "review" / "review.duckdb"
        results.append(StageResult(scale, stage, seconds, peak, count_rows(database, "head_%")))
    return results


def count_postgres_rows(env: dict[str, str], schemas: str) -> int:
    """count_rows on PostgreSQL."""
    from pipelines.engines.postgres import connect

    connection = connect(env)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema like %s and table_schema not like '%%\\_staging' "
                "and table_type = 'BASE TABLE' and table_name not like '\\_dlt%%'",
                (schemas,),
            )
            total = 0
            for schema, table in cursor.fetchall():
                cursor.execute(f'select count(*) from "{schema}"."{table}"')
                total += cursor.fetchone()[0]
            return total
    finally:
        connection.close()


def bench_postgres(scale: float, seed: int, workdir: Path) -> list[StageResult]:
    """Load and build on a throwaway PostgreSQL cluster (stopped and removed afterwards)."""
    from pipelines.engines.postgres import LocalPostgres, free_port

    # Outside pytest/tmp folders private to root: the server may run as another user.
    directory = Path(tempfile.mkdtemp(prefix="bench-postgres-"))
    cluster = LocalPostgres(directory, free_port()).start()
    try:
        env = {
            **os.environ,
            **cluster.env(),
            "DBT_TARGET": "postgres",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        python = str(VENV_BIN / "python")
        load = [python, "-m", "pipelines", "load", "--sandbox", "--destination", "postgres"]
        seconds, peak = run_measured([*load, "--scale", str(scale), "--seed", str(seed)], env)
        raw_rows = count_postgres_rows(env, "raw_%")
        results = [StageResult(scale, "dlt load (postgres)", seconds, peak, raw_rows)]
        build = dbt_build(workdir, f"target-postgres-{scale}", f"logs-postgres-{scale}")
        seconds, peak = run_measured(build, env)
        marts = count_postgres_rows(env, MARTS_SCHEMA)
        results.append(StageResult(scale, "dbt build (postgres)", seconds, peak, marts))
        return results
    finally:
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


def bench_spark(scale: float, seed: int, workdir: Path) -> list[StageResult]:
    """dlt -> Parquet, the files registered as tables, dbt build in local mode."""
    import pyarrow.parquet as pq

    directory = workdir / f"spark-{scale}"
    env = {
        **os.environ,
        "DBT_TARGET": "spark",
        "SPARK_DIR": str(directory),
        "WAREHOUSE_DESTINATION": "filesystem",
        "DESTINATION__FILESYSTEM__BUCKET_URL": str(directory / "raw"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    python = str(VENV_BIN / "python")
    load = [python, "-m", "pipelines", "load", "--sandbox", "--scale", str(scale)]
    seconds, peak = run_measured([*load, "--seed", str(seed)], env)
    register = [python, "-m", "pipelines.engines.spark", "register", "--raw"]
    register_seconds, register_peak = run_measured([*register, str(directory / "raw")], env)
    raw_rows = sum(
        pq.read_metadata(path).num_rows
        for path in (directory / "raw").glob("raw_*/*/*.parquet")
        if not path.parent.name.startswith("_dlt")
    )
    results = [
        StageResult(scale, "dlt load (spark)", seconds, peak, raw_rows),
        StageResult(scale, "register (spark)", register_seconds, register_peak, raw_rows),
    ]
    build = dbt_build(workdir, f"target-spark-{scale}", f"logs-spark-{scale}")
    seconds, peak = run_measured(build, env)
    marts = directory / "warehouse" / "analytics.db"
    rows = sum(pq.read_metadata(path).num_rows for path in marts.glob("*/*.parquet"))
    results.append(StageResult(scale, "dbt build (spark)", seconds, peak, rows))
    return results


def print_table(results: list[StageResult]) -> None:
    header = (
        f"| {'scale':>5} | {'stage':<22} | {'wall s':>8} | {'rows':>10} | {'rows/s':>10} "
        f"| {'peak MB':>8} |"
    )
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for r in results:
        print(
            f"| {r.scale:>5g} | {r.stage:<22} | {r.seconds:>8.1f} | {r.rows:>10,} | "
            f"{r.rows_per_second:>10,.0f} | {r.peak_rss_mb:>8.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 4.0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--review-scales", type=float, nargs="*", default=[1.0], help="also time the review"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--engines",
        nargs="*",
        choices=["postgres", "spark"],
        default=[],
        help="engines besides DuckDB",
    )
    parser.add_argument("--engine-scales", type=float, nargs="+", default=[1.0])
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        results = [
            r
            for scale in args.scales
            for r in bench_scale(scale, args.seed, workdir, scale in args.review_scales)
        ]
        for scale in args.engine_scales:
            if "postgres" in args.engines:
                results += bench_postgres(scale, args.seed, workdir)
            if "spark" in args.engines:
                results += bench_spark(scale, args.seed, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))


if __name__ == "__main__":
    main()
