"""One plan: its page (chain, children, basis, sections, tasks, coverage), issuing and closing
it, building a unit's implementing plan from it (cascade), and its Word and Excel output."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from danvan.core.access import get_object_for
from danvan.core.documents import docx_response
from danvan.core.forms import BootstrapMixin
from danvan.core.viewutils import add_form_errors
from danvan.core.xlsx import workbook_response
from danvan.orgs.models import Unit, UnitKind
from danvan.orgs.scope import WRITE_ROLES, scope_for
from danvan.plans import selectors, services
from danvan.plans.documents import plan_docx, plan_filename
from danvan.plans.exports import (
    coordinating_text,
    deadline_text,
    lead_text,
    plan_tasks,
    tasks_filename,
    tasks_sheet,
)
from danvan.plans.models import (
    DOCUMENT_TYPE_NAMES,
    PLAN_KIND_DOCUMENT_TYPES,
    Plan,
    PlanStatus,
    Task,
    TaskStatus,
)

VIEW = "plans.view_plan"


def _visible(request, pk: int) -> Plan:
    return get_object_for(
        request.user,
        Plan.objects.select_related("unit", "parent", "created_by", "issued_by"),
        perm=VIEW,
        pk=pk,
    )


def _working_unit(request) -> Unit | None:
    # The lazy object wraps None for a user without units: ``or`` unwraps that case.
    return getattr(request, "working_unit", None) or None


# ------------------------------------------------------------------- who may cascade


def cascade_units(user, plan: Plan, working: Unit | None = None):
    """Units in force the user writes for and may build an implementing plan of ``plan`` for.

    Those the plan applies to: a unit its tasks name (as lead or coordinator), or one of
    the user's own units (or the working unit) below the issuing unit. Not the issuing
    unit itself, and nothing for a draft.
    """
    if plan.is_draft:
        return Unit.objects.none()
    scope = scope_for(user)
    named = Q(pk__in=Task.objects.filter(plan=plan, lead_unit__isnull=False).values("lead_unit"))
    named |= Q(
        pk__in=Task.coordinating_units.through.objects.filter(task__plan=plan).values("unit_id")
    )
    own = Q(path__in=scope.prefixes(WRITE_ROLES))
    if working is not None:
        own |= Q(pk=working.pk)
    below = own & Q(path__startswith=plan.unit.path)
    return (
        Unit.objects.current()
        .filter(scope.q("path", WRITE_ROLES))
        .filter(named | below)
        .exclude(pk=plan.unit_id)
        .order_by("path")
    )


# ---------------------------------------------------------------------------- the page


def _chain(user, plan: Plan, bases: list) -> dict:
    """Legal documents the top plan cites, then each ancestor plan (top first), then the plan.

    ``bases`` are the plan's own, used when the plan is the top of its chain.
    """
    ancestors = selectors.chain(plan)
    if ancestors:
        bases = list(ancestors[0].bases.select_related("document"))
    return {
        "documents": [basis.document for basis in bases],
        "ancestors": [{"plan": p, "can_view": user.has_perm(VIEW, p)} for p in ancestors],
    }


def _children(user, plan: Plan):
    """Plans implementing this one that the user may see, with their tasks' progress."""
    live = ~Q(tasks__status=TaskStatus.CANCELLED)
    return (
        selectors.visible_plans(user)
        .filter(parent=plan)
        .select_related("unit")
        .annotate(
            n_tasks=Count("tasks", filter=live),
            n_done=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
            mean_progress=Avg("tasks__progress", filter=live),
        )
        .order_by("unit__path", "-issued_on", "pk")
    )


