"""Forms of the report cycle: a period, a report's header, and the reading of typed figures.

A period is opened by a unit the user writes for (system administrators may leave the owner
empty: a national period). A report's figures are not a Django form: their inputs depend on
the form version's indicators (``figure_rows``), and ``services.save_report`` checks them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import BootstrapMixin, DateInput
from danvan.kpis.models import IndicatorKind
from danvan.orgs.scope import scope_for
from danvan.orgs.selectors import writable_units
from danvan.reports.models import FormVersion, Period, PeriodKind, PeriodStatus, Report

FIGURE_PARTS = ("value", "numerator", "denominator", "rank", "note")


def period_defaults(today: dt.date) -> dict:
    """A yearly period of this year, counted to 31/10 and due 01/11 (DOMAIN.md §3)."""
    year = today.year
    return {
        "kind": PeriodKind.YEAR,
        "year": year,
        "name": f"Báo cáo công tác dân vận chính quyền năm {year}",
        "start_date": dt.date(year - 1, 11, 1),
        "end_date": dt.date(year, 10, 31),
        "due_date": dt.date(year, 11, 1),
        "remind_days": 5,
    }


class PeriodForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Period
        fields = [
            "owner",
            "form_version",
            "name",
            "kind",
            "year",
            "start_date",
            "end_date",
            "due_date",
            "remind_days",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "due_date": DateInput(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_global = scope_for(user).is_global
        owner = self.fields["owner"]
        owner.queryset = writable_units(user)
        owner.required = not self.is_global
        owner.empty_label = _("The whole country") if self.is_global else None
        owner.label_from_instance = lambda unit: unit.name
        version = self.fields["form_version"]
        version.queryset = FormVersion.objects.filter(form__is_active=True).select_related("form")
        version.label_from_instance = lambda v: f"{v.form.name} — v{v.number}"
        if self.instance.pk and self.instance.status != PeriodStatus.DRAFT:
            # reports exist: who reports and on which form can no longer change
            for name in ("owner", "form_version"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once the period is opened.")
        self._style()

    def clean(self):
        data = super().clean()
        start, end, due = data.get("start_date"), data.get("end_date"), data.get("due_date")
        if start and end and start > end:
            self.add_error("end_date", _("The as-of date cannot be before the start."))
        if end and due and due < end:
            self.add_error("due_date", _("The due date cannot be before the as-of date."))
        return data


class ReportHeaderForm(BootstrapMixin, forms.ModelForm):
    """Number, place, date, signer and recipients of one report."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Report
        fields = ["number", "place", "signed_on", "signer_name", "signer_title", "recipients"]
        widgets = {
            "signed_on": DateInput(),
            # "TM. ỦY BAN NHÂN DÂN" above "CHỦ TỊCH": a one-line input would join the lines
            "signer_title": forms.Textarea(attrs={"rows": 2}),
            "recipients": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_signer_title(self) -> str:
        lines = (self.cleaned_data.get("signer_title") or "").splitlines()
        return "\n".join(line.strip() for line in lines if line.strip())

    def header(self) -> dict:
        """The header for ``services.save_report`` (an emptied date clears it)."""
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


def as_input(number: Decimal | int | None) -> str:
    """A stored number as typed back into an input: no thousands dots, a decimal comma."""
    if number is None:
        return ""
    text = format(Decimal(number).normalize(), "f")
    return text.replace(".", ",")


def figure_input_name(indicator_id: int, part: str) -> str:
    return f"fig-{indicator_id}-{part}"


def stored_figures(values) -> dict[int, dict[str, str]]:
    """What the inputs show for stored ``ReportValue`` rows, by indicator id."""
    figures = {}
    for row in values:
        kind = row.indicator.kind
        figures[row.indicator_id] = {
            "value": (
                as_input(row.numerator)
                if kind == IndicatorKind.BOOLEAN and row.numerator is not None
                else as_input(row.value)
            ),
            "numerator": as_input(row.numerator),
            "denominator": as_input(row.denominator),
            "rank": "" if row.rank is None else str(row.rank),
            "note": row.note,
        }
    return figures


def typed_figures(data, indicators) -> dict[int, dict[str, str]]:
    """What the user typed for each indicator of the form whose inputs were sent, by
    indicator id (an indicator with no input in the request is left as it is)."""
    return {
        indicator.pk: {
            part: str(data.get(figure_input_name(indicator.pk, part), "")).strip()
            for part in FIGURE_PARTS
        }
        for indicator in indicators
        if any(figure_input_name(indicator.pk, part) in data for part in FIGURE_PARTS)
    }
