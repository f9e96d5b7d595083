"""Forms of the activity screens, and the activity list's filters.

They parse input only: every write goes through ``danvan.plans.services`` (``save_activity``,
``save_activity_type``), which checks permissions, dates, partners and uploaded files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import BootstrapMixin, DateInput, MultipleFileField
from danvan.core.params import date_param as _date
from danvan.core.params import int_param as _int
from danvan.orgs.models import Unit
from danvan.orgs.selectors import default_unit, membership_units, writable_units  # noqa: F401 - re-exported
from danvan.plans import selectors
from danvan.plans.models import Activity, ActivityType, Plan, PlanStatus, Task
from danvan.plans.services import ACTIVITY_FIELDS

# ---------------------------------------------------------------- choices


def _keep(queryset, pks):
    """``queryset`` plus the rows ``pks`` already chosen (an edit keeps its old choices)."""
    pks = [pk for pk in pks if pk]
    if not pks:
        return queryset
    return queryset.model.objects.filter(Q(pk__in=queryset.values("pk")) | Q(pk__in=pks))


def partner_candidates(user, *, unit: Unit | None = None, keep=()):
    """Units in force in the provinces the user (or ``unit``) belongs to.

    A coordination programme is signed between a People's Committee and the party's
    mass-mobilisation board; twinning pairs a lowland commune with a mountain one: the
    partners are units of the same province, whatever the user's own scope.
    """
    roots = {u.path[: Unit.steplen] for u in membership_units(user)}
    if unit is not None:
        roots.add(unit.path[: Unit.steplen])
    units = Unit.objects.current()
    if roots:
        query = Q()
        for root in sorted(roots):
            query |= Q(path__startswith=root)
        units = units.filter(query)
    return _keep(units, keep).order_by("path")


def plan_choices(user, keep=None):
    """Issued plans the user sees (and the plan already linked)."""
    plans = selectors.visible_plans(user).filter(status=PlanStatus.ISSUED)
    return (
        Plan.objects.filter(Q(pk__in=plans.values("pk")) | Q(pk=keep or 0))
        .select_related("unit")
        .order_by("-issued_on", "-pk")
    )


def task_choices(user, keep=None):
    """Tasks of the issued plans the user sees (and the task already linked)."""
    plans = selectors.visible_plans(user).filter(status=PlanStatus.ISSUED)
    return (
        Task.objects.filter(Q(plan__in=plans.values("pk")) | Q(pk=keep or 0))
        .select_related("plan__unit")
        .order_by("-plan__issued_on", "plan_id", "position", "pk")
    )


# ---------------------------------------------------------------- widgets and fields


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class TypeSelect(forms.Select):
    """Each option says whether its type names partners or runs over a period (for the
    script that shows only the fields the chosen type uses)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-partners"] = "1" if instance.has_partners else "0"
            option["attrs"]["data-period"] = "1" if instance.has_period else "0"
        return option


