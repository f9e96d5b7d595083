"""The two Word documents of a campaign: a unit's registration form and the proposal list.

- ``registration_form(initiative)``: "PHIẾU ĐĂNG KÝ mô hình/điển hình “Dân vận khéo”",
  issued by the registering unit (state or party layout by its kind), with the eleven
  sections of a registration (DOMAIN.md §2) and the milestones as a table.
- ``proposal_list(campaign, level, initiatives)``: "DANH SÁCH đề nghị công nhận …" issued
  by the launching unit: the initiatives recognised at ``level`` with their result and
  the recognition decision. ``proposal_initiatives(campaign, level)`` picks them.

The wording is the documents' own (Vietnamese, fixed by the forms), not interface text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from danvan.core.documents import (
    Block,
    OfficialDocument,
    Paragraph,
    Table,
    default_signer_title,
    inline_name,
    issuer_lines,
    layout_for_unit,
    party_number,
    place_name,
    render,
    state_number,
    unit_symbol,
)
from danvan.initiatives.models import (
    RECOGNISED_STATUSES,
    Campaign,
    Initiative,
    InitiativeKind,
    Level,
    Recognition,
)

DOTS = "…………………………………………………………"  # a blank to fill in by hand


def _number(unit, type_code: str) -> str:
    """A blank number in the unit's layout: "Số:      /ĐK-UBND" or "Số      -ĐK/CB"."""
    if layout_for_unit(unit) == "party":
        return party_number("", f"{type_code}/{unit_symbol(unit)}")
    return state_number("", f"{type_code}-{unit_symbol(unit)}")


def _issuer(unit, doc_type: str, title: str, number: str, **fields) -> OfficialDocument:
    parent, issuer = issuer_lines(unit)
    return OfficialDocument(
        layout=layout_for_unit(unit),
        issuer_parent=parent,
        issuer=issuer,
        number=number,
        place=place_name(unit),
        doc_type=doc_type,
        title=title,
        signer_title=default_signer_title(unit),
        **fields,
    )


def _or_dots(text: str | None) -> str:
    return (text or "").strip() or DOTS


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "…/…/……"


def _kind_word(initiative: Initiative) -> str:
    return "Điển hình" if initiative.kind == InitiativeKind.EXEMPLAR else "Mô hình"


def registration_form(initiative: Initiative) -> bytes:
    """The registration form ("Phiếu đăng ký") of ``initiative``, ready to sign."""
    unit = initiative.unit
    campaign = initiative.campaign
    kind = _kind_word(initiative)
    milestones = list(initiative.milestones.all())
    coordinating = ", ".join(u.name for u in initiative.coordinating_units.all())
    body: list[Block] = [
        Paragraph(
            f"Thực hiện {campaign.name}, {inline_name(unit)} đăng ký "
            f"{kind.lower()} “Dân vận khéo” năm {campaign.year} như sau:"
        ),
        Paragraph(initiative.name, label=f"1. Tên {kind.lower()}: "),
    ]
    if initiative.kind == InitiativeKind.EXEMPLAR:
        who = "Tập thể" if initiative.exemplar_is_collective else "Cá nhân"
        body += [
            Paragraph(_or_dots(initiative.exemplar_name), label=f"- {who} điển hình: "),
            Paragraph(_or_dots(initiative.exemplar_role), label="- Chức vụ, vai trò: "),
        ]
    source = initiative.replicated_from
    if source is not None:
        body.append(
            Paragraph(
                f"{source.name} ({source.unit.name}, năm {source.campaign.year})",
                label="- Nhân rộng từ: ",
            )
        )
    span = ""
    if initiative.start_date or initiative.end_date:
        span = f"Từ ngày {_date(initiative.start_date)} đến ngày {_date(initiative.end_date)}."
    body += [
        Paragraph(initiative.field.name, label="2. Lĩnh vực: "),
        Paragraph("3. Lý do, thực trạng", bold=True),
        Paragraph(_or_dots(initiative.reason)),
        Paragraph("4. Mục tiêu, tiêu chí", bold=True),
        Paragraph(_or_dots(initiative.goals)),
        Paragraph("5. Nội dung, phương pháp thực hiện", bold=True),
        Paragraph(_or_dots(initiative.content)),
        Paragraph("6. Phạm vi, đối tượng", bold=True),
        Paragraph(_or_dots(initiative.area), label="- Phạm vi, địa bàn: "),
        Paragraph(_or_dots(initiative.target_group), label="- Đối tượng: "),
        Paragraph("7. Lực lượng thực hiện", bold=True),
        Paragraph((initiative.lead_unit or unit).name, label="- Chủ trì: "),
        Paragraph(_or_dots(coordinating), label="- Phối hợp: "),
        Paragraph(_or_dots(initiative.participants), label="- Tham gia: "),
        Paragraph(_or_dots(initiative.resources), label="8. Nguồn lực: "),
        Paragraph(span or DOTS, label="9. Thời gian, tiến độ thực hiện: "),
    ]
    if milestones:
        body.append(
            Table(
                ["STT", "Nội dung, mốc thực hiện", "Thời hạn", "Hoàn thành"],
                [[i, m.title, m.due_date, m.done_on] for i, m in enumerate(milestones, start=1)],
                widths=[14, 91, 30, 30],
            )
        )
    body += [
        Paragraph("10. Sản phẩm kiểm chứng", bold=True),
        Paragraph(_or_dots(initiative.outputs)),
        Paragraph("11. Khả năng nhân rộng", bold=True),
        Paragraph(_or_dots(initiative.replicability)),
    ]
    registered = initiative.registered_at
    doc = _issuer(
        unit,
        "PHIẾU ĐĂNG KÝ",
        f"{kind} “Dân vận khéo” năm {campaign.year}",
        _number(unit, "ĐK"),
        date=timezone.localtime(registered).date() if registered else None,
        body=body,
        recipients=[
            f"- Ban Chỉ đạo phong trào “Dân vận khéo” {inline_name(campaign.unit)};",
            "- Lưu: VT.",
        ],
    )
    return render(doc)


