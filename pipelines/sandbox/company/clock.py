"""The company's fixed clock and its arrival process (working hours, weekdays, seasons, growth).

Arrivals are drawn hour by hour from a weight that multiplies: the share of the hour that falls
in working hours in the company's customers' time zones, a weekday factor, a seasonal factor
(quiet late December and August) and linear growth over the year. Counts are set for the year
[START, NOW) and continue at the same intensity to HORIZON, so advancing the sandbox clock
reveals new records at the usual pace.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

START = datetime(2025, 10, 1, tzinfo=UTC)
NOW = datetime(2026, 10, 1, tzinfo=UTC)
HORIZON = NOW + timedelta(days=30)

HOUR = timedelta(hours=1)
_HOURS = int((HORIZON - START) / HOUR)
_YEAR_HOURS = int((NOW - START) / HOUR)

# Where customers work, with their share of the traffic.
CUSTOMER_ZONES = (
    (ZoneInfo("America/New_York"), 0.45),
    (ZoneInfo("America/Los_Angeles"), 0.2),
    (ZoneInfo("Europe/London"), 0.2),
    (ZoneInfo("Europe/Berlin"), 0.15),
)
_WEEKDAY = (1.0, 1.05, 1.0, 0.95, 0.8, 0.12, 0.08)  # Monday .. Sunday
_NIGHT = 0.04  # some work happens outside office hours


def _local_factor(local: datetime) -> float:
    hour_factor = 1.0 if 9 <= local.hour < 18 else (0.45 if local.hour in (8, 18, 19) else _NIGHT)
    return hour_factor * _WEEKDAY[local.weekday()]


def _season(at: datetime) -> float:
    if (at.month == 12 and at.day >= 20) or (at.month == 1 and at.day <= 2):
        return 0.45
    if at.month == 8:
        return 0.75
    return 1.0


def growth(at: datetime) -> float:
    """Activity grows linearly: 1.0 at START, 1.6 at NOW (the customer base grows)."""
    return 1.0 + 0.6 * (at - START) / (NOW - START)


def _hour_weights() -> list[float]:
    weights = []
    for index in range(_HOURS):
        at = START + index * HOUR
        local = sum(share * _local_factor(at.astimezone(zone)) for zone, share in CUSTOMER_ZONES)
        weights.append(local * _season(at) * growth(at))
    return weights


class ArrivalProcess:
    """Draws arrival instants over [START, HORIZON) for a given count in the year [START, NOW)."""

    def __init__(self, weights: list[float] | None = None) -> None:
        self._weights = weights or _hour_weights()
        self._cumulative = list(accumulate(self._weights))
        self._year_share = self._cumulative[_YEAR_HOURS - 1] / self._cumulative[-1]

    def total_for_year(self, count_in_year: float) -> int:
        """How many arrivals up to HORIZON keep the pace that gives `count_in_year` by NOW."""
        return round(count_in_year / self._year_share)

    def draw(self, rng: random.Random, count_in_year: float) -> list[datetime]:
        """Sorted arrival instants (whole seconds) whose year total is `count_in_year`."""
        return self.draw_total(rng, self.total_for_year(count_in_year))

    def draw_total(self, rng: random.Random, total: int) -> list[datetime]:
        """`total` sorted arrival instants (whole seconds) over [START, HORIZON)."""
        hours = rng.choices(range(_HOURS), cum_weights=self._cumulative, k=total)
        return sorted(START + h * HOUR + timedelta(seconds=rng.randrange(3600)) for h in hours)


def whole_seconds(at: datetime) -> datetime:
    return at.replace(microsecond=0)