def section_blocks(section) -> list[dict]:
    """A section's paragraphs as blocks: {"text": …} or {"bullets": […]} for "- " lines."""
    blocks: list[dict] = []
    for paragraph in section.paragraphs():
        for line in paragraph.split("\n"):
            text = line.strip()
            if not text:
                continue
            if text.startswith("- "):
                if not blocks or "bullets" not in blocks[-1] or blocks[-1].get("closed"):
                    blocks.append({"bullets": []})
                blocks[-1]["bullets"].append(text[2:].strip())
            elif blocks and "text" in blocks[-1] and not blocks[-1].get("closed"):
                blocks[-1]["text"] += "\n" + text
            else:
                blocks.append({"text": text})
        if blocks:
            blocks[-1]["closed"] = True  # a blank line ends the paragraph (or the list)
    return blocks


def _task_rows(plan: Plan, tasks: list[Task], today) -> list[dict]:
    """Rows of the task table; a draft's deadlines are not running yet: nothing is overdue."""
    rollups = selectors.rollups(tasks)
    return [
        {
            "task": task,
            "lead": lead_text(task),
            "coordinating": coordinating_text(task),
            "deadline": deadline_text(task),
            "overdue": not plan.is_draft and task.is_overdue(today),
            "rollup": rollups[task.pk],
        }
        for task in tasks
    ]


def _requirements(request, plan: Plan) -> list[dict]:
    """The plan's coverage requirements with the share met, over the part the user sees."""
    working = _working_unit(request)
    rows = []
    for requirement in plan.coverage_requirements.select_related("unit", "activity_type"):
        root = selectors.coverage_root(request.user, requirement, working)
        cover = (
            services.requirement_coverage(requirement, within=root, top=root)
            if root is not None
            else None
        )
        rows.append(
            {
                "requirement": requirement,
                "root": root,
                "scoped": root is not None and root.pk != requirement.unit_id,
                "total": cover.total if cover is not None else None,
            }
        )
    return rows


def _issue_checks(problems: dict[str, list[str]]) -> list[tuple[str, str, list[str]]]:
    """What issuing needs, each with the problems found (none: ready)."""
    checks = [
        ("number", _("Registry number")),
        ("issued_on", _("Issue date")),
        ("signer_name", _("Signed by")),
        ("tasks", _("Every task has a lead and a deadline that can fall")),
    ]
    known = {key for key, _label in checks}
    rows = [(key, label, problems.get(key, [])) for key, label in checks]
    rows += [(key, key, found) for key, found in problems.items() if key not in known]
    return rows


@login_required
def plan_detail(request, pk: int):
    plan = _visible(request, pk)
    user = request.user
    today = timezone.localdate()
    tasks = list(plan_tasks(plan))
    can_issue = user.has_perm("plans.issue_plan", plan)
    problems = services.issue_problems(plan) if can_issue else {}
    bases = list(plan.bases.select_related("document"))
    sections = list(plan.sections.all())
    context = {
        "plan": plan,
        "chain": _chain(user, plan, bases),
        "children": list(_children(user, plan)),
        "bases": bases,
        "sections": sections,  # the editor of a draft's sections reads these
        "section_blocks": [(section, section_blocks(section)) for section in sections],
        "rows": _task_rows(plan, tasks, today),
        "counts": selectors.task_counts(plan.tasks.all()),
        "recipient_units": list(plan.recipient_units.all()),
        "recipient_lines": [
            line.strip() for line in plan.recipients_text.splitlines() if line.strip()
        ],
        "attachments": list(plan.attachments.all()),
        "requirements": _requirements(request, plan),
        "activity_count": selectors.visible_activities(user).filter(plan=plan).count(),
        "can_change": user.has_perm("plans.change_plan", plan),
        "can_issue": can_issue,
        "issue_problems": problems,
        "issue_checks": _issue_checks(problems),
        "can_close": plan.status == PlanStatus.ISSUED and user.has_perm("plans.close_plan", plan),
        "can_cascade": cascade_units(user, plan, _working_unit(request)).exists(),
        "today": today,
    }
    return render(request, "plans/plan_detail.html", context)


# ------------------------------------------------------------------ issue and close


