"""Forms of the campaign screens: filters, settings, copy, field taxonomy and rubric editor.

Forms only parse input; every check that needs the database or spans fields is the
service's (``services.create_campaign``, ``update_campaign``, ``save_level`` …), whose
``ValidationError`` the views show beside the fields.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import DateInput
from danvan.initiatives.models import Aggregation, default_required_kinds
from danvan.orgs.models import UnitKind

# Districts were abolished on 1/7/2025: a new campaign never asks them to register.
KIND_CHOICES = [(kind.value, kind.label) for kind in UnitKind if kind != UnitKind.DISTRICT]


class CampaignFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *((y, y) for y in years)]


class CampaignEditForm(forms.Form):
    """The settings of a campaign that can change after it is created."""

    name = forms.CharField(label=_("Name"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The plans and directives it implements, one per line."),
    )
    registration_opens = forms.DateField(label=_("Registration opens"), widget=DateInput)
    registration_closes = forms.DateField(label=_("Registration closes"), widget=DateInput)
    appraisal_opens = forms.DateField(label=_("Appraisal opens"), widget=DateInput)
    appraisal_closes = forms.DateField(label=_("Appraisal closes"), widget=DateInput)
    required_kinds = forms.MultipleChoiceField(
        label=_("Unit kinds that must register"),
        required=False,
        choices=KIND_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=default_required_kinds,
    )
    quota_min = forms.IntegerField(label=_("Minimum per unit"), min_value=0, max_value=50)
    quota_max = forms.IntegerField(label=_("Maximum per unit"), min_value=1, max_value=50)
    aggregation = forms.ChoiceField(
        label=_("Council result"), choices=Aggregation.choices, initial=Aggregation.MEAN
    )


class CampaignForm(CampaignEditForm):
    """A new campaign of the working unit; the year comes first so defaults can follow it."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    field_order = ["year", "name"]


class CampaignCopyForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the new campaign"), min_value=2000, max_value=2100)
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=255,
        help_text=_("Leave empty to reuse this name with the new year."),
    )


class FieldsForm(forms.Form):
    names = forms.CharField(
        label=_("Fields"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One field per line, in the order they are shown."),
    )

    def clean_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["names"].splitlines() if line.strip()]


class LevelForm(forms.Form):
    name = forms.CharField(label=_("Name of the level"), max_length=120)
    pass_mark = forms.DecimalField(
        label=_("Pass mark"), max_digits=7, decimal_places=2, min_value=Decimal(0)
    )
    min_months_running = forms.IntegerField(
        label=_("Minimum months of operation"), min_value=0, max_value=120, initial=6
    )


class CriterionForm(forms.Form):
    """One rubric row; an empty row is ignored, so extra rows cost nothing."""

    name = forms.CharField(label=_("Criterion"), max_length=255, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    max_points = forms.DecimalField(
        label=_("Maximum points"), max_digits=6, decimal_places=2, required=False
    )
    weight = forms.DecimalField(
        label=_("Weight"), max_digits=5, decimal_places=2, required=False, initial=Decimal(1)
    )

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        if not (data.get("name") or "").strip():
            self.add_error("name", _("Enter the criterion's name."))
        if data.get("max_points") is None and "max_points" not in self.errors:
            self.add_error("max_points", _("Enter the maximum points."))
        return data

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("name") or "").strip() and data.get("max_points") is None

    def row(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "description": data.get("description", ""),
            "max_points": data["max_points"],
            "weight": data.get("weight") or Decimal(1),
        }


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True, max_num=60)
