"""Working days (工作日) on the national holiday and make-up-day calendar."""

from __future__ import annotations

import datetime as dt

import chinese_calendar


class Calendar:
    """The national calendar from `chinese-calendar`, plus site.yml `calendar` for years it lacks."""

    def __init__(self, holidays: set[dt.date] = frozenset(), workdays: set[dt.date] = frozenset()):
        self.extra_holidays = set(holidays)
        self.extra_workdays = set(workdays)
        self._site_years = {d.year for d in self.extra_holidays | self.extra_workdays}
        # chinese-calendar's is_workday validates every date against its whole table on each call;
        # its tables are read here directly, with the years they cover found once, and answers are
        # kept: deadlines of thousands of documents ask about the same few hundred days.
        self._workday: dict[dt.date, bool] = {}
        self._year_known: dict[int, bool] = {}
        self._library_years = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)

    def has_data(self, day: dt.date) -> bool:
        """Whether the holiday arrangement of that year is known (library or site.yml)."""
        known = self._year_known.get(day.year)
        if known is None:
            known = self._year_known[day.year] = self._has_data(day)
        return known

    def _has_data(self, day: dt.date) -> bool:
        return day.year in self._site_years or day.year in self._library_years

    def is_workday(self, day: dt.date) -> bool:
        known = self._workday.get(day)
        if known is None:
            known = self._workday[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: dt.date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        if day.year not in self._library_years:
            return day.weekday() < 5  # callers check has_data() first and warn
        # chinese_calendar.is_workday's own rule: a make-up working day, or a weekday that is no holiday.
        return day in chinese_calendar.workdays or (day.weekday() < 5 and day not in chinese_calendar.holidays)

    def add_workdays(self, start: dt.date, count: int) -> dt.date:
        """The day that is `count` working days after `start`."""
        day = start
        while count > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count -= 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end ≤ start)."""
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count
