"""Task pages: the form in a draft plan, the task page with its progress, evidence and roll-up
of the tasks implementing it, progress and cancellation; each unit's inbox and its export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from danvan.core.access import get_object_for
from danvan.core.text import search_terms
from danvan.core.viewutils import is_htmx
from danvan.core.xlsx import Sheet, workbook_response
from danvan.orgs.models import Unit, UnitKind
from danvan.orgs.scope import ALL_ROLES, scope_for
from danvan.orgs.selectors import membership_units
from danvan.plans import exports, recurrence, selectors, services
from danvan.plans.forms_tasks import (
    DEADLINE_FIELDS,
    CancelForm,
    ProgressForm,
    TaskForm,
    deadline_preview,
    error_field,
)
from danvan.plans.models import (
    OPEN_TASK_STATUSES,
    Plan,
    Recurrence,
    Task,
    TaskStatus,
)
from danvan.plans.reminders import REMIND_DAYS

VIEW_PLAN = "plans.view_plan"
CHANGE_PLAN = "plans.change_plan"
CLOSE_PLAN = "plans.close_plan"
VIEW_TASK = "plans.view_task"
REPORT_TASK = "plans.report_task"
DUE_SOON_DAYS = REMIND_DAYS  # the badge turns amber when the reminder goes out
PAGE_SIZE = 30
MISSING_SHOWN = 100  # group-lead tasks: units not yet implementing, listed up to this many
ACTIVITIES_SHOWN = 50

ROLE_LABELS = {
    "lead": gettext_lazy("Lead"),
    "coordinating": gettext_lazy("Coordinating"),
    "each": gettext_lazy("Each unit leads"),
}


def due_state(task: Task, today: dt.date) -> str:
    """ "overdue", "due_soon" (within 5 days) or "later" for an open task; "" once closed."""
    if not task.is_open or task.current_due is None:
        return ""
    if task.current_due < today:
        return "overdue"
    if task.current_due <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "later"


def due_of(task: Task, today: dt.date) -> dict[str, Any]:
    """What the deadline badge shows: the state and the days left (or overdue)."""
    days = abs((task.current_due - today).days) if task.current_due else None
    return {"state": due_state(task, today), "days": days}


def _show_errors(form, exc: ValidationError, data: Mapping[str, Any] | None = None) -> None:
    """A service's errors beside their fields (or above the form), the fields marked."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            name = error_field(field, data or {})
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
    form._style()


def _task(request, pk: int) -> Task:
    return get_object_for(
        request.user,
        Task.objects.select_related(
            "plan", "plan__unit", "lead_unit", "assignee", "parent_task", "parent_task__plan"
        ),
        perm=VIEW_TASK,
        pk=pk,
    )


# ------------------------------------------------------------------ the task form


def _task_form(request, plan: Plan, task: Task | None = None):
    if request.method == "GET" and request.GET.get("preview"):
        form = TaskForm(request.GET, plan=plan)
        form.is_valid()
        return render(
            request,
            "plans/partials/task_deadline_preview.html",
            {"preview": deadline_preview(form.deadline_values(), plan)},
        )
    if request.method == "GET" and request.GET.get("assignees"):
        form = TaskForm(request.GET, plan=plan)  # its assignees are the chosen lead's people
        return render(request, "plans/partials/task_assignee.html", {"form": form})
    form = TaskForm(request.POST or None, plan=plan, task=task)
    preview = None
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
        preview = deadline_preview(form.deadline_values(), plan)
        if valid:
            try:
                saved = services.save_task(
                    actor=request.user,
                    plan=plan,
                    data=form.service_data(),
                    coordinating_units=form.cleaned_data["coordinating_units"],
                    task=task,
                )
            except ValidationError as exc:
                _show_errors(form, exc, request.POST)
            else:
                if task is None:
                    messages.success(request, _("Added the task “%(t)s”.") % {"t": saved.title})
                else:
                    messages.success(request, _("Saved the changes."))
                if request.POST.get("another"):
                    return redirect("plans:task_new", pk=plan.pk)
                return redirect(saved)
        status = 400
    elif task is not None:
        preview = deadline_preview(form.deadline_values(), plan)
    context = {
        "form": form,
        "plan": plan,
        "task": task,
        "preview": preview,
        "shown_for": _shown_for(),
        "current": form.recurrence_value(),
    }
    return render(request, "plans/task_form.html", context, status=status)


def _shown_for() -> dict[str, str]:
    """Each deadline field → the kinds of deadline it belongs to ("yearly quarterly …")."""
    out: dict[str, list[str]] = {}
    for freq, names in DEADLINE_FIELDS.items():
        for name in names:
            out.setdefault(name, []).append(str(freq))
    return {name: " ".join(freqs) for name, freqs in out.items()}


