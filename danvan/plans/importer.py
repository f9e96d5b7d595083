"""Reading a plan from its text: a Word file or pasted text becomes a ``Proposal``.

Pure functions, no database. The official reviews the proposal before anything is saved
(``danvan.plans.importing``), so the parser proposes and reports rather than guesses
silently: what it could not read goes to ``Proposal.problems``, what it assumed to
``Proposal.notices``, each message naming the part of the document.

The pipeline:

1. ``lines_from_text`` / ``lines_from_docx``: the document as clean lines, in reading order
   (a .docx gives its paragraphs and its table cells: the official header is usually a
   borderless two-column table); markdown emphasis and table pipes left by copy-paste are
   dropped, and a paragraph broken by a page ("… cải cách hành" / "chính năm 2023 …") is
   joined again.
2. ``parse_lines``: the header (issuing body, "Số: 5584/KH-UBND", "Ninh Thuận, ngày 23
   tháng 12 năm 2022", the type line and title, "V/v …", "Kính gửi"), the legal basis
   ("Căn cứ …", "Thực hiện …") with the documents each line cites, the roman-numbered
   sections, the tasks of "TỔ CHỨC THỰC HIỆN" (or the numbered items of a letter), their
   deadlines, the recipients ("Nơi nhận"), the signature and "100% …" coverage targets.
3. ``match_unit``: the unit of the tree a label such as "Phòng Nội vụ Thành phố" names.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Protocol

from django.utils.translation import gettext as _

from danvan.core.text import fold
from danvan.orgs.models import UnitKind
from danvan.plans.models import DocumentType, PlanKind, Recurrence, SectionKind

# The heading given to the body of a letter or article that has no roman-numbered sections.
# It is document text (Vietnamese by law), not interface text.
DEFAULT_SECTION_HEADING = "NỘI DUNG"
HEAD_SCAN = 40  # the header elements are looked for in the first lines only
TITLE_MAX = 300  # a task or requirement title taken from a sentence is cut here

# ----------------------------------------------------------------- the result


@dataclass
class CitedDocument:
    """A document a basis line cites: "Chỉ thị số 33/CT-TTg ngày 26/11/2021 của … về …"."""

    doc_type: str
    type_name: str  # as written: "Chỉ thị", "công văn"
    number: str  # normalised: "33/CT-TTg", "547-CV/TU"
    issued_on: dt.date | None = None
    issuer: str = ""
    title: str = ""


@dataclass
class BasisLine:
    text: str
    documents: list[CitedDocument] = field(default_factory=list)


@dataclass
class ProposedSection:
    heading: str
    kind: str
    body: str
    numeral: str = ""  # "I", "II"…; empty for a part without a roman heading


@dataclass
class Deadline:
    """A deadline found in a task's text; ``text`` is the words it was read from."""

    recurrence: str
    text: str
    due_on: dt.date | None = None
    day: int | None = None
    month: int | None = None


@dataclass
class ProposedTask:
    number: str  # "1", "Một là"
    title: str
    description: str = ""
    lead_label: str = ""
    lead_kinds: list[str] = field(default_factory=list)
    coordinating_label: str = ""
    deadline: Deadline | None = None


@dataclass
class CoverageSuggestion:
    """ "100% chi bộ sinh hoạt chuyên đề … trong tháng 10/2024"."""

    title: str
    unit_kind: str
    activity_type: str  # an ActivityType code
    starts_on: dt.date
    ends_on: dt.date


@dataclass
class Proposal:
    kind: str = PlanKind.PLAN
    number: str = ""
    symbol: str = ""
    issued_on: dt.date | None = None
    issued_month: str = ""  # "5/2023" when only the month is given
    place: str = ""
    issuer_lines: list[str] = field(default_factory=list)
    issuer_name: str = ""  # from "Cơ quan ban hành" or a news article
    is_news: bool = False  # a news article about the document, not the document
    title: str = ""
    signer_title: str = ""  # one line each: "KT.CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    signer_name: str = ""
    basis: list[BasisLine] = field(default_factory=list)
    sections: list[ProposedSection] = field(default_factory=list)
    tasks: list[ProposedTask] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)  # "Kính gửi"
    recipients: list[str] = field(default_factory=list)  # "Nơi nhận"
    coverage: list[CoverageSuggestion] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def is_usable(self) -> bool:
        """Something worth reviewing was read: a number or symbol, a roman-numbered section,
        a task or a cited document (any text gives a section of its own)."""
        return bool(
            self.number
            or self.symbol
            or self.tasks
            or any(s.numeral for s in self.sections)
            or any(line.documents for line in self.basis)
        )

    @property
    def recipients_text(self) -> str:
        """ "Nơi nhận" one per line; "Như kính gửi" is replaced by the "Kính gửi" lines."""
        lines: list[str] = []
        for line in self.recipients:
            if self.addressees and "nhu kinh gui" in fold(line):
                lines.extend(self.addressees)
            else:
                lines.append(line)
        return "\n".join(lines or self.addressees)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable copy (dates as ISO strings), for the session."""
        return _jsonable(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Proposal:
        return _build(cls, data)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_NESTED = {
    ("Proposal", "basis"): BasisLine,
    ("Proposal", "sections"): ProposedSection,
    ("Proposal", "tasks"): ProposedTask,
    ("Proposal", "coverage"): CoverageSuggestion,
    ("BasisLine", "documents"): CitedDocument,
}
_DATE_FIELDS = {"issued_on", "due_on", "starts_on", "ends_on"}


def _build(cls, data: dict[str, Any]):
    values = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        nested = _NESTED.get((cls.__name__, f.name))
        if nested is not None:
            value = [_build(nested, item) for item in value or []]
        elif f.name == "deadline":
            value = _build(Deadline, value) if value else None
        elif f.name in _DATE_FIELDS:
            value = dt.date.fromisoformat(value) if value else None
        values[f.name] = value
    return cls(**values)


# ------------------------------------------------------------------- reading


class UnreadableDocumentError(ValueError):
    """The bytes are not a Word document python-docx can open."""


_EMPHASIS = re.compile(r"\*+")  # "**01/11**", "*trọng dân*": markdown left by copy-paste
_INVISIBLE = str.maketrans({"\xa0": " ", "\u200b": "", "\ufeff": "", "\t": " "})


def clean_line(raw: str) -> str:
    """NFC, no emphasis markers, no stray spaces."""
    text = unicodedata.normalize("NFC", raw).translate(_INVISIBLE)
    return " ".join(_EMPHASIS.sub("", text).split())


def _cells(raw: str) -> list[str]:
    """A line copied from a web table, "Số hiệu | 5584/KH-UBND |", gives one line per cell."""
    return [clean_line(cell) for cell in raw.split("|")]


def lines_from_text(text: str) -> list[str]:
    """Pasted text as clean, non-empty lines."""
    out: list[str] = []
    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        out.extend(cell for cell in _cells(raw) if cell)
    return out


def lines_from_docx(data: bytes) -> list[str]:
    """A .docx as clean lines: paragraphs and table cells in document order.

    Cells are read row by row, left to right, each cell's paragraphs (and nested tables) in
    turn; a cell spanning several grid columns is read once. Line breaks inside a
    paragraph give separate lines, as in pasted text.
    """
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a damaged package
        raise UnreadableDocumentError(str(exc)) from exc
    raw: list[str] = []
    _walk(document, raw)
    out: list[str] = []
    for text in raw:
        for piece in text.split("\n"):
            out.extend(cell for cell in _cells(piece) if cell)
    return out


def _walk(container, out: list[str]) -> None:
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    _walk(cell, out)
        else:
            out.append(block.text)


def join_continuations(lines: Sequence[str]) -> list[str]:
    """Join a line starting in lower case to the line before it, when that one does not end
    a sentence: a paragraph cut by a page break in the source."""
    out: list[str] = []
    for line in lines:
        if out and line[:1].islower() and not out[-1].endswith((".", ";", ":", "!", "?")):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


# ---------------------------------------------------------------- small helpers


def aligned_fold(text: str) -> str:
    """``fold`` character by character, so positions in the result are positions in
    ``text`` (for slicing the original after matching the folded form)."""
    return "".join((fold(ch) or " ")[:1] for ch in text)


def is_upper(line: str) -> bool:
    """All letters in capitals (and some letters): a header, heading or signature line."""
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _date(day: int, month: int, year: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def cut(text: str, limit: int = TITLE_MAX) -> str:
    """``text`` within ``limit`` characters, cut at a word with "…"."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{head}…"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[\"“(]?[A-ZĐÀ-Ỹ0-9])")


