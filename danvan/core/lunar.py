"""The Vietnamese lunar calendar (âm lịch), computed for UTC+7.

The months start on the day of the astronomical new moon in Vietnam's time zone; the 11th
month holds the winter solstice; a leap year repeats the first month that holds no major
solar term. This is why a Chinese-calendar table (UTC+8) is wrong in some years: Tết 2007
fell on 17/02 in Vietnam and on 18/02 in China.

New moons and the sun's longitude follow the simplified formulas of J. Meeus,
"Astronomical Algorithms" (1998), accurate to minutes over 1900–2100, which is enough to
place a new moon on the right day except in rare boundary cases.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache

VIETNAM_UTC_OFFSET = 7
_SYNODIC_MONTH = 29.530588853
_JD_EPOCH_1900 = 2415021.076998695  # the new moon of 1900-01-01, as a Julian day
_ORDINAL_TO_JD = 1721425  # date.toordinal() + this = Julian day number


def _jd(day: dt.date) -> int:
    return day.toordinal() + _ORDINAL_TO_JD


def _date(jd: int) -> dt.date:
    return dt.date.fromordinal(jd - _ORDINAL_TO_JD)


def _new_moon(k: int) -> float:
    """Julian date (UT) of the k-th new moon after 1900-01-01."""
    rad = math.pi / 180
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * rad)
    m = (359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3) * rad  # sun anomaly
    mp = (306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3) * rad  # moon
    f = (21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3) * rad  # latitude arg.
    correction = (
        (0.1734 - 0.000393 * t) * math.sin(m)
        + 0.0021 * math.sin(2 * m)
        - 0.4068 * math.sin(mp)
        + 0.0161 * math.sin(2 * mp)
        - 0.0004 * math.sin(3 * mp)
        + 0.0104 * math.sin(2 * f)
        - 0.0051 * math.sin(m + mp)
        - 0.0074 * math.sin(m - mp)
        + 0.0004 * math.sin(2 * f + m)
        - 0.0004 * math.sin(2 * f - m)
        - 0.0006 * math.sin(2 * f + mp)
        + 0.0010 * math.sin(2 * f - mp)
        + 0.0005 * math.sin(2 * mp + m)
    )
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd + correction - delta_t


def _new_moon_day(k: int, tz: float) -> int:
    """Julian day number, in local time ``tz``, of the k-th new moon."""
    return math.floor(_new_moon(k) + 0.5 + tz / 24)


def _sun_longitude(jdn: float) -> float:
    """The sun's apparent longitude in radians, 0 ≤ L < 2π, at Julian date ``jdn`` (UT)."""
    rad = math.pi / 180
    t = (jdn - 2451545.0) / 36525
    t2 = t * t
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (
        (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(rad * m)
        + (0.019993 - 0.000101 * t) * math.sin(2 * rad * m)
        + 0.000290 * math.sin(3 * rad * m)
    )
    longitude = (l0 + dl) * rad
    return longitude - 2 * math.pi * math.floor(longitude / (2 * math.pi))


def _major_term(day_number: int, tz: float) -> int:
    """Which of the 12 major solar terms (0–11) the sun is in at the start of the local day."""
    return math.floor(_sun_longitude(day_number - 0.5 - tz / 24) / math.pi * 6)


@lru_cache(maxsize=512)
def _month11(year: int, tz: float) -> int:
    """Julian day number of the first day of lunar month 11 of ``year`` (holds the solstice)."""
    offset = _jd(dt.date(year, 12, 31)) - 2415021
    k = math.floor(offset / _SYNODIC_MONTH)
    start = _new_moon_day(k, tz)
    if _major_term(start, tz) >= 9:
        start = _new_moon_day(k - 1, tz)
    return start


def _leap_month_offset(a11: int, tz: float) -> int:
    """Months after month 11 to the leap month, in a lunar year that has one."""
    k = math.floor((a11 - _JD_EPOCH_1900) / _SYNODIC_MONTH + 0.5)
    i = 1
    arc = _major_term(_new_moon_day(k + i, tz), tz)
    while True:
        last = arc
        i += 1
        arc = _major_term(_new_moon_day(k + i, tz), tz)
        if arc == last or i >= 14:
            break
    return i - 1


def lunar_to_solar(
    year: int, month: int, day: int, *, leap: bool = False, tz: float = VIETNAM_UTC_OFFSET
) -> dt.date:
    """The solar date of lunar ``day``/``month``/``year`` (``leap`` for a leap month)."""
    if not 1 <= month <= 12 or not 1 <= day <= 30:
        raise ValueError("A lunar date has a month 1-12 and a day 1-30.")
    if month < 11:
        a11, b11 = _month11(year - 1, tz), _month11(year, tz)
    else:
        a11, b11 = _month11(year, tz), _month11(year + 1, tz)
    k = math.floor(0.5 + (a11 - _JD_EPOCH_1900) / _SYNODIC_MONTH)
    offset = (month - 11) % 12
    if b11 - a11 > 365:
        leap_offset = _leap_month_offset(a11, tz)
        leap_month = (leap_offset - 2) % 12
        if leap and month != leap_month:
            raise ValueError(f"Lunar year {year} has no leap month {month}.")
        if leap or offset >= leap_offset:
            offset += 1
    elif leap:
        raise ValueError(f"Lunar year {year} has no leap month.")
    return _date(_new_moon_day(k + offset, tz) + day - 1)


def solar_to_lunar(day: dt.date, *, tz: float = VIETNAM_UTC_OFFSET) -> tuple[int, int, int, bool]:
    """(year, month, day, leap) of the lunar date that falls on solar ``day``."""
    jd = _jd(day)
    # The mean lunation is only an estimate: a true new moon can fall up to ~14 hours after
    # it, so step back until the month has started on or before ``day`` (without this, a day
    # just before a late new moon came out as day 0 of the next month, e.g. 07/05/2054).
    k = math.floor((jd - _JD_EPOCH_1900) / _SYNODIC_MONTH) + 1
    month_start = _new_moon_day(k, tz)
    while month_start > jd:
        k -= 1
        month_start = _new_moon_day(k, tz)
    a11 = _month11(day.year, tz)
    b11 = a11
    if a11 >= month_start:
        lunar_year = day.year
        a11 = _month11(day.year - 1, tz)
    else:
        lunar_year = day.year + 1
        b11 = _month11(day.year + 1, tz)
    lunar_day = jd - month_start + 1
    diff = math.floor((month_start - a11) / 29)
    leap = False
    lunar_month = diff + 11
    if b11 - a11 > 365:
        leap_diff = _leap_month_offset(a11, tz)
        if diff >= leap_diff:
            lunar_month = diff + 10
            if diff == leap_diff:
                leap = True
    if lunar_month > 12:
        lunar_month -= 12
    if lunar_month >= 11 and diff < 4:
        lunar_year -= 1
    return lunar_year, lunar_month, lunar_day, leap
