"""The plan page: chain, children, tasks with roll-up, issuing, closing, cascade, Excel."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from danvan.orgs.models import Role
from danvan.plans import selectors, services
from danvan.plans.models import Plan, PlanStatus, Task, TaskStatus
from danvan.plans.tests.factories import (
    activity_type,
    days_ago,
    days_ahead,
    make_activity,
    make_plan,
    make_task,
    member,
    officer,
    small_tree,
    today,
)

pytestmark = pytest.mark.django_db


def _url(name: str, plan: Plan) -> str:
    return reverse(f"plans:{name}", args=[plan.pk])


def _issue(plan: Plan, number: str = "7") -> Plan:
    """Give a cascaded draft its number, signer and date, then issue it."""
    actor = officer(plan.unit)
    plan = services.update_plan(
        actor=actor,
        plan=plan,
        data={"number": number, "signer_name": "Lê Thị C", "issued_on": today()},
        parent=plan.parent,
    )
    return services.issue_plan(actor=actor, plan=plan)


def _chain_items(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-testid="chain-item" data-kind="(\w+)" data-id="(\d+)"', html)


def _directive(unit):
    return services.save_document(
        actor=officer(unit),
        unit=unit,
        data={
            "number": "33/CT-TTg",
            "doc_type": "directive",
            "issuer": "Thủ tướng Chính phủ",
            "issued_on": dt.date(2021, 11, 26),
            "title": "tiếp tục tăng cường và đổi mới công tác dân vận",
        },
    )


def test_the_chain_of_a_party_cell_plan_starts_at_the_directive(client):
    t = small_tree()
    directive = _directive(t.province)
    province_plan = make_plan(t.province)
    services.add_basis(actor=officer(t.province), plan=province_plan, document=directive)
    make_task(province_plan, lead=t.commune_a, title="Tổ chức hội nghị lắng nghe ý kiến")
    province_plan = services.issue_plan(actor=officer(t.province), plan=province_plan)
    commune_plan = _issue(
        services.cascade(actor=officer(t.commune_a), parent=province_plan, unit=t.commune_a)
    )
    cell_plan = services.cascade(actor=officer(t.cell_a), parent=commune_plan, unit=t.cell_a)

    client.force_login(officer(t.cell_a))
    response = client.get(_url("plan_detail", cell_plan))

    assert response.status_code == 200
    assert _chain_items(response.content.decode()) == [
        ("document", str(directive.pk)),
        ("plan", str(province_plan.pk)),
        ("plan", str(commune_plan.pk)),
        ("self", str(cell_plan.pk)),
    ]
    assert "33/CT-TTg" in response.content.decode()
    # The commune's plan lists the cell's draft to the commune, which writes for the cell.
    client.force_login(officer(t.commune_a))
    page = client.get(_url("plan_detail", commune_plan)).content.decode()
    assert f'data-testid="child" data-plan="{cell_plan.pk}"' in page


def test_a_commune_officer_cannot_reach_another_communes_plan(client):
    t = small_tree()
    plan = make_plan(t.commune_b, issued=True)
    draft = make_plan(t.commune_b)
    client.force_login(officer(t.commune_a))
    for target in (plan, draft):
        for name in ("plan_detail", "plan_word", "plan_tasks_xlsx", "plan_cascade"):
            assert client.get(_url(name, target)).status_code == 404, name
    assert client.post(_url("plan_issue", draft)).status_code == 404
    assert client.post(_url("plan_close", plan)).status_code == 404
    draft.refresh_from_db()
    plan.refresh_from_db()
    assert (draft.status, plan.status) == (PlanStatus.DRAFT, PlanStatus.ISSUED)
    client.force_login(officer(t.commune_b))
    for name in ("plan_detail", "plan_word", "plan_tasks_xlsx"):
        assert client.get(_url(name, plan)).status_code == 200, name


def test_children_are_limited_to_the_plans_the_user_may_see(client):
    t = small_tree()
    plan = make_plan(t.province, issued=True)
    mine = _issue(services.cascade(actor=officer(t.commune_a), parent=plan, unit=t.commune_a))
    theirs = _issue(
        services.cascade(actor=officer(t.commune_b), parent=plan, unit=t.commune_b), "8"
    )
    client.force_login(officer(t.commune_a))
    page = client.get(_url("plan_detail", plan)).content.decode()
    assert f'data-plan="{mine.pk}"' in page
    assert f'data-plan="{theirs.pk}"' not in page
    client.force_login(officer(t.province))
    page = client.get(_url("plan_detail", plan)).content.decode()
    assert f'data-plan="{mine.pk}"' in page and f'data-plan="{theirs.pk}"' in page


def test_an_issued_plan_has_no_edit_button_and_cannot_be_edited(client):
    t = small_tree()
    user = officer(t.province)
    draft = make_plan(t.province)
    issued = make_plan(t.province, issued=True)
    client.force_login(user)
    draft_page = client.get(_url("plan_detail", draft)).content.decode()
    assert 'data-testid="edit-plan"' in draft_page
    assert 'data-testid="issue-checklist"' in draft_page
    page = client.get(_url("plan_detail", issued)).content.decode()
    assert 'data-testid="edit-plan"' not in page
    assert 'data-testid="issue-checklist"' not in page
    assert reverse("plans:task_new", args=[issued.pk]) not in page
    with pytest.raises(PermissionDenied):
        services.update_plan(actor=user, plan=issued, data={"title": "Đổi"}, parent=None)
    client.post(_url("plan_edit", issued), {"title": "Đổi tên", "symbol": "KH-UBND"})
    issued.refresh_from_db()
    assert issued.title != "Đổi tên"


def test_issuing_without_a_number_shows_what_is_missing_and_keeps_the_draft(client):
    t = small_tree()
    plan = make_plan(t.province, number="")
    make_task(plan, lead=t.commune_a)
    client.cookies["django_language"] = "en"
    client.force_login(officer(t.province))

    page = client.get(_url("plan_detail", plan)).content.decode()
    assert 'data-field="number" data-ok="0"' in page
    assert 'data-field="signer_name" data-ok="1"' in page
    assert "Give the registry number before issuing." in page

    response = client.post(_url("plan_issue", plan), follow=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert "The plan cannot be issued yet" in response.content.decode()
    assert "Give the registry number before issuing." in response.content.decode()
    assert list(selectors.inbox(t.commune_a, today=today())) == []


def test_issuing_from_the_page_sends_the_task_to_the_lead_units_inbox(client):
    t = small_tree()
    plan = make_plan(t.province)
    task = make_task(plan, lead=t.commune_a)
    client.force_login(officer(t.province))
    page = client.get(_url("plan_detail", plan)).content.decode()
    assert 'data-ok="0"' not in page

    response = client.post(_url("plan_issue", plan))

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED
    assert list(selectors.inbox(t.commune_a, today=today())) == [task]
    # Reading the plan is not enough to issue another one.
    other = make_plan(t.province)
    client.force_login(member(t.province, Role.OBSERVER))
    assert client.post(_url("plan_issue", other)).status_code == 403
    other.refresh_from_db()
    assert other.status == PlanStatus.DRAFT


def test_a_drafts_deadlines_are_not_overdue_until_it_is_issued(client):
    t = small_tree()
    plan = make_plan(t.province, issued_on=days_ago(30))
    make_task(plan, lead=t.commune_a, due_on=days_ago(5))
    client.force_login(officer(t.province))
    assert 'data-testid="overdue"' not in client.get(_url("plan_detail", plan)).content.decode()
    services.issue_plan(actor=officer(t.province), plan=plan)
    assert 'data-testid="overdue"' in client.get(_url("plan_detail", plan)).content.decode()


def test_a_commune_builds_its_implementing_plan_from_the_page(client):
    t = small_tree()
    plan = make_plan(t.province)
    mine = make_task(plan, lead=t.commune_a, title="Hội nghị lắng nghe của xã")
    coordinated = make_task(plan, lead=t.department, coordinators=(t.commune_a,))
    other = make_task(plan, lead=t.commune_b, title="Việc của xã Bình Minh")
    plan = services.issue_plan(actor=officer(t.province), plan=plan)
    user = officer(t.commune_a)
    client.force_login(user)

    page = client.get(_url("plan_detail", plan)).content.decode()
    assert 'data-testid="cascade"' in page
    form = client.get(_url("plan_cascade", plan)).content.decode()
    assert f'data-task="{mine.pk}"' in form and f'data-task="{coordinated.pk}"' in form
    assert f'data-task="{other.pk}"' not in form
    assert f'<option value="{t.commune_a.pk}" selected>' in form
    assert f'value="{t.commune_b.pk}"' not in form
    assert plan.reference in form  # the title is prefilled

    # Another commune cannot be chosen: nothing is created.
    refused = client.post(
        _url("plan_cascade", plan), {"unit": t.commune_b.pk, "title": "X", "symbol": ""}
    )
    assert refused.status_code == 200
    assert not Plan.objects.filter(parent=plan).exists()

    response = client.post(
        _url("plan_cascade", plan),
        {"unit": t.commune_a.pk, "title": "Kế hoạch thực hiện của xã", "symbol": "KH-UBND"},
    )
    child = Plan.objects.get(parent=plan)
    assert response.status_code == 302 and response["Location"] == child.get_absolute_url()
    assert (child.unit, child.status, child.title) == (
        t.commune_a,
        PlanStatus.DRAFT,
        "Kế hoạch thực hiện của xã",
    )
    copies = list(child.tasks.order_by("position"))
    assert [c.parent_task_id for c in copies] == [mine.pk, coordinated.pk]
    assert all(c.lead_unit_id == t.commune_a.pk for c in copies)
    # The commune's new draft shows the province plan above it.
    page = client.get(child.get_absolute_url()).content.decode()
    assert ("plan", str(plan.pk)) in _chain_items(page)


def test_who_is_offered_the_cascade(client):
    t = small_tree()
    plan = make_plan(t.province, issued=True)
    draft = make_plan(t.province)
    client.force_login(member(t.commune_a, Role.OBSERVER))
    assert 'data-testid="cascade"' not in client.get(_url("plan_detail", plan)).content.decode()
    assert client.get(_url("plan_cascade", plan)).status_code == 403
    client.force_login(officer(t.province))
    # The issuing unit does not implement its own plan; a draft is not implemented at all.
    assert 'data-testid="cascade"' not in client.get(_url("plan_detail", plan)).content.decode()
    assert client.get(_url("plan_cascade", draft)).status_code == 302
    assert not Plan.objects.filter(parent=draft).exists()


def test_closing_a_plan(client):
    t = small_tree()
    plan = make_plan(t.province, issued=True)
    client.force_login(officer(t.commune_a))  # sees the plan, does not write for the province
    assert 'data-testid="close-plan"' not in client.get(_url("plan_detail", plan)).content.decode()
    assert client.post(_url("plan_close", plan)).status_code == 403
    client.force_login(officer(t.province))
    assert 'data-testid="close-plan"' in client.get(_url("plan_detail", plan)).content.decode()
    assert client.post(_url("plan_close", plan)).status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.closed_on) == (PlanStatus.CLOSED, today())
    page = client.get(_url("plan_detail", plan)).content.decode()
    assert 'data-status="closed"' in page and 'data-testid="close-plan"' not in page


def _plan_with_rollup(t):
    """A province plan whose first task has two implementing tasks, one of them done."""
    plan = make_plan(t.province)
    parent_task = make_task(plan, lead=None, lead_kinds="commune", title="Sinh hoạt chuyên đề")
    plan = services.issue_plan(actor=officer(t.province), plan=plan)
    for commune, status in ((t.commune_a, TaskStatus.DONE), (t.commune_b, TaskStatus.IN_PROGRESS)):
        child = _issue(services.cascade(actor=officer(commune), parent=plan, unit=commune))
        services.record_progress(
            actor=officer(commune),
            task=child.tasks.get(),
            data={"progress": 40, "status": status, "text": "Đã triển khai"},
        )
    return plan, parent_task


def test_the_task_table_shows_the_rolled_up_progress(client):
    t = small_tree()
    plan, parent_task = _plan_with_rollup(t)
    client.cookies["django_language"] = "en"
    client.force_login(officer(t.province))
    page = client.get(_url("plan_detail", plan)).content.decode()
    row = page[page.index(f'data-task="{parent_task.pk}"') :]
    assert 'data-progress="70"' in row[:2000]  # (100 + 40) / 2
    assert "1 of 2 implementing tasks done" in row[:3000]


def test_the_tasks_excel(client):
    t = small_tree()
    plan, _parent_task = _plan_with_rollup(t)
    late = Task.objects.create(
        plan=plan,
        position=2,
        title="Báo cáo quá hạn",
        lead_unit=t.department,
        due_on=days_ago(40),
        current_due=days_ago(2),
    )
    late.coordinating_units.set([t.commune_a])
    client.force_login(officer(t.province))
    response = client.get(_url("plan_tasks_xlsx", plan))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert [r[1] for r in rows] == ["Sinh hoạt chuyên đề", "Báo cáo quá hạn"]
    first, second = rows
    assert first[7:10] == [0, 70, "1/2"]  # own, rolled up, implementing tasks done/total
    assert first[10] in ("", None)
    assert second[2] == t.department.name and second[3] == t.commune_a.name
    assert second[5] == dt.datetime.combine(days_ago(2), dt.time())
    assert second[10]  # overdue


def test_coverage_and_activities_on_the_plan_page(client):
    t = small_tree()
    plan = make_plan(t.province, issued=True)
    services.save_requirement(
        actor=officer(t.province),
        unit=t.province,
        plan=plan,
        data={
            "title": "100% chi bộ sinh hoạt chuyên đề",
            "unit_kind": "party",
            "activity_type": activity_type(),
            "starts_on": days_ago(10),
            "ends_on": days_ahead(10),
        },
    )
    make_activity(t.cell_a, plan=plan)
    client.force_login(officer(t.province))
    page = client.get(_url("plan_detail", plan)).content.decode()
    assert 'data-pct="50.0"' in page
    assert 'data-testid="activity-count" data-count="1"' in page
    assert f"{reverse('plans:activity_list')}?plan={plan.pk}" in page
    # The commune sees the part of the requirement that concerns it, and its own activities.
    client.force_login(officer(t.commune_b))
    page = client.get(_url("plan_detail", plan)).content.decode()
    assert 'data-pct="0.0"' in page
    assert 'data-count="0"' in page


@pytest.mark.parametrize("count", [2, 15])
def test_the_plan_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    t = small_tree()
    plan = make_plan(t.province)
    for n in range(count):
        make_task(
            plan,
            lead=t.commune_a if n % 2 else t.department,
            coordinators=(t.commune_b,),
            recurrence="yearly" if n % 3 == 0 else "once",
            due_on=None if n % 3 == 0 else days_ahead(n + 1),
            recur_day=1 if n % 3 == 0 else None,
            recur_month=11 if n % 3 == 0 else None,
        )
    plan = services.issue_plan(actor=officer(t.province), plan=plan)
    _issue(services.cascade(actor=officer(t.commune_a), parent=plan, unit=t.commune_a))
    client.force_login(officer(t.province))
    # session, user, scope (2), plan, tasks, coordinating units, roll-up, counts, bases,
    # sections, children, recipients, attachments, working unit, requirements, activities,
    # cascade units, unread notifications: 19 whatever the number of tasks.
    with django_assert_max_num_queries(19):
        response = client.get(_url("plan_detail", plan))
    assert response.content.decode().count('data-testid="task-row"') == count


def test_an_issued_plan_reads_as_its_document(client):
    t = small_tree()
    user = officer(t.province)
    plan = make_plan(t.province, recipients_text="- Lưu: VT, PNV.")
    plan.recipient_units.set([t.department])
    directive = _directive(t.province)
    services.add_basis(actor=user, plan=plan, document=directive)
    for heading, body in (
        ("I. MỤC ĐÍCH, YÊU CẦU", "Mở đầu.\n\n- Bám sát cơ sở;\n- Hướng về Nhân dân."),
        ("II. NỘI DUNG", "Nội dung chính."),
    ):
        services.save_section(actor=user, plan=plan, data={"heading": heading, "body": body})
    client.force_login(user)
    assert 'data-testid="sections-editor"' in client.get(_url("plan_detail", plan)).content.decode()

    services.issue_plan(actor=user, plan=plan)
    page = client.get(_url("plan_detail", plan)).content.decode()
    assert 'data-testid="sections-editor"' not in page
    assert page.index("I. MỤC ĐÍCH, YÊU CẦU") < page.index("II. NỘI DUNG")
    assert "<li>Bám sát cơ sở;</li>" in page and "<li>Hướng về Nhân dân.</li>" in page
    assert reverse("plans:document_detail", args=[directive.pk]) in page
    assert "Căn cứ Chỉ thị số 33/CT-TTg" in page
    recipients = page[page.index('data-testid="recipients"') :]
    assert t.department.name in recipients[:500] and "- Lưu: VT, PNV." in recipients[:500]
