"""The plans card of the home page: the working unit's task figures and running coverage."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from danvan.plans import services
from danvan.plans.dashboard import URGENT_SHOWN, plans_dashboard
from danvan.plans.models import TaskStatus
from danvan.plans.tests.factories import (
    activity_type,
    days_ago,
    days_ahead,
    issued_plan_with_task,
    make_activity,
    make_plan,
    make_task,
    officer,
    small_tree,
    today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def t():
    return small_tree()


def requirement(t, *, unit=None, kind="party", starts_on=None, ends_on=None, plan=None, title=""):
    unit = unit or t.province
    return services.save_requirement(
        actor=officer(unit),
        unit=unit,
        plan=plan,
        data={
            "title": title or f"100% {kind} sinh hoạt chuyên đề",
            "unit_kind": kind,
            "activity_type": activity_type(),
            "starts_on": starts_on or days_ago(20),
            "ends_on": ends_on or days_ahead(10),
        },
    )


def a_task_list(t):
    """Tasks for commune A in every situation the card tells apart."""
    me = officer(t.commune_a)
    plan = make_plan(t.province)
    tasks = {
        "overdue": make_task(plan, lead=t.commune_a, due_on=days_ago(3)),
        "soon": make_task(plan, lead=t.commune_a, due_on=days_ahead(2), assignee=me),
        "later": make_task(plan, lead=t.commune_a, due_on=days_ahead(20)),
        "latest": make_task(plan, lead=t.commune_a, due_on=days_ahead(25)),
        "coordinating": make_task(
            plan, lead=t.commune_b, coordinators=(t.commune_a,), due_on=days_ahead(4)
        ),
        "each": make_task(plan, lead=None, lead_kinds="commune", due_on=days_ahead(10)),
        "done": make_task(plan, lead=t.commune_a, due_on=days_ago(1), assignee=me),
        "cancelled": make_task(plan, lead=t.commune_a, due_on=days_ago(2)),
    }
    services.issue_plan(actor=officer(t.province), plan=plan)
    services.record_progress(
        actor=me,
        task=tasks["done"],
        data={"status": TaskStatus.DONE, "progress": 100, "text": "Xong"},
    )
    services.cancel_task(actor=officer(t.province), task=tasks["cancelled"], reason="Thôi")
    draft = make_plan(t.province)
    make_task(draft, lead=t.commune_a, due_on=days_ago(1), assignee=me)
    return tasks


def test_the_task_figures_of_the_working_unit(t):
    tasks = a_task_list(t)
    board = plans_dashboard(t.commune_a, officer(t.commune_a), today())

    assert (board.open, board.overdue, board.due_soon, board.mine) == (6, 1, 2, 1)
    assert [row.task for row in board.urgent] == [
        tasks["overdue"],
        tasks["soon"],
        tasks["coordinating"],
        tasks["each"],
        tasks["later"],
    ]
    assert len(board.urgent) == URGENT_SHOWN
    assert [row.role for row in board.urgent] == ["lead", "lead", "coordinating", "each", "lead"]
    assert [row.due["state"] for row in board.urgent] == [
        "overdue",
        "due_soon",
        "due_soon",
        "later",
        "later",
    ]
    assert board.urgent[0].due["days"] == 3
    assert board.urgent[0].overdue


def test_another_commune_sees_only_its_own_tasks(t):
    tasks = a_task_list(t)
    board = plans_dashboard(t.commune_b, officer(t.commune_b), today())
    assert (board.open, board.overdue, board.due_soon, board.mine) == (2, 0, 1, 0)
    assert {row.task for row in board.urgent} == {tasks["coordinating"], tasks["each"]}


def test_coverage_running_now_is_shown_for_the_units_own_part(t):
    party = requirement(t, kind="party", title="Chi bộ")
    communes = requirement(t, kind="commune", ends_on=days_ahead(5), title="Xã")
    make_activity(t.cell_a, held_on=days_ago(2))
    # Not shown: not started, ended, of a draft plan, set by another commune, none required.
    requirement(t, starts_on=days_ahead(1), ends_on=days_ahead(9))
    requirement(t, starts_on=days_ago(20), ends_on=days_ago(1))
    requirement(t, plan=make_plan(t.province))
    b_own = requirement(t, unit=t.commune_b)
    department = requirement(t, kind="department", title="Sở")

    board = plans_dashboard(t.commune_a, officer(t.commune_a), today())
    rows = {row.requirement: row for row in board.requirements}
    assert list(rows) == [communes, party]  # the one closing first comes first
    assert (rows[party].tally.units, rows[party].tally.met, rows[party].tally.pct) == (1, 1, 100)
    assert rows[party].own_met is None  # a commune is not a party cell
    # A cell's activity counts for its commune (met at the unit or below it).
    assert (rows[communes].tally.units, rows[communes].tally.met) == (1, 1)
    assert rows[communes].own_met is True
    assert rows[communes].days_left == 5

    board_b = plans_dashboard(t.commune_b, officer(t.commune_b), today())
    rows_b = {row.requirement: row for row in board_b.requirements}
    assert set(rows_b) == {party, communes, b_own}
    assert rows_b[party].tally.pct == 0
    assert rows_b[communes].own_met is False

    board_province = plans_dashboard(t.province, officer(t.province), today())
    rows_p = {row.requirement: row for row in board_province.requirements}
    assert set(rows_p) == {party, communes, department}
    assert (rows_p[party].tally.met, rows_p[party].tally.units, rows_p[party].tally.pct) == (
        1,
        2,
        50,
    )


@pytest.mark.parametrize("n", [2, 12])
def test_the_card_uses_a_fixed_number_of_queries(t, n, django_assert_max_num_queries):
    plan = make_plan(t.province)
    for i in range(n):
        make_task(plan, lead=t.commune_a, due_on=days_ahead(i))
    services.issue_plan(actor=officer(t.province), plan=plan)
    for kind in ("party", "commune", "department") * (n // 2):
        requirement(t, kind=kind)
    user = officer(t.commune_a)
    # Counts, mine, urgent, requirements, required units, then one per shown requirement.
    with django_assert_max_num_queries(5 + 5):
        board = plans_dashboard(t.commune_a, user, today())
    assert board.open == n
    assert len(board.requirements) == min(5, 2 * (n // 2))


def test_the_card_links_to_the_inbox_the_tasks_and_the_requirements(t):
    tasks = a_task_list(t)
    running = requirement(t, kind="party")
    board = plans_dashboard(t.commune_a, officer(t.commune_a), today())
    html = render_to_string("plans/partials/home_card.html", {"plans_card": board})
    assert 'data-testid="plans-card"' in html
    assert f"{reverse('plans:inbox')}?unit={t.commune_a.pk}&amp;status=overdue" in html
    assert tasks["overdue"].get_absolute_url() in html
    assert tasks["done"].get_absolute_url() not in html
    assert running.get_absolute_url() in html
    assert f'data-requirement="{running.pk}" data-pct="0.0"' in html  # not "0,0" in Vietnamese
    assert f"{days_ago(3):%d/%m/%Y}" in html
    assert html.count('data-testid="urgent-task"') == URGENT_SHOWN


def test_an_idle_unit_gets_an_empty_card(t):
    issued_plan_with_task(t.province, t.commune_b)
    board = plans_dashboard(t.commune_a, officer(t.commune_a), today())
    assert (board.open, board.overdue, board.due_soon, board.mine) == (0, 0, 0, 0)
    assert board.urgent == board.requirements == []
    html = render_to_string("plans/partials/home_card.html", {"plans_card": board})
    assert 'data-testid="plans-urgent"' not in html
