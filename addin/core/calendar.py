"""The clock deadlines run on: calendar time, or business days that skip days off.

Business time is calendar time with every non-working day cut out: a 24-hour deadline from
Friday 15:00 falls on Monday 15:00, a 7-day one seven working days later. There are no
office hours inside a working day (a decision: logs say when something happened, not who
was at the desk). China's official calendar, with its adjusted working days (调休, such as a
working Saturday), comes from the maintained `chinesecalendar` package; Settings add days
off (`clock.holidays`) and working days (`clock.workdays`), which win over the package.
A day in a year the package does not cover counts as weekends-only plus the Settings' dates,
and the year is listed in `Clock.unknown_years` so the run can warn rather than guess silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import chinese_calendar

DAY = 86_400  # seconds
ORIGIN = date(2000, 1, 1).toordinal()  # business time 0: a fixed day, so positions never depend on call order
COUNTRIES = ("CN", "none")  # "none": weekends and the Settings' dates only
_CN_HOLIDAYS = frozenset(chinese_calendar.holidays)
_CN_WORKDAYS = frozenset(chinese_calendar.workdays)
CN_YEARS = (min(_CN_HOLIDAYS).year, max(_CN_HOLIDAYS).year)


def known_years(country: str) -> tuple[int, int] | None:
    """The first and last year the official calendar covers; None when there is none to consult."""
    return CN_YEARS if country == "CN" else None


class Clock:
    """Moments as seconds on a timeline; in business mode the timeline skips non-working days.

    `seconds` maps a moment onto the timeline and `moment` maps back. Deadlines are computed
    there (`moment(seconds(received) + allowed)`), and "how late" is a difference of seconds,
    so an overdue count in business mode is business time. A moment on a day off sits at the
    start of the next working day.
    """

    def __init__(
        self,
        business: bool = False,
        country: str = "CN",
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
    ) -> None:
        self.business = business
        self.country = country
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        self.unknown_years: set[int] = set()
        self._span = known_years(country)
        self._first = self._last = 0  # ordinals the tables cover: [_first, _last)
        self._before: list[int] = []  # _before[k]: working days in [_first, _first + k)
        self._zero = 0  # _before at the origin
        self._working: list[int] = []  # ordinals of the working days, in order

    def is_working(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        span = self._span
        if span is not None and span[0] <= day.year <= span[1]:
            return day in _CN_WORKDAYS or (day.weekday() < 5 and day not in _CN_HOLIDAYS)
        return day.weekday() < 5

    def _note_year(self, year: int) -> None:
        if self._span is not None and not self._span[0] <= year <= self._span[1]:
            self.unknown_years.add(year)

    def seconds(self, moment: datetime) -> int:
        """Position of `moment` on this clock's timeline, in whole seconds."""
        ordinal = moment.toordinal()
        into = moment.hour * 3600 + moment.minute * 60 + moment.second
        if not self.business:
            return ordinal * DAY + into
        if not self._first <= ordinal < self._last - 1:
            self._cover(ordinal)
        self._note_year(moment.year)
        k = ordinal - self._first
        before = self._before[k] - self._zero
        if self._before[k + 1] - self._zero > before:  # a working day
            return before * DAY + into
        return before * DAY

    def moment(self, seconds: int) -> datetime:
        """The calendar moment at `seconds`; a deadline at the very end of a working day stays on that day."""
        if not self.business:
            day, into = divmod(seconds, DAY)
            return datetime.fromordinal(day) + timedelta(seconds=into)
        index, into = divmod(seconds, DAY)
        if into == 0:  # 24:00 of the previous working day rather than 00:00 of the next one
            index, into = index - 1, DAY
        if not self._working:
            self._cover(ORIGIN)
        while index + self._zero >= len(self._working):
            self._cover(self._last + 366)
        while index + self._zero < 0:
            self._cover(self._first - 366)
        day = self._working[index + self._zero]
        self._note_year(date.fromordinal(day).year)
        return datetime.fromordinal(day) + timedelta(seconds=into)

    def _cover(self, ordinal: int) -> None:
        """Rebuild the working-day tables so they include `ordinal` and the day after it."""
        if not self._working:
            first, last = min(ordinal, ORIGIN) - 400, max(ordinal, ORIGIN) + 400
        else:
            first, last = min(self._first, ordinal - 400), max(self._last, ordinal + 400)
        before, working, count = [0], [], 0
        for day in range(first, last):
            if self.is_working(date.fromordinal(day)):
                working.append(day)
                count += 1
            before.append(count)
        self._first, self._last, self._before, self._working = first, last, before, working
        self._zero = before[ORIGIN - first]  # working days between the tables' start and the origin
