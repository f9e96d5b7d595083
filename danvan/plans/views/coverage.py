"""Coverage requirements: "100% chi bộ sinh hoạt chuyên đề trong tháng 10/2026".

The list shows the requirements that apply to the user's units (set over them or above
them), each with the coverage of the part the user may see; the page of a requirement shows
the total, a heat-map of the children of the current level with drill-down (``?within=``),
the units still missing (with a link to record the activity for those the user writes for)
and the units that met it, with the date of their first matching activity. Write roles over
the requirement's unit send a reminder to the missing units, once per unit per day.

Every page runs a fixed number of queries whatever the number of units or rows: the list
computes the percentages of its page of requirements together (``page_coverage``).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Min, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.vary import vary_on_headers

from danvan.core.access import get_object_for
from danvan.core.coverage import STEP, Coverage, Tally, met_in_subtree
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.core.xlsx import Sheet, workbook_response
from danvan.orgs.models import Unit, UnitKind
from danvan.orgs.scope import ALL_ROLES, WRITE_ROLES, scope_for
from danvan.plans import reminders, selectors, services
from danvan.plans.forms_coverage import (
    RequirementForm,
    default_unit,
    plan_choices,
    writable_units,
)
from danvan.plans.models import (
    Activity,
    ActivityType,
    CoverageRequirement,
    Plan,
)
from danvan.plans.rules import reaches_into

VIEW = "plans.view_coveragerequirement"
CHANGE = "plans.change_coveragerequirement"
PAGE_SIZE = 20

ACTIVE, ENDED, UPCOMING = "active", "ended", "upcoming"
STATES = {
    ACTIVE: gettext_lazy("Running"),
    ENDED: gettext_lazy("Ended"),
    UPCOMING: gettext_lazy("Not started"),
}


def state_of(requirement: CoverageRequirement, today: dt.date) -> str:
    if requirement.starts_on > today:
        return UPCOMING
    if requirement.ends_on < today:
        return ENDED
    return ACTIVE


def plan_shown(user, plan: Plan | None) -> bool:
    """Whether to name the requirement's plan: the user may see it (checked without a query;
    a plan seen only because a task names the user's unit is left unnamed)."""
    if plan is None:
        return False
    if scope_for(user).covers(plan.unit, ALL_ROLES):
        return True
    return not plan.is_draft and reaches_into(user, plan.unit)


def _working(request) -> Unit | None:
    """The header's working unit, unwrapped (the middleware sets a lazy object)."""
    working = getattr(request, "working_unit", None)
    return working if working else None


# ------------------------------------------------------------------ pure helpers


def first_in_subtree(
    candidates: Iterable[tuple[int, str]], events: Iterable[tuple[str, dt.date]]
) -> dict[int, dt.date]:
    """Id of each candidate (id, path) → the first date of an event at it or below it.

    The dates beside ``met_in_subtree``: an activity at a party cell's sub-unit counts for
    the cell, so it may be the cell's first.
    """
    by_path = {path: pk for pk, path in candidates}
    first: dict[int, dt.date] = {}
    for path, day in events:
        for end in range(STEP, len(path) + 1, STEP):
            pk = by_path.get(path[:end])
            if pk is not None and (pk not in first or day < first[pk]):
                first[pk] = day
    return first


def _under(paths: Sequence[str], root_path: str) -> tuple[int, int]:
    """The slice of sorted ``paths`` that lie in ``root_path``'s subtree (itself included)."""
    # Paths use 0-9 and A-Z only: "~" sorts after every one of them.
    return bisect.bisect_left(paths, root_path), bisect.bisect_left(paths, root_path + "~")


def tally_requirement(
    units: Sequence[tuple[int, str]],
    events: Sequence[tuple[str, dt.date]],
    *,
    root_path: str,
    starts_on: dt.date,
    ends_on: dt.date,
) -> Tally:
    """Required units under ``root_path`` and how many met it, from pre-loaded rows.

    ``units`` are (id, path) of units in force of the required kind and ``events`` are
    (path, date) of activities of the required type, both sorted by path and possibly
    covering a wider area and period; the area and window of the requirement are cut here.
    """
    unit_paths = [path for _pk, path in units]
    low, high = _under(unit_paths, root_path)
    candidates = units[low:high]
    event_paths = [path for path, _day in events]
    low, high = _under(event_paths, root_path)
    inside = (path for path, day in events[low:high] if starts_on <= day <= ends_on)
    met = met_in_subtree(candidates, inside)
    return Tally(units=len(candidates), met=len(met))


# ------------------------------------------------------------------ the list


