"""A plan as an official Word document, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from docx.shared import Mm

from danvan.core.documents import DOCX_TYPE
from danvan.plans import services
from danvan.plans.documents import deadline_vi, plan_docx, recipient_lines
from danvan.plans.models import Task
from danvan.plans.tests.factories import make_plan, make_task, officer, small_tree

pytestmark = pytest.mark.django_db

HALF_MM = Mm(0.5)
ISSUED_ON = dt.date(2022, 12, 23)


def _read(data: bytes):
    return Document(io.BytesIO(data))


def _lines(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text]


def _province_plan(t, *, issued: bool = True, **fields):
    """Plan 5584/KH-UBND of the province, as seed 001's parent: basis, sections, tasks."""
    user = officer(t.province)
    plan = make_plan(
        t.province,
        number="5584",
        symbol="KH-UBND",
        issued_on=ISSUED_ON,
        title="Thực hiện công tác dân vận chính quyền năm 2023",
        signer_name="Nguyễn Long Biên",
        signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        recipients_text="Thường trực Tỉnh ủy (b/c);",
        **fields,
    )
    directive, _created = services.find_or_register_document(
        actor=user,
        unit=t.province,
        data={
            "number": "33/CT-TTg",
            "doc_type": "directive",
            "issuer": "Thủ tướng Chính phủ",
            "issued_on": dt.date(2021, 11, 26),
            "title": "tiếp tục tăng cường và đổi mới công tác dân vận",
        },
    )
    services.add_basis(actor=user, plan=plan, document=directive)
    services.save_section(
        actor=user,
        plan=plan,
        data={
            "kind": "purpose",
            "heading": "I. MỤC ĐÍCH, YÊU CẦU",
            "body": (
                "Nâng cao nhận thức về công tác dân vận.\n\n- Bám sát cơ sở;\n- Hướng về Nhân dân."
            ),
        },
    )
    services.save_section(
        actor=user,
        plan=plan,
        data={
            "kind": "organisation",
            "heading": "III. TỔ CHỨC THỰC HIỆN",
            "body": "Các cơ quan, đơn vị triển khai thực hiện.",
        },
    )
    make_task(
        plan,
        lead=t.department,
        coordinators=(t.commune_a,),
        title="Tổng hợp báo cáo công tác dân vận chính quyền",
        due_on=None,
        recurrence="yearly",
        recur_day=1,
        recur_month=11,
    )
    make_task(plan, lead=None, lead_kinds="commune", lead_label="UBND các xã", title="Đối thoại")
    plan.recipient_units.set([t.department])
    if issued:
        plan = services.issue_plan(actor=user, plan=plan)
    return plan


