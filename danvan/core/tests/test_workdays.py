"""The working-day calendar and the two ways of counting a period.

Pure tests build calendars in memory: ``COMPUTED`` (the Labour Code defaults only) and
``OFFICIAL`` (the same plus the government's decisions of migration 0003, as a dict). The
database tests read the rows the migration seeded through ``default_calendar()``.
"""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from danvan.core.models import CalendarDay
from danvan.core.workdays import (
    CALENDAR,
    WORKING,
    Calendar,
    DayKind,
    add_calendar_days,
    add_working_days,
    count,
    default_calendar,
    forget_calendar,
    statutory_holidays,
    working_days_between,
)

D = dt.date
SEED = importlib.import_module("danvan.core.migrations.0003_official_calendar")
COMPUTED = Calendar()
OFFICIAL = Calendar(
    overrides={date: kind for date, kind, _name, _source in SEED.DAYS},
    names={date: name for date, _kind, name, _source in SEED.DAYS},
)

dates = st.dates(min_value=D(1950, 1, 1), max_value=D(2099, 12, 31))
calendars = st.sampled_from([COMPUTED, OFFICIAL])
spans = st.integers(min_value=1, max_value=120)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    forget_calendar()
    yield
    forget_calendar()


# --------------------------------------------------------------------- properties


@given(calendars, dates, spans)
def test_adding_working_days_lands_on_a_working_day(calendar, start, n):
    end = add_working_days(calendar, start, n)
    assert calendar.is_working_day(end)
    assert end > start


@given(calendars, dates, spans, spans)
def test_adding_working_days_is_monotonic(calendar, start, a, b):
    low, high = sorted((a, b))
    if low == high:
        assert add_working_days(calendar, start, low) == add_working_days(calendar, start, high)
    else:
        assert add_working_days(calendar, start, low) < add_working_days(calendar, start, high)


@given(calendars, dates, st.integers(min_value=0, max_value=120))
def test_adding_calendar_days_ends_on_a_working_day_not_before_the_nominal_end(calendar, start, n):
    end = add_calendar_days(calendar, start, n)
    assert calendar.is_working_day(end)
    assert end >= start + dt.timedelta(days=n)
    # Only days off are passed over: every day between the nominal end and the end is one.
    day = start + dt.timedelta(days=n)
    while day < end:
        assert not calendar.is_working_day(day)
        day += dt.timedelta(days=1)


@given(calendars, dates, spans, spans)
def test_adding_calendar_days_is_monotonic(calendar, start, a, b):
    low, high = sorted((a, b))
    assert add_calendar_days(calendar, start, low) <= add_calendar_days(calendar, start, high)


@given(calendars, dates, st.integers(min_value=0, max_value=120))
def test_working_days_between_inverts_adding_them(calendar, start, n):
    end = add_working_days(calendar, start, n)
    assert working_days_between(calendar, start, end) == n
    assert working_days_between(calendar, end, start) == -n


@given(calendars, dates, spans)
def test_the_skipped_days_are_exactly_the_days_off_passed(calendar, start, n):
    period = count(calendar, start, n, WORKING)
    passed = (period.end - start).days
    assert passed == n + len(period.skipped)
    assert all(not calendar.is_working_day(day) and reason for day, reason in period.skipped)


# --------------------------------------------------------------------- fixed cases


def test_across_tet_2026():
    # Event on Tuesday 10/02; 11–13/02 count, 14/02–22/02 are off (Tết 16–20 and two weekends).
    for calendar in (COMPUTED, OFFICIAL):
        assert add_working_days(calendar, D(2026, 2, 10), 7) == D(2026, 2, 26)
    period = count(OFFICIAL, D(2026, 2, 10), 7, WORKING)
    assert [day for day, _reason in period.skipped] == [D(2026, 2, day) for day in range(14, 23)]


def test_tet_2026_reasons_in_english():
    period = count(COMPUTED, D(2026, 2, 13), 1, WORKING)
    with translation.override("en"):
        reasons = dict(count(COMPUTED, D(2026, 2, 13), 1, WORKING).skipped)
    assert period.end == D(2026, 2, 23)
    assert reasons[D(2026, 2, 14)] == "Saturday"
    assert reasons[D(2026, 2, 15)] == "Sunday"
    assert reasons[D(2026, 2, 17)] == "Lunar New Year (Tết)"
    assert reasons[D(2026, 2, 21)] == "Saturday"


