"""The daily reminders: due soon, overdue (escalated), coverage missing; idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from danvan.core.models import Notification
from danvan.orgs.models import Role
from danvan.orgs.tests.factories import make_child
from danvan.plans import reminders, services
from danvan.plans.models import Reminder, ReminderKind, TaskStatus
from danvan.plans.reminders import REMIND_DAYS, send_reminders
from danvan.plans.tests.factories import (
    activity_type,
    days_ago,
    days_ahead,
    issued_plan_with_task,
    make_activity,
    make_plan,
    make_task,
    member,
    officer,
    small_tree,
    today,
)

pytestmark = pytest.mark.django_db


def told(**filters) -> set[str]:
    """Usernames that received a notification (matching ``filters``)."""
    return set(Notification.objects.filter(**filters).values_list("user__username", flat=True))


@pytest.fixture
def t():
    tree = small_tree()
    for unit in (tree.province, tree.department, tree.commune_a, tree.commune_b):
        officer(unit)
    for unit in (tree.cell_a, tree.cell_b):
        officer(unit)
    return tree


def fresh_inbox():
    """Forget the notifications sent when the plans were issued."""
    Notification.objects.all().delete()


# ------------------------------------------------------------------------ due soon


def test_a_task_due_soon_reminds_the_lead_units_officer_and_the_assignee_only(t):
    assignee = member(t.commune_a, Role.OBSERVER, username="assignee")
    _plan, task = issued_plan_with_task(
        t.province, t.commune_a, due_on=days_ahead(3), assignee=assignee
    )
    fresh_inbox()

    summary = send_reminders(on=today())

    assert (summary.due_soon, summary.overdue, summary.coverage) == (1, 0, 0)
    assert summary.notifications == 2
    assert told() == {officer(t.commune_a).username, "assignee"}
    assert told(url=task.get_absolute_url()) == told()
    reminder = Reminder.objects.get()
    assert reminder.key == f"task_due_soon:{task.pk}:{task.current_due}"
    assert (reminder.kind, reminder.task, reminder.unit) == (
        ReminderKind.TASK_DUE_SOON,
        task,
        t.commune_a,
    )
    assert reminder.recipients == 2
    text = Notification.objects.filter(user=assignee).get().text
    assert task.plan.reference in text
    assert f"{task.current_due:%d/%m/%Y}" in text


@pytest.mark.parametrize(("ahead", "reminded"), [(0, 1), (REMIND_DAYS, 1), (REMIND_DAYS + 1, 0)])
def test_due_soon_means_today_up_to_remind_days_ahead(t, ahead, reminded):
    issued_plan_with_task(t.province, t.commune_a, due_on=days_ahead(ahead))
    fresh_inbox()
    assert send_reminders(on=today()).due_soon == reminded
    assert Notification.objects.count() == reminded


def test_the_messages_are_written_in_the_sites_language(t, monkeypatch, settings):
    issued_plan_with_task(t.province, t.commune_a, due_on=days_ahead(2))
    languages = []
    real_notify = reminders.notify

    def spy(**kwargs):
        languages.append(translation.get_language())
        return real_notify(**kwargs)

    monkeypatch.setattr(reminders, "notify", spy)
    translation.activate("en")
    send_reminders(on=today())
    assert languages == [settings.LANGUAGE_CODE]
    assert translation.get_language() == "en"  # left as it was


# ------------------------------------------------------------------------ overdue


def test_an_overdue_task_is_escalated_to_the_issuing_units_officers_and_leader(t):
    leader = member(t.province, Role.LEADER, username="chairman")
    member(t.province, Role.OBSERVER, username="watcher")
    _plan, task = issued_plan_with_task(t.province, t.commune_a, due_on=days_ago(10))
    fresh_inbox()

    summary = send_reminders(on=days_ago(8))

    assert (summary.due_soon, summary.overdue) == (0, 1)
    assert told() == {officer(t.commune_a).username, officer(t.province).username, "chairman"}
    assert Reminder.objects.get().key == f"task_overdue:{task.pk}:{task.current_due}"
    text = Notification.objects.get(user=leader).text
    for part in (task.title, task.plan.reference, t.commune_a.name, f"{days_ago(10):%d/%m/%Y}"):
        assert part in text


def test_a_task_reminded_before_its_deadline_is_escalated_once_it_passes(t):
    issued_plan_with_task(t.province, t.commune_a, due_on=days_ahead(2))
    fresh_inbox()
    assert send_reminders(on=today()).due_soon == 1
    assert told() == {officer(t.commune_a).username}
    summary = send_reminders(on=days_ahead(3))
    assert (summary.due_soon, summary.overdue) == (0, 1)
    assert told() == {officer(t.commune_a).username, officer(t.province).username}
    assert set(Reminder.objects.values_list("kind", flat=True)) == {
        ReminderKind.TASK_DUE_SOON,
        ReminderKind.TASK_OVERDUE,
    }


# -------------------------------------------------------------------- idempotence


def test_running_twice_sends_nothing_more(t):
    issued_plan_with_task(t.province, t.commune_a, due_on=days_ahead(1))
    issued_plan_with_task(t.province, t.commune_b, due_on=days_ago(4))
    make_requirement(t, ends_on=days_ahead(1))
    fresh_inbox()

    first = send_reminders(on=today())
    sent = Notification.objects.count()
    second = send_reminders(on=today())

    assert (first.due_soon, first.overdue, first.coverage) == (1, 1, 2)
    assert sent == first.notifications > 0
    assert (second.due_soon, second.overdue, second.coverage, second.notifications) == (
        0,
        0,
        0,
        0,
    )
    assert Notification.objects.count() == sent


def test_a_key_taken_by_a_concurrent_run_sends_nothing(t, monkeypatch):
    """Two servers at once: the other one inserted the key after this one looked."""
    _plan, task = issued_plan_with_task(t.province, t.commune_a, due_on=days_ahead(1))
    fresh_inbox()
    Reminder.objects.create(
        key=f"task_due_soon:{task.pk}:{task.current_due}", kind=ReminderKind.TASK_DUE_SOON
    )
    monkeypatch.setattr(reminders, "_unsent", lambda keys: list(keys))  # saw no key yet

    summary = send_reminders(on=today())

    assert summary.due_soon == 0
    assert Notification.objects.count() == 0
    assert Reminder.objects.count() == 1
    # The transaction is still usable after the refused insert.
    assert Reminder.objects.filter(task=task).count() == 0


def test_a_unit_with_nobody_to_tell_is_reminded_once_somebody_has_a_role(t):
    orphan = make_child(t.province, name="Xã Không Người", short_name="Không Người")
    issued_plan_with_task(t.province, orphan, due_on=days_ahead(2))
    fresh_inbox()
    assert send_reminders(on=today()).due_soon == 0
    assert not Reminder.objects.exists()
    newcomer = officer(orphan)
    assert send_reminders(on=today()).due_soon == 1
    assert told() == {newcomer.username}


def test_a_recurring_task_is_reminded_again_for_the_next_period(t):
    commune_officer = officer(t.commune_a)
    _plan, task = issued_plan_with_task(
        t.province, t.commune_a, recurrence="yearly", recur_day=1, recur_month=11, due_on=None
    )
    first = task.current_due
    assert (first.day, first.month) == (1, 11)
    fresh_inbox()

    assert send_reminders(on=first - dt.timedelta(days=3)).due_soon == 1
    assert send_reminders(on=first - dt.timedelta(days=2)).due_soon == 0
    services.record_progress(
        actor=commune_officer,
        task=task,
        data={
            "status": TaskStatus.IN_PROGRESS,
            "progress": 100,
            "text": "Đã gửi báo cáo năm",
            "completes_period": True,
        },
    )
    task.refresh_from_db()
    second = task.current_due
    assert second == first.replace(year=first.year + 1)

    summary = send_reminders(on=second - dt.timedelta(days=3))
    assert summary.due_soon == 1
    assert Reminder.objects.filter(key=f"task_due_soon:{task.pk}:{second}").exists()
    assert Notification.objects.filter(user=commune_officer).count() == 2
    assert f"{second:%d/%m/%Y}" in Notification.objects.filter(user=commune_officer).first().text


# ------------------------------------------------------------ what is left alone


def test_cancelled_and_done_tasks_and_draft_plans_are_ignored(t):
    province_officer = officer(t.province)
    draft = make_plan(t.province)
    make_task(draft, lead=t.commune_a, due_on=days_ahead(1))
    _plan, cancelled = issued_plan_with_task(t.province, t.commune_a, due_on=days_ahead(1))
    services.cancel_task(actor=province_officer, task=cancelled, reason="Không còn phù hợp")
    _plan, done = issued_plan_with_task(t.province, t.commune_b, due_on=days_ago(2))
    services.record_progress(
        actor=officer(t.commune_b),
        task=done,
        data={"status": TaskStatus.DONE, "progress": 100, "text": "Hoàn thành"},
    )
    fresh_inbox()

    summary = send_reminders(on=today())

    assert (summary.due_soon, summary.overdue, summary.notifications) == (0, 0, 0)
    assert not Notification.objects.exists()
    assert not Reminder.objects.exists()


def test_a_task_each_commune_leads_reminds_only_the_communes_not_done(t):
    plan = make_plan(t.province)
    task = make_task(plan, lead=None, lead_kinds="commune", due_on=days_ahead(4))
    plan = services.issue_plan(actor=officer(t.province), plan=plan)
    task.refresh_from_db()
    # Commune A implements the task in its own plan and reports it done.
    own = make_plan(t.commune_a, parent=plan)
    child = services.save_task(
        actor=officer(t.commune_a),
        plan=own,
        data={
            "title": task.title,
            "lead_unit": t.commune_a,
            "recurrence": "once",
            "due_on": days_ahead(4),
        },
        parent_task=task,
    )
    services.issue_plan(actor=officer(t.commune_a), plan=own)
    services.record_progress(
        actor=officer(t.commune_a),
        task=child,
        data={"status": TaskStatus.DONE, "progress": 100, "text": "Xong"},
    )
    fresh_inbox()

    summary = send_reminders(on=today())

    assert summary.due_soon == 1
    assert told() == {officer(t.commune_b).username}  # not A (done), not the department


def test_a_recurring_task_each_commune_leads_skips_the_communes_that_reported_the_period(t):
    due = days_ahead(3)
    rule = {"recurrence": "yearly", "recur_day": due.day, "recur_month": due.month, "due_on": None}
    plan = make_plan(t.province)
    task = make_task(plan, lead=None, lead_kinds="commune", **rule)
    plan = services.issue_plan(actor=officer(t.province), plan=plan)
    task.refresh_from_db()
    assert task.current_due == due
    own = make_plan(t.commune_a, parent=plan)
    child = services.save_task(
        actor=officer(t.commune_a),
        plan=own,
        data={"title": task.title, "lead_unit": t.commune_a, **rule},
        parent_task=task,
    )
    services.issue_plan(actor=officer(t.commune_a), plan=own)
    services.record_progress(
        actor=officer(t.commune_a),
        task=child,
        data={"progress": 100, "text": "Đã báo cáo kỳ này", "completes_period": True},
    )
    child.refresh_from_db()
    assert (child.status, child.period_done_through) == (TaskStatus.IN_PROGRESS, due)
    fresh_inbox()

    assert send_reminders(on=today()).due_soon == 1
    assert told() == {officer(t.commune_b).username}


# ----------------------------------------------------------------------- coverage


def make_requirement(t, *, ends_on, starts_on=None, plan=None):
    return services.save_requirement(
        actor=officer(t.province),
        unit=t.province,
        plan=plan,
        data={
            "title": "100% chi bộ sinh hoạt chuyên đề",
            "unit_kind": "party",
            "activity_type": activity_type(),
            "starts_on": starts_on or days_ago(20),
            "ends_on": ends_on,
        },
    )


def test_coverage_reminders_reach_only_the_missing_units(t):
    make_activity(t.cell_a, held_on=days_ago(3))
    requirement = make_requirement(t, ends_on=days_ahead(2))
    fresh_inbox()

    summary = send_reminders(on=today())

    assert summary.coverage == 1
    assert told() == {officer(t.cell_b).username}
    reminder = Reminder.objects.get()
    assert (
        reminder.key == f"coverage_missing:{requirement.pk}:{t.cell_b.pk}:end-{requirement.ends_on}"
    )
    assert (reminder.unit, reminder.requirement) == (t.cell_b, requirement)
    notification = Notification.objects.get()
    assert notification.url == requirement.get_absolute_url()
    assert t.cell_b.name in notification.text


@pytest.mark.parametrize(
    ("ends_in", "reminded"),
    [(REMIND_DAYS + 1, False), (REMIND_DAYS, True), (0, True), (-1, True), (-2, False)],
)
def test_coverage_reminders_go_out_as_the_window_closes(t, ends_in, reminded):
    make_requirement(t, starts_on=days_ago(30), ends_on=today() + dt.timedelta(days=ends_in))
    fresh_inbox()
    assert send_reminders(on=today()).coverage == (2 if reminded else 0)


def test_coverage_of_a_draft_plan_is_not_reminded(t):
    make_requirement(t, ends_on=days_ahead(1), plan=make_plan(t.province))
    fresh_inbox()
    assert send_reminders(on=today()).coverage == 0
    assert not Notification.objects.exists()


# -------------------------------------------------------------- command, queries


def test_the_command_prints_the_counts_and_is_idempotent(t):
    issued_plan_with_task(t.province, t.commune_a, due_on=days_ahead(2))
    out = StringIO()
    call_command("send_plan_reminders", "--on", today().isoformat(), stdout=out)
    assert "1 task(s) due soon reminded" in out.getvalue()
    out = StringIO()
    call_command("send_plan_reminders", "--on", today().isoformat(), stdout=out)
    assert "0 task(s) due soon reminded" in out.getvalue()
    assert "0 notification(s)" in out.getvalue()


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError):
        call_command("send_plan_reminders", "--on", "01/11/2026", stdout=StringIO())


@pytest.mark.parametrize("n", [2, 12])
def test_a_run_with_nothing_new_to_send_reads_a_fixed_number_of_rows(
    t, n, django_assert_max_num_queries
):
    for i in range(n):
        lead = t.commune_a if i % 2 else t.commune_b
        issued_plan_with_task(t.province, lead, due_on=days_ahead(1) if i % 3 else days_ago(1))
    send_reminders(on=today())
    with django_assert_max_num_queries(3):
        summary = send_reminders(on=today())
    assert summary.notifications == 0


def test_a_first_run_loads_the_recipients_in_bulk(t, django_assert_max_num_queries):
    for i in range(10):
        lead = t.commune_a if i % 2 else t.commune_b
        issued_plan_with_task(t.province, lead, due_on=days_ahead(1) if i % 3 else days_ago(1))
    fresh_inbox()
    # 6 to find the tasks, load them and their people, and find the requirements; then per
    # task only writes: savepoint, reminder, notifications, release.
    with django_assert_max_num_queries(6 + 10 * 4):
        summary = send_reminders(on=today())
    assert summary.due_soon + summary.overdue == 10
