"""Campaign pages: list, create, copy, detail, settings (fields, levels and rubrics)."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.core.access import get_object_for
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.initiatives import selectors, services
from danvan.initiatives.forms_campaigns import (
    CampaignCopyForm,
    CampaignEditForm,
    CampaignFilterForm,
    CampaignForm,
    CriterionFormSet,
    FieldsForm,
    LevelForm,
)
from danvan.initiatives.models import (
    COUNTED_STATUSES,
    RECOGNISED_STATUSES,
    Campaign,
    CampaignStatus,
    Criterion,
    Level,
    Score,
    Status,
)
from danvan.orgs.models import UnitKind

PAGE_SIZE = 20
CHANGE = "initiatives.change_campaign"
VIEW = "initiatives.view_campaign"


def _campaign_for(request, pk: int, perm: str = VIEW) -> Campaign:
    return get_object_for(request.user, Campaign.objects.select_related("unit"), perm=perm, pk=pk)


# ------------------------------------------------------------------ list


@login_required
def campaign_list(request):
    visible = selectors.campaigns_for(request.user)
    years = sorted(set(visible.order_by().values_list("year", flat=True).distinct()), reverse=True)
    form = CampaignFilterForm(request.GET or None, years=years)
    params = form.cleaned_data if form.is_valid() else {}
    campaigns = visible.search(params.get("q"))
    if params.get("year"):
        campaigns = campaigns.filter(year=params["year"])
    campaigns = campaigns.annotate(
        n_registered=Count("initiatives", filter=Q(initiatives__status__in=COUNTED_STATUSES)),
        n_recognised=Count("initiatives", filter=Q(initiatives__status__in=RECOGNISED_STATUSES)),
    )
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    unit = request.working_unit
    context = {
        "form": form,
        "page": page,
        "searching": bool(params.get("q") or params.get("year")),
        "can_add": bool(unit) and request.user.has_perm("initiatives.add_campaign", unit),
    }
    template = (
        "initiatives/partials/campaign_rows.html"
        if is_htmx(request)
        else "initiatives/campaign_list.html"
    )
    return render(request, template, context)


# ---------------------------------------------------------------- create


def _default_name(year: int, unit) -> str:
    return f"Phong trào thi đua “Dân vận khéo” năm {year} — {unit.name}"


@login_required
def campaign_create(request):
    unit = request.working_unit
    if not unit or not request.user.has_perm("initiatives.add_campaign", unit):
        raise PermissionDenied
    year = timezone.localdate().year
    with contextlib.suppress(ValueError):
        year = int(request.GET.get("year", year))
    year = min(max(year, 2000), 2100)
    initial = {
        "year": year,
        "name": _default_name(year, unit),
        **services.campaign_defaults(year),
    }
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Created “%(name)s” with the default fields and levels.")
                % {"name": campaign.name},
            )
            return redirect(campaign)
    return render(request, "initiatives/campaign_form.html", {"form": form, "unit": unit})


# ---------------------------------------------------------------- detail


@login_required
def campaign_detail(request, pk: int):
    campaign = _campaign_for(request, pk)
    levels = list(
        campaign.levels.prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk"))
        )
    )
    counts = selectors.campaign_counts(campaign)
    by_status = [(label, counts[value]) for value, label in Status.choices]
    unit = request.working_unit
    can_register = (
        campaign.status == CampaignStatus.OPEN
        and bool(unit)
        and unit.path.startswith(campaign.unit.path)
        and request.user.has_perm("initiatives.register_for_unit", unit)
    )
    kinds = dict(UnitKind.choices)
    context = {
        "campaign": campaign,
        "fields": list(campaign.fields.all()),
        "levels": levels,
        "next_rank": max((lv.rank for lv in levels), default=0) + 1,
        "by_status": by_status,
        "total": sum(counts.values()),
        "chart_labels": [str(label) for label, _n in by_status],
        "chart_values": [n for _label, n in by_status],
        "required_kinds": [kinds.get(k, k) for k in campaign.required_kinds or []],
        "can_register": can_register,
        "can_change": request.user.has_perm(CHANGE, campaign),
        "today": timezone.localdate(),
        "next_year": campaign.year + 1,
    }
    return render(request, "initiatives/campaign_detail.html", context)


# ------------------------------------------------------------------ edit


@login_required
def campaign_edit(request, pk: int):
    campaign = _campaign_for(request, pk, CHANGE)
    initial = {name: getattr(campaign, name) for name in CampaignEditForm.base_fields}
    form = CampaignEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_campaign(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(campaign)
    return render(
        request,
        "initiatives/campaign_form.html",
        {"form": form, "unit": campaign.unit, "campaign": campaign},
    )


@login_required
@require_POST
def campaign_status(request, pk: int):
    campaign = _campaign_for(request, pk, CHANGE)
    status = request.POST.get("status", "")
    try:
        campaign = services.set_campaign_status(
            actor=request.user, campaign=campaign, status=status
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if campaign.status == CampaignStatus.OPEN:
            messages.success(request, _("The campaign is open: units can register."))
        elif campaign.status == CampaignStatus.CLOSED:
            messages.success(request, _("The campaign is closed."))
        else:
            messages.success(request, _("Saved."))
    return redirect(campaign)


@login_required
def campaign_copy(request, pk: int):
    campaign = _campaign_for(request, pk, CHANGE)
    form = CampaignCopyForm(request.POST or None, initial={"year": campaign.year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.copy_campaign(
                actor=request.user,
                source=campaign,
                year=form.cleaned_data["year"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, _("You may not launch a campaign for this unit."))
        else:
            messages.success(
                request,
                _("Copied to %(year)s: check the dates, then open the campaign.")
                % {"year": copy.year},
            )
            return redirect(copy)
    return render(request, "initiatives/campaign_copy.html", {"campaign": campaign, "form": form})


@login_required
def campaign_fields(request, pk: int):
    campaign = _campaign_for(request, pk, CHANGE)
    current = "\n".join(campaign.fields.values_list("name", flat=True))
    form = FieldsForm(request.POST or None, initial={"names": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_fields(
                actor=request.user, campaign=campaign, names=form.cleaned_data["names"]
            )
        except ValidationError as exc:
            form.add_error("names", exc.messages)
        else:
            messages.success(request, _("The fields are saved."))
            return redirect(campaign)
    return render(request, "initiatives/campaign_fields.html", {"campaign": campaign, "form": form})


@login_required
def campaign_level(request, pk: int, rank: int):
    campaign = _campaign_for(request, pk, CHANGE)
    level = (
        Level.objects.filter(campaign=campaign, rank=rank)
        .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk")))
        .first()
    )
    if level is None:
        # Only the next rank can be added: levels stay 1, 2, 3 … without gaps.
        top = campaign.levels.aggregate(top=Max("rank"))["top"] or 0
        if rank != top + 1:
            raise Http404
    frozen = level is not None and Score.objects.filter(criterion__level=level).exists()
    if request.method == "POST":
        form = LevelForm(request.POST)
        data = request.POST.copy()
        adding_row = "add_row" in request.POST
        if adding_row:
            total = data.get("criteria-TOTAL_FORMS", "0")
            data["criteria-TOTAL_FORMS"] = str(int(total) + 1 if total.isdigit() else 1)
        formset = CriterionFormSet(data, prefix="criteria")
        if not adding_row and form.is_valid() and formset.is_valid():
            deleted = set(map(id, formset.deleted_forms))
            rows = [f.row() for f in formset.forms if id(f) not in deleted and not f.is_blank()]
            try:
                level = services.save_level(
                    actor=request.user,
                    campaign=campaign,
                    rank=rank,
                    criteria=rows,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("The rubric of %(level)s is saved.") % {"level": level})
                return redirect(campaign)
    else:
        if level is not None:
            form = LevelForm(
                initial={
                    "name": level.name,
                    "pass_mark": level.pass_mark,
                    "min_months_running": level.min_months_running,
                }
            )
            rows = [
                {
                    "name": c.name,
                    "description": c.description,
                    "max_points": c.max_points,
                    "weight": c.weight,
                }
                for c in level.criteria.all()
            ]
        else:
            form = LevelForm()
            rows = []
        formset = CriterionFormSet(initial=rows, prefix="criteria")
    context = {
        "campaign": campaign,
        "level": level,
        "rank": rank,
        "form": form,
        "formset": formset,
        "frozen": frozen,
    }
    return render(request, "initiatives/campaign_level.html", context)


urlpatterns = [
    path("campaigns/", campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/copy/", campaign_copy, name="campaign_copy"),
    path("campaigns/<int:pk>/status/", campaign_status, name="campaign_status"),
    path("campaigns/<int:pk>/fields/", campaign_fields, name="campaign_fields"),
    path("campaigns/<int:pk>/levels/<int:rank>/", campaign_level, name="campaign_level"),
]
