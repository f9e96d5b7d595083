"""The plans API: legal documents, plans (issue, close, implement), tasks and their roll-up,
progress, inboxes, activities and coverage requirements; scope, errors and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from danvan.orgs.models import Role
from danvan.plans import services
from danvan.plans.models import (
    Activity,
    CoverageRequirement,
    LegalDocument,
    Plan,
    PlanStatus,
    ProgressUpdate,
    Task,
    TaskStatus,
)
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

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def client_for(user) -> APIClient:
    """A client sending ``user``'s API token, as integrations do."""
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def ok(response, code: int = 200) -> dict:
    assert response.status_code == code, response.content
    return response.json()


def ids(response) -> list[int]:
    return sorted(row["id"] for row in ok(response)["results"])


@pytest.fixture
def t():
    return small_tree()


def plan_payload(unit, **fields) -> dict:
    return {
        "unit": unit.pk,
        "number": "5584",
        "symbol": "KH-UBND",
        "issued_on": f"{days_ago(5):%Y-%m-%d}",
        "title": "Kế hoạch thực hiện công tác dân vận chính quyền năm 2026",
        "signer_name": "Nguyễn Văn Ký",
        "signer_title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        **fields,
    }


def task_payload(**fields) -> dict:
    return {
        "title": "Báo cáo kết quả công tác dân vận chính quyền",
        "recurrence": "once",
        "due_on": f"{days_ahead(20):%Y-%m-%d}",
        **fields,
    }


# --- Authentication and scope ---------------------------------------------------------------


def test_every_endpoint_requires_credentials(t):
    plan, task = issued_plan_with_task(t.province, t.commune_a)
    anonymous = APIClient()
    for url in [
        "/api/v1/legal-documents/",
        "/api/v1/legal-documents/1/",
        "/api/v1/plans/",
        f"/api/v1/plans/{plan.pk}/",
        f"/api/v1/plans/{plan.pk}/tasks/",
        f"/api/v1/tasks/{task.pk}/",
        f"/api/v1/tasks/{task.pk}/progress/",
        f"/api/v1/inbox/?unit={t.commune_a.pk}",
        "/api/v1/activity-types/",
        "/api/v1/activities/",
        "/api/v1/activities/1/",
        "/api/v1/coverage-requirements/",
        "/api/v1/coverage-requirements/1/coverage/",
    ]:
        assert anonymous.get(url).status_code == 401, url
    for url in [
        "/api/v1/plans/",
        f"/api/v1/plans/{plan.pk}/transitions/",
        f"/api/v1/plans/{plan.pk}/implement/",
        f"/api/v1/plans/{plan.pk}/tasks/",
        f"/api/v1/tasks/{task.pk}/progress/",
        "/api/v1/activities/",
        "/api/v1/coverage-requirements/",
        "/api/v1/legal-documents/",
    ]:
        assert anonymous.post(url, {}, format="json").status_code == 401, url


def test_a_commune_officer_sees_only_the_plans_it_may(t):
    province_draft = make_plan(t.province, title="Dự thảo của tỉnh")
    province_issued = make_plan(t.province, issued=True)
    own = make_plan(t.commune_a, issued=True)
    other, other_task = issued_plan_with_task(t.commune_b, t.commune_b)
    other_draft = make_plan(t.commune_b)

    a = client_for(officer(t.commune_a))
    b = client_for(officer(t.commune_b))
    province = client_for(officer(t.province))

    assert ids(a.get("/api/v1/plans/")) == sorted([province_issued.pk, own.pk])
    assert ids(b.get("/api/v1/plans/")) == sorted([province_issued.pk, other.pk, other_draft.pk])
    assert ids(province.get("/api/v1/plans/")) == sorted(
        [province_draft.pk, province_issued.pk, own.pk, other.pk, other_draft.pk]
    )
    # Another commune's plan, its tasks and a draft above answer like a missing id.
    for url in [
        f"/api/v1/plans/{other.pk}/",
        f"/api/v1/plans/{other.pk}/tasks/",
        f"/api/v1/plans/{other_draft.pk}/",
        f"/api/v1/plans/{province_draft.pk}/",
        f"/api/v1/tasks/{other_task.pk}/",
        f"/api/v1/tasks/{other_task.pk}/progress/",
    ]:
        assert a.get(url).status_code == 404, url
    assert a.get(f"/api/v1/plans/{other.pk}/", **EN).json() == {"detail": "Not found."}
    assert a.get("/api/v1/plans/abc/").status_code == 404
    assert a.get(f"/api/v1/plans/{2**70}/").status_code == 404
    # Nor can it write there: nothing is saved.
    response = a.post(
        f"/api/v1/tasks/{other_task.pk}/progress/",
        {"progress": 50, "status": "in_progress", "text": "Đã làm"},
        format="json",
    )
    assert response.status_code == 404
    response = a.post(f"/api/v1/plans/{other_draft.pk}/tasks/", task_payload(), format="json")
    assert response.status_code == 404
    assert a.patch(
        f"/api/v1/plans/{other_draft.pk}/", {"title": "X"}, format="json"
    ).status_code == (404)
    assert (
        a.post(f"/api/v1/plans/{other.pk}/transitions/", {"action": "close"}, format="json")
    ).status_code == 404
    assert not ProgressUpdate.objects.filter(task=other_task).exists()
    assert not Task.objects.filter(plan=other_draft).exists()
    other.refresh_from_db()
    assert other.status == PlanStatus.ISSUED


