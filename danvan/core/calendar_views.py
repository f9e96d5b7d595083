"""The working-day calendar: a year's grid, its days off with their sources, and the overrides.

Everyone logged in may read it; system administrators (``core.change_calendarday``) add, edit
and delete the government's decisions (``CalendarDay`` rows). Saving or deleting a row drops
the calendar cache and recomputes the stored deadlines (``danvan.petitions.signals``).
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from danvan.core.forms_calendar import FIRST_YEAR, LAST_YEAR, CalendarDayForm
from danvan.core.lunar import lunar_to_solar, solar_to_lunar
from danvan.core.models import CalendarDay
from danvan.core.workdays import Calendar, DayKind, default_calendar

PERM = "core.change_calendarday"
ONE_DAY = dt.timedelta(days=1)
# Two-letter column heads, Monday first (vi: T2 … T7, CN).
WEEKDAY_COLUMNS = [
    pgettext_lazy("calendar column", "Mo"),
    pgettext_lazy("calendar column", "Tu"),
    pgettext_lazy("calendar column", "We"),
    pgettext_lazy("calendar column", "Th"),
    pgettext_lazy("calendar column", "Fr"),
    pgettext_lazy("calendar column", "Sa"),
    pgettext_lazy("calendar column", "Su"),
]


@dataclass(frozen=True)
class Day:
    date: dt.date
    lunar: tuple[int, int, int, bool]
    working: bool
    kind: str | None  # DayKind of an override or a computed holiday, None for an ordinary day
    reason: str
    row: CalendarDay | None

    @property
    def weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def css(self) -> str:
        if self.working and self.weekend:
            return "cal-swapped"
        if not self.working and self.kind in DayKind.NON_WORKING:
            return "cal-off"
        if self.weekend:
            return "cal-weekend"
        return "cal-working"

    @property
    def lunar_label(self) -> str:
        _year, month, day, leap = self.lunar
        if day == 1 or self.date.day == 1:
            return f"{day}/{month}{'n' if leap else ''}"
        return str(day)

    @property
    def lunar_text(self) -> str:
        year, month, day, leap = self.lunar
        text = _("lunar %(day)s/%(month)s/%(year)s") % {"day": day, "month": month, "year": year}
        return f"{text} ({_('leap month')})" if leap else text

    @property
    def status(self) -> str:
        if self.working and self.weekend:
            return _("Swapped working day")
        if self.working:
            return _("Working day")
        return _("Day off")

    @property
    def title(self) -> str:
        parts = [date_format(self.date, "l d/m/Y"), self.lunar_text]
        if self.reason:
            parts.append(self.reason)
        elif self.working and self.row is not None:
            parts.append(self.row.name)
        return " · ".join(parts)


def _year_days(year: int, calendar: Calendar, rows: dict[dt.date, CalendarDay]) -> list[Day]:
    days, date = [], dt.date(year, 1, 1)
    while date.year == year:
        working = calendar.is_working_day(date)
        days.append(
            Day(
                date=date,
                lunar=solar_to_lunar(date),
                working=working,
                kind=calendar.kind(date),
                reason="" if working else calendar.reason(date),
                row=rows.get(date),
            )
        )
        date += ONE_DAY
    return days


def _months(year: int, days: list[Day]) -> list[dict]:
    by_date = {day.date: day for day in days}
    grid = pycalendar.Calendar(firstweekday=0)
    return [
        {
            "number": month,
            "name": MONTHS[month],
            "weeks": [
                [by_date[d] if d.month == month else None for d in week]
                for week in grid.monthdatescalendar(year, month)
            ],
        }
        for month in range(1, 13)
    ]


def _entries(days: list[Day]) -> list[Day]:
    """Each non-working weekday and each override row of the year, in date order."""
    return [day for day in days if day.row is not None or (not day.working and not day.weekend)]


def _notes(year: int, rows: dict[dt.date, CalendarDay]) -> list[str]:
    """Warnings for the parts of the year no government notice has confirmed yet."""
    notes = []
    if not rows:
        notes.append(
            _(
                "No government notice for %(year)s has been entered: the days off shown are "
                "computed from the Labour Code 2019 (Art. 111-112), not yet confirmed by a "
                "government notice."
            )
            % {"year": year}
        )
    tet = lunar_to_solar(year, 1, 1)
    if not any(abs((date - tet).days) <= 7 for date in rows):
        notes.append(
            _(
                "Tết %(year)s (first day %(tet)s): computed, not yet confirmed by a "
                "government notice."
            )
            % {"year": year, "tet": date_format(tet, "d/m/Y")}
        )
    return notes


@login_required
def calendar_year(request, year: int | None = None):
    year = year or timezone.localdate().year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    calendar = default_calendar()
    rows = {row.date: row for row in CalendarDay.objects.filter(date__year=year)}
    days = _year_days(year, calendar, rows)
    context = {
        "year": year,
        "previous": year - 1 if year > FIRST_YEAR else None,
        "next": year + 1 if year < LAST_YEAR else None,
        "this_year": timezone.localdate().year,
        "today": timezone.localdate(),
        "weekdays": [(WEEKDAY_COLUMNS[i], WEEKDAYS[i]) for i in range(7)],
        "months": _months(year, days),
        "entries": _entries(days),
        "notes": _notes(year, rows),
        "counts": {
            "working": sum(day.working for day in days),
            "off_weekdays": sum(1 for day in days if not day.working and not day.weekend),
        },
        "can_edit": request.user.has_perm(PERM),
    }
    return render(request, "core/calendar_year.html", context)


def _require_admin(request) -> None:
    if not request.user.has_perm(PERM):
        raise PermissionDenied


def _prefilled_date(request) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return None


@login_required
def calendar_day_new(request):
    _require_admin(request)
    form = CalendarDayForm(request.POST or None, initial={"date": _prefilled_date(request)})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            day = form.save()
        messages.success(
            request,
            _("%(day)s saved; stored deadlines are being recomputed.")
            % {"day": date_format(day.date, "d/m/Y")},
        )
        return redirect("calendar:year_of", year=day.date.year)
    return render(request, "core/calendar_day_form.html", {"form": form, "day": None})


@login_required
def calendar_day_edit(request, pk: int):
    _require_admin(request)
    day = get_object_or_404(CalendarDay, pk=pk)
    form = CalendarDayForm(request.POST or None, instance=day)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            day = form.save()
        messages.success(
            request,
            _("%(day)s saved; stored deadlines are being recomputed.")
            % {"day": date_format(day.date, "d/m/Y")},
        )
        return redirect("calendar:year_of", year=day.date.year)
    return render(request, "core/calendar_day_form.html", {"form": form, "day": day})


@login_required
@require_POST
def calendar_day_delete(request, pk: int):
    _require_admin(request)
    day = get_object_or_404(CalendarDay, pk=pk)
    year, label = day.date.year, date_format(day.date, "d/m/Y")
    with transaction.atomic():
        day.delete()
    messages.success(
        request,
        _("The entry for %(day)s was removed: the day follows the computed calendar again.")
        % {"day": label},
    )
    return redirect("calendar:year_of", year=year)