def test_tet_2027_computed_default():
    # Tết Đinh Mùi is Saturday 06/02/2027: the five days are 05–09/02 (the 30th of the old
    # year and the first four of the new), and the Saturday and Sunday among them give two
    # compensatory days off, 10 and 11/02. No notice is known: the default applies.
    holidays = statutory_holidays(2027)
    assert [d for d in holidays if D(2027, 2, 1) <= d <= D(2027, 2, 28)] == [
        D(2027, 2, day) for day in range(5, 12)
    ]
    for calendar in (COMPUTED, OFFICIAL):
        assert add_working_days(calendar, D(2027, 2, 4), 1) == D(2027, 2, 12)
        assert working_days_between(calendar, D(2027, 2, 1), D(2027, 2, 28)) == 19 - 5
    with translation.override("en"):
        assert COMPUTED.reason(D(2027, 2, 10)) == "Compensatory day off"


def test_a_swapped_saturday():
    # 2025: Friday 02/05 off, made up on Saturday 26/04.
    assert OFFICIAL.is_working_day(D(2025, 4, 26))
    assert not OFFICIAL.is_working_day(D(2025, 5, 2))
    assert add_working_days(OFFICIAL, D(2025, 4, 25), 1) == D(2025, 4, 26)
    assert add_working_days(OFFICIAL, D(2025, 4, 29), 1) == D(2025, 5, 5)
    assert OFFICIAL.reason(D(2025, 5, 2)) == "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)"
    # Without the decision the Saturday is a day off and the Friday a working day.
    assert not COMPUTED.is_working_day(D(2025, 4, 26))
    assert COMPUTED.is_working_day(D(2025, 5, 2))
    assert add_working_days(COMPUTED, D(2025, 4, 29), 1) == D(2025, 5, 2)


def test_the_end_day_rule():
    # 30 days from Thursday 05/06/2025 is Saturday 05/07: the period ends on Monday 07/07.
    period = count(COMPUTED, D(2025, 6, 5), 30, CALENDAR)
    assert period.end == D(2025, 7, 7)
    assert [day for day, _reason in period.skipped] == [D(2025, 7, 5), D(2025, 7, 6)]
    # A period of calendar days counts weekends and holidays inside it.
    assert add_calendar_days(COMPUTED, D(2026, 2, 10), 10) == D(2026, 2, 23)
    assert add_calendar_days(COMPUTED, D(2026, 2, 3), 10) == D(2026, 2, 13)
    # Ending on the first day of Tết 2026: on to Monday 23/02.
    period = count(OFFICIAL, D(2026, 1, 17), 30, CALENDAR)
    assert period.end == D(2026, 2, 23)
    assert len(period.skipped) == 7
    # A working Saturday ends a period like any working day.
    assert add_calendar_days(OFFICIAL, D(2025, 3, 27), 30) == D(2025, 4, 26)
    assert add_calendar_days(COMPUTED, D(2025, 3, 27), 30) == D(2025, 4, 28)


def test_compensatory_days_off():
    holidays = statutory_holidays(2026)
    # Hùng Kings' day on Sunday 26/04/2026 gives Monday 27/04.
    assert D(2026, 4, 26) in holidays
    assert D(2026, 4, 27) in holidays
    assert not COMPUTED.is_working_day(D(2026, 4, 27))
    # 2023: Hùng Kings on Saturday 29/04 and 30/04 on Sunday give 02 and 03/05 (after the
    # holiday of 01/05); 02/09 on a Saturday gives Monday 04/09.
    holidays = statutory_holidays(2023)
    assert {D(2023, 5, 2), D(2023, 5, 3), D(2023, 9, 4)} <= set(holidays)
    assert D(2023, 9, 1) in holidays  # the day next to 2/9
    # 2022: the computed days off on weekdays are the year's official schedule (no swap).
    weekdays_off = sorted(d for d in statutory_holidays(2022) if d.weekday() < 5)
    assert weekdays_off == [
        D(2022, 1, 3),
        *[D(2022, 1, 31), D(2022, 2, 1), D(2022, 2, 2), D(2022, 2, 3), D(2022, 2, 4)],
        D(2022, 4, 11),
        D(2022, 5, 2),
        D(2022, 5, 3),
        D(2022, 9, 1),
        D(2022, 9, 2),
    ]


