"""Tasks as table rows: the plan page, the plan's tasks Excel and the inbox Excel share them.

``plan_tasks(plan)`` loads a plan's tasks with what a row shows (lead unit, coordinating
units) in a fixed number of queries; ``task_rows(tasks, rollups, today)`` turns any task
list into Excel rows, ``rollups`` being ``selectors.rollups(tasks)`` (one query).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from danvan.core.documents import ascii_filename
from danvan.core.xlsx import Sheet
from danvan.orgs.models import UnitKind
from danvan.plans import recurrence
from danvan.plans.models import Plan, Task
from danvan.plans.selectors import Rollup


def plan_tasks(plan: Plan):
    """The plan's tasks in order, with their lead, assignee and coordinating units loaded."""
    return (
        plan.tasks.select_related("lead_unit", "assignee")
        .prefetch_related("coordinating_units")
        .order_by("position", "pk")
    )


def lead_kinds_text(task: Task) -> str:
    labels = [str(UnitKind(k).label) for k in task.lead_kind_list if k in UnitKind.values]
    return _("Each unit: %(kinds)s") % {"kinds": ", ".join(labels)} if labels else ""


def lead_text(task: Task) -> str:
    """Who leads: the lead unit, else the lead as written, else the kinds that each lead it."""
    if task.lead_unit_id is not None:
        return task.lead_unit.name
    return task.lead_label or lead_kinds_text(task)


def coordinating_text(task: Task) -> str:
    """The coordinating units (prefetched) and the coordinating line as written."""
    names = [unit.name for unit in task.coordinating_units.all()]
    if task.coordinating_label:
        names.append(task.coordinating_label)
    return "; ".join(names)


def deadline_text(task: Task) -> str:
    """ "By 15/06/2026", "Every year by 01/11 (until 31/12/2030)"."""
    text = recurrence.describe(recurrence.Rule.of(task))
    if task.recurrence != recurrence.ONCE and task.recur_until:
        text += " " + _("(until %(d)s)") % {"d": f"{task.recur_until:%d/%m/%Y}"}
    return text


def children_text(rollup: Rollup) -> str:
    """ "2/5": implementing tasks done out of all of them; empty without any."""
    return f"{rollup.done}/{rollup.children}" if rollup.children else ""


def task_headers(*, with_plan: bool = False) -> list[str]:
    headers = [
        _("No."),
        _("Task"),
        _("Lead"),
        _("Coordinating units"),
        _("Deadline"),
        _("Next deadline"),
        _("Status"),
        _("Own progress (%)"),
        _("Rolled-up progress (%)"),
        _("Implementing tasks done"),
        _("Overdue"),
    ]
    return [_("Plan"), *headers] if with_plan else headers


TASK_WIDTHS = [6, 60, 30, 35, 30, 14, 16, 12, 12, 14, 10]


def task_rows(
    tasks: Iterable[Task],
    rollups: Mapping[int, Rollup],
    today: dt.date,
    *,
    with_plan: bool = False,
) -> Iterator[list[Any]]:
    """One row per task, in the columns of ``task_headers``.

    Each task's plan must be loaded with it (``select_related("plan")``, or the tasks read
    through ``plan.tasks``): a draft's deadlines are not running, so nothing in it is overdue.
    ``with_plan`` adds the plan's reference first.
    """
    for task in tasks:
        rollup = rollups.get(task.pk) or Rollup(own=task.progress, children=0, done=0, mean=None)
        row: list[Any] = [
            task.position,
            task.title,
            lead_text(task),
            coordinating_text(task),
            deadline_text(task),
            task.current_due,
            task.get_status_display(),
            task.progress,
            rollup.progress,
            children_text(rollup),
            _("Yes") if task.is_overdue(today) and not task.plan.is_draft else "",
        ]
        yield [task.plan.reference, *row] if with_plan else row


def tasks_sheet(
    plan: Plan, tasks: Sequence[Task], rollups: Mapping[int, Rollup], today: dt.date
) -> Sheet:
    """The sheet of a plan's tasks, captioned with the plan's reference and title."""
    return Sheet(
        title=_("Tasks"),
        caption=f"{plan.reference} — {plan.title}",
        headers=task_headers(),
        rows=task_rows(tasks, rollups, today),
        widths=TASK_WIDTHS,
    )


def tasks_filename(plan: Plan, today: dt.date) -> str:
    """ "tasks-5584-KH-UBND-20260115.xlsx" (ASCII: it goes in a plain header)."""
    reference = plan.reference.replace("…", "").replace("/", "-")
    return ascii_filename(f"tasks-{reference or plan.pk}-{today:%Y%m%d}.xlsx")
