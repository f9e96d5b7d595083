"""Follow-up pages: due soon and overdue, backlog by age, statistics, the identity-access log.

Each page works on a unit's subtree (``?unit=``, default the working unit); a unit outside
the user's scope answers 404. Every figure is counted in the database from stored columns
(``current_due``, ``received_on``, ``closed_on``), so the pages cost a fixed number of
queries whatever the number of letters.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from danvan.core.xlsx import Sheet, workbook_response
from danvan.orgs.models import Unit, User
from danvan.orgs.scope import scope_for
from danvan.petitions import selectors
from danvan.petitions import statistics as stats
from danvan.petitions.exports import statistics_sheets
from danvan.petitions.filters import DUE_SOON_DAYS, DueState, parse_date, parse_int
from danvan.petitions.rules import LOG_ROLES

PAGE_SIZE = 50
LOG_PAGE_SIZE = 50
MAX_LOG_ROWS = 20_000
MAX_PERIOD_DAYS = 366 * 10
BUCKET_COLOURS = ("#198754", "#9bc53d", "#ffc107", "#fd7e14", "#dc3545")


# ------------------------------------------------------------------ the unit of a page


def _chosen_unit(request) -> Unit | None:
    """The ``?unit=`` of the request if the user's scope covers it; 404 if it does not."""
    raw = request.GET.get("unit", "")
    if not raw:
        return None
    unit = Unit.objects.filter(pk=parse_int(raw) or 0).first()
    if unit is None or not scope_for(request.user).covers(unit):
        raise Http404
    return unit


def _default_root(request) -> Unit | None:
    """The working unit; for a user without one, the first unit of their scope."""
    working = getattr(request, "working_unit", None)
    if working:
        return working
    scope = scope_for(request.user)
    if scope.is_global:
        return Unit.objects.filter(depth=1).current().order_by("path").first()
    prefixes = scope.prefixes()
    return Unit.objects.filter(path=prefixes[0]).first() if prefixes else None


def _trail(user, root: Unit) -> list[Unit]:
    """From the highest unit above ``root`` the user may open, down to ``root``."""
    scope = scope_for(user)
    if scope.is_global:
        top_path = root.path[: Unit.steplen]
    else:
        covering = [p for p in scope.prefixes() if root.path.startswith(p)]
        top_path = min(covering, key=len) if covering else root.path
    paths = [root.path[:n] for n in range(len(top_path), len(root.path) + 1, Unit.steplen)]
    return list(Unit.objects.filter(path__in=paths).order_by("path"))


def _unit_choices(request, root: Unit | None) -> list[Unit]:
    units = selectors.filter_units(request.user)
    if root is not None and all(u.pk != root.pk for u in units):
        units.append(root)
    return units


def _no_unit(request, template: str):
    return render(request, template, {"root": None})


# ------------------------------------------------------------- due soon and overdue


@login_required
def overdue_list(request):
    """Open letters past their deadline (red) or within ``DUE_SOON_DAYS`` days (amber)."""
    today = timezone.localdate()
    unit = _chosen_unit(request)
    state = request.GET.get("state", "")
    if state not in (DueState.OVERDUE, DueState.DUE_SOON):
        state = ""
    summary = selectors.deadline_summary(request.user, today=today, unit=unit)
    letters = selectors.deadline_letters(request.user, today=today, unit=unit, state=state)
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = {key: sum(row[key] for row in summary) for key in ("open", "overdue", "due_soon")}
    context = {
        "today": today,
        "unit": unit,
        "state": state,
        "summary": summary,
        "totals": totals,
        "page": page,
        "units": _unit_choices(request, unit),
        "due_soon_days": DUE_SOON_DAYS,
        "states": [
            (DueState.OVERDUE.value, DueState.OVERDUE.label),
            (DueState.DUE_SOON.value, DueState.DUE_SOON.label),
        ],
    }
    return render(request, "petitions/overdue.html", context)


# ---------------------------------------------------------------------------- backlog


