"""A report as an official Word document, from a docxtpl template.

``build_docx(report)`` fills the active ``WordTemplate`` of the issuing unit's layout (or the
built-in one in ``data/templates/{state,party}.docx``, made by
``scripts/build_report_templates.py``) with:

- the header of Decree 30/2020 (state units) or Guide 36-HD/VPTW (party units): issuer
  lines, "Số: …/BC-UBND" or "Số …-BC/HU", the place and date line;
- the title "BÁO CÁO" and the period's name, the working revision's sections;
- the figures table: each indicator's value for the unit (rolled up from the accepted
  reports below it; a rate is Σ numerators / Σ denominators, printed with both), with the
  completeness "x/y đơn vị" of every rolled-up figure;
- a bar chart (``reports.charts``): the rates against their targets, or else the reports
  below by state;
- the signature block and "Nơi nhận", ending "- Lưu: VT, …".

The document's wording is Vietnamese by law, so it is not marked for translation.
A template that cannot be rendered raises ``TemplateError`` with a readable message.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from danvan.core.documents import (
    default_signer_title,
    issuer_lines,
    layout_for_unit,
    party_number,
    place_name,
    state_number,
    unit_symbol,
    vn_date_line,
)
from danvan.kpis.models import Indicator
from danvan.reports import charts
from danvan.reports.models import (
    Report,
    ReportSection,
    ReportState,
    TemplateKind,
    WordTemplate,
)
from danvan.reports.rollups import PeriodRollup, period_rollup

DATA = Path(__file__).resolve().parent / "data" / "templates"
CHART_WIDTH_MM = 160
FIGURES_HEADING = "Số liệu kết quả thực hiện các chỉ tiêu"
STATE_LABELS = {
    ReportState.DRAFT: "Chưa gửi",
    ReportState.SUBMITTED: "Đã gửi, chờ duyệt",
    ReportState.RETURNED: "Trả lại để bổ sung",
    ReportState.ACCEPTED: "Đã duyệt",
}

Progress = Callable[[int, int], None]


class TemplateError(Exception):
    """A Word template that cannot be filled in (broken tags, not a .docx, …)."""


# ---------------------------------------------------------------------------------------
# Figures


def plain_number(value: Decimal | int | None) -> str:
    """1234.5 → "1.234,5"; whole numbers without decimals (numerators, denominators)."""
    if value is None:
        return "—"
    number = Decimal(value).normalize()
    text = f"{int(number):,}" if number == number.to_integral_value() else f"{number:,f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@dataclass
class FigureRow:
    """One indicator's figure for one report, shaped for a table."""

    indicator: Indicator
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    reporters: int
    expected: int

    @property
    def is_rate(self) -> bool:
        return self.indicator.is_rate

    @property
    def text(self) -> str:
        text = self.indicator.format(self.value)
        if self.value is not None and self.indicator.is_rate and self.indicator.scale == 100:
            return f"{text}%"
        return text

    @property
    def parts(self) -> str:
        if not self.is_rate or self.numerator is None or self.denominator is None:
            return ""
        return f"{plain_number(self.numerator)}/{plain_number(self.denominator)}"

    @property
    def rolled_up(self) -> bool:
        return self.expected > 1

    @property
    def completeness(self) -> str:
        return f"{self.reporters}/{self.expected} đơn vị" if self.rolled_up else ""


def figure_rows(rollup: PeriodRollup, report_id: int) -> list[FigureRow]:
    rows = []
    for indicator in rollup.indicators:
        figure = rollup.figure(report_id, indicator.pk)
        rows.append(
            FigureRow(
                indicator=indicator,
                value=figure.value if figure else None,
                numerator=figure.numerator if figure else None,
                denominator=figure.denominator if figure else None,
                reporters=figure.reporters if figure else 0,
                expected=figure.expected if figure else 1,
            )
        )
    return rows


# ---------------------------------------------------------------------------------------
# Context


def document_number(report: Report) -> str:
    unit = report.unit
    symbol = report.period.form_version.form.doc_symbol or "BC"
    number = (report.number or "").strip()
    party = layout_for_unit(unit) == "party"
    if "/" in number:  # typed in full: "12/BC-UBND"
        return f"Số {number}" if party else f"Số: {number}"
    if party:
        return party_number(number, f"{symbol}/{unit_symbol(unit)}")
    return state_number(number, f"{symbol}-{unit_symbol(unit)}")