def sentences(paragraph: str) -> list[str]:
    """A paragraph cut after ".", ";", "!" or "?" followed by a capital or a digit."""
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def first_clause(text: str) -> str:
    """The first sentence or clause (to "." or ";"), cut to a title's length."""
    head = re.split(r"[.;](?:\s|$)|:\s", text.strip(), maxsplit=1)[0]
    return cut(head.strip().rstrip(".;:,"))


# -------------------------------------------------------------- line kinds

_MOTTO = (
    "cong hoa xa hoi chu nghia viet nam",
    "cong hoa xa hoi",
    "chu nghia viet nam",
    "doc lap - tu do - hanh phuc",
    "doc lap tu do hanh phuc",
    "dang cong san viet nam",
)
_RULE = re.compile(r"^[-_=*.~…\s]+$")

_KIND_LINES = {
    "ke hoach": PlanKind.PLAN,
    "chuong trinh": PlanKind.PROGRAMME,
    "chuong trinh hanh dong": PlanKind.PROGRAMME,
    "chi thi": PlanKind.DIRECTIVE,
    "huong dan": PlanKind.GUIDE,
    "cong van": PlanKind.OFFICIAL_LETTER,
}
# The first part of a symbol: "KH-UBND" is a plan, "CV/HU" an official letter.
_SYMBOL_KINDS = {
    "kh": PlanKind.PLAN,
    "ctr": PlanKind.PROGRAMME,
    "ct": PlanKind.DIRECTIVE,
    "hd": PlanKind.GUIDE,
    "cv": PlanKind.OFFICIAL_LETTER,
}

_NUMBER_LINE = re.compile(r"^Số\s*:?\s*(?P<ref>[\d.…]*\s*[-\u2013\u2014/]\s*[A-ZĐ].*)$")
_DATE_LINE = re.compile(
    r"^(?P<place>[^,\d]{2,100}?)\s*,\s*(?i:ngày)\s*(?P<d>[\d.…]*)\s*(?i:tháng)\s*"
    r"(?P<m>\d{1,2})\s*(?i:năm)\s*(?P<y>\d{4})"
)
_VV_LINE = re.compile(r"^(?:V/[vV]|Về việc)\s*[:.]?\s*(?P<text>.*)$")
_TO_LINE = re.compile(r"^Kính gửi\s*:?\s*(?P<text>.*)$")
_NEWS = re.compile(
    r"(?i:ngày)\s*(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\s*,\s*(?P<issuer>[^,]{3,120}?)\s+"
    r"(?i:ban hành|đã ban hành)\s+(?P<type>Kế hoạch|Chương trình|Chỉ thị|Hướng dẫn|Công văn)"
    r"\s+(?:số\s+)?(?P<ref>\d+\s*[-\u2013/]\s*[A-ZĐ][\w/\-\u2013Đđ]*)"
    r"(?:\s+(?i:về)\s+(?:(?i:việc)\s+)?(?P<title>[^.]+))?"
)
_ROMAN = re.compile(r"^(?P<num>[IVXL]{1,6})\s*[.:\-\u2013]\s+(?P<head>[^\s\w]*[^\W\d_a-zà-ỹđ].*)$")
_ARABIC = re.compile(r"^(?P<num>\d{1,2})\s*[.)]\s+(?P<text>\S.*)$")
_ORDINALS = ("Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười")
_ORDINAL = re.compile(r"^(?P<num>" + "|".join(_ORDINALS) + r") là\s*[,:]\s*(?P<text>\S.*)$")
_DASH_ITEM = re.compile(r"^[-\u2013\u2014+•]\s*")
_SIGNER_START = re.compile(r"^(?:KT|TM|T/M|T\.M|TL|T/L|TUQ|Q|PP|K/T)\s*[./]?\s*[A-ZĐ]")
_SIGNER_ROLES = (
    "chu tich",
    "pho chu tich",
    "bi thu",
    "pho bi thu",
    "giam doc",
    "pho giam doc",
    "truong ban",
    "pho truong ban",
    "chanh van phong",
    "truong phong",
)
_NEWS_TAIL = ("xem chi tiet", "tag:", "file dinh kem", "tin lien quan", "cac tin khac")


