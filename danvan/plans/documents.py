"""A plan as an official Word document (Decree 30/2020 for state units, 36-HD/VPTW for party).

``plan_document(plan)`` builds the ``OfficialDocument``; ``plan_docx(plan)`` renders it.
The layout follows the issuing unit's kind (``layout_for_unit``): the national header, the
issuer lines (the unit under its governing body), "Số: 5584/KH-UBND" or "Số 451-CV/HU" (a
draft leaves the number and the date blank for the clerk), the place and date in italics,
"KẾ HOẠCH" and the title (an official letter has "V/v …" under its number instead), the
"Căn cứ …" lines in italics, the sections, the task table in the organisation part, the
"Nơi nhận" list ending with "- Lưu: VT…" and the signature block.

The text is the document's own, Vietnamese by law: none of it is marked for translation.
"""

from __future__ import annotations

from collections.abc import Sequence

from danvan.core.documents import (
    Block,
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
    default_signer_title,
    issuer_lines,
    layout_for_unit,
    party_number,
    place_name,
    render,
    state_number,
)
from danvan.orgs.models import UnitKind
from danvan.plans import recurrence
from danvan.plans.models import PLAN_KIND_TITLES, Plan, PlanKind, SectionKind, Task

TASK_HEADERS = ("STT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn")
TASK_WIDTHS = (12, 63, 35, 30, 25)
ARCHIVE_LINE = "- Lưu: VT."
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

# How a plan names "every unit of this kind" when it has no lead line of its own.
KIND_PLURALS = {
    UnitKind.PROVINCE: "Các tỉnh, thành phố",
    UnitKind.DISTRICT: "Các huyện, thị xã, thành phố",
    UnitKind.COMMUNE: "UBND các xã, phường, đặc khu",
    UnitKind.DEPARTMENT: "Các sở, ban, ngành",
    UnitKind.FRONT: "Ủy ban Mặt trận Tổ quốc Việt Nam",
    UnitKind.MASS_ORG: "Các tổ chức chính trị - xã hội",
    UnitKind.PARTY: "Các chi bộ, đảng bộ",
    UnitKind.OTHER: "Các cơ quan, đơn vị",
}


def number_line(plan: Plan) -> str:
    """ "Số: 5584/KH-UBND" or "Số 451-CV/HU"; a draft's number is left blank."""
    number = "" if plan.is_draft else plan.number
    if layout_for_unit(plan.unit) == "party":
        return party_number(number, plan.symbol)
    return state_number(number, plan.symbol)


def deadline_vi(task: Task) -> str:
    """ "Trước ngày 15/06/2026", "Hằng năm, trước ngày 01/11", "Hằng tháng, trước ngày 25"."""
    rule = recurrence.Rule.of(task)
    if rule.freq == recurrence.ONCE:
        text = f"Trước ngày {rule.due_on:%d/%m/%Y}" if rule.due_on else ""
    elif rule.freq == recurrence.YEARLY:
        text = f"Hằng năm, trước ngày {rule.day or 0:02d}/{rule.month or 0:02d}"
    elif rule.freq == recurrence.QUARTERLY:
        month = "tháng cuối quý" if rule.month == 3 else f"tháng thứ {rule.month} của quý"
        text = f"Hằng quý, trước ngày {rule.day} {month}"
    else:
        text = f"Hằng tháng, trước ngày {rule.day}"
    if rule.freq != recurrence.ONCE and task.recur_until:
        text += f" (đến ngày {task.recur_until:%d/%m/%Y})"
    return text


def lead_vi(task: Task) -> str:
    """The lead as the plan writes it, else the lead unit, else "UBND các xã, phường…"."""
    if task.lead_label:
        return task.lead_label
    if task.lead_unit_id is not None:
        return task.lead_unit.name
    return "; ".join(KIND_PLURALS.get(k, k) for k in task.lead_kind_list)


def coordinating_vi(task: Task) -> str:
    names = [unit.name for unit in task.coordinating_units.all()]
    if task.coordinating_label:
        names.append(task.coordinating_label)
    return "; ".join(names)


def task_table(tasks: Sequence[Task]) -> Table:
    rows = [
        [index, task.title, lead_vi(task), coordinating_vi(task), deadline_vi(task)]
        for index, task in enumerate(tasks, start=1)
    ]
    return Table(TASK_HEADERS, rows, widths=TASK_WIDTHS)


def recipient_lines(plan: Plan) -> list[str]:
    """ "- <unit>;" for each recipient unit, the free lines, and "- Lưu: VT." when missing."""
    lines = [f"- {unit.name};" for unit in plan.recipient_units.all()]
    for raw in plan.recipients_text.replace("\r\n", "\n").split("\n"):
        text = raw.strip()
        if text:
            lines.append(text if text.startswith(("-", "+", "•")) else f"- {text}")
    if not any(line.lstrip("-+• ").casefold().startswith("lưu") for line in lines):
        lines.append(ARCHIVE_LINE)
    return lines


def _body(plan: Plan, tasks: Sequence[Task]) -> list[Block]:
    body: list[Block] = [
        Paragraph(basis.line, italic=True) for basis in plan.bases.select_related("document")
    ]
    sections = list(plan.sections.all())
    placed = not tasks
    for section in sections:
        body.append(Heading(section.heading, 1))
        body.extend(Paragraph(text) for text in section.paragraphs())
        if not placed and section.kind == SectionKind.ORGANISATION:
            body.append(task_table(tasks))
            placed = True
    if not placed:  # no organisation section: the task table gets one of its own
        numeral = ROMAN[len(sections)] if len(sections) < len(ROMAN) else str(len(sections) + 1)
        body += [Heading(f"{numeral}. TỔ CHỨC THỰC HIỆN", 1), task_table(tasks)]
    return body


def plan_document(plan: Plan, tasks: Sequence[Task] | None = None) -> OfficialDocument:
    """The official document of ``plan``; ``tasks`` defaults to the plan's tasks in order."""
    unit = plan.unit
    if tasks is None:
        tasks = list(
            plan.tasks.select_related("lead_unit")
            .prefetch_related("coordinating_units")
            .order_by("position", "pk")
        )
    parent, issuer = issuer_lines(unit)
    letter = plan.kind == PlanKind.OFFICIAL_LETTER
    title = plan.title.strip()
    if letter and not title.casefold().startswith("v/v"):
        title = f"V/v {title}"
    return OfficialDocument(
        layout=layout_for_unit(unit),
        issuer_parent=parent,
        issuer=issuer,
        number=number_line(plan),
        place=plan.place or place_name(unit),
        date=None if plan.is_draft else plan.issued_on,
        doc_type=PLAN_KIND_TITLES.get(plan.kind, ""),
        title=title,
        body=_body(plan, tasks),
        signer_title=plan.signer_title.strip() or default_signer_title(unit),
        signer_name=plan.signer_name,
        recipients=recipient_lines(plan),
    )


def plan_docx(plan: Plan, tasks: Sequence[Task] | None = None) -> bytes:
    return render(plan_document(plan, tasks))


def plan_filename(plan: Plan) -> str:
    """ "Kế hoạch 5584-KH-UBND.docx"; a draft "Dự thảo …" (docx_response adds an ASCII name)."""
    kind = PLAN_KIND_TITLES.get(plan.kind) or "Công văn"
    reference = plan.reference.replace("/", "-").replace("…", "").strip("-")
    prefix = "Dự thảo " if plan.is_draft else ""
    name = f"{prefix}{kind.capitalize()} {reference}".strip()
    return f"{name}.docx"
