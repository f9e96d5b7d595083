"""Each unit's inbox: what it leads, coordinates or does as one of every unit of its kind."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from danvan.orgs.models import Role
from danvan.orgs.tests.factories import UserFactory
from danvan.plans import services
from danvan.plans.models import TaskStatus
from danvan.plans.tests.factories import (
    days_ago,
    days_ahead,
    issued_plan_with_task,
    make_plan,
    make_task,
    member,
    officer,
    small_tree,
    today,
)

pytestmark = pytest.mark.django_db

URL = reverse("plans:inbox")


def _rows(response) -> list[int]:
    return [row["task"].pk for row in response.context["page"].object_list]


def _roles(response) -> dict[int, str]:
    return {row["task"].pk: row["role"] for row in response.context["page"].object_list}


def _commune_a_inbox():
    """Commune A leads two tasks (one overdue), coordinates one, and every commune does one."""
    t = small_tree()
    plan = make_plan(t.province, issued_on=days_ago(30))
    later = make_task(plan, lead=t.commune_a, due_on=days_ahead(20), title="Hội nghị đối thoại")
    overdue = make_task(plan, lead=t.commune_a, due_on=days_ago(3), title="Báo cáo sơ kết")
    soon = make_task(
        plan, lead=t.department, coordinators=(t.commune_a,), due_on=days_ahead(2), title="Tập huấn"
    )
    each = make_task(
        plan,
        lead=None,
        lead_kinds="commune",
        lead_label="UBND các xã",
        due_on=None,
        recurrence="yearly",
        recur_day=days_ahead(20).day,
        recur_month=days_ahead(20).month,
        title="Báo cáo năm",
    )
    not_mine = make_task(plan, lead=t.commune_b, due_on=days_ago(5), title="Việc của xã khác")
    draft = make_plan(t.province)
    make_task(draft, lead=t.commune_a, title="Chưa ban hành")
    services.issue_plan(actor=officer(t.province), plan=plan)
    return t, {"later": later, "overdue": overdue, "soon": soon, "each": each, "other": not_mine}


def test_overdue_first_then_by_deadline_with_the_counts_and_roles(client):
    t, tasks = _commune_a_inbox()
    client.force_login(officer(t.commune_a))
    response = client.get(URL)
    assert response.status_code == 200
    rows = _rows(response)
    assert rows[0] == tasks["overdue"].pk
    assert set(rows) == {tasks[k].pk for k in ("later", "overdue", "soon", "each")}
    dues = [row["task"].current_due for row in response.context["page"].object_list[1:]]
    assert dues == sorted(dues)
    assert response.context["counts"] == {"open": 4, "overdue": 1, "due_soon": 1}
    assert _roles(response) == {
        tasks["later"].pk: "lead",
        tasks["overdue"].pk: "lead",
        tasks["soon"].pk: "coordinating",
        tasks["each"].pk: "each",
    }
    html = response.content.decode()
    assert 'data-testid="count-overdue">1<' in html
    assert "Chưa ban hành" not in html  # a draft plan's task is in nobody's inbox yet


def test_a_done_task_leaves_the_open_list_and_shows_under_done(client):
    t, tasks = _commune_a_inbox()
    services.record_progress(
        actor=officer(t.commune_a),
        task=tasks["overdue"],
        data={"progress": 100, "status": TaskStatus.DONE, "text": "Đã gửi"},
    )
    client.force_login(officer(t.commune_a))
    response = client.get(URL)
    assert tasks["overdue"].pk not in _rows(response)
    assert response.context["counts"]["overdue"] == 0
    done = client.get(URL, {"status": "done"})
    assert _rows(done) == [tasks["overdue"].pk]
    everything = client.get(URL, {"status": "all"})
    assert _rows(everything)[-1] == tasks["overdue"].pk  # closed tasks after the open ones


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"role": "lead"}, {"later", "overdue"}),
        ({"role": "coordinating"}, {"soon"}),
        ({"role": "each"}, {"each"}),
        ({"status": "overdue"}, {"overdue"}),
        ({"status": "due_soon"}, {"soon"}),
        ({"recurrence": "yearly"}, {"each"}),
        ({"recurrence": "once"}, {"later", "overdue", "soon"}),
        ({"recurrence": "recurring"}, {"each"}),
        ({"q": "hoi nghi doi thoai"}, {"later"}),
    ],
)
def test_filters(client, params, expected):
    t, tasks = _commune_a_inbox()
    client.force_login(officer(t.commune_a))
    response = client.get(URL, params)
    assert set(_rows(response)) == {tasks[k].pk for k in expected}


def test_every_commune_sees_the_task_each_commune_leads(client):
    t, tasks = _commune_a_inbox()
    client.force_login(officer(t.commune_b))
    response = client.get(URL)
    assert _roles(response) == {tasks["each"].pk: "each", tasks["other"].pk: "lead"}
    client.force_login(officer(t.department))
    assert tasks["each"].pk not in _rows(client.get(URL))


def test_the_unit_switcher_is_limited_to_units_the_user_sees(client):
    t, tasks = _commune_a_inbox()
    client.force_login(officer(t.commune_a))
    assert client.get(URL, {"unit": t.commune_b.pk}).status_code == 404
    assert client.get(URL, {"unit": "abc"}).status_code == 404
    assert client.get(reverse("plans:inbox_xlsx"), {"unit": t.commune_b.pk}).status_code == 404
    client.force_login(officer(t.province))
    own = client.get(URL)
    assert own.context["unit"] == t.province
    assert _rows(own) == []
    response = client.get(URL, {"unit": t.commune_a.pk})
    assert response.context["unit"] == t.commune_a
    assert tasks["overdue"].pk in _rows(response)
    options = [u for _label, units in response.context["units"] for u in units]
    assert t.commune_a in options and t.commune_b in options


def test_the_working_unit_is_the_default(client):
    t, tasks = _commune_a_inbox()
    user = officer(t.commune_a)
    from danvan.orgs.models import Membership

    Membership.objects.create(user=user, unit=t.commune_b, role=Role.OFFICER)
    client.force_login(user)
    client.post(reverse("orgs:switch_unit"), {"unit": t.commune_b.pk, "next": URL})
    response = client.get(URL)
    assert response.context["unit"] == t.commune_b
    assert tasks["other"].pk in _rows(response)


def test_a_user_without_a_unit_sees_an_explanation(client):
    client.force_login(UserFactory(username="no-unit"))
    response = client.get(URL)
    assert response.status_code == 200
    assert 'data-testid="no-unit"' in response.content.decode()


def test_the_live_filter_returns_the_results_alone(client):
    t, tasks = _commune_a_inbox()
    client.force_login(officer(t.commune_a))
    response = client.get(URL, {"role": "coordinating"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert f'data-testid="inbox-row" data-pk="{tasks["soon"].pk}"' in html
    assert html.count('data-testid="inbox-row"') == 1


def test_the_inbox_links_the_units_own_implementing_task(client):
    t = small_tree()
    plan, task = issued_plan_with_task(t.province, t.commune_a)
    child = services.cascade(actor=officer(t.commune_a), parent=plan, unit=t.commune_a)
    client.force_login(officer(t.commune_a))
    response = client.get(URL)
    row = next(r for r in response.context["page"].object_list if r["task"].pk == task.pk)
    assert row["mine"] == child.tasks.get()


def test_the_query_count_is_the_same_for_2_and_20_tasks(client, django_assert_max_num_queries):
    t = small_tree()
    user = officer(t.commune_a)
    client.force_login(user)

    def add(n):
        for i in range(n):
            plan = make_plan(t.province, issued_on=days_ago(30))
            make_task(plan, lead=t.commune_a, coordinators=(t.department,), due_on=days_ago(i % 5))
            make_task(plan, lead=None, lead_kinds="commune", due_on=days_ahead(i))
            services.issue_plan(actor=officer(t.province), plan=plan)

    add(1)
    client.get(URL)
    with django_assert_max_num_queries(30) as few:
        response = client.get(URL)
    assert response.context["page"].paginator.count == 2
    add(9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.context["page"].paginator.count == 20


def test_the_excel_export_is_the_filtered_list(client):
    t, tasks = _commune_a_inbox()
    client.cookies["django_language"] = "en"
    client.force_login(officer(t.commune_a))
    response = client.get(reverse("plans:inbox_xlsx"), {"role": "lead"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == f"Tasks of {t.commune_a.name} on {today():%d/%m/%Y}"
    headers, body = rows[2], rows[3:]
    assert headers[:3] == ["Plan", "No.", "Task"]
    assert headers[-3:] == ["Role", "Issued by", "Assigned to"]
    assert [r[2] for r in body] == ["Báo cáo sơ kết", "Hội nghị đối thoại"]
    assert body[0][0] == tasks["overdue"].plan.reference
    assert [r[-3] for r in body] == ["Lead", "Lead"]
    assert body[0][headers.index("Overdue")] == "Yes"


def test_an_observer_reads_the_inbox_of_its_unit(client):
    t, tasks = _commune_a_inbox()
    client.force_login(member(t.commune_a, Role.OBSERVER))
    response = client.get(URL)
    assert tasks["overdue"].pk in _rows(response)
