"""Forms of the plan import: the upload (or pasted text), then the review of the proposal.

They parse input only; the proposal is saved by ``danvan.plans.importing.save_proposal``.
The review forms are named like the rows of ``save_proposal``'s data, so that its errors
("tasks-2-due_on") land beside their fields.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import BootstrapMixin, DateInput
from danvan.core.uploads import WORD, check_upload
from danvan.orgs.models import Unit, UnitKind
from danvan.plans.models import (
    ActivityType,
    DocumentType,
    Plan,
    PlanKind,
    Recurrence,
    SectionKind,
)


class _Form(BootstrapMixin, forms.Form):
    textarea_rows = 2

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in self.fields.values():
            if isinstance(item.widget, forms.Textarea):
                item.widget.attrs.setdefault("rows", self.textarea_rows)
        self._style()


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        if obj.valid_to is not None and not obj.is_current:
            return _("%(name)s (until %(date)s)") % {
                "name": obj.name,
                "date": f"{obj.valid_to:%d/%m/%Y}",
            }
        return obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


# ------------------------------------------------------------------- upload


class ImportStartForm(_Form):
    unit = UnitChoiceField(
        label=_("Issuing unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Suggest it from the document"),
    )
    file = forms.FileField(
        label=_("Word file (.docx)"),
        required=False,
        help_text=_("The plan as a .docx file. An old .doc file: open it in Word, save as .docx."),
    )
    text = forms.CharField(
        label=_("Or paste the text"),
        required=False,
        widget=forms.Textarea,
        help_text=_("The whole document, from the issuing body and number to the signature."),
    )

    textarea_rows = 14

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        sniffed = check_upload(upload, kinds=frozenset({WORD}))
        if sniffed.extension != "docx":
            raise ValidationError(
                _(
                    "This is an old Word file (.doc), which cannot be read. Open it in Word, "
                    "save it as .docx (Word Document) and upload that file."
                ),
                code="legacy_doc",
            )
        return upload

    def clean(self):
        data = super().clean()
        has_file = bool(data.get("file")) or bool(self.errors.get("file"))
        has_text = bool((data.get("text") or "").strip())
        if not has_file and not has_text:
            raise ValidationError(_("Upload a .docx file or paste the text of the document."))
        if data.get("file") and has_text:
            raise ValidationError(_("Give either a file or pasted text, not both."))
        return data


# ------------------------------------------------------------------- review


class ReviewUnitForm(_Form):
    unit = UnitChoiceField(label=_("Issuing unit"), queryset=Unit.objects.none())

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, prefix="issuer", **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class PlanImportForm(_Form):
    kind = forms.ChoiceField(label=_("Document kind"), choices=PlanKind.choices)
    number = forms.CharField(label=_("Number"), max_length=20, required=False)
    symbol = forms.CharField(label=_("Symbol"), max_length=40)
    issued_on = forms.DateField(label=_("Issue date"), required=False, widget=DateInput)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    title = forms.CharField(label=_("Title"), max_length=1000, widget=forms.Textarea)
    subject = forms.CharField(label=_("Subject area"), max_length=200, required=False)
    signer_title = forms.CharField(
        label=_("Signature block"),
        max_length=200,
        required=False,
        widget=forms.Textarea,
        help_text=_("One line each, e.g. “KT. CHỦ TỊCH” then “PHÓ CHỦ TỊCH”."),
    )
    signer_name = forms.CharField(label=_("Signed by"), max_length=200, required=False)
    recipients_text = forms.CharField(
        label=_("Recipients (“Nơi nhận”)"), required=False, widget=forms.Textarea
    )
    parent = forms.ModelChoiceField(
        label=_("Implements plan"),
        queryset=Plan.objects.none(),
        required=False,
        help_text=_("An issued plan in danvan that the basis cites."),
    )

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, prefix="plan", **kwargs)
        if parents is not None:
            self.fields["parent"].queryset = parents
        self.fields["recipients_text"].widget.attrs["rows"] = 6


class _Row(_Form):
    include = forms.BooleanField(label=_("Keep"), required=False)


class BasisImportForm(_Row):
    primary = forms.BooleanField(required=False, widget=forms.HiddenInput)
    line = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Line as written"), required=False, widget=forms.Textarea)
    doc_type = forms.ChoiceField(label=_("Type"), choices=DocumentType.choices)
    number = forms.CharField(label=_("Number and symbol"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("Date"), required=False, widget=DateInput)
    issuer = forms.CharField(label=_("Issued by"), max_length=255, required=False)
    title = forms.CharField(label=_("Title (summary)"), required=False, widget=forms.Textarea)


class SectionImportForm(_Row):
    heading = forms.CharField(label=_("Heading"), max_length=500, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=SectionKind.choices)
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea)

    textarea_rows = 6


class TaskImportForm(_Row):
    title = forms.CharField(label=_("Task"), max_length=500, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    lead_unit = UnitChoiceField(label=_("Lead unit"), queryset=Unit.objects.none(), required=False)
    lead_kinds = forms.MultipleChoiceField(
        label=_("Or each unit of these kinds leads it"),
        choices=UnitKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lead_label = forms.CharField(label=_("Lead as written"), max_length=500, required=False)
    coordinating_units = UnitMultipleChoiceField(
        label=_("Coordinating units"), queryset=Unit.objects.none(), required=False
    )
    coordinating_label = forms.CharField(
        label=_("Coordinating as written"), max_length=500, required=False
    )
    recurrence = forms.ChoiceField(label=_("Deadline"), choices=Recurrence.choices)
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    recur_day = forms.IntegerField(label=_("Day"), required=False, min_value=1, max_value=31)
    recur_month = forms.IntegerField(label=_("Month"), required=False, min_value=1, max_value=12)
    recur_until = forms.DateField(label=_("Repeats until"), required=False, widget=DateInput)

    textarea_rows = 3

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["lead_unit"].queryset = units
            self.fields["coordinating_units"].queryset = units
        self.fields["coordinating_units"].widget.attrs["size"] = 4


class RequirementImportForm(_Row):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    unit_kind = forms.ChoiceField(label=_("Required of every"), choices=UnitKind.choices)
    activity_type = forms.ModelChoiceField(
        label=_("Activity type"), queryset=ActivityType.objects.none(), required=False
    )
    starts_on = forms.DateField(label=_("From"), required=False, widget=DateInput)
    ends_on = forms.DateField(label=_("To"), required=False, widget=DateInput)
    citation = forms.CharField(label=_("Based on"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_type"].queryset = ActivityType.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        if data.get("include"):
            for name in ("title", "activity_type", "starts_on", "ends_on"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("This field is required."))
        return data


BasisFormSet = forms.formset_factory(BasisImportForm, extra=0)
SectionFormSet = forms.formset_factory(SectionImportForm, extra=0)
TaskFormSet = forms.formset_factory(TaskImportForm, extra=0)
RequirementFormSet = forms.formset_factory(RequirementImportForm, extra=0)
