"""Report periods: the list with each period's completeness, the period form, opening and
closing, and the board of every report in one period (with its Excel export and "remind now").

A period the user may not see is not found (404); opening, closing, changing and reminding
need ``reports.change_period`` (403 otherwise). Counts come from one grouped query, so the
list and the board cost the same number of queries for 2 rows or 2,000.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from danvan.core.access import get_object_for
from danvan.core.params import choice_param, int_param
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.core.xlsx import Sheet, workbook_response
from danvan.orgs.selectors import default_unit, membership_units, writable_units
from danvan.reports import reminders, services
from danvan.reports.forms import PeriodForm, period_defaults
from danvan.reports.models import (
    EDITABLE_STATES,
    Period,
    PeriodKind,
    PeriodStatus,
    Report,
    ReportState,
)

PAGE_SIZE = 25
VIEW = "reports.view_period"
CHANGE = "reports.change_period"
SORTS = {
    "-end": ("-end_date", "name"),
    "end": ("end_date", "name"),
    "-due": ("-due_date", "name"),
    "due": ("due_date", "name"),
    "name": ("name", "-end_date"),
}
LATE_CHOICES = ("late", "on_time")


def _params_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _late_q(today) -> Q:
    """Reports late on ``today``: submitted after the due date, or still not submitted after it."""
    unsent = Q(state__in=EDITABLE_STATES) & Q(period__due_date__lt=today)
    sent_late = Q(state__in=[ReportState.SUBMITTED, ReportState.ACCEPTED]) & Q(
        submitted_at__date__gt=F("period__due_date")
    )
    return unsent | sent_late


# ------------------------------------------------------------------ the list


def _period_rows(request, today):
    params = request.GET
    qs = Period.objects.visible_to(request.user).select_related("owner", "form_version__form")
    q = params.get("q", "").strip()
    year = int_param(params, "year")
    kind = choice_param(params, "kind", PeriodKind.values)
    status = choice_param(params, "status", PeriodStatus.values)
    sort = choice_param(params, "sort", SORTS) or "-end"
    qs = qs.search(q)
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    chosen = {
        "q": q,
        "year": year,
        "kind": kind,
        "status": status,
        "sort": sort,
        "active": bool(q or year or kind or status),
    }
    return qs.order_by(*SORTS[sort]), chosen


def _decorate(request, periods: list[Period], today) -> None:
    """Completeness (one grouped query) and the user's own report (one query) per period."""
    ids = [p.pk for p in periods]
    counts = {
        row["period_id"]: row
        for row in Report.objects.filter(period_id__in=ids)
        .values("period_id")
        .annotate(
            total=Count("pk"),
            accepted=Count("pk", filter=Q(state=ReportState.ACCEPTED)),
            submitted=Count("pk", filter=Q(state=ReportState.SUBMITTED)),
            returned=Count("pk", filter=Q(state=ReportState.RETURNED)),
            late=Count("pk", filter=_late_q(today)),
        )
        .order_by()
    }
    units = membership_units(request.user)
    working = request.working_unit or None
    order = {u.pk: i for i, u in enumerate(units)}
    if working is not None:
        order[working.pk] = -1
    own: dict[int, Report] = {}
    for report in (
        Report.objects.filter(period_id__in=ids, unit__in=[u.pk for u in units])
        .select_related("unit")
        .order_by("unit__depth")
    ):
        best = own.get(report.period_id)
        if best is None or order.get(report.unit_id, 99) < order.get(best.unit_id, 99):
            own[report.period_id] = report
    empty = {"total": 0, "accepted": 0, "submitted": 0, "returned": 0, "late": 0}
    for period in periods:
        period.counts = counts.get(period.pk, empty)
        period.own_report = own.get(period.pk)