@login_required
def backlog(request):
    """Open letters by age since receipt, per unit under the chosen one (click to drill)."""
    root = _chosen_unit(request) or _default_root(request)
    if root is None:
        return _no_unit(request, "petitions/backlog.html")
    table = stats.backlog(root)
    buckets = [(key, str(label)) for key, label, _low, _high in stats.AGE_BUCKETS]

    def line(counts: dict[str, int], **extra) -> dict:
        return {
            "cells": [(key, counts[key]) for key, _label in buckets],
            "total": counts["total"],
            "repeat": counts["repeat"],
            **extra,
        }

    # The chart: the root's own letters first, then each child holding open letters.
    chart_rows = [(root.display_name, table.own)] if table.own else []
    chart_rows += [(row.unit.display_name, row.counts) for row in table.rows if row.counts["total"]]
    context = {
        "root": root,
        "trail": _trail(request.user, root),
        "table": table,
        "rows": [line(row.counts, unit=row.unit, drillable=row.drillable) for row in table.rows],
        "own": line(table.own) if table.own else None,
        "total": line(table.total),
        "buckets": buckets,
        "units": _unit_choices(request, root),
        "chart_labels": [name for name, _counts in chart_rows],
        "chart_series": [
            {
                "label": label,
                "data": [counts[key] for _name, counts in chart_rows],
                "backgroundColor": colour,
            }
            for (key, label), colour in zip(buckets, BUCKET_COLOURS, strict=True)
        ],
    }
    return render(request, "petitions/backlog.html", context)


# ------------------------------------------------------------------------- statistics


def _period(request, today: dt.date) -> tuple[dt.date, dt.date, str]:
    """(start, end, a warning) from ``?start=&end=``; default the current year."""
    default_start, default_end = stats.year_bounds(today)
    start = parse_date(request.GET.get("start")) or default_start
    end = parse_date(request.GET.get("end")) or default_end
    warning = ""
    if start > end:
        start, end = end, start
        warning = _("The start came after the end: the two dates were swapped.")
    if (end - start).days > MAX_PERIOD_DAYS:
        start = end - dt.timedelta(days=MAX_PERIOD_DAYS)
        warning = _("A period is at most ten years: the start was moved to %(date)s.") % {
            "date": date_format(start, "d/m/Y")
        }
    return start, end, warning


@login_required
def statistics(request):
    today = timezone.localdate()
    root = _chosen_unit(request) or _default_root(request)
    if root is None:
        return _no_unit(request, "petitions/statistics.html")
    start, end, warning = _period(request, today)
    numbers = stats.letter_statistics(root, start, end, today=today)
    indicators = stats.computed_indicators(root, start, end, today=today)
    params = request.GET.copy()
    params["unit"] = root.pk
    params["start"] = start.isoformat()
    params["end"] = end.isoformat()
    metric_names = [str(stats.METRIC_LABELS[m]) for m in stats.METRICS]

    def cells(counts: dict[str, int]) -> list[tuple[str, int]]:
        return [(metric, counts[metric]) for metric in stats.METRICS]

    def choice_rows(rows) -> list[dict]:
        return [{"key": r["key"], "label": r["label"], "cells": cells(r)} for r in rows]

    context = {
        "root": root,
        "trail": _trail(request.user, root),
        "units": _unit_choices(request, root),
        "start": start,
        "end": end,
        "warning": warning,
        "numbers": numbers,
        "metrics": list(zip(stats.METRICS, metric_names, strict=True)),
        "total_cells": [
            (metric, name, numbers.totals[metric])
            for metric, name in zip(stats.METRICS, metric_names, strict=True)
        ],
        "own_cells": cells(numbers.own) if numbers.own else None,
        "unit_rows": [{"unit": row["unit"], "cells": cells(row)} for row in numbers.by_unit],
        "breakdowns": [
            {
                "id": "by-kind",
                "title": _("By kind"),
                "first": _("Kind"),
                "rows": choice_rows(numbers.by_kind),
                "chart": bool(numbers.by_kind),
            },
            {
                "id": "by-channel",
                "title": _("By channel"),
                "first": _("Channel"),
                "rows": choice_rows(numbers.by_channel),
            },
            {
                "id": "by-subject",
                "title": _("By subject area"),
                "first": _("Subject area"),
                "rows": choice_rows(numbers.by_subject),
            },
        ],
        "indicators": [
            {"key": key, "label": stats.INDICATOR_LABELS[key], "value": value}
            for key, value in indicators.items()
            if not key.startswith("letters_")
        ],
        "export_query": params.urlencode(),
        "month_labels": [row["month"].strftime("%m/%Y") for row in numbers.by_month],
        "month_received": [row["received"] for row in numbers.by_month],
        "month_resolved": [row["resolved"] for row in numbers.by_month],
        "month_late": [row["late"] for row in numbers.by_month],
        "month_colours": ["#0d6efd", "#198754", "#dc3545"],
        "month_series": [
            str(stats.METRIC_LABELS["received"]),
            str(stats.METRIC_LABELS["resolved"]),
            _("Settled late"),
        ],
        "kind_labels": [str(row["label"]) for row in numbers.by_kind],
        "kind_received": [row["received"] for row in numbers.by_kind],
        "kind_resolved": [row["resolved"] for row in numbers.by_kind],
        "kind_series": [str(stats.METRIC_LABELS["received"]), str(stats.METRIC_LABELS["resolved"])],
    }
    return render(request, "petitions/statistics.html", context)


