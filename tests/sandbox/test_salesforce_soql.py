"""The sandbox's SOQL subset: parsing, binding to the schema, filtering and ordering."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from pipelines.sandbox.vendors.salesforce_soql import (
    Comparison,
    Junction,
    Negation,
    OrderItem,
    SoqlError,
    bind,
    matches,
    parse,
    parse_datetime_literal,
    sort_key,
)

SCHEMA = {
    "Account": {
        "Id": str,
        "Name": str,
        "Industry": str,
        "NumberOfEmployees": int,
        "IsDeleted": bool,
        "SystemModstamp": datetime,
        "CloseDate": date,
    }
}


def bound(soql: str):
    return bind(soql, parse(soql), SCHEMA)


def test_full_grammar_parses_to_the_expected_tree():
    query = bound(
        "select id, NAME from ACCOUNT where (Industry IN ('a', 'b') or name like 'x%') "
        "and not (IsDeleted = true) and SystemModstamp >= 2026-01-01T00:00:00Z "
        "order by SystemModstamp desc nulls first, Id limit 5"
    )
    assert query.sobject == "Account"
    assert query.fields == ("Id", "Name")
    assert query.limit == 5
    assert query.order_by == (
        OrderItem("SystemModstamp", descending=True, nulls_last=False),
        OrderItem("Id", descending=False, nulls_last=False),
    )
    assert isinstance(query.where, Junction) and query.where.op == "and"
    first, second, third = query.where.terms
    assert isinstance(first, Junction) and first.op == "or"
    assert first.terms[0].op == "in" and first.terms[0].value == ("a", "b")
    assert isinstance(second, Negation) and second.term.value is True
    assert isinstance(third, Comparison)
    assert third.value == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("2026-01-31T12:00:00Z", datetime(2026, 1, 31, 12, tzinfo=UTC)),
        ("2026-01-31T12:00:00.250+0000", datetime(2026, 1, 31, 12, 0, 0, 250000, tzinfo=UTC)),
        ("2026-01-31T14:00:00+02:00", datetime(2026, 1, 31, 12, tzinfo=UTC)),
        ("2026-01-31T07:00:00-0500", datetime(2026, 1, 31, 12, tzinfo=UTC)),
    ],
)
def test_datetime_literals_are_utc(literal, expected):
    assert parse_datetime_literal(literal) == expected


@pytest.mark.parametrize(
    ("soql", "code"),
    [
        ("SELECT FROM Account", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE Name = 'unterminated", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE Name ~ 'x'", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE Name = 'a' OR Name = 'b' AND Name = 'c'", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account ORDER BY Name NULLS MIDDLE", "MALFORMED_QUERY"),
        ("SELECT Id, Id FROM Account", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE NumberOfEmployees > 'ten'", "INVALID_FIELD"),
        ("SELECT Id FROM Account WHERE CloseDate > 2026-01-01T00:00:00Z", "INVALID_FIELD"),
        ("SELECT Id FROM Account WHERE IsDeleted = 1", "INVALID_FIELD"),
        ("SELECT Id FROM Contact", "INVALID_TYPE"),
    ],
)
def test_refused_queries(soql, code):
    with pytest.raises(SoqlError) as error:
        bound(soql)
    assert error.value.error_code == code


def test_error_points_at_the_offending_column():
    with pytest.raises(SoqlError) as error:
        bound("SELECT Id,\n  Bogus FROM Account")
    assert "\n  Bogus FROM Account\n  ^\nERROR at Row:2:Column:3\n" in error.value.message


ROW = {
    "Id": "001",
    "Name": "Acme Corp",
    "Industry": None,
    "NumberOfEmployees": 50,
    "IsDeleted": False,
    "SystemModstamp": datetime(2026, 2, 1, tzinfo=UTC),
    "CloseDate": date(2026, 3, 1),
}


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("Name = 'ACME CORP'", True),  # text equality ignores case
        ("Name != 'acme corp'", False),
        ("Name LIKE 'ac%c_rp'", True),
        ("Name LIKE 'corp%'", False),
        ("Industry = null", True),
        ("Industry != null", False),
        ("Industry < 'z'", False),  # ordering comparisons with null are false
        ("NumberOfEmployees >= 50 AND NumberOfEmployees < 51", True),
        ("NumberOfEmployees NOT IN (1, 2, 50)", False),
        ("SystemModstamp > 2026-01-31T23:59:59Z", True),
        ("SystemModstamp > 2026-02-01T01:00:00+01:00", False),  # the same instant
        ("CloseDate <= 2026-03-01", True),
        ("NOT (IsDeleted = false) OR (Name = 'x' OR Id = '001')", True),
    ],
)
def test_where_semantics(where, expected):
    query = bound(f"SELECT Id FROM Account WHERE {where}")
    assert matches(query.where, ROW) is expected


@pytest.mark.parametrize(
    ("descending", "nulls_last"), [(False, False), (False, True), (True, False), (True, True)]
)
def test_sort_key_orders_like_soql(descending, nulls_last):
    rng = random.Random(3)
    rows = [
        {"Id": f"{n:03d}", "Industry": rng.choice([None, "Banking", "banking", "Retail", "Energy"])}
        for n in range(60)
    ]
    key = sort_key((OrderItem("Industry", descending, nulls_last),), "Id")
    got = [row["Id"] for row in sorted(rows, key=key)]
    # Expected independently: values folded for case, Id as the tie-breaker, nulls placed apart.
    valued = sorted((r for r in rows if r["Industry"]), key=lambda r: r["Id"])
    valued.sort(key=lambda r: r["Industry"].lower(), reverse=descending)
    nulls = sorted((r for r in rows if r["Industry"] is None), key=lambda r: r["Id"])
    expected = valued + nulls if nulls_last else nulls + valued
    assert got == [row["Id"] for row in expected]