def test_progress_on_a_visible_task_of_another_unit_is_refused(t):
    """Commune A sees the province plan (issued above it) but does not lead commune B's task."""
    plan, task = issued_plan_with_task(t.province, t.commune_b)
    a = client_for(officer(t.commune_a))

    assert ok(a.get(f"/api/v1/tasks/{task.pk}/"))["can_report"] is False
    response = a.post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"progress": 50, "text": "Đã triển khai"},
        format="json",
    )

    assert response.status_code == 403
    assert not ProgressUpdate.objects.filter(task=task).exists()
    assert a.post(f"/api/v1/plans/{plan.pk}/tasks/", task_payload(), format="json").status_code == (
        403
    )


def test_progress_by_the_lead_unit_json_only(t):
    _plan, task = issued_plan_with_task(t.province, t.commune_a)
    a = client_for(officer(t.commune_a))

    assert ok(a.get(f"/api/v1/tasks/{task.pk}/"))["can_report"] is True
    update = ok(
        a.post(
            f"/api/v1/tasks/{task.pk}/progress/",
            {"progress": 40, "text": "Đã tổ chức hội nghị triển khai"},
            format="json",
        ),
        201,
    )
    assert update["progress"] == 40
    assert update["status"] == TaskStatus.IN_PROGRESS
    assert update["files"] == []
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 40)
    listed = ok(a.get(f"/api/v1/tasks/{task.pk}/progress/"))["results"]
    assert [row["id"] for row in listed] == [update["id"]]
    # No files through the API: a multipart request is refused as such.
    response = a.post(
        f"/api/v1/tasks/{task.pk}/progress/", {"progress": 50, "text": "x"}, format="multipart"
    )
    assert response.status_code == 415
    # Bad input answers by field.
    errors = ok(
        a.post(
            f"/api/v1/tasks/{task.pk}/progress/",
            {"progress": 30, "text": "x", "reported_on": f"{days_ahead(2):%Y-%m-%d}"},
            format="json",
        ),
        400,
    )
    assert set(errors) == {"reported_on"}
    assert ProgressUpdate.objects.filter(task=task).count() == 1


# --- A plan through the API -----------------------------------------------------------------