def roman_value(numeral: str) -> int:
    """ "IV" → 4; 0 when it is not a well-formed roman numeral."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    total, previous = 0, 0
    for ch in reversed(numeral):
        value = values.get(ch, 0)
        if value == 0:
            return 0
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total if _to_roman(total) == numeral else 0


def _to_roman(n: int) -> str:
    out = ""
    for value, letters in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV")):
        while n >= value:
            out += letters
            n -= value
    return out + "I" * n


def is_motto(line: str) -> bool:
    folded = fold(line)
    return bool(_RULE.match(line)) or any(folded.startswith(m) for m in _MOTTO)


def roman_heading(line: str) -> tuple[str, str] | None:
    match = _ROMAN.match(line)
    if match and roman_value(match["num"]):
        return match["num"], match["head"].strip()
    return None


def is_basis_start(line: str) -> bool:
    return line.startswith(("Căn cứ ", "CĂN CỨ ", "Thực hiện "))


def is_signer_line(line: str) -> bool:
    return is_upper(line) and (
        bool(_SIGNER_START.match(line)) or fold(line).strip(" .") in _SIGNER_ROLES
    )


def is_name(line: str) -> bool:
    """ "Cao Văn Vượng": two to six capitalised words, no digits."""
    words = line.split()
    return (
        2 <= len(words) <= 6
        and not any(ch.isdigit() for ch in line)
        and all(w[:1].isupper() for w in words)
        and not is_upper(line)
    )


# ------------------------------------------------------------------ numbers


def normalise_reference(text: str) -> str:
    """ "547 – CV/TU" → "547-CV/TU"; "06/CT- UBND" → "06/CT-UBND"; "05/2016//x" kept."""
    text = re.sub(r"[\u2013\u2014\u2010\u2212]", "-", text)
    text = re.sub(r"\s*([-/])\s*", r"\1", text.strip())
    return text.strip(" .,;:")


def split_reference(text: str) -> tuple[str, str]:
    """A plan's number and symbol: "5584/KH-UBND" → ("5584", "KH-UBND"), "451-CV/HU" →
    ("451", "CV/HU"), "/KH-UBND" or "…/KH-UBND" → ("", "KH-UBND")."""
    ref = normalise_reference(re.sub(r"^[.…]+", "", text.strip()))
    match = re.match(r"^(?P<num>\d*)(?P<sep>[-/])(?P<sym>\S+)$", ref)
    if match is None:
        return "", ref
    return match["num"], match["sym"]


def kind_of_symbol(symbol: str) -> str | None:
    head = fold(re.split(r"[-/]", symbol, maxsplit=1)[0])
    return _SYMBOL_KINDS.get(head)


# ------------------------------------------------------------------- citations

_CITATION_TYPES = {
    "chi thi": DocumentType.DIRECTIVE,
    "nghi quyet": DocumentType.RESOLUTION,
    "ket luan": DocumentType.CONCLUSION,
    "quyet dinh": DocumentType.DECISION,
    "ke hoach": DocumentType.PLAN,
    "cong van": DocumentType.OFFICIAL_LETTER,
    "de an": DocumentType.PROJECT,
    "luat": DocumentType.LAW,
    "nghi dinh": DocumentType.DECREE,
    "thong tu": DocumentType.CIRCULAR,
    "quy dinh": DocumentType.REGULATION,
    "quy che": DocumentType.REGULATION,
    "huong dan": DocumentType.GUIDE,
    "chuong trinh": DocumentType.PROGRAMME,
    "thong bao": DocumentType.NOTICE,
    "phap lenh": DocumentType.OTHER,
    "van ban": DocumentType.OTHER,
}
_TYPE_WORDS = (
    "Chỉ thị|Nghị quyết|Kết luận|Quyết định|Kế hoạch|Công văn|Đề án|Luật|Nghị định|Thông tư|"
    "Quy định|Quy chế|Hướng dẫn|Chương trình|Thông báo|Pháp lệnh|Văn bản"
)
_SEGMENT = r"[A-ZĐ][A-Za-z0-9ĐđƯưƠơÂâĂăÊêÔô]*"
_CITATION = re.compile(
    r"(?P<type>(?i:" + _TYPE_WORDS + r"))\s+(?:(?i:số)\s*)?"
    r"(?P<ref>\d+(?:\s*/\s*\d{4})?\s*[-\u2013\u2014/]\s*"
    + _SEGMENT
    + r"(?:\s*[-\u2013\u2014/]\s*"
    + _SEGMENT
    + r")*)"
)
_CITED_DATE = re.compile(
    r"\s*,?\s*(?i:ngày)\s*(?:(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/+\s*(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})\s*(?i:tháng)\s*(?P<m2>\d{1,2})\s*(?i:năm)\s*(?P<y2>\d{4}))"
)
_ISSUER = re.compile(
    r"\s*,?\s*(?i:của)\s+(?P<issuer>.+?)(?=\s+(?i:về|triển khai|tại|ban hành|thực hiện|"
    r"phê duyệt|hướng dẫn|quy định)\s|\s*[;(“\"”,:]|\s*\.(?:\s|$)|\s*$)"
)
_ISSUER_BEFORE = re.compile(r"(?i:của)\s+(?P<issuer>[^;,()]+?)\s+(?i:tại)\s*$")


def _clause_end(text: str, start: int) -> int:
    """Where the clause holding ``start`` ends: the next ";" outside brackets and quotes."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch in "(“":
            depth += 1
        elif ch in ")”" and depth:
            depth -= 1
        elif ch == ";" and depth == 0:
            return i
    return len(text)


def _strip_title(text: str) -> str:
    text = text.strip().rstrip(";.,").strip()
    if text.startswith("“") and text.endswith("”"):
        text = text[1:-1]
    text = text.strip('“”"').strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text


def cite_documents(line: str) -> tuple[list[CitedDocument], int]:
    """Every document a basis line cites, and where the last citation's words end.

    For each "<type> [số] <number>": the date right after it ("ngày 26/11/2021", "ngày 26/4
    /2023", "ngày 23 tháng 12 năm 2022"), the issuer after "của" (or before it: "… của Ban
    cán sự đảng tại Công văn số …"), and the title: after "về (việc)", in brackets, or the
    words that follow the issuer to the end of the clause ("… của UBND tỉnh triển khai Chỉ
    thị số 33/CT-TTg …").
    """
    matches = list(_CITATION.finditer(line))
    documents: list[CitedDocument] = []
    extent = 0
    for match in matches:
        type_name = match["type"]
        doc_type = _CITATION_TYPES.get(fold(type_name), DocumentType.OTHER)
        pos = match.end()
        extent = max(extent, pos)
        issued_on = None
        date = _CITED_DATE.match(line, pos)
        if date:
            if date["d"]:
                issued_on = _date(int(date["d"]), int(date["m"]), int(date["y"]))
            else:
                issued_on = _date(int(date["d2"]), int(date["m2"]), int(date["y2"]))
            pos = date.end()
            extent = max(extent, pos)
        issuer = ""
        found = _ISSUER.match(line, pos)
        if found:
            issuer = found["issuer"].strip()
            pos = found.end()
            extent = max(extent, pos)
        else:
            before = _ISSUER_BEFORE.search(line[: match.start()])
            if before:
                issuer = before["issuer"].strip()
        title = ""
        end = _clause_end(line, pos)
        rest = line[pos:end]
        about = re.match(r"^\s*,?\s*(?i:về)\s+(?:(?i:việc)\s+)?", rest)
        if about:
            title = _strip_title(rest[about.end() :])
        elif re.match(r"^\s*[(“]", rest):
            title = _strip_title(re.sub(r"^\(?\s*(?i:" + _TYPE_WORDS + r")\s+", "(", rest.strip()))
        elif re.match(r"^\s+[a-zà-ỹđ]", rest):
            title = _strip_title(rest)
        if title:
            extent = max(extent, end)
        documents.append(
            CitedDocument(
                doc_type=doc_type,
                type_name=type_name,
                number=normalise_reference(match["ref"]),
                issued_on=issued_on,
                issuer=issuer[:255],
                title=title,
            )
        )
    return documents, extent


def basis_lines(paragraphs: Iterable[str]) -> list[BasisLine]:
    """The "Căn cứ …" lines and the "Thực hiện …" sentences of the opening, with the
    documents they cite. A "Thực hiện" sentence inside a paragraph is taken from its first
    word to the end of its last citation ("…; Ủy ban nhân dân tỉnh xây dựng kế hoạch …" is
    left out)."""
    out: list[BasisLine] = []
    for paragraph in paragraphs:
        if paragraph.startswith(("Căn cứ ", "CĂN CỨ ")):
            documents, _end = cite_documents(paragraph)
            out.append(BasisLine(text=paragraph, documents=documents))
            continue
        for sentence in sentences(paragraph) if "Thực hiện " in paragraph else ():
            if not sentence.startswith("Thực hiện "):
                continue
            documents, end = cite_documents(sentence)
            if not documents:
                continue
            text = sentence[:end].rstrip(" ,;.:")
            out.append(BasisLine(text=f"{text};", documents=documents))
    return out


# -------------------------------------------------------------- the header


@dataclass
class _Header:
    metadata: dict[str, str] = field(default_factory=dict)
    end: int = 0  # index of the first line after the header


_METADATA = {
    "so hieu": "number",
    "ngay ban hanh": "issued_on",
    "ngay co hieu luc": "in_force",
    "loai van ban": "kind",
    "co quan ban hanh": "issuer",
    "nguoi ky": "signer",
    "linh vuc": "field",
}


def read_metadata(lines: Sequence[str]) -> tuple[dict[str, str], set[int]]:
    """The "Số hiệu | 5584/KH-UBND" lines a legal-documents website puts above the text.

    The value is on the same line ("Số hiệu 8041/KH-UBND") or, from a table, on the next.
    """
    found: dict[str, str] = {}
    used: set[int] = set()
    for i, line in enumerate(lines[:HEAD_SCAN]):
        folded = fold(line)
        for label, key in _METADATA.items():
            if folded == label or folded.startswith((label + " ", label + ":")):
                value = line[len(label) :].strip(" :")
                used.add(i)
                if not value and i + 1 < len(lines):
                    value = lines[i + 1]
                    used.add(i + 1)
                found.setdefault(key, value)
                break
    return found, used


def _date_from_text(text: str) -> dt.date | None:
    match = re.search(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})", text or "")
    return _date(int(match[1]), int(match[2]), int(match[3])) if match else None