@login_required
def statistics_export(request):
    today = timezone.localdate()
    root = _chosen_unit(request) or _default_root(request)
    if root is None:
        raise Http404
    start, end, _warning = _period(request, today)
    numbers = stats.letter_statistics(root, start, end, today=today)
    indicators = stats.computed_indicators(root, start, end, today=today)
    return workbook_response(
        f"letter-statistics-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
        statistics_sheets(numbers, indicators),
    )


# -------------------------------------------------------------- identity-access log


def _log_sheet(reads) -> Sheet:
    rows = list(reads[: MAX_LOG_ROWS + 1])
    caption = _("Reads of sealed identities — exported on %(date)s") % {
        "date": date_format(timezone.localdate(), "d/m/Y")
    }
    if len(rows) > MAX_LOG_ROWS:
        caption += " — " + _(
            "TRUNCATED: only the first %(n)s reads are listed; narrow the filters."
        ) % {"n": MAX_LOG_ROWS}
    return Sheet(
        title=_("Identity reads"),
        caption=caption,
        headers=[_("At"), _("User"), _("Letter"), _("Resolving unit"), _("Purpose"), _("IP")],
        rows=(
            [
                timezone.localtime(read.at),
                str(read.user),
                read.letter.code,
                read.letter.unit.name,
                read.purpose,
                read.ip_address or "",
            ]
            for read in rows[:MAX_LOG_ROWS]
        ),
        widths=[18, 28, 14, 30, 50, 16],
    )


@login_required
def identity_log(request):
    """Who read a sealed identity: for inspectors and system administrators over the unit."""
    scope = scope_for(request.user)
    if not scope.is_global and not scope.prefixes(LOG_ROLES):
        raise PermissionDenied
    reads = selectors.identity_reads(request.user)
    unit = None
    raw_unit = request.GET.get("unit", "")
    if raw_unit:
        unit = Unit.objects.filter(pk=parse_int(raw_unit) or 0).first()
        if unit is None or not request.user.has_perm("petitions.view_identityaccess", unit):
            raise Http404
        reads = reads.filter(letter__unit__path__startswith=unit.path)
    reader = parse_int(request.GET.get("user"))
    if reader:
        reads = reads.filter(user_id=reader)
    start = parse_date(request.GET.get("start"))
    end = parse_date(request.GET.get("end"))
    if start:
        reads = reads.filter(at__date__gte=start)
    if end:
        reads = reads.filter(at__date__lte=end)
    reads = reads.order_by("-at", "-pk")
    if request.GET.get("format") == "xlsx":
        return workbook_response(
            f"identity-reads-{timezone.localdate():%Y%m%d}.xlsx", [_log_sheet(reads)]
        )
    page = Paginator(reads, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    readers = User.objects.filter(
        pk__in=selectors.identity_reads(request.user).values("user_id")
    ).order_by("full_name", "username")
    log_units = [u for u in _unit_choices(request, unit) if scope.covers(u, LOG_ROLES)]
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "xlsx"
    context = {
        "page": page,
        "unit": unit,
        "units": log_units,
        "readers": readers,
        "reader": reader,
        "start": start,
        "end": end,
        "export_query": params.urlencode(),
        "filtered": bool(unit or reader or start or end),
    }
    return render(request, "petitions/identity_log.html", context)