def recipient_lines(report: Report) -> list[str]:
    lines = [line.strip() for line in (report.recipients or "").splitlines() if line.strip()]
    lines = [line if line.startswith(("-", "+")) else f"- {line}" for line in lines]
    if not lines and report.period.owner_id and report.period.owner_id != report.unit_id:
        lines.append(f"- {report.period.owner.name} (để báo cáo);")
    if not any(line.lstrip("- ").startswith("Lưu") for line in lines):
        lines.append(f"- Lưu: VT, {unit_symbol(report.unit)}.")
    return lines


def section_texts(report: Report) -> list[dict]:
    titles = report.period.form_version.section_titles()
    sections = []
    for section in ReportSection.objects.filter(report=report, revision=report.revision).order_by(
        "order"
    ):
        paragraphs = [line.strip() for line in section.body.splitlines() if line.strip()]
        sections.append(
            {
                "key": section.key,
                "title": section.title or titles.get(section.key, ""),
                "paragraphs": paragraphs or ["…"],
            }
        )
    return sections


def chart_png(report: Report, rollup: PeriodRollup, rows: list[FigureRow]) -> tuple[bytes, str]:
    """The rates (in %) against their targets; without rates, the reports below by state."""
    from danvan.kpis.selectors import targets_for

    rates = [row for row in rows if row.is_rate and row.indicator.scale == 100]
    if any(row.value is not None for row in rates):
        targets = targets_for([report.unit], [row.indicator for row in rates], report.period.year)
        bars = []
        for row in rates:
            target = targets.get((report.unit_id, row.indicator.pk))
            bars.append(
                charts.Bar(
                    label=row.indicator.name,
                    value=row.value,
                    target=target.value if target else None,
                    text=row.text if row.value is not None else "",
                )
            )
        caption = "Biểu đồ: các tỷ lệ (%) so với chỉ tiêu (vạch đen)"
        return charts.bar_chart(bars, title="Các chỉ tiêu tỷ lệ (%)", maximum=100), caption
    children = rollup.children(rollup.root_id) if rollup.root_id is not None else []
    if not children:
        return b"", ""
    counts = dict.fromkeys(STATE_LABELS, 0)
    for child in children:
        counts[child.state] = counts.get(child.state, 0) + 1
    bars = [charts.Bar(label=STATE_LABELS[state], value=counts[state]) for state in STATE_LABELS]
    caption = "Biểu đồ: tình hình gửi báo cáo của các đơn vị trực thuộc"
    return charts.bar_chart(bars, title="Báo cáo của các đơn vị trực thuộc"), caption


def context_for(report: Report, rollup: PeriodRollup | None = None) -> dict:
    """Everything the template needs, except the chart image (see ``render``)."""
    unit = report.unit
    period = report.period
    if rollup is None:
        rollup = period_rollup(period, unit)
    issuer_parent, issuer = issuer_lines(unit)
    place = report.place or place_name(unit)
    rows = figure_rows(rollup, rollup.root_id) if rollup.root_id is not None else []
    return {
        "layout": layout_for_unit(unit),
        "issuer_parent": issuer_parent,
        "issuer": issuer,
        "number": document_number(report),
        "date_line": vn_date_line(place, report.signed_on, year=period.year),
        "title": period.name,
        "period_name": period.name,
        "sections": section_texts(report),
        "figures_heading": FIGURES_HEADING,
        "figures": [
            {
                "no": index,
                "name": row.indicator.name,
                "measure": row.indicator.measure,
                "value": row.text,
                "parts": row.parts,
                "completeness": row.completeness,
            }
            for index, row in enumerate(rows, start=1)
        ],
        "signer_title": (report.signer_title or default_signer_title(unit)).upper(),
        "signer_name": report.signer_name,
        "recipients": recipient_lines(report),
        "_rows": rows,
        "_rollup": rollup,
    }


