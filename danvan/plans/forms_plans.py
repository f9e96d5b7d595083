"""Forms of the legal documents register and the plan editing pages.

They parse input only; every write is a service in ``danvan.plans.services``. Choices are
limited to what the user may reach (units they write for, plans they see), so a tampered
value is refused by the form before any service runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import BootstrapMixin, DateInput, MultipleFileField
from danvan.core.text import fold
from danvan.orgs.models import Unit, UnitKind
from danvan.orgs.selectors import default_unit, membership_units, writable_units  # noqa: F401 - re-exported
from danvan.plans.models import (
    DocumentType,
    LegalDocument,
    Plan,
    PlanKind,
    SectionKind,
)
from danvan.plans.selectors import visible_plans

# The usual heading of each kind of section, as plans write it (Vietnamese: document text).
SECTION_HEADINGS = {
    SectionKind.PURPOSE: "MỤC ĐÍCH, YÊU CẦU",
    SectionKind.CONTENT: "NỘI DUNG",
    SectionKind.TARGETS: "CHỈ TIÊU",
    SectionKind.ORGANISATION: "TỔ CHỨC THỰC HIỆN",
    SectionKind.OTHER: "",
}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

# Party documents: "KH/TU" (province committee), "KH/HU" (district), "KH/ĐU" (commune).
PARTY_SUFFIX = {UnitKind.PROVINCE: "TU", UnitKind.DISTRICT: "HU", UnitKind.COMMUNE: "ĐU"}


def roman(n: int) -> str:
    return ROMAN[n - 1] if 1 <= n <= len(ROMAN) else str(n)


def default_heading(kind: str, position: int) -> str:
    text = SECTION_HEADINGS.get(kind, "")
    return f"{roman(position)}. {text}" if text else f"{roman(position)}. "


def initials(name: str) -> str:
    """ "Sở Nội vụ" → "SNV" (the first letter of each word, capitals; Đ kept)."""
    letters = [word[0] for word in name.split() if word[:1].isalpha()]
    return "".join(letters).upper()[:8]


def default_symbol(unit: Unit | None, parent_kind: str | None = None) -> str:
    """The usual symbol of a plan issued by ``unit``.

    State units write "KH-UBND" (a department "KH-SNV"); party units "KH/HU", "KH/ĐU" after
    the level of their committee, and a party cell "KH/CB".
    """
    if unit is None:
        return "KH-UBND"
    if unit.kind == UnitKind.PARTY:
        if fold(unit.name).startswith("chi bo"):
            return "KH/CB"
        return "KH/" + PARTY_SUFFIX.get(parent_kind or "", "ĐU")
    if unit.kind == UnitKind.FRONT:
        return "KH-MTTQ"
    if unit.kind in (UnitKind.DEPARTMENT, UnitKind.MASS_ORG, UnitKind.OTHER):
        found = initials(unit.short_name or unit.name)
        return f"KH-{found}" if found else "KH"
    return "KH-UBND"


@dataclass(frozen=True)
class UnitDefaults:
    symbol: str
    place: str


def unit_defaults(units) -> dict[int, UnitDefaults]:
    """The usual symbol and date-line place of a plan issued by each of ``units``.

    The same answers as ``services.default_place`` for each unit, in one query for all.
    """
    units = list(units)
    step = Unit.steplen
    wanted = {u.path[:n] for u in units for n in range(step, len(u.path), step)}
    above = {u.path: u for u in Unit.objects.filter(path__in=wanted)}
    out = {}
    for unit in units:
        paths = [unit.path[:n] for n in range(step, len(unit.path), step)]
        ancestors = [above[p] for p in paths if p in above]  # top down
        parent = ancestors[-1] if ancestors else None
        territorial = unit
        if unit.is_agency:
            territorial = next((a for a in reversed(ancestors) if not a.is_agency), unit)
        out[unit.pk] = UnitDefaults(
            symbol=default_symbol(unit, parent.kind if parent else None),
            place=territorial.short_name or territorial.name,
        )
    return out


def province_units(user, working: Unit | None = None, *, keep=()):
    """Units in force in the user's provinces (recipients, issuing units in danvan).

    ``keep`` adds units already chosen on the record, even when out of that set now.
    """
    step = Unit.steplen
    roots = {u.path[:step] for u in membership_units(user)}
    if working:
        roots.add(working.path[:step])
    if roots:
        where = Q()
        for root in sorted(roots):
            where |= Q(path__startswith=root)
    else:  # a global administrator with no unit: the provinces and what is right under them
        where = Q(depth__lte=2)
    kept = [u.pk for u in keep]
    if kept:
        return Unit.objects.filter(
            Q(pk__in=Unit.objects.current().filter(where).values("pk")) | Q(pk__in=kept)
        ).order_by("path")
    return Unit.objects.current().filter(where).order_by("path")


class StyledForm(BootstrapMixin, forms.Form):
    textarea_rows = 3
    rows_by_field: dict[str, int] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = self.rows_by_field.get(name, self.textarea_rows)
        self._style()


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.reference} — {obj.title[:90]}"


# ---------------------------------------------------------------- legal documents


class DocumentFieldsMixin(forms.Form):
    number = forms.CharField(
        label=_("Number and symbol"),
        max_length=60,
        help_text=_("As printed, e.g. 33/CT-TTg, 01-KL/TW, 1243/KH-UBND."),
    )
    doc_type = forms.ChoiceField(label=_("Type"), choices=DocumentType.choices)
    issuer = forms.CharField(
        label=_("Issued by"),
        max_length=255,
        help_text=_("E.g. Thủ tướng Chính phủ, Ban Bí thư."),
    )
    issued_on = forms.DateField(label=_("Date"), widget=DateInput, required=False)
    title = forms.CharField(
        label=_("Title (summary)"),
        widget=forms.Textarea,
        help_text=_("What the document is about, e.g. tăng cường công tác dân vận."),
    )


class DocumentForm(StyledForm, DocumentFieldsMixin):
    issuer_unit = UnitChoiceField(
        label=_("Issuing unit in danvan"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("When a unit in danvan issued it."),
    )
    files = MultipleFileField(
        label=_("File (PDF, Word…)"),
        required=False,
        help_text=_("Optional: the document as issued. Several files may be chosen."),
    )

    textarea_rows = 2
    field_order = ["number", "doc_type", "issued_on", "issuer", "issuer_unit", "title", "files"]

    def __init__(self, *args, issuer_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if issuer_units is not None:
            self.fields["issuer_unit"].queryset = issuer_units


# ------------------------------------------------------------------------- plans


class PlanForm(StyledForm):
    kind = forms.ChoiceField(label=_("Document kind"), choices=PlanKind.choices)
    number = forms.CharField(
        label=_("Number"),
        max_length=20,
        required=False,
        help_text=_("The registry number, e.g. 5584; may stay empty until it is issued."),
    )
    symbol = forms.CharField(
        label=_("Symbol"),
        max_length=40,
        required=False,
        help_text=_("E.g. KH-UBND for a state plan, KH/HU for a party one; empty: the usual one."),
    )
    issued_on = forms.DateField(label=_("Issue date"), widget=DateInput, required=False)
    place = forms.CharField(
        label=_("Place"),
        max_length=100,
        required=False,
        help_text=_("The place in the date line; empty: the province's name."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=1000,
        widget=forms.Textarea,
        help_text=_("E.g. Thực hiện công tác dân vận chính quyền năm 2026."),
    )
    subject = forms.CharField(
        label=_("Subject area"),
        max_length=200,
        required=False,
        help_text=_("E.g. mass mobilisation of government, “Dân vận khéo”, Tháng Dân vận."),
    )
    parent = PlanChoiceField(
        label=_("Implements plan"),
        queryset=Plan.objects.none(),
        required=False,
        help_text=_("The issued plan or directive this plan carries out."),
    )
    signer_name = forms.CharField(label=_("Signed by"), max_length=200, required=False)
    signer_title = forms.CharField(
        label=_("Signature block"),
        max_length=200,
        required=False,
        widget=forms.Textarea,
        help_text=_("One line each, e.g. “KT. CHỦ TỊCH” then “PHÓ CHỦ TỊCH”."),
    )
    recipient_units = UnitMultipleChoiceField(
        label=_("Recipient units"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Units in danvan the plan is sent to (hold Ctrl to choose several)."),
    )
    recipients_text = forms.CharField(
        label=_("Other recipients"),
        required=False,
        widget=forms.Textarea,
        help_text=_("One per line, as in “Nơi nhận”, e.g. “- Lưu: VT, PNV.”"),
    )

    textarea_rows = 2
    rows_by_field = {"recipients_text": 4}

    def __init__(
        self,
        *args,
        user,
        units=None,
        unit: Unit | None = None,
        plan: Plan | None = None,
        recipients=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields = {
                "unit": UnitChoiceField(label=_("Issuing unit"), queryset=units, initial=unit),
                **self.fields,
            }
            self._style()
        parents = visible_plans(user).in_force().select_related("unit")
        if plan is not None:
            parents = parents.exclude(pk=plan.pk)
        self.fields["parent"].queryset = parents.order_by("-issued_on", "-pk")
        self.fields["recipient_units"].queryset = recipients
        self.fields["recipient_units"].widget.attrs["size"] = 8


class SectionForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SectionKind.choices)
    heading = forms.CharField(
        label=_("Heading"),
        max_length=500,
        help_text=_("As printed, with its number, e.g. “I. MỤC ĐÍCH, YÊU CẦU”."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Paragraphs separated by a blank line; a line starting with “- ” is a bullet."),
    )

    rows_by_field = {"body": 16}


class BasisPickForm(StyledForm):
    """Cite an entry already in the register."""

    document = forms.ModelChoiceField(
        label=_("Legal document"),
        queryset=LegalDocument.objects.all(),
        error_messages={"required": _("Choose a document from the register.")},
    )
    text = forms.CharField(
        label=_("As written (optional)"),
        required=False,
        widget=forms.Textarea,
        help_text=_("The “Căn cứ …” line as the plan words it; empty: built from the register."),
    )

    textarea_rows = 2


class BasisNewForm(StyledForm, DocumentFieldsMixin):
    """Register a document not yet in the register, and cite it."""

    text = forms.CharField(
        label=_("As written (optional)"),
        required=False,
        widget=forms.Textarea,
        help_text=_("The “Căn cứ …” line as the plan words it; empty: built from the register."),
    )

    textarea_rows = 2
    field_order = ["number", "doc_type", "issued_on", "issuer", "title", "text"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)


class AttachmentForm(StyledForm):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("PDF, Word, Excel or photos; several may be chosen at once."),
    )

    def clean_files(self):
        # MultipleFileField lets an empty choice through even when required.
        files = self.cleaned_data["files"]
        if not files:
            raise forms.ValidationError(_("Choose at least one file."), code="required")
        return files
