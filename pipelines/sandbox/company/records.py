"""Building `Versioned` records: every change stamps the vendor's updated-at field(s)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from pipelines.sandbox.company.model import Payload, Versioned

Stamp = Callable[[datetime], Payload]


def linear_stamp(at: datetime) -> Payload:
    return {"updatedAt": at}


def zendesk_stamp(at: datetime) -> Payload:
    return {"updated_at": at}


def salesforce_stamp(at: datetime) -> Payload:
    return {"LastModifiedDate": at, "SystemModstamp": at}


def no_stamp(_: datetime) -> Payload:
    return {}


def build(
    key: Any,
    created_at: datetime,
    payload: Payload,
    changes: Sequence[tuple[datetime, Payload]] = (),
    stamp: Stamp = no_stamp,
    removed_at: datetime | None = None,
) -> Versioned:
    """A record with its changes sorted by time; changes at one instant are merged into one.

    `payload` and the change dicts become the record's own (they are not copied)."""
    if stamp is not no_stamp:
        payload.update(stamp(created_at))
    record = Versioned(key=key, created_at=created_at, payload=payload, removed_at=removed_at)
    if not changes:
        return record
    merged: dict[datetime, Payload] = {}
    for at, change in sorted(changes, key=lambda item: item[0]):
        merged.setdefault(at, {}).update(change)
    for at, change in merged.items():
        if at == created_at:
            record.payload.update(change)
        else:
            change.update(stamp(at))
            record.changes.append((at, change))
    return record
