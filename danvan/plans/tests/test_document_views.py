"""The legal documents register: search, filters, an entry's page, register and correct, lookup."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from danvan.orgs.models import Role
from danvan.plans import services
from danvan.plans.models import Attachment, LegalDocument, PlanBasis
from danvan.plans.tests.factories import make_plan, member, officer, small_tree

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def register(actor, unit=None, **fields) -> LegalDocument:
    data = {
        "number": "33/CT-TTg",
        "doc_type": "directive",
        "issuer": "Thủ tướng Chính phủ",
        "issued_on": dt.date(2021, 11, 26),
        "title": "Tăng cường và nâng cao hiệu quả công tác dân vận của cơ quan hành chính nhà nước",
        **fields,
    }
    return services.save_document(actor=actor, data=data, unit=unit)


def rows(client, **params) -> list[LegalDocument]:
    response = client.get(reverse("plans:document_list"), params)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


# ------------------------------------------------------------------ list and search


def test_search_by_number_in_any_case_and_spacing_and_by_words_without_accents(client):
    t = small_tree()
    user = officer(t.province)
    directive = register(user)
    conclusion = register(
        user,
        number="01-KL/TW",
        doc_type="conclusion",
        issuer="Ban Bí thư",
        issued_on=dt.date(2021, 5, 18),
        title="Tiếp tục thực hiện Chỉ thị 05-CT/TW về học tập và làm theo Bác",
    )
    client.force_login(officer(t.commune_a))
    assert rows(client, q="33/ct-ttg") == [directive]
    assert rows(client, q="33/CT - TTg") == [directive]
    assert rows(client, q="33/ct\u2013ttg") == [directive]  # an en dash typed for the hyphen
    assert rows(client, q="dan van hanh chinh") == [directive]
    assert rows(client, q="ban bi thu") == [conclusion]
    assert rows(client, q="nothing like this") == []


def test_filters_by_type_issuer_year_and_sorts(client):
    t = small_tree()
    user = officer(t.province)
    directive = register(user)
    older = register(
        user,
        number="1243/KH-UBND",
        doc_type="plan",
        issuer="Ủy ban nhân dân tỉnh Tây Ninh",
        issued_on=dt.date(2019, 4, 2),
        title="Thực hiện công tác dân vận chính quyền",
    )
    resolution = register(
        user,
        number="120/NQ-CP",
        doc_type="resolution",
        issuer="Chính phủ",
        issued_on=dt.date(2021, 9, 29),
        title="Về chương trình tổng thể cải cách hành chính",
    )
    client.force_login(user)
    assert rows(client, type="plan") == [older]
    assert rows(client, issuer="thu tuong") == [directive]  # accents optional
    assert rows(client, issuer="ủy ban") == [older]
    assert set(rows(client, year="2021")) == {directive, resolution}
    assert rows(client) == [directive, resolution, older]  # newest first
    assert rows(client, sort="date") == [older, resolution, directive]
    assert rows(client, sort="number") == [directive, resolution, older]  # 33, 120, 1243
    assert rows(client, sort="-number") == [older, resolution, directive]
    assert rows(client, type="nonsense", year="abc", sort="x") == [directive, resolution, older]


def test_list_htmx_answers_the_results_partial(client):
    t = small_tree()
    register(officer(t.province))
    client.force_login(officer(t.commune_b))
    response = client.get(
        reverse("plans:document_list"), {"q": "33"}, headers={"HX-Request": "true"}
    )
    assert response.templates[0].name == "plans/partials/document_results.html"
    assert b"<html" not in response.content
    assert b'data-testid="document-row"' in response.content


def test_list_uses_a_constant_number_of_queries(client, django_assert_max_num_queries):
    t = small_tree()
    user = officer(t.province)
    client.force_login(user)
    for n in range(2):
        register(user, number=f"{n + 1}/CT-TTg")
    url = reverse("plans:document_list")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(2, 20):
        register(user, number=f"{n + 1}/CT-TTg")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 20


# ------------------------------------------------------------------ one entry


def test_entry_page_shows_files_and_only_the_citing_plans_the_user_sees(client):
    t = small_tree()
    directive = register(officer(t.province), unit=t.province)
    services.save_document(
        actor=officer(t.province),
        document=directive,
        data={},
        files=[SimpleUploadedFile("Chỉ thị 33.pdf", PDF)],
    )
    plan_a = make_plan(t.commune_a, title="Kế hoạch dân vận xã An Bình")
    services.add_basis(actor=officer(t.commune_a), plan=plan_a, document=directive)
    plan_p = make_plan(t.province, issued=True)  # issued, but does not cite it
    # An issued province plan citing it (cited before issuing: content changes while draft).
    draft_p = make_plan(t.province)
    services.add_basis(actor=officer(t.province), plan=draft_p, document=directive)
    issued_p = services.issue_plan(actor=officer(t.province), plan=draft_p)

    client.force_login(officer(t.commune_b))
    response = client.get(directive.get_absolute_url())
    assert response.status_code == 200
    citing = {b.plan for b in response.context["citations"]}
    assert citing == {issued_p}  # commune A's draft is not commune B's to see
    assert [f.original_name for f in response.context["files"]] == ["Chỉ thị 33.pdf"]
    assert not response.context["can_change"]

    client.force_login(officer(t.commune_a))
    citing = {b.plan for b in client.get(directive.get_absolute_url()).context["citations"]}
    assert citing == {plan_a, issued_p}
    assert plan_p not in citing


def test_entry_of_a_plan_links_the_plan_only_for_those_who_see_it(client):
    t = small_tree()
    plan = make_plan(t.commune_a, issued=True)
    entry = LegalDocument.objects.get(plan=plan)
    client.force_login(officer(t.commune_a))
    assert client.get(entry.get_absolute_url()).context["danvan_plan"] == plan
    client.force_login(officer(t.commune_b))
    response = client.get(entry.get_absolute_url())
    assert response.status_code == 200  # the register is shared
    assert response.context["danvan_plan"] is None
    assert plan.get_absolute_url().encode() not in response.content


def test_unknown_entry_is_not_found(client):
    t = small_tree()
    client.force_login(officer(t.commune_a))
    assert client.get(reverse("plans:document_detail", args=[99999])).status_code == 404


# ------------------------------------------------------------------ register and correct


def test_register_a_document_with_its_file(client):
    t = small_tree()
    user = officer(t.commune_a)
    client.force_login(user)
    response = client.post(
        reverse("plans:document_new"),
        {
            "number": "01-KL/TW",
            "doc_type": "conclusion",
            "issuer": "Ban Bí thư",
            "issued_on": "2021-05-18",
            "issuer_unit": "",
            "title": "Tiếp tục thực hiện Chỉ thị 05-CT/TW",
            "files": [SimpleUploadedFile("ket-luan.pdf", PDF)],
        },
    )
    document = LegalDocument.objects.get(number="01-KL/TW")
    assert response.status_code == 302
    assert response["Location"] == document.get_absolute_url()
    assert document.registered_by_unit == t.commune_a
    assert document.created_by == user
    assert [a.original_name for a in document.files.all()] == ["ket-luan.pdf"]


def test_bad_input_keeps_what_was_typed_and_answers_in_vietnamese(client):
    t = small_tree()
    register(officer(t.province))
    client.force_login(officer(t.commune_a))
    url = reverse("plans:document_new")
    response = client.post(
        url,
        {
            "number": "33/CT-TTG",
            "doc_type": "directive",
            "issuer": "Thủ tướng",
            "issued_on": "2021-11-26",
            "title": "",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["title"] == ["Trường này là bắt buộc."]
    assert 'value="Thủ tướng"' in response.content.decode()
    # The same number and date again: refused beside the number, nothing registered.
    data = {
        "number": "33/ct-ttg",
        "doc_type": "directive",
        "issuer": "Thủ tướng",
        "issued_on": "2021-11-26",
        "title": "Bản trùng",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Chỉ thị số 33/CT-TTg ngày 26/11/2021" in response.context["form"].errors["number"][0]
    assert "Bản trùng" in response.content.decode()
    assert LegalDocument.objects.count() == 1


def test_a_file_is_judged_by_its_content(client):
    t = small_tree()
    client.force_login(officer(t.commune_a))
    response = client.post(
        reverse("plans:document_new"),
        {
            "number": "5/HD-BDVTW",
            "doc_type": "guide",
            "issuer": "Ban Dân vận Trung ương",
            "title": "Hướng dẫn",
            "files": [SimpleUploadedFile("guide.pdf", b"not a pdf at all")],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert not LegalDocument.objects.exists()
    assert not Attachment.objects.exists()


def test_only_write_roles_register_and_only_the_registering_unit_corrects(client):
    t = small_tree()
    entry = register(officer(t.commune_a), unit=t.commune_a)
    client.force_login(member(t.province, Role.OBSERVER))
    assert client.get(reverse("plans:document_new")).status_code == 403
    client.force_login(officer(t.commune_b))
    edit = reverse("plans:document_edit", args=[entry.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"number": "X", "doc_type": "law", "issuer": "x", "title": "x"})
    entry.refresh_from_db()
    assert entry.number == "33/CT-TTg"
    client.force_login(officer(t.commune_a))
    response = client.post(
        edit,
        {
            "number": "33/CT-TTg",
            "doc_type": "directive",
            "issuer": "Thủ tướng Chính phủ",
            "issued_on": "2021-11-26",
            "title": "Tăng cường công tác dân vận",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Tăng cường công tác dân vận"


# ------------------------------------------------------------------ lookup


def test_lookup_answers_json_and_marks_documents_the_plan_already_cites(client):
    t = small_tree()
    directive = register(officer(t.province))
    plan = make_plan(t.commune_a)
    services.add_basis(actor=officer(t.commune_a), plan=plan, document=directive)
    client.force_login(officer(t.commune_a))
    url = reverse("plans:document_lookup")
    data = client.get(url, {"q": "33/ct-ttg", "plan": plan.pk}).json()
    assert [r["id"] for r in data["results"]] == [directive.pk]
    assert data["results"][0]["cited"] is True
    assert data["results"][0]["citation"].startswith("Chỉ thị số 33/CT-TTg ngày 26/11/2021")
    assert client.get(url, {"q": ""}).json()["results"] == []
    # Another commune's plan tells nothing about what it cites.
    client.force_login(officer(t.commune_b))
    data = client.get(url, {"q": "chi thi 33", "plan": plan.pk}).json()
    assert data["results"][0]["cited"] is False


def test_lookup_htmx_fragment_has_radio_buttons_and_at_most_twenty(client):
    t = small_tree()
    user = officer(t.province)
    for n in range(25):
        register(user, number=f"{n + 1}/KH-UBND", doc_type="plan", title=f"Kế hoạch dân vận {n}")
    client.force_login(user)
    response = client.get(
        reverse("plans:document_lookup"), {"q": "ke hoach dan van"}, headers={"HX-Request": "true"}
    )
    assert response.templates[0].name == "plans/partials/document_lookup.html"
    assert response.content.decode().count('name="document"') == 20
    assert PlanBasis.objects.count() == 0
