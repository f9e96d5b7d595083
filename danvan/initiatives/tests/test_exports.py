"""Exports: the initiatives workbook, the registration form and the proposal list."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Mm
from openpyxl import load_workbook

from danvan.initiatives.models import InitiativeKind, Status
from danvan.initiatives.tests.factories import make_initiative

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _login(client, user):
    client.force_login(user)
    return client


def _sheet_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    # Row 1: caption, row 2: blank, row 3: headers, then the data.
    return rows[2], [row for row in rows[3:] if any(v not in (None, "") for v in row)]


def _document(response):
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"].startswith("attachment;")
    return Document(io.BytesIO(response.content))


def _texts(document) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.extend(p.text for p in cell.paragraphs)
    return texts


# --- The initiatives workbook -----------------------------------------------------------


@pytest.fixture
def two_communes(tree, campaign):
    a = make_initiative(
        campaign, tree.commune_a, status=Status.REGISTERED, name="Dân vận khéo ở Nha Trang"
    )
    b = make_initiative(
        campaign, tree.commune_b, status=Status.DRAFT, name="Dân vận khéo ở Phan Rang"
    )
    return a, b


def test_workbook_lists_visible_initiatives_with_headers(
    client, province_officer, two_communes, django_assert_max_num_queries
):
    _login(client, province_officer)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("initiatives:export_initiatives_xlsx"))
    headers, rows = _sheet_rows(response)
    assert headers[:4] == [_("No."), _("Name"), _("Kind"), _("Registering unit")]
    assert len(headers) == 12
    by_name = {row[1]: row for row in rows}
    assert set(by_name) == {"Dân vận khéo ở Nha Trang", "Dân vận khéo ở Phan Rang"}
    nha_trang = by_name["Dân vận khéo ở Nha Trang"]
    assert nha_trang[3] == "Phường Nha Trang"
    assert nha_trang[4] == "Kinh tế"
    assert nha_trang[7] == str(Status.REGISTERED.label)
    assert isinstance(nha_trang[9], dt.datetime)  # registered at, a real date cell
    assert by_name["Dân vận khéo ở Phan Rang"][9] is None  # a draft: not registered yet
    assert sorted(row[0] for row in rows) == [1, 2]


def test_workbook_of_commune_b_excludes_commune_a(client, commune_b_officer, two_communes):
    _login(client, commune_b_officer)
    _headers, rows = _sheet_rows(client.get(reverse("initiatives:export_initiatives_xlsx")))
    assert [row[1] for row in rows] == ["Dân vận khéo ở Phan Rang"]


def test_workbook_applies_the_list_filters(client, province_officer, tree, two_communes):
    _login(client, province_officer)
    url = reverse("initiatives:export_initiatives_xlsx")
    _h, rows = _sheet_rows(client.get(url, {"status": Status.DRAFT}))
    assert [row[1] for row in rows] == ["Dân vận khéo ở Phan Rang"]
    _h, rows = _sheet_rows(client.get(url, {"unit": tree.commune_a.pk}))
    assert [row[1] for row in rows] == ["Dân vận khéo ở Nha Trang"]
    _h, rows = _sheet_rows(client.get(url, {"q": "nha trang"}))
    assert [row[1] for row in rows] == ["Dân vận khéo ở Nha Trang"]


def test_workbook_needs_login(client, two_communes):
    response = client.get(reverse("initiatives:export_initiatives_xlsx"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_workbook_of_an_outsider_is_empty(client, outsider, two_communes):
    _login(client, outsider)
    _headers, rows = _sheet_rows(client.get(reverse("initiatives:export_initiatives_xlsx")))
    assert rows == []


# --- The registration form --------------------------------------------------------------


@pytest.fixture
def registered(tree, campaign):
    return make_initiative(
        campaign,
        tree.commune_a,
        status=Status.REGISTERED,
        name="Tổ hòa giải cơ sở gắn với dân vận khéo",
        reason="Tranh chấp đất đai còn nhiều.",
        goals="Giảm 50% vụ việc khiếu nại.",
        area="Khu phố 1",
        target_group="Hộ dân khu phố 1",
        coordinating_units=[tree.commune_b],
        milestones=[
            {"title": "Thành lập tổ hòa giải", "due_date": dt.date(2026, 3, 31)},
            {"title": "Sơ kết 6 tháng", "due_date": dt.date(2026, 7, 15)},
        ],
    )


def test_registration_form_content(client, commune_a_officer, registered):
    _login(client, commune_a_officer)
    url = reverse("initiatives:export_registration_docx", args=[registered.pk])
    document = _document(client.get(url))
    texts = _texts(document)
    assert "PHIẾU ĐĂNG KÝ" in texts
    assert f"Mô hình “Dân vận khéo” năm {registered.campaign.year}" in texts
    assert "1. Tên mô hình: Tổ hòa giải cơ sở gắn với dân vận khéo" in texts
    assert "2. Lĩnh vực: Kinh tế" in texts
    assert "Tranh chấp đất đai còn nhiều." in texts
    assert "- Phạm vi, địa bàn: Khu phố 1" in texts
    assert "- Chủ trì: Phường Nha Trang" in texts
    assert "- Phối hợp: Phường Phan Rang" in texts
    # Issued by the commune: its governing body over it, a blank number to fill in.
    header_left = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs if p.text]
    assert header_left == ["UBND TỈNH KHÁNH HÒA", "UBND PHƯỜNG NHA TRANG", "Số:      /ĐK-UBND"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    # Milestones as a table.
    milestones = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    assert [[c.text for c in row.cells] for row in milestones.rows[1:]] == [
        ["1", "Thành lập tổ hòa giải", "31/03/2026", ""],
        ["2", "Sơ kết 6 tháng", "15/07/2026", ""],
    ]
    assert "- Ban Chỉ đạo phong trào “Dân vận khéo” tỉnh Khánh Hòa;" in texts
    assert "- Lưu: VT." in texts
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    assert abs(section.left_margin - Mm(30)) < Mm(0.5)
    assert abs(section.right_margin - Mm(15)) < Mm(0.5)


def test_registration_form_of_an_exemplar_replicating_a_model(client, province_officer, tree,
                                                              campaign):  # fmt: skip
    source = make_initiative(campaign, tree.commune_b, status=Status.RECOGNISED, name="Mô hình gốc")
    exemplar = make_initiative(
        campaign,
        tree.commune_a,
        kind=InitiativeKind.EXEMPLAR,
        name="Bà Nguyễn Thị Hoa, tổ trưởng tổ dân phố",
        exemplar_name="Nguyễn Thị Hoa",
        exemplar_role="Tổ trưởng tổ dân phố",
        replicated_from=source,
    )
    _login(client, province_officer)
    texts = _texts(
        _document(client.get(reverse("initiatives:export_registration_docx", args=[exemplar.pk])))
    )
    assert f"Điển hình “Dân vận khéo” năm {campaign.year}" in texts
    assert "1. Tên điển hình: Bà Nguyễn Thị Hoa, tổ trưởng tổ dân phố" in texts
    assert "- Cá nhân điển hình: Nguyễn Thị Hoa" in texts
    assert "- Chức vụ, vai trò: Tổ trưởng tổ dân phố" in texts
    assert f"- Nhân rộng từ: Mô hình gốc (Phường Phan Rang, năm {campaign.year})" in texts


def test_registration_form_of_a_party_cell_uses_the_party_layout(
    client, commune_a_officer, tree, campaign
):
    initiative = make_initiative(campaign, tree.cell_a, name="Chi bộ dân vận khéo")
    _login(client, commune_a_officer)
    document = _document(
        client.get(reverse("initiatives:export_registration_docx", args=[initiative.pk]))
    )
    texts = _texts(document)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in texts
    header_left = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs if p.text]
    assert header_left == [
        "ĐẢNG BỘ PHƯỜNG\nNHA TRANG",
        "CHI BỘ KHU PHỐ 1",
        "*",
        "Số      -ĐK/CBKP1",
    ]


def test_registration_form_out_of_scope_is_404(client, commune_b_officer, outsider, registered):
    url = reverse("initiatives:export_registration_docx", args=[registered.pk])
    for user in (commune_b_officer, outsider):
        _login(client, user)
        assert client.get(url).status_code == 404
    missing = reverse("initiatives:export_registration_docx", args=[999999])
    assert client.get(missing).status_code == 404


def test_registration_form_needs_login(client, registered):
    url = reverse("initiatives:export_registration_docx", args=[registered.pk])
    assert client.get(url).status_code == 302


# --- The proposal list ------------------------------------------------------------------


@pytest.fixture
def appraised(tree, campaign):
    recognised = make_initiative(
        campaign, tree.commune_a, status=Status.RECOGNISED, name="Mô hình được công nhận"
    )
    rewarded = make_initiative(
        campaign, tree.department, status=Status.REWARDED, name="Mô hình được khen thưởng"
    )
    failed = make_initiative(
        campaign, tree.commune_b, status=Status.NOT_RECOGNISED, name="Mô hình chưa đạt"
    )
    return recognised, rewarded, failed


def test_proposal_list_lists_recognised_initiatives(client, province_officer, campaign, appraised):
    _login(client, province_officer)
    url = reverse("initiatives:export_proposal_docx", args=[campaign.pk])
    document = _document(client.get(url, {"level": 1}))
    texts = _texts(document)
    assert "DANH SÁCH" in texts
    assert (
        f"Đề nghị công nhận mô hình, điển hình “Dân vận khéo” cấp cơ sở năm {campaign.year}"
        in texts
    )
    header_left = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs if p.text]
    # A long issuer is broken between words into two balanced lines.
    assert header_left == ["ỦY BAN NHÂN DÂN\nTỈNH KHÁNH HÒA", "Số:      /DS-UBND"]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Tên mô hình, điển hình",
        "Đơn vị",
        "Lĩnh vực",
        "Điểm",
        "Quyết định công nhận",
    ]
    rows = {row.cells[1].text: [c.text for c in row.cells] for row in table.rows[1:]}
    assert set(rows) == {"Mô hình được công nhận", "Mô hình được khen thưởng"}
    recognised = rows["Mô hình được công nhận"]
    assert recognised[2] == "Phường Nha Trang"
    assert recognised[4] == "95"  # 20 points a criterion, capped at each maximum
    today = appraised[0].recognitions.get().decision_date.strftime("%d/%m/%Y")
    assert recognised[5] == f"12/QĐ-BCĐ ngày {today}"
    assert "Mô hình chưa đạt" not in "\n".join(texts)
    assert "Tổng cộng: 2 (gồm 2 mô hình, 0 điển hình)." in texts


def test_proposal_list_of_a_level_nobody_reached_is_empty(
    client, province_officer, campaign, appraised
):
    _login(client, province_officer)
    url = reverse("initiatives:export_proposal_docx", args=[campaign.pk])
    texts = _texts(_document(client.get(url, {"level": 2})))
    assert "Mô hình được công nhận" not in texts
    assert "Tổng cộng: 0 (gồm 0 mô hình, 0 điển hình)." in texts


def test_proposal_list_permissions(
    client, commune_a_officer, observer, province_officer, campaign, appraised
):
    url = reverse("initiatives:export_proposal_docx", args=[campaign.pk])
    # Registering units and read-only observers are not the launching body.
    for user in (commune_a_officer, observer):
        _login(client, user)
        assert client.get(url).status_code == 404
    _login(client, province_officer)
    assert client.get(url, {"level": 7}).status_code == 404
    assert client.get(url, {"level": "x"}).status_code == 200  # falls back to level 1
    assert client.get(reverse("initiatives:export_proposal_docx", args=[999999])).status_code == 404


def test_proposal_list_puts_the_best_result_first(client, province_officer, campaign, appraised):
    from danvan.initiatives.models import Recognition

    recognised, rewarded, _failed = appraised
    Recognition.objects.filter(initiative=rewarded).update(result=99)
    Recognition.objects.filter(initiative=recognised).update(result="88.50")
    _login(client, province_officer)
    document = _document(
        client.get(reverse("initiatives:export_proposal_docx", args=[campaign.pk]))
    )
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    assert [[row.cells[i].text for i in (0, 1, 4)] for row in table.rows[1:]] == [
        ["1", "Mô hình được khen thưởng", "99"],
        ["2", "Mô hình được công nhận", "88,5"],
    ]
