"""Targets: the list of targets the user may see with each one's latest figure and status,
its Excel export, and setting, changing and removing a target.

A target is seen by any role over its unit and by the units it applies to below it
(``Target.objects.visible_to``; out of sight → 404). It is set, changed and removed by write
roles over its unit (``kpis.change_target``; seen but not writable → 403); the unit to set it
for is chosen among the user's writable units, so a commune officer cannot set one for
another commune or for the province.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from danvan.core.access import get_object_for
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.core.xlsx import Sheet, workbook_response
from danvan.kpis import filters, services
from danvan.kpis.forms import TargetForm
from danvan.kpis.models import Category, Indicator, Target, TargetKind
from danvan.orgs.models import Unit
from danvan.orgs.selectors import default_unit, writable_units
from danvan.plans.selectors import visible_plans

PAGE_SIZE = 30
VIEW = "kpis.view_target"
CHANGE = "kpis.change_target"


def _params_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _rows(request, targets: list[Target]) -> list[tuple[Target, filters.Progress, bool]]:
    progress = filters.latest_progress(request.user, targets)
    return [
        (target, progress[target.pk], request.user.has_perm(CHANGE, target)) for target in targets
    ]


@login_required
@vary_on_headers("HX-Request")
def target_list(request):
    chosen = filters.TargetFilters.from_params(request.GET)
    qs = filters.target_list(request.user, chosen)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": chosen,
        "page": page,
        "rows": _rows(request, list(page.object_list)),
        "query": _params_without_page(request),
    }
    if is_htmx(request):
        return render(request, "kpis/partials/target_results.html", context)
    visible = Target.objects.visible_to(request.user).order_by()
    context.update(
        indicators=list(
            Indicator.objects.filter(
                Q(pk__in=visible.values("indicator_id")) | Q(pk=chosen.indicator or 0)
            ).order_by("category", "order", "code")
        ),
        units=list(
            Unit.objects.filter(Q(pk__in=visible.values("unit_id")) | Q(pk=chosen.unit or 0))
            .order_by("path")
            .only("pk", "name", "path")
        ),
        categories=Category.choices,
        kinds=TargetKind.choices,
        years=filters.target_years(request.user),
        can_add=request.user.has_perm("kpis.add_target"),
    )
    return render(request, "kpis/target_list.html", context)


@login_required
def target_export(request):
    chosen = filters.TargetFilters.from_params(request.GET)
    targets = list(filters.target_list(request.user, chosen))
    progress = filters.latest_progress(request.user, targets)

    def row(target: Target):
        p = progress[target.pk]
        if target.applies_to_kind:
            status = ", ".join(f"{label}: {n}" for label, _colour, n in p.count_items)
            value = None
        else:
            status = "" if p.hidden or p.status is None else p.status.label
            value = float(p.value) if p.value is not None else None
        return [
            target.indicator.code,
            target.indicator.display_name,
            target.unit.name,
            target.get_applies_to_kind_display() if target.applies_to_kind else _("its own figure"),
            target.get_kind_display(),
            target.year,
            target.get_comparator_display(),
            float(target.value),
            float(target.value_high) if target.value_high is not None else None,
            target.indicator.measure,
            target.baseline_year,
            float(target.baseline_value) if target.baseline_value is not None else None,
            target.plan.reference if target.plan else "",
            target.note,
            p.period.name if p.period else "",
            value,
            status,
        ]

    sheet = Sheet(
        title=_("Targets"),
        headers=[
            _("Code"),
            _("Indicator"),
            _("Set by"),
            _("Applies to"),
            _("Target type"),
            _("Year"),
            _("Comparator"),
            _("Target value"),
            _("Upper bound"),
            _("Unit of measure"),
            _("Baseline year"),
            _("Baseline value"),
            _("Plan"),
            _("Note"),
            _("Latest period"),
            _("Latest value"),
            _("Status"),
        ],
        rows=(row(target) for target in targets),
        widths=[22, 50, 30, 22, 18, 8, 10, 12, 12, 10, 10, 12, 18, 30, 30, 12, 24],
    )
    return workbook_response(f"targets-{filters.today():%Y%m%d}.xlsx", [sheet])


def _form(request, target: Target | None):
    units = writable_units(request.user)
    if target is not None:
        units = Unit.objects.filter(Q(pk__in=units.values("pk")) | Q(pk=target.unit_id)).order_by(
            "path"
        )
    initial = {}
    if target is None:
        unit = default_unit(list(units), getattr(request, "working_unit", None))
        initial = {"unit": unit.pk if unit else None, "year": 2030}
        indicator = filters.int_param(request.GET, "indicator")
        if indicator:
            initial["indicator"] = indicator
    return TargetForm(
        request.POST or None,
        instance=target or Target(),
        initial=initial,
        units=units,
        plans=visible_plans(request.user).select_related("unit").order_by("-issued_on", "-pk"),
    )


def _save(request, form: TargetForm):
    """Save a valid form after checking the user writes over the chosen unit."""
    target = form.instance
    try:
        with transaction.atomic():
            services.save_target(target, actor=request.user)
    except ValidationError as exc:
        add_form_errors(form, exc)
    except IntegrityError:
        form.add_error(
            None,
            _("This unit already has a target of this type and year for this indicator."),
        )
    else:
        messages.success(request, _("Saved the target: %(target)s.") % {"target": target})
        return redirect(reverse("kpis:target_list") + f"?indicator={target.indicator_id}")
    return None


@login_required
def target_create(request):
    if not request.user.has_perm("kpis.add_target"):
        raise PermissionDenied
    if request.method == "POST":
        wanted = filters.int_param(request.POST, "unit")
        if wanted and not writable_units(request.user).filter(pk=wanted).exists():
            raise PermissionDenied
    form = _form(request, None)
    if request.method == "POST" and form.is_valid():
        done = _save(request, form)
        if done is not None:
            return done
    return render(request, "kpis/target_form.html", {"form": form, "target": None})


def _writable(request, pk: int) -> Target:
    target = get_object_for(
        request.user,
        Target.objects.visible_to(request.user).select_related("unit", "indicator"),
        perm=VIEW,
        pk=pk,
    )
    if not request.user.has_perm(CHANGE, target):
        raise PermissionDenied
    return target


@login_required
def target_edit(request, pk: int):
    target = _writable(request, pk)
    form = _form(request, target)
    if request.method == "POST" and form.is_valid():
        done = _save(request, form)
        if done is not None:
            return done
    return render(request, "kpis/target_form.html", {"form": form, "target": target})


@login_required
@require_POST
def target_delete(request, pk: int):
    target = _writable(request, pk)
    text = str(target)
    services.delete_target(target, actor=request.user)
    messages.success(request, _("Removed the target: %(target)s.") % {"target": text})
    return redirect("kpis:target_list")
