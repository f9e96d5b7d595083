"""Reminders before task deadlines, escalation of overdue tasks, coverage reminders.

Run once a day by ``manage.py send_plan_reminders`` (cron). For every open task of an
issued plan with a deadline:

- **due soon** (the deadline is today or within ``REMIND_DAYS`` days): the writers of the
  lead unit and the assignee are reminded. A task that every unit of some kinds leads for
  itself (``lead_kinds``) reminds the writers of each such unit under the issuing unit that
  has not yet reported its implementing task done;
- **overdue** (the deadline has passed): the same people are told, and the task is escalated
  to the writers and leaders of the issuing unit.

For every coverage requirement of an issued plan (or of no plan) whose window ends within
``REMIND_DAYS`` days or ended at most ``COVERAGE_GRACE_DAYS`` ago, the writers of each unit
still missing are reminded.

Idempotent: each reminder is a ``Reminder`` row with a unique key, inserted (in a savepoint)
in the same transaction as its notifications and before them. A second run, or a second
server running at once, finds the key taken and sends nothing. The key holds the deadline,
so a recurring task whose deadline moved to the next period is reminded again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from danvan.core.coverage import required_units
from danvan.core.notify import notify
from danvan.orgs.models import Membership, Role, Unit, UnitKind, User
from danvan.orgs.scope import WRITE_ROLES
from danvan.plans.models import (
    CoverageRequirement,
    PlanStatus,
    Reminder,
    ReminderKind,
    Task,
    TaskStatus,
)
from danvan.plans.services import met_unit_ids

REMIND_DAYS = 5  # remind this many days before a deadline (and before a window closes)
COVERAGE_GRACE_DAYS = 1  # still remind the missing units this many days after the window
ESCALATE_ROLES = WRITE_ROLES | {Role.LEADER}  # at the issuing unit
BATCH = 500


@dataclass
class Summary:
    """What one run sent."""

    due_soon: int = 0  # tasks reminded before their deadline
    overdue: int = 0  # overdue tasks escalated to the issuing unit
    coverage: int = 0  # units reminded of an activity still missing
    notifications: int = 0  # in-app notifications created (an e-mail goes beside each)

    def __str__(self) -> str:
        return (
            f"{self.due_soon} task(s) due soon reminded, {self.overdue} overdue task(s) "
            f"escalated, {self.coverage} unit(s) reminded of a missing activity; "
            f"{self.notifications} notification(s)."
        )


def send_reminders(on: dt.date | None = None) -> Summary:
    """Send every reminder due on ``on`` (default: today) that was not sent before."""
    on = on or timezone.localdate()
    summary = Summary()
    # The command runs outside any request: write the messages in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        _remind_tasks(on, summary)
        _remind_coverage(on, summary)
    return summary


# ------------------------------------------------------------------------ helpers


def _chunks(items: Sequence, size: int = BATCH) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _unsent(keys: Iterable[str]) -> list[str]:
    """The keys no reminder was recorded under yet (one query per 500 keys)."""
    keys = list(dict.fromkeys(keys))
    sent: set[str] = set()
    for chunk in _chunks(keys):
        sent.update(Reminder.objects.filter(key__in=chunk).values_list("key", flat=True))
    return [key for key in keys if key not in sent]


def _people(unit_ids: Iterable[int], roles=WRITE_ROLES) -> dict[int, list[User]]:
    """Active users holding one of ``roles`` at each unit itself (as ``services.writers_of``,
    for many units in one query per 500 units)."""
    out: dict[int, list[User]] = defaultdict(list)
    ids = sorted(set(unit_ids))
    for chunk in _chunks(ids):
        memberships = (
            Membership.objects.active()
            .filter(unit_id__in=chunk, role__in=roles, user__is_active=True)
            .select_related("user")
            .order_by("pk")
        )
        for membership in memberships:
            out[membership.unit_id].append(membership.user)
    return out


def _send(key: str, *, users: Iterable[User], text: str, url: str, **fields) -> int:
    """Record the reminder under ``key``, then notify ``users``; 0 when the key was taken
    (by an earlier run, or another server at this moment) or nobody is to be told.

    Nobody to tell (no officer at the unit yet) records nothing, so the reminder goes out
    once somebody is given a role there.
    """
    users = list({user.pk: user for user in users}.values())
    if not users:
        return 0
    try:
        # A savepoint: a taken key rolls back only this reminder (and the e-mails queued
        # for it), and the run goes on.
        with transaction.atomic():
            Reminder.objects.create(key=key, recipients=len(users), **fields)
            return notify(users=users, text=text, url=url)
    except IntegrityError:
        return 0


# -------------------------------------------------------------------------- tasks


def task_key(kind: str, task_pk: int, due: dt.date) -> str:
    return f"{kind}:{task_pk}:{due.isoformat()}"


def _kind_for(due: dt.date, on: dt.date) -> str:
    return ReminderKind.TASK_OVERDUE if due < on else ReminderKind.TASK_DUE_SOON


def _tasks_to_remind(on: dt.date):
    """Open tasks of issued plans whose deadline passed or falls within ``REMIND_DAYS``."""
    return Task.objects.open().filter(
        plan__status=PlanStatus.ISSUED,
        current_due__isnull=False,
        current_due__lte=on + dt.timedelta(days=REMIND_DAYS),
    )


def _remind_tasks(on: dt.date, summary: Summary) -> None:
    candidates = _tasks_to_remind(on).order_by("current_due", "pk").values_list("pk", "current_due")
    keyed = {task_key(_kind_for(due, on), pk, due): pk for pk, due in candidates}
    pending = [keyed[key] for key in _unsent(keyed)]
    for chunk in _chunks(pending):
        # Read again with the same filters: a task may have moved on since it was listed.
        tasks = list(
            _tasks_to_remind(on)
            .filter(pk__in=chunk)
            .select_related("plan", "plan__unit", "lead_unit", "assignee")
            .order_by("current_due", "pk")
        )
        leads = _lead_units(tasks)
        people = _people(unit_id for task in tasks for unit_id in leads[task.pk])
        leaders = _people(
            [task.plan.unit_id for task in tasks if task.current_due < on], ESCALATE_ROLES
        )
        for task in tasks:
            _remind_task(task, on, summary, leads[task.pk], people, leaders)


def _lead_units(tasks: Sequence[Task]) -> dict[int, list[int]]:
    """Ids of the units expected to act on each task.

    The lead unit; for a ``lead_kinds`` task, every unit of those kinds under the issuing
    unit (in force) except those whose implementing task is done (or, on a recurring task,
    whose period due is reported done). Two queries whatever the number of tasks.
    """
    out: dict[int, list[int]] = {
        task.pk: [task.lead_unit_id] if task.lead_unit_id else [] for task in tasks
    }
    by_kinds = [task for task in tasks if task.lead_unit_id is None and task.lead_kind_list]
    if not by_kinds:
        return out
    wanted = Q()
    for task in by_kinds:
        wanted |= Q(path__startswith=task.plan.unit.path, kind__in=task.lead_kind_list)
    units = list(
        Unit.objects.filter(wanted, valid_to__isnull=True)
        .order_by("path")
        .values_list("pk", "path", "kind")
    )
    done = set(
        Task.objects.filter(parent_task__in=[task.pk for task in by_kinds], lead_unit__isnull=False)
        .filter(
            Q(status=TaskStatus.DONE)
            | Q(
                period_done_through__isnull=False,
                period_done_through__gte=F("parent_task__current_due"),
            )
        )
        .values_list("parent_task_id", "lead_unit_id")
    )
    for task in by_kinds:
        root = task.plan.unit.path
        kinds = set(task.lead_kind_list)
        out[task.pk] = [
            pk
            for pk, path, kind in units
            if kind in kinds
            and path.startswith(root)
            and path != root
            and (task.pk, pk) not in done
        ]
    return out


def lead_label(task: Task) -> str:
    """Who leads the task, as a message names it."""
    if task.lead_unit is not None:
        return task.lead_unit.name
    if task.lead_label:
        return task.lead_label
    labels = [str(UnitKind(kind).label) for kind in task.lead_kind_list if kind in UnitKind.values]
    return ", ".join(labels)


def _remind_task(
    task: Task,
    on: dt.date,
    summary: Summary,
    lead_ids: list[int],
    people: dict[int, list[User]],
    leaders: dict[int, list[User]],
) -> None:
    due = task.current_due
    users = [user for unit_id in lead_ids for user in people.get(unit_id, [])]
    if task.assignee is not None and task.assignee.is_active:
        users.append(task.assignee)
    values = {
        "task": task.title,
        "plan": task.plan.reference,
        "lead": lead_label(task),
        "date": f"{due:%d/%m/%Y}",
    }
    kind = _kind_for(due, on)
    if kind == ReminderKind.TASK_OVERDUE:
        users += leaders.get(task.plan.unit_id, [])
        text = _("Task “%(task)s” of plan %(plan)s led by %(lead)s is overdue since %(date)s.")
    elif due == on:
        text = _("Task “%(task)s” of plan %(plan)s is due today (%(date)s).")
    else:
        text = _("Task “%(task)s” of plan %(plan)s is due on %(date)s.")
    sent = _send(
        task_key(kind, task.pk, due),
        users=users,
        text=text % values,
        url=task.get_absolute_url(),
        kind=kind,
        task=task,
        unit_id=task.lead_unit_id,
    )
    if sent:
        summary.notifications += sent
        if kind == ReminderKind.TASK_OVERDUE:
            summary.overdue += 1
        else:
            summary.due_soon += 1


# ----------------------------------------------------------------------- coverage


def coverage_key(requirement: CoverageRequirement, unit_pk: int) -> str:
    return f"{ReminderKind.COVERAGE_MISSING}:{requirement.pk}:{unit_pk}:end-{requirement.ends_on}"


def _remind_coverage(on: dt.date, summary: Summary) -> None:
    requirements = (
        CoverageRequirement.objects.filter(
            ends_on__gte=on - dt.timedelta(days=COVERAGE_GRACE_DAYS),
            ends_on__lte=on + dt.timedelta(days=REMIND_DAYS),
        )
        .filter(Q(plan__isnull=True) | Q(plan__status=PlanStatus.ISSUED))
        .select_related("unit", "activity_type")
        .order_by("ends_on", "pk")
    )
    for requirement in requirements:
        _remind_missing_units(requirement, on, summary)


def _remind_missing_units(requirement: CoverageRequirement, on: dt.date, summary: Summary) -> None:
    met = met_unit_ids(requirement, requirement.unit)
    missing = {
        pk: name
        for pk, name in required_units(requirement.unit, requirement.unit_kind)
        .order_by("path")
        .values_list("pk", "name")
        if pk not in met
    }
    keyed = {coverage_key(requirement, pk): pk for pk in missing}
    pending = [keyed[key] for key in _unsent(keyed)]
    if not pending:
        return
    people = _people(pending)
    values = {
        "type": str(requirement.activity_type),
        "title": requirement.title,
        "start": f"{requirement.starts_on:%d/%m/%Y}",
        "end": f"{requirement.ends_on:%d/%m/%Y}",
    }
    if requirement.ends_on < on:
        message = _(
            "%(unit)s has not recorded a “%(type)s” activity for “%(title)s”, due from "
            "%(start)s to %(end)s: record it now if it was held."
        )
    else:
        message = _(
            "%(unit)s has not yet recorded a “%(type)s” activity for “%(title)s”, due from "
            "%(start)s to %(end)s."
        )
    for unit_pk in pending:
        sent = _send(
            coverage_key(requirement, unit_pk),
            users=people.get(unit_pk, []),
            text=message % {**values, "unit": missing[unit_pk]},
            url=requirement.get_absolute_url(),
            kind=ReminderKind.COVERAGE_MISSING,
            requirement=requirement,
            unit_id=unit_pk,
        )
        if sent:
            summary.coverage += 1
            summary.notifications += sent


# ------------------------------------------------ the coverage page's button


@dataclass(frozen=True)
class ReminderResult:
    units: int  # units reminded now
    people: int  # notifications sent
    already: int  # units already reminded today
    nobody: int  # units with nobody to remind (no active write role at the unit)


def reminder_key(requirement: CoverageRequirement, unit: Unit, day: dt.date) -> str:
    return f"{ReminderKind.COVERAGE_MISSING}:{requirement.pk}:{unit.pk}:{day.isoformat()}"


@transaction.atomic
def send_missing_reminders(
    *, actor, requirement: CoverageRequirement, units: Sequence[Unit], today: dt.date
) -> ReminderResult:
    """Tell the writers of each unit in ``units`` that it has not recorded the activity yet.

    Once per requirement, unit and day: each send is recorded as a ``Reminder`` whose key
    holds the date, so a second click the same day sends nothing more. The requirement row
    is locked so two clicks at once send once. Units nobody writes for are not recorded
    (they are reminded once somebody joins them).
    """
    requirement = (
        CoverageRequirement.objects.select_for_update(of=("self",))
        .select_related("unit", "activity_type")
        .get(pk=requirement.pk)
    )
    if actor is None or not actor.has_perm("plans.change_coveragerequirement", requirement):
        raise PermissionDenied
    if requirement.starts_on > today:
        raise ValidationError(_("The period has not started yet."))
    prefix = f"{ReminderKind.COVERAGE_MISSING}:{requirement.pk}:"
    already = set(
        Reminder.objects.filter(
            key__startswith=prefix, key__endswith=f":{today.isoformat()}"
        ).values_list("key", flat=True)
    )
    todo = [u for u in units if reminder_key(requirement, u, today) not in already]
    writers = _people(u.pk for u in todo)
    url = requirement.get_absolute_url()
    sent: list[Reminder] = []
    people = nobody = 0
    for unit in todo:
        users = writers.get(unit.pk, [])
        if not users:
            nobody += 1
            continue
        text = _(
            "%(unit)s has not yet recorded “%(type)s” for “%(title)s” (%(start)s - %(end)s)."
        ) % {
            "unit": unit.name,
            "type": requirement.activity_type.name,
            "title": requirement.title,
            "start": f"{requirement.starts_on:%d/%m/%Y}",
            "end": f"{requirement.ends_on:%d/%m/%Y}",
        }
        count = notify(users=users, text=text, url=url)
        people += count
        sent.append(
            Reminder(
                key=reminder_key(requirement, unit, today),
                kind=ReminderKind.COVERAGE_MISSING,
                requirement=requirement,
                unit=unit,
                recipients=count,
            )
        )
    Reminder.objects.bulk_create(sent, ignore_conflicts=True)
    return ReminderResult(
        units=len(sent), people=people, already=len(units) - len(todo), nobody=nobody
    )