def test_draft_a_plan_add_a_task_and_issue_it_into_the_lead_units_inbox(t):
    province = client_for(officer(t.province))
    a = client_for(officer(t.commune_a))
    b = client_for(officer(t.commune_b))

    plan = ok(province.post("/api/v1/plans/", plan_payload(t.province), format="json"), 201)
    assert plan["status"] == PlanStatus.DRAFT
    assert plan["reference"] == "5584/KH-UBND"
    assert plan["actions"] == ["issue"]
    assert plan["place"] == "Thử"  # the province's short name
    task = ok(
        province.post(
            f"/api/v1/plans/{plan['id']}/tasks/",
            task_payload(lead_unit=t.commune_a.pk, coordinating_units=[t.commune_b.pk]),
            format="json",
        ),
        201,
    )
    assert task["lead_unit"]["id"] == t.commune_a.pk
    assert [u["id"] for u in task["coordinating_units"]] == [t.commune_b.pk]
    # A draft is the province's alone: nobody else sees it, no inbox holds its task.
    assert a.get(f"/api/v1/plans/{plan['id']}/").status_code == 404
    assert ok(a.get("/api/v1/inbox/", {"unit": t.commune_a.pk}))["results"] == []

    issued = ok(
        province.post(
            f"/api/v1/plans/{plan['id']}/transitions/", {"action": "issue"}, format="json"
        )
    )

    assert issued["status"] == PlanStatus.ISSUED
    assert issued["actions"] == ["close"]
    assert issued["task_counts"]["total"] == 1
    assert LegalDocument.objects.filter(plan_id=plan["id"]).exists()
    inbox = ok(a.get("/api/v1/inbox/", {"unit": t.commune_a.pk}))["results"]
    assert [(row["id"], row["role"]) for row in inbox] == [(task["id"], "lead")]
    assert inbox[0]["plan"]["reference"] == "5584/KH-UBND"
    coordinating = ok(b.get("/api/v1/inbox/", {"unit": t.commune_b.pk}))["results"]
    assert [(row["id"], row["role"]) for row in coordinating] == [(task["id"], "coordinating")]
    # Another unit's inbox answers like a missing one; the unit is required.
    assert a.get("/api/v1/inbox/", {"unit": t.commune_b.pk}).status_code == 404
    assert set(ok(a.get("/api/v1/inbox/"), 400)) == {"unit"}
    # Issued: no second issue, no new task.
    again = province.post(
        f"/api/v1/plans/{plan['id']}/transitions/", {"action": "issue"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    late = province.post(f"/api/v1/plans/{plan['id']}/tasks/", task_payload(), format="json")
    assert late.status_code == 400
    assert late.json()["code"] == "not_editable"
    closed = ok(
        province.post(
            f"/api/v1/plans/{plan['id']}/transitions/", {"action": "close"}, format="json"
        )
    )
    assert closed["status"] == PlanStatus.CLOSED


def test_plan_detail_shows_sections_basis_recipients_and_counts(t):
    province = officer(t.province)
    plan, task = issued_plan_with_task(t.province, t.commune_a)
    draft = make_plan(t.province)
    services.save_section(
        actor=province,
        plan=draft,
        data={"kind": "purpose", "heading": "I. MỤC ĐÍCH, YÊU CẦU", "body": "Đoạn một."},
    )
    directive = services.save_document(
        actor=province,
        data={
            "number": "33/CT-TTg",
            "doc_type": "directive",
            "issuer": "Thủ tướng Chính phủ",
            "issued_on": dt.date(2021, 11, 26),
            "title": "tăng cường công tác dân vận",
        },
    )
    services.add_basis(actor=province, plan=draft, document=directive)
    services.update_plan(
        actor=province, plan=draft, data={}, parent=plan, recipient_units=[t.commune_b]
    )

    detail = ok(client_for(province).get(f"/api/v1/plans/{draft.pk}/"))

    assert [s["heading"] for s in detail["sections"]] == ["I. MỤC ĐÍCH, YÊU CẦU"]
    assert detail["legal_basis"][0]["document"] == directive.pk
    assert detail["legal_basis"][0]["number"] == "33/CT-TTg"
    assert detail["legal_basis"][0]["line"].startswith("Căn cứ Chỉ thị số 33/CT-TTg")
    assert [u["id"] for u in detail["recipient_units"]] == [t.commune_b.pk]
    assert [link["id"] for link in detail["chain"]] == [plan.pk]
    assert detail["chain"][0]["visible"] is True
    assert detail["parent"] == plan.pk
    parent = ok(client_for(province).get(f"/api/v1/plans/{plan.pk}/"))
    assert [child["id"] for child in parent["children"]] == [draft.pk]
    assert parent["task_counts"] == {
        "total": 1,
        "open": 1,
        "overdue": 0,
        "done": 0,
        "cancelled": 0,
    }
    assert parent["tasks"] == 1 and parent["open_tasks"] == 1
    # The commune sees the issued plan but not the province's draft among its children.
    assert ok(client_for(officer(t.commune_a)).get(f"/api/v1/plans/{plan.pk}/"))["children"] == []
    assert task.pk in [
        row["id"]
        for row in ok(client_for(province).get(f"/api/v1/plans/{plan.pk}/tasks/"))["results"]
    ]


def test_plan_filters(t):
    older = make_plan(t.province, issued=True, issued_on=dt.date(2024, 3, 1), title="Kế hoạch cũ")
    newer = make_plan(t.commune_a, issued=True, parent=older, title="Kế hoạch thực hiện")
    draft = make_plan(t.commune_a, title="Kế hoạch dự thảo")
    client = client_for(officer(t.province))

    assert ids(client.get("/api/v1/plans/", {"status": "draft"})) == [draft.pk]
    assert ids(client.get("/api/v1/plans/", {"unit": t.commune_a.pk})) == sorted(
        [newer.pk, draft.pk]
    )
    assert ids(client.get("/api/v1/plans/", {"parent": older.pk})) == [newer.pk]
    assert ids(client.get("/api/v1/plans/", {"year": 2024})) == [older.pk]
    assert ids(client.get("/api/v1/plans/", {"q": "ke hoach cu"})) == [older.pk]
    assert ids(client.get("/api/v1/plans/", {"kind": "programme"})) == []
    assert client.get("/api/v1/plans/", {"year": "soon"}).status_code == 400
    assert client.get("/api/v1/plans/", {"status": "lost"}).status_code == 400


def test_create_plan_errors(t):
    a = client_for(officer(t.commune_a))
    # For a unit the caller does not write for.
    assert a.post("/api/v1/plans/", plan_payload(t.province), format="json").status_code == 403
    # Missing fields and a parent the caller cannot see read as field errors.
    hidden = make_plan(t.commune_b, issued=True)
    errors = ok(
        a.post(
            "/api/v1/plans/",
            {"unit": t.commune_a.pk, "parent": hidden.pk},
            format="json",
            **EN,
        ),
        400,
    )
    assert {"symbol", "title", "parent"} <= set(errors)
    # A draft as parent is refused by the service, by field.
    own_draft = make_plan(t.commune_a)
    errors = ok(
        a.post(
            "/api/v1/plans/", plan_payload(t.commune_a, parent=own_draft.pk), format="json", **EN
        ),
        400,
    )
    assert errors == {"parent": ["A plan can only implement an issued plan."]}
    assert Plan.objects.filter(unit=t.commune_a).count() == 1


def test_task_validation_errors_answer_400_by_field(t):
    province = client_for(officer(t.province))
    plan = make_plan(t.province, issued_on=days_ago(5))
    url = f"/api/v1/plans/{plan.pk}/tasks/"

    same = province.post(
        url,
        task_payload(lead_unit=t.commune_a.pk, coordinating_units=[t.commune_a.pk]),
        format="json",
        **EN,
    )
    early = province.post(
        url,
        task_payload(lead_unit=t.commune_a.pk, due_on=f"{days_ago(10):%Y-%m-%d}"),
        format="json",
        **EN,
    )
    never = province.post(
        url,
        task_payload(
            lead_unit=t.commune_a.pk, recurrence="yearly", due_on=None, recur_day=30, recur_month=2
        ),
        format="json",
        **EN,
    )
    both = province.post(
        url,
        task_payload(lead_unit=t.commune_a.pk, lead_kinds=["commune"]),
        format="json",
        **EN,
    )

    assert ok(same, 400) == {
        "coordinating_units": ["The lead unit cannot also be a coordinating unit."]
    }
    assert set(ok(early, 400)) == {"due_on"}
    assert "before the plan's issue date" in early.json()["due_on"][0]
    assert ok(never, 400) == {
        "recur_day": ["30/02 does not exist: this deadline would never fall."]
    }
    assert set(ok(both, 400)) == {"lead_kinds"}
    # Vietnamese by default (the catalogue translates the messages; DRF's are there already).
    vi = province.post(url, {"recurrence": "once"}, format="json")
    en = province.post(url, {"recurrence": "once"}, format="json", **EN)
    assert en.json() == {"title": ["This field is required."]}
    assert vi.json()["title"] != en.json()["title"]
    assert not Task.objects.filter(plan=plan).exists()
    # A yearly deadline that exists is taken, with its next occurrence.
    yearly = ok(
        province.post(
            url,
            task_payload(
                lead_kinds=["commune"],
                recurrence="yearly",
                due_on=None,
                recur_day=1,
                recur_month=11,
            ),
            format="json",
            **EN,
        ),
        201,
    )
    assert yearly["lead_kinds"] == ["commune"]
    assert yearly["deadline"] == "Every year by 01/11"
    assert yearly["current_due"] is not None


def test_issuing_an_incomplete_plan_answers_400_by_field(t):
    province = client_for(officer(t.province))
    draft = ok(
        province.post(
            "/api/v1/plans/",
            {"unit": t.province.pk, "symbol": "KH-UBND", "title": "Kế hoạch chưa đủ"},
            format="json",
        ),
        201,
    )
    response = province.post(
        f"/api/v1/plans/{draft['id']}/transitions/", {"action": "issue"}, format="json"
    )
    assert response.status_code == 400
    assert {"number", "issued_on", "signer_name"} <= set(response.json())
    # Filling them in (PATCH) makes it issuable.
    patched = ok(
        province.patch(
            f"/api/v1/plans/{draft['id']}/",
            {"number": "12", "issued_on": f"{today():%Y-%m-%d}", "signer_name": "Lê Văn Ký"},
            format="json",
        )
    )
    assert patched["reference"] == "12/KH-UBND"
    ok(
        province.post(
            f"/api/v1/plans/{draft['id']}/transitions/", {"action": "issue"}, format="json"
        )
    )
    # A commune that sees the issued plan may not close it.
    a = client_for(officer(t.commune_a))
    response = a.post(
        f"/api/v1/plans/{draft['id']}/transitions/", {"action": "close"}, format="json"
    )
    assert response.status_code == 403


def test_cascade_through_the_api_and_the_roll_up(t):
    parent, parent_task = issued_plan_with_task(
        t.province, t.commune_a, title="Tổ chức Tháng Dân vận"
    )
    a_officer = officer(t.commune_a)
    a = client_for(a_officer)

    child = ok(
        a.post(f"/api/v1/plans/{parent.pk}/implement/", {"unit": t.commune_a.pk}, format="json"),
        201,
    )

    assert child["status"] == PlanStatus.DRAFT
    assert child["unit"]["id"] == t.commune_a.pk
    assert child["parent"] == parent.pk
    assert [link["id"] for link in child["chain"]] == [parent.pk]
    assert child["legal_basis"][0]["line"].startswith("Thực hiện")
    tasks = ok(a.get(f"/api/v1/plans/{child['id']}/tasks/"))["results"]
    assert [(row["title"], row["parent_task"]) for row in tasks] == [
        ("Tổ chức Tháng Dân vận", parent_task.pk)
    ]
    assert tasks[0]["lead_unit"]["id"] == t.commune_a.pk
    # Another commune cannot build commune A's plan, nor see it.
    b = client_for(officer(t.commune_b))
    response = b.post(
        f"/api/v1/plans/{parent.pk}/implement/", {"unit": t.commune_a.pk}, format="json"
    )
    assert response.status_code == 403
    assert b.get(f"/api/v1/plans/{child['id']}/").status_code == 404
    # Issue it, report progress: the parent task shows its child's.
    a.patch(
        f"/api/v1/plans/{child['id']}/",
        {"number": "7", "issued_on": f"{today():%Y-%m-%d}", "signer_name": "Trần Văn Ký"},
        format="json",
    )
    ok(a.post(f"/api/v1/plans/{child['id']}/transitions/", {"action": "issue"}, format="json"))
    child_task = tasks[0]["id"]
    ok(
        a.post(
            f"/api/v1/tasks/{child_task}/progress/",
            {"progress": 60, "text": "Đã tổ chức ra quân"},
            format="json",
        ),
        201,
    )
    province = client_for(officer(t.province))
    row = ok(province.get(f"/api/v1/plans/{parent.pk}/tasks/"))["results"][0]
    assert row["rollup"] == {"children": 1, "done": 0, "mean": 60, "progress": 60}
    detail = ok(province.get(f"/api/v1/tasks/{parent_task.pk}/"))
    assert [c["id"] for c in detail["children"]] == [child_task]
    assert detail["children"][0]["plan"]["unit"]["id"] == t.commune_a.pk
    # Commune B sees the parent task (province plan) and its roll-up, not A's plan.
    b_detail = ok(b.get(f"/api/v1/tasks/{parent_task.pk}/"))
    assert b_detail["children"] == []
    assert b_detail["rollup"]["children"] == 1


# --- Legal documents ------------------------------------------------------------------------


def test_legal_documents_register(t):
    province = client_for(officer(t.province))
    created = ok(
        province.post(
            "/api/v1/legal-documents/",
            {
                "number": "33/CT-TTg",
                "doc_type": "directive",
                "issuer": "Thủ tướng Chính phủ",
                "issued_on": "2021-11-26",
                "title": "Tăng cường và nâng cao hiệu quả công tác dân vận",
            },
            format="json",
        ),
        201,
    )
    assert created["citation"].startswith("Chỉ thị số 33/CT-TTg ngày 26/11/2021")
    assert created["registered_by_unit"]["id"] == t.province.pk
    other = services.save_document(
        actor=officer(t.province),
        data={
            "number": "01-KL/TW",
            "doc_type": "conclusion",
            "issuer": "Bộ Chính trị",
            "issued_on": dt.date(2016, 5, 18),
            "title": "Tiếp tục thực hiện Chỉ thị 05",
        },
    )
    # The whole register is read by every signed-in user.
    reader = client_for(officer(t.commune_b))
    assert ids(reader.get("/api/v1/legal-documents/")) == sorted([created["id"], other.pk])
    assert ids(reader.get("/api/v1/legal-documents/", {"q": "33/ct - ttg"})) == [created["id"]]
    assert ids(reader.get("/api/v1/legal-documents/", {"q": "chi thi 05"})) == [other.pk]
    assert ids(reader.get("/api/v1/legal-documents/", {"type": "conclusion"})) == [other.pk]
    assert ids(reader.get("/api/v1/legal-documents/", {"year": 2021})) == [created["id"]]
    assert ok(reader.get(f"/api/v1/legal-documents/{other.pk}/"))["number"] == "01-KL/TW"
    assert reader.get("/api/v1/legal-documents/999999/").status_code == 404
    # A number and date already held, and an observer, are refused.
    duplicate = province.post(
        "/api/v1/legal-documents/",
        {
            "number": "33/ct-ttg",
            "doc_type": "directive",
            "issuer": "Thủ tướng",
            "issued_on": "2021-11-26",
            "title": "x",
        },
        format="json",
    )
    assert set(ok(duplicate, 400)) == {"number"}
    observer = client_for(member(t.province, Role.OBSERVER))
    response = observer.post(
        "/api/v1/legal-documents/",
        {"number": "9/KH", "doc_type": "plan", "issuer": "x", "title": "y"},
        format="json",
    )
    assert response.status_code == 403
    response = client_for(officer(t.commune_a)).post(
        "/api/v1/legal-documents/",
        {"number": "9/KH", "doc_type": "plan", "issuer": "x", "title": "y", "unit": t.province.pk},
        format="json",
    )
    assert response.status_code == 403
    assert LegalDocument.objects.count() == 2


# --- Activities -----------------------------------------------------------------------------


def test_activities(t):
    activity_type("themed-meeting")
    activity_type("training")
    a = client_for(officer(t.commune_a))
    b = client_for(officer(t.commune_b))
    payload = {
        "unit": t.cell_a.pk,
        "activity_type": "themed-meeting",
        "title": "Sinh hoạt chuyên đề tháng 10",
        "held_on": f"{days_ago(2):%Y-%m-%d}",
        "participant_count": 25,
    }

    future = a.post(
        "/api/v1/activities/",
        {**payload, "held_on": f"{days_ahead(3):%Y-%m-%d}"},
        format="json",
    )
    assert set(ok(future, 400)) == {"held_on"}
    assert not Activity.objects.exists()
    created = ok(a.post("/api/v1/activities/", payload, format="json"), 201)
    assert created["unit"]["id"] == t.cell_a.pk
    assert created["activity_type"]["code"] == "themed-meeting"
    other = make_activity(t.commune_b, code="training", held_on=days_ago(20))
    # For a unit the caller does not write for; an unknown type.
    assert b.post("/api/v1/activities/", payload, format="json").status_code == 403
    unknown = a.post("/api/v1/activities/", {**payload, "activity_type": "nope"}, format="json")
    assert set(ok(unknown, 400)) == {"activity_type"}

    assert ids(a.get("/api/v1/activities/")) == [created["id"]]
    assert ids(b.get("/api/v1/activities/")) == [other.pk]
    assert b.get(f"/api/v1/activities/{created['id']}/").status_code == 404
    assert ok(a.get(f"/api/v1/activities/{created['id']}/"))["participant_count"] == 25
    province = client_for(officer(t.province))
    assert ids(province.get("/api/v1/activities/", {"type": "training"})) == [other.pk]
    assert ids(province.get("/api/v1/activities/", {"unit": t.commune_a.pk})) == [created["id"]]
    since = f"{days_ago(5):%Y-%m-%d}"
    assert ids(province.get("/api/v1/activities/", {"date_from": since})) == [created["id"]]
    assert ids(province.get("/api/v1/activities/", {"date_to": since})) == [other.pk]
    codes = [row["code"] for row in ok(a.get("/api/v1/activity-types/"))["results"]]
    assert {"themed-meeting", "training"} <= set(codes)


def test_activity_linked_to_a_task(t):
    plan, task = issued_plan_with_task(t.province, t.commune_a)
    a = client_for(officer(t.commune_a))
    created = ok(
        a.post(
            "/api/v1/activities/",
            {
                "unit": t.commune_a.pk,
                "activity_type": activity_type().code,
                "title": "Hội nghị triển khai",
                "held_on": f"{days_ago(1):%Y-%m-%d}",
                "task": task.pk,
            },
            format="json",
        ),
        201,
    )
    assert (created["plan"]["id"], created["task"]) == (plan.pk, task.pk)
    province = client_for(officer(t.province))
    assert ids(province.get("/api/v1/activities/", {"task": task.pk})) == [created["id"]]
    assert ids(province.get("/api/v1/activities/", {"plan": plan.pk})) == [created["id"]]


# --- Coverage -------------------------------------------------------------------------------


def test_coverage_figures_match_the_service(t):
    kind = activity_type("themed-meeting")
    province_officer = officer(t.province)
    response = client_for(province_officer).post(
        "/api/v1/coverage-requirements/",
        {
            "unit": t.province.pk,
            "title": "100% chi bộ sinh hoạt chuyên đề",
            "unit_kind": "party",
            "activity_type": "themed-meeting",
            "starts_on": f"{days_ago(30):%Y-%m-%d}",
            "ends_on": f"{days_ahead(30):%Y-%m-%d}",
        },
        format="json",
    )
    requirement = CoverageRequirement.objects.get(pk=ok(response, 201)["id"])
    make_activity(t.cell_a, code=kind.code, held_on=days_ago(2))
    url = f"/api/v1/coverage-requirements/{requirement.pk}/coverage/"

    whole = ok(client_for(province_officer).get(url))
    expected = services.requirement_coverage(requirement)

    assert whole["area"]["id"] == t.province.pk
    assert whole["total"] == {
        "units": expected.total.units,
        "met": expected.total.met,
        "missing": expected.total.missing,
        "pct": expected.total.pct,
    }
    assert whole["total"] == {"units": 2, "met": 1, "missing": 1, "pct": 50.0}
    assert [(c["unit"]["id"], c["met"], c["units"]) for c in whole["children"]] == [
        (g.unit.pk, g.tally.met, g.tally.units) for g in expected.groups
    ]
    assert whole["missing"] == [
        {
            "id": t.cell_b.pk,
            "code": t.cell_b.code,
            "name": t.cell_b.name,
            "parent_name": t.commune_b.name,
        }
    ]
    # A commune sees its own part; drilling into another commune answers 404.
    b = client_for(officer(t.commune_b))
    own = ok(b.get(url))
    assert own["area"]["id"] == t.commune_b.pk
    assert own["total"] == {"units": 1, "met": 0, "missing": 1, "pct": 0.0}
    assert b.get(url, {"within": t.commune_a.pk}).status_code == 404
    inside = ok(client_for(province_officer).get(url, {"within": t.commune_a.pk}))
    assert inside["total"]["met"] == 1
    assert ids(b.get("/api/v1/coverage-requirements/")) == [requirement.pk]
    # Setting one over a unit the caller does not write for is refused.
    response = b.post(
        "/api/v1/coverage-requirements/",
        {
            "unit": t.province.pk,
            "title": "x",
            "unit_kind": "party",
            "activity_type": "themed-meeting",
            "starts_on": "2026-10-01",
            "ends_on": "2026-10-31",
        },
        format="json",
    )
    assert response.status_code == 403


def test_requirement_of_another_commune_is_not_found(t):
    kind = activity_type()
    requirement = services.save_requirement(
        actor=officer(t.commune_a),
        unit=t.commune_a,
        data={
            "title": "Chi bộ sinh hoạt",
            "unit_kind": "party",
            "activity_type": kind,
            "starts_on": days_ago(10),
            "ends_on": days_ahead(10),
        },
    )
    b = client_for(officer(t.commune_b))
    assert ids(b.get("/api/v1/coverage-requirements/")) == []
    assert b.get(f"/api/v1/coverage-requirements/{requirement.pk}/coverage/").status_code == 404
    errors = ok(
        client_for(officer(t.commune_a)).post(
            "/api/v1/coverage-requirements/",
            {
                "unit": t.commune_a.pk,
                "title": "x",
                "unit_kind": "party",
                "activity_type": kind.code,
                "starts_on": "2026-10-31",
                "ends_on": "2026-10-01",
            },
            format="json",
        ),
        400,
    )
    assert set(errors) == {"ends_on"}


# --- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 20])
def test_plan_list_queries_do_not_grow(t, django_assert_max_num_queries, count):
    for _n in range(count):
        plan = make_plan(t.province)
        make_task(plan, lead=t.commune_a, coordinators=(t.commune_b,))
        services.issue_plan(actor=officer(t.province), plan=plan)
    client = client_for(officer(t.commune_a))

    # token, scope (memberships, successions), count, page with the task counts
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/plans/")
    assert len(ok(response)["results"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_task_list_and_inbox_queries_do_not_grow(t, django_assert_max_num_queries, count):
    plan = make_plan(t.province)
    for _n in range(count):
        make_task(plan, lead=t.commune_a, coordinators=(t.commune_b, t.department))
    services.issue_plan(actor=officer(t.province), plan=plan)
    client = client_for(officer(t.commune_a))

    # token, scope (2), plan, count, page, coordinators, roll-up
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/plans/{plan.pk}/tasks/")
    assert len(ok(response)["results"]) == count
    # token, scope (2), unit, count, page, coordinators, roll-up
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/inbox/", {"unit": t.commune_a.pk})
    assert len(ok(response)["results"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_activity_list_queries_do_not_grow(t, django_assert_max_num_queries, count):
    for _n in range(count):
        make_activity(t.commune_a)
    client = client_for(officer(t.commune_a))

    # token, scope (2), count, page, partner units
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/activities/")
    assert len(ok(response)["results"]) == count


# --- Schema ---------------------------------------------------------------------------------


def test_schema_lists_the_plans_paths(db):
    schema = ok(APIClient().get("/api/schema/", {"format": "json"}))
    assert {
        "/api/v1/legal-documents/",
        "/api/v1/legal-documents/{id}/",
        "/api/v1/plans/",
        "/api/v1/plans/{id}/",
        "/api/v1/plans/{id}/transitions/",
        "/api/v1/plans/{id}/implement/",
        "/api/v1/plans/{id}/tasks/",
        "/api/v1/tasks/{id}/",
        "/api/v1/tasks/{id}/progress/",
        "/api/v1/inbox/",
        "/api/v1/activity-types/",
        "/api/v1/activities/",
        "/api/v1/activities/{id}/",
        "/api/v1/coverage-requirements/",
        "/api/v1/coverage-requirements/{id}/coverage/",
    } <= set(schema["paths"])
    progress = schema["paths"]["/api/v1/tasks/{id}/progress/"]["post"]
    assert list(progress["requestBody"]["content"]) == ["application/json"]
    assert "JSON" in progress["description"]  # files go through the web page
    plans = schema["paths"]["/api/v1/plans/"]["get"]
    assert {"status", "kind", "unit", "parent", "q", "year"} <= {
        p["name"] for p in plans["parameters"]
    }
