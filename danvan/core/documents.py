"""Official Word documents: Decree 30/2020/NĐ-CP (state) and 36-HD/VPTW (party) layouts.

Build an ``OfficialDocument`` and ``render`` it to .docx bytes::

    doc = OfficialDocument(
        layout=layout_for_unit(unit),
        issuer_parent=parent, issuer=issuer,  # from issuer_lines(unit)
        number=state_number("", "BC-UBND"),   # "Số:      /BC-UBND"
        place=place_name(unit), date=None,    # "…, ngày     tháng     năm 2026"
        doc_type="BÁO CÁO", title="Kết quả thực hiện …",
        body=[Heading("I. KẾT QUẢ", 1), Paragraph("…"), Table(["STT", "Nội dung"], rows)],
        signer_title="TM. ỦY BAN NHÂN DÂN\\nCHỦ TỊCH", signer_name="Nguyễn Văn A",
        recipients=["- Như trên;", "- Lưu: VT."],
    )
    return docx_response("bao-cao.docx", render(doc))

The layout follows Decree 30 Appendix I: A4, margins 20/20/30/15 mm, Times New Roman; a
borderless two-column header (issuer with a short rule and the number on the left; the
state name, the motto with a rule and the italic place-and-date line on the right); the
document type and title centred in bold; body 14 pt justified with a first-line indent;
the "Nơi nhận" list and the signature as a second borderless two-column table; page
numbers centred in the header from page 2. The party layout (Guide 36-HD/VPTW) puts
"ĐẢNG CỘNG SẢN VIỆT NAM" (bold, underlined) top right, a "*" under the issuer and the
number as "Số 451-CV/HU".

The text of these documents is Vietnamese by law (it is the document, not the interface),
so the fixed wording here is not marked for translation.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 15
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 165
# Header columns: the issuer on the left, the state name (one line at 12 pt) on the right.
HEADER_LEFT_MM = 68
HEADER_RIGHT_MM = TEXT_WIDTH_MM - HEADER_LEFT_MM
PARTY_HEADER_LEFT_MM = 75  # party issuers are 14 pt; "ĐẢNG CỘNG SẢN VIỆT NAM" is short
CELL_MARGIN_MM = 1.0  # left and right padding of the header and signature cells
CELL_MARGINS_MM = 2 * CELL_MARGIN_MM
SIGN_LEFT_MM = 80
SIGN_RIGHT_MM = TEXT_WIDTH_MM - SIGN_LEFT_MM
BODY_SIZE = 14
TABLE_SIZE = 12
FIRST_LINE_INDENT = Cm(1.27)
BLANK = "      "  # where the clerk writes the number by hand
STATE_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"

Layout = Literal["state", "party"]


# ---------------------------------------------------------------------------------------
# Body blocks


@dataclass(frozen=True)
class Heading:
    """A section heading: level 1 and 2 bold, level 3 bold italic, deeper italic."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """Body text, justified with a first-line indent; "\\n" starts a new paragraph.

    ``label`` is printed in bold before the text ("1. Tên mô hình: " + the name).
    """

    text: str
    bold: bool = False
    italic: bool = False
    label: str = ""
    align: Literal["justify", "left", "center", "right"] = "justify"
    indent: bool = True


@dataclass(frozen=True)
class Table:
    """A bordered table with a bold header row repeated on every page.

    ``widths`` in millimetres (scaled down to the text width when they add up to more);
    cells may be str, int, Decimal, float, date or None. Numbers and dates are centred.
    ``bold_last_row`` prints a totals row in bold.
    """

    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    widths: Sequence[float] = ()
    bold_last_row: bool = False


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | PageBreak


@dataclass
class OfficialDocument:
    layout: Layout = "state"
    issuer_parent: str = ""  # "UBND TỈNH KHÁNH HÒA", "TỈNH ỦY KHÁNH HÒA" or ""
    issuer: str = ""  # "SỞ NỘI VỤ"; "\n" breaks the line
    number: str = ""  # from state_number() / party_number()
    place: str = ""
    date: dt.date | None = None  # None: "ngày     tháng     năm <this year>"
    doc_type: str = ""  # "BÁO CÁO"; empty for a letter (công văn): the title goes left
    title: str = ""  # the summary line (trích yếu); "V/v …" for a letter
    body: list[Block] = field(default_factory=list)
    signer_title: str = ""  # "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)  # "- …;", ending "- Lưu: VT, …."
    addressees: list[str] = field(default_factory=list)  # "Kính gửi:" (letters)


# ---------------------------------------------------------------------------------------
# Numbers, dates, units


def state_number(number: str | int | None, symbol: str) -> str:
    """ "Số: 12/BC-UBND"; with no number yet "Số:      /BC-UBND" (Decree 30)."""
    number = str(number or "").strip()
    return f"Số: {number}/{symbol}" if number else f"Số:{BLANK}/{symbol}"


def party_number(number: str | int | None, symbol: str) -> str:
    """ "Số 451-CV/HU" (no colon, a hyphen; 36-HD/VPTW); blank: "Số      -CV/HU"."""
    number = str(number or "").strip()
    return f"Số {number}-{symbol}" if number else f"Số{BLANK}-{symbol}"


def vn_date_line(place: str, date: dt.date | None, *, year: int | None = None) -> str:
    """ "Khánh Hòa, ngày 05 tháng 01 năm 2026".

    Decree 30 Appendix I: days below 10 and months below 3 take a leading zero (so
    "ngày 23 tháng 11", "ngày 05 tháng 01", "ngày 09 tháng 7"). Without a date the
    numbers are left blank to be written by hand, in ``year`` (default: this year).
    """
    if date is None:
        text = f"ngày     tháng     năm {year or timezone.localdate().year}"
    else:
        day = f"{date.day:02d}" if date.day < 10 else str(date.day)
        month = f"{date.month:02d}" if date.month < 3 else str(date.month)
        text = f"ngày {day} tháng {month} năm {date.year}"
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def layout_for_unit(unit) -> Layout:
    """Party bodies write in the party layout; every other unit in the state layout."""
    return "party" if unit.kind == "party" else "state"


_PROVINCE_PREFIX = re.compile(r"^(?:tỉnh|thành phố|tp\.?)\s+", re.IGNORECASE)
_PARTY_COMMITTEE = re.compile(
    r"^(?:t[ỉi]nh|th[àa]nh|huy[ệe]n|qu[ậa]n|th[ịi]|[đd][ảa]ng)\s+[uủ][yỷ]\b", re.IGNORECASE
)
_PARTY_SUFFIX = re.compile(
    r"\s+(?:t[ỉi]nh|th[àa]nh|huy[ệe]n|qu[ậa]n|th[ịi]|[đd][ảa]ng)\s+[uủ][yỷ]\b.*$", re.IGNORECASE
)
_TERRITORIAL = ("province", "district", "commune")


def _upper(text: str) -> str:
    return unicodedata.normalize("NFC", text).upper().strip()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _ancestors(unit) -> list:
    """The unit's ancestors, root first (one query; none for a root)."""
    if unit.depth <= 1:
        return []
    paths = [unit.path[:end] for end in range(unit.steplen, len(unit.path), unit.steplen)]
    return list(type(unit).objects.filter(path__in=paths).order_by("depth"))


