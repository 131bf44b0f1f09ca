"""SOQL for incremental reads, and Salesforce's datetime formats."""

from __future__ import annotations

from datetime import UTC, datetime

from pipelines.salesforce.settings import CURSOR_FIELD, PRIMARY_KEY


def parse_datetime(value: str) -> datetime:
    """An ISO or Salesforce wire datetime (`2026-01-31T12:34:56.000+0000`) as aware UTC."""
    text = value.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"  # +0000 -> +00:00, which fromisoformat needs
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def wire_datetime(moment: datetime) -> str:
    """Salesforce's JSON datetime form, the form `SystemModstamp` values arrive in.

    Cursor values are compared as strings; keeping one form keeps the comparison exact.
    """
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}+0000"


def soql_datetime(value: str) -> str:
    """A SOQL dateTime literal (unquoted, whole seconds, UTC) not later than `value`.

    Rounding down only widens a `>=` filter; the rows it adds again are merged away.
    """
    return f"{parse_datetime(value):%Y-%m-%dT%H:%M:%S}Z"


def changed_since(sobject: str, fields: tuple[str, ...], since: str) -> str:
    """Every row of `sobject` whose SystemModstamp is at or after `since`, oldest first.

    `>=` rather than `>`: SystemModstamp has millisecond precision at best, and a row written
    in the same instant as the last one loaded, but committed after that load read, would be
    lost to `>`. The rows at the boundary come again and dlt's incremental drops the ones it has
    already seen (same Id and SystemModstamp). Id breaks ties so paging order is total.
    """
    return (
        f"SELECT {', '.join(fields)} FROM {sobject} "
        f"WHERE {CURSOR_FIELD} >= {soql_datetime(since)} "
        f"ORDER BY {CURSOR_FIELD} ASC, {PRIMARY_KEY} ASC"
    )
