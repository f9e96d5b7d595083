"""The import pages: upload or paste, review, save in one transaction (or nothing)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from danvan.orgs.models import Role, Unit, UnitKind
from danvan.orgs.tests.factories import make_child, make_root
from danvan.plans.models import (
    CoverageRequirement,
    LegalDocument,
    Plan,
    PlanBasis,
    PlanSection,
    Task,
)
from danvan.plans.tests.factories import member
from danvan.plans.views.imports import SESSION_KEY

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
START = reverse("plans:import_start")
REVIEW = reverse("plans:import_review")
D = dt.date


def seed_text(number: str) -> str:
    return next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8")


@pytest.fixture
def city(db):
    """Tây Ninh city as in the demo: a legacy district (closed 30/06/2025) with its offices."""
    closed = D(2025, 6, 30)
    province = make_root(
        name="Tỉnh Tây Ninh", short_name="Tây Ninh", valid_from=None, valid_to=closed
    )
    city = make_child(
        province,
        kind=UnitKind.DISTRICT,
        name="Thành phố Tây Ninh",
        short_name="Tây Ninh",
        valid_to=closed,
    )
    for name, kind in [
        ("Phòng Nội vụ", UnitKind.DEPARTMENT),
        ("Phòng Tư pháp", UnitKind.DEPARTMENT),
        ("Thanh tra Thành phố", UnitKind.DEPARTMENT),
        ("Trung tâm Văn hoá, thể thao và Truyền thanh", UnitKind.OTHER),
        ("Phường 1", UnitKind.COMMUNE),
    ]:
        make_child(city, kind=kind, name=name, valid_to=closed)
    city.refresh_from_db()
    return city


@pytest.fixture
def city_officer(city):
    return member(city, Role.OFFICER, username="city_officer")


def office(city, name):
    return Unit.objects.get(path__startswith=city.path, name=name)


def nothing_saved():
    return (
        Plan.objects.count(),
        Task.objects.count(),
        PlanSection.objects.count(),
        PlanBasis.objects.count(),
        LegalDocument.objects.count(),
        CoverageRequirement.objects.count(),
    ) == (0, 0, 0, 0, 0, 0)


def post_data(forms_, **changes) -> dict:
    """The review form as the browser would send it, with ``changes`` (field names)."""
    data: dict = {"action": "save"}
    groups = [forms_.plan]
    for formset in forms_.formsets.values():
        groups.append(formset.management_form)
        groups.extend(formset.forms)
    for form in groups:
        for bound in form:
            value = bound.value()
            if isinstance(bound.field.widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
                continue
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            elif isinstance(value, dt.date):
                data[bound.html_name] = value.isoformat()
            else:
                data[bound.html_name] = str(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def start(client, city, text: str):
    response = client.post(START, {"unit": city.pk, "text": text})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == REVIEW
    return client.get(REVIEW)


# ------------------------------------------------------------------- upload


def test_the_import_page_needs_a_unit_to_write_for(client, outsider):
    client.force_login(outsider)
    assert client.get(START).status_code == 403


def test_the_upload_form_offers_the_users_units(client, city, city_officer):
    client.force_login(city_officer)
    response = client.get(START)
    assert response.status_code == 200
    units = list(response.context["form"].fields["unit"].queryset)
    assert city in units
    assert response.context["form"]["unit"].value() == city.pk  # the working unit


def test_pasted_seed_001_is_proposed_for_review(client, city, city_officer):
    client.force_login(city_officer)
    response = start(client, city, seed_text("001"))
    assert response.status_code == 200
    assert client.session[SESSION_KEY]["unit"] == city.pk
    assert nothing_saved()  # no database write before the save
    forms_ = response.context["forms"]
    tasks = [form.initial for form in forms_.tasks.forms]
    assert [t["lead_unit"] for t in tasks] == [
        None,
        office(city, "Phòng Nội vụ").pk,
        office(city, "Thanh tra Thành phố").pk,
        office(city, "Trung tâm Văn hoá, thể thao và Truyền thanh").pk,
    ]
    assert tasks[0]["lead_kinds"] == ["department", "other", "commune"]
    assert (tasks[0]["recurrence"], tasks[0]["recur_day"], tasks[0]["recur_month"]) == (
        "yearly",
        1,
        11,
    )
    assert forms_.plan.initial["symbol"] == "KH-UBND"
    assert len(forms_.sections.forms) == 3
    assert [f.initial["number"] for f in forms_.bases.forms] == ["1243/KH-UBND", "33/CT-TTg"]
    content = response.content.decode()
    assert 'data-testid="import-notices"' in content
    assert "5/2023" in content
    assert content.count('data-testid="lead-matched"') == 3


def test_review_then_save_creates_the_plan_with_its_basis_sections_and_tasks(
    client, city, city_officer
):
    directive = LegalDocument.objects.create(
        number="33/CT-TTg",
        doc_type="directive",
        issuer="Thủ tướng Chính phủ",
        issued_on=D(2021, 11, 26),
        title="tiếp tục tăng cường và đổi mới công tác dân vận",
    )
    client.force_login(city_officer)
    review = start(client, city, seed_text("001"))
    assert 'data-testid="register-entry"' in review.content.decode()  # 33/CT-TTg is known
    data = post_data(
        review.context["forms"],
        **{
            "plan-issued_on": "2023-05-20",
            "tasks-1-due_on": "2023-12-15",
            "tasks-2-due_on": "2023-12-15",
            "tasks-3-due_on": "2023-12-31",
        },
    )
    response = client.post(REVIEW, data)
    assert response.status_code == 302, response.context["forms"].plan.errors
    plan = Plan.objects.get()
    assert response["Location"] == plan.get_absolute_url()
    assert SESSION_KEY not in client.session
    assert (plan.unit, plan.status, plan.kind) == (city, "draft", "plan")
    assert (plan.number, plan.symbol, plan.issued_on) == ("", "KH-UBND", D(2023, 5, 20))
    assert plan.place == "TP Tây Ninh"
    assert plan.signer_title == "KT.CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    assert plan.recipients_text.count("\n") == 8
    assert plan.created_by == city_officer
    # The basis: one line, about plan 1243; directive 33 is known already (not registered twice).
    (basis,) = plan.bases.select_related("document")
    assert basis.document.number == "1243/KH-UBND"
    assert basis.document.issued_on == D(2023, 4, 26)
    assert basis.document.issuer == "UBND tỉnh Tây Ninh"
    assert basis.text.startswith("Thực hiện Kế hoạch số 1243/KH-UBND")
    assert LegalDocument.objects.filter(number_key=directive.number_key).count() == 1
    assert [(s.position, s.kind, s.heading) for s in plan.sections.all()] == [
        (1, "purpose", "MỤC ĐÍCH, YÊU CẦU"),
        (2, "content", "NỘI DUNG THỰC HIỆN"),
        (3, "organisation", "TỔ CHỨC THỰC HIỆN"),
    ]
    tasks = list(plan.tasks.select_related("lead_unit"))
    assert [t.lead_unit.name if t.lead_unit else t.lead_kinds for t in tasks] == [
        "commune department other",
        "Phòng Nội vụ",
        "Thanh tra Thành phố",
        "Trung tâm Văn hoá, thể thao và Truyền thanh",
    ]
    first = tasks[0]
    assert (first.recurrence, first.recur_day, first.recur_month) == ("yearly", 1, 11)
    assert first.lead_label.startswith("Các cơ quan, đơn vị;")
    assert tasks[1].coordinating_label == "các cơ quan, đơn vị liên quan"
    assert tasks[3].due_on == D(2023, 12, 31)


def test_a_deadline_before_the_issue_date_saves_nothing(client, city, city_officer):
    client.force_login(city_officer)
    review = start(client, city, seed_text("001"))
    data = post_data(
        review.context["forms"],
        **{
            "plan-issued_on": "2023-05-20",
            "plan-title": "Tiêu đề đã sửa",
            "tasks-1-due_on": "2023-01-10",  # before the issue date
            "tasks-2-due_on": "2023-12-15",
            "tasks-3-due_on": "2023-12-31",
        },
    )
    response = client.post(REVIEW, data)
    assert response.status_code == 200
    assert nothing_saved()
    forms_ = response.context["forms"]
    assert "due_on" in forms_.tasks.forms[1].errors
    assert "20/05/2023" in str(forms_.tasks.forms[1].errors["due_on"])
    assert forms_.plan["title"].value() == "Tiêu đề đã sửa"  # what was typed is kept
    assert "Tiêu đề đã sửa" in response.content.decode()
    assert SESSION_KEY in client.session  # the user can correct and save again


def test_a_coordinating_unit_equal_to_the_lead_saves_nothing(client, city, city_officer):
    client.force_login(city_officer)
    review = start(client, city, seed_text("001"))
    lead = office(city, "Thanh tra Thành phố")
    data = post_data(
        review.context["forms"],
        **{
            "tasks-1-due_on": "2023-12-15",
            "tasks-2-due_on": "2023-12-15",
            "tasks-2-coordinating_units": [str(lead.pk)],
            "tasks-3-due_on": "2023-12-31",
        },
    )
    response = client.post(REVIEW, data)
    assert response.status_code == 200
    assert nothing_saved()
    errors = response.context["forms"].tasks.forms[2].errors
    assert "coordinating_units" in errors


def test_a_missing_deadline_is_shown_beside_the_task(client, city, city_officer):
    client.force_login(city_officer)
    review = start(client, city, seed_text("001"))
    response = client.post(REVIEW, post_data(review.context["forms"]))
    assert response.status_code == 200
    assert nothing_saved()
    task_forms = response.context["forms"].tasks.forms
    assert "due_on" not in task_forms[0].errors  # yearly 01/11
    assert all("due_on" in form.errors for form in task_forms[1:])


def test_a_lead_unit_outside_the_issuing_unit_is_refused(client, city, city_officer, tree):
    client.force_login(city_officer)
    review = start(client, city, seed_text("001"))
    data = post_data(
        review.context["forms"],
        **{
            "tasks-1-lead_unit": str(tree.commune_a.pk),
            "tasks-1-due_on": "2023-12-15",
            "tasks-2-due_on": "2023-12-15",
            "tasks-3-due_on": "2023-12-31",
        },
    )
    response = client.post(REVIEW, data)
    assert response.status_code == 200
    assert "lead_unit" in response.context["forms"].tasks.forms[1].errors
    assert nothing_saved()


def test_an_unticked_task_and_section_are_left_out(client, city, city_officer):
    client.force_login(city_officer)
    review = start(client, city, seed_text("001"))
    data = post_data(
        review.context["forms"],
        **{
            "sections-1-include": None,
            "tasks-1-include": None,
            "tasks-1-due_on": "",
            "tasks-2-due_on": "2023-12-15",
            "tasks-3-due_on": "2023-12-31",
        },
    )
    assert client.post(REVIEW, data).status_code == 302
    plan = Plan.objects.get()
    assert plan.sections.count() == 2
    assert plan.tasks.count() == 3
    assert not plan.tasks.filter(lead_unit__name="Phòng Nội vụ").exists()


def test_a_news_article_gives_coverage_requirements(client, tree, province_officer):
    client.force_login(province_officer)
    review = start(client, tree.province, seed_text("002"))
    forms_ = review.context["forms"]
    assert len(forms_.reqs.forms) == 2
    changes = {f"tasks-{i}-include": None for i in range(5)}
    response = client.post(REVIEW, post_data(forms_, **changes))
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.number, plan.symbol, plan.issued_on) == ("202", "KH/BDVTU", D(2024, 9, 6))
    requirements = list(plan.coverage_requirements.order_by("pk"))
    assert [(r.unit_kind, r.activity_type.code, r.starts_on, r.ends_on) for r in requirements] == [
        ("party", "themed-meeting", D(2024, 10, 1), D(2024, 10, 31)),
        ("commune", "listening-conference", D(2024, 10, 1), D(2024, 10, 31)),
    ]
    assert requirements[0].unit == tree.province
    assert requirements[0].citation == "Kế hoạch số 202-KH/BDVTU"


def test_a_docx_upload_is_read(client, tree, province_officer):
    client.force_login(province_officer)
    document = docx.Document()
    for line in seed_text("003").splitlines():
        if line.strip():
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    upload = SimpleUploadedFile("ke-hoach.docx", out.getvalue())
    response = client.post(START, {"unit": tree.province.pk, "file": upload})
    assert response.status_code == 302
    review = client.get(REVIEW)
    assert review.context["forms"].plan.initial["number"] == "8041"
    assert [f.initial["number"] for f in review.context["forms"].bases.forms] == [
        "509-CV/BCSĐ",
        "17-ĐA/TU",
    ]


def test_the_issuing_unit_is_suggested_when_not_chosen(client, city, city_officer):
    client.force_login(city_officer)
    response = client.post(START, {"unit": "", "text": seed_text("001")})
    assert response.status_code == 302
    review = client.get(REVIEW)
    assert review.context["unit"] == city
    assert review.context["suggested"] is True
    assert 'data-testid="unit-suggested"' in review.content.decode()


def test_changing_the_issuing_unit_matches_again(client, city, city_officer):
    client.force_login(city_officer)
    start(client, city, seed_text("001"))
    office_unit = office(city, "Phòng Nội vụ")
    response = client.post(REVIEW, {"action": "unit", "issuer-unit": office_unit.pk})
    assert response.status_code == 302
    assert client.session[SESSION_KEY]["unit"] == office_unit.pk


def test_discard_forgets_the_proposal(client, city, city_officer):
    client.force_login(city_officer)
    start(client, city, seed_text("001"))
    response = client.post(REVIEW, {"action": "discard"})
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get(REVIEW).status_code == 302  # back to the upload


# --------------------------------------------------------------- bad input


def test_a_text_with_nothing_usable_shows_what_could_not_be_read(client, city, city_officer):
    client.force_login(city_officer)
    response = client.post(START, {"unit": city.pk, "text": "Xin chào.\nMột đoạn văn thường."})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="import-problems"' in content
    assert SESSION_KEY not in client.session
    assert "Một đoạn văn thường." in content  # the text is kept
    assert nothing_saved()


def test_neither_file_nor_text_is_refused(client, city, city_officer):
    client.force_login(city_officer)
    response = client.post(START, {"unit": city.pk, "text": "  "})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def legacy_doc_bytes() -> bytes:
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return head + "WordDocument".encode("utf-16-le") + b"\x00" * 2048


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def test_a_legacy_doc_is_refused_with_a_message_to_save_as_docx(client, city, city_officer):
    client.force_login(city_officer)
    client.cookies["django_language"] = "en"
    upload = SimpleUploadedFile("ke-hoach.doc", legacy_doc_bytes())
    response = client.post(START, {"unit": city.pk, "file": upload})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert ".docx" in errors[0]
    assert response.context["form"]["unit"].value() == str(city.pk)  # the form is kept
    assert SESSION_KEY not in client.session


def test_an_image_is_refused(client, city, city_officer):
    client.force_login(city_officer)
    upload = SimpleUploadedFile("scan.docx", png_bytes())  # the name does not matter
    response = client.post(START, {"unit": city.pk, "file": upload})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert SESSION_KEY not in client.session


# --------------------------------------------------------------- permissions


def test_a_commune_officer_cannot_import_into_another_commune(client, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.post(START, {"unit": tree.commune_b.pk, "text": seed_text("001")})
    assert response.status_code == 404
    assert SESSION_KEY not in client.session
    # Nor switch a proposal of their own to the other commune.
    start(client, tree.commune_a, seed_text("001"))
    response = client.post(REVIEW, {"action": "unit", "issuer-unit": tree.commune_b.pk})
    assert response.status_code == 404
    assert client.session[SESSION_KEY]["unit"] == tree.commune_a.pk
    assert not Plan.objects.exists()


def test_a_commune_officer_sees_only_their_own_units(client, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.get(START)
    units = set(response.context["form"].fields["unit"].queryset)
    assert tree.commune_a in units
    assert tree.commune_b not in units
    assert tree.province not in units


def test_an_observer_cannot_import(client, tree, observer):
    client.force_login(observer)
    assert client.get(START).status_code == 403


def test_the_review_needs_a_login(client):
    response = client.get(REVIEW)
    assert response.status_code == 302
    assert "login" in response["Location"]
