"""Quota compliance (table and heat-map) and statistics of a campaign.

Launchers (and anyone whose scope covers the campaign's unit) see the whole area; a user
whose scope lies below it (a commune officer) sees their own unit's subtree only.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from danvan.core.access import get_object_for
from danvan.core.viewutils import is_htmx
from danvan.core.xlsx import Sheet, workbook_response
from danvan.initiatives import compliance
from danvan.initiatives import statistics as stats
from danvan.initiatives.models import Campaign, Initiative, QuotaReminder, Status
from danvan.initiatives.quota import QuotaStatus
from danvan.initiatives.services import REMINDER_STAGES
from danvan.orgs.models import Unit, UnitKind

PAGE_SIZE = 30
VIEW = "initiatives.view_campaign"


def _campaign_and_area(request, pk: int) -> tuple[Campaign, Unit, Unit | None]:
    """The campaign, the top unit the user may see in it, and the ``within`` filter."""
    campaign = get_object_for(
        request.user, Campaign.objects.select_related("unit"), perm=VIEW, pk=pk
    )
    working = getattr(request, "working_unit", None)
    top = compliance.scope_root(request.user, campaign, preferred=working if working else None)
    if top is None:
        raise Http404
    return campaign, top, (None if top.pk == campaign.unit_id else top)


def _filters(request, campaign: Campaign) -> dict[str, str]:
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    sort = request.GET.get("sort", "")
    return {
        "status": status if status in {s.value for s in QuotaStatus} else "",
        "kind": kind if kind in (campaign.required_kinds or []) else "",
        "q": request.GET.get("q", "")[:100],
        "sort": sort if sort in compliance.SORTS else "",
    }


def _heat_root(request, campaign: Campaign, top: Unit) -> Unit:
    """The unit whose children the heat-map shows (``?unit=``), inside what the user sees."""
    wanted = request.GET.get("unit", "")
    if not wanted:
        return top
    return get_object_for(
        request.user, Unit.objects.subtree_of(top), pk=wanted if wanted.isdigit() else 0
    )


def _kind_choices(campaign: Campaign) -> list[tuple[str, str]]:
    labels = dict(UnitKind.choices)
    return [(k, labels.get(k, k)) for k in campaign.required_kinds or []]


@login_required
def quota(request, pk: int):
    campaign, top, within = _campaign_and_area(request, pk)
    filters = _filters(request, campaign)
    rows = compliance.quota_rows(campaign, within=within)
    shown = compliance.filter_rows(rows, **filters)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "campaign": campaign,
        "top": top,
        "scoped": within is not None,
        "page": page,
        "filters": filters,
    }
    if is_htmx(request) and request.headers.get("HX-Target") == "quota-results":
        return render(request, "initiatives/partials/quota_rows.html", context)
    tally = compliance.summary(rows)
    summary = [
        {
            "status": status.value,
            "label": str(compliance.STATUS_LABELS[status]),
            "badge": compliance.STATUS_BADGES[status],
            "count": tally.by_status[status.value],
            "pct": round(100 * tally.by_status[status.value] / tally.units, 1)
            if tally.units
            else None,
        }
        for status in QuotaStatus
    ]
    can_change = request.user.has_perm("initiatives.change_campaign", campaign)
    reminders = None
    if can_change:
        reminders = QuotaReminder.objects.filter(campaign=campaign).aggregate(
            n=Count("pk"), last=Max("sent_at"), units=Count("unit", distinct=True)
        )
    context.update(
        {
            "tally": tally,
            "summary": summary,
            "chart_labels": [row["label"] for row in summary],
            "chart_values": [row["count"] for row in summary],
            "chart_colours": [compliance.STATUS_COLOURS[s] for s in QuotaStatus],
            "heat": compliance.heatmap(campaign, root=_heat_root(request, campaign, top), top=top),
            "statuses": [(s.value, compliance.STATUS_LABELS[s]) for s in QuotaStatus],
            "kinds": _kind_choices(campaign),
            "day": compliance.reference_day(campaign),
            "can_change": can_change,
            "reminders": reminders,
            "reminder_stages": REMINDER_STAGES,
        }
    )
    return render(request, "initiatives/quota.html", context)


@login_required
def quota_heatmap(request, pk: int):
    campaign, top, _within = _campaign_and_area(request, pk)
    heat = compliance.heatmap(campaign, root=_heat_root(request, campaign, top), top=top)
    return render(
        request, "initiatives/partials/quota_heatmap.html", {"campaign": campaign, "heat": heat}
    )


@login_required
def export_quota_xlsx(request, pk: int):
    campaign, _top, within = _campaign_and_area(request, pk)
    rows = compliance.filter_rows(
        compliance.quota_rows(campaign, within=within), **_filters(request, campaign)
    )
    sheet = Sheet(
        title=_("Quota"),
        caption=campaign.name,
        headers=[
            _("Code"),
            _("Unit"),
            _("Kind"),
            _("Parent unit"),
            _("Registered"),
            _("Minimum"),
            _("Maximum"),
            _("Status"),
        ],
        rows=(
            [
                row.unit.code,
                row.unit.name,
                row.unit.get_kind_display(),
                row.parent.name if row.parent else "",
                row.count,
                campaign.quota_min,
                campaign.quota_max,
                row.label,
            ]
            for row in rows
        ),
        widths=[10, 40, 22, 36, 12, 10, 10, 22],
    )
    return workbook_response(f"quota-{campaign.year}-{campaign.pk}.xlsx", [sheet])


@login_required
def statistics(request, pk: int):
    campaign, top, within = _campaign_and_area(request, pk)
    numbers = stats.campaign_statistics(campaign, within=within)
    funnel = stats.with_conversion(numbers["funnel"])
    units = stats.by_unit(campaign, within=within)
    replicated = stats.top_replicated(campaign, within=within)
    visible = set(
        Initiative.objects.visible_to(request.user)
        .filter(pk__in=[i.pk for i in replicated])
        .values_list("pk", flat=True)
    )
    labels = dict(Status.choices)
    by_status = [
        {"status": s, "label": labels[s], "count": n} for s, n in numbers["by_status"].items() if n
    ]
    context = {
        "campaign": campaign,
        "top": top,
        "scoped": within is not None,
        "numbers": numbers,
        "funnel": funnel,
        "funnel_labels": [row["label"] for row in funnel],
        "funnel_values": [row["count"] for row in funnel],
        "field_labels": [row["field"] for row in numbers["by_field"]],
        "field_registered": [row["count"] for row in numbers["by_field"]],
        "field_recognised": [row["recognised"] for row in numbers["by_field"]],
        "series_labels": [str(_("Registered")), str(_("Recognised"))],
        "units": units,
        "replicated": [(i, i.pk in visible) for i in replicated],
        "by_status": by_status,
    }
    return render(request, "initiatives/statistics.html", context)


urlpatterns = [
    path("campaigns/<int:pk>/export/quota.xlsx", export_quota_xlsx, name="export_quota_xlsx"),
    path("campaigns/<int:pk>/quota/", quota, name="quota"),
    path("campaigns/<int:pk>/quota/heatmap/", quota_heatmap, name="quota_heatmap"),
    path("campaigns/<int:pk>/statistics/", statistics, name="statistics"),
]
