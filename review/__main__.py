"""python -m review [--base REF]: build, compare, write review.md and print its path."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from review.report import render
from review.run import review_change


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m review", description=__doc__)
    parser.add_argument("--base", default="main", help="git ref to compare with (default main)")
    parser.add_argument("--project-dir", type=Path, default=Path.cwd())
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=Path(os.environ.get("WAREHOUSE_PATH", "warehouse.duckdb")),
        help="DuckDB file with the raw data (read only)",
    )
    parser.add_argument("--workdir", type=Path, help="default: <project>/target/review")
    parser.add_argument("--vars", default="{}", help="dbt vars for both builds")
    parser.add_argument("--output", type=Path, help="default: <workdir>/review.md")
    parser.add_argument("--strict", action="store_true", help="fail on a governance violation")
    args = parser.parse_args(argv)
    project = args.project_dir.resolve()
    warehouse = (project / args.warehouse).resolve()
    if not warehouse.exists():
        print(f"no warehouse at {warehouse}: load raw data first (make demo)", file=sys.stderr)
        return 2
    workdir = (args.workdir or project / "target" / "review").resolve()
    review, workspace = review_change(project, args.base, warehouse, workdir, args.vars)
    base = "built" if review.base_built else "reused"
    print(f"base {args.base}: {base} in {workspace.database}", file=sys.stderr)
    output = args.output or workdir / "review.md"
    output.write_text(render(review))
    print(output)
    if review.build_error:
        print(review.build_error.splitlines()[0], file=sys.stderr)
        return 1
    return 1 if args.strict and review.violations else 0


if __name__ == "__main__":
    sys.exit(main())