def _draft_plan(request, pk: int) -> Plan:
    plan = get_object_for(request.user, Plan.objects.select_related("unit"), perm=VIEW_PLAN, pk=pk)
    if not request.user.has_perm(CHANGE_PLAN, plan):
        raise PermissionDenied
    return plan


@login_required
@vary_on_headers("HX-Request")
def task_new(request, pk: int):
    return _task_form(request, _draft_plan(request, pk))


@login_required
@vary_on_headers("HX-Request")
def task_edit(request, pk: int):
    task = _task(request, pk)
    if not request.user.has_perm(CHANGE_PLAN, task.plan):
        raise PermissionDenied
    return _task_form(request, task.plan, task)


@login_required
@require_POST
def task_delete(request, pk: int):
    task = _task(request, pk)
    if not request.user.has_perm(CHANGE_PLAN, task.plan):
        raise PermissionDenied
    services.delete_task(actor=request.user, task=task)
    messages.success(request, _("Deleted the task “%(t)s”.") % {"t": task.title})
    return redirect(reverse("plans:plan_detail", args=[task.plan_id]) + "#tasks")


# ------------------------------------------------------------------ the task page


def _implementing(request, task: Task) -> dict[str, Any]:
    """The tasks implementing ``task`` in the plans below, and (for a task each unit of some
    kinds leads) the units of those kinds that have not started one. Bounded queries."""
    children = list(
        task.children.select_related("plan", "plan__unit", "lead_unit").order_by(
            "plan__unit__path", "pk"
        )
    )
    visible = set(
        selectors.visible_plans(request.user)
        .filter(pk__in={c.plan_id for c in children})
        .values_list("pk", flat=True)
    )
    today = timezone.localdate()
    rows = [
        {
            "task": child,
            "unit": child.plan.unit,
            "can_see_plan": child.plan_id in visible,
            "due": due_of(child, today),
        }
        for child in children
    ]
    missing = None
    kinds = task.lead_kind_list
    if kinds:
        started = {c.plan.unit_id for c in children if c.status != TaskStatus.CANCELLED}
        started |= {c.lead_unit_id for c in children if c.lead_unit_id}
        units = (
            Unit.objects.current()
            .filter(path__startswith=task.plan.unit.path, kind__in=kinds)
            .exclude(pk=task.plan.unit_id)
            .exclude(pk__in=started)
            .order_by("path")
        )
        missing = {"count": units.count(), "units": list(units[:MISSING_SHOWN])}
    return {"children": rows, "missing": missing}


def _detail_context(
    request,
    task: Task,
    *,
    progress_form: ProgressForm | None = None,
    cancel_form: CancelForm | None = None,
) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    plan = task.plan
    can_report = user.has_perm(REPORT_TASK, task)
    can_cancel = not plan.is_draft and task.is_open and user.has_perm(CLOSE_PLAN, plan)
    if progress_form is None and can_report:
        progress_form = ProgressForm(task=task)
    if cancel_form is None and can_cancel:
        cancel_form = CancelForm(prefix="cancel")
    rollup = selectors.rollups([task])[task.pk]
    implementing = _implementing(request, task) if rollup.children or task.lead_kinds else {}
    updates = list(
        task.updates.select_related("created_by")
        .prefetch_related("evidence")
        .order_by("-reported_on", "-pk")
    )
    activities = list(
        selectors.visible_activities(user)
        .filter(task=task)
        .select_related("unit", "activity_type")
        .order_by("-held_on", "-pk")[:ACTIVITIES_SHOWN]
    )
    parent_visible = task.parent_task_id is not None and user.has_perm(
        VIEW_PLAN, task.parent_task.plan
    )
    working = request.working_unit
    return {
        "task": task,
        "plan": plan,
        "today": today,
        "describe": recurrence.describe(recurrence.Rule.of(task)),
        "due": due_of(task, today),
        "lead_kind_labels": [UnitKind(k).label for k in task.lead_kind_list if k in UnitKind],
        "coordinating": list(task.coordinating_units.all()),
        "rollup": rollup,
        "children": implementing.get("children", []),
        "missing": implementing.get("missing"),
        "updates": updates,
        "activities": activities,
        "parent_visible": parent_visible,
        "can_change": user.has_perm(CHANGE_PLAN, plan),
        "can_report": can_report,
        "can_cancel": can_cancel,
        "can_add_activity": bool(working) and user.has_perm("plans.add_activity", working),
        "progress_form": progress_form,
        "cancel_form": cancel_form,
    }


@login_required
def task_detail(request, pk: int):
    task = _task(request, pk)
    return render(request, "plans/task_detail.html", _detail_context(request, task))