def sample_context() -> dict:
    """Made-up values to try an uploaded template with before it is accepted."""
    return {
        "layout": "state",
        "issuer_parent": "UBND TỈNH MẪU",
        "issuer": "UBND XÃ MẪU",
        "number": "Số: 01/BC-UBND",
        "date_line": "Mẫu, ngày 01 tháng 11 năm 2026",
        "title": "Báo cáo công tác dân vận năm 2026",
        "period_name": "Báo cáo công tác dân vận năm 2026",
        "sections": [{"key": "results", "title": "I. Kết quả", "paragraphs": ["Nội dung."]}],
        "figures_heading": FIGURES_HEADING,
        "figures": [
            {
                "no": 1,
                "name": "Tỷ lệ hộ nghèo",
                "measure": "%",
                "value": "5,0%",
                "parts": "50/1.000",
                "completeness": "2/3 đơn vị",
            }
        ],
        "signer_title": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
        "signer_name": "Nguyễn Văn A",
        "recipients": ["- Như trên;", "- Lưu: VT."],
        "chart": "",
        "chart_caption": "",
    }


# ---------------------------------------------------------------------------------------
# Templates and rendering


def default_template(kind: str) -> bytes:
    if kind not in TemplateKind.values:
        raise TemplateError(f"Unknown template kind: {kind}")
    return (DATA / f"{kind}.docx").read_bytes()


def active_template(kind: str) -> bytes:
    """The administrator's active template of ``kind``, or the built-in one."""
    uploaded = WordTemplate.objects.filter(kind=kind, is_active=True).first()
    if uploaded is None:
        return default_template(kind)
    with uploaded.file.open("rb") as handle:
        return handle.read()


def render(template: bytes, context: dict, *, chart: bytes = b"") -> bytes:
    """Fill ``template`` (.docx bytes) with ``context``; ``TemplateError`` if it fails."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    try:
        document = DocxTemplate(io.BytesIO(template))
        values = {key: value for key, value in context.items() if not key.startswith("_")}
        values["chart"] = (
            InlineImage(document, io.BytesIO(chart), width=Mm(CHART_WIDTH_MM)) if chart else ""
        )
        values.setdefault("chart_caption", "")
        document.render(values, autoescape=True)
        buffer = io.BytesIO()
        document.save(buffer)
    except Exception as exc:  # docxtpl raises anything from zip, XML and Jinja errors
        raise TemplateError(describe_error(exc)) from exc
    return buffer.getvalue()


def describe_error(exc: Exception) -> str:
    detail = str(exc) or exc.__class__.__name__
    lines = getattr(exc, "docx_context", None)
    if lines:
        snippet = " ".join(line.strip() for line in lines if line.strip())[:200]
        if snippet:
            detail = f"{detail} (near: {snippet})"
    return f"{exc.__class__.__name__}: {detail}"


def check_template(data: bytes) -> None:
    """Render ``data`` once with sample values; ``TemplateError`` when it fails."""
    render(data, sample_context(), chart=charts.bar_chart([charts.Bar("Mẫu", 50)]))


def build_docx(report: Report, *, progress: Progress | None = None) -> bytes:
    """The report as .docx bytes (``progress(done, total)`` is told as it goes)."""
    total = 4
    step = progress or (lambda done, total: None)
    step(0, total)
    rollup = period_rollup(report.period, report.unit)
    step(1, total)
    context = context_for(report, rollup)
    step(2, total)
    chart, caption = chart_png(report, rollup, context["_rows"])
    context["chart_caption"] = caption
    step(3, total)
    data = render(active_template(context["layout"]), context, chart=chart)
    step(4, total)
    return data


def filename(report: Report, extension: str) -> str:
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = report.unit.short_name or report.unit.name
    return f"Báo cáo {name} {report.period.year} {stamp}.{extension}"


# ---------------------------------------------------------------------------------------
# Administrators' templates


def upload_template(*, kind: str, data: bytes, name: str, actor, note: str = "") -> WordTemplate:
    """Try ``data`` with sample values and, if it renders, make it the active template."""
    from django.core.files.base import ContentFile
    from django.db import transaction

    check_template(data)
    with transaction.atomic():
        WordTemplate.objects.select_for_update().filter(kind=kind, is_active=True).update(
            is_active=False
        )
        return WordTemplate.objects.create(
            kind=kind,
            file=ContentFile(data, name=name or f"{kind}.docx"),
            uploaded_by=actor,
            note=note,
        )


def set_template_active(template: WordTemplate, *, active: bool) -> WordTemplate:
    """Use ``template`` (the other of its kind stop being used) or stop using it."""
    from django.db import transaction

    with transaction.atomic():
        if active:
            WordTemplate.objects.select_for_update().filter(
                kind=template.kind, is_active=True
            ).exclude(pk=template.pk).update(is_active=False)
        WordTemplate.objects.filter(pk=template.pk).update(is_active=active)
    template.is_active = active
    return template
