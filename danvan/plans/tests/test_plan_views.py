"""Plan list and export, the plan form, sections, legal basis, attachments and downloads."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from danvan.orgs.models import Role, UnitKind
from danvan.orgs.selectors import SESSION_WORKING_UNIT
from danvan.orgs.tests.factories import make_child
from danvan.plans import services
from danvan.plans.models import (
    Attachment,
    LegalDocument,
    Plan,
    PlanBasis,
    PlanSection,
    PlanStatus,
    TaskStatus,
)
from danvan.plans.tests.factories import (
    days_ago,
    issued_plan_with_task,
    make_activity,
    make_plan,
    make_task,
    member,
    officer,
    small_tree,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name="ke-hoach.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def listed(client, **params) -> list[Plan]:
    response = client.get(reverse("plans:plan_list"), params)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def sheet_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def directive(actor, **fields) -> LegalDocument:
    data = {
        "number": "33/CT-TTg",
        "doc_type": "directive",
        "issuer": "Thủ tướng Chính phủ",
        "issued_on": dt.date(2021, 11, 26),
        "title": "Tăng cường và nâng cao hiệu quả công tác dân vận",
        **fields,
    }
    return services.save_document(actor=actor, data=data)


@pytest.fixture
def scene():
    """Plans across a small tree: what commune A's officer must and must not see."""
    t = small_tree()
    plans = {
        "own_draft": make_plan(t.commune_a, title="Dự thảo kế hoạch xã An Bình"),
        "own_issued": make_plan(t.commune_a, issued=True, title="Kế hoạch xã An Bình"),
        "province_issued": make_plan(t.province, issued=True, title="Kế hoạch dân vận của tỉnh"),
        "province_draft": make_plan(t.province, title="Dự thảo của tỉnh"),
        "other_issued": make_plan(t.commune_b, issued=True, title="Kế hoạch xã Bình Minh"),
        "other_draft": make_plan(t.commune_b, title="Dự thảo xã Bình Minh"),
    }
    return t, plans


# ------------------------------------------------------------------ list: scope


def test_a_commune_officer_sees_its_plans_and_issued_province_plans_only(client, scene):
    t, plans = scene
    client.force_login(officer(t.commune_a))
    assert set(listed(client)) == {
        plans["own_draft"],
        plans["own_issued"],
        plans["province_issued"],
    }
    # Filtering on another commune's subtree finds nothing of it.
    assert listed(client, unit=t.commune_b.pk) == []
    client.force_login(officer(t.province))  # the province sees all under it, drafts too
    assert set(listed(client)) == set(plans.values())


