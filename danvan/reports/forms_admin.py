"""The report-form editor: the form's identity, its ordered narrative sections, the kinds of
unit that report on it, and its indicator fields.

Sections and fields are plain formsets (add a row, tick "remove", renumber to reorder); the
view hands what they hold to ``services.save_form_version``, which writes a new version when
the current one is used by a period.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from danvan.core.forms import BootstrapMixin
from danvan.orgs.models import UnitKind
from danvan.reports.models import ReportForm


class ReportFormForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ReportForm
        fields = ["name", "code", "doc_symbol", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class VersionForm(BootstrapMixin, forms.Form):
    unit_kinds = forms.MultipleChoiceField(
        label=_("Reported by"),
        choices=UnitKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of unit that reports.")},
    )
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class SectionForm(BootstrapMixin, forms.Form):
    key = forms.SlugField(
        label=_("Key"), max_length=40, help_text=_("Short, unique, e.g. results.")
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    guidance = forms.CharField(
        label=_("Guidance for the writer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class BaseSectionFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        keys = [form.cleaned_data["key"] for form in self.ordered_forms]
        if not keys:
            raise forms.ValidationError(_("A form needs at least one section."))
        if len(set(keys)) != len(keys):
            raise forms.ValidationError(_("Every section needs its own key."))


SectionFormSet = forms.formset_factory(
    SectionForm, formset=BaseSectionFormSet, extra=0, can_delete=True, can_order=True
)


class FieldForm(BootstrapMixin, forms.Form):
    indicator = forms.TypedChoiceField(label=_("Indicator"), coerce=int)
    required = forms.BooleanField(
        label=pgettext_lazy("mandatory field", "Required"), required=False
    )
    section_key = forms.ChoiceField(label=_("Shown under"), required=False)

    def __init__(self, *args, indicator_choices, section_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "—"), *indicator_choices]
        self.fields["section_key"].choices = [
            ("", _("the figures table")),
            *((key, key) for key in section_choices),
        ]
        self._style()


class BaseFieldFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        chosen = [form.cleaned_data["indicator"] for form in self.ordered_forms]
        if len(set(chosen)) != len(chosen):
            raise forms.ValidationError(_("An indicator appears only once in a form."))


FieldFormSet = forms.formset_factory(
    FieldForm, formset=BaseFieldFormSet, extra=0, can_delete=True, can_order=True
)
