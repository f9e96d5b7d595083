"""The report as a Word document, read back with python-docx."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from docx import Document

from danvan.reports import documents
from danvan.reports.models import Report, TemplateKind, WordTemplate
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def edit_docx(data: bytes, old: str, new: str) -> bytes:
    """``data`` with ``old`` replaced by ``new`` in the document's XML."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                assert old.encode() in content
                content = content.replace(old.encode(), new.encode())
            target.writestr(item, content)
    return buffer.getvalue()


def _figures_table(document):
    return next(t for t in document.tables if t.rows[0].cells[0].text == "STT")


@pytest.fixture
def rolled_up():
    tree = f.report_tree()
    period = f.open_period(tree)
    f.accepted(
        f.report_of(period, tree.commune_a),
        {"letters_received": 10, "poor_households": (30, 100)},
        results="Xã Hòa Bình hoàn thành kế hoạch.",
    )
    f.accepted(
        f.report_of(period, tree.commune_b),
        {"letters_received": 5, "poor_households": (10, 300)},
    )
    province = f.report_of(period, tree.province)
    f.fill(province, {}, results="Toàn tỉnh đạt kết quả tốt.\nĐoạn thứ hai.")
    province.refresh_from_db()
    province.number = "12"
    province.signed_on = dt.date(2026, 11, 1)
    province.place = "Đà Nẵng"
    province.signer_name = "Nguyễn Văn An"
    province.save()
    return tree, period, province


def test_state_report_reads_back_with_header_number_date_sections_and_figures(rolled_up):
    _tree, period, report = rolled_up
    document = Document(io.BytesIO(documents.build_docx(report)))
    text = _text(document)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN TỈNH BÁO CÁO" in text
    assert "Số: 12/BC-UBND" in text
    assert "Đà Nẵng, ngày 01 tháng 11 năm 2026" in text
    assert "BÁO CÁO" in [p.text for p in document.paragraphs]
    assert period.name in text
    assert "Toàn tỉnh đạt kết quả tốt." in [p.text for p in document.paragraphs]
    assert "Đoạn thứ hai." in [p.text for p in document.paragraphs]
    assert "Nguyễn Văn An" in text
    assert "Nơi nhận:" in text
    assert "- Lưu: VT, UBND." in text
    # the date line is italic
    date_runs = [
        run
        for table in document.tables
        for cell in table.rows[0].cells
        for p in cell.paragraphs
        for run in p.runs
        if "ngày 01 tháng 11" in run.text
    ]
    assert date_runs and all(run.italic for run in date_runs)
    # the figures: sums and the rate as Σnum/Σden = 40/400 = 10%, not the mean of 30% and 3,3%
    table = _figures_table(document)
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in table.rows[1:]}
    letters = f.indicator("letters_received").name
    poor = f.indicator("poor_households").name
    assert rows[letters][3] == "15"
    assert rows[letters][5].endswith("/4 đơn vị")  # the province's own computed count too
    assert rows[poor][3].startswith("10")
    assert rows[poor][4] == "40/400"
    assert rows[poor][5] == "2/4 đơn vị"
    # a chart image is embedded
    assert any("image" in rel.reltype for rel in document.part.rels.values())


def test_page_layout_is_a4_with_decree_margins_and_times_new_roman(rolled_up):
    _tree, _period, report = rolled_up
    document = Document(io.BytesIO(documents.build_docx(report)))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210
    assert round(section.page_height.mm) == 297
    assert 20 <= round(section.top_margin.mm, 1) <= 25
    assert 20 <= round(section.bottom_margin.mm, 1) <= 25
    assert 30 <= round(section.left_margin.mm, 1) <= 35
    assert 15 <= round(section.right_margin.mm, 1) <= 20
    assert document.styles["Normal"].font.name == "Times New Roman"
    fonts = {run.font.name for p in document.paragraphs for run in p.runs if run.text.strip()}
    assert fonts <= {"Times New Roman", None}


def test_party_unit_gets_the_party_layout_and_number():
    tree = f.report_tree()
    period = f.open_period(tree)
    report = Report.objects.create(period=period, unit=tree.cell_a, number="7")
    document = Document(io.BytesIO(documents.build_docx(report)))
    text = _text(document)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text
    assert "Số 7-BC/" in text
    assert "CHI BỘ" in text


def test_an_active_uploaded_template_is_used_and_a_broken_one_is_reported(rolled_up, settings):
    _tree, _period, report = rolled_up
    custom = edit_docx(documents.default_template("state"), ">BÁO CÁO<", ">BAO CAO<")
    WordTemplate.objects.create(
        kind=TemplateKind.STATE, file=ContentFile(custom, name="custom.docx")
    )
    document = Document(io.BytesIO(documents.build_docx(report)))
    assert "BAO CAO" in [p.text for p in document.paragraphs]
    WordTemplate.objects.update(is_active=False)
    WordTemplate.objects.create(
        kind=TemplateKind.STATE, file=ContentFile(b"not a docx", name="broken.docx")
    )
    with pytest.raises(documents.TemplateError):
        documents.build_docx(report)


def test_check_template_refuses_broken_jinja():
    good = documents.default_template("state")
    documents.check_template(good)
    broken = edit_docx(good, "{{ issuer }}", "{{ issuer ")
    with pytest.raises(documents.TemplateError):
        documents.check_template(broken)
