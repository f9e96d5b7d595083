"""The letter list (filters, accent-free search, sort, htmx) and its Excel register.

Rows come from ``selectors.visible_letters``; a list never shows the citizen's identity
(the subject stands for the letter), so a sealed name cannot leak through it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from danvan.core.viewutils import is_htmx
from danvan.core.xlsx import workbook_response
from danvan.orgs.models import Unit
from danvan.petitions import selectors
from danvan.petitions.exports import register_sheet
from danvan.petitions.filters import SORTABLE, DueState, LetterFilters
from danvan.petitions.models import Channel, LetterKind, LetterStatus, SubjectArea

PAGE_SIZE = 50


def _sorts(current: str) -> dict[str, dict[str, str]]:
    sorts = {}
    for key in SORTABLE:
        if current == key:
            sorts[key] = {"next": f"-{key}", "arrow": "up"}
        elif current == f"-{key}":
            sorts[key] = {"next": key, "arrow": "down"}
        else:
            sorts[key] = {"next": key, "arrow": ""}
    return sorts


def _units(request, filters: LetterFilters) -> list[Unit]:
    units = selectors.filter_units(request.user)
    if filters.unit and all(u.pk != filters.unit for u in units):
        extra = Unit.objects.filter(pk=filters.unit).first()
        if extra is not None:
            units.append(extra)
    return units


@login_required
@vary_on_headers("HX-Request")
def letter_list(request):
    today = timezone.localdate()
    filters = LetterFilters.from_params(request.GET)
    rows = selectors.letter_list(request.user, filters, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "sorts": _sorts(filters.sort),
        "export_query": params.urlencode(),
        "today": today,
    }
    if is_htmx(request):
        return render(request, "petitions/partials/letter_results.html", context)
    context.update(
        {
            "units": _units(request, filters),
            "kinds": LetterKind.choices,
            "statuses": LetterStatus.choices,
            "channels": Channel.choices,
            "subject_areas": SubjectArea.choices,
            "due_states": DueState.choices,
        }
    )
    return render(request, "petitions/letter_list.html", context)


@login_required
def letter_export(request):
    """The register as a workbook, with the list's filters (at most ``exports.MAX_ROWS``)."""
    today = timezone.localdate()
    filters = LetterFilters.from_params(request.GET)
    letters = selectors.letter_list(request.user, filters, today=today)
    sheet = register_sheet(request.user, letters, today=today)
    return workbook_response(f"letters-{today:%Y%m%d}.xlsx", [sheet])
