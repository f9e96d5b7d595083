"""Forms of the dialogue and disclosure screens: they parse input only; every write is a service."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import BootstrapMixin, DateInput
from danvan.dialogues.models import (
    DialogueKind,
    DisclosureCategory,
    DisclosureChannel,
    Topic,
)
from danvan.orgs.models import Unit, UnitKind
from danvan.orgs.selectors import default_unit, writable_units  # noqa: F401 - re-exported

DEFAULT_DUE_DAYS = 30


class StyledForm(BootstrapMixin, forms.Form):
    """Bootstrap classes on every widget, and ``is-invalid`` on fields with errors."""

    textarea_rows = 3

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", self.textarea_rows)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class UnitPickMixin:
    """An optional first field choosing the unit (on creation only)."""

    def add_unit_field(self, units, label, initial: Unit | None) -> None:
        self.fields = {
            "unit": UnitChoiceField(label=label, queryset=units, initial=initial),
            **self.fields,
        }


class DialogueForm(UnitPickMixin, StyledForm):
    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    title = forms.CharField(label=_("Title"), max_length=300)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=DialogueKind.choices)
    place = forms.CharField(label=_("Place"), max_length=300)
    chair_name = forms.CharField(label=_("Chaired by"), max_length=200)
    chair_title = forms.CharField(label=_("Chair's title"), max_length=200, required=False)
    participants = forms.CharField(
        label=_("Participants"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Bodies and groups that took part."),
    )
    participant_count = forms.IntegerField(label=_("Number of participants"), min_value=0)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea)

    def __init__(self, *args, units=None, unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.add_unit_field(units, _("Unit holding the dialogue"), unit)


class RequestForm(StyledForm):
    text = forms.CharField(label=_("Request"), widget=forms.Textarea)
    raised_by = forms.CharField(
        label=_("Raised by"),
        max_length=200,
        required=False,
        help_text=_("Internal: who raised it. Never published."),
    )
    owner_unit = UnitChoiceField(label=_("Owner unit"), queryset=Unit.objects.none())
    due_on = forms.DateField(label=_("Due"), widget=DateInput)

    textarea_rows = 2

    def __init__(self, *args, dialogue, owners, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "owner_unit": dialogue.unit_id,
                "due_on": max(
                    dialogue.held_on + dt.timedelta(days=DEFAULT_DUE_DAYS),
                    timezone.localdate(),
                ),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = owners


class AnswerForm(StyledForm):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea)
    on = forms.DateField(label=_("Answered on"), widget=DateInput)

    def __init__(self, *args, request=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("on", timezone.localdate())
        if request is not None and request.answer:
            initial.setdefault("answer", request.answer)
            initial["on"] = request.answered_on or initial["on"]
        super().__init__(*args, **kwargs)


class RequirementForm(UnitPickMixin, StyledForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("e.g. Every commune leader holds a listening conference in 10/2026."),
    )
    unit_kind = forms.ChoiceField(
        label=_("Required of"), choices=UnitKind.choices, initial=UnitKind.COMMUNE
    )
    dialogue_kind = forms.ChoiceField(
        label=_("Dialogue kind"),
        choices=[("", _("Any kind")), *DialogueKind.choices],
        required=False,
    )
    starts_on = forms.DateField(label=_("From"), widget=DateInput)
    ends_on = forms.DateField(label=_("To"), widget=DateInput)
    citation = forms.CharField(
        label=_("Based on"),
        max_length=300,
        required=False,
        help_text=_("The plan or directive that sets it, e.g. Kế hoạch số 12-KH/TU."),
    )

    def __init__(self, *args, units=None, unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.add_unit_field(units, _("Set by"), unit)


class DisclosureForm(UnitPickMixin, StyledForm):
    title = forms.CharField(label=_("What was disclosed"), max_length=300)
    category = forms.ChoiceField(label=_("Category"), choices=DisclosureCategory.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=DisclosureChannel.choices)
    posted_from = forms.DateField(label=_("Posted from"), widget=DateInput)
    posted_to = forms.DateField(
        label=_("Posted to"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty while it is still posted."),
    )
    location = forms.CharField(label=_("Where"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)

    def __init__(self, *args, units=None, unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.add_unit_field(units, _("Unit"), unit)
