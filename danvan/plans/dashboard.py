"""The plans card of the home page: the working unit's tasks and the coverage it owes.

- the unit's inbox (tasks it leads, coordinates, or leads as one of "each commune…"):
  open, overdue and due within ``DUE_SOON_DAYS`` days, and the few most urgent tasks;
- the open tasks assigned to the user;
- the coverage requirements applying to the unit (set over it or a unit above it, of an
  issued plan or of none) whose period is running, with the share of the required units in
  the unit's subtree that recorded the activity.

A fixed number of queries whatever the number of tasks, requirements and units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from danvan.core.coverage import Tally, met_in_subtree
from danvan.orgs.models import Unit
from danvan.plans import selectors
from danvan.plans.models import (
    OPEN_TASK_STATUSES,
    Activity,
    CoverageRequirement,
    PlanStatus,
    Task,
)
from danvan.plans.reminders import REMIND_DAYS

DUE_SOON_DAYS = REMIND_DAYS
URGENT_SHOWN = 5
REQUIREMENTS_SHOWN = 5
REQUIREMENTS_READ = 50  # running requirements over the unit looked at (most have none)


@dataclass(frozen=True)
class UrgentTask:
    task: Task
    role: str  # "lead", "coordinating" or "each"
    due: dict  # {"state": "overdue" | "due_soon" | "later" | "", "days": int | None}

    @property
    def overdue(self) -> bool:
        return self.due["state"] == "overdue"


@dataclass(frozen=True)
class RunningRequirement:
    requirement: CoverageRequirement
    tally: Tally  # the required units in the working unit's subtree
    own_met: bool | None  # the unit itself is of the required kind: did it record one?
    days_left: int


@dataclass
class PlansDashboard:
    unit: Unit
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    mine: int = 0  # open tasks assigned to the user
    urgent: list[UrgentTask] = field(default_factory=list)
    requirements: list[RunningRequirement] = field(default_factory=list)
    due_soon_days: int = DUE_SOON_DAYS


def _due(task: Task, today: dt.date) -> dict:
    if task.current_due is None:
        return {"state": "", "days": None}
    days = (task.current_due - today).days
    if days < 0:
        state = "overdue"
    elif days <= DUE_SOON_DAYS:
        state = "due_soon"
    else:
        state = "later"
    return {"state": state, "days": abs(days)}


def plans_dashboard(unit: Unit, user, today: dt.date) -> PlansDashboard:
    """The figures of the card for ``unit`` (the working unit) and ``user``."""
    board = PlansDashboard(unit=unit)
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    inbox = selectors.inbox(unit, today=today).filter(status__in=OPEN_TASK_STATUSES)
    counts = inbox.order_by().aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(current_due__lt=today)),
        due_soon=Count("pk", filter=Q(current_due__gte=today, current_due__lte=soon)),
    )
    board.open, board.overdue, board.due_soon = (
        counts["open"],
        counts["overdue"],
        counts["due_soon"],
    )
    board.mine = Task.objects.filter(
        assignee=user, status__in=OPEN_TASK_STATUSES, plan__status=PlanStatus.ISSUED
    ).count()
    urgent = inbox.order_by(F("current_due").asc(nulls_last=True), "plan__issued_on", "pk")
    board.urgent = [
        UrgentTask(task=task, role=selectors.role_of(task, unit), due=_due(task, today))
        for task in urgent[:URGENT_SHOWN]
    ]
    board.requirements = running_requirements(unit, today)
    return board


def running_requirements(unit: Unit, today: dt.date) -> list[RunningRequirement]:
    """Requirements set over ``unit`` or above it, running on ``today``, that require units
    in its subtree; the ones closing first. At most 3 + ``REQUIREMENTS_SHOWN`` queries."""
    requirements = list(
        CoverageRequirement.objects.filter(
            unit__path__in=selectors.ancestor_paths([unit.path]),
            starts_on__lte=today,
            ends_on__gte=today,
        )
        .filter(Q(plan__isnull=True) | Q(plan__status=PlanStatus.ISSUED))
        .select_related("activity_type", "unit")
        .order_by("ends_on", "pk")[:REQUIREMENTS_READ]
    )
    if not requirements:
        return []
    # Whatever the requirement's own unit, the part concerning this unit is its subtree.
    kinds = {requirement.unit_kind for requirement in requirements}
    candidates: dict[str, list[tuple[int, str]]] = {kind: [] for kind in kinds}
    for pk, path, kind in (
        Unit.objects.subtree_of(unit)
        .filter(kind__in=kinds, valid_to__isnull=True)
        .order_by("path")
        .values_list("pk", "path", "kind")
    ):
        candidates[kind].append((pk, path))
    out = []
    for requirement in requirements:
        units = candidates[requirement.unit_kind]
        if not units:
            continue  # nothing under this unit is required to act
        paths = (
            Activity.objects.filter(
                unit__path__startswith=unit.path,
                activity_type_id=requirement.activity_type_id,
                held_on__gte=requirement.starts_on,
                held_on__lte=requirement.ends_on,
            )
            .order_by()
            .values_list("unit__path", flat=True)
            .distinct()
        )
        met = met_in_subtree(units, paths)
        out.append(
            RunningRequirement(
                requirement=requirement,
                tally=Tally(units=len(units), met=len(met)),
                own_met=(unit.pk in met) if requirement.unit_kind == unit.kind else None,
                days_left=(requirement.ends_on - today).days,
            )
        )
        if len(out) == REQUIREMENTS_SHOWN:
            break
    return out
