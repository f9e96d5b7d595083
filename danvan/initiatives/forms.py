"""Forms of the initiative screens: they parse input only; every write is a service."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import BootstrapMixin, DateInput, MultipleFileField
from danvan.initiatives.models import (
    RECOGNISED_STATUSES,
    AwardKind,
    Initiative,
    InitiativeKind,
)
from danvan.initiatives.services import REGISTRATION_FIELDS
from danvan.orgs.models import Unit

MILESTONE_ROWS = 6
FIGURE_ROWS = 3


def unit_label(unit: Unit) -> str:
    return unit.name


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return unit_label(obj)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return unit_label(obj)


class SourceChoiceField(forms.ModelChoiceField):
    """A recognised initiative to replicate, labelled with its unit and year."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} — {obj.unit.name} ({obj.campaign.year})"


def registrable_units(user, campaign):
    """Units in the campaign's area the user may register for (perm register_for_unit)."""
    from danvan.orgs.scope import WRITE_ROLES, scope_for

    scope = scope_for(user)
    return (
        Unit.objects.subtree_of(campaign.unit)
        .current()
        .filter(scope.q("path", WRITE_ROLES))
        .order_by("path")
    )


def nearby_units(unit: Unit | None):
    """Units a registering unit works with: its children and its parent's children."""
    if unit is None:
        return Unit.objects.none()
    near = Q(path__startswith=unit.path, depth=unit.depth + 1)
    if unit.depth > 1:
        parent_path = unit.path[: (unit.depth - 1) * Unit.steplen]
        near |= Q(path__startswith=parent_path, depth=unit.depth)
    return Unit.objects.current().filter(near).exclude(pk=unit.pk).order_by("path")


