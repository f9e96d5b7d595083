"""Report forms: the list, the versions page, and the editor (frozen versions make new ones)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.kpis.models import Indicator
from danvan.reports.models import FormVersion, Period, ReportForm, ReportSection
from danvan.reports.rollups import period_rollup
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db

LIST = reverse("reports:form_list")
NEW = reverse("reports:form_create")


def _post(report_form: ReportForm | None, version: FormVersion | None, **overrides) -> dict:
    """The editor's POST for ``version``'s content, changed by ``overrides``."""
    sections = overrides.pop("sections", version.sections if version else [])
    fields = overrides.pop(
        "fields",
        [
            {"indicator": x.indicator_id, "required": x.required, "section_key": x.section_key}
            for x in version.fields.order_by("order", "pk")
        ]
        if version
        else [],
    )
    data = {
        "name": report_form.name if report_form else "Biểu mẫu thử",
        "code": report_form.code if report_form else "bieu-mau-thu",
        "doc_symbol": report_form.doc_symbol if report_form else "BC",
        "description": "",
        "is_active": "on",
        "unit_kinds": version.unit_kinds if version else ["commune"],
        "note": "",
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": str(len(sections)),
        "fields-TOTAL_FORMS": str(len(fields)),
        "fields-INITIAL_FORMS": str(len(fields)),
    }
    for i, section in enumerate(sections):
        data[f"sections-{i}-key"] = section["key"]
        data[f"sections-{i}-title"] = section["title"]
        data[f"sections-{i}-guidance"] = section.get("guidance", "")
        data[f"sections-{i}-ORDER"] = str(i + 1)
    for i, field in enumerate(fields):
        data[f"fields-{i}-indicator"] = str(field["indicator"])
        data[f"fields-{i}-section_key"] = field.get("section_key", "")
        data[f"fields-{i}-ORDER"] = str(i + 1)
        if field.get("required"):
            data[f"fields-{i}-required"] = "on"
    data.update(overrides)
    return data


def _seeded() -> ReportForm:
    return ReportForm.objects.get(code=f.FORM_CODE)


def test_everyone_signed_in_reads_the_forms(client):
    tree = f.report_tree()
    client.force_login(f.officer(tree.commune_a))
    response = client.get(LIST)
    assert response.status_code == 200
    assert f'data-code="{f.FORM_CODE}"'.encode() in response.content
    detail = client.get(reverse("reports:form_detail", args=[_seeded().pk]))
    assert detail.status_code == 200
    assert b'data-testid="field"' in detail.content
    assert b'data-testid="edit-form"' not in detail.content


def test_the_list_uses_a_constant_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(f.system_admin())
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for i in range(20):
        form = ReportForm.objects.create(code=f"form-{i}", name=f"Biểu {i}")
        FormVersion.objects.create(form=form, number=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.content.count(b'data-testid="form-row"') >= 21


def test_the_detail_uses_a_constant_number_of_queries(client, django_assert_max_num_queries):
    tree = f.report_tree()
    client.force_login(f.officer(tree.commune_a))
    seeded = _seeded()
    url = reverse("reports:form_detail", args=[seeded.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        f.make_period(tree.province)
    base = seeded.latest_version
    FormVersion.objects.create(form=seeded, number=base.number + 1)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).content.count(b'data-testid="version"') == 2


@pytest.mark.parametrize("who", ["officer", "leader", "reviewer"])
def test_only_a_system_admin_creates_or_edits_forms(client, who):
    tree = f.report_tree()
    client.force_login(getattr(f, who)(tree.province))
    seeded = _seeded()
    edit = reverse("reports:form_edit", args=[seeded.pk])
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _post(None, seeded.latest_version, code="x")).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, _post(seeded, seeded.latest_version, name="Đổi")).status_code == 403
    assert not ReportForm.objects.filter(code="x").exists()
    assert _seeded().name == seeded.name


def test_the_admin_creates_a_form_with_sections_kinds_and_fields(client):
    client.force_login(f.system_admin())
    poor, letters = f.indicator("poor_households"), f.indicator("letters_received")
    data = _post(
        None,
        None,
        sections=[
            {"key": "ket-qua", "title": "I. Kết quả", "guidance": "Nêu số liệu."},
            {"key": "kien-nghi", "title": "II. Kiến nghị"},
        ],
        fields=[
            {"indicator": letters.pk, "section_key": "ket-qua", "required": True},
            {"indicator": poor.pk},
        ],
        unit_kinds=["commune", "province"],
    )
    # the admin moves the second section first
    data["sections-1-ORDER"] = "0"
    response = client.post(NEW, data)
    assert response.status_code == 302
    created = ReportForm.objects.get(code="bieu-mau-thu")
    version = created.latest_version
    assert version.number == 1
    assert [s["key"] for s in version.sections] == ["kien-nghi", "ket-qua"]
    assert sorted(version.unit_kinds) == ["commune", "province"]
    assert [(x.indicator_id, x.required, x.section_key) for x in version.fields.all()] == [
        (letters.pk, True, "ket-qua"),
        (poor.pk, False, ""),
    ]


def test_errors_show_beside_the_fields_and_keep_the_input(client):
    client.cookies["django_language"] = "en"
    client.force_login(f.system_admin())
    poor = f.indicator("poor_households")
    data = _post(
        None,
        None,
        sections=[{"key": "a", "title": "Mục A đã gõ"}, {"key": "a", "title": "Mục B"}],
        fields=[{"indicator": poor.pk}, {"indicator": poor.pk}],
        unit_kinds=[],
    )
    response = client.post(NEW, data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Every section needs its own key." in text
    assert "Choose at least one kind of unit that reports." in text
    assert 'value="Mục A đã gõ"' in text
    assert not ReportForm.objects.filter(code="bieu-mau-thu").exists()
    # the duplicate indicator is reported once the sections are right
    data = _post(
        None,
        None,
        sections=[{"key": "a", "title": "A"}],
        fields=[{"indicator": poor.pk}, {"indicator": poor.pk}],
    )
    assert "appears only once" in client.post(NEW, data).content.decode()


def test_removing_and_adding_rows(client):
    client.force_login(f.system_admin())
    seeded = _seeded()
    latest = seeded.latest_version
    data = _post(seeded, latest, add_section="1")
    response = client.post(reverse("reports:form_edit", args=[seeded.pk]), data)
    assert response.status_code == 200  # nothing saved, one more blank row
    assert len(response.context["sections"].forms) == len(latest.sections) + 1
    data = _post(seeded, latest)
    data["sections-4-DELETE"] = "on"
    data["fields-0-DELETE"] = "on"
    n_fields = latest.fields.count()
    client.post(reverse("reports:form_edit", args=[seeded.pk]), data)
    version = _seeded().latest_version
    assert len(version.sections) == len(latest.sections) - 1
    assert version.fields.count() == n_fields - 1


def test_editing_a_used_form_makes_a_new_version_and_the_period_keeps_its_own(client):
    tree = f.report_tree()
    period = f.open_period(tree)
    seeded = _seeded()
    used = period.form_version
    report = f.report_of(period, tree.commune_a)
    sections_before = list(
        ReportSection.objects.filter(report=report).order_by("order").values_list("key", "title")
    )
    indicators_before = [i.pk for i in period_rollup(period, tree.province).indicators]
    client.force_login(f.system_admin())
    edit = reverse("reports:form_edit", args=[seeded.pk])
    page = client.get(edit)
    assert b'data-testid="frozen-warning"' in page.content
    fields = [
        {"indicator": x.indicator_id, "section_key": x.section_key}
        for x in used.fields.order_by("order")
    ][:2]
    extra = Indicator.objects.exclude(pk__in=[x["indicator"] for x in fields]).first()
    fields.append({"indicator": extra.pk})
    data = _post(
        seeded,
        used,
        sections=[{"key": "tong-hop", "title": "I. Tổng hợp"}],
        fields=fields,
        note="Rút gọn",
    )
    assert client.post(edit, data).status_code == 302
    new = _seeded().latest_version
    assert new.number == used.number + 1
    assert [s["key"] for s in new.sections] == ["tong-hop"]
    # the period, its reports and its roll-up still follow the version it was opened with
    period = Period.objects.get(pk=period.pk)
    assert period.form_version_id == used.pk
    used.refresh_from_db()
    assert [s["key"] for s in used.sections][:2] == ["leadership", "results"]
    assert (
        list(
            ReportSection.objects.filter(report=report)
            .order_by("order")
            .values_list("key", "title")
        )
        == sections_before
    )
    assert [i.pk for i in period_rollup(period, tree.province).indicators] == indicators_before
    # the detail page marks the used version frozen
    detail = client.get(reverse("reports:form_detail", args=[seeded.pk])).content.decode()
    assert detail.count('data-testid="frozen"') == 1
    assert period.name in detail


def test_editing_an_unused_version_rewrites_it_in_place(client):
    client.force_login(f.system_admin())
    form = ReportForm.objects.create(code="chua-dung", name="Chưa dùng")
    version = FormVersion.objects.create(form=form, number=1)
    data = _post(form, version, name="Đã đổi tên")
    assert client.post(reverse("reports:form_edit", args=[form.pk]), data).status_code == 302
    form.refresh_from_db()
    assert form.name == "Đã đổi tên"
    assert list(form.versions.values_list("number", flat=True)) == [1]
