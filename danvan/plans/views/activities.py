"""Activity pages: the list (filters, chart, totals, Excel), record and edit, one activity's
page; and the activity types, which system administrators configure."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from danvan.core.access import get_object_for
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.core.xlsx import Sheet, workbook_response
from danvan.orgs.models import Unit
from danvan.orgs.selectors import membership_units
from danvan.plans import selectors, services
from danvan.plans.forms_activities import (
    ActivityFilters,
    ActivityForm,
    ActivityTypeForm,
    default_unit,
    writable_units,
)
from danvan.plans.models import Activity, ActivityType, Attachment, Plan, PlanStatus, Task
from danvan.plans.statistics import activity_statistics

VIEW = "plans.view_activity"
CHANGE = "plans.change_activity"
MANAGE_TYPES = "plans.manage_activitytype"
PAGE_SIZE = 30


# ------------------------------------------------------------------ list and export


def _evidence_count():
    return Coalesce(
        Subquery(
            Attachment.objects.filter(activity=OuterRef("pk"))
            .order_by()
            .values("activity")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _rows(filtered, filters: ActivityFilters):
    """The filtered activities with what a row shows, in a fixed number of queries."""
    return (
        filtered.select_related("unit", "activity_type", "plan__unit", "task")
        .prefetch_related(
            Prefetch("partner_units", queryset=Unit.objects.order_by("name").only("pk", "name"))
        )
        .annotate(n_evidence=_evidence_count())
        .order_by(*filters.ordering())
    )


def _unit_options(request, chosen: int | None) -> list[Unit]:
    """The user's own units, plus the unit a link filtered on when the user may see it."""
    units = list(membership_units(request.user))
    if chosen and all(u.pk != chosen for u in units):
        extra = Unit.objects.filter(pk=chosen).first()
        if extra is not None and request.user.has_perm("orgs.view_unit", extra):
            units.append(extra)
    return units


def _linked(request, filters: ActivityFilters) -> dict:
    """The plan and task a link filtered on, when the user may see them (for the chips)."""
    plan = task = None
    if filters.plan:
        plan = Plan.objects.select_related("unit").filter(pk=filters.plan).first()
        if plan is not None and not request.user.has_perm("plans.view_plan", plan):
            plan = None
    if filters.task:
        task = Task.objects.select_related("plan__unit").filter(pk=filters.task).first()
        if task is not None and not request.user.has_perm("plans.view_task", task):
            task = None
    return {"linked_plan": plan, "linked_task": task}


