"""The working-day calendar and the two ways the law counts a period.

A day is a working day unless it is a Saturday or Sunday, a public holiday, or a day off the
government added; a day the government swapped into a working day (a "làm bù" Saturday) is a
working day. Public holidays follow the Labour Code 2019, Art. 112 (``statutory_holidays``):
the lunar ones (Tết, Hùng Kings on 10/3) come from the Vietnamese lunar calendar in
``danvan.core.lunar``; a holiday on a weekend gives a compensatory day off on the next working
day. The government's yearly decisions (which five days of Tết, swapped Saturdays, the day next
to 2/9) are ``CalendarDay`` rows that override the computed days.

Counting (Civil Code 2015, Art. 147–148): the day of the event is not counted; a period of
working days counts working days only; a period of calendar days that ends on a day off ends
at the end of the next working day.

Everything here is pure: a ``Calendar`` is built from the override rows once
(``default_calendar()``) and then answers without touching the database.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from danvan.core.lunar import lunar_to_solar

ONE_DAY = dt.timedelta(days=1)


class DayKind:
    HOLIDAY = "holiday"  # a public holiday (not a working day)
    DAY_OFF = "day_off"  # an extra day off decided by the government (not a working day)
    WORKING = "working"  # a day made a working day (a swapped Saturday), or a holiday cancelled

    NON_WORKING = frozenset({HOLIDAY, DAY_OFF})
    choices = [
        (HOLIDAY, _("Public holiday")),
        (DAY_OFF, _("Day off (government decision)")),
        (WORKING, _("Working day (swapped)")),
    ]


@lru_cache(maxsize=64)
def _statutory(year: int) -> tuple[tuple[dt.date, Promise], ...]:
    days: dict[dt.date, Promise] = {}
    new_year_eve = lunar_to_solar(year, 1, 1) - ONE_DAY  # last day of the lunar year before
    days[dt.date(year, 1, 1)] = _("New Year's Day")
    # Tết: five days; by default the last day of the old year and the first four of the new.
    for offset in range(5):
        days[new_year_eve + offset * ONE_DAY] = _("Lunar New Year (Tết)")
    days[lunar_to_solar(year, 3, 10)] = _("Hùng Kings' Commemoration (10/3 lunar)")
    days[dt.date(year, 4, 30)] = _("Reunification Day")
    days[dt.date(year, 5, 1)] = _("International Workers' Day")
    national_day = dt.date(year, 9, 2)
    days[national_day] = _("National Day")
    # One day next to 2/9 (Labour Code 2019, Art. 112): the day after when 2/9 is a Monday,
    # otherwise the day before; the government's notice overrides it.
    adjacent = national_day + ONE_DAY if national_day.weekday() == 0 else national_day - ONE_DAY
    days.setdefault(adjacent, _("National Day"))
    # A holiday on a weekend gives a day off on the next day that is neither weekend nor holiday.
    compensations: dict[dt.date, Promise] = {}
    for day in sorted(days):
        if day.weekday() >= 5 and day.year == year:
            candidate = day + ONE_DAY
            while candidate.weekday() >= 5 or candidate in days or candidate in compensations:
                candidate += ONE_DAY
            compensations[candidate] = _("Compensatory day off")
    days.update(compensations)
    return tuple(sorted(days.items()))


def statutory_holidays(year: int) -> dict[dt.date, Promise]:
    """Public holidays of ``year`` under the Labour Code, with compensatory days off.

    Tết may start in the previous solar year's calendar but always falls in January–February,
    so each solar year holds its own Tết.
    """
    return dict(_statutory(year))


@dataclass(frozen=True)
class Calendar:
    """Working days: weekends and statutory holidays, corrected by ``overrides``."""

    overrides: Mapping[dt.date, str] = field(default_factory=dict)
    names: Mapping[dt.date, str] = field(default_factory=dict)

    def kind(self, day: dt.date) -> str | None:
        """``DayKind`` of a non-working day (or of an override), None for an ordinary day."""
        if day in self.overrides:
            return self.overrides[day]
        if day in _holiday_dates(day.year):
            return DayKind.HOLIDAY
        return None

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.kind(day)
        if kind == DayKind.WORKING:
            return True
        if kind in DayKind.NON_WORKING:
            return False
        return day.weekday() < 5

    def reason(self, day: dt.date) -> str:
        """Why ``day`` is not a working day, in words."""
        if self.names.get(day):
            return self.names[day]
        kind = self.kind(day)
        statutory = statutory_holidays(day.year)
        if day in statutory and kind != DayKind.WORKING:
            return str(statutory[day])
        if kind == DayKind.DAY_OFF:
            return str(_("Day off (government decision)"))
        if kind == DayKind.HOLIDAY:
            # A holiday row without a name on a day the Labour Code does not make one.
            return str(_("Public holiday"))
        if day.weekday() == 5:
            return str(_("Saturday"))
        if day.weekday() == 6:
            return str(_("Sunday"))
        return ""

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day


@lru_cache(maxsize=64)
def _holiday_dates(year: int) -> frozenset[dt.date]:
    return frozenset(date for date, _name in _statutory(year))


@dataclass(frozen=True)
class Period:
    """How a deadline was reached: what was counted and which days were skipped."""

    start: dt.date
    days: int
    day_type: str  # "working" or "calendar"
    end: dt.date
    skipped: tuple[tuple[dt.date, str], ...]  # non-working days passed over, with the reason


WORKING = "working"
CALENDAR = "calendar"


def add_working_days(calendar: Calendar, start: dt.date, days: int) -> dt.date:
    return count(calendar, start, days, WORKING).end


def add_calendar_days(calendar: Calendar, start: dt.date, days: int) -> dt.date:
    return count(calendar, start, days, CALENDAR).end


def count(
    calendar: Calendar, start: dt.date, days: int, day_type: str, *, reasons: bool = True
) -> Period:
    """The end of a period of ``days`` counted from the event on ``start``.

    The day of the event is not counted. Working days: the ``days``-th working day after
    ``start``. Calendar days: ``start + days``, moved to the next working day when it is a day off.
    A period of 0 days ends on ``start`` (then the end-day rule for calendar days).
    ``reasons=False`` skips naming the skipped days (``skipped`` is then empty): the fast path
    when only the end matters.
    """
    if days < 0:
        raise ValueError("A period cannot be negative.")
    skipped: list[tuple[dt.date, str]] = []
    if day_type == WORKING:
        day, counted = start, 0
        while counted < days:
            day += ONE_DAY
            if calendar.is_working_day(day):
                counted += 1
            elif reasons:
                skipped.append((day, calendar.reason(day)))
        end = day
    elif day_type == CALENDAR:
        end = start + days * ONE_DAY
        while not calendar.is_working_day(end):
            if reasons:
                skipped.append((end, calendar.reason(end)))
            end += ONE_DAY
    else:
        raise ValueError(f"Unknown day type {day_type!r}")
    return Period(start=start, days=days, day_type=day_type, end=end, skipped=tuple(skipped))


def working_days_between(calendar: Calendar, start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when end < start)."""
    if end < start:
        return -working_days_between(calendar, end, start)
    total, day = 0, start
    while day < end:
        day += ONE_DAY
        if calendar.is_working_day(day):
            total += 1
    return total


# Each process keeps the calendar it built for at most this long. ``forget_calendar`` (called
# when a row is saved or deleted) clears it at once, but only in the process that saved the
# row: the other web processes and the task worker pick the change up when theirs expires.
CACHE_SECONDS = 60
_cache: dict[str, tuple[float, Calendar]] = {}


def default_calendar() -> Calendar:
    """The calendar with every ``CalendarDay`` row; rebuilt after any row changes."""
    cached = _cache.get("default")
    now = time.monotonic()
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    from danvan.core.models import CalendarDay

    rows = list(CalendarDay.objects.values_list("date", "kind", "name"))
    calendar = Calendar(
        overrides={date: kind for date, kind, _n in rows},
        names={date: name for date, _k, name in rows if name},
    )
    _cache["default"] = (now, calendar)
    return calendar


def forget_calendar() -> None:
    _cache.pop("default", None)
