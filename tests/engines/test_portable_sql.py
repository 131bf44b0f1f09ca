"""No engine-only SQL outside the dispatched macros of macros/cross_db/.

The models, the dbt tests and the other macros run unchanged on DuckDB, PostgreSQL and Spark;
what must differ per engine lives in macros/cross_db/ as `<adapter>__<macro>` implementations.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CROSS_DB = REPO_ROOT / "macros" / "cross_db"

# (what, pattern): each is DuckDB-, PostgreSQL- or Spark-only, or spelled differently on each.
FORBIDDEN = (
    ("a :: cast", r"::"),
    ("QUALIFY", r"\bqualify\b"),
    ("epoch functions", r"\bepoch(_ms|_us|_ns)?\s*\("),
    ("list functions", r"\b(list_\w+|array_\w+|list)\s*\("),
    ("regex functions", r"\bregexp_\w+\s*\(|\brlike\b|\bsimilar\s+to\b"),
    ("JSON access", r"->>?|\bjson_\w+\s*\(|\bfrom_json\s*\("),
    ("interval literals", r"\binterval\s+'"),
    ("date_diff/datediff (use minutes_between or dbt.datediff)", r"(?<![.\w])date_?diff\s*\("),
    ("strftime/strptime", r"\bstr[fp]time\s*\("),
    ("try_cast (use dbt.safe_cast)", r"\btry_cast\s*\("),
    ("median/quantiles", r"\b(median|quantile\w*|percentile_\w+)\s*\("),
    ("string aggregation", r"\b(string_agg|listagg|group_concat|collect_list)\s*\("),
    ("arg_max/arg_min", r"\b(arg_?max|arg_?min|max_by|min_by)\s*\("),
    ("time-zone functions", r"\btimezone\s*\(|\bat\s+time\s+zone\b|\bconvert_timezone\s*\("),
    ("unnest/explode", r"\b(unnest|explode)\s*\("),
    (
        "engine type names (use portable_type)",
        r"\bas\s+(varchar|double(\s+precision)?|string|text|jsonb?)\s*\)",
    ),
    ("make_timestamp/to_timestamp", r"\b(make_timestamp|to_timestamp)\s*\("),
    # PostgreSQL rounds a double's halves to even, DuckDB and Spark away from zero
    ("round (use round_places)", r"(?<![.\w])round\s*\("),
)
# The column types every engine knows (DDL of enforced contracts, see portable_type).
PORTABLE_TYPES = {
    "varchar",
    "bigint",
    "integer",
    "double precision",
    "boolean",
    "date",
    "timestamp",
}


def _without_comments(sql: str) -> str:
    sql = re.sub(r"\{#.*?#\}", "", sql, flags=re.S)
    return re.sub(r"--[^\n]*", "", sql)


def violations(sql: str) -> list[str]:
    """The forbidden constructs in `sql` (comments aside), as 'line N: what'."""
    found = []
    for number, line in enumerate(_without_comments(sql).splitlines(), start=1):
        for what, pattern in FORBIDDEN:
            if re.search(pattern, line, flags=re.I):
                found.append(f"line {number}: {what}")
    return found


def portable_sql_files() -> list[Path]:
    roots = [REPO_ROOT / "models", REPO_ROOT / "tests" / "dbt", REPO_ROOT / "macros"]
    files = sorted(path for root in roots for path in root.rglob("*.sql"))
    return [path for path in files if CROSS_DB not in path.parents]


@pytest.mark.parametrize(
    "path", portable_sql_files(), ids=lambda path: str(path.relative_to(REPO_ROOT))
)
def test_no_engine_only_sql(path):
    assert violations(path.read_text()) == []


@pytest.mark.parametrize(
    ("sql", "what"),
    [
        ("select x::int from t", "a :: cast"),
        ("select * from t qualify row_number() over () = 1", "QUALIFY"),
        ("select epoch(ts) from t", "epoch functions"),
        ("select list_sort(xs) from t", "list functions"),
        ("select regexp_extract(x, 'a') from t", "regex functions"),
        ("select data->>'key' from t", "JSON access"),
        ("select ts + interval '1 day' from t", "interval literals"),
        (
            "select date_diff('minute', a, b) from t",
            "date_diff/datediff (use minutes_between or dbt.datediff)",
        ),
        ("select strftime(ts, '%Y') from t", "strftime/strptime"),
        ("select try_cast(x as int) from t", "try_cast (use dbt.safe_cast)"),
        ("select median(x) from t", "median/quantiles"),
        ("select string_agg(x, ',') from t", "string aggregation"),
        ("select arg_max(x, y) from t", "arg_max/arg_min"),
        ("select ts at time zone 'UTC' from t", "time-zone functions"),
        ("select unnest(xs) from t", "unnest/explode"),
        ("select cast(x as double) from t", "engine type names (use portable_type)"),
        ("select cast(x as double precision) from t", "engine type names (use portable_type)"),
        ("select to_timestamp(x) from t", "make_timestamp/to_timestamp"),
        ("select round(x * 60) from t", "round (use round_places)"),
    ],
)
def test_each_forbidden_construct_is_caught(sql, what):
    assert violations(sql) == [f"line 1: {what}"]


def test_portable_calls_and_comments_pass():
    sql = (
        "-- epoch(ts) and qualify in a comment\n"
        "{# at time zone, in a jinja comment #}\n"
        "select {{ dbt.datediff('a', 'b', 'day') }}, cast(x as {{ portable_type('varchar') }})\n"
    )
    assert violations(sql) == []


def test_contract_types_are_portable():
    """Enforced contracts become DDL as written: only types every engine accepts."""
    found = set()
    for path in sorted((REPO_ROOT / "models").rglob("*.yml")):
        for model in yaml.safe_load(path.read_text()).get("models") or []:
            for column in model.get("columns") or []:
                if "data_type" in column:
                    found.add(str(column["data_type"]).lower())
    assert found, "no contract types found"
    assert found <= PORTABLE_TYPES, f"not portable: {sorted(found - PORTABLE_TYPES)}"