def _first(lines: Sequence[str], test, start: int = 0, stop: int | None = None) -> int | None:
    for i in range(start, min(len(lines), stop if stop is not None else len(lines))):
        if test(lines[i]):
            return i
    return None


def _body_line(line: str) -> bool:
    """A line that can only be in the body: a heading, a numbered item or a basis line."""
    return bool(
        roman_heading(line) or _ARABIC.match(line) or _ORDINAL.match(line) or is_basis_start(line)
    )


def read_header(lines: Sequence[str], proposal: Proposal) -> int:
    """Fill the header fields of ``proposal``; return the index where the body starts."""
    metadata, meta_used = read_metadata(lines)
    scan = _first(lines, _body_line) or len(lines)
    scan = min(scan, HEAD_SCAN)
    marks: list[int] = sorted(meta_used)

    # Metadata values ("Kế hoạch" after "Loại văn bản") are not header lines.
    head = [("" if i in meta_used else line) for i, line in enumerate(lines[:scan])]
    number_at = _first(head, lambda s: bool(_NUMBER_LINE.match(s)))
    date_at = _first(head, lambda s: bool(_DATE_LINE.match(s)))
    kind_at = _first(head, lambda s: bool(s) and fold(s).strip(" :") in _KIND_LINES)
    vv_at = _first(head, lambda s: bool(_VV_LINE.match(s)))
    to_at = _first(head, lambda s: bool(_TO_LINE.match(s)))
    news = None
    if number_at is None:
        for i, line in enumerate(lines[:HEAD_SCAN]):
            news = _NEWS.search(line)
            if news:
                marks.append(i)
                break

    # Number and symbol.
    if number_at is not None:
        marks.append(number_at)
        proposal.number, proposal.symbol = split_reference(
            _NUMBER_LINE.match(lines[number_at])["ref"]
        )
    elif metadata.get("number"):
        proposal.number, proposal.symbol = split_reference(metadata["number"])
    elif news:
        proposal.number, proposal.symbol = split_reference(news["ref"])
        proposal.is_news = True

    # Place and date.
    if date_at is not None:
        marks.append(date_at)
        match = _DATE_LINE.match(lines[date_at])
        proposal.place = match["place"].strip()[:100]
        day = match["d"].strip(".…")
        if day:
            proposal.issued_on = _date(int(day), int(match["m"]), int(match["y"]))
        else:
            proposal.issued_month = f"{int(match['m'])}/{match['y']}"
    if proposal.issued_on is None and not proposal.issued_month:
        if metadata.get("issued_on"):
            proposal.issued_on = _date_from_text(metadata["issued_on"])
        elif news:
            proposal.issued_on = _date(int(news["d"]), int(news["m"]), int(news["y"]))

    # Issuing body: capital lines above the number and date lines, the motto left out.
    first_mark = (
        min(i for i in (number_at, date_at, kind_at, vv_at) if i is not None)
        if any(i is not None for i in (number_at, date_at, kind_at, vv_at))
        else 0
    )
    proposal.issuer_lines = [
        line
        for i, line in enumerate(lines[:first_mark])
        if i not in meta_used and is_upper(line) and not is_motto(line)
    ]
    for i, line in enumerate(lines[:first_mark]):
        if is_motto(line):
            marks.append(i)
    proposal.issuer_name = metadata.get("issuer", "") or (news["issuer"].strip() if news else "")

    # Kind and title.
    title_end = None
    kind = None
    if kind_at is not None:
        kind = _KIND_LINES[fold(lines[kind_at]).strip(" :")]
        marks.append(kind_at)
        title, title_end = _title_after(lines, kind_at + 1, scan)
        proposal.title = title
    if vv_at is not None:
        kind = kind or PlanKind.OFFICIAL_LETTER
        parts = [_VV_LINE.match(lines[vv_at])["text"]]
        title_end = vv_at
        for i in range(vv_at + 1, min(vv_at + 4, len(lines))):
            line = lines[i]
            if (
                _TO_LINE.match(line)
                or _body_line(line)
                or _NUMBER_LINE.match(line)
                or _DATE_LINE.match(line)
                or is_motto(line)
            ):
                break
            parts.append(line)
            title_end = i
        if not proposal.title:
            proposal.title = " ".join(p for p in parts if p)
    if not proposal.title and news and news["title"]:
        proposal.title = capitalise(news["title"].strip())
    if not proposal.title:
        after = max((i for i in (number_at, date_at) if i is not None), default=None)
        if after is not None:
            title, title_end = _title_after(lines, after + 1, scan, capitals_only=True)
            proposal.title = title
    if title_end is not None:
        marks.append(title_end)
    proposal.title = proposal.title[:1000]

    if kind is None and proposal.symbol:
        kind = kind_of_symbol(proposal.symbol)
    if kind is None and metadata.get("kind"):
        kind = _KIND_LINES.get(fold(metadata["kind"]))
    if kind is None and news:
        kind = _KIND_LINES.get(fold(news["type"]))
    if kind is None:
        proposal.notices.append(
            _("Document kind: no type line (“KẾ HOẠCH”, “V/v …”) was found; a plan is assumed.")
        )
        kind = PlanKind.PLAN
    proposal.kind = kind

    # Addressees: "Kính gửi: - A;" then "- B;" lines.
    if to_at is not None:
        marks.append(to_at)
        first = _TO_LINE.match(lines[to_at])["text"].strip()
        if first:
            proposal.addressees.append(_as_item(first))
        i = to_at + 1
        while i < len(lines) and _DASH_ITEM.match(lines[i]):
            proposal.addressees.append(_as_item(lines[i]))
            marks.append(i)
            i += 1

    if metadata.get("signer"):
        proposal.signer_name = metadata["signer"][:200]
    return max(marks) + 1 if marks else 0


def _as_item(text: str) -> str:
    """A recipient or addressee line written "- X;"."""
    return f"- {_DASH_ITEM.sub('', text).strip()}"


def _title_after(
    lines: Sequence[str], start: int, stop: int, *, capitals_only: bool = False
) -> tuple[str, int | None]:
    """The title from ``start``: one line, or several lines in capitals."""
    parts: list[str] = []
    end = None
    for i in range(start, len(lines)):
        line = lines[i]
        if (
            _body_line(line)
            or _TO_LINE.match(line)
            or _NUMBER_LINE.match(line)
            or _DATE_LINE.match(line)
            or is_motto(line)
        ):
            if parts or not is_motto(line):
                break
            continue
        if parts and not (is_upper(parts[0]) and is_upper(line)):
            break
        if not parts and capitals_only and not is_upper(line):
            break
        parts.append(line)
        end = i
        if i >= stop and not is_upper(line):
            break
    return " ".join(parts), end


# ------------------------------------------------------------------ the body

