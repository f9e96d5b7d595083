"""Forms of the public side: sending a petition or feedback, tracking a code, filtering answers.

The public form offers only petitions (kiến nghị) and feedback (phản ánh): complaints and
denunciations must be filed in person or in writing (Law on Complaints 2011, Law on
Denunciations 2018). The addressed unit is a current province, or a current commune of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from danvan.core.uploads import PDF, PHOTO, WORD, check_upload
from danvan.dialogues.models import Topic
from danvan.orgs.models import Unit, UnitKind
from danvan.petitions.models import Channel, LetterKind, SubjectArea
from danvan.portal import antiabuse

MAX_ATTACHMENTS = 3
ATTACHMENT_KINDS = frozenset({PHOTO, PDF, WORD})
PUBLIC_KINDS = (LetterKind.PETITION, LetterKind.FEEDBACK)
SUBMIT_PURPOSE = "public-submit"

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"^0\d{9,10}$")  # mobile: 10 digits; landline: 11
_ID_NUMBER = re.compile(r"^(\d{9}|\d{12})$")  # identity card (9) or citizen ID card (12)


def current_provinces():
    return Unit.objects.current().filter(kind=UnitKind.PROVINCE).order_by("name")


def current_communes(province: Unit | None):
    if province is None:
        return Unit.objects.none()
    return (
        Unit.objects.current()
        .filter(kind=UnitKind.COMMUNE, path__startswith=province.path)
        .order_by("name")
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


class PublicLetterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you sending?"),
        choices=[(kind.value, kind.label) for kind in PUBLIC_KINDS],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a petition or feedback."),
            "invalid_choice": _(
                "Only a petition or feedback can be sent here: file a complaint or a "
                "denunciation in person or in writing."
            ),
        },
    )
    province = forms.ModelChoiceField(
        label=_("Province or city"),
        queryset=Unit.objects.none(),  # set per request: "current" depends on the day
        empty_label=_("— Choose the province —"),
        error_messages={
            "required": _("Choose the province or city your letter is addressed to."),
            "invalid_choice": _("Choose a province from the list."),
        },
    )
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— The province itself —"),
        help_text=_("Leave empty to address the provincial People's Committee."),
        error_messages={"invalid_choice": _("Choose a commune or ward from the list.")},
    )
    subject_area = forms.ChoiceField(
        label=_("Subject area"),
        choices=[("", _("— Choose —")), *SubjectArea.choices],
        error_messages={"required": _("Choose the subject area.")},
    )
    title = forms.CharField(
        label=_("Subject"),
        max_length=300,
        error_messages={
            "required": _("Write the subject of your letter in a few words."),
            "max_length": _("The subject is at most %(limit_value)d characters."),
        },
    )
    content = forms.CharField(
        label=_("Content"),
        min_length=20,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened, where and when, and what you propose."),
        error_messages={
            "required": _("Write the content of your petition or feedback."),
            "min_length": _("Write at least %(limit_value)d characters so the unit understands."),
            "max_length": _("The content is at most %(limit_value)d characters."),
        },
    )
    citizen_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        error_messages={"required": _("Write your full name.")},
    )
    citizen_phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        help_text=_("The unit may call you to clarify your letter."),
        error_messages={"required": _("Write a phone number the unit can call.")},
    )
    citizen_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=200,
        error_messages={"invalid": _("This e-mail address is not valid.")},
    )
    citizen_address = forms.CharField(
        label=_("Address"),
        max_length=300,
        error_messages={"required": _("Write your address (village or street, commune).")},
    )
    citizen_id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=20,
        help_text=_("Optional: the 12 digits of your citizen ID card."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to 3 files: photos (JPEG, PNG), PDF or Word."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the personal data above is processed only to handle this letter, "
            "under Decree 13/2023/ND-CP on personal data protection."
        ),
        error_messages={"required": _("Tick the box to agree, or the letter cannot be handled.")},
    )
    # Anti-abuse: a field people never see (CSS hides it) and the signed time of rendering.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    form_stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, now: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._now = now
        self.fields["province"].queryset = current_provinces()
        self.fields["commune"].queryset = Unit.objects.current().filter(kind=UnitKind.COMMUNE)

    # ------------------------------------------------------------ what the template shows

    @cached_property
    def chosen_province(self) -> Unit | None:
        value = self["province"].value()
        if not value:
            return None
        try:
            return current_provinces().filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None

    def commune_options(self):
        return current_communes(self.chosen_province)

    def fresh_stamp(self) -> str:
        return antiabuse.issue_stamp(SUBMIT_PURPOSE, now=self._now)

    # ------------------------------------------------------------ cleaning

    def clean_citizen_phone(self) -> str:
        phone = _PHONE_SEPARATORS.sub("", self.cleaned_data["citizen_phone"])
        if phone.startswith("+84"):
            phone = "0" + phone[3:]
        elif phone.startswith("84") and len(phone) in (11, 12):
            phone = "0" + phone[2:]
        if not _PHONE.match(phone):
            raise ValidationError(
                _("Write a Vietnamese phone number of 10 digits, e.g. 0905 123 456.")
            )
        return phone

    def clean_citizen_id_number(self) -> str:
        number = re.sub(r"\s", "", self.cleaned_data["citizen_id_number"])
        if number and not _ID_NUMBER.match(number):
            raise ValidationError(_("An ID number has 12 digits (an old identity card: 9)."))
        return number

    def clean_citizen_name(self) -> str:
        return " ".join(self.cleaned_data["citizen_name"].split())

    def clean_attachments(self) -> list:
        files = self.cleaned_data["attachments"]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS}, code="too_many"
            )
        errors = []
        for upload in files:
            try:
                check_upload(upload, kinds=ATTACHMENT_KINDS)
            except ValidationError as exc:
                errors += [f"{upload.name}: {message}" for message in exc.messages]
        if errors:
            raise ValidationError(errors)
        return files

    def clean(self):
        cleaned = super().clean()
        province, commune = cleaned.get("province"), cleaned.get("commune")
        if (
            province is not None
            and commune is not None
            and not commune.path.startswith(province.path)
        ):
            self.add_error(
                "commune",
                _("%(commune)s is not in %(province)s.")
                % {"commune": commune.name, "province": province.name},
            )
        problem = antiabuse.check_stamp(
            self.data.get(antiabuse.STAMP_FIELD), SUBMIT_PURPOSE, now=self._now
        )
        if problem == antiabuse.StampProblem.TOO_FAST:
            raise ValidationError(
                _("The form was sent too quickly. Check what you wrote and send it again."),
                code="too_fast",
            )
        if problem is not None:
            raise ValidationError(
                _(
                    "The form was open too long, or its page was outdated. Check what you "
                    "wrote and send it again."
                ),
                code="expired",
            )
        return cleaned

    @property
    def unit(self) -> Unit:
        """The unit the letter is addressed to: the commune, else the province."""
        return self.cleaned_data.get("commune") or self.cleaned_data["province"]

    def letter_data(self, *, received_on) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "channel": Channel.PORTAL,
            "subject_area": data["subject_area"],
            "title": " ".join(data["title"].split()),
            "content": data["content"].strip(),
            "received_on": received_on,
            "citizen_name": data["citizen_name"],
            "citizen_phone": data["citizen_phone"],
            "citizen_email": data["citizen_email"],
            "citizen_address": data["citizen_address"].strip(),
            "citizen_id_number": data["citizen_id_number"],
        }


# ---------------------------------------------------------------- tracking codes

# ---------------------------------------------------------------- public dialogue filters


@dataclass(frozen=True)
class DialogueFilters:
    q: str = ""
    province: int | None = None
    topic: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> DialogueFilters:
        """Lenient: unknown or malformed values are ignored, never an error page."""
        try:
            province = int(str(params.get("province", "")).strip())
        except ValueError:
            province = None
        if province is not None and not 1 <= province < 2**63:
            province = None
        topic = str(params.get("topic", ""))
        return cls(
            q=str(params.get("q", "")).strip()[:100],
            province=province,
            topic=topic if topic in Topic.values else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.province or self.topic)
