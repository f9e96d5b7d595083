"""Task deadlines: once by a date, or every year / quarter / month on a day. Pure functions.

- **Once**: the date itself.
- **Yearly** on day/month, e.g. 01/11 for the yearly mass-mobilisation report. The date must
  exist: 29/02 falls only in leap years; 30/02 or 31/04 never fall and are refused.
- **Quarterly** on a day of the n-th month of each quarter (1–3): "by the 15th of the last
  month of each quarter" is day 15, month 3 → 15/03, 15/06, 15/09, 15/12.
- **Monthly** on a day. For monthly and quarterly deadlines a day past the month's end falls
  on its last day (31 → 30/04, 28/02 or 29/02): "by the 31st" means "by month end".

Occurrences are counted from ``start`` (the plan's issue date: nothing falls due before the
plan exists) up to ``until`` when given. A rule with no occurrence in that window "never
fires" and is refused by ``problems``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

ONCE = "once"
YEARLY = "yearly"
QUARTERLY = "quarterly"
MONTHLY = "monthly"
FREQUENCIES = (ONCE, YEARLY, QUARTERLY, MONTHLY)
LEAP_YEAR = 2024  # any leap year: does day/month exist at all?


@dataclass(frozen=True)
class Rule:
    freq: str
    due_on: dt.date | None = None  # once
    day: int | None = None  # yearly, quarterly, monthly
    month: int | None = None  # yearly: 1–12; quarterly: 1–3

    @classmethod
    def of(cls, task) -> Rule:
        return cls(
            freq=task.recurrence, due_on=task.due_on, day=task.recur_day, month=task.recur_month
        )


def _month_day(year: int, month: int, day: int, *, clamp: bool) -> dt.date | None:
    last = calendar.monthrange(year, month)[1]
    if day > last:
        if not clamp:
            return None
        day = last
    return dt.date(year, month, day)


def _months(rule: Rule) -> tuple[int, ...]:
    if rule.freq == YEARLY:
        return (rule.month,) if rule.month else ()
    if rule.freq == QUARTERLY:
        return tuple(rule.month + 3 * q for q in range(4)) if rule.month else ()
    return tuple(range(1, 13))


def _in_year(rule: Rule, year: int) -> Iterator[dt.date]:
    if rule.day is None:
        return
    clamp = rule.freq != YEARLY
    for month in _months(rule):
        day = _month_day(year, month, rule.day, clamp=clamp)
        if day is not None:
            yield day


def shape_problems(rule: Rule) -> dict[str, str]:
    """What is wrong with the rule itself, whatever the window (field → message)."""
    errors: dict[str, str] = {}
    if rule.freq not in FREQUENCIES:
        errors["recurrence"] = _("Choose how the deadline repeats.")
        return errors
    if rule.freq == ONCE:
        if rule.due_on is None:
            errors["due_on"] = _("Give the due date.")
        return errors
    if rule.day is None or not 1 <= rule.day <= 31:
        errors["recur_day"] = _("Give a day between 1 and 31.")
    if rule.freq == YEARLY:
        if rule.month is None or not 1 <= rule.month <= 12:
            errors["recur_month"] = _("Give a month between 1 and 12.")
        elif (
            "recur_day" not in errors
            and _month_day(LEAP_YEAR, rule.month, rule.day, clamp=False) is None
        ):
            errors["recur_day"] = _(
                "%(d)02d/%(m)02d does not exist: this deadline would never fall."
            ) % {
                "d": rule.day,
                "m": rule.month,
            }
    elif rule.freq == QUARTERLY and (rule.month is None or not 1 <= rule.month <= 3):
        errors["recur_month"] = _("Give the month of the quarter: 1, 2 or 3.")
    return errors


def occurrences(rule: Rule, start: dt.date, until: dt.date | None = None) -> Iterator[dt.date]:
    """Deadlines on or after ``start`` (and on or before ``until``), in order.

    Without ``until`` a repeating rule is endless: take what you need with ``islice``.
    """
    if shape_problems(rule):
        return
    if rule.freq == ONCE:
        if rule.due_on >= start and (until is None or rule.due_on <= until):
            yield rule.due_on
        return
    year = start.year
    # A yearly 29/02 falls once in four years (eight across a skipped century year).
    while until is None or year <= until.year:
        for day in _in_year(rule, year):
            if day < start:
                continue
            if until is not None and day > until:
                return
            yield day
        year += 1
        if year > dt.MAXYEAR:
            return


def next_on_or_after(rule: Rule, day: dt.date, until: dt.date | None = None) -> dt.date | None:
    """The first deadline on or after ``day`` (within ``until``), or None."""
    return next(occurrences(rule, day, until), None)


def next_after(rule: Rule, day: dt.date, until: dt.date | None = None) -> dt.date | None:
    """The first deadline strictly after ``day``: the one after a period reported done."""
    if day >= dt.date.max:
        return None
    return next_on_or_after(rule, day + dt.timedelta(days=1), until)


def problems(rule: Rule, *, start: dt.date | None, until: dt.date | None = None) -> dict[str, str]:
    """Everything that makes the rule unusable from ``start`` (the plan's issue date)."""
    errors = shape_problems(rule)
    if errors:
        return errors
    if until is not None and start is not None and until < start:
        errors["recur_until"] = _("The repeat cannot end before the plan's issue date.")
        return errors
    if rule.freq == ONCE:
        if start is not None and rule.due_on < start:
            errors["due_on"] = _("The deadline cannot be before the plan's issue date (%(d)s).") % {
                "d": f"{start:%d/%m/%Y}"
            }
        return errors
    if start is not None and next_on_or_after(rule, start, until) is None:
        if until is None:
            errors["recur_day"] = _(
                "No deadline falls after %(a)s: this rule would never fire."
            ) % {"a": f"{start:%d/%m/%Y}"}
            return errors
        errors["recur_until"] = _(
            "No deadline falls between %(a)s and %(b)s: this rule would never fire."
        ) % {
            "a": f"{start:%d/%m/%Y}",
            "b": f"{until:%d/%m/%Y}",
        }
    return errors


def describe(rule: Rule) -> str:
    """ "By 15/06/2026", "Every year by 01/11", "Every quarter by day 15 of month 3"."""
    if rule.freq == ONCE:
        return _("By %(d)s") % {"d": f"{rule.due_on:%d/%m/%Y}"} if rule.due_on else ""
    if rule.freq == YEARLY:
        return _("Every year by %(d)02d/%(m)02d") % {"d": rule.day or 0, "m": rule.month or 0}
    if rule.freq == QUARTERLY:
        return _("Every quarter by day %(d)s of month %(m)s of the quarter") % {
            "d": rule.day,
            "m": rule.month,
        }
    return _("Every month by day %(d)s") % {"d": rule.day}