def test_the_export_holds_the_filtered_list_within_scope(client, scene):
    t, plans = scene
    plan, _task = issued_plan_with_task(t.department, t.commune_a)  # names commune A only
    client.force_login(officer(t.commune_b))
    response = client.get(reverse("plans:plan_list_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    references = {row[0] for row in sheet_rows(response)[1:]}
    assert references == {
        plans["province_issued"].reference,
        plans["other_issued"].reference,
        plans["other_draft"].reference,
    }
    assert plans["own_issued"].reference not in references
    assert plan.reference not in references
    client.force_login(officer(t.commune_a))
    rows = sheet_rows(client.get(reverse("plans:plan_list_xlsx"), {"q": plan.reference}))
    assert len(rows) == 2
    assert rows[1][0] == plan.reference
    assert rows[1][3] == t.department.name
    assert rows[1][9:13] == [1, 1, 0, 0]


def test_search_filters_and_sort(client):
    t = small_tree()
    user = officer(t.province)
    dvk = make_plan(
        t.province,
        issued=True,
        number="5584",
        title="Triển khai phong trào thi đua “Dân vận khéo” năm 2026",
        issued_on=days_ago(10),
    )
    old = make_plan(t.province, issued=True, number="99", issued_on=dt.date(2024, 3, 1))
    child = make_plan(
        t.commune_a, issued=True, number="12", parent=dvk, issued_on=days_ago(5), kind="programme"
    )
    draft = make_plan(t.commune_a, number="1000", title="An toàn giao thông")
    client.force_login(user)
    assert listed(client, q="5584/kh-ubnd") == [dvk]
    assert listed(client, q="dan van kheo") == [dvk]
    assert listed(client, status="draft") == [draft]
    assert listed(client, kind="programme") == [child]
    assert set(listed(client, unit=t.commune_a.pk)) == {child, draft}
    assert listed(client, parent=dvk.pk) == [child]
    assert listed(client, year="2024") == [old]
    assert listed(client, sort="number") == [child, old, draft, dvk]  # 12, 99, 1000, 5584
    assert listed(client, sort="-number") == [dvk, draft, old, child]
    assert listed(client, sort="title")[0] == draft
    assert listed(client, sort="date") == [old, draft, dvk, child]
    assert listed(client) == [child, dvk, draft, old]


def test_list_htmx_answers_the_results_partial(client, scene):
    t, _plans = scene
    client.force_login(officer(t.commune_a))
    response = client.get(
        reverse("plans:plan_list"), {"status": "issued"}, headers={"HX-Request": "true"}
    )
    assert response.templates[0].name == "plans/partials/plan_results.html"
    assert b"<html" not in response.content
    assert response.content.count(b'data-testid="plan-row"') == 2


def test_list_counts_tasks_in_a_constant_number_of_queries(client, django_assert_max_num_queries):
    t = small_tree()
    user = officer(t.province)
    client.force_login(user)

    def plan_with_tasks():
        plan = make_plan(t.province)
        make_task(plan, lead=t.commune_a)
        make_task(plan, lead=t.commune_b, due_on=days_ago(0) + dt.timedelta(days=3))
        plan = services.issue_plan(actor=user, plan=plan)
        late, done = list(plan.tasks.all())
        late.current_due = days_ago(2)
        late.save(update_fields=["current_due"])
        done.status = TaskStatus.DONE
        done.save(update_fields=["status"])
        return plan

    for _ in range(2):
        plan_with_tasks()
    url = reverse("plans:plan_list")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(18):
        plan_with_tasks()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 20
    row = response.context["page"].object_list[0]
    assert (row.n_tasks, row.n_open, row.n_overdue, row.n_done) == (2, 1, 1, 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("plans:plan_list_xlsx"))


# ------------------------------------------------------------------ new plan


def test_new_plan_form_defaults_from_the_working_unit(client):
    t = small_tree()
    user = officer(t.commune_a)
    client.force_login(user)
    session = client.session
    session[SESSION_WORKING_UNIT] = t.commune_a.pk
    session.save()
    form = client.get(reverse("plans:plan_new")).context["form"]
    assert form["unit"].value() == t.commune_a.pk
    assert form["symbol"].value() == "KH-UBND"
    assert form["place"].value() == "An Bình"
    # Choices: the units the officer writes for, nothing of commune B.
    assert set(form.fields["unit"].queryset) == {t.commune_a, t.cell_a}
    # Recipients: units of the officer's province.
    assert t.commune_b in form.fields["recipient_units"].queryset


def test_symbol_and_place_defaults_by_unit_kind(client):
    from danvan.plans.forms_plans import unit_defaults

    t = small_tree()
    committee = make_child(t.commune_a, kind=UnitKind.PARTY, name="Đảng ủy xã An Bình")
    units = [t.province, t.department, t.commune_a, t.cell_a, committee]
    found = unit_defaults(units)
    assert [found[u.pk].symbol for u in units] == ["KH-UBND", "KH-SNV", "KH-UBND", "KH/CB", "KH/ĐU"]
    for unit in units:
        assert found[unit.pk].place == services.default_place(unit)
    client.force_login(officer(t.province))
    content = client.get(reverse("plans:plan_new")).content.decode()
    assert 'data-symbol="KH/CB" data-place="An Bình"' in content


def test_create_a_plan_and_land_on_its_page(client, scene):
    t, plans = scene
    user = officer(t.commune_a)
    client.force_login(user)
    response = client.post(
        reverse("plans:plan_new"),
        {
            "unit": t.commune_a.pk,
            "kind": "plan",
            "number": "",
            "symbol": "",
            "issued_on": "",
            "place": "",
            "title": "Thực hiện công tác dân vận năm 2026",
            "subject": "Dân vận chính quyền",
            "parent": plans["province_issued"].pk,
            "signer_name": "Trần Văn Ký",
            "signer_title": "CHỦ TỊCH",
            "recipient_units": [t.cell_a.pk, t.province.pk],
            "recipients_text": "- Lưu: VT.",
        },
    )
    plan = Plan.objects.get(title="Thực hiện công tác dân vận năm 2026")
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    assert (plan.unit, plan.status, plan.created_by) == (t.commune_a, PlanStatus.DRAFT, user)
    assert (plan.symbol, plan.place, plan.reference) == ("KH-UBND", "An Bình", "…/KH-UBND")
    assert plan.parent == plans["province_issued"]
    assert set(plan.recipient_units.all()) == {t.cell_a, t.province}


def test_parent_is_preselected_from_the_link_when_the_user_sees_it(client, scene):
    t, plans = scene
    client.force_login(officer(t.commune_a))
    url = reverse("plans:plan_new")
    parent = plans["province_issued"]
    form = client.get(url, {"parent": parent.pk}).context["form"]
    assert form["parent"].value() == parent.pk
    assert form["title"].value() == (
        f"Thực hiện Kế hoạch số {parent.reference} của {t.province.name}"
    )
    form = client.get(url, {"parent": plans["other_issued"].pk}).context["form"]
    assert form["parent"].value() is None
    assert plans["other_issued"] not in form.fields["parent"].queryset
    assert plans["province_draft"] not in form.fields["parent"].queryset


def test_bad_input_keeps_what_was_typed_and_answers_in_vietnamese(client, scene):
    t, plans = scene
    client.force_login(officer(t.commune_a))
    url = reverse("plans:plan_new")
    base = {"unit": t.commune_a.pk, "kind": "plan", "number": "77", "symbol": "KH-UBND"}
    response = client.post(url, {**base, "title": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["Trường này là bắt buộc."]
    assert 'value="77"' in response.content.decode()
    # Another commune's plan, or a unit the officer does not write for: refused by the form.
    response = client.post(
        url, {**base, "title": "Kế hoạch thử", "parent": plans["other_issued"].pk}
    )
    assert "parent" in response.context["form"].errors
    assert "Kế hoạch thử" in response.content.decode()
    response = client.post(url, {**base, "unit": t.commune_b.pk, "title": "Kế hoạch thử"})
    assert "unit" in response.context["form"].errors
    assert not Plan.objects.filter(title="Kế hoạch thử").exists()


def test_only_write_roles_draft_plans(client):
    t = small_tree()
    client.force_login(member(t.province, Role.OBSERVER))
    assert client.get(reverse("plans:plan_new")).status_code == 403


# ------------------------------------------------------------------ edit


def test_edit_a_draft(client, scene):
    t, plans = scene
    plan = plans["own_draft"]
    client.force_login(officer(t.commune_a))
    url = reverse("plans:plan_edit", args=[plan.pk])
    form = client.get(url).context["form"]
    assert form["title"].value() == plan.title
    assert "unit" not in form.fields
    response = client.post(
        url,
        {
            "kind": "plan",
            "number": "15",
            "symbol": "KH-UBND",
            "issued_on": days_ago(1).isoformat(),
            "place": "An Bình",
            "title": "Kế hoạch đã sửa",
            "recipient_units": [t.cell_a.pk],
            "parent": plans["province_issued"].pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    plan.refresh_from_db()
    assert (plan.title, plan.reference, plan.parent) == (
        "Kế hoạch đã sửa",
        "15/KH-UBND",
        plans["province_issued"],
    )
    assert list(plan.recipient_units.all()) == [t.cell_a]


def test_an_issued_plan_is_not_edited(client, scene, settings):
    t, plans = scene
    plan = plans["own_issued"]
    client.force_login(officer(t.commune_a))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("plans:plan_edit", args=[plan.pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain[0] == (plan.get_absolute_url(), 302)
    assert "is issued: its content can no longer be changed" in " ".join(
        str(m) for m in response.context["messages"]
    )
    response = client.post(url, {"kind": "plan", "symbol": "KH-UBND", "title": "Đổi tên"})
    assert response.status_code == 302
    for name, data in [
        ("section_new", {"kind": "content", "heading": "II. NỘI DUNG"}),
        ("basis_add", {"mode": "existing", "document": directive(officer(t.province)).pk}),
        ("attachment_add", {"files": [pdf()]}),
    ]:
        assert client.post(reverse(f"plans:{name}", args=[plan.pk]), data).status_code == 302
    plan.refresh_from_db()
    assert plan.title != "Đổi tên"
    assert not plan.sections.exists()
    assert not plan.bases.exists()
    assert not plan.attachments.exists()
    # htmx is told to load the plan's page rather than swap a fragment.
    response = client.post(
        reverse("plans:section_new", args=[plan.pk]), {}, headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == plan.get_absolute_url()


def test_a_reader_of_the_unit_cannot_edit_its_draft(client, scene):
    t, plans = scene
    client.force_login(member(t.commune_a, Role.OBSERVER))
    plan = plans["own_draft"]
    assert client.get(plan_url("plan_edit", plan)).status_code == 403
    assert client.post(plan_url("section_new", plan), {"heading": "X"}).status_code == 403


def plan_url(name, obj) -> str:
    return reverse(f"plans:{name}", args=[obj.pk])


def test_another_commune_reaches_none_of_the_editing_pages(client, scene):
    t, plans = scene
    user_a = officer(t.commune_a)
    draft = plans["own_draft"]
    section = services.save_section(
        actor=user_a, plan=draft, data={"kind": "purpose", "heading": "I. MỤC ĐÍCH, YÊU CẦU"}
    )
    basis = services.add_basis(actor=user_a, plan=draft, document=directive(user_a))
    client.force_login(officer(t.commune_b))
    for plan in (draft, plans["own_issued"]):
        for name in ("plan_edit", "section_new", "basis_add", "attachment_add"):
            assert client.get(plan_url(name, plan)).status_code == 404, name
            assert client.post(plan_url(name, plan), {}).status_code == 404, name
    assert client.get(plan_url("section_edit", section)).status_code == 404
    assert client.post(plan_url("section_move", section), {"direction": "up"}).status_code == 404
    assert client.post(plan_url("section_delete", section)).status_code == 404
    assert client.post(plan_url("basis_remove", basis)).status_code == 404
    assert PlanSection.objects.filter(pk=section.pk).exists()
    assert PlanBasis.objects.filter(pk=basis.pk).exists()


# ------------------------------------------------------------------ sections


def test_sections_are_added_in_order_moved_and_removed(client, scene):
    t, plans = scene
    plan = plans["own_draft"]
    client.force_login(officer(t.commune_a))
    new = plan_url("section_new", plan)
    assert client.get(new).context["form"]["heading"].value() == "I. MỤC ĐÍCH, YÊU CẦU"
    response = client.post(
        new, {"kind": "purpose", "heading": "I. MỤC ĐÍCH, YÊU CẦU", "body": "1. Mục đích"}
    )
    assert response["Location"] == f"{plan.get_absolute_url()}#sections"
    form = client.get(new).context["form"]
    assert (form["kind"].value(), form["heading"].value()) == ("content", "II. NỘI DUNG")
    response = client.post(
        new, {"kind": "content", "heading": "II. NỘI DUNG", "body": "", "then": "another"}
    )
    assert response["Location"] == new
    client.post(new, {"kind": "organisation", "heading": "III. TỔ CHỨC THỰC HIỆN"})

    def headings():
        return [s.heading for s in plan.sections.all()]

    assert headings() == ["I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "III. TỔ CHỨC THỰC HIỆN"]
    last = plan.sections.get(kind="organisation")
    response = client.post(plan_url("section_move", last), {"direction": "up"})
    assert response.status_code == 302
    assert headings() == ["I. MỤC ĐÍCH, YÊU CẦU", "III. TỔ CHỨC THỰC HIỆN", "II. NỘI DUNG"]
    response = client.post(
        plan_url("section_move", last), {"direction": "up"}, headers={"HX-Request": "true"}
    )
    assert response.templates[0].name == "plans/partials/plan_sections_editor.html"
    assert headings() == ["III. TỔ CHỨC THỰC HIỆN", "I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG"]
    client.post(plan_url("section_move", last), {"direction": "up"})  # already first
    assert headings()[0] == "III. TỔ CHỨC THỰC HIỆN"
    assert client.post(plan_url("section_move", last), {"direction": "x"}).status_code == 400
    client.post(plan_url("section_move", last), {"direction": "down"})
    assert headings() == ["I. MỤC ĐÍCH, YÊU CẦU", "III. TỔ CHỨC THỰC HIỆN", "II. NỘI DUNG"]
    # Edit, then remove.
    edit = plan_url("section_edit", last)
    assert client.get(edit).context["form"]["heading"].value() == "III. TỔ CHỨC THỰC HIỆN"
    client.post(edit, {"kind": "organisation", "heading": "II. TỔ CHỨC THỰC HIỆN", "body": "Giao…"})
    last.refresh_from_db()
    assert (last.heading, last.body) == ("II. TỔ CHỨC THỰC HIỆN", "Giao…")
    response = client.post(plan_url("section_delete", last), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert headings() == ["I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG"]
    assert client.get(plan_url("section_delete", plan.sections.first())).status_code == 405


def test_a_section_without_heading_keeps_its_text(client, scene):
    t, plans = scene
    plan = plans["own_draft"]
    client.force_login(officer(t.commune_a))
    response = client.post(
        plan_url("section_new", plan), {"kind": "content", "heading": "", "body": "Đoạn văn"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["heading"] == ["Trường này là bắt buộc."]
    assert "Đoạn văn" in response.content.decode()
    assert not plan.sections.exists()


# ------------------------------------------------------------------ legal basis


def test_cite_a_register_entry_once(client, scene):
    t, plans = scene
    plan = plans["own_draft"]
    entry = directive(officer(t.province))
    client.force_login(officer(t.commune_a))
    url = plan_url("basis_add", plan)
    # Without script: the search is a GET on the same page.
    response = client.get(url, {"q": "33/ct-ttg"})
    assert response.context["results"] == [entry]
    response = client.post(url, {"mode": "existing", "document": entry.pk, "text": ""})
    assert response["Location"] == f"{plan.get_absolute_url()}#basis"
    basis = plan.bases.get()
    assert basis.line.startswith("Căn cứ Chỉ thị số 33/CT-TTg ngày 26/11/2021")
    response = client.post(url, {"mode": "existing", "document": entry.pk, "text": "Căn cứ lại"})
    assert response.status_code == 400
    assert response.context["pick_form"].errors["document"]
    assert "Căn cứ lại" in response.content.decode()
    assert plan.bases.count() == 1
    response = client.get(url, {"q": "33"})
    assert entry.pk in response.context["cited"]
    response = client.post(url, {"mode": "existing", "document": ""})
    assert response.status_code == 400
    assert response.context["pick_form"].errors["document"]


def test_register_a_new_document_inline_and_cite_it(client, scene):
    t, plans = scene
    plan = plans["own_draft"]
    client.force_login(officer(t.commune_a))
    url = plan_url("basis_add", plan)
    data = {
        "mode": "new",
        "new-number": "1243/KH-UBND",
        "new-doc_type": "plan",
        "new-issuer": "UBND tỉnh Tây Ninh",
        "new-issued_on": "2022-05-10",
        "new-title": "Thực hiện Chỉ thị 33/CT-TTg",
        "new-text": "",
        "then": "another",
    }
    response = client.post(url, data)
    assert response["Location"] == url
    entry = LegalDocument.objects.get(number="1243/KH-UBND")
    assert entry.registered_by_unit == t.commune_a
    assert [b.document for b in plan.bases.all()] == [entry]
    # The same number and date again: the register refuses it; nothing else is cited.
    response = client.post(url, {**data, "new-number": "1243/kh-ubnd", "new-text": "Dòng"})
    assert response.status_code == 400
    assert response.context["new_form"].errors["number"]
    assert response.context["mode"] == "new"
    assert 'value="1243/kh-ubnd"' in response.content.decode()
    assert LegalDocument.objects.filter(number_key="1243/kh-ubnd").count() == 1
    assert plan.bases.count() == 1


def test_remove_a_basis(client, scene):
    t, plans = scene
    plan = plans["own_draft"]
    user = officer(t.commune_a)
    first = services.add_basis(actor=user, plan=plan, document=directive(user))
    second = services.add_basis(actor=user, plan=plan, document=directive(user, number="120/NQ-CP"))
    client.force_login(user)
    response = client.post(plan_url("basis_remove", first))
    assert response["Location"] == f"{plan.get_absolute_url()}#basis"
    response = client.post(plan_url("basis_remove", second), headers={"HX-Request": "true"})
    assert response.templates[0].name == "plans/partials/plan_bases_editor.html"
    assert not plan.bases.exists()
    # The register keeps its entries.
    assert LegalDocument.objects.filter(pk__in=[first.document_id, second.document_id]).count() == 2


# ------------------------------------------------------------------ attachments and downloads


def test_attach_files_and_download_them_with_their_name(client, scene):
    t, plans = scene
    plan = plans["own_draft"]
    client.force_login(officer(t.commune_a))
    response = client.post(
        plan_url("attachment_add", plan), {"files": [pdf("Kế hoạch số 15.pdf"), pdf()]}
    )
    assert response["Location"] == f"{plan.get_absolute_url()}#attachments"
    first = plan.attachments.order_by("pk").first()
    assert plan.attachments.count() == 2
    response = client.get(first.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == "inline; filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%2015.pdf"
    )
    client.force_login(officer(t.province))  # the draft of a unit under it
    assert client.get(first.get_absolute_url()).status_code == 200
    client.force_login(officer(t.commune_b))
    assert client.get(first.get_absolute_url()).status_code == 404
    assert client.get(reverse("plans:attachment_download", args=["0" * 32])).status_code == 404


def test_a_bad_file_is_refused_and_nothing_is_attached(client, scene):
    t, plans = scene
    plan = plans["own_draft"]
    client.force_login(officer(t.commune_a))
    response = client.post(
        plan_url("attachment_add", plan),
        {"files": [pdf(), SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")]},
    )
    assert response.status_code == 200
    assert any("virus.pdf" in e for e in response.context["form"].errors["files"])
    assert not Attachment.objects.exists()
    response = client.post(plan_url("attachment_add", plan), {})
    assert response.status_code == 200, response
    assert response.context["form"].errors["files"]


def test_download_checks_the_owner_of_every_kind_of_file(client):
    t = small_tree()
    user_a = officer(t.commune_a)
    # A register entry's file: every signed-in user reads the register.
    entry = services.save_document(
        actor=user_a,
        unit=t.commune_a,
        data={
            "number": "5/HD",
            "doc_type": "guide",
            "issuer": "Ban Dân vận",
            "title": "Hướng dẫn",
        },
        files=[pdf("huong-dan.pdf")],
    )
    # Evidence of progress on a task led by commune A, and of commune A's activity.
    _plan, task = issued_plan_with_task(t.department, t.commune_a)
    update = services.record_progress(
        actor=user_a,
        task=task,
        data={"progress": 40, "status": "in_progress", "text": "Đã họp triển khai"},
        files=[pdf("bien-ban.pdf")],
    )
    activity = make_activity(t.commune_a)
    on_activity = services.attach(pdf("anh.pdf"), actor=user_a, activity=activity)
    files = {
        "document": entry.files.get(),
        "update": update.evidence.get(),
        "activity": on_activity,
    }
    client.force_login(officer(t.commune_b))
    assert client.get(files["document"].get_absolute_url()).status_code == 200
    assert client.get(files["update"].get_absolute_url()).status_code == 404
    assert client.get(files["activity"].get_absolute_url()).status_code == 404
    client.force_login(user_a)
    for name, attachment in files.items():
        assert client.get(attachment.get_absolute_url()).status_code == 200, name
    client.force_login(officer(t.department))  # issued the plan: sees its tasks' evidence
    assert client.get(files["update"].get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(files["document"].get_absolute_url()).status_code == 302  # to log in