def _export_query(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@vary_on_headers("HX-Request")
def activity_list(request):
    filters = ActivityFilters.from_params(request.GET)
    visible = selectors.visible_activities(request.user)
    filtered = filters.apply(visible)
    page = Paginator(_rows(filtered, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    stats = activity_statistics(filtered)
    context = {
        "filters": filters,
        "page": page,
        "stats": stats,
        "chart": stats.chart(),
        "sorts": filters.sort_links(),
        "export_query": _export_query(request),
    }
    if is_htmx(request):
        return render(request, "plans/partials/activity_results.html", context)
    years = [day.year for day in visible.dates("held_on", "year", order="DESC")]
    context.update(
        _linked(request, filters),
        units=_unit_options(request, filters.unit),
        types=ActivityType.objects.order_by("position", "name"),
        years=years,
        can_add=writable_units(request.user).exists(),
    )
    return render(request, "plans/activity_list.html", context)


@login_required
def activity_list_xlsx(request):
    filters = ActivityFilters.from_params(request.GET)
    filtered = filters.apply(selectors.visible_activities(request.user))
    rows = _rows(filtered, filters)
    sheet = Sheet(
        title=_("Activities"),
        headers=[
            _("Date"),
            _("Until"),
            _("Type"),
            _("Title"),
            _("Unit"),
            _("Place"),
            _("Participants"),
            _("Number of participants"),
            _("Partner units"),
            _("Plan"),
            _("Task"),
            _("What was done"),
            _("Commitments"),
            _("Evidence files"),
        ],
        rows=(
            [
                a.held_on,
                a.ends_on,
                str(a.activity_type),
                a.title,
                a.unit.name,
                a.place,
                a.participants,
                a.participant_count,
                "; ".join(u.name for u in a.partner_units.all()),
                a.plan.reference if a.plan_id else "",
                a.task.title if a.task_id else "",
                a.description,
                a.commitments,
                a.n_evidence,
            ]
            for a in rows.iterator(chunk_size=2000)
        ),
        widths=[12, 12, 28, 45, 30, 25, 30, 12, 35, 18, 40, 60, 40, 10],
    )
    today = timezone.localdate()
    return workbook_response(f"activities-{today:%Y%m%d}.xlsx", [sheet])


# ------------------------------------------------------------------ record and edit


def _task_from_link(request) -> dict:
    """``?task=<id>`` preselects the task and its plan; ``?plan=<id>`` the plan.

    Only a task or plan the user may see, in an issued plan; anything else is ignored.
    """
    initial = {}
    # From a coverage page: "?unit=<id>&type=<code or id>" (record what a missing unit did).
    unit = request.GET.get("unit", "")
    if unit.isdigit() and any(u.pk == int(unit) for u in writable_units(request.user)):
        initial["unit"] = int(unit)
    kind = request.GET.get("type", "")
    found = ActivityType.objects.filter(
        Q(code=kind) | Q(pk=int(kind) if kind.isdigit() else None), is_active=True
    ).first()
    if found is not None:
        initial["activity_type"] = found.pk
    wanted = request.GET.get("task", "")
    if wanted.isdigit():
        task = (
            Task.objects.select_related("plan__unit")
            .filter(pk=int(wanted), plan__status=PlanStatus.ISSUED)
            .first()
        )
        if task is not None and request.user.has_perm("plans.view_task", task):
            initial.update(task=task.pk, plan=task.plan_id)
            return initial
    wanted = request.GET.get("plan", "")
    if wanted.isdigit():
        plan = Plan.objects.filter(pk=int(wanted), status=PlanStatus.ISSUED).first()
        if plan is not None and request.user.has_perm("plans.view_plan", plan):
            initial["plan"] = plan.pk
    return initial


@login_required
def activity_new(request):
    units = list(writable_units(request.user))
    if not units:
        raise PermissionDenied
    unit = default_unit(units, request.working_unit)
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        units=writable_units(request.user),
        unit=unit,
        initial=_task_from_link(request) if request.method == "GET" else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.save_activity(
                actor=request.user, unit=form.cleaned_data["unit"], **form.service_kwargs()
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Recorded the activity “%(t)s”.") % {"t": activity.title})
            return redirect(activity)
    return render(request, "plans/activity_form.html", {"form": form})


def _visible(request, pk: int) -> Activity:
    return get_object_for(
        request.user,
        Activity.objects.select_related(
            "unit", "activity_type", "plan__unit", "task", "created_by"
        ),
        perm=VIEW,
        pk=pk,
    )


@login_required
def activity_detail(request, pk: int):
    activity = _visible(request, pk)
    user = request.user
    context = {
        "activity": activity,
        "partners": list(activity.partner_units.order_by("name")),
        "evidence": list(activity.evidence.order_by("pk")),
        "can_change": user.has_perm(CHANGE, activity),
        "can_see_plan": activity.plan_id is not None
        and user.has_perm("plans.view_plan", activity.plan),
        "can_see_task": activity.task_id is not None
        and user.has_perm("plans.view_task", activity.task),
    }
    return render(request, "plans/activity_detail.html", context)


@login_required
def activity_edit(request, pk: int):
    activity = _visible(request, pk)
    if not request.user.has_perm(CHANGE, activity):
        raise PermissionDenied
    form = ActivityForm(
        request.POST or None, request.FILES or None, user=request.user, activity=activity
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_activity(
                actor=request.user, unit=activity.unit, activity=activity, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Saved the changes."))
            return redirect(activity)
    return render(request, "plans/activity_form.html", {"form": form, "activity": activity})


# ------------------------------------------------------------------ activity types


@login_required
def type_list(request):
    types = ActivityType.objects.annotate(n_activities=Count("activities")).order_by(
        "position", "name"
    )
    context = {"types": types, "can_manage": request.user.has_perm(MANAGE_TYPES)}
    return render(request, "plans/activity_type_list.html", context)


def _type_form(request, activity_type: ActivityType | None):
    if not request.user.has_perm(MANAGE_TYPES):
        raise PermissionDenied
    form = ActivityTypeForm(request.POST or None, activity_type=activity_type)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_activity_type(
                actor=request.user, data=form.cleaned_data, activity_type=activity_type
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Saved the activity type “%(t)s”.") % {"t": saved})
            return redirect(reverse("plans:activity_type_list"))
    in_use = activity_type.activities.count() if activity_type is not None else 0
    return render(
        request,
        "plans/activity_type_form.html",
        {"form": form, "activity_type": activity_type, "in_use": in_use},
    )


@login_required
def type_new(request):
    return _type_form(request, None)


@login_required
def type_edit(request, pk: int):
    activity_type = get_object_for(request.user, ActivityType.objects.all(), pk=pk)
    return _type_form(request, activity_type)