_SECTION_KINDS = (
    ("to chuc thuc hien", SectionKind.ORGANISATION),
    ("muc dich", SectionKind.PURPOSE),
    ("yeu cau", SectionKind.PURPOSE),
    ("muc tieu", SectionKind.PURPOSE),
    ("chi tieu", SectionKind.TARGETS),
    ("noi dung", SectionKind.CONTENT),
    ("nhiem vu", SectionKind.CONTENT),
    ("giai phap", SectionKind.CONTENT),
)


def section_kind(heading: str) -> str:
    """ "MỤC ĐÍCH, YÊU CẦU" → purpose; "NỘI DUNG…", "NHIỆM VỤ VÀ GIẢI PHÁP" → content;
    "CHỈ TIÊU…" → targets; "TỔ CHỨC THỰC HIỆN" → organisation; anything else → other."""
    folded = fold(heading)
    for words, kind in _SECTION_KINDS:
        if words in folded:
            return kind
    return SectionKind.OTHER


def body_end(lines: Sequence[str], start: int) -> int:
    """Where the body stops: "Nơi nhận", a signature line or the tail of a news page."""
    for i in range(start, len(lines)):
        folded = fold(lines[i])
        if folded.startswith("noi nhan") or folded.startswith(_NEWS_TAIL):
            return i
        if is_signer_line(lines[i]):
            return i
    return len(lines)


def _restarts(lines: Sequence[str]) -> list[list[str]]:
    """Split unheaded text where its arabic numbering starts again at 1."""
    parts: list[list[str]] = [[]]
    seen_item = False
    for line in lines:
        match = _ARABIC.match(line)
        if match and int(match["num"]) == 1 and seen_item:
            parts.append([])
        if match:
            seen_item = True
        parts[-1].append(line)
    return [p for p in parts if p]


def read_sections(body: Sequence[str], preamble_end: int, proposal: Proposal) -> None:
    """Roman-numbered sections; numbered text before the first one becomes parts without a
    heading (a problem: the source may be abridged); a body without any roman heading
    becomes one section."""
    headings: list[int] = []
    last = 0
    for i, line in enumerate(body):
        found = roman_heading(line)
        if found and roman_value(found[0]) > last:
            headings.append(i)
            last = roman_value(found[0])
    if not headings:
        text = [line for line in body if not line.startswith(("Căn cứ ", "CĂN CỨ "))]
        if text:
            proposal.sections.append(
                ProposedSection(
                    heading=DEFAULT_SECTION_HEADING,
                    kind=SectionKind.CONTENT,
                    body="\n\n".join(text),
                )
            )
            proposal.notices.append(
                _(
                    "Sections: there are no roman-numbered sections (I., II., …); the body is "
                    "kept as one section “%(h)s”."
                )
                % {"h": DEFAULT_SECTION_HEADING}
            )
        return
    orphan = body[preamble_end : headings[0]]
    first_numeral = roman_heading(body[headings[0]])[0]
    for n, part in enumerate(_restarts(orphan), start=1):
        proposal.sections.append(
            ProposedSection(heading="", kind=SectionKind.OTHER, body="\n\n".join(part))
        )
        proposal.problems.append(
            _(
                "Sections: part %(n)s, before section %(next)s, has no roman-numbered heading "
                "(the text may be abridged); give it a heading."
            )
            % {"n": n, "next": first_numeral}
        )
    for position, start in enumerate(headings):
        end = headings[position + 1] if position + 1 < len(headings) else len(body)
        numeral, heading = roman_heading(body[start])
        proposal.sections.append(
            ProposedSection(
                heading=heading[:500],
                kind=section_kind(heading),
                body="\n\n".join(body[start + 1 : end]),
                numeral=numeral,
            )
        )


# ------------------------------------------------------------------- tasks


@dataclass
class _Item:
    number: str
    first: str
    rest: list[str] = field(default_factory=list)


def split_items(lines: Sequence[str]) -> list[_Item]:
    """Top-level numbered items ("1. …", "2. …" in order, or "Một là, …"); the lines after
    an item belong to it. Text before the first item and from the closing "Trên đây là …"
    on are left out; a "1." inside an item (a sub-list) does not start a new item."""
    items: list[_Item] = []
    for line in lines:
        if fold(line).startswith("tren day la"):
            break
        arabic = _ARABIC.match(line)
        ordinal = _ORDINAL.match(line)
        if arabic and (
            not items
            or (items[-1].number.isdigit() and int(arabic["num"]) == int(items[-1].number) + 1)
        ):
            items.append(_Item(arabic["num"], arabic["text"]))
        elif ordinal and (not items or not items[-1].number.isdigit()):
            items.append(_Item(f"{ordinal['num']} là", capitalise(ordinal["text"])))
        elif items:
            items[-1].rest.append(line)
    return items


_ORG_STARTS = (
    "cac ",
    "ban ",
    "phong ",
    "so ",
    "ubnd",
    "uy ban",
    "hdnd",
    "hoi dong nhan dan",
    "dang uy",
    "dang bo",
    "huyen uy",
    "thanh uy",
    "tinh uy",
    "thi uy",
    "quan uy",
    "chi bo",
    "cap uy",
    "mat tran",
    "ubmttq",
    "thanh tra",
    "trung tam",
    "cong an",
    "van phong",
    "dai ",
    "hoi ",
    "doan ",
    "lien doan",
    "ban chi huy",
    "toa an",
    "vien kiem sat",
    "kho bac",
    "chi cuc",
    "chinh quyen",
    "co quan",
    "nguoi dung dau",
)
_NOT_ORG = ("hoi nghi", "hoi thao", "doan ket", "so luong", "ban hanh")
_VERBS = (
    "chi dao",
    "phoi hop",
    "tap trung",
    "chu tri",
    "to chuc",
    "xay dung",
    "thuc hien",
    "trien khai",
    "tham muu",
    "tang cuong",
    "co trach nhiem",
    "chiu trach nhiem",
    "chu dong",
    "theo doi",
    "huong dan",
    "nang cao",
    "day manh",
    "tiep tuc",
    "lanh dao",
    "kiem tra",
    "quan triet",
    "can cu",
    "bao cao",
    "phu trach",
    "ra soat",
    "tuyen truyen",
    "ky ket",
    "quan tam",
    "dinh ky",
    "thuong xuyen",
)
_VERB = re.compile(r"\b(?:" + "|".join(_VERBS) + r")\b")
# "tổ chức" is also a noun: "các tổ chức chính trị - xã hội", "tổ chức Đảng".
_NOUN_AFTER_TO_CHUC = re.compile(r"\s+(?:dang|chinh tri|co so|doan the|hoi|xa hoi|thanh vien)\b")


def starts_with_body(text: str) -> bool:
    """The text opens with the name of a body ("Phòng Nội vụ", "UBND huyện", "Các …")."""
    folded = fold(text)
    return folded.startswith(_ORG_STARTS) and not folded.startswith(_NOT_ORG)


def first_verb(text: str, start: int = 0) -> int | None:
    """Position in ``text`` of the first verb (task words) at or after ``start``."""
    folded = aligned_fold(text)
    for match in _VERB.finditer(folded, start):
        if match.group() == "to chuc" and _NOUN_AFTER_TO_CHUC.match(folded, match.end()):
            continue
        return match.start()
    return None


