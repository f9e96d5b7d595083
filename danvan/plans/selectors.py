"""Reads for the plan, task, inbox, activity and coverage screens, exports and the API.

Every list starts from what the user may see (the same rules as ``danvan.plans.rules``,
written as query filters) and loads what its rows show in a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q

from danvan.core.coverage import visible_root
from danvan.orgs.models import Unit
from danvan.orgs.scope import ALL_ROLES, scope_for
from danvan.plans.models import (
    OPEN_TASK_STATUSES,
    Activity,
    CoverageRequirement,
    Plan,
    PlanStatus,
    Task,
    TaskStatus,
)

STEP = Unit.steplen


def ancestor_paths(paths: Iterable[str], *, include_self: bool = True) -> set[str]:
    """Every prefix path of ``paths`` (the units above them, and themselves)."""
    out: set[str] = set()
    for path in paths:
        end = len(path) if include_self else len(path) - STEP
        out.update(path[:n] for n in range(STEP, end + 1, STEP))
    return out


# ------------------------------------------------------------------------- plans


def visible_plans(user):
    """Plans of the user's units; issued plans of the units above; issued plans naming them."""
    scope = scope_for(user)
    if scope.is_global:
        return Plan.objects.all()
    prefixes = scope.prefixes(ALL_ROLES)
    if not prefixes:
        return Plan.objects.none()
    named = Task.objects.filter(
        scope.q("lead_unit__path") | scope.q("coordinating_units__path")
    ).values("plan_id")
    return Plan.objects.filter(
        scope.q("unit__path")
        | (
            ~Q(status=PlanStatus.DRAFT)
            & (Q(unit__path__in=ancestor_paths(prefixes)) | Q(pk__in=named))
        )
    )


def chain(plan: Plan) -> list[Plan]:
    """The plans ``plan`` implements, from the top down to (and without) itself.

    Walks ``parent`` one query per level; chains are short (directive → province → city →
    commune) and a guard stops at 20 levels should a cycle ever slip in.
    """
    ancestors: list[Plan] = []
    seen = {plan.pk}
    current = plan.parent_id
    while current is not None and current not in seen and len(ancestors) < 20:
        parent = Plan.objects.select_related("unit").filter(pk=current).first()
        if parent is None:
            break
        ancestors.append(parent)
        seen.add(parent.pk)
        current = parent.parent_id
    return list(reversed(ancestors))


def descendant_ids(plan: Plan) -> set[int]:
    """Ids of every plan implementing ``plan``, at any depth (one query per level)."""
    found: set[int] = set()
    frontier = {plan.pk}
    while frontier and len(found) < 10_000:
        children = set(Plan.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        children -= found | {plan.pk}
        found |= children
        frontier = children
    return found


def would_cycle(plan: Plan, parent: Plan | None) -> bool:
    """Setting ``parent`` on ``plan`` would make the plan implement itself."""
    if parent is None or plan.pk is None:
        return False
    return parent.pk == plan.pk or parent.pk in descendant_ids(plan)


# ------------------------------------------------------------------------- tasks


def visible_tasks(user):
    return Task.objects.filter(plan__in=visible_plans(user))


def inbox_q(unit: Unit) -> Q:
    """Tasks ``unit`` must act on: it leads them, coordinates them, or every unit of its
    kind under the issuing unit leads them for itself."""
    above = ancestor_paths([unit.path], include_self=False)
    return (
        Q(lead_unit=unit)
        | Q(coordinating_units=unit)
        | Q(lead_kinds__contains=unit.kind, plan__unit__path__in=above)
    )


def inbox(unit: Unit, *, today: dt.date):
    """Tasks of issued plans for ``unit`` (any status: the page filters), by deadline.

    Overdue ones come first because their deadline is earliest; tasks without a deadline
    come last on every database.
    """
    ids = Task.objects.filter(inbox_q(unit), plan__status=PlanStatus.ISSUED).values("pk").distinct()
    return (
        Task.objects.filter(pk__in=ids)
        .select_related("plan", "plan__unit", "lead_unit", "assignee")
        .order_by(F("current_due").asc(nulls_last=True), "plan__issued_on", "position", "pk")
    )


def role_of(task: Task, unit: Unit) -> str:
    """ "lead", "coordinating" or "each" (every unit of its kind leads it for itself)."""
    if task.lead_unit_id == unit.pk:
        return "lead"
    if unit.kind in task.lead_kind_list:
        return "each"
    return "coordinating"


# ---------------------------------------------------------------------- roll-up


@dataclass(frozen=True)
class Rollup:
    """How a task's implementing tasks (in the plans below) are doing."""

    own: int  # the task's own progress
    children: int  # implementing tasks, cancelled ones left out
    done: int
    mean: int | None  # mean progress of the implementing tasks

    @property
    def progress(self) -> int:
        """What to show for the task: its children's mean when it has any, else its own."""
        return self.own if self.mean is None else self.mean


def rollups(tasks: Iterable[Task]) -> dict[int, Rollup]:
    """Roll-up for each task, in one query whatever the number of tasks.

    Implementing tasks count once their plan is issued: a draft just built by "implement
    this plan" would otherwise pull the parent's progress down to 0%.
    """
    tasks = list(tasks)
    rows = {
        row["parent_task_id"]: row
        for row in Task.objects.filter(parent_task__in=[t.pk for t in tasks])
        .exclude(status=TaskStatus.CANCELLED)
        .exclude(plan__status=PlanStatus.DRAFT)  # a draft implementing plan commits nothing yet
        .values("parent_task_id")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(status=TaskStatus.DONE)),
            mean=Avg("progress"),
        )
        .order_by()
    }
    out = {}
    for task in tasks:
        row = rows.get(task.pk)
        out[task.pk] = Rollup(
            own=task.progress,
            children=row["n"] if row else 0,
            done=row["done"] if row else 0,
            mean=round(row["mean"]) if row and row["mean"] is not None else None,
        )
    return out


def task_counts(tasks) -> dict[str, int]:
    """Open, overdue, done and cancelled counts of a task queryset, in one query."""
    from django.utils import timezone

    today = timezone.localdate()
    return tasks.aggregate(
        total=Count("pk", distinct=True),
        open=Count("pk", filter=Q(status__in=OPEN_TASK_STATUSES), distinct=True),
        overdue=Count(
            "pk",
            filter=Q(status__in=OPEN_TASK_STATUSES, current_due__lt=today),
            distinct=True,
        ),
        done=Count("pk", filter=Q(status=TaskStatus.DONE), distinct=True),
        cancelled=Count("pk", filter=Q(status=TaskStatus.CANCELLED), distinct=True),
    )


# -------------------------------------------------------------------- activities


def visible_activities(user):
    return Activity.objects.filter(scope_for(user).q("unit__path", ALL_ROLES))


# ---------------------------------------------------------------------- coverage


def visible_requirements(user):
    """Requirements set over the user's units, or above them (they apply to the user)."""
    scope = scope_for(user)
    if scope.is_global:
        return CoverageRequirement.objects.all()
    prefixes = scope.prefixes(ALL_ROLES)
    if not prefixes:
        return CoverageRequirement.objects.none()
    return CoverageRequirement.objects.filter(
        scope.q("unit__path", ALL_ROLES) | Q(unit__path__in=ancestor_paths(prefixes))
    )


def coverage_root(user, requirement: CoverageRequirement, preferred: Unit | None = None):
    """The part of the requirement's area the user may see (None: nothing in it)."""
    return visible_root(user, requirement.unit, preferred)
