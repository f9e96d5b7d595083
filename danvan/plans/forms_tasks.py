"""Forms of the task screens: the task in a draft plan, a progress update, a cancellation.

They parse input only; ``services.save_task``, ``record_progress`` and ``cancel_task`` check
the rules (the lead cannot coordinate, deadlines that never fall…) and their errors are
shown beside these fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from itertools import islice
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from danvan.core.forms import BootstrapMixin, DateInput, MultipleFileField
from danvan.orgs.models import Membership, Unit, UnitKind, User
from danvan.plans import recurrence
from danvan.plans.models import Plan, Recurrence, Task, TaskStatus

PREVIEW_COUNT = 3
QUARTER_MONTHS = [
    (1, _("1st month (January, April, July, October)")),
    (2, _("2nd month (February, May, August, November)")),
    (3, _("3rd month (March, June, September, December)")),
]
# Which deadline fields each kind of deadline uses (the form shows only these with JS on).
DEADLINE_FIELDS = {
    Recurrence.ONCE: ("due_on",),
    Recurrence.YEARLY: ("recur_day", "recur_month", "recur_until"),
    Recurrence.QUARTERLY: ("recur_day", "quarter_month", "recur_until"),
    Recurrence.MONTHLY: ("recur_day", "recur_until"),
}
DEADLINE_NAMES = (
    "recurrence",
    "due_on",
    "recur_day",
    "recur_month",
    "quarter_month",
    "recur_until",
)
LEAD_KINDS = [(value, label) for value, label in UnitKind.choices if value != UnitKind.PROVINCE]


class StyledForm(BootstrapMixin, forms.Form):
    textarea_rows = 3

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = self.textarea_rows
        self._style()


# ---------------------------------------------------------------- unit choices


def assignable_units(plan: Plan):
    """Units in force the plan's issuer assigns to: everything in its province (the tree root
    above it: the issuing unit's subtree and those of its siblings), by path."""
    root_path = plan.unit.path[: Unit.steplen]
    return Unit.objects.current().filter(path__startswith=root_path).order_by("path")


def grouped_unit_choices(units: list[Unit], *, blank: bool = False) -> list:
    """``<optgroup>`` per parent unit, so a long list of communes and offices stays readable.

    ``units`` ordered by path; a unit whose parent is not in the list heads its own group.
    """
    by_path = {u.path: u for u in units}
    groups: dict[str, tuple[str, list]] = {}
    for unit in units:
        parent = by_path.get(unit.path[: -Unit.steplen]) if unit.depth > 1 else None
        key = parent.path if parent else unit.path
        label = parent.name if parent else unit.name
        groups.setdefault(key, (label, []))[1].append((unit.pk, unit.name))
    choices: list = [("", "—")] if blank else []
    choices.extend((label, options) for label, options in groups.values())
    return choices


def members_of(unit: Unit | None):
    """Active users with an active membership at ``unit`` itself (the possible assignees)."""
    if unit is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.active().filter(unit=unit).values("user_id"),
    ).order_by("full_name", "username")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = str(obj)
        return f"{name} — {obj.job_title}" if obj.job_title else name


def _as_int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------------ task