def subject_of(text: str) -> str:
    """The body a sentence opens with, when it does: "Ban Tuyên giáo chỉ đạo …" → "Ban
    Tuyên giáo"; "UBND huyện phối hợp với …" → "UBND huyện"; "" otherwise."""
    if not starts_with_body(text):
        return ""
    position = first_verb(text, 1)
    if position is None:
        return ""
    subject = text[:position].strip(" ,;:")
    return subject if 0 < len(subject.split()) <= 16 else ""


def is_label(text: str) -> bool:
    """An item line that only names the lead body: "2. Phòng Nội vụ Thành phố"."""
    return (
        len(text) <= 250
        and not text.rstrip().endswith(".")
        and starts_with_body(text)
        and first_verb(text, 1) is None
    )


_GROUP_RULES = (
    (("dang uy", "cap uy", "chi bo", "to chuc dang", "to chuc co so dang", "dang bo"), "party"),
    (("mat tran",), "front"),
    (("doan the", "to chuc chinh tri", "hoi doan"), "mass_org"),
    (("su nghiep",), "other"),
    (("phuong", "xa", "thi tran", "cap xa", "co so"), "commune"),
    (("co quan", "don vi", "so, ban", "ban, nganh", "phong", "nganh"), "department"),
)


def lead_kinds(label: str) -> list[str]:
    """The unit kinds a group lead names: "UBND các phường, xã" → commune; "Đảng ủy các
    xã, thị trấn" → party; "Các cơ quan, đơn vị; các đơn vị sự nghiệp công lập …; UBND các
    phường, xã" → department, other, commune. Empty for a single body."""
    folded = fold(label)
    if not re.search(r"\bcac\b|\bcap uy\b|;", folded):
        return []
    kinds: list[str] = []
    for part in re.split(r";|\s+va\s+", folded):
        part = f" {part.strip()} "
        for words, kind in _GROUP_RULES:
            if any(re.search(rf"\b{re.escape(w)}\b", part) for w in words):
                if kind not in kinds:
                    kinds.append(kind)
                break
    return [k for k in kinds if k in UnitKind.values]


_COORDINATION_STOPS = (*_VERBS, "viet", "tham gia", "giam sat", "don doc", "cung cap", "xu ly")
_COORDINATION = re.compile(r"\bphoi hop (?:voi|cung) ")
_COORDINATION_STOP = re.compile(r"\b(?:" + "|".join(_COORDINATION_STOPS) + r")\b|[;.:]")


def coordinating_label(text: str) -> str:
    """ "Chủ trì, phối hợp với các cơ quan, đơn vị có liên quan theo dõi …" → "các cơ
    quan, đơn vị có liên quan"."""
    folded = aligned_fold(text)
    match = _COORDINATION.search(folded)
    if match is None:
        return ""
    stop = _COORDINATION_STOP.search(folded, match.end())
    end = stop.start() if stop else len(text)
    label = text[match.end() : end].strip(" ,")
    return label if 0 < len(label) <= 200 else ""


_DEADLINE_DATE = re.compile(
    r"(?P<w>chậm nhất|trước|hạn chót|không quá|hoàn thành trong|hoàn thành)\s*(?:ngày\s*)?"
    r"(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}))?(?!\d)",
    re.IGNORECASE,
)
_DEADLINE_MONTH = re.compile(
    r"trong tháng\s*(?P<m>\d{1,2})\s*(?:/|năm)\s*(?P<y>\d{4})", re.IGNORECASE
)
_DEADLINE_MONTHLY = re.compile(
    r"(?:hằng|hàng) tháng[^.;]*?(?:chậm nhất|trước)\s*ngày\s*(?P<d>\d{1,2})(?!\s*/)",
    re.IGNORECASE,
)
_DEADLINE_QUARTERLY = re.compile(
    r"(?:hằng|hàng) quý[^.;]*?(?:chậm nhất|trước)\s*ngày\s*(?P<d>\d{1,2})(?!\s*/)"
    r"(?:\s*(?:của)?\s*tháng (?P<which>đầu|giữa|cuối) quý)?",
    re.IGNORECASE,
)


def find_deadline(text: str) -> Deadline | None:
    """The first deadline the text sets.

    - "chậm nhất ngày 01/11", "trước ngày 15/10" (no year) → every year on that day;
    - the same with a year ("trước ngày 15/10/2024") → once, on that date;
    - "trong tháng 10/2024" → once, by the month's last day;
    - "hằng tháng, trước ngày 25" → every month; "hằng quý … trước ngày 15 tháng cuối quý"
      → every quarter (day 15 of its third month).
    Dates without a deadline word (a citation's date) are not deadlines.
    """
    found: list[tuple[int, Deadline]] = []
    for match in _DEADLINE_QUARTERLY.finditer(text):
        month = {"đầu": 1, "giữa": 2, "cuối": 3}.get((match["which"] or "cuối").lower(), 3)
        found.append(
            (
                match.start(),
                Deadline(Recurrence.QUARTERLY, match.group(), day=int(match["d"]), month=month),
            )
        )
        break
    for match in _DEADLINE_MONTHLY.finditer(text):
        found.append(
            (match.start(), Deadline(Recurrence.MONTHLY, match.group(), day=int(match["d"])))
        )
        break
    for match in _DEADLINE_DATE.finditer(text):
        day, month = int(match["d"]), int(match["m"])
        if match["y"]:
            due = _date(day, month, int(match["y"]))
            if due:
                found.append((match.start(), Deadline(Recurrence.ONCE, match.group(), due_on=due)))
                break
        elif 1 <= month <= 12 and _date(day, month, 2024):
            found.append(
                (match.start(), Deadline(Recurrence.YEARLY, match.group(), day=day, month=month))
            )
            break
    for match in _DEADLINE_MONTH.finditer(text):
        month, year = int(match["m"]), int(match["y"])
        if 1 <= month <= 12:
            found.append(
                (
                    match.start(),
                    Deadline(Recurrence.ONCE, match.group(), due_on=month_end(year, month)),
                )
            )
            break
    if not found:
        return None
    # A recurring rule names the day inside its phrase: prefer it to a date found within it.
    found.sort(key=lambda pair: (pair[0], pair[1].recurrence == Recurrence.ONCE))
    return found[0][1]


def task_from_item(item: _Item) -> ProposedTask:
    """A task from a numbered item.

    - "2. Phòng Nội vụ Thành phố" and paragraphs: the line names the lead; the title is the
      first clause of the paragraphs, which are the description.
    - "1. Tăng cường lãnh đạo …" and paragraphs: the line is the title; the lead is the body
      the first paragraph opens with ("Các cơ quan, đơn vị, địa phương tiếp tục …").
    - "7. Ban Tuyên giáo chỉ đạo …" alone: the title is its first clause, the lead its subject.
    """
    if item.rest and is_label(item.first):
        lead = item.first.rstrip(" :;,")
        title = first_clause(item.rest[0])
        description = "\n\n".join(item.rest)
    elif item.rest and len(item.first) <= 300 and not item.first.rstrip().endswith("."):
        lead = subject_of(item.rest[0])
        title = cut(item.first.rstrip(" :;"))
        description = "\n\n".join(item.rest)
    else:
        lead = subject_of(item.first)
        title = first_clause(item.first)
        description = "\n\n".join([item.first, *item.rest])
    text = "\n\n".join([item.first, *item.rest])
    return ProposedTask(
        number=item.number,
        title=capitalise(title),
        description=description,
        lead_label=lead[:500],
        lead_kinds=lead_kinds(lead),
        coordinating_label=coordinating_label(text),
        deadline=find_deadline(text),
    )


# ---------------------------------------------------------------- coverage

