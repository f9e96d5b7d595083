"""The indicator dashboard of the working unit's subtree (``/kpis/``).

``?unit=`` drills down one level at a time (the breadcrumb leads back up), ``?period=``
chooses among the periods the user sees in which the unit reports, ``?category=`` filters
the indicators. A unit the user may not see answers 404; asking for a unit above the
user's own (a commune officer opening the province) shows the user's own unit inside it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.vary import vary_on_headers

from danvan.core.coverage import visible_root
from danvan.core.params import int_param
from danvan.core.viewutils import is_htmx
from danvan.core.xlsx import Sheet, workbook_response
from danvan.kpis import dashboard as data
from danvan.kpis.models import Indicator
from danvan.orgs.models import Unit
from danvan.orgs.selectors import membership_units
from danvan.reports.models import Period, ReportState


def _working(request) -> Unit | None:
    working = getattr(request, "working_unit", None)
    return working if working else None


def _unit(request) -> Unit | None:
    """The unit shown: ``?unit=`` within what the user sees, else the working unit."""
    working = _working(request)
    wanted = int_param(request.GET, "unit")
    if wanted is None:
        if request.GET.get("unit"):
            raise Http404
        return visible_root(request.user, working, working) if working else None
    requested = Unit.objects.filter(pk=wanted).first()
    if requested is None:
        raise Http404
    unit = visible_root(request.user, requested, working)
    if unit is None:
        raise Http404
    return unit


def _period(request) -> Period | None:
    wanted = int_param(request.GET, "period")
    if wanted is None:
        return None
    return Period.objects.select_related("form_version", "owner").filter(pk=wanted).first()


def _board(request) -> data.Dashboard | None:
    unit = _unit(request)
    if unit is None:
        return None
    return data.build(
        request.user,
        unit,
        period=_period(request),
        category=request.GET.get("category", ""),
    )


def _query(board: data.Dashboard, **extra) -> str:
    params = {"unit": board.unit.pk}
    if board.period is not None:
        params["period"] = board.period.pk
    if board.category:
        params["category"] = board.category
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return urlencode(params)


def _chosen_indicator(request, board: data.Dashboard) -> Indicator | None:
    wanted = int_param(request.GET, "indicator")
    if wanted is not None:
        found = next((i for i in board.indicators if i.pk == wanted), None)
        if found is not None:
            return found
    return data.default_indicator(board)


@login_required
@vary_on_headers("HX-Request")
def dashboard(request):
    board = _board(request)
    if board is None:
        return render(request, "kpis/dashboard_empty.html", {})
    indicator = _chosen_indicator(request, board)
    context = {
        "board": board,
        "query": _query(board),
        "trend": data.trend(request.user, board.unit, indicator) if indicator else None,
        "trend_indicator": indicator,
        "own_units": membership_units(request.user),
        "report_states": ReportState.choices,
    }
    if is_htmx(request):
        return render(request, "kpis/partials/dashboard_body.html", context)
    return render(request, "kpis/dashboard.html", context)


@login_required
def indicator_trend(request, pk: int):
    indicator = get_object_or_404(Indicator, pk=pk)
    unit = _unit(request)
    if unit is None:
        raise Http404
    if not is_htmx(request):
        params = {"unit": unit.pk, "indicator": indicator.pk}
        for name in ("period", "category"):
            if request.GET.get(name):
                params[name] = request.GET[name]
        return redirect(f"{reverse('kpis:dashboard')}?{urlencode(params)}")
    context = {
        "trend": data.trend(request.user, unit, indicator),
        "trend_indicator": indicator,
        "unit": unit,
    }
    return render(request, "kpis/partials/dashboard_trend.html", context)


def _status_label(status) -> str:
    return str(status.label) if status else ""


@login_required
def dashboard_export(request):
    board = _board(request)
    if board is None or board.period is None:
        raise Http404
    indicator = _chosen_indicator(request, board)
    unit, period = board.unit, board.period
    states = dict(ReportState.choices)
    caption = f"{unit.name} · {period.name} · {period.end_date:%d/%m/%Y}"
    values = Sheet(
        title=_("Values and targets"),
        caption=caption,
        headers=[
            _("Code"),
            _("Indicator"),
            _("Unit of measure"),
            _("Value"),
            _("Numerator"),
            _("Denominator"),
            _("Units with data"),
            _("Units expected"),
            _("Target"),
            _("Status"),
            _("Previous period"),
        ],
        rows=(
            [
                row.indicator.code,
                row.indicator.display_name,
                row.indicator.measure,
                None if row.value is None else float(row.value),
                None if row.numerator is None else float(row.numerator),
                None if row.denominator is None else float(row.denominator),
                row.reporters,
                row.expected,
                row.target_text,
                _status_label(row.status),
                None if row.previous is None else float(row.previous),
            ]
            for row in board.values
        ),
        widths=[24, 60, 12, 12, 12, 12, 12, 12, 16, 14, 14],
    )
    heat = Sheet(
        title=_("Units by indicator"),
        caption=caption,
        headers=[_("Unit"), _("Report"), *[i.display_name for i in board.heat_indicators]],
        rows=(
            [
                heat_row.row.unit_name,
                states.get(heat_row.row.state, heat_row.row.state),
                *[None if cell.value is None else float(cell.value) for cell in heat_row.cells],
            ]
            for heat_row in board.heat_rows
        ),
        widths=[36, 12, *[18 for _i in board.heat_indicators]],
    )
    sheets = [values, heat]
    if indicator is not None:
        series = data.trend(request.user, unit, indicator)
        sheets.append(
            Sheet(
                title=_("Trend"),
                caption=f"{unit.name} · {indicator.display_name}",
                headers=[
                    pgettext("report period", "Period"),
                    _("As of"),
                    _("Value"),
                    _("Units with data"),
                    _("Units expected"),
                    _("Target"),
                    _("Status"),
                ],
                rows=(
                    [
                        point.period.name,
                        point.period.end_date,
                        None if point.value is None else float(point.value),
                        point.reporters,
                        point.expected,
                        point.target.describe() if point.target else "",
                        _status_label(point.status),
                    ]
                    for point in series.points
                ),
                widths=[50, 12, 12, 12, 12, 16, 14],
            )
        )
    completeness = board.completeness
    sheets.append(
        Sheet(
            title=_("Completeness"),
            caption=caption,
            headers=[_("State"), _("Reports")],
            rows=[
                *([str(row["label"]), row["count"]] for row in completeness.rows()),
                [_("Total"), completeness.total],
                [_("Units accepted into the roll-up"), completeness.accepted],
                [_("Units expected"), completeness.expected],
            ],
            widths=[30, 12],
        )
    )
    return workbook_response(f"dashboard-{unit.pk}-{period.pk}.xlsx", sheets)
