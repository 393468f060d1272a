"""The business-day clock: weekends, China's official holidays and adjusted working days, Settings dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from addin.core.calendar import CN_YEARS, DAY, Clock
from addin.core.flags import State
from tests.test_flags import complaint, one

HOUR = 3600


def due(received: datetime, seconds: int, **clock: object) -> datetime:
    c = Clock(business=True, **clock)  # type: ignore[arg-type]
    return c.moment(c.seconds(received) + seconds)


@pytest.mark.parametrize(
    ("received", "allowed", "expected"),
    [
        (datetime(2026, 11, 19, 15), 24 * HOUR, datetime(2026, 11, 20, 15)),  # Thursday -> Friday
        (datetime(2026, 11, 20, 15), 24 * HOUR, datetime(2026, 11, 23, 15)),  # Friday -> Monday
        (datetime(2026, 11, 21, 10), 2 * HOUR, datetime(2026, 11, 23, 2)),  # received Saturday: the clock starts Monday
        (datetime(2026, 11, 20, 0), 24 * HOUR, datetime(2026, 11, 21, 0)),  # Friday 24:00, not Monday 00:00
        (datetime(2026, 11, 13, 12), 7 * DAY, datetime(2026, 11, 24, 12)),  # 7 working days
        # National Day 2026-10-01..07 off; Sunday 2026-09-20 and Saturday 2026-10-10 are official working days
        (datetime(2026, 9, 30, 10), 24 * HOUR, datetime(2026, 10, 8, 10)),
        (datetime(2026, 10, 9, 15), 24 * HOUR, datetime(2026, 10, 10, 15)),  # Friday -> the working Saturday
        (datetime(2026, 9, 18, 15), 24 * HOUR, datetime(2026, 9, 20, 15)),  # Friday -> the working Sunday
        # Spring Festival 2026-02-15..23 off, Saturday 2026-02-28 worked
        (datetime(2026, 2, 13, 9), 2 * 24 * HOUR, datetime(2026, 2, 24, 9)),
    ],
)
def test_business_time_skips_days_off_and_counts_official_working_days(
    received: datetime, allowed: int, expected: datetime
) -> None:
    assert due(received, allowed) == expected


def test_calendar_time_is_plain_time() -> None:
    c = Clock()
    start = datetime(2026, 9, 30, 10)
    assert c.moment(c.seconds(start) + 24 * HOUR) == start + timedelta(days=1)


def test_settings_dates_win_over_the_official_calendar() -> None:
    friday = datetime(2026, 11, 20, 15)
    assert due(friday, 24 * HOUR, holidays={date(2026, 11, 23)}) == datetime(2026, 11, 24, 15)
    assert due(friday, 24 * HOUR, workdays={date(2026, 11, 21)}) == datetime(2026, 11, 21, 15)
    assert due(datetime(2026, 9, 30, 10), 24 * HOUR, workdays={date(2026, 10, 1)}) == datetime(2026, 10, 1, 10)


def test_without_an_official_calendar_only_weekends_are_off() -> None:
    assert due(datetime(2026, 9, 30, 10), 24 * HOUR, country="none") == datetime(2026, 10, 1, 10)
    assert due(datetime(2026, 10, 9, 15), 24 * HOUR, country="none") == datetime(2026, 10, 12, 15)


def test_a_year_the_package_does_not_know_is_reported_not_guessed() -> None:
    after = CN_YEARS[1] + 1
    c = Clock(business=True)
    c.moment(c.seconds(datetime(CN_YEARS[1], 12, 30, 10)) + 7 * DAY)
    assert c.unknown_years == {after}
    known = Clock(business=True)
    known.moment(known.seconds(datetime(CN_YEARS[1], 6, 1)) + 7 * DAY)
    assert not known.unknown_years
    assert not Clock(business=True, country="none").unknown_years


def test_overdue_in_business_time() -> None:
    friday = datetime(2026, 11, 13, 12)
    on_time = one(complaint(received_at=friday), as_of=datetime(2026, 11, 24, 12), business=True)
    assert (on_time.state, on_time.resolution_due) == (State.DUE_SOON, datetime(2026, 11, 24, 12))
    late = one(complaint(received_at=friday), as_of=datetime(2026, 11, 24, 15), business=True)
    assert (late.state, late.late_seconds) == (State.OVERDUE, 3 * HOUR)
    calendar = one(complaint(received_at=friday), as_of=datetime(2026, 11, 24, 12))
    assert calendar.state is State.OVERDUE  # 11 calendar days


def test_business_mode_from_settings_and_holidays_from_a_cell() -> None:
    friday = datetime(2026, 11, 20, 15)
    a = one(
        complaint(received_at=friday, first_response_at=None),
        as_of=datetime(2026, 11, 24, 9),
        clock__mode="business",
        clock__holidays="2026-11-23; 2026-11-24",
    )
    assert a.response_due == datetime(2026, 11, 25, 15)
    assert a.state is State.ON_TIME


def test_a_pause_in_business_mode_extends_by_its_working_time() -> None:
    start = datetime(2026, 11, 2, 9)  # Monday
    a = one(
        complaint(received_at=start, paused_at=datetime(2026, 11, 6, 9), resumed_at=datetime(2026, 11, 9, 9)),
        as_of=datetime(2026, 11, 12, 9),
        business=True,
    )
    # 7 working days -> Wednesday 11-11 09:00; the pause Fri 09:00 -> Mon 09:00 holds 1 working day
    assert a.resolution_due == datetime(2026, 11, 12, 9)