@login_required
def task_progress(request, pk: int):
    task = _task(request, pk)
    if not request.user.has_perm(REPORT_TASK, task):
        raise PermissionDenied
    form = ProgressForm(request.POST or None, request.FILES or None, task=task)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.record_progress(
                    actor=request.user,
                    task=task,
                    data=form.service_data(),
                    files=form.cleaned_data["files"],
                )
            except ValidationError as exc:
                _show_errors(form, exc)
            else:
                messages.success(request, _("Progress recorded."))
                return redirect(reverse("plans:task_detail", args=[task.pk]) + "#progress")
        status = 400
    context = {
        "task": task,
        "plan": task.plan,
        "form": form,
        "describe": recurrence.describe(recurrence.Rule.of(task)),
        "due": due_of(task, timezone.localdate()),
    }
    return render(request, "plans/task_progress.html", context, status=status)


@login_required
@require_POST
def task_cancel(request, pk: int):
    task = _task(request, pk)
    # A draft plan's task is deleted, not cancelled.
    if task.plan.is_draft or not request.user.has_perm(CLOSE_PLAN, task.plan):
        raise PermissionDenied
    form = CancelForm(request.POST, prefix="cancel")
    if form.is_valid():
        try:
            services.cancel_task(actor=request.user, task=task, reason=form.cleaned_data["text"])
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("The task is cancelled."))
            return redirect(task)
    context = _detail_context(request, task, cancel_form=form)
    return render(request, "plans/task_detail.html", context, status=400)


# ------------------------------------------------------------------------ inbox

INBOX_STATUSES = {
    "open": gettext_lazy("Open"),
    "overdue": gettext_lazy("Overdue"),
    "due_soon": gettext_lazy("Due within 5 days"),
    "done": gettext_lazy("Done"),
    "cancelled": gettext_lazy("Cancelled"),
    "all": gettext_lazy("All"),
}


@dataclass(frozen=True)
class InboxFilters:
    role: str = ""
    status: str = "open"
    recurrence: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> InboxFilters:
        def choice(key: str, allowed) -> str:
            value = str(params.get(key, ""))
            return value if value in allowed else ""

        return cls(
            role=choice("role", ROLE_LABELS),
            status=choice("status", INBOX_STATUSES) or "open",
            recurrence=choice("recurrence", [*Recurrence.values, "recurring"]),
            q=str(params.get("q", "")).strip()[:100],
        )

    @property
    def active(self) -> bool:
        return any([self.role, self.status != "open", self.recurrence, self.q])


