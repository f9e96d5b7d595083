"""A report and its subtree (or a whole period) as an Excel workbook.

One row per unit — the report's unit first, then every reporting unit below it with its
report's state — and one column per indicator (a rate as a percentage followed by its
numerator and denominator columns), then the rolled-up total row with each figure's
completeness ("x/y"). The unit rows hold each unit's own figures: the accepted revision of
the reports below, the working revision of the report itself; the total is what
``reports.rollups.period_rollup`` rolls up (Σ numerators / Σ denominators for a rate).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _

from danvan.core.xlsx import Sheet, build_workbook
from danvan.kpis.models import Indicator
from danvan.orgs.models import UnitKind
from danvan.reports.models import Period, Report, ReportState
from danvan.reports.rollups import PeriodRollup, ReportRow, period_rollup

Progress = Callable[[int, int], None]


def _number(value: Decimal | None):
    if value is None:
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _own_value(indicator: Indicator, entry) -> Decimal | None:
    if entry is None:
        return None
    if indicator.is_rate and entry.numerator is not None and entry.denominator:
        return Decimal(entry.numerator) / Decimal(entry.denominator) * indicator.scale
    return entry.value


def _kind(kind: str) -> str:
    return str(UnitKind(kind).label) if kind in UnitKind.values else kind


def headers(indicators: list[Indicator]) -> list[str]:
    columns = [_("Unit"), _("Kind"), _("State")]
    for indicator in indicators:
        label = f"{indicator.name} ({indicator.measure})" if indicator.measure else indicator.name
        columns.append(label)
        if indicator.is_rate:
            columns += [
                f"{indicator.name} — {_('numerator')}",
                f"{indicator.name} — {_('denominator')}",
            ]
    columns.append(_("Completeness"))
    return columns


def unit_row(rollup: PeriodRollup, row: ReportRow) -> list:
    entries = rollup.nodes[row.id].entries
    cells: list = [row.unit_name, _kind(row.unit_kind), str(ReportState(row.state).label)]
    for indicator in rollup.indicators:
        entry = entries.get(indicator.pk)
        cells.append(_number(_own_value(indicator, entry)))
        if indicator.is_rate:
            cells += [
                _number(entry.numerator) if entry else None,
                _number(entry.denominator) if entry else None,
            ]
    cells.append("")
    return cells


def total_row(rollup: PeriodRollup, report_id: int) -> list:
    row = rollup.rows[report_id]
    accepted, expected = rollup.completeness(report_id)
    cells: list = [_("Total: %(unit)s") % {"unit": row.unit_name}, "", ""]
    for indicator in rollup.indicators:
        figure = rollup.figure(report_id, indicator.pk)
        cells.append(_number(figure.value) if figure else None)
        if indicator.is_rate:
            cells += [
                _number(figure.numerator) if figure else None,
                _number(figure.denominator) if figure else None,
            ]
    cells.append(
        _("%(accepted)s of %(expected)s units") % {"accepted": accepted, "expected": expected}
    )
    return cells


def _subtree(rollup: PeriodRollup, report_id: int) -> list[ReportRow]:
    """The report's row, then every row below it (depth first, by path)."""
    found, stack = [], [report_id]
    while stack:
        key = stack.pop()
        found.append(rollup.rows[key])
        children = sorted(rollup.results[key].children, key=lambda k: rollup.rows[k].path)
        stack.extend(reversed(children))
    return found


def build_xlsx(report: Report, *, progress: Progress | None = None) -> bytes:
    rollup = period_rollup(report.period, report.unit)
    rows = _subtree(rollup, rollup.root_id)
    step = progress or (lambda done, total: None)
    total = len(rows) + 1
    step(0, total)
    table = []
    for index, row in enumerate(rows, start=1):
        table.append(unit_row(rollup, row))
        step(index, total)
    table.append(total_row(rollup, rollup.root_id))
    data = build_workbook(
        [
            Sheet(
                title=_("Report"),
                caption=f"{report.period.name} — {report.unit.name}",
                headers=headers(rollup.indicators),
                rows=table,
                widths=[36, 12, 18],
            )
        ]
    )
    step(total, total)
    return data


def period_rows(period: Period, user) -> tuple[PeriodRollup, list[list]]:
    """Every report of ``period`` the user may see, each visible top with its total."""
    rollup = period_rollup(period)
    visible = set(
        Report.objects.filter(period=period).visible_to(user).values_list("pk", flat=True)
    )
    table = []
    tops = [
        key
        for key in sorted(visible, key=lambda k: rollup.rows[k].path)
        if rollup.nodes[key].parent not in visible
    ]
    for top in tops:
        table.extend(unit_row(rollup, row) for row in _subtree(rollup, top) if row.id in visible)
        table.append(total_row(rollup, top))
    return rollup, table


def build_period_xlsx(period: Period, user) -> bytes:
    rollup, table = period_rows(period, user)
    return build_workbook(
        [
            Sheet(
                title=_("Reports"),
                caption=period.name,
                headers=headers(rollup.indicators),
                rows=table,
                widths=[36, 12, 18],
            )
        ]
    )
