"""Forms of the letter screens: they parse input only; every write is a ``services`` call.

Field names match the keys of the services' ``ValidationError``s (``on``, ``reason``,
``days``…), so ``add_form_errors`` puts a refused move beside the field it is about.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import BootstrapMixin, DateInput, MultipleFileField
from danvan.orgs.models import Membership, Role, Unit, User
from danvan.petitions.duplicates import province_path
from danvan.petitions.models import (
    Channel,
    Complexity,
    Letter,
    LetterKind,
    Outcome,
    SubjectArea,
)
from danvan.petitions.services import MAX_DOCUMENTS


def _today():
    return timezone.localdate()


def _attachments(label=None):
    return MultipleFileField(label=label or _("Attachments"), required=False)


class StyledForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, MultipleFileField):
                field.help_text = gettext(
                    "PDF, Word, Excel or photos (JPEG, PNG); several files at once, "
                    "at most %(n)s per letter."
                ) % {"n": MAX_DOCUMENTS}
        self._style()


class LetterForm(StyledForm):
    """Intake of a letter received by the working unit."""

    kind = forms.ChoiceField(label=_("Kind"), choices=LetterKind.choices)
    complaint_round = forms.TypedChoiceField(
        label=_("Complaint round"),
        choices=[(1, _("First")), (2, _("Second"))],
        coerce=int,
        initial=1,
        help_text=_("A second complaint follows a first decision the citizen disagrees with."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    subject_area = forms.ChoiceField(
        label=_("Subject area"), choices=SubjectArea.choices, initial=SubjectArea.OTHER
    )
    title = forms.CharField(label=_("Subject"), max_length=300)
    content = forms.CharField(
        label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateInput, initial=_today)
    is_anonymous = forms.BooleanField(
        label=_("Anonymous (the sender cannot be identified)"), required=False
    )
    is_over_level = forms.BooleanField(label=_("Sent over level"), required=False)
    is_not_competent = forms.BooleanField(label=_("Not within our competence"), required=False)
    confidential = forms.BooleanField(
        label=_("The complainant asks that their identity be kept secret"),
        required=False,
        help_text=_(
            "Always on for a denunciation (Law on Denunciations 2018): the denouncer's identity "
            "is sealed; only the handler and the head of the resolving unit may read it."
        ),
    )
    complexity = forms.ChoiceField(
        label=_("Complexity"), choices=Complexity.choices, initial=Complexity.NORMAL
    )
    group_size = forms.IntegerField(
        label=_("Number of citizens"),
        min_value=1,
        max_value=100000,
        initial=1,
        help_text=_("More than 1 for a group letter."),
    )
    citizen_name = forms.CharField(label=_("Citizen's name"), max_length=200, required=False)
    citizen_id_number = forms.CharField(
        label=_("ID number"),
        max_length=20,
        required=False,
        help_text=_("Citizen identity card (12 digits) or older ID card; used to find repeats."),
    )
    citizen_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    citizen_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    citizen_email = forms.EmailField(label=_("E-mail"), required=False)
    documents = _attachments()

    IDENTITY = (
        "citizen_name",
        "citizen_id_number",
        "citizen_address",
        "citizen_phone",
        "citizen_email",
    )
    FLAGS = ("is_anonymous", "is_over_level", "is_not_competent", "confidential")

    def clean_citizen_id_number(self) -> str:
        return "".join(self.cleaned_data["citizen_id_number"].split())

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "documents"}
        if data.get("kind") == LetterKind.DENUNCIATION:
            data["confidential"] = True
        return data

    def identity_fields(self):
        return [self[name] for name in self.IDENTITY]

    def flag_fields(self):
        return [self[name] for name in self.FLAGS]


class AcceptForm(StyledForm):
    on = forms.DateField(label=_("Accepted on"), widget=DateInput, initial=_today)
    complexity = forms.ChoiceField(
        label=_("Complexity"),
        choices=Complexity.choices,
        help_text=_("A complex matter has a longer legal period (and may be extended)."),
    )
    document_number = forms.CharField(
        label=_("Number of the notice of acceptance"), max_length=60, required=False
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    documents = _attachments(_("Notice of acceptance (file)"))

    def __init__(self, *args, letter: Letter, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("complexity", letter.complexity)
        super().__init__(*args, **kwargs)


class RefuseForm(StyledForm):
    on = forms.DateField(label=_("Date of the notice"), widget=DateInput, initial=_today)
    reason = forms.CharField(
        label=_("Reason (the citizen is told)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    document_number = forms.CharField(
        label=_("Number of the notice of refusal"), max_length=60, required=False
    )
    documents = _attachments(_("Notice of refusal (file)"))

    def __init__(self, *args, letter: Letter, **kwargs):
        super().__init__(*args, **kwargs)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name}{f' — {obj.job_title}' if obj.job_title else ''}"


class AssignForm(StyledForm):
    handler = UserChoiceField(label=_("Handler"), queryset=User.objects.none())
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, letter: Letter, **kwargs):
        if letter.handler_id:
            kwargs.setdefault("initial", {}).setdefault("handler", letter.handler_id)
        super().__init__(*args, **kwargs)
        members = Membership.objects.active().filter(
            unit=letter.unit, role__in=[Role.OFFICER, Role.LEADER]
        )
        self.fields["handler"].queryset = (
            User.objects.filter(is_active=True, pk__in=members.values("user_id"))
            .order_by("full_name", "username")
            .distinct()
        )
        self.fields["handler"].help_text = gettext("Officers and leaders of %(unit)s.") % {
            "unit": letter.unit
        }


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        indent = "\u2003" * max(obj.depth - 1, 0)
        return f"{indent}{obj.name}"


def transfer_targets(letter: Letter):
    """Units in force in the letter's province, other than the one that holds it."""
    return (
        Unit.objects.current()
        .filter(path__startswith=province_path(letter.unit))
        .exclude(pk=letter.unit_id)
        .order_by("path")
    )


