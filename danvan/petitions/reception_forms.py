"""Forms of the reception register, the schedules and the compliance page: they parse only.

Every rule that needs the database or the acting user (the date against the unit's life, the
letter a reception produced) is checked by ``reception_services``; its errors come back to
these forms by field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import BootstrapMixin, DateInput
from danvan.initiatives.forms import UnitChoiceField
from danvan.petitions.models import (
    ReceptionClass,
    ReceptionFrequency,
    ReceptionKind,
    ReceptionOutcome,
)
from danvan.petitions.reception_services import IDENTITY, RECEPTION_FIELDS, SCHEDULE_FIELDS


class ReceptionForm(BootstrapMixin, forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=None, empty_label=None)
    received_on = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind of reception"), choices=ReceptionKind.choices)
    official_name = forms.CharField(label=_("Receiving official"), max_length=200)
    official_title = forms.CharField(label=_("Title"), max_length=200, required=False)
    citizen_name = forms.CharField(
        label=_("Citizen's name"),
        max_length=200,
        required=False,
        help_text=_("For a group, the name of its representative."),
    )
    citizen_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    citizen_count = forms.IntegerField(
        label=_("Number of citizens"),
        min_value=1,
        initial=1,
        help_text=_("More than 1 for a group."),
    )
    content = forms.CharField(
        label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    classification = forms.ChoiceField(label=_("Classification"), choices=ReceptionClass.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReceptionOutcome.choices)
    make_letter = forms.BooleanField(
        label=_("Record the letter received at this reception"),
        required=False,
        help_text=_(
            "When the outcome is “letter received”: the letter is entered in the register of "
            "letters (channel “in person”) with its legal deadlines, and linked here."
        ),
    )
    seal_identity = forms.BooleanField(
        label=_("The complainant asks to keep their identity secret"),
        required=False,
        help_text=_("A denunciation's identity is always sealed."),
    )

    def __init__(self, *args, units=None, reception=None, show_identity: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.reception = reception
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units
        if not show_identity:
            for name in IDENTITY:
                del self.fields[name]
        if reception is not None and reception.letter_id is not None:
            # The letter it produced took its kind from these: they stay as they are.
            del self.fields["make_letter"]
            del self.fields["seal_identity"]
            self.fields["classification"].disabled = True
            self.fields["outcome"].disabled = True

    @classmethod
    def initial_for(cls, reception) -> dict:
        return {name: getattr(reception, name) for name in RECEPTION_FIELDS}

    def clean(self):
        data = super().clean()
        if data.get("make_letter") and data.get("outcome") != ReceptionOutcome.LETTER_RECEIVED:
            self.add_error(
                "make_letter",
                _("Choose the outcome “letter received” to record a letter."),
            )
        return data

    def reception_data(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in RECEPTION_FIELDS if name in data}


class ScheduleForm(BootstrapMixin, forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=None, empty_label=None)
    leader_name = forms.CharField(label=_("Leader"), max_length=200)
    leader_title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("E.g. “Chair of the People's Committee”.")
    )
    frequency = forms.ChoiceField(label=_("Frequency"), choices=ReceptionFrequency.choices)
    days_text = forms.CharField(
        label=_("Reception days"), max_length=200, help_text=_("E.g. “Thursday every week”.")
    )
    place = forms.CharField(label=_("Place"), max_length=300)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput(), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units

    @classmethod
    def initial_for(cls, schedule) -> dict:
        return {name: getattr(schedule, name) for name in SCHEDULE_FIELDS}

    def schedule_data(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in SCHEDULE_FIELDS if name in data}


# ---------------------------------------------------------------- list filters


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _choice(value: str | None, choices) -> str:
    value = (value or "").strip()
    return value if value in {v for v, _label in choices} else ""


SORTS = ("date", "-date", "unit", "-unit", "count", "-count")


@dataclass(frozen=True)
class ReceptionFilters:
    q: str = ""
    unit: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str = ""
    classification: str = ""
    outcome: str = ""
    sort: str = "-date"

    @classmethod
    def from_params(cls, params) -> ReceptionFilters:
        sort = params.get("sort", "")
        return cls(
            q=(params.get("q") or "").strip()[:200],
            unit=_int(params.get("unit")),
            date_from=_date(params.get("date_from")),
            date_to=_date(params.get("date_to")),
            kind=_choice(params.get("kind"), ReceptionKind.choices),
            classification=_choice(params.get("classification"), ReceptionClass.choices),
            outcome=_choice(params.get("outcome"), ReceptionOutcome.choices),
            sort=sort if sort in SORTS else "-date",
        )

    @property
    def active(self) -> bool:
        return any(
            [
                self.q,
                self.unit,
                self.date_from,
                self.date_to,
                self.kind,
                self.classification,
                self.outcome,
            ]
        )


def parse_month(value: str | None) -> dt.date | None:
    """``2025-07`` (an <input type="month">) or a full date → the first day of that month."""
    value = (value or "").strip()
    try:
        if len(value) == 7:
            year, month = value.split("-")
            return dt.date(int(year), int(month), 1)
        return dt.date.fromisoformat(value).replace(day=1)
    except ValueError:
        return None
