"""Citizen reception: the register (sổ tiếp công dân), the leaders' schedules, compliance.

Thin views: parse (``reception_forms``), check the permission, call ``reception_services``,
render. Anything outside the user's units answers 404. A citizen's name is shown in lists and
exports only when ``reception_services.name_is_listable``; on a reception's page through
``reception_services.identity_access`` (a sealed letter's identity is read, and logged, on
request).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from danvan.core.access import get_object_for
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.core.xlsx import Sheet, workbook_response
from danvan.orgs.models import TERRITORIAL_KINDS, Unit
from danvan.orgs.scope import ALL_ROLES, WRITE_ROLES, scope_for
from danvan.orgs.selectors import membership_units
from danvan.petitions import reception_compliance as compliance
from danvan.petitions import reception_services as services
from danvan.petitions import selectors
from danvan.petitions.models import (
    Reception,
    ReceptionClass,
    ReceptionFrequency,
    ReceptionKind,
    ReceptionOutcome,
    ReceptionSchedule,
)
from danvan.petitions.reception_forms import (
    ReceptionFilters,
    ReceptionForm,
    ScheduleForm,
    parse_month,
)

PAGE_SIZE = 30
EXPORT_LIMIT = 20000
MAX_MONTHS = 24
VIEW = "petitions.view_reception"
CHANGE = "petitions.change_reception"
SORT_FIELDS = {
    "date": ("received_on", "pk"),
    "unit": ("unit__path", "received_on", "pk"),
    "count": ("citizen_count", "received_on", "pk"),
}


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _writable_units(request):
    """Current units the user may write for: under the working unit, else anywhere in scope."""
    scope = scope_for(request.user)
    if not scope.prefixes(WRITE_ROLES) and not scope.is_global:
        return Unit.objects.none()
    writable = Unit.objects.current().filter(scope.q("path", WRITE_ROLES)).order_by("path")
    working = request.working_unit
    if working:
        under = writable.filter(path__startswith=working.path)
        if under.exists():
            return under
    return writable


def _default_unit(request, units) -> Unit | None:
    working = request.working_unit
    if working and any(u.pk == working.pk for u in units):
        return working
    return units[0] if units else None


def _unit_options(request) -> list[Unit]:
    """Units offered by the filters: the user's own, and the territorial units under the
    working unit (a province's communes)."""
    units = list(membership_units(request.user))
    working = request.working_unit
    if working:
        seen = {u.pk for u in units}
        units += [
            u
            for u in Unit.objects.filter(
                path__startswith=working.path, kind__in=list(TERRITORIAL_KINDS)
            )
            .exclude(pk=working.pk)
            .current()
            .order_by("path")[:500]
            if u.pk not in seen
        ]
    return units


def _sorts(current: str) -> dict:
    sorts = {}
    for key in SORT_FIELDS:
        if current == key:
            sorts[key] = {"next": f"-{key}", "arrow": "up"}
        elif current == f"-{key}":
            sorts[key] = {"next": key, "arrow": "down"}
        else:
            sorts[key] = {"next": key, "arrow": ""}
    return sorts


# ------------------------------------------------------------------ the register


def _filtered(user, filters: ReceptionFilters):
    rows = selectors.visible_receptions(user).select_related("unit", "letter")
    if filters.unit:
        unit = Unit.objects.filter(pk=filters.unit).first()
        rows = rows.filter(unit__path__startswith=unit.path) if unit else rows.none()
    if filters.date_from:
        rows = rows.filter(received_on__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(received_on__lte=filters.date_to)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.classification:
        rows = rows.filter(classification=filters.classification)
    if filters.outcome:
        rows = rows.filter(outcome=filters.outcome)
    rows = rows.search(filters.q)
    key = filters.sort.lstrip("-")
    fields = SORT_FIELDS.get(key, SORT_FIELDS["date"])
    if filters.sort.startswith("-"):
        fields = tuple(f"-{f}" for f in fields)
    return rows.order_by(*fields)


def _listed(receptions) -> list[Reception]:
    for reception in receptions:
        reception.listed_name = (
            reception.citizen_name if services.name_is_listable(reception) else None
        )
    return receptions


@login_required
@vary_on_headers("HX-Request")
def reception_list(request):
    filters = ReceptionFilters.from_params(request.GET)
    page = Paginator(_filtered(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    _listed(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "sorts": _sorts(filters.sort),
        "export_query": params.urlencode(),
        "can_add": _writable_units(request).exists(),
    }
    if is_htmx(request):
        return render(request, "petitions/partials/reception_results.html", context)
    context.update(
        units=_unit_options(request),
        kinds=ReceptionKind.choices,
        classes=ReceptionClass.choices,
        outcomes=ReceptionOutcome.choices,
    )
    return render(request, "petitions/reception_list.html", context)


@login_required
def reception_export(request):
    filters = ReceptionFilters.from_params(request.GET)
    rows = _filtered(request.user, filters)[:EXPORT_LIMIT]
    secret = _("(kept secret)")

    def lines():
        for r in rows.iterator(chunk_size=1000):
            listable = services.name_is_listable(r)
            yield [
                r.received_on,
                r.unit.name,
                r.get_kind_display(),
                r.official_name,
                r.official_title,
                (r.citizen_name if listable else secret),
                (r.citizen_address if listable else secret),
                r.citizen_count,
                r.content,
                r.get_classification_display(),
                r.get_outcome_display(),
                r.letter.code if r.letter else "",
            ]

    sheet = Sheet(
        title=_("Citizen reception"),
        caption=_("Register of citizen reception"),
        headers=[
            _("Date"),
            _("Unit"),
            _("Kind"),
            _("Receiving official"),
            _("Title"),
            _("Citizen"),
            _("Address"),
            _("Number of citizens"),
            _("Content"),
            _("Classification"),
            _("Outcome"),
            _("Letter"),
        ],
        rows=lines(),
        widths=[12, 28, 22, 24, 20, 24, 28, 10, 60, 16, 22, 14],
    )
    today = timezone.localdate()
    return workbook_response(f"tiep-cong-dan-{today:%Y%m%d}.xlsx", [sheet])


def _visible(request, pk: int) -> Reception:
    return get_object_for(
        request.user, Reception.objects.select_related("unit", "letter"), perm=VIEW, pk=pk
    )


@login_required
def reception_detail(request, pk: int):
    reception = _visible(request, pk)
    access = services.identity_access(request.user, reception)
    identity = None
    if access == services.Visibility.OPEN:
        identity = {name: getattr(reception, name) for name in services.IDENTITY}
    elif access == services.Visibility.LOGGED and request.method == "POST":
        identity = services.read_reception_identity(
            user=request.user, reception=reception, ip_address=_client_ip(request)
        )
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "reception": reception,
        "access": access,
        "identity": identity,
        "can_change": request.user.has_perm(CHANGE, reception),
    }
    if is_htmx(request) and request.method == "POST":
        return render(request, "petitions/partials/reception_identity.html", context)
    return render(request, "petitions/reception_detail.html", context)


def _save_reception(request, form: ReceptionForm, save) -> Reception | None:
    try:
        reception = save()
    except ValidationError as exc:
        add_form_errors(form, exc)
        form._style()
        return None
    if reception.letter_id and form.cleaned_data.get("make_letter"):
        messages.success(
            request,
            _("Recorded the reception and letter %(code)s.") % {"code": reception.letter.code},
        )
    else:
        messages.success(request, _("Saved the reception."))
    return reception


@login_required
def reception_new(request):
    units = list(_writable_units(request))
    if not units:
        raise PermissionDenied
    default = _default_unit(request, units)
    form = ReceptionForm(
        request.POST or None,
        units=Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path"),
        initial={
            "unit": default.pk if default else None,
            "received_on": timezone.localdate(),
            "kind": ReceptionKind.REGULAR,
            "citizen_count": 1,
            "official_name": request.user.full_name or request.user.get_full_name(),
            "official_title": getattr(request.user, "job_title", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reception = _save_reception(
            request,
            form,
            lambda: services.record_reception(
                actor=request.user,
                unit=data["unit"],
                data=form.reception_data(),
                make_letter=data.get("make_letter", False),
                seal_identity=data.get("seal_identity", False),
            ),
        )
        if reception is not None:
            return redirect(reception)
    return render(request, "petitions/reception_form.html", {"form": form, "reception": None})


@login_required
def reception_edit(request, pk: int):
    reception = _visible(request, pk)
    if not request.user.has_perm(CHANGE, reception):
        raise PermissionDenied
    show_identity = services.identity_access(request.user, reception) == services.Visibility.OPEN
    form = ReceptionForm(
        request.POST or None,
        reception=reception,
        show_identity=show_identity,
        initial=ReceptionForm.initial_for(reception),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save_reception(
            request,
            form,
            lambda: services.update_reception(
                actor=request.user,
                reception=reception,
                data=form.reception_data(),
                make_letter=data.get("make_letter", False),
                seal_identity=data.get("seal_identity", False),
            ),
        )
        if saved is not None:
            return redirect(saved)
    return render(
        request,
        "petitions/reception_form.html",
        {"form": form, "reception": reception, "show_identity": show_identity},
    )


# ------------------------------------------------------------------ schedules


@login_required
@vary_on_headers("HX-Request")
def schedule_list(request):
    unit_id = request.GET.get("unit", "")
    show = request.GET.get("show", "current")
    rows = selectors.visible_schedules(request.user).select_related("unit")
    chosen = None
    if unit_id.isdigit():
        chosen = Unit.objects.filter(pk=int(unit_id)).first()
        rows = rows.filter(unit__path__startswith=chosen.path) if chosen else rows.none()
    today = timezone.localdate()
    if show != "all":
        show = "current"
        rows = rows.filter(valid_from__lte=today).exclude(valid_to__lt=today)
    page = Paginator(rows.order_by("unit__path", "-valid_from", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for schedule in page.object_list:
        schedule.editable = request.user.has_perm("petitions.change_receptionschedule", schedule)
        schedule.is_current = schedule.valid_from <= today and (
            schedule.valid_to is None or schedule.valid_to >= today
        )
    context = {
        "page": page,
        "chosen": chosen,
        "show": show,
        "can_add": _writable_units(request).exists(),
    }
    if is_htmx(request):
        return render(request, "petitions/partials/reception_schedule_rows.html", context)
    context["units"] = _unit_options(request)
    return render(request, "petitions/schedule_list.html", context)


def _save_schedule(request, form: ScheduleForm, save) -> ReceptionSchedule | None:
    try:
        schedule = save()
    except ValidationError as exc:
        add_form_errors(form, exc)
        form._style()
        return None
    messages.success(
        request, _("Saved the reception schedule of %(unit)s.") % {"unit": schedule.unit.name}
    )
    return schedule


@login_required
def schedule_new(request):
    units = list(_writable_units(request))
    if not units:
        raise PermissionDenied
    default = _default_unit(request, units)
    requirement = compliance.REQUIREMENTS.get(default.kind) if default else None
    form = ScheduleForm(
        request.POST or None,
        units=Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path"),
        initial={
            "unit": default.pk if default else None,
            "frequency": requirement.frequency if requirement else ReceptionFrequency.WEEKLY,
            "valid_from": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        schedule = _save_schedule(
            request,
            form,
            lambda: services.save_schedule(
                actor=request.user, unit=form.cleaned_data["unit"], data=form.schedule_data()
            ),
        )
        if schedule is not None:
            return redirect(f"{_schedules_url()}?unit={schedule.unit_id}")
    return render(request, "petitions/schedule_form.html", {"form": form, "schedule": None})


def _schedules_url() -> str:
    return reverse("petitions:schedule_list")


@login_required
def schedule_edit(request, pk: int):
    schedule = get_object_for(
        request.user,
        ReceptionSchedule.objects.select_related("unit"),
        perm="petitions.view_receptionschedule",
        pk=pk,
    )
    if not request.user.has_perm("petitions.change_receptionschedule", schedule):
        raise PermissionDenied
    form = ScheduleForm(request.POST or None, initial=ScheduleForm.initial_for(schedule))
    if request.method == "POST" and form.is_valid():
        saved = _save_schedule(
            request,
            form,
            lambda: services.save_schedule(
                actor=request.user,
                unit=schedule.unit,
                data=form.schedule_data(),
                schedule=schedule,
            ),
        )
        if saved is not None:
            return redirect(f"{_schedules_url()}?unit={saved.unit_id}")
    return render(request, "petitions/schedule_form.html", {"form": form, "schedule": schedule})


# ------------------------------------------------------------------ compliance


def _compliance_root(request) -> Unit:
    wanted = request.GET.get("unit", "")
    if wanted:
        return get_object_for(request.user, Unit.objects.all(), perm=VIEW, pk=wanted)
    units = membership_units(request.user)
    if units:
        return units[0]
    if scope_for(request.user).is_global:
        root = Unit.objects.filter(depth=1).current().order_by("name").first()
        if root is not None:
            return root
    raise PermissionDenied


def _period(request) -> tuple[dt.date, dt.date, list[str]]:
    errors = []
    default_start, default_end = compliance.last_full_months(timezone.localdate())
    start = parse_month(request.GET.get("from")) or default_start
    end_month = parse_month(request.GET.get("to"))
    end = compliance.month_end(end_month) if end_month else default_end
    if request.GET.get("from") and parse_month(request.GET.get("from")) is None:
        errors.append(_("The first month is not a month (yyyy-mm)."))
    if request.GET.get("to") and end_month is None:
        errors.append(_("The last month is not a month (yyyy-mm)."))
    if end < start:
        errors.append(_("The last month is before the first: the last 3 full months are shown."))
        start, end = default_start, default_end
    elif (end.year - start.year) * 12 + end.month - start.month + 1 > MAX_MONTHS:
        errors.append(
            _("At most %(n)s months at a time: the period was shortened.") % {"n": MAX_MONTHS}
        )
        start = compliance.add_months(end.replace(day=1), 1 - MAX_MONTHS)
    return start, end, errors


def _trail(user, root: Unit) -> list[Unit]:
    scope = scope_for(user)
    ancestors = [u for u in Unit.objects.get_ancestors(root) if scope.covers(u, ALL_ROLES)]
    return [*ancestors, root]


@login_required
def reception_compliance(request):
    root = _compliance_root(request)
    start, end, errors = _period(request)
    report = compliance.compute(root, start, end)
    charts = [
        {
            "labels_id": f"bands-{index}-labels",
            "values_id": f"bands-{index}-values",
            "labels": [label for label, _n in group.bands()],
            "values": [n for _label, n in group.bands()],
        }
        for index, group in enumerate(report.groups)
    ]
    context = {
        "report": report,
        "root": root,
        "trail": _trail(request.user, root),
        "start": start,
        "end": end,
        "period_from": f"{start:%Y-%m}",
        "period_to": f"{end:%Y-%m}",
        "errors": errors,
        "groups": list(zip(report.groups, charts, strict=True)),
        "requirements": list(compliance.REQUIREMENTS.values()),
        "leader_kind": ReceptionKind.LEADER,
    }
    return render(request, "petitions/reception_compliance.html", context)
