"""The documented rule for malformed records: quarantine them, log them by name, load the rest.

A record that is not a JSON object, or lacks its primary key, cannot be merged. It goes to the
`quarantine` table of the source's raw dataset (source, entity, reason, the raw record as JSON),
and a warning names it. A wrongly typed field is not malformed: dlt keeps it in a variant column
(`<column>__v_<type>`), so staging still builds. A page whose body is not valid JSON is retried
like a transport fault and, if it stays broken, fails the load naming its URL; the incremental
cursor is not advanced, so the next run fetches it again and nothing is lost.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import dlt

log = logging.getLogger("pipelines.quarantine")

QUARANTINE_TABLE = "quarantine"


def _missing_key(record: Any, key: Sequence[str]) -> str | None:
    if not isinstance(record, dict):
        return f"not a JSON object ({type(record).__name__})"
    missing = [field for field in key if record.get(field) in (None, "")]
    return f"missing primary key {', '.join(missing)}" if missing else None


def quarantine_malformed(
    records: Iterable[Any], source: str, entity: str, key: Sequence[str]
) -> Iterator[Any]:
    """Pass well-formed records through; route the others to the quarantine table."""
    for record in records:
        reason = _missing_key(record, key)
        if reason is None:
            yield record
            continue
        raw = json.dumps(record, default=str, sort_keys=True)
        log.warning("quarantined %s %s record: %s: %s", source, entity, reason, raw[:200])
        yield dlt.mark.with_hints(
            {
                "source": source,
                "entity": entity,
                "reason": reason,
                "record": raw,
                "quarantined_at": datetime.now(UTC),
            },
            # A table variant of its own: the resource's merge + primary key must not apply here.
            dlt.mark.make_hints(
                table_name=QUARANTINE_TABLE, write_disposition="append", primary_key=[]
            ),
            create_table_variant=True,
        )