def _nearest_territorial(unit, ancestors=None):
    for candidate in reversed(ancestors if ancestors is not None else _ancestors(unit)):
        if candidate.kind in _TERRITORIAL:
            return candidate
    return None


def province_name(unit) -> str:
    """Short name of the unit's province (its depth-1 ancestor): "Khánh Hòa"."""
    from danvan.orgs.models import Unit

    root = unit if unit.depth == 1 else Unit.objects.get(path=unit.path[: Unit.steplen])
    return root.short_name or _PROVINCE_PREFIX.sub("", root.name)


def place_name(unit) -> str:
    """The place written before the date (Decree 30 Appendix I, I.4).

    It is the administrative unit where the issuer sits: a province and its departments
    write the province ("Khánh Hòa"); a commune (and the agencies and party cells under
    it) writes the commune ("Nha Trang", or "Phường 4" when the short name is a number).
    """
    territorial = unit if unit.kind in _TERRITORIAL else _nearest_territorial(unit)
    if territorial is None or territorial.kind == "province":
        return province_name(territorial or unit)
    return territorial.display_name


def _strip_place(name: str, place) -> str:
    """ "Sở Nội vụ tỉnh Khánh Hòa" → "Sở Nội vụ" (the place is on the line above)."""
    if place is None:
        return name
    for suffix in (place.name, place.short_name):
        if suffix and name.casefold().endswith(" " + suffix.casefold()):
            return name[: -len(suffix) - 1].strip()
    return name