@login_required
@require_POST
def plan_issue(request, pk: int):
    plan = _visible(request, pk)
    try:
        plan = services.issue_plan(actor=request.user, plan=plan)
    except ValidationError as exc:
        messages.error(
            request,
            _("The plan cannot be issued yet: %(problems)s") % {"problems": " ".join(exc.messages)},
        )
    else:
        messages.success(
            request,
            _("Issued %(ref)s: its tasks are in the inboxes of their units.")
            % {"ref": plan.reference},
        )
    return redirect(plan)


@login_required
@require_POST
def plan_close(request, pk: int):
    plan = _visible(request, pk)
    try:
        plan = services.close_plan(actor=request.user, plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Closed %(ref)s.") % {"ref": plan.reference})
    return redirect(plan)


# ------------------------------------------------------------------------ cascade


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class CascadeForm(BootstrapMixin, forms.Form):
    unit = UnitField(label=gettext_lazy("Implementing unit"), queryset=Unit.objects.none())
    title = forms.CharField(label=gettext_lazy("Title"), max_length=1000)
    symbol = forms.CharField(
        label=gettext_lazy("Symbol"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "Empty: the usual symbol of the unit (KH-UBND, or KH for a party body)."
        ),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self._style()


def default_title(plan: Plan) -> str:
    """ "Thực hiện kế hoạch số 5584/KH-UBND của Ủy ban nhân dân tỉnh …" (the document's text)."""
    kind = DOCUMENT_TYPE_NAMES[PLAN_KIND_DOCUMENT_TYPES[plan.kind]].lower()
    return f"Thực hiện {kind} số {plan.reference} của {plan.unit.name}"


def default_symbol(unit: Unit) -> str:
    return "KH" if unit.kind == UnitKind.PARTY else "KH-UBND"


@login_required
def plan_cascade(request, pk: int):
    plan = _visible(request, pk)
    if plan.is_draft:
        messages.error(request, _("A plan can only be implemented once it is issued."))
        return redirect(plan)
    units = cascade_units(request.user, plan, _working_unit(request))
    choices = list(units)
    if not choices:
        raise PermissionDenied
    wanted = request.POST.get("unit") or request.GET.get("unit") or ""
    unit = next((u for u in choices if str(u.pk) == wanted), None)
    if unit is None:
        working = _working_unit(request)
        unit = next((u for u in choices if working is not None and u.pk == working.pk), choices[0])
    if request.method == "POST":
        form = CascadeForm(request.POST, units=units)
        if form.is_valid():
            data = form.cleaned_data
            try:
                child = services.cascade(
                    actor=request.user,
                    parent=plan,
                    unit=data["unit"],
                    data={"title": data["title"], "symbol": data["symbol"]},
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Drafted the implementing plan of %(unit)s with %(n)s task(s) to start from.")
                    % {"unit": data["unit"].name, "n": child.tasks.count()},
                )
                return redirect(child)
    else:
        form = CascadeForm(
            units=units,
            initial={"unit": unit, "title": default_title(plan), "symbol": default_symbol(unit)},
        )
    context = {
        "plan": plan,
        "form": form,
        "unit": unit,
        "tasks": list(services.tasks_for_unit(plan, unit).select_related("lead_unit")),
        "existing": list(selectors.visible_plans(request.user).filter(parent=plan, unit=unit)),
    }
    return render(request, "plans/plan_cascade.html", context)


# ------------------------------------------------------------------------- output


@login_required
def plan_word(request, pk: int):
    plan = _visible(request, pk)
    return docx_response(plan_filename(plan), plan_docx(plan, list(plan_tasks(plan))))


@login_required
def plan_tasks_xlsx(request, pk: int):
    plan = _visible(request, pk)
    today = timezone.localdate()
    tasks = list(plan_tasks(plan))
    sheet = tasks_sheet(plan, tasks, selectors.rollups(tasks), today)
    return workbook_response(tasks_filename(plan, today), [sheet])