@dataclass(frozen=True)
class RowCoverage:
    root: Unit  # the part of the area the user sees
    tally: Tally
    scoped: bool  # only part of the requirement's area

    @property
    def hue(self) -> int:
        return round(1.2 * (self.tally.pct or 0))


def requirement_root(scope, requirement, preferred: Unit | None, units_by_path) -> Unit | None:
    """``selectors.coverage_root`` without a query: the user's units come pre-loaded."""
    if scope.covers(requirement.unit, ALL_ROLES):
        return requirement.unit
    prefixes = [p for p in scope.prefixes(ALL_ROLES) if p.startswith(requirement.unit.path)]
    if not prefixes:
        return None
    if preferred is not None and preferred.path in prefixes:
        return preferred
    return units_by_path.get(prefixes[0])


def page_coverage(
    user, requirements: Sequence[CoverageRequirement], preferred: Unit | None = None
) -> dict[int, RowCoverage]:
    """Coverage of each requirement over the part the user sees, in at most three queries.

    The same figures as ``services.requirement_coverage`` (units in force of the kind under
    the root; met by an activity of the type in the window at the unit or below), for a
    page of requirements at once: one query for the user's units, one for the required
    units of every (area, kind) and one for the activities of every (area, type, window).
    """
    if not requirements:
        return {}
    scope = scope_for(user)
    needed = {
        p
        for r in requirements
        if not scope.covers(r.unit, ALL_ROLES)
        for p in scope.prefixes(ALL_ROLES)
        if p.startswith(r.unit.path)
    }
    units_by_path = {u.path: u for u in Unit.objects.filter(path__in=needed)} if needed else {}
    roots = {}
    for requirement in requirements:
        root = requirement_root(scope, requirement, preferred, units_by_path)
        if root is not None:
            roots[requirement.pk] = root
    if not roots:
        return {}
    by_pk = {r.pk: r for r in requirements}
    unit_q = Q()
    for path, kind in {(roots[pk].path, by_pk[pk].unit_kind) for pk in roots}:
        unit_q |= Q(path__startswith=path, kind=kind)
    event_q = Q()
    for path, type_id, starts, ends in {
        (roots[pk].path, by_pk[pk].activity_type_id, by_pk[pk].starts_on, by_pk[pk].ends_on)
        for pk in roots
    }:
        event_q |= Q(
            unit__path__startswith=path,
            activity_type_id=type_id,
            held_on__gte=starts,
            held_on__lte=ends,
        )
    units: dict[str, list[tuple[int, str]]] = {}
    for pk, path, kind in (
        Unit.objects.filter(unit_q, valid_to__isnull=True)
        .order_by("path")
        .values_list("pk", "path", "kind")
        .distinct()
    ):
        units.setdefault(kind, []).append((pk, path))
    events: dict[int, list[tuple[str, dt.date]]] = {}
    for path, type_id, day in (
        Activity.objects.filter(event_q)
        .order_by("unit__path")
        .values_list("unit__path", "activity_type_id", "held_on")
        .distinct()
    ):
        events.setdefault(type_id, []).append((path, day))
    # Sorted here rather than trusted to the database's collation: bisect needs Python's order.
    for rows in units.values():
        rows.sort(key=lambda row: row[1])
    for rows in events.values():
        rows.sort()
    out = {}
    for pk, root in roots.items():
        requirement = by_pk[pk]
        out[pk] = RowCoverage(
            root=root,
            tally=tally_requirement(
                units.get(requirement.unit_kind, []),
                events.get(requirement.activity_type_id, []),
                root_path=root.path,
                starts_on=requirement.starts_on,
                ends_on=requirement.ends_on,
            ),
            scoped=root.pk != requirement.unit_id,
        )
    return out


@dataclass
class ListFilters:
    plan: int | None = None
    activity_type: int | None = None
    state: str = ""

    @classmethod
    def from_params(cls, params) -> ListFilters:
        def number(name: str) -> int | None:
            value = params.get(name, "")
            return int(value) if value.isdigit() else None

        state = params.get("state", "")
        return cls(
            plan=number("plan"),
            activity_type=number("type"),
            state=state if state in STATES else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.plan or self.activity_type or self.state)

    def apply(self, qs, today: dt.date):
        if self.plan:
            qs = qs.filter(plan_id=self.plan)
        if self.activity_type:
            qs = qs.filter(activity_type_id=self.activity_type)
        if self.state == ACTIVE:
            qs = qs.filter(starts_on__lte=today, ends_on__gte=today)
        elif self.state == ENDED:
            qs = qs.filter(ends_on__lt=today)
        elif self.state == UPCOMING:
            qs = qs.filter(starts_on__gt=today)
        return qs