def inbox_rows(unit: Unit, filters: InboxFilters, *, today: dt.date):
    """The unit's tasks, filtered; open overdue ones first, then open ones by deadline."""
    qs = selectors.inbox(unit, today=today)
    if filters.role == "lead":
        qs = qs.filter(lead_unit=unit)
    elif filters.role == "each":
        qs = qs.filter(lead_kinds__contains=unit.kind).exclude(lead_unit=unit)
    elif filters.role == "coordinating":
        qs = (
            qs.filter(coordinating_units=unit)
            .exclude(lead_unit=unit)
            .exclude(lead_kinds__contains=unit.kind)
        )
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    if filters.status == "open":
        qs = qs.filter(status__in=OPEN_TASK_STATUSES)
    elif filters.status == "overdue":
        qs = qs.filter(status__in=OPEN_TASK_STATUSES, current_due__lt=today)
    elif filters.status == "due_soon":
        qs = qs.filter(status__in=OPEN_TASK_STATUSES, current_due__gte=today, current_due__lte=soon)
    elif filters.status == "done":
        qs = qs.filter(status=TaskStatus.DONE)
    elif filters.status == "cancelled":
        qs = qs.filter(status=TaskStatus.CANCELLED)
    if filters.recurrence == "recurring":
        qs = qs.exclude(recurrence=Recurrence.ONCE)
    elif filters.recurrence:
        qs = qs.filter(recurrence=filters.recurrence)
    for term in search_terms(filters.q):
        qs = qs.filter(Q(search_text__contains=term) | Q(plan__search_text__contains=term))
    return qs.annotate(
        rank=Case(
            When(status__in=OPEN_TASK_STATUSES, current_due__lt=today, then=Value(0)),
            When(status__in=OPEN_TASK_STATUSES, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("rank", F("current_due").asc(nulls_last=True), "plan__issued_on", "position", "pk")


def inbox_counts(unit: Unit, *, today: dt.date) -> dict[str, int]:
    """Open, overdue and due-soon tasks of the unit, in one query."""
    open_q = Q(status__in=OPEN_TASK_STATUSES)
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    return (
        selectors.inbox(unit, today=today)
        .order_by()
        .aggregate(
            open=Count("pk", filter=open_q),
            overdue=Count("pk", filter=open_q & Q(current_due__lt=today)),
            due_soon=Count("pk", filter=open_q & Q(current_due__gte=today, current_due__lte=soon)),
        )
    )


def _implementations(unit: Unit, tasks: list[Task]) -> dict[int, Task]:
    """For each task, the unit's own task implementing it (in one of its plans), if any."""
    found = (
        Task.objects.filter(parent_task__in=[t.pk for t in tasks], plan__unit=unit)
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("plan", "plan__unit")
        .order_by("pk")
    )
    return {t.parent_task_id: t for t in found}


def _inbox_unit(request) -> Unit | None:
    """The unit whose inbox is shown: ``?unit=`` when the user sees it, else the working unit."""
    wanted = str(request.GET.get("unit", "")).strip()
    if wanted:
        if not wanted.isdigit():
            raise Http404
        unit = Unit.objects.filter(pk=int(wanted)).first()
        if unit is None or not scope_for(request.user).covers(unit, ALL_ROLES):
            raise Http404
        return unit
    working = request.working_unit
    if not working:
        return None
    return next((u for u in membership_units(request.user) if u.pk == working.pk), None)


def _unit_options(request, unit: Unit | None) -> list[tuple[str, list[Unit]]]:
    """The switcher: the user's own units, the one shown, and the units right under them."""
    own = list(membership_units(request.user))
    tops = own + ([unit] if unit is not None and unit not in own else [])
    groups = [(_("My units"), own)]
    if unit is not None and unit not in own:
        groups.append((_("Shown"), [unit]))
    if tops:
        below = Q()
        for top in tops:
            below |= Q(path__startswith=top.path, depth=top.depth + 1)
        listed = {u.pk for u in tops}
        under = [
            u
            for u in Unit.objects.current().filter(below).order_by("depth", "kind", "name")
            if u.pk not in listed
        ]
        if under:
            groups.append((_("Units under them"), under))
    return groups


@login_required
@vary_on_headers("HX-Request")
def inbox(request):
    today = timezone.localdate()
    unit = _inbox_unit(request)
    filters = InboxFilters.from_params(request.GET)
    context: dict[str, Any] = {"unit": unit, "filters": filters, "today": today}
    if unit is not None:
        page = Paginator(inbox_rows(unit, filters, today=today), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        tasks = list(page.object_list)
        mine = _implementations(unit, tasks)
        roles = {t.pk: selectors.role_of(t, unit) for t in tasks}
        page.object_list = [
            {
                "task": t,
                "role": roles[t.pk],
                "role_label": ROLE_LABELS[roles[t.pk]],
                "due": due_of(t, today),
                "describe": recurrence.describe(recurrence.Rule.of(t)),
                "mine": mine.get(t.pk),
            }
            for t in tasks
        ]
        params = request.GET.copy()
        params.pop("page", None)
        params["unit"] = unit.pk
        context.update(page=page, export_query=params.urlencode())
    if is_htmx(request):
        return render(request, "plans/partials/inbox_results.html", context)
    if unit is not None:
        context["counts"] = inbox_counts(unit, today=today)
    context.update(
        units=_unit_options(request, unit),
        roles=list(ROLE_LABELS.items()),
        statuses=list(INBOX_STATUSES.items()),
        recurrences=[*Recurrence.choices, ("recurring", _("Any repeating deadline"))],
    )
    return render(request, "plans/inbox.html", context)


@login_required
def inbox_xlsx(request):
    """The inbox as filtered, all pages, as an Excel sheet (the columns of the plan's tasks
    sheet, with the plan first, then the unit's role, the issuing unit and the assignee)."""
    today = timezone.localdate()
    unit = _inbox_unit(request)
    if unit is None:
        raise Http404
    filters = InboxFilters.from_params(request.GET)
    tasks = list(inbox_rows(unit, filters, today=today).prefetch_related("coordinating_units"))
    rows = (
        [*row, str(ROLE_LABELS[selectors.role_of(task, unit)]), task.plan.unit.name, assignee]
        for task, row, assignee in zip(
            tasks,
            exports.task_rows(tasks, selectors.rollups(tasks), today, with_plan=True),
            (str(t.assignee) if t.assignee_id else "" for t in tasks),
            strict=True,
        )
    )
    sheet = Sheet(
        title=_("Tasks"),
        caption=_("Tasks of %(unit)s on %(d)s") % {"unit": unit.name, "d": f"{today:%d/%m/%Y}"},
        headers=[
            *exports.task_headers(with_plan=True),
            _("Role"),
            _("Issued by"),
            _("Assigned to"),
        ],
        rows=rows,
        widths=[16, *exports.TASK_WIDTHS, 16, 30, 22],
    )
    return workbook_response(f"tasks-{today:%Y%m%d}.xlsx", [sheet])