class RegistrationForm(BootstrapMixin, forms.Form):
    """The registration form of a "Dân vận khéo" model or exemplar.

    ``units`` (on creation only) are the units the user may register for; the coordinating
    and lead units are chosen among the registering unit's neighbours.
    """

    unit = UnitChoiceField(label=_("Registering unit"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=InitiativeKind.choices)
    field = forms.ModelChoiceField(label=_("Field"), queryset=None)
    name = forms.CharField(label=_("Name of the model or exemplar"), max_length=300)
    exemplar_name = forms.CharField(label=_("Person or collective"), max_length=255, required=False)
    exemplar_is_collective = forms.BooleanField(label=_("It is a collective"), required=False)
    exemplar_role = forms.CharField(
        label=_("Their role or position"), max_length=255, required=False
    )
    reason = forms.CharField(
        label=_("Reason and current situation"), required=False, widget=forms.Textarea
    )
    goals = forms.CharField(label=_("Goals and criteria"), required=False, widget=forms.Textarea)
    content = forms.CharField(label=_("Content and method"), required=False, widget=forms.Textarea)
    area = forms.CharField(label=_("Area"), max_length=255, required=False)
    target_group = forms.CharField(label=_("Target group"), max_length=255, required=False)
    lead_unit = UnitChoiceField(
        label=_("Lead unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty: the registering unit leads."),
    )
    coordinating_units = UnitMultipleChoiceField(
        label=_("Coordinating units"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Agencies and neighbouring communes; hold Ctrl to choose several."),
    )
    participants = forms.CharField(
        label=_("Participating forces"), required=False, widget=forms.Textarea
    )
    resources = forms.CharField(label=_("Resources"), required=False, widget=forms.Textarea)
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput)
    outputs = forms.CharField(label=_("Verifiable outputs"), required=False, widget=forms.Textarea)
    replicability = forms.CharField(label=_("Replicability"), required=False, widget=forms.Textarea)
    replicated_from = SourceChoiceField(
        label=_("Replicated from"),
        queryset=Initiative.objects.none(),
        required=False,
        help_text=_("A recognised model of any year this one copies."),
    )

    TEXTAREA_ROWS = 3

    def __init__(self, *args, user, campaign, units=None, initiative=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.initiative = initiative
        self.fields["field"].queryset = campaign.fields.all()
        if units is None:
            del self.fields["unit"]
            registering = initiative.unit
        else:
            self.fields["unit"].queryset = units
            registering = self._chosen_unit(units)
        near_ids = set(nearby_units(registering).values_list("pk", flat=True))
        if initiative is not None:  # keep what was chosen before, even if it moved since
            near_ids.update(u.pk for u in initiative.coordinating_units.all())
            if initiative.lead_unit_id:
                near_ids.add(initiative.lead_unit_id)
        lead_ids = set(near_ids)
        if registering is not None:
            near_ids.discard(registering.pk)
            lead_ids.add(registering.pk)
        self.fields["coordinating_units"].queryset = Unit.objects.filter(pk__in=near_ids).order_by(
            "path"
        )
        self.fields["lead_unit"].queryset = Unit.objects.filter(pk__in=lead_ids).order_by("path")
        sources = (
            Initiative.objects.visible_to(user)
            .filter(status__in=RECOGNISED_STATUSES)
            .select_related("unit", "campaign")
            .order_by("-campaign__year", "name")
        )
        if initiative is not None:
            sources = sources.exclude(pk=initiative.pk)
        self.fields["replicated_from"].queryset = sources
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = self.TEXTAREA_ROWS
            if name == "coordinating_units":
                field.widget.attrs["size"] = 6
        rows = MILESTONE_ROWS
        if initiative is not None:
            rows = max(rows, len(initiative.milestones.all()) + 2)
        self.milestone_rows = rows
        for i in range(rows):
            self.fields[f"milestone_title_{i}"] = forms.CharField(
                label=_("Milestone %(n)s") % {"n": i + 1}, max_length=255, required=False
            )
            self.fields[f"milestone_due_{i}"] = forms.DateField(
                label=_("Due date"), required=False, widget=DateInput
            )
        self._style()

    def _chosen_unit(self, units) -> Unit | None:
        wanted = self.data.get("unit") if self.is_bound else self.initial.get("unit")
        if isinstance(wanted, Unit):
            return wanted
        try:
            return units.filter(pk=int(wanted)).first() if wanted else None
        except (TypeError, ValueError):
            return None

    def milestone_fields(self):
        return [
            (self[f"milestone_title_{i}"], self[f"milestone_due_{i}"])
            for i in range(self.milestone_rows)
        ]

    def clean(self):
        data = super().clean()
        for i in range(self.milestone_rows):
            if (
                data.get(f"milestone_due_{i}")
                and not (data.get(f"milestone_title_{i}") or "").strip()
            ):
                self.add_error(f"milestone_title_{i}", _("Name the milestone."))
        return data

    def registration_data(self) -> dict:
        """Keyword arguments for services.create_initiative / update_initiative."""
        data = self.cleaned_data
        result = {name: data[name] for name in REGISTRATION_FIELDS}
        for name in ("name", "exemplar_name", "exemplar_role", "area", "target_group"):
            result[name] = result[name].strip()
        if result["kind"] != InitiativeKind.EXEMPLAR:
            result["exemplar_name"] = ""
            result["exemplar_role"] = ""
            result["exemplar_is_collective"] = False
        result["coordinating_units"] = list(data["coordinating_units"])
        result["milestones"] = [
            {"title": data[f"milestone_title_{i}"], "due_date": data[f"milestone_due_{i}"]}
            for i in range(self.milestone_rows)
            if data[f"milestone_title_{i}"].strip()
        ]
        return result

    @staticmethod
    def initial_for(initiative: Initiative) -> dict:
        initial = {
            "kind": initiative.kind,
            "field": initiative.field_id,
            "name": initiative.name,
            "reason": initiative.reason,
            "goals": initiative.goals,
            "content": initiative.content,
            "area": initiative.area,
            "target_group": initiative.target_group,
            "lead_unit": initiative.lead_unit_id,
            "coordinating_units": [u.pk for u in initiative.coordinating_units.all()],
            "participants": initiative.participants,
            "resources": initiative.resources,
            "start_date": initiative.start_date,
            "end_date": initiative.end_date,
            "outputs": initiative.outputs,
            "replicability": initiative.replicability,
            "exemplar_name": initiative.exemplar_name,
            "exemplar_is_collective": initiative.exemplar_is_collective,
            "exemplar_role": initiative.exemplar_role,
            "replicated_from": initiative.replicated_from_id,
        }
        for i, milestone in enumerate(initiative.milestones.all()):
            initial[f"milestone_title_{i}"] = milestone.title
            initial[f"milestone_due_{i}"] = milestone.due_date
        return initial


class ProgressForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    text = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("Photos (JPEG, PNG), PDF, Word or Excel; you may choose several."),
    )
    captions = forms.CharField(
        label=_("Captions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: one line per file, in the same order."),
    )
    public_photos = forms.BooleanField(
        label=_("The photos may be shown on the public showcase"), required=False
    )
    milestones_done = forms.MultipleChoiceField(
        label=_("Milestones reached"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, milestones=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["milestones_done"].choices = [(str(m.pk), m.title) for m in milestones]
        for i in range(FIGURE_ROWS):
            self.fields[f"figure_label_{i}"] = forms.CharField(
                label=_("Figure"), max_length=120, required=False
            )
            self.fields[f"figure_value_{i}"] = forms.DecimalField(
                label=_("Number"), required=False, min_value=0, max_digits=14, decimal_places=2
            )
        self._style()

    def figure_fields(self):
        return [(self[f"figure_label_{i}"], self[f"figure_value_{i}"]) for i in range(FIGURE_ROWS)]

    def clean(self):
        data = super().clean()
        for i in range(FIGURE_ROWS):
            label = (data.get(f"figure_label_{i}") or "").strip()
            if data.get(f"figure_value_{i}") is not None and not label:
                self.add_error(f"figure_label_{i}", _("Name the number."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data["date"],
            "text": data["text"],
            "figures": [
                {"label": data[f"figure_label_{i}"], "value": data[f"figure_value_{i}"]}
                for i in range(FIGURE_ROWS)
                if data[f"figure_label_{i}"].strip() or data[f"figure_value_{i}"] is not None
            ],
            "files": data["files"],
            "captions": [line.strip() for line in data["captions"].splitlines()],
            "public_photos": data["public_photos"],
            "milestones_done": [int(pk) for pk in data["milestones_done"]],
        }


class EvidenceForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("A photo (JPEG, PNG), PDF, Word or Excel file.")
    )
    caption = forms.CharField(label=_("Caption"), max_length=255, required=False)
    is_public = forms.BooleanField(
        label=_("A photo that may be shown on the public showcase"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ReasonForm(forms.Form):
    """The reason, comment or self-assessment text of a lifecycle move."""

    reason = forms.CharField(required=False, max_length=10000)


class PublicationForm(BootstrapMixin, forms.Form):
    story = forms.CharField(
        label=_("Story for citizens"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Plain words: what the model changed for people."),
    )
    published = forms.BooleanField(label=_("Show on the public showcase"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class AwardForm(BootstrapMixin, forms.Form):
    kind = forms.ModelChoiceField(label=_("Award"), queryset=AwardKind.objects.all())
    issuer = forms.CharField(
        label=_("Issued by"),
        max_length=255,
        help_text=_("e.g. Chủ tịch UBND tỉnh Khánh Hòa"),
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput)
    recipient_unit = UnitChoiceField(
        label=_("Recipient unit"), queryset=Unit.objects.none(), required=False
    )
    recipient_person = forms.CharField(
        label=_("Or a recipient person"), max_length=255, required=False
    )

    def __init__(self, *args, initiative, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("recipient_unit", initiative.unit_id)
        super().__init__(*args, **kwargs)
        ids = {initiative.unit_id}
        if initiative.lead_unit_id:
            ids.add(initiative.lead_unit_id)
        ids.update(u.pk for u in initiative.coordinating_units.all())
        self.fields["recipient_unit"].queryset = Unit.objects.filter(pk__in=ids).order_by("path")
        self._style()