def test_the_day_next_to_national_day():
    assert D(2024, 9, 3) in statutory_holidays(2024)  # 2/9 a Monday: the day after
    assert D(2025, 9, 1) in statutory_holidays(2025)  # otherwise the day before


def test_an_official_decision_cancels_a_computed_day_off():
    # Tết 2025 was set on 27–31/01: no compensatory Monday 03/02 for the Saturday 01/02.
    assert not COMPUTED.is_working_day(D(2025, 2, 3))
    assert OFFICIAL.is_working_day(D(2025, 2, 3))
    assert not OFFICIAL.is_working_day(D(2025, 1, 27))
    assert working_days_between(OFFICIAL, D(2025, 1, 24), D(2025, 2, 3)) == 1


def test_a_holiday_row_without_a_name_says_holiday():
    calendar = Calendar(overrides={D(2026, 11, 24): DayKind.HOLIDAY})
    assert not calendar.is_working_day(D(2026, 11, 24))
    with translation.override("en"):
        assert calendar.reason(D(2026, 11, 24)) == "Public holiday"


def test_bad_periods():
    with pytest.raises(ValueError, match="negative"):
        count(COMPUTED, D(2026, 1, 5), -1, WORKING)
    with pytest.raises(ValueError, match="day type"):
        count(COMPUTED, D(2026, 1, 5), 1, "fortnights")
    assert add_working_days(COMPUTED, D(2026, 2, 14), 0) == D(2026, 2, 14)
    assert add_calendar_days(COMPUTED, D(2026, 2, 14), 0) == D(2026, 2, 23)


# --------------------------------------------------------------------- the seeded rows


@pytest.mark.django_db
def test_the_seeded_calendar_is_the_official_one():
    calendar = default_calendar()
    day = D(2025, 1, 1)
    while day <= D(2027, 12, 31):
        assert calendar.is_working_day(day) == OFFICIAL.is_working_day(day), day
        day += dt.timedelta(days=1)
    assert calendar.is_working_day(D(2025, 4, 26))
    assert not calendar.is_working_day(D(2025, 5, 2))
    assert not calendar.is_working_day(D(2026, 1, 2))
    assert calendar.is_working_day(D(2026, 1, 10))
    assert calendar.is_working_day(D(2026, 8, 22))
    assert not calendar.is_working_day(D(2026, 8, 31))
    assert add_working_days(calendar, D(2026, 2, 10), 7) == D(2026, 2, 26)
    assert add_working_days(calendar, D(2027, 2, 4), 1) == D(2027, 2, 12)


@pytest.mark.django_db
def test_every_seeded_row_has_a_source():
    rows = CalendarDay.objects.filter(date__year__in=[2025, 2026, 2027])
    assert rows.count() == len(SEED.DAYS)
    assert not rows.filter(source="").exists()
    assert not rows.filter(date__year=2027).exists()  # no notice known: computed


@pytest.mark.django_db
def test_the_seed_is_idempotent_and_keeps_edits():
    CalendarDay.objects.filter(date=D(2025, 5, 2)).update(name="Edited by an administrator")
    before = CalendarDay.objects.count()
    SEED.seed(apps, None)
    SEED.seed(apps, None)
    assert CalendarDay.objects.count() == before
    assert CalendarDay.objects.get(date=D(2025, 5, 2)).name == "Edited by an administrator"
    SEED.unseed(apps, None)
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [D(2025, 5, 2)]
    SEED.seed(apps, None)
    assert CalendarDay.objects.count() == before


@pytest.mark.django_db
def test_a_new_row_is_seen_at_once():
    day = D(2026, 11, 24)  # a Tuesday
    assert default_calendar().is_working_day(day)
    CalendarDay.objects.create(
        date=day, kind=DayKind.DAY_OFF, name="Ngày Văn hóa Việt Nam", source="test"
    )
    assert not default_calendar().is_working_day(day)
    assert default_calendar().reason(day) == "Ngày Văn hóa Việt Nam"
    CalendarDay.objects.filter(date=day).delete()  # a queryset delete sends post_delete too
    assert default_calendar().is_working_day(day)
