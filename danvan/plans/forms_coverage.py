"""The coverage-requirement form: it parses input only; ``services.save_requirement`` writes.

"100% chi bộ sinh hoạt chuyên đề trong tháng 10/2026": set by a unit (one the user writes
for), optionally under a plan, over every unit of a kind under it, for an activity type and a
window, citing the document that sets it.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import BootstrapMixin, DateInput
from danvan.orgs.models import Unit, UnitKind
from danvan.orgs.scope import WRITE_ROLES, scope_for
from danvan.orgs.selectors import default_unit, writable_units  # noqa: F401 - re-exported
from danvan.plans.models import ActivityType, CoverageRequirement, Plan
from danvan.plans.selectors import ancestor_paths, visible_plans


def plan_choices(user, *, working: Unit | None = None, also: Plan | None = None):
    """Plans a requirement may hang under: those of the units the user writes for and of the
    units above them (the plan being implemented), plus ``also`` (a ``?plan=`` link).

    Plans of the units below are left out so a province's list stays short; the service
    still accepts them, and a link from such a plan preselects it through ``also``.
    """
    scope = scope_for(user)
    prefixes = scope.prefixes(WRITE_ROLES)
    if scope.is_global and working is not None:
        prefixes = [working.path]
    wanted = Q(unit__path__in=ancestor_paths(prefixes))
    if also is not None:
        wanted |= Q(pk=also.pk)
    return visible_plans(user).filter(wanted).select_related("unit").order_by("-issued_on", "-pk")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        date = f" ({obj.issued_on:%d/%m/%Y})" if obj.issued_on else ""
        title = obj.title if len(obj.title) <= 90 else f"{obj.title[:89]}…"
        return f"{obj.reference}{date} — {title}"


class RequirementForm(BootstrapMixin, forms.Form):
    """New requirement: with ``units`` (and ``plans``); an edit leaves both out."""

    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("e.g. every party cell (100%) holds the themed meeting in 10/2026."),
    )
    unit_kind = forms.ChoiceField(
        label=_("Required of every"), choices=UnitKind.choices, initial=UnitKind.PARTY
    )
    activity_type = forms.ModelChoiceField(
        label=_("Activity type"), queryset=ActivityType.objects.none()
    )
    starts_on = forms.DateField(label=_("From"), widget=DateInput)
    ends_on = forms.DateField(label=_("To"), widget=DateInput)
    citation = forms.CharField(
        label=_("Based on"),
        max_length=300,
        required=False,
        help_text=_("The document that sets it, e.g. Kế hoạch 202-KH/BDVTU."),
    )

    def __init__(
        self,
        *args,
        units=None,
        unit: Unit | None = None,
        plans=None,
        plan: Plan | None = None,
        requirement: CoverageRequirement | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # Types no longer in use stay choosable on a requirement that already names one.
        types = ActivityType.objects.filter(is_active=True)
        if requirement is not None:
            types = ActivityType.objects.filter(
                Q(is_active=True) | Q(pk=requirement.activity_type_id)
            )
        self.fields["activity_type"].queryset = types.order_by("position", "name")
        extra = {}
        if units is not None:
            extra["unit"] = UnitChoiceField(
                label=_("Set by"),
                queryset=units,
                initial=unit,
                help_text=_("The requirement covers the units of the chosen kind under it."),
            )
        if plans is not None:
            extra["plan"] = PlanChoiceField(
                label=_("Under plan"),
                queryset=plans,
                initial=plan,
                required=False,
                empty_label=_("— none —"),
            )
        if extra:
            self.fields = {**extra, **self.fields}
