"""Council pages: members, assignments, scoring screen, result sheet, decision.

Who sees what (``rules.py``): council managers (reviewers, leaders, unit administrators over
the forming unit) see everything; members see their own work and, per initiative, the other
members' scores only once they have submitted their own; everybody else gets a 404.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.core.access import get_object_for
from danvan.core.viewutils import add_form_errors
from danvan.core.xlsx import Sheet, workbook_response
from danvan.initiatives import scoring, services
from danvan.initiatives.forms_councils import (
    CouncilForm,
    DecideForm,
    MemberAddForm,
    ScoreForm,
    default_council_name,
)
from danvan.initiatives.models import (
    Assignment,
    Campaign,
    Council,
    CouncilMember,
    CouncilStatus,
    Initiative,
    ScoreSheet,
    Status,
)
from danvan.initiatives.rules import COUNCIL_ADMIN_ROLES, has_conflict, member_unit_paths
from danvan.orgs.models import Membership, Role, User
from danvan.orgs.scope import scope_for
from danvan.orgs.selectors import membership_units

PAGE_SIZE = 30


def _subcount(queryset, link: str):
    """A correlated COUNT(*) of ``queryset`` rows whose ``link`` is the outer row."""
    counted = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _council(request, pk: int, perm: str = "initiatives.view_council") -> Council:
    return get_object_for(
        request.user,
        Council.objects.select_related(
            "campaign__unit", "level", "unit", "decided_by"
        ).prefetch_related("members__user"),
        perm=perm,
        pk=pk,
    )


def _my_member(council: Council, user) -> CouncilMember | None:
    return next((m for m in council.members.all() if m.user_id == user.pk), None)


def _conflict_paths(member: CouncilMember | None, user) -> list[str]:
    """The unit paths that make ``member`` conflicted (as ``services.conflicted`` reads them)."""
    if member is None:
        return []
    paths = member_unit_paths(user)
    if member.home_unit_id:
        paths.append(member.home_unit.path)
    return paths


# ---------------------------------------------------------------- the list


@login_required
def council_list(request, pk: int):
    campaign = get_object_for(request.user, Campaign.objects.select_related("unit"), pk=pk)
    # Of the councils in the user's scope, those they may open: managed or sat on.
    scope = scope_for(request.user)
    visible = Council.objects.visible_to(request.user).filter(campaign=campaign)
    if not scope.is_global:
        visible = visible.filter(
            scope.q("unit__path", COUNCIL_ADMIN_ROLES) | Q(members__user=request.user)
        )
    may_view_campaign = request.user.has_perm("initiatives.view_campaign", campaign)
    if not may_view_campaign and not visible.exists():
        raise Http404
    levels = list(campaign.levels.all())
    query = request.GET.get("q", "")[:100]
    level = request.GET.get("level", "")
    status = request.GET.get("status", "")
    councils = (
        Council.objects.filter(pk__in=visible.values("pk"))
        .select_related("level", "unit")
        .annotate(
            n_members=_subcount(CouncilMember.objects.all(), "council"),
            n_assigned=_subcount(Assignment.objects.all(), "council"),
            n_submitted=_subcount(
                ScoreSheet.objects.filter(submitted_at__isnull=False), "assignment__council"
            ),
        )
        .order_by("level__rank", "unit__path", "name")
    )
    for term in query.split():
        councils = councils.filter(Q(name__icontains=term) | Q(unit__name__icontains=term))
    if level.isdigit():
        councils = councils.filter(level__rank=int(level))
    if status in CouncilStatus.values:
        councils = councils.filter(status=status)
    page = Paginator(councils, PAGE_SIZE).get_page(request.GET.get("page"))
    for council in page.object_list:
        council.n_expected = council.n_members * council.n_assigned
    # "New council" for whoever may manage a council at the campaign's unit or at one of
    # their own units inside its area (the working unit among them).
    can_create = bool(_forming_units(request.user, campaign, levels))
    context = {
        "campaign": campaign,
        "page": page,
        "levels": levels,
        "statuses": CouncilStatus.choices,
        "query": query,
        "level": level,
        "status": status,
        "can_create": can_create,
    }
    return render(request, "initiatives/council_list.html", context)


# ---------------------------------------------------------------- forming a council


def _forming_units(user, campaign: Campaign, levels) -> list:
    """The campaign's unit and the user's units inside its area where they may form a council."""
    if not levels:
        return []
    units = [campaign.unit]
    units += [
        u
        for u in membership_units(user)
        if u.path.startswith(campaign.unit.path) and u.pk != campaign.unit.pk
    ]
    return [
        u
        for u in units
        if user.has_perm(
            "initiatives.manage_council", Council(campaign=campaign, level=levels[0], unit=u)
        )
    ]


def _member_candidates(unit):
    """Holders of the council member role at ``unit`` or under it, with the unit to show."""
    memberships = (
        Membership.objects.active()
        .within(unit)
        .filter(role=Role.COUNCIL_MEMBER)
        .select_related("unit")
        .order_by("unit__path")
    )
    unit_of: dict[int, str] = {}
    for membership in memberships:
        unit_of.setdefault(membership.user_id, membership.unit.name)
    users = User.objects.filter(pk__in=list(unit_of)).order_by("full_name", "username")
    return users, unit_of


@login_required
def council_create(request, pk: int):
    campaign = get_object_for(
        request.user,
        Campaign.objects.select_related("unit"),
        perm="initiatives.view_campaign",
        pk=pk,
    )
    levels = list(campaign.levels.all())
    units = _forming_units(request.user, campaign, levels)
    if not units:
        raise Http404
    by_pk = {str(u.pk): u for u in units}
    by_level = {str(level.pk): level for level in levels}
    source = request.POST if request.method == "POST" else request.GET
    unit = by_pk.get(source.get("unit", ""))
    if unit is None:
        working = request.working_unit
        unit = (
            units[0] if working is None or str(working.pk) not in by_pk else by_pk[str(working.pk)]
        )
        if campaign.unit in units:
            unit = campaign.unit
    level = by_level.get(source.get("level", "")) or levels[0]
    candidates, unit_of = _member_candidates(unit)
    kwargs = {"campaign": campaign, "units": units, "candidates": candidates, "unit_of": unit_of}
    reload = request.method == "POST" and "reload" in request.POST
    if request.method == "POST" and not reload:
        form = CouncilForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                council = services.create_council(
                    actor=request.user,
                    campaign=campaign,
                    level=data["level"],
                    unit=data["unit"],
                    name=data["name"] or default_council_name(data["level"], campaign.year),
                    members=form.chosen_members(),
                    chair=data["chair"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            except PermissionDenied:
                form.add_error("unit", _("You may not form a council at this unit."))
            else:
                messages.success(request, _("Council formed: %(name)s.") % {"name": council.name})
                return redirect(council)
    else:
        # First display, or the unit or level changed: keep what was typed, refresh the rest.
        name = source.get("name", "")
        defaults = {default_council_name(lv, campaign.year) for lv in levels}
        if not name or name in defaults:
            name = default_council_name(level, campaign.year)
        wanted = set(source.getlist("members"))
        form = CouncilForm(
            initial={
                "level": level.pk,
                "unit": str(unit.pk),
                "name": name,
                "members": [u for u in candidates if str(u.pk) in wanted],
                "extra_logins": source.get("extra_logins", ""),
                "chair": source.get("chair", ""),
            },
            **kwargs,
        )
    return render(request, "initiatives/council_form.html", {"campaign": campaign, "form": form})


# ---------------------------------------------------------------- the council page


def _detail_context(request, council: Council, **forms) -> dict:
    user = request.user
    can_manage = user.has_perm("initiatives.manage_council", council)
    me = _my_member(council, user)
    is_open = council.status == CouncilStatus.OPEN
    members = list(
        CouncilMember.objects.filter(council=council)
        .select_related("user", "home_unit")
        .annotate(n_submitted=Count("sheets", filter=Q(sheets__submitted_at__isnull=False)))
    )
    query = request.GET.get("q", "")[:100]
    assignments = (
        Assignment.objects.filter(council=council)
        .select_related("initiative__unit", "initiative__field")
        .annotate(n_submitted=Count("sheets", filter=Q(sheets__submitted_at__isnull=False)))
        .order_by("initiative__unit__path", "initiative__name", "pk")
    )
    if query:
        assignments = assignments.filter(initiative__in=Initiative.objects.search(query))
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    if me is not None:
        my_sheets = dict(
            ScoreSheet.objects.filter(member=me, assignment__council=council).values_list(
                "assignment_id", "submitted_at"
            )
        )
        paths = _conflict_paths(me, user)
        for assignment in page.object_list:
            if has_conflict(paths, assignment.initiative.unit.path, council.unit.path):
                assignment.my_state = "conflict"
            elif my_sheets.get(assignment.pk) is not None:
                assignment.my_state = "submitted"
            elif assignment.pk in my_sheets:
                assignment.my_state = "draft"
            else:
                assignment.my_state = "todo"
    candidates = None
    if can_manage and is_open:
        initiatives = (
            Initiative.objects.filter(
                campaign=council.campaign, unit__path__startswith=council.unit.path
            )
            .select_related("unit", "field")
            .order_by("unit__path", "name", "pk")
        )
        if council.level.rank == 1:
            initiatives = initiatives.filter(status=Status.SELF_ASSESSED)
        else:
            initiatives = initiatives.filter(status=Status.PROPOSED, level=council.level)
        candidates = Paginator(initiatives, PAGE_SIZE).get_page(request.GET.get("cpage"))
    return {
        "council": council,
        "campaign": council.campaign,
        "can_manage": can_manage,
        "me": me,
        "is_open": is_open,
        "members": members,
        "n_members": len(members),
        "page": page,
        "query": query,
        "candidates": candidates,
        "member_form": forms.get("member_form") or (MemberAddForm() if can_manage else None),
        "decide_form": forms.get("decide_form")
        or (
            DecideForm(initial={"decision_date": timezone.localdate().isoformat()})
            if can_manage and is_open
            else None
        ),
        "can_export": can_manage or not is_open,
    }


@login_required
def council_detail(request, pk: int):
    council = _council(request, pk)
    return render(request, "initiatives/council_detail.html", _detail_context(request, council))


@login_required
@require_POST
def council_members(request, pk: int):
    council = _council(request, pk, perm="initiatives.manage_council")
    if "remove" in request.POST:
        member = get_object_for(
            request.user,
            CouncilMember.objects.filter(council=council).select_related("user"),
            pk=request.POST["remove"],
        )
        member.council = council
        try:
            services.remove_member(actor=request.user, member=member)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Removed %(name)s.") % {"name": member.user.display_name})
        return redirect(council)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            member = services.add_member(
                actor=request.user,
                council=council,
                user=form.cleaned_data["login"],
                is_chair=form.cleaned_data["is_chair"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Added %(name)s.") % {"name": member.user.display_name})
            return redirect(council)
    context = _detail_context(request, council, member_form=form)
    return render(request, "initiatives/council_detail.html", context)


@login_required
@require_POST
def council_assign(request, pk: int):
    council = _council(request, pk, perm="initiatives.manage_council")
    wanted = [value for value in request.POST.getlist("initiatives") if value.isdigit()]
    initiatives = Initiative.objects.filter(
        pk__in=wanted, campaign=council.campaign
    ).select_related("unit", "level")
    if not wanted:
        messages.error(request, _("Tick the initiatives to send to the council."))
    sent = 0
    for initiative in initiatives:
        try:
            services.send_to_council(actor=request.user, initiative=initiative, council=council)
        except ValidationError as exc:
            messages.error(
                request,
                _("“%(name)s” was not sent: %(reason)s")
                % {"name": initiative.name, "reason": " ".join(exc.messages)},
            )
        else:
            sent += 1
    if sent:
        messages.success(request, _("%(n)s initiative(s) sent to the council.") % {"n": sent})
    return redirect(council)


# ---------------------------------------------------------------- scoring


def _sheet_rows(sheet: ScoreSheet, criteria) -> tuple[list, Decimal]:
    """(criterion, score or None) per criterion, and the weighted total of the sheet."""
    scores = {s.criterion_id: s for s in sheet.scores.all()}
    total = sum((scores[c.pk].points * c.weight for c in criteria if c.pk in scores), Decimal(0))
    return [(c, scores.get(c.pk)) for c in criteria], total


@login_required
def council_score(request, pk: int):
    assignment = get_object_for(
        request.user,
        Assignment.objects.select_related(
            "council__campaign__unit",
            "council__level",
            "council__unit",
            "initiative__unit",
            "initiative__field",
        ).prefetch_related("council__members__user"),
        pk=pk,
    )
    council = assignment.council
    if not request.user.has_perm("initiatives.score_in_council", council):
        raise Http404
    me = _my_member(council, request.user)
    criteria = list(council.level.criteria.all())
    max_total = scoring.max_total(
        scoring.CriterionSpec(id=c.pk, max_points=c.max_points, weight=c.weight) for c in criteria
    )
    initiative = assignment.initiative
    context = {
        "assignment": assignment,
        "council": council,
        "initiative": initiative,
        "criteria": criteria,
        "max_total": max_total,
        "updates": list(initiative.updates.order_by("-date", "-pk")[:3]),
        "can_view_initiative": request.user.has_perm("initiatives.view_initiative", initiative),
    }
    conflict = has_conflict(
        _conflict_paths(me, request.user), initiative.unit.path, council.unit.path
    )
    if conflict and request.method != "POST":
        return render(request, "initiatives/council_score.html", {**context, "conflict": True})
    sheet = (
        ScoreSheet.objects.filter(assignment=assignment, member=me)
        .prefetch_related("scores")
        .first()
    )
    if (sheet is None or sheet.submitted_at is None) and council.status != CouncilStatus.OPEN:
        # Decided before this member submitted: nothing to score, nothing of theirs to show.
        return render(request, "initiatives/council_score.html", {**context, "closed": True})
    if sheet is None or sheet.submitted_at is None:
        initial = {}
        if sheet is not None:
            initial["overall_comment"] = sheet.comment
            for score in sheet.scores.all():
                initial[f"points_{score.criterion_id}"] = f"{score.points.normalize():f}"
                initial[f"comment_{score.criterion_id}"] = score.comment
        form = ScoreForm(request.POST or None, initial=initial, criteria=criteria)
        if request.method == "POST" and form.is_valid():
            submit = "submit" in request.POST
            try:
                services.save_scores(
                    actor=request.user,
                    assignment=assignment,
                    points=form.points(),
                    comments=form.comments(),
                    overall_comment=form.cleaned_data["overall_comment"],
                    submit=submit,
                )
            except ValidationError as exc:
                if getattr(exc, "code", None) == "conflict":
                    return render(
                        request,
                        "initiatives/council_score.html",
                        {**context, "conflict": True},
                        status=403,
                    )
                add_form_errors(form, exc)
            else:
                if submit:
                    messages.success(request, _("Your scores are submitted."))
                else:
                    messages.success(request, _("Draft saved."))
                return redirect("initiatives:council_score", pk=assignment.pk)
        return render(request, "initiatives/council_score.html", {**context, "form": form})
    # Submitted: my scores read-only, and the other members' submitted sheets.
    mine, my_total = _sheet_rows(sheet, criteria)
    others = []
    for other in (
        ScoreSheet.objects.filter(assignment=assignment, submitted_at__isnull=False)
        .exclude(pk=sheet.pk)
        .select_related("member__user")
        .prefetch_related("scores")
        .order_by("-member__is_chair", "member__pk")
    ):
        rows, total = _sheet_rows(other, criteria)
        others.append({"member": other.member, "rows": rows, "total": total, "sheet": other})
    context.update(
        {"sheet": sheet, "mine": mine, "my_total": my_total, "others": others, "submitted": True}
    )
    return render(request, "initiatives/council_score.html", context)


# ---------------------------------------------------------------- results


def _result_rows(council: Council, user, *, everything: bool):
    """The ranked sheet: one row per assignment, each member's total, result, pass.

    ``everything`` False (a member before the decision): rows where the member has not
    submitted (and is not conflicted) come back hidden, without any score, after the others.
    """
    results = services.council_results(council)
    members = list(council.members.all())
    specs = services.specs_for(council.level)
    sheets = (
        ScoreSheet.objects.filter(assignment__council=council, submitted_at__isnull=False)
        .prefetch_related("scores")
        .only("pk", "assignment_id", "member_id")
    )
    totals: dict[tuple[int, int], Decimal] = {}
    for sheet in sheets:
        points = {s.criterion_id: s.points for s in sheet.scores.all()}
        totals[(sheet.assignment_id, sheet.member_id)] = scoring.weighted_total(specs, points)
    paths: dict[int, list[str]] = {m.user_id: [] for m in members}
    for user_id, unit_path in (
        Membership.objects.active()
        .filter(user_id__in=list(paths))
        .values_list("user_id", "unit__path")
    ):
        paths[user_id].append(unit_path)
    home_paths = dict(
        CouncilMember.objects.filter(council=council, home_unit__isnull=False).values_list(
            "pk", "home_unit__path"
        )
    )
    me = _my_member(council, user)
    assignments = Assignment.objects.filter(council=council).select_related(
        "initiative__unit", "initiative__field"
    )
    shown, hidden = [], []
    for assignment in assignments:
        unit_path = assignment.initiative.unit.path
        cells = []
        for member in members:
            member_paths = paths[member.user_id] + (
                [home_paths[member.pk]] if member.pk in home_paths else []
            )
            cells.append(
                {
                    "total": totals.get((assignment.pk, member.pk)),
                    "conflict": has_conflict(member_paths, unit_path, council.unit.path),
                }
            )
        result = results.get(assignment.pk, {})
        row = {
            "assignment": assignment,
            "initiative": assignment.initiative,
            "cells": cells,
            "result": result.get("result"),
            "passed": result.get("passed"),
            "rank": result.get("rank"),
        }
        if not everything:
            mine = cells[members.index(me)] if me is not None else None
            if mine is None or (mine["total"] is None and not mine["conflict"]):
                hidden.append(row)
                continue
        shown.append(row)
    shown.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["initiative"].name))
    hidden.sort(key=lambda r: r["initiative"].name)
    return members, shown, hidden


@login_required
def council_results(request, pk: int):
    council = _council(request, pk)
    can_manage = request.user.has_perm("initiatives.manage_council", council)
    everything = can_manage or council.status == CouncilStatus.DECIDED
    members, rows, hidden = _result_rows(council, request.user, everything=everything)
    context = {
        "council": council,
        "campaign": council.campaign,
        "members": members,
        "rows": rows,
        "hidden": hidden,
        "can_manage": can_manage,
        "can_export": everything,
    }
    return render(request, "initiatives/council_results.html", context)


@login_required
@require_POST
def council_decide(request, pk: int):
    council = _council(request, pk, perm="initiatives.manage_council")
    form = DecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide_council(
                actor=request.user,
                council=council,
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                signer=data["signer"],
                signer_title=data["signer_title"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("initiatives:council_results", pk=council.pk)
    context = _detail_context(request, council, decide_form=form)
    return render(request, "initiatives/council_detail.html", context)


# ---------------------------------------------------------------- Excel


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


@login_required
def export_council_xlsx(request, pk: int):
    council = _council(request, pk)
    can_manage = request.user.has_perm("initiatives.manage_council", council)
    if not can_manage and council.status != CouncilStatus.DECIDED:
        raise Http404
    members, rows, _hidden = _result_rows(council, request.user, everything=True)
    pass_mark = _number(council.level.pass_mark)
    results = Sheet(
        title=_("Results"),
        caption=council.name,
        headers=[
            _("Rank"),
            _("Initiative"),
            _("Unit"),
            _("Field"),
            *[m.user.display_name for m in members],
            _("Result"),
            _("Pass mark"),
            _("Passed"),
        ],
        rows=[
            [
                row["rank"],
                row["initiative"].name,
                row["initiative"].unit.name,
                row["initiative"].field.name,
                *[_number(cell["total"]) for cell in row["cells"]],
                _number(row["result"]),
                pass_mark,
                _("Yes") if row["passed"] else _("No"),
            ]
            for row in rows
        ],
        widths=[8, 50, 30, 20],
    )
    scores = (
        ScoreSheet.objects.filter(assignment__council=council, submitted_at__isnull=False)
        .select_related("member__user", "assignment__initiative")
        .prefetch_related("scores__criterion")
        .order_by("assignment__initiative__name", "member__pk")
    )
    detail = Sheet(
        title=_("Scores"),
        caption=council.name,
        headers=[
            _("Member"),
            _("Initiative"),
            _("Criterion"),
            _("Points"),
            _("Maximum"),
            _("Weight"),
            _("Comment"),
        ],
        rows=[
            [
                sheet.member.user.display_name,
                sheet.assignment.initiative.name,
                score.criterion.name,
                _number(score.points),
                _number(score.criterion.max_points),
                _number(score.criterion.weight),
                score.comment,
            ]
            for sheet in scores
            for score in sorted(
                sheet.scores.all(), key=lambda s: (s.criterion.order, s.criterion_id)
            )
        ],
        widths=[25, 50, 40, 10, 10, 10, 50],
    )
    return workbook_response(f"hoi-dong-{council.pk}-bang-diem.xlsx", [results, detail])


urlpatterns = [
    path("councils/<int:pk>/export/scores.xlsx", export_council_xlsx, name="export_council_xlsx"),
    path("campaigns/<int:pk>/councils/", council_list, name="council_list"),
    path("campaigns/<int:pk>/councils/new/", council_create, name="council_create"),
    path("councils/<int:pk>/", council_detail, name="council_detail"),
    path("councils/<int:pk>/members/", council_members, name="council_members"),
    path("councils/<int:pk>/assign/", council_assign, name="council_assign"),
    path("assignments/<int:pk>/score/", council_score, name="council_score"),
    path("councils/<int:pk>/results/", council_results, name="council_results"),
    path("councils/<int:pk>/decide/", council_decide, name="council_decide"),
]