class TransferForm(StyledForm):
    to_unit = UnitChoiceField(
        label=_("Competent unit"),
        queryset=Unit.objects.none(),
        help_text=_("The letter moves there; the citizen sees “transferred” when tracking it."),
    )
    on = forms.DateField(label=_("Transferred on"), widget=DateInput, initial=_today)
    document_number = forms.CharField(
        label=_("Number of the transfer document"), max_length=60, required=False
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, letter: Letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = transfer_targets(letter)


class ForwardForm(StyledForm):
    to_body = forms.CharField(
        label=_("Sent to"),
        max_length=300,
        help_text=_("A body outside danvan: a court, the police, a ministry…"),
    )
    on = forms.DateField(label=_("Forwarded on"), widget=DateInput, initial=_today)
    document_number = forms.CharField(
        label=_("Number of the forwarding document"), max_length=60, required=False
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, letter: Letter, **kwargs):
        super().__init__(*args, **kwargs)


class ArchiveForm(StyledForm):
    reason = forms.CharField(
        label=_("Why it is filed without processing"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. anonymous, a duplicate with nothing new, not a letter."),
    )

    def __init__(self, *args, letter: Letter, **kwargs):
        super().__init__(*args, **kwargs)


class ExtendForm(StyledForm):
    days = forms.IntegerField(label=_("Days of extension"), min_value=1, max_value=365)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput, initial=_today)
    signer = forms.CharField(label=_("Signed by"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    documents = _attachments(_("The extension decision (file)"))

    def __init__(self, *args, letter: Letter, per_extension: int = 0, **kwargs):
        if per_extension:
            kwargs.setdefault("initial", {}).setdefault("days", per_extension)
        super().__init__(*args, **kwargs)


class ResolveForm(StyledForm):
    on = forms.DateField(label=_("Resolved on"), widget=DateInput, initial=_today)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    answer = forms.CharField(
        label=_("Answer for the citizen"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The citizen reads it when tracking the letter by its code."),
    )
    decision_number = forms.CharField(
        label=_("Decision or conclusion number"),
        max_length=60,
        required=False,
        help_text=_("Required for a complaint or a denunciation."),
    )
    decision_date = forms.DateField(
        label=_("Decision date"), widget=DateInput, required=False, initial=_today
    )
    signer = forms.CharField(label=_("Signed by"), max_length=200, required=False)
    documents = _attachments(_("Decision or answer (file)"))

    def __init__(self, *args, letter: Letter, **kwargs):
        super().__init__(*args, **kwargs)


class SealForm(StyledForm):
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("E.g. the date and form of the complainant's request."),
    )

    def __init__(self, *args, letter: Letter, **kwargs):
        super().__init__(*args, **kwargs)


class NoteForm(StyledForm):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, letter: Letter, **kwargs):
        super().__init__(*args, **kwargs)


class IdentityForm(StyledForm):
    purpose = forms.CharField(
        label=_("Why you need to read it"),
        max_length=200,
        help_text=_("Kept in the identity-access log the inspectorate reads."),
    )


class DuplicateCheckForm(forms.Form):
    citizen_id_number = forms.CharField(max_length=20, required=False)
    title = forms.CharField(max_length=300, required=False)
    content = forms.CharField(max_length=20000, required=False)
