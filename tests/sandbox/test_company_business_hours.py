"""Business-hours arithmetic, checked against expectations computed by hand (in the comments)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from pipelines.sandbox.company.business_hours import Schedule, weekly_intervals


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def new_york() -> Schedule:
    """Mon-Fri 09:00-17:00 America/New_York, closed on Christmas Day 2025."""
    return Schedule(
        "America/New_York",
        weekly_intervals(range(1, 6), time(9), time(17)),
        [(date(2025, 12, 25), date(2025, 12, 25))],
    )


def test_zendesk_interval_format():
    # Minutes from Sunday 00:00: Monday 09:00 = 1440 + 540 = 1980, Monday 17:00 = 1440 + 1020.
    intervals = weekly_intervals(range(1, 6), time(9), time(17))
    assert intervals[0] == {"start_time": 1980, "end_time": 2460}
    assert intervals[-1] == {"start_time": 5 * 1440 + 540, "end_time": 5 * 1440 + 1020}


def test_within_one_day(new_york):
    # Mon 2025-10-06 10:00 EDT (14:00Z) to 15:30 EDT (19:30Z): 5 h 30 = 330 minutes.
    assert new_york.business_minutes(utc(2025, 10, 6, 14), utc(2025, 10, 6, 19, 30)) == 330


def test_over_a_weekend(new_york):
    # Fri 2025-10-10 16:00 EDT (20:00Z) -> Mon 10-13 10:00 EDT (14:00Z):
    # Friday 16:00-17:00 = 60, weekend 0, Monday 09:00-10:00 = 60 -> 120.
    assert new_york.business_minutes(utc(2025, 10, 10, 20), utc(2025, 10, 13, 14)) == 120


def test_over_a_holiday(new_york):
    # Wed 2025-12-24 15:00 EST (20:00Z) -> Fri 12-26 10:00 EST (15:00Z):
    # Wednesday 15:00-17:00 = 120, Thursday is Christmas = 0, Friday 09:00-10:00 = 60 -> 180.
    assert new_york.business_minutes(utc(2025, 12, 24, 20), utc(2025, 12, 26, 15)) == 180


def test_across_the_spring_dst_switch(new_york):
    # Fri 2026-03-06 13:30Z = 08:30 EST (closed) -> Mon 03-09 13:30Z = 09:30 EDT (clocks went
    # forward on Sunday 03-08): Friday 09:00-17:00 = 480, Monday 09:00-09:30 = 30 -> 510.
    # A fixed UTC-5 offset would read Monday 13:30Z as 08:30 and give 480.
    assert new_york.business_minutes(utc(2026, 3, 6, 13, 30), utc(2026, 3, 9, 13, 30)) == 510


def test_across_the_autumn_dst_switch(new_york):
    # Fri 2025-10-31 16:00 EDT (20:00Z) -> Mon 11-03 10:00 EST (15:00Z, clocks went back on
    # Sunday 11-02): 60 + 60 = 120, while the calendar gap is 67 hours.
    low, high = utc(2025, 10, 31, 20), utc(2025, 11, 3, 15)
    assert new_york.business_minutes(low, high) == 120
    assert (high - low).total_seconds() / 60 == 67 * 60


def test_dst_days_have_25_and_23_hours():
    # Open around the clock, every day: business time = elapsed time, and the local days of the
    # switches are 25 h (2025-11-02) and 23 h (2026-03-08) long.
    always = Schedule(
        "America/New_York", [{"start_time": d * 1440, "end_time": (d + 1) * 1440} for d in range(7)]
    )
    # 2025-11-02 00:00 EDT = 04:00Z; 2025-11-03 00:00 EST = 05:00Z.
    assert always.business_minutes(utc(2025, 11, 2, 4), utc(2025, 11, 3, 5)) == 25 * 60
    # 2026-03-08 00:00 EST = 05:00Z; 2026-03-09 00:00 EDT = 04:00Z.
    assert always.business_minutes(utc(2026, 3, 8, 5), utc(2026, 3, 9, 4)) == 23 * 60


def test_multi_week_span_with_a_dst_switch(new_york):
    # Mon 2025-10-27 09:00 EDT (13:00Z) -> Mon 11-10 09:00 EST (14:00Z): two full working weeks,
    # 10 days x 480 = 4800 minutes, whatever the DST switch in between.
    assert new_york.business_minutes(utc(2025, 10, 27, 13), utc(2025, 11, 10, 14)) == 4800


def test_multi_week_span_with_a_holiday(new_york):
    # Mon 2025-12-15 09:00 EST (14:00Z) -> Mon 2026-01-05 09:00 EST (14:00Z): 15 weekdays minus
    # Christmas = 14 days x 480 = 6720 (New Year's Day is not a holiday in this schedule).
    assert new_york.business_minutes(utc(2025, 12, 15, 14), utc(2026, 1, 5, 14)) == 6720


def test_empty_and_reversed_spans(new_york):
    at = utc(2025, 10, 6, 15)
    assert new_york.business_minutes(at, at) == 0
    assert new_york.business_minutes(at, utc(2025, 10, 6, 14)) == 0


def test_london_spring_switch():
    # Europe/London Mon-Fri 08:30-17:30; clocks go forward on Sunday 2026-03-29.
    # Fri 03-27 17:00Z = 17:00 GMT -> Mon 03-30 08:00Z = 09:00 BST: 30 + 30 = 60.
    london = Schedule("Europe/London", weekly_intervals(range(1, 6), time(8, 30), time(17, 30)))
    assert london.business_minutes(utc(2026, 3, 27, 17), utc(2026, 3, 30, 8)) == 60


def test_adding_business_minutes(new_york):
    # Fri 2025-10-10 16:00 EDT + 120 business minutes: 60 on Friday, 60 on Monday -> 10:00 EDT.
    assert new_york.add_business_minutes(utc(2025, 10, 10, 20), 120) == utc(2025, 10, 13, 14)
    # From a closed instant, zero minutes lands on the next opening: Sat -> Mon 09:00 EDT.
    assert new_york.add_business_minutes(utc(2025, 10, 11, 12), 0) == utc(2025, 10, 13, 13)
    # Across Christmas: Wed 12-24 16:00 EST + 120 = 60 Wednesday + 60 Friday -> Fri 10:00 EST.
    assert new_york.add_business_minutes(utc(2025, 12, 24, 21), 120) == utc(2025, 12, 26, 15)


def test_far_from_the_simulated_year(new_york):
    # The schedule lays out intervals on demand: 2030-06-03 is a Monday (EDT, UTC-4).
    assert new_york.business_minutes(utc(2030, 6, 3, 13), utc(2030, 6, 3, 21)) == 480
    assert new_york.is_open(utc(2030, 6, 3, 14)) and not new_york.is_open(utc(2030, 6, 1, 14))


def test_the_companys_schedules_are_served_in_zendesks_format(small_company):
    schedules = {r.key: r.payload for r in small_company.records("zendesk", "schedules")}
    default = schedules[small_company.facts["zendesk_default_schedule_id"]]
    # The default is the oldest schedule, outside the US, with a lunch break every weekday.
    assert default["created_at"] == min(s["created_at"] for s in schedules.values())
    assert default["time_zone"] == "London"
    assert small_company.facts["zendesk_time_zones"][default["time_zone"]] == "Europe/London"
    # Monday 08:30-12:30 and 13:30-17:30 = 1440 + 510 .. 1440 + 750 and 1440 + 810 .. 1440 + 1050.
    assert default["intervals"][:2] == [
        {"start_time": 1950, "end_time": 2190},
        {"start_time": 2250, "end_time": 2490},
    ]
    holidays = {
        schedule_id: [
            r.payload
            for r in small_company.records("zendesk", "holidays")
            if r.payload["schedule_id"] == schedule_id
        ]
        for schedule_id in schedules
    }
    assert any(h["end_date"] > h["start_date"] for h in holidays[default["id"]])
    # The other schedule's holidays fall on days the default is open.
    (other,) = set(schedules) - {default["id"]}
    assert any(h["start_date"] == date(2026, 7, 3) for h in holidays[other])
    assert all(h["start_date"] != date(2026, 7, 3) for h in holidays[default["id"]])