_COVERAGE_KINDS = (
    (("chi bo",), UnitKind.PARTY),
    (
        ("xa, phuong", "phuong, xa", "xa, thi tran", "thi tran", "cap xa", "chinh quyen xa"),
        UnitKind.COMMUNE,
    ),
    (("cap uy", "to chuc dang", "dang uy"), UnitKind.PARTY),
    (("co quan, don vi", "so, ban, nganh"), UnitKind.DEPARTMENT),
)
_COVERAGE_ACTIVITIES = (
    ("sinh hoat chuyen de", "themed-meeting"),
    ("lang nghe", "listening-conference"),
    ("tap huan", "training"),
    ("boi duong", "training"),
    ("ky niem", "anniversary"),
    ("ket nghia", "twinning"),
    ("chuong trinh phoi hop", "coordination-programme"),
    ("doi thoai", "dialogue"),
    ("tiep xuc", "dialogue"),
)
_WINDOW_MONTH = re.compile(r"trong tháng\s*(\d{1,2})\s*(?:/|năm)\s*(\d{4})", re.IGNORECASE)
_WINDOW_QUARTER = re.compile(r"trong quý\s*([1-4IV]+)\s*(?:/|năm)\s*(\d{4})", re.IGNORECASE)
_WINDOW_YEAR = re.compile(r"trong năm\s*(\d{4})", re.IGNORECASE)


