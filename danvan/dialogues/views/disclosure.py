"""The disclosure register (Grassroots Democracy Law 2022, Art. 11 and 13): list, record,
edit, detail and export; items posted for less than the minimum period are flagged."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from danvan.core.access import get_object_for
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.core.xlsx import Sheet, workbook_response
from danvan.dialogues import selectors, services
from danvan.dialogues.forms import DisclosureForm, default_unit, writable_units
from danvan.dialogues.models import DisclosureCategory, DisclosureChannel, DisclosureItem
from danvan.dialogues.views.common import PAGE_SIZE, params_without_page, unit_options

VIEW = "dialogues.view_disclosureitem"
CHANGE = "dialogues.change_disclosureitem"


def _ends_no_earlier_than(item: DisclosureItem) -> dt.date | None:
    """The first day a still-posted item may come down (from the stored minimum)."""
    if item.posted_to is not None or not item.required_days:
        return None
    return item.posted_from + dt.timedelta(days=item.required_days - 1)


@login_required
@vary_on_headers("HX-Request")
def disclosure_list(request):
    filters = selectors.DisclosureFilters.from_params(request.GET)
    rows = selectors.disclosure_list(request.user, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [
        {"item": item, "ends_no_earlier_than": _ends_no_earlier_than(item)}
        for item in page.object_list
    ]
    context = {
        "filters": filters,
        "page": page,
        "export_query": params_without_page(request),
    }
    if is_htmx(request):
        return render(request, "dialogues/partials/disclosure_results.html", context)
    context.update(
        units=unit_options(request, filters.unit),
        categories=DisclosureCategory.choices,
        channels=DisclosureChannel.choices,
        can_add=writable_units(request.user).exists(),
    )
    return render(request, "dialogues/disclosure_list.html", context)


@login_required
def disclosure_export(request):
    filters = selectors.DisclosureFilters.from_params(request.GET)
    rows = selectors.disclosure_list(request.user, filters)
    sheet = Sheet(
        title=_("Disclosure register"),
        headers=[
            _("Unit"),
            _("What was disclosed"),
            _("Category"),
            _("Channel"),
            _("Where"),
            _("Posted from"),
            _("Posted to"),
            _("Days posted"),
            _("Minimum days"),
            _("Shorter than the minimum"),
            _("Rule"),
            _("Note"),
        ],
        rows=(
            [
                item.unit.name,
                item.title,
                item.get_category_display(),
                item.get_channel_display(),
                item.location,
                item.posted_from,
                item.posted_to,
                item.days_posted,
                item.required_days,
                _("Yes") if item.is_violation else "",
                item.rule_citation,
                item.note,
            ]
            for item in rows.iterator(chunk_size=2000)
        ),
        widths=[30, 50, 35, 30, 30, 12, 12, 10, 10, 12, 60, 40],
    )
    today = timezone.localdate()
    return workbook_response(f"disclosures-{today:%Y%m%d}.xlsx", [sheet])


def _save(request, form, *, unit, item=None):
    data = dict(form.cleaned_data)
    data.pop("unit", None)
    try:
        saved = services.save_disclosure(actor=request.user, unit=unit, data=data, item=item)
    except ValidationError as exc:
        add_form_errors(form, exc)
        return None
    if saved.is_violation:
        messages.warning(
            request,
            _("Saved. It was posted for %(days)s days, at least %(min)s are required.")
            % {"days": saved.days_posted, "min": saved.required_days},
        )
    else:
        messages.success(request, _("Saved “%(t)s”.") % {"t": saved.title})
    return saved


@login_required
def disclosure_new(request):
    units = list(writable_units(request.user))
    if not units:
        raise PermissionDenied
    form = DisclosureForm(
        request.POST or None,
        units=writable_units(request.user),
        unit=default_unit(units, request.working_unit),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, unit=form.cleaned_data["unit"])
        if saved is not None:
            return redirect(saved)
    return render(request, "dialogues/disclosure_form.html", {"form": form})


def _visible(request, pk: int) -> DisclosureItem:
    return get_object_for(
        request.user,
        DisclosureItem.objects.select_related("unit", "created_by"),
        perm=VIEW,
        pk=pk,
    )


@login_required
def disclosure_edit(request, pk: int):
    item = _visible(request, pk)
    if not request.user.has_perm(CHANGE, item):
        raise PermissionDenied
    initial = {name: getattr(item, name) for name in services.DISCLOSURE_FIELDS}
    form = DisclosureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, unit=item.unit, item=item)
        if saved is not None:
            return redirect(saved)
    return render(request, "dialogues/disclosure_form.html", {"form": form, "item": item})


@login_required
def disclosure_detail(request, pk: int):
    item = _visible(request, pk)
    context = {
        "item": item,
        "verdict": services.disclosure_verdict(item),
        "can_change": request.user.has_perm(CHANGE, item),
    }
    return render(request, "dialogues/disclosure_detail.html", context)
