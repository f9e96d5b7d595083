"""A report's roll-up: its figures from the accepted reports below, one level at a time.

``report_rollup`` shows each indicator's rolled-up value (a rate as Σ numerators /
Σ denominators with both), the unit's own figure and the completeness of every figure
("x of y units", with the units missing it behind ``rollup_missing``), then one row per
child report with its rolled-up figures; a child the user may see opens its own roll-up.
``report_compile`` (POST, a writer of the report while it is editable) appends the accepted
children's narrative, section by section under each unit's name, to the working revision —
under what is already written, never over it — through ``services.save_report`` so the
version check holds. Every page uses a fixed number of queries whatever the subtree size.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.core.access import get_object_for
from danvan.core.params import int_param
from danvan.reports import services
from danvan.reports.documents import FigureRow, figure_rows
from danvan.reports.models import Report, ReportSection, ReportState
from danvan.reports.rollups import compile_sections, period_rollup

REPORTS = Report.objects.select_related("unit", "period__form_version", "period__owner")


def _report(request, pk: int) -> Report:
    return get_object_for(request.user, REPORTS, perm="reports.view_report", pk=pk)


def _rollup(report: Report):
    rollup = period_rollup(report.period, report.unit)
    if rollup.root_id is None:
        raise Http404
    return rollup


def _own(rollup, report_id: int) -> dict:
    """The unit's own figure per indicator (the working revision of its report)."""
    entries = rollup.nodes[report_id].entries
    own = {}
    for indicator in rollup.indicators:
        entry = entries.get(indicator.pk)
        if entry is None:
            continue
        value = entry.value
        if indicator.is_rate and entry.numerator is not None and entry.denominator:
            value = entry.numerator / entry.denominator * indicator.scale
        own[indicator.pk] = FigureRow(
            indicator=indicator,
            value=value,
            numerator=entry.numerator,
            denominator=entry.denominator,
            reporters=1,
            expected=1,
        )
    return own


@login_required
def report_rollup(request, pk: int):
    report = _report(request, pk)
    rollup = _rollup(report)
    root = rollup.root_id
    figures = figure_rows(rollup, root)
    own = _own(rollup, root)
    for row in figures:
        row.own = own.get(row.indicator.pk)
    children = sorted(rollup.children(root), key=lambda row: row.path)
    child_reports = {
        item.pk: item
        for item in Report.objects.select_related("unit").filter(pk__in=[c.id for c in children])
    }
    drill = []
    for child in children:
        child_report = child_reports[child.id]
        drill.append(
            {
                "row": child,
                "report": child_report,
                "state": child_report.get_state_display(),
                "may_open": request.user.has_perm("reports.view_report", child_report),
                "completeness": rollup.completeness(child.id),
                "figures": figure_rows(rollup, child.id),
            }
        )
    accepted, expected = rollup.completeness(root)
    can_compile = report.is_editable and request.user.has_perm("reports.change_report", report)
    return render(
        request,
        "reports/report_rollup.html",
        {
            "report": report,
            "period": report.period,
            "figures": figures,
            "indicators": rollup.indicators,
            "drill": drill,
            "accepted": accepted,
            "expected": expected,
            "can_compile": can_compile,
        },
    )


@login_required
@require_POST
def report_compile(request, pk: int):
    report = _report(request, pk)
    if not request.user.has_perm("reports.change_report", report):
        raise PermissionDenied
    if not report.is_editable:
        messages.error(request, _("Only a draft or a returned report can be changed."))
        return redirect("reports:report_rollup", pk=report.pk)
    rollup = _rollup(report)
    compiled = compile_sections(rollup, rollup.root_id)
    if not compiled:
        messages.warning(request, _("No accepted report below has any text to compile yet."))
        return redirect("reports:report_rollup", pk=report.pk)
    current = dict(
        ReportSection.objects.filter(report=report, revision=report.revision).values_list(
            "key", "body"
        )
    )
    sections = {}
    for key, text in compiled.items():
        if key not in current or text in current[key]:
            continue  # no such section in this report, or already compiled into it
        existing = current[key].rstrip()
        sections[key] = f"{existing}\n\n{text}" if existing else text
    if not sections:
        messages.info(request, _("The compiled text is already in the report."))
        return redirect("reports:report_rollup", pk=report.pk)
    lock_version = int_param(request.POST, "lock_version") or report.lock_version
    try:
        services.save_report(
            report, actor=request.user, lock_version=lock_version, sections=sections
        )
    except services.StaleReportError:
        messages.error(
            request,
            _("Someone saved this report in the meantime. Open it again and compile once more."),
        )
        return redirect("reports:report_rollup", pk=report.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:report_rollup", pk=report.pk)
    messages.success(
        request,
        _("The narrative of the units below was added under the existing text; edit it now."),
    )
    return redirect("reports:report_edit", pk=report.pk)


@login_required
def rollup_missing(request, pk: int, indicator_id: int):
    report = _report(request, pk)
    rollup = _rollup(report)
    indicator = rollup.by_id.get(indicator_id)
    if indicator is None:
        raise Http404
    missing = [
        {"unit_id": row.unit_id, "unit_name": row.unit_name, "state": ReportState(row.state).label}
        for row in sorted(rollup.missing(rollup.root_id, indicator_id), key=lambda row: row.path)
    ]
    figure = rollup.figure(rollup.root_id, indicator_id)
    return render(
        request,
        "reports/report_rollup_missing.html",
        {
            "report": report,
            "indicator": indicator,
            "missing": missing,
            "figure": figure,
        },
    )
