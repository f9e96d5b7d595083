"""Reminders before a report is due and escalation after it (run daily, and on demand).

``send_reminders(today)`` scans the open periods. A report still in draft or returned:
- from ``period.remind_days`` days before the due date, its writers are reminded once;
- on the due date, they are reminded once more;
- after the due date, the reviewers and leaders of the unit above (the parent report's unit)
  are told it is late, at most once a day.
Each report is taken with a conditional update of ``last_reminded_on``, so running the scan
twice a day, or on two machines at once, reminds nobody twice. ``remind_now`` is the
"remind now" button of a period's board.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from danvan.core.notify import notify
from danvan.orgs.models import User
from danvan.reports import services
from danvan.reports.models import (
    EDITABLE_STATES,
    EventKind,
    Period,
    PeriodStatus,
    Report,
    ReportEvent,
)


@dataclass
class ReminderCount:
    reminded: int = 0
    escalated: int = 0


def _take(report: Report, today: dt.date, since: dt.date | None) -> bool:
    """Claim ``report`` for today's message: True when nobody reminded it on or after
    ``since`` (today when None)."""
    not_yet = Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=since or today)
    return bool(
        Report.objects.filter(not_yet, pk=report.pk, state__in=EDITABLE_STATES).update(
            last_reminded_on=today
        )
    )


def _remind(report: Report, actor: User | None = None) -> None:
    period = report.period
    notify(
        users=services.writers_at(report.unit),
        text=_("Reminder: your report “%(period)s” is due %(due)s.")
        % {"period": period.name, "due": f"{period.due_date:%d/%m/%Y}"},
        url=report.get_absolute_url(),
    )
    ReportEvent.objects.create(
        report=report, kind=EventKind.REMINDED, revision=report.revision, actor=actor
    )


def _escalate(report: Report, today: dt.date) -> None:
    period = report.period
    days = (today - period.due_date).days
    parent = services.parent_report(report)
    reviewers = (
        services.reviewers_of(parent.unit)
        if parent is not None
        else services.reviewers_of(report.unit, above=True)
    )
    notify(
        users=reviewers,
        text=_(
            "%(unit)s has not submitted its report “%(period)s”, due %(due)s (%(days)s days late)."
        )
        % {
            "unit": report.unit.display_name,
            "period": period.name,
            "due": f"{period.due_date:%d/%m/%Y}",
            "days": days,
        },
        url=report.get_absolute_url(),
    )
    notify(
        users=services.writers_at(report.unit),
        text=_("Your report “%(period)s” is late: it was due %(due)s.")
        % {"period": period.name, "due": f"{period.due_date:%d/%m/%Y}"},
        url=report.get_absolute_url(),
    )
    ReportEvent.objects.create(
        report=report,
        kind=EventKind.ESCALATED,
        revision=report.revision,
        note=_("%(days)s days after the due date") % {"days": days},
    )


def send_reminders(today: dt.date) -> ReminderCount:
    """The daily scan. Idempotent: a report gets at most one message a day."""
    count = ReminderCount()
    periods = Period.objects.filter(status=PeriodStatus.OPEN)
    reports = (
        Report.objects.filter(period__in=periods, state__in=EDITABLE_STATES)
        .select_related("unit", "period")
        .order_by("period_id", "unit__path")
    )
    for report in reports:
        period = report.period
        first_day = period.due_date - dt.timedelta(days=period.remind_days)
        if today < first_day:
            continue
        with transaction.atomic():
            if today < period.due_date:
                if _take(report, today, since=first_day):
                    _remind(report)
                    count.reminded += 1
            elif today == period.due_date:
                if _take(report, today, since=today):
                    _remind(report)
                    count.reminded += 1
            elif _take(report, today, since=today):
                _escalate(report, today)
                count.escalated += 1
    return count


def remind_now(period: Period, *, actor: User, today: dt.date) -> int:
    """Remind every unit of ``period`` still outstanding that was not reminded today."""
    count = 0
    for report in services.outstanding(period).select_related("period"):
        with transaction.atomic():
            if _take(report, today, since=today):
                _remind(report, actor)
                count += 1
    return count