@login_required
@vary_on_headers("HX-Request")
def period_list(request):
    today = timezone.localdate()
    rows, chosen = _period_rows(request, today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _decorate(request, list(page.object_list), today)
    context = {
        "filters": chosen,
        "page": page,
        "query": _params_without_page(request),
        "today": today,
    }
    if is_htmx(request):
        return render(request, "reports/partials/period_results.html", context)
    visible = Period.objects.visible_to(request.user)
    context.update(
        kinds=PeriodKind.choices,
        statuses=PeriodStatus.choices,
        years=sorted(
            set(visible.order_by().values_list("year", flat=True).distinct()), reverse=True
        ),
        sorts=[
            ("-end", _("Latest first")),
            ("end", _("Oldest first")),
            ("due", _("Due soonest")),
            ("-due", _("Due latest")),
            ("name", _("Name (A→Z)")),
        ],
        can_add=request.user.has_perm("reports.add_period"),
    )
    return render(request, "reports/period_list.html", context)


# ------------------------------------------------------------------ create and edit


def _visible(request, pk: int) -> Period:
    return get_object_for(
        request.user,
        Period.objects.select_related("owner", "form_version__form"),
        perm=VIEW,
        pk=pk,
    )


@login_required
def period_create(request):
    if not request.user.has_perm("reports.add_period"):
        raise PermissionDenied
    initial = period_defaults(timezone.localdate())
    units = list(writable_units(request.user))
    owner = default_unit(units, request.working_unit or None)
    if owner is not None:
        initial["owner"] = owner.pk
    form = PeriodForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        period = form.save(commit=False)
        if not request.user.has_perm(CHANGE, period):
            raise PermissionDenied
        try:
            period.full_clean()
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            period.save()
            messages.success(
                request,
                _("Created the period “%(name)s”. Open it to create each unit's draft.")
                % {"name": period.name},
            )
            return redirect(period)
    return render(request, "reports/period_form.html", {"form": form, "period": None})


@login_required
def period_edit(request, pk: int):
    period = _visible(request, pk)
    if not request.user.has_perm(CHANGE, period):
        raise PermissionDenied
    if period.status == PeriodStatus.CLOSED:
        messages.error(request, _("This period is closed."))
        return redirect(period)
    form = PeriodForm(request.POST or None, instance=period, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect(period)
    return render(request, "reports/period_form.html", {"form": form, "period": period})


@login_required
@require_POST
def period_open(request, pk: int):
    period = _visible(request, pk)
    if not request.user.has_perm(CHANGE, period):
        raise PermissionDenied
    try:
        created = services.request_open(period, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if created is None:
            messages.info(
                request,
                _(
                    "The period is being opened in the background: its draft reports appear "
                    "here in a minute, and you will get a notification."
                ),
            )
            return redirect(period)
        messages.success(
            request,
            ngettext(
                "The period is open: %(n)s draft report was created.",
                "The period is open: %(n)s draft reports were created.",
                created,
            )
            % {"n": created},
        )
    return redirect(period)


@login_required
@require_POST
def period_close(request, pk: int):
    period = _visible(request, pk)
    if not request.user.has_perm(CHANGE, period):
        raise PermissionDenied
    try:
        services.close_period(period, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The period is closed: its reports can no longer be submitted.")
        )
    return redirect(period)


@login_required
@require_POST
def period_remind(request, pk: int):
    period = _visible(request, pk)
    if not request.user.has_perm(CHANGE, period):
        raise PermissionDenied
    if not period.is_open:
        messages.error(request, _("The period is not open."))
        return redirect(period)
    count = reminders.remind_now(period, actor=request.user, today=timezone.localdate())
    if count:
        messages.success(
            request,
            ngettext(
                "Reminded %(n)s unit that has not submitted.",
                "Reminded %(n)s units that have not submitted.",
                count,
            )
            % {"n": count},
        )
    else:
        messages.info(
            request, _("Nobody to remind: every unit has submitted or was reminded today.")
        )
    return redirect(period)


# ------------------------------------------------------------------ the board


def _board(request, period: Period, today):
    params = request.GET
    state = choice_param(params, "state", ReportState.values)
    late = choice_param(params, "late", LATE_CHOICES)
    q = params.get("q", "").strip()
    base = Report.objects.visible_to(request.user).filter(period=period)
    rows = base.select_related("unit", "period", "submitted_by").search(q)
    if state:
        rows = rows.filter(state=state)
    if late == "late":
        rows = rows.filter(_late_q(today))
    elif late == "on_time":
        rows = rows.exclude(_late_q(today))
    chosen = {"state": state, "late": late, "q": q, "active": bool(state or late or q)}
    return base, rows.order_by("unit__path"), chosen


def _state_counts(base, today) -> dict:
    counts = base.aggregate(
        total=Count("pk"),
        draft=Count("pk", filter=Q(state=ReportState.DRAFT)),
        submitted=Count("pk", filter=Q(state=ReportState.SUBMITTED)),
        returned=Count("pk", filter=Q(state=ReportState.RETURNED)),
        accepted=Count("pk", filter=Q(state=ReportState.ACCEPTED)),
        late=Count("pk", filter=_late_q(today)),
    )
    return counts


def _mark(request, reports, today) -> None:
    user = request.user
    for report in reports:
        report.late = report.is_late
        report.can_review = report.state == ReportState.SUBMITTED and user.has_perm(
            "reports.review_report", report
        )
        report.can_edit = report.is_editable and user.has_perm("reports.change_report", report)


@login_required
@vary_on_headers("HX-Request")
def period_detail(request, pk: int):
    period = _visible(request, pk)
    today = timezone.localdate()
    base, rows, chosen = _board(request, period, today)
    if request.GET.get("format") == "xlsx":
        return _board_xlsx(request, period, rows, today)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    reports = list(page.object_list)
    _mark(request, reports, today)
    context = {
        "period": period,
        "page": page,
        "reports": reports,
        "filters": chosen,
        "query": _params_without_page(request),
        "today": today,
    }
    if is_htmx(request):
        return render(request, "reports/partials/period_board.html", context)
    missing = list(
        base.filter(state__in=EDITABLE_STATES).select_related("unit").order_by("unit__path")
    )
    for report in missing:
        report.period = period
    context.update(
        counts=_state_counts(base, today),
        missing=missing,
        states=ReportState.choices,
        can_manage=request.user.has_perm(CHANGE, period),
    )
    return render(request, "reports/period_detail.html", context)


def _board_xlsx(request, period: Period, rows, today):
    reports = list(rows)
    _mark(request, reports, today)
    sheet = Sheet(
        title=_("Reports"),
        caption=f"{period.name} — {_('due')} {period.due_date:%d/%m/%Y}",
        headers=[
            _("Unit"),
            _("State"),
            _("Revision"),
            _("Submitted at"),
            _("Submitted by"),
            _("Late"),
            _("Last reminded"),
        ],
        rows=(
            [
                r.unit.name,
                r.get_state_display(),
                r.revision,
                timezone.localtime(r.submitted_at) if r.submitted_at else None,
                r.submitted_by.display_name if r.submitted_by else "",
                _("yes") if r.late else _("no"),
                r.last_reminded_on,
            ]
            for r in reports
        ),
        widths=[40, 18, 10, 18, 24, 8, 14],
    )
    return workbook_response(f"period-{period.pk}-{today:%Y%m%d}.xlsx", [sheet])
