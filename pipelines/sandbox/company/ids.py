"""Vendor-native identifiers, drawn deterministically from a module's random stream."""

from __future__ import annotations

import random
import string
from datetime import datetime

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_SF_SUFFIX = string.ascii_uppercase + "012345"
_SLACK_CHARS = string.ascii_uppercase + string.digits

# Salesforce key prefixes: the first three characters name the object type.
SALESFORCE_PREFIXES = {"Account": "001", "Contact": "003", "User": "005", "Opportunity": "006"}


def linear_id(rng: random.Random) -> str:
    """A version-4 UUID string, as Linear uses for every object (what uuid.UUID(version=4)
    prints, formatted directly because millions of them are drawn)."""
    value = rng.getrandbits(128) & ~(0xC000 << 48) & ~(0xF000 << 64) | (0x8000 << 48) | (4 << 76)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def slack_id(rng: random.Random, prefix: str) -> str:
    """`U…` (users), `C…` (channels), `B…` (bots), `T…` (workspace): 11 characters."""
    return prefix + "".join(rng.choice(_SLACK_CHARS) for _ in range(10))


def slack_ts(at: datetime, micros: int) -> str:
    """Slack's message id: epoch seconds and six digits of microseconds, e.g. 1727740800.000100."""
    return f"{int(at.timestamp())}.{micros:06d}"


def salesforce_id(sobject: str, number: int) -> str:
    """An 18-character Salesforce Id: key prefix, pod/reserved part, a base-62 counter, suffix.

    The 3-character suffix is Salesforce's case checksum of the 15-character id, so the ids
    survive case-insensitive tools (and 15→18 normalisation in the warehouse gives the same id).
    """
    counter = ""
    for _ in range(6):
        number, digit = divmod(number, 62)
        counter = _BASE62[digit] + counter
    short = f"{SALESFORCE_PREFIXES[sobject]}5g0000{counter}"
    return short + salesforce_suffix(short)


def salesforce_suffix(short_id: str) -> str:
    suffix = ""
    for chunk in range(3):
        bits = 0
        for position, char in enumerate(short_id[chunk * 5 : chunk * 5 + 5]):
            if char.isupper():
                bits |= 1 << position
        suffix += _SF_SUFFIX[bits]
    return suffix


class Sequence:
    """Increasing integer ids from `first`, as Zendesk allocates them."""

    def __init__(self, first: int, step_max: int = 1, rng: random.Random | None = None) -> None:
        self._next = first
        self._step_max = step_max
        self._rng = rng

    def __call__(self) -> int:
        value = self._next
        step = self._rng.randint(1, self._step_max) if self._rng and self._step_max > 1 else 1
        self._next += step
        return value