def issuer_lines(unit) -> tuple[str, str]:
    """The two issuer lines of the header, in capitals: (governing body, issuer).

    - a province: ("", "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA");
    - a commune or former district: ("UBND TỈNH KHÁNH HÒA", "UBND PHƯỜNG NHA TRANG");
    - a department or other agency: ("UBND TỈNH KHÁNH HÒA", "SỞ NỘI VỤ"), the place is
      cut from the end of the name ("Sở Nội vụ tỉnh Khánh Hòa");
    - a party body: its party ancestor ("TỈNH ỦY KHÁNH HÒA", "BAN TUYÊN GIÁO VÀ DÂN VẬN",
      with a trailing "Tỉnh ủy …" cut) or, without one, the party organisation of the
      territory ("ĐẢNG BỘ PHƯỜNG NHA TRANG", "CHI BỘ KHU PHỐ 1");
    - the Fatherland Front and mass organisations: ("", "HỘI NÔNG DÂN TỈNH KHÁNH HÒA"),
      the territory appended unless the name already says it.
    """
    ancestors = _ancestors(unit)
    territory = _nearest_territorial(unit, ancestors)
    if unit.kind == "province":
        return "", f"ỦY BAN NHÂN DÂN {_upper(unit.name)}"
    if unit.kind in ("commune", "district"):
        return (f"UBND {_upper(territory.name)}" if territory else ""), f"UBND {_upper(unit.name)}"
    if unit.kind == "party":
        party_parent = next((a for a in reversed(ancestors) if a.kind == "party"), None)
        if party_parent is not None:
            name = unit.name
            if not _PARTY_COMMITTEE.match(name):
                name = _PARTY_SUFFIX.sub("", name)
            return _upper(party_parent.name), _upper(name)
        parent = f"ĐẢNG BỘ {_upper(territory.name)}" if territory else ""
        if _PARTY_COMMITTEE.match(unit.name):  # "Tỉnh ủy Khánh Hòa" keeps its place
            return parent, _upper(unit.name)
        return parent, _upper(_strip_place(unit.name, territory))
    if unit.kind in ("front", "mass_org"):
        name = unit.name
        if territory is not None and territory.name.casefold() not in name.casefold():
            name = f"{name} {_lower_first(territory.name)}"
        return "", _upper(name)
    # Departments, offices and other agencies of a People's Committee.
    parent = f"UBND {_upper(territory.name)}" if territory else ""
    return parent, _upper(_strip_place(unit.name, territory))


def unit_symbol(unit) -> str:
    """The issuer's part of a number symbol: "UBND", "SNV" (Sở Nội vụ), "HU", "CB"…

    Territorial units write "UBND"; party committees the initials of their first two
    words ("Huyện ủy …" → "HU", "Đảng ủy …" → "ĐU"); other bodies the initials of their
    issuer line ("SỞ NỘI VỤ" → "SNV", "CHI BỘ KHU PHỐ 1" → "CBKP1").
    """
    if unit.kind in _TERRITORIAL:
        return "UBND"
    words = [w for w in issuer_lines(unit)[1].replace("-", " ").split() if w != "VÀ"]
    if unit.kind == "party" and _PARTY_COMMITTEE.match(unit.name):
        words = words[:2]
    initials = "".join(w if w.isdigit() else w[0] for w in words)
    # Symbols drop the tone and vowel marks but keep "Đ": "ỦY BAN" → "UB", "ĐẢNG ỦY" → "ĐU".
    bare = "".join(
        c for c in unicodedata.normalize("NFD", initials) if not unicodedata.combining(c)
    )
    return unicodedata.normalize("NFC", bare) or "VP"


def default_signer_title(unit) -> str:
    """The usual signature heading of the unit's head (edit it when someone else signs)."""
    name = unit.name.casefold()
    if unit.kind in _TERRITORIAL:
        return "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    if unit.kind == "party":
        if name.startswith("ban "):
            return "TRƯỞNG BAN"
        if name.startswith("chi bộ"):
            return "T/M CHI BỘ\nBÍ THƯ"
        if name.startswith(("đảng ủy", "đảng uỷ", "đảng bộ")):
            return "T/M ĐẢNG ỦY\nBÍ THƯ"
        return "T/M BAN THƯỜNG VỤ\nBÍ THƯ"
    if unit.kind == "front":
        return "TM. BAN THƯỜNG TRỰC\nCHỦ TỊCH"
    if unit.kind == "mass_org":
        return "TM. BAN THƯỜNG VỤ\nCHỦ TỊCH"
    if name.startswith("sở "):
        return "GIÁM ĐỐC"
    if name.startswith("phòng "):
        return "TRƯỞNG PHÒNG"
    if name.startswith("ban "):
        return "TRƯỞNG BAN"
    return "THỦ TRƯỞNG ĐƠN VỊ"


