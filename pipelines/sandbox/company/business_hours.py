"""Business-hours arithmetic on Zendesk schedules, exact to the second, DST and holidays included.

A Zendesk schedule is a time zone, weekly open intervals given as minutes from Sunday 00:00 local
time (`{"start_time": 1980, "end_time": 2460}` = Monday 09:00-17:00) and holidays (whole local
days, closed). We materialise the open intervals as UTC instants over a span of local dates and
keep running totals, so the business time between two instants is a difference of two lookups
(O(log n)), whatever the span: weekends, holidays and DST switches are handled once, when the
intervals are laid out in local time and converted with zoneinfo.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES
_MARGIN = timedelta(days=800)


def weekly_intervals(days: Iterable[int], opens: time, closes: time) -> list[dict[str, int]]:
    """Zendesk `intervals` for the same hours on each day in `days` (0 = Sunday .. 6 = Saturday)."""
    start = opens.hour * 60 + opens.minute
    end = closes.hour * 60 + closes.minute
    return [
        {"start_time": day * DAY_MINUTES + start, "end_time": day * DAY_MINUTES + end}
        for day in sorted(days)
    ]


@dataclass
class Schedule:
    """One business-hours schedule; `holidays` are inclusive (start_date, end_date) local dates."""

    time_zone: str
    intervals: list[dict[str, int]]
    holidays: list[tuple[date, date]] = field(default_factory=list)
    _starts: list[float] = field(default_factory=list, init=False, repr=False)
    _ends: list[float] = field(default_factory=list, init=False, repr=False)
    _before: list[float] = field(default_factory=list, init=False, repr=False)
    _span: tuple[date, date] | None = field(default=None, init=False, repr=False)
    _covered: tuple[float, float] = field(default=(0.0, 0.0), init=False, repr=False)

    def business_seconds(self, low: datetime, high: datetime) -> float:
        """Seconds of [low, high) inside open hours; 0 when high <= low."""
        if high <= low:
            return 0.0
        return self._open_seconds_until(high) - self._open_seconds_until(low)

    def business_minutes(self, low: datetime, high: datetime) -> float:
        return self.business_seconds(low, high) / 60

    def add_business_minutes(self, at: datetime, minutes: float) -> datetime:
        """The first instant at which `minutes` of open time have passed since `at`."""
        target = self._open_seconds_until(at) + minutes * 60
        while self._before[-1] + self._ends[-1] - self._starts[-1] < target:
            self._cover(datetime.fromtimestamp(self._ends[-1], UTC) + _MARGIN)
        # The last interval whose preceding open time is <= target holds the instant; an exact
        # boundary lands on the start of the next interval, never the end of a closed stretch.
        index = bisect_right(self._before, target) - 1
        return datetime.fromtimestamp(self._starts[index] + target - self._before[index], UTC)

    def is_open(self, at: datetime) -> bool:
        self._cover(at)
        stamp = at.timestamp()
        index = bisect_right(self._starts, stamp) - 1
        return index >= 0 and stamp < self._ends[index]

    def _open_seconds_until(self, at: datetime) -> float:
        self._cover(at)
        stamp = at.timestamp()
        index = bisect_right(self._starts, stamp) - 1
        if index < 0:
            return 0.0
        return self._before[index] + min(stamp, self._ends[index]) - self._starts[index]

    def _cover(self, at: datetime) -> None:
        """Lay out the open intervals over a span of local dates that contains `at`."""
        if self._covered[0] < at.timestamp() < self._covered[1]:
            return
        day = at.astimezone(ZoneInfo(self.time_zone)).date()
        if self._span and self._span[0] < day < self._span[1]:
            return
        low = day - _MARGIN if self._span is None else min(self._span[0], day - _MARGIN)
        high = day + _MARGIN if self._span is None else max(self._span[1], day + _MARGIN)
        self._layout(low, high)

    def _layout(self, low: date, high: date) -> None:
        zone = ZoneInfo(self.time_zone)
        closed = {
            first + timedelta(days=offset)
            for first, last in self.holidays
            for offset in range((last - first).days + 1)
        }
        pieces: list[tuple[float, float]] = []
        sunday = low - timedelta(days=(low.weekday() + 1) % 7)
        while sunday <= high:
            week = datetime.combine(sunday, time())
            for interval in self.intervals:
                pieces.extend(
                    _day_pieces(week, interval["start_time"], interval["end_time"], zone, closed)
                )
            sunday += timedelta(days=7)
        pieces.sort()
        self._starts, self._ends, self._before = [], [], []
        total = 0.0
        for start, end in pieces:
            if end <= start:
                continue
            self._starts.append(start)
            self._ends.append(end)
            self._before.append(total)
            total += end - start
        self._span = (low, high)
        # Instants well inside the span, for a quick check that needs no time-zone conversion.
        margin = timedelta(days=2)
        self._covered = (
            datetime.combine(low + margin, time(), UTC).timestamp(),
            datetime.combine(high - margin, time(), UTC).timestamp(),
        )


def _day_pieces(
    week: datetime, start_minute: int, end_minute: int, zone: ZoneInfo, closed: set[date]
) -> Iterable[tuple[float, float]]:
    """One weekly interval cut at local midnights, holidays dropped, as UTC epoch seconds."""
    minute = start_minute
    while minute < end_minute:
        cut = min(end_minute, (minute // DAY_MINUTES + 1) * DAY_MINUTES)
        local_start = week + timedelta(minutes=minute)
        if local_start.date() not in closed:
            local_end = week + timedelta(minutes=cut)
            yield (
                local_start.replace(tzinfo=zone).timestamp(),
                local_end.replace(tzinfo=zone).timestamp(),
            )
        minute = cut
