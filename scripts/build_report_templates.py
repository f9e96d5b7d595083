"""Build the default Word templates of periodic reports (docxtpl, Jinja tags in python-docx).

    .venv/bin/python scripts/build_report_templates.py

writes ``danvan/reports/data/templates/state.docx`` (Decree 30/2020/NĐ-CP) and
``party.docx`` (Guide 36-HD/VPTW). The layout reuses ``danvan.core.documents`` (A4,
margins 20/20/30/15 mm, Times New Roman, the two-column header and signature tables); the
changing parts are Jinja tags that ``danvan.reports.documents`` fills in:

- ``issuer_parent``, ``issuer``, ``number``, ``date_line``, ``title``, ``period_name``;
- ``sections`` (each ``title`` and ``paragraphs``), ``figures`` (each ``no``, ``name``,
  ``measure``, ``value``, ``parts`` "num/den", ``completeness`` "x/y đơn vị"), ``chart`` (an
  image, may be empty), ``chart_caption``;
- ``signer_title``, ``signer_name``, ``recipients`` (lines, the last "- Lưu: VT, …").

An administrator downloads one of these, edits the wording or styles in Word (keeping the
tags) and uploads it as a replacement.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "danvan" / "reports" / "data" / "templates"


def _build(layout: str) -> bytes:
    import io

    from docx import Document
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    from danvan.core import documents as d

    party = layout == "party"
    document = Document()
    d._setup(document)
    left_mm = d.PARTY_HEADER_LEFT_MM if party else d.HEADER_LEFT_MM
    right_mm = d.TEXT_WIDTH_MM - left_mm
    usable = left_mm - d.CELL_MARGINS_MM
    header = d._table(document, 1, [left_mm, right_mm], bordered=False)
    left, right = header.rows[0].cells
    size = 14 if party else 12
    d._line(left, "{{ issuer_parent }}", size=size)
    d._line(left, "{{ issuer }}", size=size, bold=True)
    if party:
        d._line(left, "*", size=size)
        d._line(left, "{{ number }}", size=14, before=2)
        d._line(right, d.PARTY_NAME, size=15, bold=True, underline=True, after=14)
        d._line(right, "{{ date_line }}", size=14, italic=True)
    else:
        d._rule(left, width_mm=30, within_mm=usable, after=4)
        d._line(left, "{{ number }}", size=13)
        d._line(right, d.STATE_NAME, size=12, bold=True)
        d._line(right, d.MOTTO, size=13, bold=True)
        d._rule(
            right,
            width_mm=d._width_mm(d.MOTTO, 13),
            within_mm=right_mm - d.CELL_MARGINS_MM,
            after=6,
        )
        d._line(right, "{{ date_line }}", size=13, italic=True)
    for cell in (left, right):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        d._clear(cell)

    d._line(document, "BÁO CÁO", size=14, bold=True, before=18)
    d._line(document, "{{ title }}", size=14, bold=True)
    d._rule(document, width_mm=30, within_mm=d.TEXT_WIDTH_MM, after=6)

    def body(text: str, *, bold=False, italic=False, align="justify", indent=True):
        paragraph = d._format(
            document.add_paragraph(),
            align=align,
            after=6,
            line=1.15,
            indent=d.FIRST_LINE_INDENT if indent else None,
        )
        d._run(paragraph, text, size=d.BODY_SIZE, bold=bold, italic=italic)
        return paragraph

    body("{%p for section in sections %}", indent=False)
    heading = body("{{ section.title }}", bold=True)
    heading.paragraph_format.keep_with_next = True
    body("{%p for text in section.paragraphs %}", indent=False)
    body("{{ text }}")
    body("{%p endfor %}", indent=False)
    body("{%p endfor %}", indent=False)

    body("{%p if figures %}", indent=False)
    body("{{ figures_heading }}", bold=True)
    headers = ["STT", "Chỉ tiêu", "Đơn vị tính", "Kết quả", "Tử số/Mẫu số", "Tổng hợp"]
    widths = [12, 58, 22, 25, 25, 23]
    table = d._table(document, 4, widths, bordered=True)
    d._row_flag(table.rows[0], "w:tblHeader", d._AFTER_TBLHEADER)
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        d._run(d._format(cell.paragraphs[0], before=3, after=3), text, size=d.TABLE_SIZE, bold=True)
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for row in figures %}")
    cells = ["{{ row.no }}", "{{ row.name }}", "{{ row.measure }}", "{{ row.value }}"]
    cells += ["{{ row.parts }}", "{{ row.completeness }}"]
    for index, (cell, text) in enumerate(zip(table.rows[2].cells, cells, strict=True)):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        align = "left" if index == 1 else "center"
        d._run(
            d._format(cell.paragraphs[0], align=align, before=2, after=2), text, size=d.TABLE_SIZE
        )
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    body("{%p endif %}", indent=False)

    body("{%p if chart %}", indent=False)
    body("{{ chart }}", align="center", indent=False)
    body("{{ chart_caption }}", italic=True, align="center", indent=False)
    body("{%p endif %}", indent=False)

    d._spacer(document, 6)
    sign = d._table(document, 1, [d.SIGN_LEFT_MM, d.SIGN_RIGHT_MM], bordered=False)
    d._row_flag(sign.rows[0], "w:cantSplit", d._AFTER_CANTSPLIT)
    left, right = sign.rows[0].cells
    d._line(left, "Nơi nhận:", size=12, align="left", bold=True, italic=True)
    d._line(left, "{%p for line in recipients %}", size=11, align="left")
    d._line(left, "{{ line }}", size=11, align="left")
    d._line(left, "{%p endfor %}", size=11, align="left")
    d._line(right, "{{ signer_title }}", size=14, bold=True)
    d._spacer(right, 80)
    d._line(right, "{{ signer_name }}", size=14, bold=True)
    for cell in (left, right):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        d._clear(cell)
    d._spacer(document, 1)
    props = document.core_properties
    props.title = "BÁO CÁO"
    props.language = "vi-VN"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build(layout: str) -> bytes:
    """The default template of ``layout`` ("state" or "party") as .docx bytes."""
    return _build(layout)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    OUT.mkdir(parents=True, exist_ok=True)
    for layout in ("state", "party"):
        path = OUT / f"{layout}.docx"
        path.write_bytes(build(layout))
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
