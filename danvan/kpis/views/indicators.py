"""The indicator catalogue: list with search and filters, a page that explains each
indicator in plain words, and the add / change form for system administrators.

Every signed-in user reads the catalogue (``kpis.view_indicator``); only system
administrators change it (``kpis.change_indicator``, 403 otherwise). The code of an
indicator already used by a report form or a report cannot change.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.kpis import filters, services, sources
from danvan.kpis.forms import IndicatorForm
from danvan.kpis.models import (
    Category,
    Direction,
    Indicator,
    IndicatorKind,
    RollupRule,
    Source,
    Target,
)

PAGE_SIZE = 40
CHANGE = "kpis.change_indicator"


def _params_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@vary_on_headers("HX-Request")
def indicator_list(request):
    chosen = filters.IndicatorFilters.from_params(request.GET)
    rows = filters.indicator_list(chosen)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": chosen,
        "page": page,
        "query": _params_without_page(request),
        "can_change": request.user.has_perm(CHANGE),
    }
    if is_htmx(request):
        return render(request, "kpis/partials/indicator_results.html", context)
    context.update(
        categories=Category.choices,
        kinds=IndicatorKind.choices,
        source_choices=Source.choices,
        sorts=[
            ("category", _("By category")),
            ("code", _("Code (A→Z)")),
            ("name", _("Name (A→Z)")),
            ("-updated", _("Recently changed")),
        ],
    )
    return render(request, "kpis/indicator_list.html", context)


def rollup_explained(indicator: Indicator) -> str:
    """How a parent's figure is built from its children's, in plain words."""
    rule = indicator.rollup
    if rule == RollupRule.SUM:
        return _("Rolled up as the sum of the units' values.")
    if rule == RollupRule.RATE:
        return _(
            "Rolled up as Σ numerators / Σ denominators, times %(scale)s — never as the mean of "
            "the units' rates."
        ) % {"scale": indicator.scale}
    if rule == RollupRule.WEIGHTED_MEAN:
        weight = indicator.weight.display_name if indicator.weight_id else "—"
        return _("Rolled up as the mean of the units' values, each weighted by “%(weight)s”.") % {
            "weight": weight
        }
    if rule == RollupRule.MIN:
        return _("Rolled up as the lowest of the units' values.")
    if rule == RollupRule.MAX:
        return _("Rolled up as the highest of the units' values.")
    if rule == RollupRule.LATEST:
        return _("Rolled up as the value of the unit that reported last.")
    return _("Not rolled up: each unit's value stands alone.")


def kind_explained(indicator: Indicator) -> str:
    kind = indicator.kind
    if kind == IndicatorKind.COUNT:
        return _("A count of things (never negative).")
    if kind == IndicatorKind.AMOUNT:
        return _("An amount (money, area, length…) in the unit of measure.")
    if kind == IndicatorKind.RATE:
        return _(
            "A rate: “%(num)s” divided by “%(den)s”, times %(scale)s. Units type both numbers; "
            "the numerator can never exceed the denominator."
        ) % {
            "num": indicator.numerator_label or _("numerator"),
            "den": indicator.denominator_label or _("denominator"),
            "scale": indicator.scale,
        }
    if kind == IndicatorKind.SCORE:
        if indicator.has_rank:
            return _("A published score or index, recorded (not computed), with its rank.")
        return _("A score or index, recorded as published.")
    return _("A yes / no answer; rolled up as the share of units answering yes.")


def direction_explained(indicator: Indicator) -> str:
    if indicator.direction == Direction.HIGHER:
        return _("Higher is better: a target reads “≥” or “>”.")
    if indicator.direction == Direction.LOWER:
        return _("Lower is better: a target reads “≤” or “<”.")
    return _("Best within a band: a target gives its lower and upper bounds.")


@login_required
def indicator_detail(request, pk: int):
    indicator = get_object_or_404(Indicator.objects.select_related("weight"), pk=pk)
    source = sources.get(indicator.source_key) if indicator.is_computed else None
    used_in = {}
    for field in indicator.form_fields.select_related("version__form").order_by(
        "version__form__name", "-version__number"
    ):
        used_in.setdefault(field.version.form, []).append(field.version.number)
    targets = list(
        Target.objects.visible_to(request.user)
        .filter(indicator=indicator)
        .select_related("unit", "plan", "indicator")
        .order_by("unit__path", "year", "pk")
    )
    weighted = list(indicator.weighted.order_by("code"))
    context = {
        "indicator": indicator,
        "source": source,
        "used_in": list(used_in.items()),
        "targets": targets,
        "weighted": weighted,
        "rollup_text": rollup_explained(indicator),
        "kind_text": kind_explained(indicator),
        "direction_text": direction_explained(indicator),
        "can_change": request.user.has_perm(CHANGE),
    }
    return render(request, "kpis/indicator_detail.html", context)


def _edit(request, indicator: Indicator | None):
    if not request.user.has_perm(CHANGE):
        raise PermissionDenied
    locked = indicator is not None and services.indicator_in_use(indicator)
    form = IndicatorForm(
        request.POST or None, instance=indicator or Indicator(), code_locked=locked
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_indicator(form.save(commit=False), actor=request.user)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(
                request, _("Saved the indicator “%(name)s”.") % {"name": saved.display_name}
            )
            return redirect(saved)
    return render(
        request,
        "kpis/indicator_form.html",
        {
            "form": form,
            "indicator": indicator,
            "registered": sources.all_sources(),
        },
    )


@login_required
def indicator_create(request):
    return _edit(request, None)


@login_required
def indicator_edit(request, pk: int):
    if not request.user.has_perm(CHANGE):
        raise PermissionDenied
    return _edit(request, get_object_or_404(Indicator, pk=pk))