def test_a_state_plan_in_the_decree_30_layout(client):
    t = small_tree("Tỉnh Ninh Thuận")
    plan = _province_plan(t)
    client.force_login(officer(t.commune_a))  # an issued province plan reaches the communes

    response = client.get(reverse("plans:plan_word", args=[plan.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert "5584-KH-UBND.docx" in response["Content-Disposition"]
    document = _read(response.content)
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < HALF_MM
    assert abs(section.page_height - Mm(297)) < HALF_MM
    assert abs(section.top_margin - Mm(20)) < HALF_MM
    assert abs(section.bottom_margin - Mm(20)) < HALF_MM
    assert abs(section.left_margin - Mm(30)) < HALF_MM
    assert abs(section.right_margin - Mm(15)) < HALF_MM

    left, right = document.tables[0].rows[0].cells
    assert " ".join(_lines(left)[:-1]).replace("\n", " ") == "ỦY BAN NHÂN DÂN TỈNH NINH THUẬN"
    assert _lines(left)[-1] == "Số: 5584/KH-UBND"
    right_lines = [p for p in right.paragraphs if p.text]
    assert [p.text for p in right_lines] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Ninh Thuận, ngày 23 tháng 12 năm 2022",
    ]
    assert right_lines[2].runs[0].italic
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in document.element.xml

    texts = [p.text for p in document.paragraphs]
    start = texts.index("KẾ HOẠCH")
    assert texts[start + 1] == plan.title
    basis = document.paragraphs[
        texts.index(
            "Căn cứ Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ về tiếp tục "
            "tăng cường và đổi mới công tác dân vận;"
        )
    ]
    assert basis.runs[0].italic
    assert texts.index("I. MỤC ĐÍCH, YÊU CẦU") < texts.index("- Bám sát cơ sở;")
    assert "- Hướng về Nhân dân." in texts

    tasks = document.tables[1]
    assert [c.text for c in tasks.rows[0].cells] == [
        "STT",
        "Nhiệm vụ",
        "Chủ trì",
        "Phối hợp",
        "Thời hạn",
    ]
    assert [c.text for c in tasks.rows[1].cells] == [
        "1",
        "Tổng hợp báo cáo công tác dân vận chính quyền",
        t.department.name,
        t.commune_a.name,
        "Hằng năm, trước ngày 01/11",
    ]
    assert [c.text for c in tasks.rows[2].cells][1:3] == ["Đối thoại", "UBND các xã"]
    # The table sits in the organisation part, after its text.
    body = list(document.element.body.iterchildren())
    organisation = next(e for e in body if "III. TỔ CHỨC THỰC HIỆN" in e.xpath("string(.)"))
    assert body.index(tasks._tbl) > body.index(organisation)

    recipients, signer = document.tables[-1].rows[0].cells
    assert _lines(recipients) == [
        "Nơi nhận:",
        f"- {t.department.name};",
        "- Thường trực Tỉnh ủy (b/c);",
        "- Lưu: VT.",
    ]
    assert _lines(signer) == ["KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "Nguyễn Long Biên"]


def test_a_draft_leaves_the_number_and_date_blank(client):
    t = small_tree("Tỉnh Ninh Thuận")
    plan = _province_plan(t, issued=False)
    client.force_login(officer(t.province))
    response = client.get(reverse("plans:plan_word", args=[plan.pk]))
    left, right = _read(response.content).tables[0].rows[0].cells
    assert _lines(left)[-1] == "Số:      /KH-UBND"
    assert _lines(right)[-1].startswith("Ninh Thuận, ngày     tháng     năm")
    assert "Du-thao" in response["Content-Disposition"]


def test_a_party_official_letter_in_the_36_hd_vptw_layout():
    t = small_tree()
    plan = make_plan(
        t.cell_a,
        kind="official_letter",
        number="451",
        symbol="CV/HU",
        issued_on=dt.date(2022, 2, 26),
        title="lãnh đạo, chỉ đạo thực hiện “Năm dân vận chính quyền” 2022",
        recipients_text="- Các chi bộ trực thuộc;\n- Lưu: VP.",
        issued=True,
    )
    document = _read(plan_docx(plan))
    left, right = document.tables[0].rows[0].cells
    assert _lines(left) == [
        "ĐẢNG BỘ XÃ AN BÌNH",
        "CHI BỘ THÔN 1",
        "*",
        "Số 451-CV/HU",
        "V/v lãnh đạo, chỉ đạo thực hiện “Năm dân vận chính quyền” 2022",
    ]
    assert _lines(right) == ["ĐẢNG CỘNG SẢN VIỆT NAM", "An Bình, ngày 26 tháng 02 năm 2022"]
    texts = [p.text for p in document.paragraphs]
    assert "KẾ HOẠCH" not in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in document.element.xml
    recipients = _lines(document.tables[-1].rows[0].cells[0])
    assert recipients == ["Nơi nhận:", "- Các chi bộ trực thuộc;", "- Lưu: VP."]  # no 2nd "Lưu"


def test_a_plan_without_an_organisation_section_gets_one_for_its_tasks():
    t = small_tree()
    plan = make_plan(t.province)
    services.save_section(
        actor=officer(t.province),
        plan=plan,
        data={"kind": "purpose", "heading": "I. MỤC ĐÍCH", "body": "Văn bản."},
    )
    make_task(plan, lead=t.commune_a, title="Tuyên truyền")
    document = _read(plan_docx(plan))
    texts = [p.text for p in document.paragraphs]
    assert "II. TỔ CHỨC THỰC HIỆN" in texts
    assert document.tables[1].rows[1].cells[1].text == "Tuyên truyền"


def test_recipient_lines_and_deadlines_in_vietnamese():
    t = small_tree()
    plan = make_plan(t.province, recipients_text="Như trên;\r\n\r\n+ Sở Nội vụ;")
    plan.recipient_units.set([t.commune_a])
    assert recipient_lines(plan) == [
        f"- {t.commune_a.name};",
        "- Như trên;",
        "+ Sở Nội vụ;",
        "- Lưu: VT.",
    ]
    once = Task(recurrence="once", due_on=dt.date(2026, 6, 15))
    quarterly = Task(recurrence="quarterly", recur_day=15, recur_month=3)
    monthly = Task(recurrence="monthly", recur_day=25, recur_until=dt.date(2026, 12, 31))
    assert deadline_vi(once) == "Trước ngày 15/06/2026"
    assert deadline_vi(quarterly) == "Hằng quý, trước ngày 15 tháng cuối quý"
    assert deadline_vi(monthly) == "Hằng tháng, trước ngày 25 (đến ngày 31/12/2026)"
