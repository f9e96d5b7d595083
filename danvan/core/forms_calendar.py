"""The form for one government decision on the working-day calendar (a ``CalendarDay`` row)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# The lunar calendar (and so Tết) is computed reliably over this range.
from danvan.core.forms import BootstrapMixin, DateInput
from danvan.core.models import CalendarDay
from danvan.core.workdays import Calendar, DayKind, default_calendar

FIRST_YEAR, LAST_YEAR = 1950, 2100


def _day(value: dt.date) -> str:
    return date_format(value, "l d/m/Y")


class CalendarDayForm(BootstrapMixin, forms.ModelForm):
    date = forms.DateField(
        label=_("Date"), input_formats=["%Y-%m-%d", "%d/%m/%Y"], widget=DateInput()
    )

    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "source"]
        labels = {"name": _("Reason shown"), "source": _("Source")}
        help_texts = {
            "name": _("For example “Nghỉ bù Tết Dương lịch” or “Làm bù cho thứ Sáu 02/01/2026”."),
            "source": _(
                "The notice or decision, with its number and issuing body, e.g. "
                "“Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ”."
            ),
        }
        widgets = {"source": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["source"].required = True
        self.fields["name"].error_messages["required"] = _(
            "Say what the day is, e.g. “Nghỉ hoán đổi” or “Làm bù”."
        )
        self.fields["source"].error_messages["required"] = _(
            "Give the notice or decision that decided it (number and issuing body)."
        )

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if not FIRST_YEAR <= date.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("The calendar covers %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        taken = CalendarDay.objects.filter(date=date).exclude(pk=self.instance.pk).first()
        if taken is not None:
            raise forms.ValidationError(
                _("%(day)s already has an entry (%(kind)s: %(name)s): edit that one instead.")
                % {"day": _day(date), "kind": taken.get_kind_display(), "name": taken.name}
            )
        return date

    def clean(self):
        data = super().clean()
        date, kind = data.get("date"), data.get("kind")
        if date is None or not kind:
            return data
        # What the day would be without this row: the computed default and the other rows.
        others = {
            day: value
            for day, value in default_calendar().overrides.items()
            if day != date and day != getattr(self.instance, "date", None)
        }
        without = Calendar(overrides=others).is_working_day(date)
        if kind == DayKind.WORKING and without:
            self.add_error(
                "kind",
                _(
                    "%(day)s is already a working day. A swapped working day is a Saturday, "
                    "a Sunday or a holiday the government moved."
                )
                % {"day": _day(date)},
            )
        if kind == DayKind.DAY_OFF and date.weekday() >= 5:
            self.add_error(
                "kind",
                _(
                    "%(day)s is a weekend day, already a day off. To move a holiday, enter the "
                    "weekday that becomes a day off."
                )
                % {"day": _day(date)},
            )
        return data
