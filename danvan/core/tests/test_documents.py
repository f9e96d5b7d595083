"""Official Word documents read back with python-docx: layout, header, body, signature."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from danvan.core.documents import (
    DOCX_TYPE,
    Heading,
    OfficialDocument,
    PageBreak,
    Paragraph,
    Table,
    default_signer_title,
    docx_response,
    issuer_lines,
    layout_for_unit,
    party_number,
    place_name,
    province_name,
    render,
    state_number,
    unit_symbol,
    vn_date_line,
)
from danvan.orgs.models import UnitKind
from danvan.orgs.tests.factories import make_child

HALF_MM = Mm(0.5)


def _report(**overrides) -> OfficialDocument:
    data = {
        "layout": "state",
        "issuer_parent": "UBND TỈNH KHÁNH HÒA",
        "issuer": "SỞ NỘI VỤ",
        "number": state_number(12, "BC-SNV"),
        "place": "Khánh Hòa",
        "date": dt.date(2026, 11, 23),
        "doc_type": "BÁO CÁO",
        "title": "Kết quả công tác dân vận chính quyền năm 2026",
        "body": [
            Heading("I. KẾT QUẢ THỰC HIỆN", 1),
            Paragraph("Trong năm, Sở đã triển khai các nhiệm vụ.\nĐoạn thứ hai."),
            Paragraph("xây dựng 02 mô hình.", label="1. Mô hình: "),
            Table(
                ["STT", "Chỉ tiêu", "Kết quả"],
                [[1, "Tỷ lệ hộ nghèo", Decimal("7.50")], [2, "Đối thoại", dt.date(2026, 1, 5)]],
                widths=[15, 100, 50],
            ),
            PageBreak(),
            Paragraph("Trang hai."),
        ],
        "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        "signer_name": "Nguyễn Văn An",
        "recipients": ["- UBND tỉnh (b/c);", "- Lưu: VT, PCTXDCQ."],
    }
    data.update(overrides)
    return OfficialDocument(**data)


def _read(doc: OfficialDocument):
    return Document(io.BytesIO(render(doc)))


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_page_is_a4_with_decree_30_margins():
    section = _read(_report()).sections[0]
    assert abs(section.page_width - Mm(210)) < HALF_MM
    assert abs(section.page_height - Mm(297)) < HALF_MM
    assert abs(section.top_margin - Mm(20)) < HALF_MM
    assert abs(section.bottom_margin - Mm(20)) < HALF_MM
    assert abs(section.left_margin - Mm(30)) < HALF_MM
    assert abs(section.right_margin - Mm(15)) < HALF_MM


def test_state_header_issuer_number_state_name_motto_and_italic_date():
    document = _read(_report())
    left, right = document.tables[0].rows[0].cells
    left_lines = [p.text for p in left.paragraphs if p.text]
    assert left_lines == ["UBND TỈNH KHÁNH HÒA", "SỞ NỘI VỤ", "Số: 12/BC-SNV"]
    issuer_run = next(p for p in left.paragraphs if p.text == "SỞ NỘI VỤ").runs[0]
    assert issuer_run.bold
    right_lines = [p for p in right.paragraphs if p.text]
    assert [p.text for p in right_lines] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Khánh Hòa, ngày 23 tháng 11 năm 2026",
    ]
    assert right_lines[0].runs[0].bold and right_lines[1].runs[0].bold
    assert right_lines[2].runs[0].italic
    # The rule under the motto is a paragraph border.
    assert right._tc.xpath(".//w:pBdr/w:top")
    # The header table has no visible borders.
    borders = document.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}


def test_type_title_body_and_table_values():
    document = _read(_report())
    texts = [p.text for p in document.paragraphs]
    type_index = texts.index("BÁO CÁO")
    assert texts[type_index + 1] == "Kết quả công tác dân vận chính quyền năm 2026"
    for paragraph in document.paragraphs[type_index : type_index + 2]:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert paragraph.runs[0].bold
    body = document.paragraphs[texts.index("Trong năm, Sở đã triển khai các nhiệm vụ.")]
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body.paragraph_format.first_line_indent > Mm(9)
    assert "Đoạn thứ hai." in texts  # a newline starts a new paragraph
    labelled = document.paragraphs[texts.index("1. Mô hình: xây dựng 02 mô hình.")]
    assert labelled.runs[0].bold and not labelled.runs[1].bold
    data = document.tables[1]
    assert [c.text for c in data.rows[0].cells] == ["STT", "Chỉ tiêu", "Kết quả"]
    assert all(c.paragraphs[0].runs[0].bold for c in data.rows[0].cells)
    assert [c.text for c in data.rows[1].cells] == ["1", "Tỷ lệ hộ nghèo", "7,5"]
    assert [c.text for c in data.rows[2].cells] == ["2", "Đối thoại", "05/01/2026"]
    assert data._tbl.xpath(".//w:tblHeader")  # header row repeats on the next page
    assert any(b.get(qn("w:val")) == "single" for b in data._tbl.tblPr.find(qn("w:tblBorders")))
    assert "Trang hai." in texts


def test_signature_block_with_recipients():
    document = _read(_report())
    left, right = document.tables[-1].rows[0].cells
    lines = [p.text for p in left.paragraphs]
    assert lines == ["Nơi nhận:", "- UBND tỉnh (b/c);", "- Lưu: VT, PCTXDCQ."]
    heading = left.paragraphs[0].runs[0]
    assert heading.bold and heading.italic
    signer = [p.text for p in right.paragraphs if p.text]
    assert signer == ["KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "Nguyễn Văn An"]


def test_times_new_roman_everywhere():
    document = _read(_report())
    assert document.styles["Normal"].font.name == "Times New Roman"
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman"
    assert fonts.get(qn("w:cs")) == "Times New Roman"
    runs = [r for p in document.paragraphs for r in p.runs if r.text]
    runs += [r for t in document.tables for c in t._cells for p in c.paragraphs for r in p.runs]
    assert runs
    assert {r.font.name for r in runs if r.text} == {"Times New Roman"}


def test_page_numbers_from_page_two():
    document = _read(_report())
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_party_layout():
    document = _read(
        _report(
            layout="party",
            issuer_parent="ĐẢNG BỘ TỈNH THANH HOÁ",
            issuer="HUYỆN ỦY CẨM THỦY",
            number=party_number(451, "CV/HU"),
            place="Cẩm Thủy",
            date=dt.date(2022, 2, 26),
            doc_type="",
            title="V/v lãnh đạo, chỉ đạo thực hiện “Năm dân vận chính quyền” 2022",
        )
    )
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == [
        "ĐẢNG BỘ TỈNH THANH HOÁ",
        "HUYỆN ỦY CẨM THỦY",
        "*",
        "Số 451-CV/HU",
        "V/v lãnh đạo, chỉ đạo thực hiện “Năm dân vận chính quyền” 2022",
    ]
    party_line, date_line = (p for p in right.paragraphs if p.text)
    assert party_line.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert party_line.runs[0].bold and party_line.runs[0].underline
    assert date_line.text == "Cẩm Thủy, ngày 26 tháng 02 năm 2022"
    assert date_line.runs[0].italic
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in _all_text(document)


def test_state_document_is_not_party():
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in _all_text(_read(_report()))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 1, 5), "Khánh Hòa, ngày 05 tháng 01 năm 2026"),
        (dt.date(2026, 2, 28), "Khánh Hòa, ngày 28 tháng 02 năm 2026"),
        (dt.date(2026, 3, 9), "Khánh Hòa, ngày 09 tháng 3 năm 2026"),
        (dt.date(2026, 11, 23), "Khánh Hòa, ngày 23 tháng 11 năm 2026"),
        (dt.date(2026, 7, 10), "Khánh Hòa, ngày 10 tháng 7 năm 2026"),
    ],
)
def test_date_line_leading_zeros(day, expected):
    assert vn_date_line("Khánh Hòa", day) == expected


def test_date_line_blank():
    assert vn_date_line("Khánh Hòa", None, year=2026) == "Khánh Hòa, ngày     tháng     năm 2026"
    assert vn_date_line("", dt.date(2026, 1, 5)) == "Ngày 05 tháng 01 năm 2026"


def test_blank_numbers():
    assert state_number("", "ĐK-UBND") == "Số:      /ĐK-UBND"
    assert state_number(None, "BC-UBND") == "Số:      /BC-UBND"
    assert state_number("5584", "KH-UBND") == "Số: 5584/KH-UBND"
    assert party_number("", "CV/HU") == "Số      -CV/HU"
    assert party_number(451, "CV/HU") == "Số 451-CV/HU"


def test_blank_date_in_document():
    document = _read(_report(date=None, number=state_number("", "BC-SNV")))
    left, right = document.tables[0].rows[0].cells
    assert "Số:      /BC-SNV" in [p.text for p in left.paragraphs]
    year = timezone.localdate().year
    assert f"Khánh Hòa, ngày     tháng     năm {year}" in [p.text for p in right.paragraphs]


def test_docx_response_headers():
    response = docx_response("Phiếu đăng ký “Dân vận khéo”.docx", b"data")
    assert response["Content-Type"] == DOCX_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Phieu-dang-ky-Dan-van-kheo.docx"')
    assert "filename*=UTF-8''Phi%E1%BA%BFu%20%C4%91%C4%83ng" in disposition
    assert disposition.isascii()


def test_unit_helpers(tree):
    department = make_child(
        tree.province, kind=UnitKind.DEPARTMENT, name="Sở Tư pháp tỉnh Khánh Hòa"
    )
    party = make_child(tree.province, kind=UnitKind.PARTY, name="Tỉnh ủy Khánh Hòa")
    board = make_child(party, kind=UnitKind.PARTY, name="Ban Tuyên giáo và Dân vận Tỉnh ủy")
    assert issuer_lines(tree.province) == ("", "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA")
    assert issuer_lines(tree.commune_a) == ("UBND TỈNH KHÁNH HÒA", "UBND PHƯỜNG NHA TRANG")
    assert issuer_lines(tree.department) == ("UBND TỈNH KHÁNH HÒA", "SỞ NỘI VỤ")
    assert issuer_lines(department) == ("UBND TỈNH KHÁNH HÒA", "SỞ TƯ PHÁP")
    assert issuer_lines(party) == ("ĐẢNG BỘ TỈNH KHÁNH HÒA", "TỈNH ỦY KHÁNH HÒA")
    assert issuer_lines(board) == ("TỈNH ỦY KHÁNH HÒA", "BAN TUYÊN GIÁO VÀ DÂN VẬN")
    assert issuer_lines(tree.cell_a) == ("ĐẢNG BỘ PHƯỜNG NHA TRANG", "CHI BỘ KHU PHỐ 1")
    assert layout_for_unit(tree.cell_a) == "party"
    assert layout_for_unit(tree.commune_a) == "state"
    assert layout_for_unit(tree.department) == "state"
    assert province_name(tree.commune_a) == "Khánh Hòa"
    assert province_name(tree.province) == "Khánh Hòa"
    assert province_name(tree.cell_a) == "Khánh Hòa"
    # Decree 30: the place is where the issuer sits (a commune writes its own name).
    assert place_name(tree.department) == "Khánh Hòa"
    assert place_name(tree.commune_a) == "Nha Trang"
    assert place_name(tree.cell_a) == "Nha Trang"
    assert unit_symbol(tree.commune_a) == "UBND"
    assert unit_symbol(tree.department) == "SNV"
    assert unit_symbol(party) == "TU"
    assert default_signer_title(tree.commune_a) == "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    assert default_signer_title(tree.cell_a) == "T/M CHI BỘ\nBÍ THƯ"
