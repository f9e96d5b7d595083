"""The figures on activities and tasks that periodic reports pre-fill.

Registered with ``danvan.kpis.sources`` (imported by ``PlansConfig.ready``); the seeded
indicator catalogue names them by key. Each counts a unit's whole subtree over a period (both
days included) in a constant number of queries: one grouped query per tree depth, plus two
for the recurring deadlines of ``plans.tasks_done_on_time``.

Activities count for the unit that recorded them (``Activity.unit``):

- ``plans.activities``: activities held (``held_on``) in the period;
- ``plans.activity_participants``: the participants of those activities;
- ``plans.trainings``: those of the activity type ``training``.

Tasks count for their lead unit (``Task.lead_unit``), with these rules:

- only tasks of issued (or closed) plans; cancelled tasks never count;
- a task "each commune (or other kind) leads" (``lead_kinds``, no lead unit) has no lead of
  its own: it counts through the copies the units make of it in their own plans
  (``plans.services.cascade``), each led by the copying unit. One never copied is not
  counted: nobody reported on it;
- a task copied by its own lead unit into that unit's issued plan counts once, as the copy
  (where the unit reports its progress), not as the original too.

- ``plans.tasks_done_on_time`` (a rate) counts the *deadlines* that fell in the period. A
  one-off task falls due on ``due_on`` and was done on time when it is done and
  ``completed_on`` is on or before it. A recurring task (yearly, quarterly, monthly) brings
  every deadline of its rule that falls in the period (from its plan's issue date, up to
  ``recur_until``; see ``recurrence.py``), each done on time when a progress update reported
  that period done (``period_due``) on or before its deadline. So a monthly task brings
  twelve deadlines to a yearly report, and a month reported late is late however the others
  went;
- ``plans.tasks_overdue``: open tasks whose current deadline (``current_due``) had passed
  at the end of the period (or today, if the period is not over). The status is the
  task's status now: the register keeps no past statuses.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.kpis import sources
from danvan.kpis.rollup import Entry
from danvan.orgs.models import Unit
from danvan.plans import recurrence
from danvan.plans.models import (
    OPEN_TASK_STATUSES,
    Activity,
    PlanStatus,
    ProgressUpdate,
    Task,
    TaskStatus,
)

TRAINING = "training"
TASK_PATH = "lead_unit__path"

# --------------------------------------------------------------------- activities


def _activities(start: dt.date, end: dt.date):
    return Activity.objects.filter(held_on__gte=start, held_on__lte=end)


def activities(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    return sources.count_by_subtree(_activities(start, end), "unit__path", units)


def trainings(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    return sources.count_by_subtree(
        _activities(start, end).filter(activity_type__code=TRAINING), "unit__path", units
    )


def activity_participants(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    rows = sources.count_by_subtree(
        _activities(start, end), "unit__path", units, value=Sum("participant_count")
    )
    return {unit_id: Entry(value=Decimal(row["value"])) for unit_id, row in rows.items()}


# -------------------------------------------------------------------------- tasks


def counted_tasks():
    """Tasks that count for their lead unit (see the module's docstring)."""
    copied_by_lead = Task.objects.filter(
        parent_task=OuterRef("pk"), lead_unit=OuterRef("lead_unit")
    ).exclude(plan__status=PlanStatus.DRAFT)
    return (
        Task.objects.filter(lead_unit__isnull=False)
        .exclude(plan__status=PlanStatus.DRAFT)
        .exclude(status=TaskStatus.CANCELLED)
        .exclude(Exists(copied_by_lead))
    )


def _outermost(units: Sequence) -> list:
    """The units none of whose ancestors is in ``units`` (their subtrees cover all)."""
    kept: list = []
    for unit in sorted(units, key=lambda u: u.path):
        if not kept or not unit.path.startswith(kept[-1].path):
            kept.append(unit)
    return kept


def _recurring_deadlines(
    units: Sequence, start: dt.date, end: dt.date
) -> tuple[dict[str, int], dict[str, int]]:
    """Deadlines of recurring tasks in the period and those met, per lead unit's path."""
    tasks = (
        counted_tasks()
        .exclude(recurrence=recurrence.ONCE)
        .filter(sources.subtree_q(_outermost(units), TASK_PATH))
        .filter(Q(recur_until__isnull=True) | Q(recur_until__gte=start))
        .filter(Q(plan__issued_on__isnull=True) | Q(plan__issued_on__lte=end))
    )
    rows = list(
        tasks.values(
            "pk",
            "recurrence",
            "due_on",
            "recur_day",
            "recur_month",
            "recur_until",
            "plan__issued_on",
            TASK_PATH,
        )
    )
    if not rows:
        return {}, {}
    met = set(
        ProgressUpdate.objects.filter(
            task__in=tasks,
            period_due__gte=start,
            period_due__lte=end,
            reported_on__lte=F("period_due"),
        ).values_list("task_id", "period_due")
    )
    due: dict[str, int] = defaultdict(int)
    done: dict[str, int] = defaultdict(int)
    for row in rows:
        rule = recurrence.Rule(
            freq=row["recurrence"],
            due_on=row["due_on"],
            day=row["recur_day"],
            month=row["recur_month"],
        )
        first = max(start, row["plan__issued_on"] or start)
        until = min(end, row["recur_until"]) if row["recur_until"] else end
        path = row[TASK_PATH]
        for deadline in recurrence.occurrences(rule, first, until):
            due[path] += 1
            if (row["pk"], deadline) in met:
                done[path] += 1
    return due, done


def _by_subtree(counts: dict[str, int], units: Sequence) -> dict[int, int]:
    """Sum per-path counts over each unit's subtree."""
    wanted = {unit.path: unit.pk for unit in units}
    totals: dict[int, int] = defaultdict(int)
    for path, count in counts.items():
        for length in range(Unit.steplen, len(path) + 1, Unit.steplen):
            unit_id = wanted.get(path[:length])
            if unit_id is not None:
                totals[unit_id] += count
    return totals


def tasks_done_on_time(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    once = sources.rate_by_subtree(
        counted_tasks().filter(recurrence=recurrence.ONCE, due_on__gte=start, due_on__lte=end),
        TASK_PATH,
        units,
        numerator=Count("pk", filter=Q(status=TaskStatus.DONE, completed_on__lte=F("due_on"))),
        denominator=Count("pk"),
    )
    due, done = _recurring_deadlines(units, start, end)
    due_by_unit, done_by_unit = _by_subtree(due, units), _by_subtree(done, units)
    return {
        unit_id: Entry(
            numerator=entry.numerator + done_by_unit.get(unit_id, 0),
            denominator=entry.denominator + due_by_unit.get(unit_id, 0),
        )
        for unit_id, entry in once.items()
    }


def tasks_overdue(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    at = min(end, timezone.localdate())
    return sources.count_by_subtree(
        counted_tasks().filter(status__in=OPEN_TASK_STATUSES, current_due__lt=at),
        TASK_PATH,
        units,
    )


sources.register(
    "plans.activities",
    _("Mass-mobilisation activities held"),
    compute=activities,
    description=_("Activities held in the period, counted for the unit that recorded them."),
)
sources.register(
    "plans.activity_participants",
    _("Participants in the activities"),
    compute=activity_participants,
    description=_("The number of participants of the activities held in the period."),
)
sources.register(
    "plans.trainings",
    _("Trainings held"),
    compute=trainings,
    description=_("Activities of the type “training” held in the period."),
)
sources.register(
    "plans.tasks_done_on_time",
    _("Assigned tasks done on time"),
    compute=tasks_done_on_time,
    is_rate=True,
    description=_(
        "Deadlines of the tasks led in the subtree that fell in the period (every occurrence "
        "of a recurring task), and of those the ones met on time."
    ),
)
sources.register(
    "plans.tasks_overdue",
    _("Tasks overdue and not done"),
    compute=tasks_overdue,
    description=_(
        "Open tasks led in the subtree whose deadline had passed at the end of the period."
    ),
)