def inline_name(unit) -> str:
    """A unit's name inside a sentence: "tỉnh Khánh Hòa", "phường Nha Trang", "Sở Nội vụ"."""
    return _lower_first(unit.name) if unit.kind in _TERRITORIAL else unit.name


# ---------------------------------------------------------------------------------------
# HTTP


def ascii_filename(filename: str) -> str:
    """ "Phiếu đăng ký.docx" → "Phieu-dang-ky.docx" (for the plain filename= parameter)."""
    text = filename.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return text or "document.docx"


def docx_response(filename: str, data: bytes) -> HttpResponse:
    """A download of ``data`` named ``filename`` (an ASCII fallback plus the UTF-8 name)."""
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{ascii_filename(filename)}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )
    return response


# ---------------------------------------------------------------------------------------
# Rendering

_ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
# Elements that follow w:pBdr / w:cantSplit / w:tblBorders in their parents (schema order).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_AFTER_CANTSPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")
_AFTER_TBLHEADER = ("w:tblCellSpacing", "w:jc", "w:hidden")
_AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")


def _set_fonts(rpr) -> None:
    """Times New Roman for every script slot, so Word and LibreOffice both use it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _run(paragraph, text: str, *, size: float, bold=False, italic=False, underline=False):
    """Add ``text`` (lines split by "\\n" become line breaks) with explicit formatting."""
    lines = text.split("\n")
    run = None
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.font.name = FONT
        _set_fonts(run._element.get_or_add_rPr())
        run.font.size = Pt(size)
        # Unset (None) rather than False: the paragraph inherits plain text anyway.
        run.font.bold = bold or None
        run.font.italic = italic or None
        run.font.underline = underline or None
        if index < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)
    return run


def _format(paragraph, *, align="center", before=0.0, after=0.0, line=None, indent=None):
    fmt = paragraph.paragraph_format
    fmt.alignment = _ALIGN[align]
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if line is None:
        fmt.line_spacing = 1.0
    elif isinstance(line, Pt):
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    else:
        fmt.line_spacing = line
    if indent is not None:
        fmt.first_line_indent = indent
    return paragraph


def _line(container, text: str, *, size: float, align="center", bold=False, italic=False,
          underline=False, before=0.0, after=0.0):  # fmt: skip
    paragraph = _format(container.add_paragraph(), align=align, before=before, after=after)
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic, underline=underline)
    return paragraph


def _spacer(container, points: float):
    """An empty paragraph exactly ``points`` high."""
    return _format(container.add_paragraph(), line=Pt(points))


def _rule(container, *, width_mm: float, within_mm: float, after: float = 0) -> None:
    """A short centred horizontal line: the top border of an almost empty paragraph.

    ``within_mm`` is the width the paragraph spans (a cell's text area or the page's).
    """
    paragraph = container.add_paragraph()
    side = max(0.0, (within_mm - width_mm) / 2)
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    _format(paragraph, after=after, line=Pt(2))
    border = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        top.set(qn(f"w:{key}"), value)
    border.append(top)
    paragraph._p.get_or_add_pPr().insert_element_before(border, *_AFTER_PBDR)


def _borders(table, value: str) -> None:
    """All borders of ``table`` set to ``value`` ("single" or "nil")."""
    tbl_pr = table._tbl.tblPr
    existing = tbl_pr.find(qn("w:tblBorders"))
    if existing is not None:
        tbl_pr.remove(existing)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), value)
        if value != "nil":
            element.set(qn("w:sz"), "4")
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.insert_element_before(borders, *_AFTER_TBLBORDERS)


def _table(document, rows: int, widths_mm: Sequence[float], *, bordered: bool):
    table = document.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # fixed layout: the widths below hold in Word and LibreOffice
    _borders(table, "single" if bordered else "nil")
    if not bordered:  # layout tables: narrow padding leaves the state name on one line
        margins = OxmlElement("w:tblCellMar")
        for edge in ("left", "right"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:w"), str(round(Mm(CELL_MARGIN_MM).twips)))
            element.set(qn("w:type"), "dxa")
            margins.append(element)
        table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption")
    for index, width in enumerate(widths_mm):
        table.columns[index].width = Mm(width)
        for cell in table.columns[index].cells:
            cell.width = Mm(width)
    return table


def _clear(cell) -> None:
    """Drop the empty paragraph a new cell starts with (content is added after it)."""
    first = cell.paragraphs[0]
    if len(cell.paragraphs) > 1 and not first.text:
        first._p.getparent().remove(first._p)


def _row_flag(row, tag: str, successors: Sequence[str]) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.insert_element_before(OxmlElement(tag), *successors)


def _setup(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE)
    rpr = normal.element.get_or_add_rPr()
    _set_fonts(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    # Document defaults too: LibreOffice falls back to them for table and header text.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for fonts in defaults.iter(qn("w:rFonts")):
            _set_fonts(fonts.getparent())
    # Page numbers: centred at the top from page 2 (the first page has its own empty header).
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    header = section.header
    header.is_linked_to_previous = False
    paragraph = _format(header.paragraphs[0])
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2")):
        run = _run(paragraph, "", size=BODY_SIZE)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        else:
            run.text = text
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    _run(paragraph, "", size=BODY_SIZE)._element.append(end)


# Rough advance widths of Times New Roman capitals, in ems, to balance long issuer lines.
_NARROW = {" ": 0.25, "I": 0.39, "J": 0.5, "-": 0.33, ".": 0.25, ",": 0.25}


def _width_mm(text: str, size: float) -> float:
    ems = sum(_NARROW.get(c, 0.5 if c.isdigit() or c.islower() else 0.72) for c in text)
    return ems * size * 25.4 / 72


def _fit(text: str, size: float, width_mm: float) -> str:
    """Break a line too wide for its column into two balanced lines, between words.

    "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA" becomes "ỦY BAN NHÂN DÂN" over "TỈNH KHÁNH HÒA",
    as in the Decree's samples, instead of leaving one word alone on the second line.
    """
    lines = []
    for line in text.split("\n"):
        words = line.split()
        if _width_mm(line, size) <= width_mm or len(words) < 2:
            lines.append(line)
            continue
        cut = min(
            range(1, len(words)),
            key=lambda i: max(
                _width_mm(" ".join(words[:i]), size), _width_mm(" ".join(words[i:]), size)
            ),
        )
        lines += [" ".join(words[:cut]), " ".join(words[cut:])]
    return "\n".join(lines)


def _header(document, doc: OfficialDocument) -> None:
    party = doc.layout == "party"
    left_mm = PARTY_HEADER_LEFT_MM if party else HEADER_LEFT_MM
    right_mm = TEXT_WIDTH_MM - left_mm
    table = _table(document, 1, [left_mm, right_mm], bordered=False)
    left, right = table.rows[0].cells
    size = 14 if party else 12
    usable = left_mm - CELL_MARGINS_MM
    if doc.issuer_parent:
        _line(left, _fit(_upper(doc.issuer_parent), size, usable), size=size)
    if doc.issuer:
        _line(left, _fit(_upper(doc.issuer), size, usable), size=size, bold=True)
    if party:
        _line(left, "*", size=size)
    else:
        # Decree 30: a rule a third to a half as long as the issuer's line, centred.
        issuer = _fit(_upper(doc.issuer), size, usable).split("\n")
        issuer_mm = min(usable, max(_width_mm(line, size) for line in issuer))
        _rule(left, width_mm=max(15.0, issuer_mm / 2), within_mm=usable, after=4)
    if doc.number:
        _line(left, doc.number, size=13 if not party else 14, before=0 if not party else 2)
    if not doc.doc_type and doc.title:  # a letter: "V/v …" under the number
        _line(left, doc.title, size=12, before=4)
    date_line = vn_date_line(doc.place, doc.date)
    if party:
        _line(right, PARTY_NAME, size=15, bold=True, underline=True, after=14)
        _line(right, date_line, size=14, italic=True)
    else:
        _line(right, STATE_NAME, size=12, bold=True)
        _line(right, MOTTO, size=13, bold=True)
        _rule(right, width_mm=_width_mm(MOTTO, 13), within_mm=right_mm - CELL_MARGINS_MM, after=6)
        _line(right, date_line, size=13, italic=True)
    for cell in (left, right):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        _clear(cell)


def _title(document, doc: OfficialDocument) -> None:
    if doc.doc_type:
        _line(document, _upper(doc.doc_type), size=14, bold=True, before=18)
        if doc.title:
            _line(document, doc.title, size=14, bold=True)
        _rule(document, width_mm=30, within_mm=TEXT_WIDTH_MM, after=6)
    if doc.addressees:
        if len(doc.addressees) == 1:
            _line(document, f"Kính gửi: {doc.addressees[0]}", size=14, before=6, after=6)
        else:
            first = _line(document, "Kính gửi:", size=14, align="left", before=6)
            first.paragraph_format.left_indent = Cm(3)
            for name in doc.addressees:
                paragraph = _line(document, name, size=14, align="left")
                paragraph.paragraph_format.left_indent = Cm(5)
    if not doc.doc_type and not doc.addressees:
        _spacer(document, 12)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, (Decimal, float)):
        number = Decimal(str(value)).normalize()
        return format(number, "f").replace(".", ",")
    return str(value)


def _centred(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal, dt.date)) and not isinstance(value, bool)


def _data_table(document, block: Table) -> None:
    columns = len(block.headers)
    widths = list(block.widths) or [TEXT_WIDTH_MM / columns] * columns
    widths = (widths + [20.0] * columns)[:columns]
    total = sum(widths)
    if total > TEXT_WIDTH_MM:
        widths = [w * TEXT_WIDTH_MM / total for w in widths]
    rows = list(block.rows)
    table = _table(document, 1 + len(rows), widths, bordered=True)
    header = table.rows[0]
    _row_flag(header, "w:cantSplit", _AFTER_CANTSPLIT)
    _row_flag(header, "w:tblHeader", _AFTER_TBLHEADER)
    for cell, text in zip(header.cells, block.headers, strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = _format(cell.paragraphs[0], before=3, after=3)
        _run(paragraph, str(text), size=TABLE_SIZE, bold=True)
    for index, (row, values) in enumerate(zip(table.rows[1:], rows, strict=True)):
        bold = block.bold_last_row and index == len(rows) - 1
        for cell, value in zip(row.cells, list(values) + [""] * columns, strict=False):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = _format(
                cell.paragraphs[0], align="center" if _centred(value) else "left", before=2, after=2
            )
            _run(paragraph, _text(value), size=TABLE_SIZE, bold=bold)
    _spacer(document, 6)  # a little air under the table


def _body(document, blocks: Sequence[Block]) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            paragraph = _format(
                document.add_paragraph(), align="justify", before=6, after=6, line=1.15,
                indent=FIRST_LINE_INDENT,
            )  # fmt: skip
            paragraph.paragraph_format.keep_with_next = True
            _run(
                paragraph,
                block.text,
                size=BODY_SIZE,
                bold=block.level <= 3,
                italic=block.level >= 3,
            )
        elif isinstance(block, Paragraph):
            for index, text in enumerate(block.text.split("\n") or [""]):
                paragraph = _format(
                    document.add_paragraph(),
                    align=block.align,
                    after=6,
                    line=1.15,
                    indent=FIRST_LINE_INDENT if block.indent else None,
                )
                if block.label and index == 0:
                    _run(paragraph, block.label, size=BODY_SIZE, bold=True, italic=block.italic)
                _run(paragraph, text, size=BODY_SIZE, bold=block.bold, italic=block.italic)
        elif isinstance(block, Table):
            _data_table(document, block)
        elif isinstance(block, PageBreak):
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _signature(document, doc: OfficialDocument) -> None:
    _spacer(document, 6)
    table = _table(document, 1, [SIGN_LEFT_MM, SIGN_RIGHT_MM], bordered=False)
    _row_flag(table.rows[0], "w:cantSplit", _AFTER_CANTSPLIT)  # the block stays together
    left, right = table.rows[0].cells
    if doc.recipients:
        _line(left, "Nơi nhận:", size=12, align="left", bold=True, italic=True)
        for recipient in doc.recipients:
            _line(left, recipient, size=11, align="left")
    if doc.signer_title:
        _line(right, _upper(doc.signer_title), size=14, bold=True)
    _spacer(right, 80)  # room for the signature and the seal
    if doc.signer_name:
        _line(right, doc.signer_name, size=14, bold=True)
    for cell in (left, right):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        _clear(cell)
    # Word wants a paragraph after a closing table; keep it tiny so it never adds a page.
    _spacer(document, 1)


def render(doc: OfficialDocument) -> bytes:
    """The .docx bytes of ``doc``."""
    document = Document()
    _setup(document)
    # A new document starts with no paragraph; the header table goes first.
    _header(document, doc)
    _title(document, doc)
    _body(document, doc.body)
    _signature(document, doc)
    props = document.core_properties
    props.title = " ".join(part for part in (doc.doc_type, doc.title) if part)[:255]
    props.author = (doc.issuer or "").replace("\n", " ")[:255]
    props.language = "vi-VN"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
