"""The computed indicator sources each module registers: what they count, over which units.

Records are built through each app's factories and services, then moved to the dates a test
needs with ``update()`` (the services date things today). The window is the first half of
2025; every test puts records just outside it and in another province, which must not count.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danvan.dialogues.models import DialogueRequest
from danvan.dialogues.tests.factories import make_dialogue, make_request
from danvan.initiatives.models import Initiative, Recognition, Status
from danvan.initiatives.tests.factories import make_campaign, make_initiative
from danvan.kpis import sources
from danvan.kpis.models import Indicator
from danvan.orgs.tests.factories import make_child, make_root
from danvan.petitions import reception_services
from danvan.petitions.models import Letter, Reception
from danvan.petitions.tests.factories import clerk, make_letter
from danvan.plans import services as plan_services
from danvan.plans.models import Plan, ProgressUpdate, Task
from danvan.plans.tests.factories import make_activity, make_plan, make_task
from danvan.plans.tests.factories import officer as plan_officer
from danvan.reports.models import ReportValue
from danvan.reports.rollups import period_rollup
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 1, 1), dt.date(2025, 6, 30)
D = dt.date


def counts(key: str, units, start=START, end=END) -> dict[int, Decimal | None]:
    return {
        unit_id: entry.value
        for unit_id, entry in sources.get(key).compute(units, start, end).items()
    }


def rates(key: str, units, start=START, end=END) -> dict[int, tuple]:
    return {
        unit_id: (entry.numerator, entry.denominator)
        for unit_id, entry in sources.get(key).compute(units, start, end).items()
    }


def n(*values) -> tuple:
    return tuple(Decimal(value) for value in values)


def units_of(tree: f.ReportTree) -> list:
    return [tree.province, tree.department, tree.commune_a, tree.commune_b, tree.cell_a]


def by_pk(tree: f.ReportTree, **values) -> dict:
    names = {"province", "department", "commune_a", "commune_b", "cell_a"}
    assert set(values) == names
    return {getattr(tree, name).pk: value for name, value in values.items()}


def move(model, obj, **fields) -> None:
    model.objects.filter(pk=obj.pk).update(**fields)


# --------------------------------------------------------------------------- catalogue


def test_every_computed_indicator_of_the_catalogue_has_a_registered_source():
    computed = list(Indicator.objects.filter(source="computed"))
    assert len(computed) >= 15
    missing = [i.code for i in computed if sources.get(i.source_key) is None]
    assert missing == []
    for indicator in computed:
        assert sources.get(indicator.source_key).is_rate == (indicator.rollup == "rate"), (
            indicator.code
        )


# --------------------------------------------------------------------------- petitions


def _letter(unit, received_on, *, status="received", **fields) -> Letter:
    letter = make_letter(unit, status=status)
    move(Letter, letter, received_on=received_on, **fields)
    return letter


def test_petition_sources_count_letters_of_the_subtree_in_the_window():
    tree, other = f.report_tree(), f.report_tree("Tỉnh Khác")
    resolved = {"status": "resolved"}
    # commune A: one resolved on time, one resolved late, one refused (not "resolved")
    _letter(
        tree.commune_a,
        D(2025, 2, 1),
        closed_on=D(2025, 3, 10),
        resolution_due=D(2025, 3, 15),
        **resolved,
    )
    _letter(
        tree.commune_a,
        D(2025, 2, 2),
        closed_on=D(2025, 4, 20),
        resolution_due=D(2025, 4, 10),
        **resolved,
    )
    _letter(tree.commune_a, D(2025, 2, 3), status="refused", closed_on=D(2025, 2, 4))
    _letter(tree.cell_a, D(2025, 6, 30))  # open, last day of the window
    # commune B: received before the window but resolved in it (on time, no due date)
    _letter(
        tree.commune_b, D(2024, 12, 31), closed_on=D(2025, 1, 5), resolution_due=None, **resolved
    )
    _letter(
        tree.commune_b,
        D(2025, 1, 1),
        closed_on=D(2025, 5, 1),
        resolution_due=D(2025, 5, 30),
        **resolved,
    )
    # the province's own: received in the window, resolved after it
    _letter(
        tree.province,
        D(2025, 3, 1),
        closed_on=D(2025, 7, 1),
        resolution_due=D(2025, 7, 5),
        **resolved,
    )
    _letter(other.commune_a, D(2025, 3, 1), closed_on=D(2025, 3, 2), **resolved)

    units = units_of(tree)
    assert counts("petitions.received", units) == by_pk(
        tree, province=6, department=0, commune_a=4, commune_b=1, cell_a=1
    )
    assert counts("petitions.resolved", units) == by_pk(
        tree, province=4, department=0, commune_a=2, commune_b=2, cell_a=0
    )
    assert rates("petitions.resolved_on_time", units) == by_pk(
        tree,
        province=n(3, 4),
        department=n(0, 0),
        commune_a=n(1, 2),
        commune_b=n(2, 2),
        cell_a=n(0, 0),
    )
    assert counts("petitions.received", [other.province]) == {other.province.pk: 1}


def _reception(unit, on, citizens) -> Reception:
    reception = reception_services.record_reception(
        actor=clerk(unit),
        unit=unit,
        data={
            "received_on": timezone.localdate() - dt.timedelta(days=3),
            "kind": "regular",
            "official_name": "Lê Văn Tiếp",
            "citizen_name": "Nguyễn Thị Mai",
            "citizen_count": citizens,
            "content": "Kiến nghị về việc cấp giấy chứng nhận quyền sử dụng đất.",
            "classification": "petition",
            "outcome": "guided",
        },
    )
    move(Reception, reception, received_on=on)
    return reception


def test_reception_sources_count_sessions_and_citizens():
    tree, other = f.report_tree(), f.report_tree("Tỉnh Khác")
    _reception(tree.commune_a, D(2025, 1, 1), 1)
    _reception(tree.commune_a, D(2025, 2, 1), 5)
    _reception(tree.cell_a, D(2025, 6, 30), 2)
    _reception(tree.commune_b, D(2025, 7, 1), 3)  # after the window
    _reception(tree.province, D(2025, 4, 1), 1)
    _reception(other.province, D(2025, 4, 1), 7)
    units = units_of(tree)
    assert counts("petitions.receptions", units) == by_pk(
        tree, province=4, department=0, commune_a=3, commune_b=0, cell_a=1
    )
    assert counts("petitions.citizens_received", units) == by_pk(
        tree, province=9, department=0, commune_a=8, commune_b=0, cell_a=2
    )


# --------------------------------------------------------------------------- dialogues


def _answered(request, on) -> None:
    move(DialogueRequest, request, status="answered", answered_on=on)


def test_dialogue_sources_count_dialogues_and_the_share_of_requests_answered():
    tree, other = f.report_tree(), f.report_tree("Tỉnh Khác")
    d1 = make_dialogue(tree.commune_a, held_on=D(2025, 2, 1))
    _answered(make_request(d1), D(2025, 3, 1))
    _answered(make_request(d1), D(2025, 8, 1))  # answered after the window: not yet
    make_request(d1)  # still open
    d2 = make_dialogue(tree.cell_a, held_on=D(2025, 5, 1))
    _answered(make_request(d2), D(2025, 5, 10))
    d3 = make_dialogue(tree.commune_b, held_on=D(2024, 12, 1))  # before the window
    _answered(make_request(d3), D(2025, 1, 10))
    make_dialogue(tree.province, held_on=D(2025, 6, 30))
    d5 = make_dialogue(other.commune_a, held_on=D(2025, 3, 1))
    _answered(make_request(d5), D(2025, 3, 5))

    units = units_of(tree)
    assert counts("dialogues.held", units) == by_pk(
        tree, province=3, department=0, commune_a=2, commune_b=0, cell_a=1
    )
    assert rates("dialogues.answered", units) == by_pk(
        tree,
        province=n(2, 4),
        department=n(0, 0),
        commune_a=n(2, 4),
        commune_b=n(0, 0),
        cell_a=n(1, 1),
    )


# ------------------------------------------------------------------------- initiatives


def _local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=timezone.get_current_timezone())


def test_initiative_sources_count_registrations_recognitions_and_replications():
    tree, other = f.report_tree(), f.report_tree("Tỉnh Khác")
    campaign = make_campaign(tree.province)
    i1 = make_initiative(campaign, tree.commune_a, status=Status.REGISTERED)
    move(Initiative, i1, registered_at=_local(2025, 3, 1, 10))
    make_initiative(campaign, tree.commune_a, name="Bản nháp")  # a draft never counts
    i3 = make_initiative(campaign, tree.commune_b, status=Status.RETURNED, name="Trả lại")
    move(Initiative, i3, registered_at=_local(2025, 3, 2, 10))  # sent back: not registered
    i4 = make_initiative(campaign, tree.commune_b, status=Status.RECOGNISED, name="Công nhận")
    move(Initiative, i4, registered_at=_local(2025, 2, 1, 10))
    Recognition.objects.filter(initiative=i4).update(decision_date=D(2025, 4, 1))
    # recognised again at the second level in the window: still one initiative
    Recognition.objects.create(
        initiative=i4,
        level=campaign.levels.get(rank=2),
        decision_number="20/QĐ-UBND",
        decision_date=D(2025, 5, 1),
    )
    i5 = make_initiative(campaign, tree.department, status=Status.REGISTERED, name="Sở")
    move(Initiative, i5, registered_at=_local(2024, 12, 31, 23, 30), replicated_from=i4)
    i6 = make_initiative(campaign, tree.commune_a, status=Status.REGISTERED, name="Nhân rộng")
    move(Initiative, i6, registered_at=_local(2025, 6, 30, 23, 59), replicated_from=i4)
    elsewhere = make_initiative(
        make_campaign(other.province), other.commune_a, status=Status.RECOGNISED
    )
    move(Initiative, elsewhere, registered_at=_local(2025, 3, 1, 10), replicated_from=i4)
    Recognition.objects.filter(initiative=elsewhere).update(decision_date=D(2025, 4, 1))

    units = units_of(tree)
    assert counts("initiatives.registered", units) == by_pk(
        tree, province=3, department=0, commune_a=2, commune_b=1, cell_a=0
    )
    assert counts("initiatives.recognised", units) == by_pk(
        tree, province=1, department=0, commune_a=0, commune_b=1, cell_a=0
    )
    assert counts("initiatives.replicated", units) == by_pk(
        tree, province=1, department=0, commune_a=1, commune_b=0, cell_a=0
    )
    # a recognition decided after the window does not count in it
    Recognition.objects.filter(initiative=i4).update(decision_date=D(2025, 7, 1))
    assert counts("initiatives.recognised", [tree.province]) == {tree.province.pk: 0}


# ------------------------------------------------------------------------------ plans


def test_activity_sources_count_activities_participants_and_trainings():
    tree, other = f.report_tree(), f.report_tree("Tỉnh Khác")
    make_activity(tree.commune_a, held_on=D(2025, 2, 1), participant_count=20)
    make_activity(tree.commune_a, code="training", held_on=D(2025, 3, 1), participant_count=30)
    make_activity(tree.cell_a, held_on=D(2025, 4, 1), participant_count=10)
    make_activity(tree.commune_b, code="training", held_on=D(2024, 12, 31), participant_count=50)
    make_activity(tree.province, code="training", held_on=D(2025, 6, 30), participant_count=40)
    make_activity(other.commune_a, code="training", held_on=D(2025, 3, 1), participant_count=9)

    units = units_of(tree)
    assert counts("plans.activities", units) == by_pk(
        tree, province=4, department=0, commune_a=3, commune_b=0, cell_a=1
    )
    assert counts("plans.activity_participants", units) == by_pk(
        tree, province=100, department=0, commune_a=60, commune_b=0, cell_a=10
    )
    assert counts("plans.trainings", units) == by_pk(
        tree, province=2, department=0, commune_a=1, commune_b=0, cell_a=0
    )


def _issued(unit, *tasks, **plan_fields) -> tuple[Plan, list[Task]]:
    """An issued plan of ``unit`` with tasks ``(lead, fields)``; the plan dated 01/01/2025."""
    plan = make_plan(unit, **plan_fields)
    made = [make_task(plan, lead=lead, **fields) for lead, fields in tasks]
    plan = plan_services.issue_plan(actor=plan_officer(unit), plan=plan)
    move(Plan, plan, issued_on=D(2025, 1, 1))
    return plan, made


def _once(task, due, *, status="not_started", completed_on=None) -> None:
    move(Task, task, due_on=due, current_due=due, status=status, completed_on=completed_on)


def _period_done(task, period_due, reported_on) -> None:
    ProgressUpdate.objects.create(
        task=task,
        reported_on=reported_on,
        progress=100,
        status="in_progress",
        text="Hoàn thành kỳ.",
        period_due=period_due,
    )


def test_task_sources_count_deadlines_met_and_tasks_overdue():
    tree, other = f.report_tree(), f.report_tree("Tỉnh Khác")
    plan, (t1, t2, t3, t4, t5, t6, t7, t8, t9) = _issued(
        tree.province,
        (tree.commune_a, {}),
        (tree.commune_a, {}),
        (tree.cell_a, {}),
        (tree.commune_b, {}),
        (tree.commune_b, {}),
        (None, {"lead_kinds": "commune"}),
        (tree.commune_b, {"recurrence": "monthly", "recur_day": 15}),
        (tree.province, {}),
        (tree.department, {}),
    )
    _once(t1, D(2025, 3, 1), status="done", completed_on=D(2025, 2, 28))  # on time
    _once(t2, D(2025, 4, 1), status="done", completed_on=D(2025, 4, 5))  # late
    _once(t3, D(2025, 5, 1), status="in_progress")  # due, open, overdue
    _once(t4, D(2025, 8, 1))  # due after the window: neither due nor overdue
    _once(t5, D(2025, 3, 1), status="cancelled")  # cancelled: never counts
    _once(t6, D(2025, 3, 1))  # each commune leads it: counts through the copies only
    _once(t8, D(2025, 6, 30))  # due on the last day: due, not yet overdue at the end
    _once(t9, D(2025, 2, 1))  # the department copied it into its own plan, below
    # monthly on the 15th: six deadlines in the window; January met, February late
    move(Task, t7, status="in_progress", current_due=D(2025, 3, 15))
    _period_done(t7, D(2025, 1, 15), D(2025, 1, 10))
    _period_done(t7, D(2025, 2, 15), D(2025, 2, 20))
    _period_done(t7, D(2025, 7, 15), D(2025, 7, 10))
    # the department's own plan implements the province's: its copy of t9 counts, once
    _, (copy,) = _issued(tree.department, (tree.department, {}), parent=plan)
    move(Task, copy, parent_task=t9)
    _once(copy, D(2025, 2, 1), status="done", completed_on=D(2025, 1, 30))
    # a draft plan counts for nothing; another province's task neither
    draft = make_plan(tree.commune_a)
    _once(make_task(draft, lead=tree.commune_a), D(2025, 3, 1))
    _, (elsewhere,) = _issued(other.province, (other.commune_a, {}))
    _once(elsewhere, D(2025, 3, 1), status="done", completed_on=D(2025, 3, 1))

    units = units_of(tree)
    assert rates("plans.tasks_done_on_time", units) == by_pk(
        tree,
        # once: t1 ✓ t2 ✗ t3 ✗ t8 ✗ copy ✓; monthly: 1 of 6
        province=n(3, 11),
        department=n(1, 1),
        commune_a=n(1, 3),
        commune_b=n(1, 6),
        cell_a=n(0, 1),
    )
    assert counts("plans.tasks_overdue", units) == by_pk(
        tree, province=2, department=0, commune_a=1, commune_b=1, cell_a=1
    )
    # while the copy's plan is a draft, the original counts instead
    move(Plan, copy.plan, status="draft")
    assert rates("plans.tasks_done_on_time", [tree.department]) == {tree.department.pk: n(0, 1)}


def test_recurring_deadlines_start_with_the_plan_and_stop_at_recur_until():
    tree = f.report_tree()
    plan, (task,) = _issued(
        tree.province,
        (tree.commune_a, {"recurrence": "quarterly", "recur_day": 10, "recur_month": 1}),
    )
    move(Plan, plan, issued_on=D(2025, 2, 1))  # the 10/01 deadline falls before the plan
    move(Task, task, recur_until=D(2025, 5, 31), status="in_progress")
    _period_done(task, D(2025, 4, 10), D(2025, 4, 10))
    # deadlines 10/01, 10/04, 10/07, …: only 10/04 falls between the plan and recur_until
    assert rates("plans.tasks_done_on_time", [tree.commune_a]) == {tree.commune_a.pk: n(1, 1)}


# --------------------------------------------------------------------- constant queries

KEYS = [
    "initiatives.registered",
    "initiatives.recognised",
    "initiatives.replicated",
    "plans.activities",
    "plans.activity_participants",
    "plans.trainings",
    "plans.tasks_done_on_time",
    "plans.tasks_overdue",
    "petitions.received",
    "petitions.resolved",
    "petitions.resolved_on_time",
    "petitions.receptions",
    "petitions.citizens_received",
    "dialogues.held",
    "dialogues.answered",
]


@pytest.mark.parametrize("key", KEYS)
def test_sources_use_the_same_queries_for_2_or_20_units(key, django_assert_max_num_queries):
    tree = f.report_tree()
    communes = [tree.commune_a, tree.commune_b] + [
        make_child(tree.province, name=f"Xã Số {i}") for i in range(18)
    ]
    # some records everywhere, a recurring task among them
    for commune in communes[:4]:
        make_activity(commune, held_on=D(2025, 2, 1))
        _letter(commune, D(2025, 2, 1))
        make_dialogue(commune, held_on=D(2025, 2, 1))
    _, (task,) = _issued(tree.province, (communes[3], {"recurrence": "monthly", "recur_day": 1}))
    move(Task, task, status="in_progress", current_due=D(2025, 2, 1))
    _period_done(task, D(2025, 1, 1), D(2025, 1, 1))

    compute = sources.get(key).compute
    with CaptureQueriesContext(connection) as few:
        small = compute([tree.province, communes[0]], START, END)
    # one query per depth, one for merged units, plus two for recurring deadlines
    assert len(few) <= 5
    with django_assert_max_num_queries(len(few)):
        large = compute([tree.province, *communes], START, END)
    assert set(large) == {tree.province.pk, *(c.pk for c in communes)}
    assert large[tree.province.pk] == small[tree.province.pk]


# ------------------------------------------------------------------------ end to end


def _value(period, unit, code) -> ReportValue:
    report = f.report_of(period, unit)
    return ReportValue.objects.get(
        report=report, revision=report.revision, indicator=f.indicator(code)
    )


def test_reports_prefill_own_figures_and_roll_back_up_to_the_subtree():
    tree = f.report_tree()
    resolved = {"status": "resolved"}
    _letter(
        tree.commune_a,
        D(2026, 3, 1),
        closed_on=D(2026, 3, 5),
        resolution_due=D(2026, 3, 9),
        **resolved,
    )
    _letter(tree.commune_a, D(2026, 3, 2))
    _letter(tree.cell_a, D(2026, 3, 3))  # a party cell does not report: its commune counts it
    _letter(tree.commune_b, D(2026, 4, 1))
    _letter(tree.department, D(2026, 5, 1))
    _letter(
        tree.province,
        D(2026, 6, 1),
        closed_on=D(2026, 6, 20),
        resolution_due=D(2026, 6, 10),
        **resolved,
    )
    _letter(tree.province, D(2026, 6, 2))
    _letter(tree.province, D(2025, 10, 31))  # the day before the period
    make_activity(tree.commune_b, held_on=D(2026, 2, 1), participant_count=25)
    make_activity(tree.province, held_on=D(2026, 2, 2), participant_count=15)

    period = f.open_period(tree)  # 01/11/2025 – 31/10/2026
    assert (period.start_date, period.end_date) == (D(2025, 11, 1), D(2026, 10, 31))
    own = {
        unit: _value(period, getattr(tree, unit), "letters_received").value
        for unit in ("province", "department", "commune_a", "commune_b")
    }
    # each report holds its own figure: the province's excludes its communes' and department's
    assert own == {"province": 2, "department": 1, "commune_a": 3, "commune_b": 1}
    on_time = _value(period, tree.province, "letters_resolved_on_time")
    assert (on_time.numerator, on_time.denominator) == (0, 1)
    # commune B resolved nothing: its rate is missing, not 0/0 (which no one could save back)
    nothing = _value(period, tree.commune_b, "letters_resolved_on_time")
    assert (nothing.value, nothing.numerator, nothing.denominator) == (None, None, None)
    assert _value(period, tree.commune_b, "activity_participants").value == 25
    assert _value(period, tree.province, "activity_participants").value == 15

    for unit in (tree.commune_a, tree.commune_b, tree.department, tree.province):
        report = f.report_of(period, unit)
        f.submit(report)
        f.accept(f.report_of(period, unit))
    rollup = period_rollup(period, tree.province)
    top = rollup.root_id
    subtree = sources.get("petitions.received").compute(
        [tree.province], period.start_date, period.end_date
    )[tree.province.pk]
    received = rollup.figure(top, f.indicator("letters_received").pk)
    assert received.value == subtree.value == 7
    rate = rollup.figure(top, f.indicator("letters_resolved_on_time").pk)
    assert (rate.numerator, rate.denominator, rate.value) == (1, 2, Decimal(50))
    participants = rollup.figure(top, f.indicator("activity_participants").pk)
    assert participants.value == 40


def test_a_successor_counts_the_records_of_the_units_it_absorbed():
    """Letters of a commune merged on 1/7/2025 count for the commune that replaced it, once."""
    from danvan.orgs.models import UnitSuccession

    tree = f.report_tree()
    legacy_root = make_root(name="Tỉnh Cũ", code="L9", valid_from=None, valid_to=D(2025, 6, 30))
    legacy_commune = make_child(legacy_root, name="Xã Cũ", valid_to=D(2025, 6, 30))
    UnitSuccession.objects.create(
        predecessor=legacy_root, successor=tree.province, date=D(2025, 7, 1)
    )
    UnitSuccession.objects.create(
        predecessor=legacy_commune, successor=tree.commune_a, date=D(2025, 7, 1)
    )
    _letter(legacy_commune, D(2025, 2, 1))
    _letter(tree.commune_a, D(2025, 2, 1))
    figures = sources.get("petitions.received").compute(
        [tree.province, tree.commune_a, tree.commune_b], START, END
    )
    assert figures[tree.commune_a.pk].value == 2
    assert figures[tree.province.pk].value == 2  # the legacy letter once, not twice
    assert figures[tree.commune_b.pk].value == 0
