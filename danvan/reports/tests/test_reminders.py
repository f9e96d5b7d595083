"""Reminders before the due date and escalation after it: once a day per report at most."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from danvan.core.models import Notification
from danvan.reports.models import EventKind, Report, ReportEvent
from danvan.reports.reminders import send_reminders
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db

DUE = dt.date(2030, 11, 1)


@pytest.fixture
def setup():
    tree = f.report_tree()
    period = f.open_period(
        tree,
        year=2030,
        start_date=dt.date(2029, 11, 1),
        end_date=dt.date(2030, 10, 31),
        due=DUE,
        remind_days=5,
    )
    for unit in (tree.province, tree.department, tree.commune_a):
        f.officer(unit)
    # the commune B report is in; the others are outstanding
    f.submit(f.report_of(period, tree.commune_b))
    return tree, period


def _events(kind: str) -> set[int]:
    return set(ReportEvent.objects.filter(kind=kind).values_list("report__unit_id", flat=True))


def test_nothing_before_the_reminder_window(setup):
    count = send_reminders(DUE - dt.timedelta(days=6))
    assert (count.reminded, count.escalated) == (0, 0)
    assert not _events(EventKind.REMINDED)


def test_reminders_from_remind_days_before_once_then_on_the_due_date(setup):
    tree, _period = setup
    first = send_reminders(DUE - dt.timedelta(days=5))
    assert first.reminded == 3
    assert _events(EventKind.REMINDED) == {
        tree.province.pk,
        tree.department.pk,
        tree.commune_a.pk,
    }
    officer_a = f.officer(tree.commune_a)
    assert Notification.objects.filter(user=officer_a).count() >= 1
    notes = Notification.objects.count()
    # the same day again, and the days after, before the due date: nothing more
    assert send_reminders(DUE - dt.timedelta(days=5)).reminded == 0
    assert send_reminders(DUE - dt.timedelta(days=2)).reminded == 0
    assert Notification.objects.count() == notes
    # on the due date: one more reminder, once
    assert send_reminders(DUE).reminded == 3
    assert send_reminders(DUE).reminded == 0
    assert ReportEvent.objects.filter(kind=EventKind.REMINDED).count() == 6
    assert not _events(EventKind.ESCALATED)


def test_a_missed_run_still_reminds_inside_the_window(setup):
    assert send_reminders(DUE - dt.timedelta(days=2)).reminded == 3


def test_escalation_only_after_the_due_date_to_the_reviewers_above_once_a_day(setup):
    tree, _period = setup
    reviewer = f.reviewer(tree.province)
    assert send_reminders(DUE).escalated == 0
    assert not Notification.objects.filter(user=reviewer, text__contains="Hòa Bình").exists()
    after = DUE + dt.timedelta(days=1)
    count = send_reminders(after)
    # the commune and the department are escalated to the province; the province's own
    # report has no parent report: its leaders above (none here) are told
    assert count.escalated == 3
    assert _events(EventKind.ESCALATED) == {
        tree.province.pk,
        tree.department.pk,
        tree.commune_a.pk,
    }
    assert Notification.objects.filter(user=reviewer, text__contains="Hòa Bình").count() == 1
    assert send_reminders(after).escalated == 0
    assert Notification.objects.filter(user=reviewer, text__contains="Hòa Bình").count() == 1
    # the next day, once more
    assert send_reminders(after + dt.timedelta(days=1)).escalated == 3
    assert Notification.objects.filter(user=reviewer, text__contains="Hòa Bình").count() == 2


def test_submitted_accepted_and_closed_periods_are_left_alone(setup):
    tree, period = setup
    for unit in (tree.province, tree.department, tree.commune_a):
        f.submit(f.report_of(period, unit))
    assert send_reminders(DUE + dt.timedelta(days=3)).escalated == 0
    other = f.open_period(f.report_tree("Tỉnh Khác"), year=2030, due=DUE)
    other.status = "closed"
    other.save()
    assert send_reminders(DUE + dt.timedelta(days=3)).escalated == 0
    assert not Report.objects.filter(last_reminded_on__isnull=False).exists()


def test_the_command_runs_the_scan_for_a_given_day(setup):
    out = StringIO()
    call_command(
        "send_report_reminders", "--on", (DUE - dt.timedelta(days=5)).isoformat(), stdout=out
    )
    assert "3 reminded, 0 escalated" in out.getvalue()
    out = StringIO()
    call_command(
        "send_report_reminders", "--on", (DUE - dt.timedelta(days=5)).isoformat(), stdout=out
    )
    assert "0 reminded, 0 escalated" in out.getvalue()


def test_the_command_refuses_a_day_it_cannot_read(setup):
    with pytest.raises(CommandError):
        call_command("send_report_reminders", "--on", "31/10/2026", stdout=StringIO())
    assert not Report.objects.filter(last_reminded_on__isnull=False).exists()