def proposal_initiatives(campaign: Campaign, level: Level) -> list[Initiative]:
    """Initiatives of ``campaign`` recognised at ``level`` and still recognised (or since
    proposed or rewarded), best result first; each carries ``recognition`` (at ``level``).
    """
    initiatives = list(
        Initiative.objects.filter(
            campaign=campaign, status__in=RECOGNISED_STATUSES, recognitions__level=level
        )
        .select_related("unit", "field")
        .prefetch_related(
            Prefetch(
                "recognitions",
                queryset=Recognition.objects.filter(level=level),
                to_attr="level_recognitions",
            )
        )
        .distinct()
    )
    for initiative in initiatives:
        initiative.recognition = initiative.level_recognitions[0]
    initiatives.sort(
        key=lambda i: (-(i.recognition.result or Decimal(-1)), i.unit.name, i.name, i.pk)
    )
    return initiatives


def _decision(recognition: Recognition | None) -> str:
    if recognition is None:
        return ""
    return f"{recognition.decision_number} ngày {_date(recognition.decision_date)}"


def proposal_list(campaign: Campaign, level: Level, initiatives: Iterable[Initiative]) -> bytes:
    """ "DANH SÁCH đề nghị công nhận …" of ``initiatives`` (from ``proposal_initiatives``)."""
    rows: list[Sequence] = []
    models = exemplars = 0
    for index, initiative in enumerate(initiatives, start=1):
        recognition = getattr(initiative, "recognition", None)
        if initiative.kind == InitiativeKind.EXEMPLAR:
            exemplars += 1
            name = initiative.name
            if initiative.exemplar_name:
                name = f"{name} ({initiative.exemplar_name})"
        else:
            models += 1
            name = initiative.name
        rows.append(
            [
                index,
                name,
                initiative.unit.name,
                initiative.field.name,
                recognition.result if recognition else None,
                _decision(recognition),
            ]
        )
    level_name = level.name[:1].lower() + level.name[1:]
    unit = campaign.unit
    body: list[Block] = [
        Table(
            ["STT", "Tên mô hình, điển hình", "Đơn vị", "Lĩnh vực", "Điểm", "Quyết định công nhận"],
            rows,
            widths=[11, 52, 33, 25, 14, 30],
        ),
        Paragraph(
            f"Tổng cộng: {len(rows)} (gồm {models} mô hình, {exemplars} điển hình).",
            bold=True,
        ),
    ]
    doc = _issuer(
        unit,
        "DANH SÁCH",
        f"Đề nghị công nhận mô hình, điển hình “Dân vận khéo” {level_name} năm {campaign.year}",
        _number(unit, "DS"),
        date=None,
        body=body,
        recipients=[
            f"- Hội đồng thẩm định {level_name};",
            "- Lưu: VT.",
        ],
    )
    return render(doc)