class TaskForm(StyledForm):
    title = forms.CharField(label=_("Task"), max_length=500, widget=forms.Textarea)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit"), queryset=Unit.objects.none(), required=False
    )
    lead_kinds = forms.MultipleChoiceField(
        label=_("Or: each unit of these kinds leads it for itself"),
        choices=LEAD_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For a task every commune (or office…) under the issuing unit carries out for "
            "itself. Leave the lead unit empty then."
        ),
    )
    lead_label = forms.CharField(
        label=_("Lead as written"),
        max_length=500,
        required=False,
        help_text=_("Optional, e.g. “UBND các phường, xã”."),
    )
    coordinating_units = forms.ModelMultipleChoiceField(
        label=_("Coordinating units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    coordinating_label = forms.CharField(
        label=_("Coordinating as written"),
        max_length=500,
        required=False,
        help_text=_("Optional, e.g. “các cơ quan, đơn vị có liên quan”."),
    )
    assignee = UserChoiceField(
        label=_("Assigned to"),
        queryset=User.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("Optional: a person of the lead unit."),
    )
    recurrence = forms.ChoiceField(
        label=_("Deadline"),
        choices=Recurrence.choices,
        initial=Recurrence.ONCE,
        widget=forms.RadioSelect,
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    recur_day = forms.IntegerField(
        label=_("Day of the month"),
        required=False,
        help_text=_("Monthly or quarterly: 31 means the last day of the month."),
    )
    recur_month = forms.TypedChoiceField(
        label=_("Month"),
        choices=[("", "—"), *MONTHS.items()],
        coerce=int,
        empty_value=None,
        required=False,
    )
    quarter_month = forms.TypedChoiceField(
        label=_("Month of the quarter"),
        choices=[("", "—"), *QUARTER_MONTHS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    recur_until = forms.DateField(
        label=_("Repeats until"),
        required=False,
        widget=DateInput,
        help_text=_("Optional: the last date a deadline may fall on."),
    )

    textarea_rows = 2

    def __init__(self, *args, plan: Plan, task: Task | None = None, **kwargs):
        if task is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_of(task)
        super().__init__(*args, **kwargs)
        self.plan = plan
        units = list(assignable_units(plan))
        known = {u.pk for u in units}
        if task is not None:  # a unit no longer in force stays shown on the task it leads
            extra = [task.lead_unit] if task.lead_unit_id else []
            extra += list(task.coordinating_units.all())
            units += [u for u in extra if u.pk not in known]
        pks = [u.pk for u in units]
        lead = self.fields["lead_unit"]
        lead.queryset = Unit.objects.filter(pk__in=pks)
        lead.choices = grouped_unit_choices(units, blank=True)
        coordinating = self.fields["coordinating_units"]
        coordinating.queryset = Unit.objects.filter(pk__in=pks)
        coordinating.choices = grouped_unit_choices(units)
        self.fields["assignee"].queryset = members_of(self.chosen_lead(units))
        self.fields["description"].widget.attrs["rows"] = 4

    def chosen_lead(self, units: list[Unit]) -> Unit | None:
        """The lead unit typed (or saved), among ``units``: its people are the assignees."""
        if self.is_bound:
            wanted = _as_int(self.data.get(self.add_prefix("lead_unit")))
        else:
            wanted = _as_int(self.initial.get("lead_unit"))
        return next((u for u in units if u.pk == wanted), None)

    def clean_lead_kinds(self) -> str:
        return " ".join(sorted(self.cleaned_data.get("lead_kinds") or []))

    def service_data(self) -> dict[str, Any]:
        """What ``services.save_task`` takes (coordinating units go apart)."""
        data = dict(self.cleaned_data)
        data.pop("coordinating_units", None)
        quarter_month = data.pop("quarter_month", None)
        if data.get("recurrence") == Recurrence.QUARTERLY:
            data["recur_month"] = quarter_month
        return data

    def deadline_values(self) -> dict[str, Any]:
        """The deadline as typed (what parsed of it), or as saved on an unbound edit form."""
        source = getattr(self, "cleaned_data", None)
        if source is None:
            source = {} if self.is_bound else self.initial
        values = {name: source.get(name) for name in DEADLINE_NAMES}
        if values["recurrence"] == Recurrence.QUARTERLY:
            values["recur_month"] = values["quarter_month"]
        return values

    def recurrence_value(self) -> str:
        value = self["recurrence"].value()
        return value if value in Recurrence.values else Recurrence.ONCE


def initial_of(task: Task) -> dict[str, Any]:
    initial = {
        "title": task.title,
        "description": task.description,
        "lead_unit": task.lead_unit_id,
        "lead_kinds": task.lead_kind_list,
        "lead_label": task.lead_label,
        "coordinating_units": [u.pk for u in task.coordinating_units.all()],
        "coordinating_label": task.coordinating_label,
        "assignee": task.assignee_id,
        "recurrence": task.recurrence,
        "due_on": task.due_on,
        "recur_day": task.recur_day,
        "recur_until": task.recur_until,
    }
    if task.recurrence == Recurrence.QUARTERLY:
        initial["quarter_month"] = task.recur_month
    else:
        initial["recur_month"] = task.recur_month
    return initial


# Service errors on ``recur_month`` belong to the quarter's month field on a quarterly task.
def error_field(name: str, data: Mapping[str, Any]) -> str:
    if name == "recur_month" and data.get("recurrence") == Recurrence.QUARTERLY:
        return "quarter_month"
    return name


def deadline_preview(values: Mapping[str, Any], plan: Plan) -> dict[str, Any]:
    """The first deadlines a rule gives from the plan's issue date, or what is wrong with it.

    ``values`` as ``TaskForm.deadline_values``. Counted from the issue date (today for a plan
    not yet dated), as ``services.first_due`` counts the task's first deadline.
    """
    freq = values.get("recurrence")
    if not freq:
        return {"dates": [], "problems": [], "describe": ""}
    rule = recurrence.Rule(
        freq=freq,
        due_on=values.get("due_on"),
        day=values.get("recur_day"),
        month=values.get("recur_month"),
    )
    start = plan.issued_on or timezone.localdate()
    until = values.get("recur_until") if freq != Recurrence.ONCE else None
    problems = recurrence.problems(rule, start=start, until=until)
    dates: list[dt.date] = []
    if not problems:
        dates = list(islice(recurrence.occurrences(rule, start, until), PREVIEW_COUNT))
    return {
        "dates": dates,
        "problems": list(problems.values()),
        "describe": "" if problems else recurrence.describe(rule),
        "start": start,
    }


# -------------------------------------------------------------------- progress


class ProgressForm(StyledForm):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(v, lbl) for v, lbl in TaskStatus.choices if v != TaskStatus.CANCELLED],
        help_text=_("“Done” sets the progress to 100%."),
    )
    reported_on = forms.DateField(label=_("Date"), widget=DateInput)
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea, max_length=10000)
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("Photos (JPEG, PNG), PDF, Word or Excel; you may choose several."),
    )
    completes_period = forms.BooleanField(label=_("This period is done"), required=False)

    textarea_rows = 4

    def __init__(self, *args, task: Task, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("reported_on", timezone.localdate())
        initial.setdefault("progress", task.progress)
        initial.setdefault(
            "status",
            TaskStatus.IN_PROGRESS if task.status == TaskStatus.NOT_STARTED else task.status,
        )
        super().__init__(*args, **kwargs)
        self.task = task
        if task.recurrence == Recurrence.ONCE or task.current_due is None:
            del self.fields["completes_period"]
        else:
            self.fields["completes_period"].help_text = _(
                "Closes the period due on %(d)s: the deadline moves to the next one."
            ) % {"d": f"{task.current_due:%d/%m/%Y}"}

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("files", None)
        return data


class CancelForm(StyledForm):
    text = forms.CharField(
        label=_("Why is the task cancelled?"), widget=forms.Textarea, max_length=5000
    )

    textarea_rows = 2
