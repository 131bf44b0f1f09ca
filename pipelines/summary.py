"""The demo's closing summary: where the warehouse is, rows per mart, a few headline metrics."""

from __future__ import annotations

from pathlib import Path

import duckdb

MARTS_SCHEMA = "analytics"

# (label, mart, SQL over that mart); shown when the mart exists.
HEADLINES = (
    (
        "median first reply (min)",
        "fct_support_tickets",
        "select median(first_reply_minutes) from analytics.fct_support_tickets "
        "where not is_deleted",
    ),
    (
        "median lead time (days)",
        "fct_linear_issues",
        "select median(lead_time_minutes) / 1440 from analytics.fct_linear_issues",
    ),
    ("total ARR", "dim_accounts", "select sum(arr) from analytics.dim_accounts"),
)


def print_summary(warehouse: Path) -> None:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        marts = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' order by 1",
                [MARTS_SCHEMA],
            ).fetchall()
        ]
        print(f"warehouse: {warehouse}")
        for mart in marts:
            count = connection.execute(f'select count(*) from {MARTS_SCHEMA}."{mart}"').fetchall()
            print(f"  {MARTS_SCHEMA}.{mart:<32} {count[0][0]:>10,} rows")
        for label, mart, sql in HEADLINES:
            if mart in marts:
                value = connection.execute(sql).fetchall()[0][0]
                shown = "n/a" if value is None else f"{value:,.1f}"
                print(f"  {label:<40} {shown:>10}")
    finally:
        connection.close()