class TaskSelect(forms.Select):
    """Each option names its plan, so choosing a plan narrows the tasks offered."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-plan"] = str(instance.plan_id)
        return option


class TypeChoiceField(forms.ModelChoiceField):
    widget = TypeSelect


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.reference} — {obj.title[:120]}"


class TaskChoiceField(forms.ModelChoiceField):
    widget = TaskSelect

    def label_from_instance(self, obj) -> str:
        return f"{obj.plan.reference} · {obj.position}. {obj.title[:120]}"


# ---------------------------------------------------------------- activity


class ActivityForm(BootstrapMixin, forms.Form):
    activity_type = TypeChoiceField(label=_("Type"), queryset=ActivityType.objects.none())
    title = forms.CharField(label=_("Title"), max_length=500)
    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    ends_on = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DateInput,
        help_text=_("For an activity that runs over a period, e.g. a coordination programme."),
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    participants = forms.CharField(
        label=_("Participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who took part, e.g. party members of the cell, village heads, youth union."),
    )
    participant_count = forms.IntegerField(
        label=_("Number of participants"), min_value=0, required=False, initial=0
    )
    description = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    commitments = forms.CharField(
        label=_("Commitments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What each side of the coordination programme undertakes."),
    )
    partner_units = UnitMultipleChoiceField(
        label=_("Partner units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "The other units of a coordination programme or a twinning; hold Ctrl to choose "
            "several."
        ),
    )
    plan = PlanChoiceField(
        label=_("Carries out plan"), queryset=Plan.objects.none(), required=False
    )
    task = TaskChoiceField(
        label=_("Carries out task"), queryset=Task.objects.none(), required=False
    )
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("Photos (JPEG, PNG), PDF, Word or Excel; you may choose several."),
    )

    def __init__(
        self,
        *args,
        user,
        activity: Activity | None = None,
        units=None,
        unit: Unit | None = None,
        **kwargs,
    ):
        initial = kwargs.setdefault("initial", {})
        if activity is not None:
            for name in ACTIVITY_FIELDS:
                attname = f"{name}_id" if name in ("activity_type", "plan", "task") else name
                initial.setdefault(name, getattr(activity, attname))
            initial.setdefault("partner_units", [u.pk for u in activity.partner_units.all()])
        else:
            initial.setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        kept_type = activity.activity_type_id if activity else None
        self.fields["activity_type"].queryset = _keep(
            ActivityType.objects.filter(is_active=True), [kept_type]
        ).order_by("position", "name")
        self.fields["plan"].queryset = plan_choices(user, activity.plan_id if activity else None)
        self.fields["task"].queryset = task_choices(user, activity.task_id if activity else None)
        self.fields["partner_units"].queryset = partner_candidates(
            user,
            unit=activity.unit if activity else unit,
            keep=initial.get("partner_units") or (),
        )
        if units is not None:  # creation: the unit is chosen among those the user writes for
            self.fields = {
                "unit": UnitChoiceField(label=_("Unit"), queryset=units, initial=unit),
                **self.fields,
            }
        self._style()

    def clean_participant_count(self):
        return self.cleaned_data.get("participant_count") or 0

    def clean(self):
        data = super().clean()
        activity_type = data.get("activity_type")
        if activity_type is not None:
            # Fields the chosen type does not use are hidden on the page: drop what they hold.
            if not activity_type.has_period:
                data["ends_on"] = None
                data["commitments"] = ""
            if not activity_type.has_partners:
                data["partner_units"] = []
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "data": {name: data.get(name) for name in ACTIVITY_FIELDS},
            "partner_units": list(data.get("partner_units") or []),
            "files": data.get("files") or [],
        }


# ---------------------------------------------------------------- activity type


class ActivityTypeForm(BootstrapMixin, forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_(
            "Letters, digits and hyphens, e.g. themed-meeting; used by imports and the API."
        ),
    )
    name = forms.CharField(label=_("Name (Vietnamese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    has_partners = forms.BooleanField(
        label=_("Has partner units"),
        required=False,
        help_text=_("Coordination programmes and twinning name the other units."),
    )
    has_period = forms.BooleanField(
        label=_("Runs over a period"),
        required=False,
        help_text=_("Coordination programmes run from a start to an end date with commitments."),
    )
    position = forms.IntegerField(label=_("Position in lists"), min_value=0, max_value=32767)
    is_active = forms.BooleanField(
        label=_("In use"),
        required=False,
        initial=True,
        help_text=_(
            "A type no longer in use is not offered for new activities; past ones keep it."
        ),
    )

    FIELDS = (
        "code",
        "name",
        "name_en",
        "description",
        "has_partners",
        "has_period",
        "position",
        "is_active",
    )

    def __init__(self, *args, activity_type: ActivityType | None = None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if activity_type is not None:
            for name in self.FIELDS:
                initial.setdefault(name, getattr(activity_type, name))
        else:
            last = ActivityType.objects.aggregate(m=Max("position"))["m"]
            initial.setdefault("position", (last or 0) + 1)
        super().__init__(*args, **kwargs)
        self._style()


# ---------------------------------------------------------------- list filters


# sort key → the columns it orders by (ascending); "-key" reverses them.
SORTS: dict[str, tuple[str, ...]] = {
    "date": ("held_on",),
    "type": ("activity_type__position", "activity_type__name"),
    "unit": ("unit__name",),
    "participants": ("participant_count",),
}
DEFAULT_SORT = "-date"


@dataclass(frozen=True)
class ActivityFilters:
    """The activity list's query string; lenient: unknown or malformed values are ignored."""

    q: str = ""
    type: int | None = None
    unit: int | None = None  # this unit's subtree
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    year: int | None = None
    plan: int | None = None
    task: int | None = None
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ActivityFilters:
        year = _int(params, "year")
        sort = str(params.get("sort", ""))
        return cls(
            q=str(params.get("q", ""))[:100].strip(),
            type=_int(params, "type"),
            unit=_int(params, "unit"),
            date_from=_date(params, "date_from"),
            date_to=_date(params, "date_to"),
            year=year if year and 1900 <= year <= 2200 else None,
            plan=_int(params, "plan"),
            task=_int(params, "task"),
            sort=sort if sort.lstrip("-") in SORTS else DEFAULT_SORT,
        )

    @property
    def active(self) -> bool:
        return any(
            [
                self.q,
                self.type,
                self.unit,
                self.date_from,
                self.date_to,
                self.year,
                self.plan,
                self.task,
            ]
        )

    def apply(self, activities):
        """``activities`` (already limited to what the user sees) narrowed by the filters."""
        if self.unit:
            unit = Unit.objects.filter(pk=self.unit).only("path").first()
            activities = (
                activities.filter(unit__path__startswith=unit.path) if unit else activities.none()
            )
        if self.type:
            activities = activities.filter(activity_type_id=self.type)
        if self.date_from:
            activities = activities.filter(held_on__gte=self.date_from)
        if self.date_to:
            activities = activities.filter(held_on__lte=self.date_to)
        if self.year:
            activities = activities.filter(held_on__year=self.year)
        if self.plan:
            activities = activities.filter(plan_id=self.plan)
        if self.task:
            activities = activities.filter(task_id=self.task)
        return activities.search(self.q)

    def ordering(self) -> list[str]:
        key = self.sort.lstrip("-")
        descending = self.sort.startswith("-")
        columns = [f"-{c}" if descending else c for c in SORTS[key]]
        return [*columns, "-held_on", "-pk"] if key != "date" else [*columns, "-pk"]

    def sort_links(self) -> dict[str, dict[str, str]]:
        """For each sortable column: the sort its header link asks for, and its arrow."""
        links = {}
        for key in SORTS:
            if self.sort == key:
                links[key] = {"next": f"-{key}", "arrow": "up"}
            elif self.sort == f"-{key}":
                links[key] = {"next": key, "arrow": "down"}
            else:
                links[key] = {
                    "next": f"-{key}" if key in ("date", "participants") else key,
                    "arrow": "",
                }
        return links