def coverage_window(text: str) -> tuple[dt.date, dt.date] | None:
    """ "trong tháng 10/2024" → 01/10/2024–31/10/2024; "trong quý III/2024"; "trong năm 2025"."""
    match = _WINDOW_MONTH.search(text)
    if match and 1 <= int(match[1]) <= 12:
        month, year = int(match[1]), int(match[2])
        return dt.date(year, month, 1), month_end(year, month)
    match = _WINDOW_QUARTER.search(text)
    if match:
        quarter = {"I": 1, "II": 2, "III": 3, "IV": 4}.get(match[1]) or int(match[1])
        year = int(match[2])
        return dt.date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter)
    match = _WINDOW_YEAR.search(text)
    if match:
        year = int(match[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return None


def coverage_from(text: str) -> CoverageSuggestion | None:
    """A coverage requirement from a "100% <units> <activity> <window>" sentence."""
    if "100%" not in text:
        return None
    tail = text[text.index("100%") :]
    folded = fold(tail)
    unit_kind = next(
        (kind for words, kind in _COVERAGE_KINDS if any(w in folded for w in words)), None
    )
    activity = next((code for words, code in _COVERAGE_ACTIVITIES if words in folded), None)
    window = coverage_window(tail)
    if unit_kind is None or activity is None or window is None:
        return None
    return CoverageSuggestion(
        title=cut(tail.rstrip(" .;")),
        unit_kind=unit_kind,
        activity_type=activity,
        starts_on=window[0],
        ends_on=window[1],
    )


# ------------------------------------------------------------------ the tail


def read_tail(lines: Sequence[str], start: int, proposal: Proposal) -> None:
    """ "Nơi nhận:" and its "- …" lines; the signature: lines in capitals ("KT.CHỦ TỊCH",
    "PHÓ CHỦ TỊCH") and the signer's name under them."""
    i = start
    signer: list[str] = []
    name = ""
    while i < len(lines):
        line = lines[i]
        folded = fold(line)
        if folded.startswith("noi nhan"):
            inline = re.sub(r"^.{0,9}?:\s*", "", line) if ":" in line[:12] else ""
            if inline:
                proposal.recipients.append(_as_item(inline))
            i += 1
            while i < len(lines) and _DASH_ITEM.match(lines[i]):
                proposal.recipients.append(_as_item(lines[i]))
                i += 1
            continue
        if folded.startswith(_NEWS_TAIL):
            break
        if is_upper(line) and not name and (signer or is_signer_line(line)):
            signer.append(line)
        elif signer and not name and is_name(line):
            name = line
        i += 1
    if signer:
        proposal.signer_title = "\n".join(signer)[:200]
    if name:
        proposal.signer_name = name[:200]


# ------------------------------------------------------------------- parsing


def parse_text(text: str) -> Proposal:
    return parse_lines(lines_from_text(text))


def parse_docx(data: bytes) -> Proposal:
    """Raises ``UnreadableDocumentError`` when the bytes are not a Word document."""
    return parse_lines(lines_from_docx(data))


def parse_lines(raw_lines: Iterable[str]) -> Proposal:
    """The proposal for a document given as lines (see the module docstring)."""
    lines = join_continuations([line for line in (clean_line(r) for r in raw_lines) if line])
    proposal = Proposal()
    if not lines:
        proposal.problems.append(_("Nothing could be read: the text is empty."))
        return proposal
    start = read_header(lines, proposal)
    end = body_end(lines, start)
    body = list(lines[start:end])
    preamble_end = _first(
        body, lambda s: bool(roman_heading(s) or _ARABIC.match(s) or _ORDINAL.match(s))
    )
    preamble_end = len(body) if preamble_end is None else preamble_end
    proposal.basis = basis_lines(body[:preamble_end])
    read_sections(body, preamble_end, proposal)
    _read_tasks(body, preamble_end, proposal)
    read_tail(lines, end, proposal)
    for line in body:
        for sentence in sentences(line):
            suggestion = coverage_from(sentence)
            if suggestion and all(s.title != suggestion.title for s in proposal.coverage):
                proposal.coverage.append(suggestion)
    _report(proposal, lines)
    return proposal


def _read_tasks(body: Sequence[str], preamble_end: int, proposal: Proposal) -> None:
    organisation = [
        s for s in proposal.sections if s.numeral and s.kind == SectionKind.ORGANISATION
    ]
    if organisation:
        source = organisation[0].body.split("\n\n")
    elif not any(s.numeral for s in proposal.sections):
        source = list(body[preamble_end:])
    else:
        proposal.notices.append(
            _(
                "Tasks: there is no “TỔ CHỨC THỰC HIỆN” section, so no tasks are proposed; "
                "add them on the plan page."
            )
        )
        return
    proposal.tasks = [task_from_item(item) for item in split_items(source)]


def _report(proposal: Proposal, lines: Sequence[str]) -> None:
    """Problems (what could not be read) and notices (what was assumed)."""
    problems, notices = proposal.problems, proposal.notices
    if not proposal.number and not proposal.symbol:
        problems.append(_("Number and symbol: no “Số: …” line was found."))
    elif not proposal.number:
        notices.append(
            _("Number: the document has no number yet (“Số: /%(s)s”).") % {"s": proposal.symbol}
        )
    if proposal.issued_month:
        notices.append(
            _(
                "Issue date: only the month is given (%(month)s only); enter the day once the "
                "plan is issued."
            )
            % {"month": proposal.issued_month}
        )
    elif proposal.issued_on is None:
        problems.append(_("Issue date: no date (“…, ngày … tháng … năm …”) was found."))
    if not proposal.title:
        problems.append(_("Title: no title was found under the document type."))
    if not proposal.issuer_lines and not proposal.issuer_name:
        notices.append(_("Issuing body: the header names no issuing body."))
    for n, line in enumerate(proposal.basis, start=1):
        if not line.documents:
            problems.append(
                _("Legal basis, line %(n)s: no document number was recognised in “%(t)s”.")
                % {"n": n, "t": cut(line.text, 80)}
            )
        for document in line.documents:
            if not document.issuer or not document.title:
                notices.append(
                    _(
                        "Legal basis, line %(n)s: %(doc)s has no issuing body or title in the "
                        "text; give them unless the register already holds it."
                    )
                    % {"n": n, "doc": f"{document.type_name} {document.number}"}
                )
    if not proposal.sections:
        problems.append(_("Sections: no sections were found."))
    for task in proposal.tasks:
        if not task.lead_label:
            problems.append(_("Task %(n)s: no lead unit is named.") % {"n": task.number})
        if task.deadline is None:
            problems.append(_("Task %(n)s: no deadline was found; give one.") % {"n": task.number})
    if not proposal.tasks and not any(s.numeral for s in proposal.sections):
        problems.append(_("Tasks: no numbered tasks were found."))
    if proposal.is_news:
        notices.append(
            _(
                "This looks like a news article about the document, not the document itself: "
                "check every field against the original."
            )
        )
    if any("[...]" in line or "[…]" in line for line in lines):
        notices.append(_("The text looks cut short (“[...]”): what followed is missing."))
    if not proposal.signer_title and not proposal.signer_name:
        notices.append(_("Signature: no signer was found."))
    if not proposal.is_usable:
        problems.append(
            _("Nothing usable was found: no number and symbol, no sections and no tasks.")
        )


# ------------------------------------------------------------------ matching


class Candidate(Protocol):
    pk: Any
    name: str
    short_name: str
    kind: str
    depth: int


@dataclass(frozen=True)
class UnitMatch:
    unit: Any
    score: float


# Words that name a level or are common to every unit's name; "UBND" is expanded first.
_EXPANSIONS = (
    (r"\bubnd\b", "uy ban nhan dan"),
    (r"\bhdnd\b", "hoi dong nhan dan"),
    (r"\bubmttq(?:vn)?\b", "uy ban mat tran to quoc"),
    (r"\bmttq(?:vn)?\b", "mat tran to quoc"),
    (r"\btp\b\.?", "thanh pho"),
    (r"\bt\.u\b", "tinh uy"),
)
_GENERIC = (
    "uy ban nhan dan",
    "thanh pho",
    "thi xa",
    "thi tran",
    "tinh",
    "huyen",
    "quan",
    "phuong",
    "xa",
    "cua",
    "va",
    "thuoc",
    "cac",
    "viet nam",
)
_HEADS = (
    "van phong",
    "thanh tra",
    "trung tam",
    "cong an",
    "mat tran",
    "uy ban",
    "hoi dong",
    "chi bo",
    "dang uy",
    "huyen uy",
    "thanh uy",
    "tinh uy",
    "phong",
    "so",
    "ban",
    "dai",
    "hoi",
    "doan",
)
_LEVEL_KINDS = (
    ("tinh", UnitKind.PROVINCE),
    ("thanh pho", UnitKind.DISTRICT),
    ("thi xa", UnitKind.DISTRICT),
    ("huyen", UnitKind.DISTRICT),
    ("quan", UnitKind.DISTRICT),
    ("phuong", UnitKind.COMMUNE),
    ("thi tran", UnitKind.COMMUNE),
    ("xa", UnitKind.COMMUNE),
)
MATCH_THRESHOLD = 0.5


def _expanded(label: str) -> str:
    text = re.sub(r"[^\w\s]", " ", fold(label).replace("ubnd", " ubnd ")).strip()
    text = " ".join(text.split())
    for pattern, replacement in _EXPANSIONS:
        text = re.sub(pattern, replacement, text)
    return text


def tokens(label: str) -> frozenset[str]:
    """The distinctive words of a unit's name: folded, "UBND" expanded, generic words
    ("thành phố", "TP", "tỉnh", "huyện", "Ủy ban nhân dân", …) dropped."""
    text = f" {_expanded(label)} "
    for phrase in _GENERIC:
        text = text.replace(f" {phrase} ", " ")
        text = text.replace(f" {phrase} ", " ")  # overlapping occurrences
    return frozenset(text.split())


def _head(label: str) -> str:
    text = _expanded(label)
    return next((h for h in _HEADS if text == h or text.startswith(h + " ")), "")


def _level(label: str) -> str | None:
    """The level a bare reference names: "UBND huyện" → district; None if not bare."""
    text = f" {_expanded(label)} "
    if tokens(label) or not re.search(r"\buy ban nhan dan\b|\bchinh quyen\b", text):
        return None
    return next((kind for word, kind in _LEVEL_KINDS if f" {word} " in text), None)


def score(label: str, name: str) -> float:
    """How well ``name`` fits ``label``, 0 to 1: half the share of the shorter word set
    found in the other, half the words in common over all the words; halved when both
    open with a different kind of body ("Phòng Nội vụ" against "Sở Nội vụ")."""
    a, b = tokens(label), tokens(name)
    if not a or not b:
        return 0.0
    common = len(a & b)
    value = 0.5 * common / min(len(a), len(b)) + 0.5 * common / len(a | b)
    head_a, head_b = _head(label), _head(name)
    if head_a and head_b and head_a != head_b:
        value /= 2
    return round(value, 4)


def rank_units(label: str, candidates: Iterable[Candidate]) -> list[UnitMatch]:
    """Candidates by how well they fit ``label``, best first (only those with some fit)."""
    level = _level(label)
    out: list[UnitMatch] = []
    for unit in candidates:
        if level is not None:
            value = 1.0 if unit.kind == level else 0.0
        else:
            value = max(score(label, unit.name), score(label, unit.short_name or ""))
        if value > 0:
            out.append(UnitMatch(unit, value))
    out.sort(key=lambda m: (-m.score, m.unit.depth, m.unit.name))
    return out


def match_unit(
    label: str, candidates: Iterable[Candidate], *, threshold: float = MATCH_THRESHOLD
) -> UnitMatch | None:
    """The candidate ``label`` names, or None when none fits well enough.

    "Phòng Nội vụ Thành phố" → the unit "Phòng Nội vụ"; "UBND huyện" → the district among
    the candidates; a group ("UBND các phường, xã") names no single unit.
    """
    if not label.strip() or lead_kinds(label):
        return None
    ranked = rank_units(label, candidates)
    if not ranked or ranked[0].score < threshold:
        return None
    return ranked[0]


def issuer_label(proposal: Proposal) -> str:
    """The words naming the issuing body: its last header line (the body itself, under its
    superior: "HUYỆN ỦY CẨM THỦY" under "ĐẢNG BỘ TỈNH THANH HOÁ"), completed by the
    "Cơ quan ban hành" metadata or the place when that line is bare ("ỦY BAN NHÂN DÂN")."""
    lines = [line for line in proposal.issuer_lines if tokens(line)]
    if lines:
        last = proposal.issuer_lines[-1]
        return last if tokens(last) else f"{last} {lines[-1]}"
    bare = " ".join(proposal.issuer_lines)
    other = proposal.issuer_name or proposal.place
    return f"{bare} {other}".strip()


def suggest_issuer(proposal: Proposal, units: Iterable[Candidate]) -> UnitMatch | None:
    """The unit (among those the user writes for) that most likely issued the document."""
    label = issuer_label(proposal)
    if not tokens(label):
        return None
    text = f" {_expanded(label)} "
    wanted = next((kind for word, kind in _LEVEL_KINDS if f" {word} " in text), None)
    best: UnitMatch | None = None
    for match in rank_units(label, units):
        value = match.score + (0.1 if wanted and match.unit.kind == wanted else 0)
        if best is None or value > best.score:
            best = UnitMatch(match.unit, value)
    return best if best and best.score >= MATCH_THRESHOLD else None
