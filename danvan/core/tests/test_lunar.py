"""The Vietnamese lunar calendar (UTC+7) against dates checked independently.

The tables below were checked against an independent computation of the new moons and the
sun's major terms with the PyEphem ephemeris (full VSOP87/ELP theories, not the simplified
formulas ``lunar.py`` uses): every day of 1950–2071 agrees for UTC+7.
"""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from danvan.core.lunar import lunar_to_solar, solar_to_lunar

D = dt.date

# The first day of the lunar year (Tết) in Vietnam.
TET = {
    2000: D(2000, 2, 5),
    2001: D(2001, 1, 24),
    2002: D(2002, 2, 12),
    2003: D(2003, 2, 1),
    2004: D(2004, 1, 22),
    2005: D(2005, 2, 9),
    2006: D(2006, 1, 29),
    2007: D(2007, 2, 17),
    2008: D(2008, 2, 7),
    2009: D(2009, 1, 26),
    2010: D(2010, 2, 14),
    2011: D(2011, 2, 3),
    2012: D(2012, 1, 23),
    2013: D(2013, 2, 10),
    2014: D(2014, 1, 31),
    2015: D(2015, 2, 19),
    2016: D(2016, 2, 8),
    2017: D(2017, 1, 28),
    2018: D(2018, 2, 16),
    2019: D(2019, 2, 5),
    2020: D(2020, 1, 25),
    2021: D(2021, 2, 12),
    2022: D(2022, 2, 1),
    2023: D(2023, 1, 22),
    2024: D(2024, 2, 10),
    2025: D(2025, 1, 29),
    2026: D(2026, 2, 17),
    2027: D(2027, 2, 6),
    2028: D(2028, 1, 26),
    2029: D(2029, 2, 13),
    2030: D(2030, 2, 2),
}


@pytest.mark.parametrize(("year", "tet"), sorted(TET.items()))
def test_tet(year, tet):
    assert lunar_to_solar(year, 1, 1) == tet
    assert solar_to_lunar(tet) == (year, 1, 1, False)
    eve = tet - dt.timedelta(days=1)
    last_year, month, day, leap = solar_to_lunar(eve)
    assert (last_year, month, leap) == (year - 1, 12, False)
    assert day in (29, 30)


@pytest.mark.parametrize(
    ("year", "vietnam", "china"),
    [
        # The new moon fell between 23:00 and midnight Beijing time, or the 11th month
        # differs: the UTC+8 calendar starts the year on another day.
        (1968, D(1968, 1, 29), D(1968, 1, 30)),
        (1985, D(1985, 1, 21), D(1985, 2, 20)),
        (2007, D(2007, 2, 17), D(2007, 2, 18)),
        (2030, D(2030, 2, 2), D(2030, 2, 3)),
    ],
)
def test_vietnam_differs_from_china(year, vietnam, china):
    assert lunar_to_solar(year, 1, 1) == vietnam
    assert lunar_to_solar(year, 1, 1, tz=8) == china


@pytest.mark.parametrize(
    ("year", "day"),
    [
        (2004, D(2004, 4, 28)),  # a leap 2nd month pushes it late
        (2023, D(2023, 4, 29)),
        (2024, D(2024, 4, 18)),
        (2025, D(2025, 4, 7)),
        (2026, D(2026, 4, 26)),
        (2027, D(2027, 4, 16)),
    ],
)
def test_hung_kings_day(year, day):
    assert lunar_to_solar(year, 3, 10) == day


def test_leap_months():
    # 2023: a leap 2nd month from 22/03 to 19/04.
    assert lunar_to_solar(2023, 2, 1, leap=True) == D(2023, 3, 22)
    assert solar_to_lunar(D(2023, 3, 21)) == (2023, 2, 30, False)
    assert solar_to_lunar(D(2023, 3, 22)) == (2023, 2, 1, True)
    assert solar_to_lunar(D(2023, 4, 20)) == (2023, 3, 1, False)
    # 2025: a leap 6th month from 25/07.
    assert lunar_to_solar(2025, 6, 1, leap=True) == D(2025, 7, 25)
    assert solar_to_lunar(D(2025, 8, 22)) == (2025, 6, 29, True)
    assert solar_to_lunar(D(2025, 8, 23)) == (2025, 7, 1, False)
    # 2033: the rare leap 11th month, which straddles the solar new year.
    assert lunar_to_solar(2033, 11, 1, leap=True) == D(2033, 12, 22)
    assert solar_to_lunar(D(2034, 1, 1)) == (2033, 11, 11, True)


def test_leap_month_must_exist():
    with pytest.raises(ValueError, match="no leap month 3"):
        lunar_to_solar(2023, 3, 1, leap=True)
    with pytest.raises(ValueError, match="no leap month"):
        lunar_to_solar(2024, 1, 1, leap=True)
    with pytest.raises(ValueError):
        lunar_to_solar(2024, 13, 1)


def test_a_day_before_a_late_new_moon_is_the_30th_not_day_0():
    # The new moon of 08/05/2054 falls at 00:00:14 in Vietnam, after the mean lunation:
    # the day before was once read as "day 0" of the 4th month.
    assert solar_to_lunar(D(2054, 5, 7)) == (2054, 3, 30, False)
    assert solar_to_lunar(D(2054, 5, 8)) == (2054, 4, 1, False)
    assert solar_to_lunar(D(2009, 3, 26), tz=8) == (2009, 2, 30, False)


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 12, 31)))
def test_round_trip(day):
    year, month, lunar_day, leap = solar_to_lunar(day)
    assert 1 <= month <= 12
    assert 1 <= lunar_day <= 30
    assert lunar_to_solar(year, month, lunar_day, leap=leap) == day


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 12, 30)))
def test_consecutive_days(day):
    """The next day is the next lunar day, or day 1 of the next month after a 29th or 30th."""
    today, tomorrow = solar_to_lunar(day), solar_to_lunar(day + dt.timedelta(days=1))
    if tomorrow[2] == 1:
        assert today[2] in (29, 30)
    else:
        assert tomorrow[:2] == today[:2]
        assert tomorrow[3] == today[3]
        assert tomorrow[2] == today[2] + 1