@login_required
@vary_on_headers("HX-Request")
def requirement_list(request):
    today = timezone.localdate()
    filters = ListFilters.from_params(request.GET)
    visible = selectors.visible_requirements(request.user)
    rows = (
        filters.apply(visible, today)
        .select_related("unit", "plan", "plan__unit", "activity_type")
        .order_by("-starts_on", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    requirements = list(page.object_list)
    figures = page_coverage(request.user, requirements, _working(request))
    page.object_list = [
        {
            "requirement": r,
            "cover": figures.get(r.pk),
            "state": state_of(r, today),
            "show_plan": plan_shown(request.user, r.plan),
        }
        for r in requirements
    ]
    context = {"filters": filters, "page": page, "states": STATES}
    if is_htmx(request):
        return render(request, "plans/partials/requirement_results.html", context)
    context.update(
        plans=[
            plan
            for plan in Plan.objects.filter(pk__in=visible.values("plan_id"))
            .select_related("unit")
            .order_by("-issued_on", "-pk")
            if plan_shown(request.user, plan)
        ],
        activity_types=ActivityType.objects.order_by("position", "name"),
        can_add=writable_units(request.user).exists(),
    )
    return render(request, "plans/requirement_list.html", context)


# ------------------------------------------------------------------ create and edit


def _preselected_plan(request) -> Plan | None:
    """The plan of a ``?plan=`` link, when the user may see it (else ignored)."""
    wanted = request.GET.get("plan", "")
    if not wanted.isdigit():
        return None
    plan = Plan.objects.select_related("unit").filter(pk=int(wanted)).first()
    if plan is None or not request.user.has_perm("plans.view_plan", plan):
        return None
    return plan


@login_required
def requirement_new(request):
    units = list(writable_units(request.user))
    if not units:
        raise PermissionDenied
    working = _working(request)
    plan = _preselected_plan(request)
    unit = default_unit(units, working)
    if plan is not None and any(u.pk == plan.unit_id for u in units):
        unit = plan.unit
    form = RequirementForm(
        request.POST or None,
        units=writable_units(request.user),
        unit=unit,
        plans=plan_choices(request.user, working=working, also=plan),
        plan=plan,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        plan = data.pop("plan")
        try:
            requirement = services.save_requirement(
                actor=request.user, unit=unit, plan=plan, data=data
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Set the requirement “%(t)s”.") % {"t": requirement.title})
            return redirect(requirement)
    return render(request, "plans/requirement_form.html", {"form": form, "plan": plan})


def _visible(request, pk: int) -> CoverageRequirement:
    return get_object_for(
        request.user,
        CoverageRequirement.objects.select_related("unit", "plan", "plan__unit", "activity_type"),
        perm=VIEW,
        pk=pk,
    )


@login_required
def requirement_edit(request, pk: int):
    requirement = _visible(request, pk)
    if not request.user.has_perm(CHANGE, requirement):
        raise PermissionDenied
    initial = {name: getattr(requirement, name) for name in services.REQUIREMENT_FIELDS}
    form = RequirementForm(request.POST or None, initial=initial, requirement=requirement)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_requirement(
                actor=request.user,
                unit=requirement.unit,
                plan=requirement.plan,
                requirement=requirement,
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Saved the changes."))
            return redirect(requirement)
    return render(
        request, "plans/requirement_form.html", {"form": form, "requirement": requirement}
    )


# ------------------------------------------------------------------ one requirement


def _area(request, requirement: CoverageRequirement) -> tuple[Unit, Unit]:
    """(top, root): the part the user may see, and the level shown (``within``) inside it."""
    top = selectors.coverage_root(request.user, requirement, _working(request))
    if top is None:
        raise Http404
    wanted = request.POST.get("within", "") if request.method == "POST" else ""
    wanted = wanted or request.GET.get("within", "")
    if not wanted:
        return top, top
    if not wanted.isdigit():
        raise Http404
    chosen = top if int(wanted) == top.pk else Unit.objects.filter(pk=int(wanted)).first()
    if chosen is None or not chosen.path.startswith(top.path):
        raise Http404
    return top, chosen


def first_dates(requirement: CoverageRequirement, cover: Coverage) -> dict[int, dt.date]:
    """Unit id → the date of its first matching activity, for the units that met it (1 query)."""
    met = [(row.unit.pk, row.unit.path) for row in cover.rows if row.met]
    if not met:
        return {}
    events = (
        Activity.objects.filter(
            unit__path__startswith=cover.root.path,
            activity_type_id=requirement.activity_type_id,
            held_on__gte=requirement.starts_on,
            held_on__lte=requirement.ends_on,
        )
        .values("unit__path")
        .annotate(first=Min("held_on"))
        .order_by()
        .values_list("unit__path", "first")
    )
    return first_in_subtree(met, events)


@login_required
@vary_on_headers("HX-Request")
def requirement_detail(request, pk: int):
    requirement = _visible(request, pk)
    top, root = _area(request, requirement)
    if request.method == "POST":
        return _remind(request, requirement, root)
    today = timezone.localdate()
    cover = services.requirement_coverage(requirement, within=root, top=top)
    dates = first_dates(requirement, cover)
    scope = scope_for(request.user)
    missing = [
        {"row": row, "can_record": scope.covers(row.unit, WRITE_ROLES)} for row in cover.missing
    ]
    met = [{"row": row, "first": dates.get(row.unit.pk)} for row in cover.met_rows]
    state = state_of(requirement, today)
    can_change = request.user.has_perm(CHANGE, requirement)
    context = {
        "requirement": requirement,
        "cover": cover,
        "missing": missing,
        "met": met,
        "scoped": top.pk != requirement.unit_id,
        "show_plan": plan_shown(request.user, requirement.plan),
        "state": state,
        "states": STATES,
        "can_change": can_change,
        "can_remind": can_change and state != UPCOMING and bool(missing),
        "any_record": any(item["can_record"] for item in missing),
        "base_url": requirement.get_absolute_url(),
    }
    if is_htmx(request):
        return render(request, "plans/partials/requirement_coverage.html", context)
    return render(request, "plans/requirement_detail.html", context)


@login_required
def requirement_xlsx(request, pk: int):
    requirement = _visible(request, pk)
    top, root = _area(request, requirement)
    cover = services.requirement_coverage(requirement, within=root, top=top)
    dates = first_dates(requirement, cover)
    period = f"{requirement.starts_on:%d/%m/%Y} - {requirement.ends_on:%d/%m/%Y}"
    pct = "—" if cover.total.pct is None else f"{cover.total.pct:.1f}%"
    caption = (
        f"{requirement.title} · {cover.root.name} · {period} · "
        f"{cover.total.met}/{cover.total.units} ({pct})"
    )
    kinds = dict(UnitKind.choices)
    units_sheet = Sheet(
        title=_("Units"),
        caption=caption,
        headers=[
            _("No."),
            _("Unit"),
            _("Kind"),
            _("Under"),
            _("Met"),
            _("First matching activity"),
        ],
        rows=(
            [
                n,
                row.unit.name,
                kinds.get(row.unit.kind, row.unit.kind),
                row.parent.name if row.parent else "",
                _("Yes") if row.met else _("No"),
                dates.get(row.unit.pk),
            ]
            for n, row in enumerate(cover.rows, start=1)
        ),
        widths=[6, 45, 20, 40, 8, 16],
    )
    groups_sheet = Sheet(
        title=_("By unit"),
        caption=caption,
        headers=[_("Unit"), _("Met"), _("Units required"), _("Missing"), "%"],
        rows=(
            [g.unit.name, g.tally.met, g.tally.units, g.tally.missing, g.tally.pct]
            for g in cover.groups
        ),
        widths=[45, 10, 14, 10, 8],
    )
    return workbook_response(
        f"coverage-{requirement.pk}-{cover.root.pk}.xlsx", [units_sheet, groups_sheet]
    )


# ------------------------------------------------------------------ reminders


def _remind(request, requirement: CoverageRequirement, root: Unit):
    if request.POST.get("action") != "remind":
        raise Http404
    if not request.user.has_perm(CHANGE, requirement):
        raise PermissionDenied
    cover = services.requirement_coverage(requirement, within=root)
    units = [row.unit for row in cover.missing]
    try:
        result = reminders.send_missing_reminders(
            actor=request.user, requirement=requirement, units=units, today=timezone.localdate()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if result.units:
            messages.success(
                request,
                ngettext(
                    "Reminded %(units)d unit; people notified: %(people)d.",
                    "Reminded %(units)d units; people notified: %(people)d.",
                    result.units,
                )
                % {"units": result.units, "people": result.people},
            )
        if result.already:
            messages.info(
                request,
                ngettext(
                    "%(n)d unit was already reminded today.",
                    "%(n)d units were already reminded today.",
                    result.already,
                )
                % {"n": result.already},
            )
        if result.nobody:
            messages.warning(
                request,
                ngettext(
                    "%(n)d unit has nobody with a write role to remind.",
                    "%(n)d units have nobody with a write role to remind.",
                    result.nobody,
                )
                % {"n": result.nobody},
            )
        if not (result.units or result.already or result.nobody):
            messages.info(request, _("No unit is missing: nobody to remind."))
    url = requirement.get_absolute_url()
    if root.pk != requirement.unit_id:
        url = f"{url}?within={root.pk}"
    return redirect(url)
