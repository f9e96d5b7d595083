from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.core.access import get_object_for
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.orgs import selectors, services
from danvan.orgs.forms import AgencyForm, MembershipGrantForm, UnitEditForm, UnitSearchForm
from danvan.orgs.models import Membership, Role, Unit

PAGE_SIZE = 30


@login_required
def unit_list(request):
    form = UnitSearchForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    query = params.get("q", "")
    kind = params.get("kind", "")
    validity = params.get("validity") or "current"
    today = timezone.localdate()
    if query or kind:
        units = selectors.search_units(query=query, kind=kind, validity=validity, on=today)
    else:
        # Nothing asked yet: the top of the tree.
        units = selectors.search_units(validity=validity, on=today).filter(depth=1)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query, "searching": bool(query or kind)}
    template = "orgs/partials/unit_results.html" if is_htmx(request) else "orgs/unit_list.html"
    return render(request, template, context)


@login_required
def unit_detail(request, pk: int):
    unit = get_object_for(request.user, Unit.objects.all(), perm="orgs.view_unit", pk=pk)
    child_query = request.GET.get("q", "")[:100]
    children = Paginator(selectors.children_of(unit, query=child_query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if is_htmx(request):
        return render(request, "orgs/partials/children.html", {"unit": unit, "children": children})
    predecessors, successors = selectors.unit_history(unit)
    context = {
        "unit": unit,
        "ancestors": list(Unit.objects.get_ancestors(unit)),
        "children": children,
        "child_query": child_query,
        "predecessors": predecessors,
        "successors": successors,
        # A closed unit is counted as it stood on its last day.
        "counts": selectors.subtree_counts(unit, on=unit.valid_to or timezone.localdate()),
        "can_see_members": request.user.has_perm("orgs.view_unit_members", unit),
        "can_add_agency": request.user.has_perm("orgs.add_agency", unit),
        "can_edit": request.user.has_perm("orgs.change_unit", unit),
        "can_see_history": request.user.has_perm("orgs.view_unit_history", unit),
    }
    return render(request, "orgs/unit_detail.html", context)


@login_required
def agency_create(request, pk: int):
    parent = get_object_for(request.user, Unit.objects.all(), perm="orgs.add_agency", pk=pk)
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.add_agency(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Added %(name)s.") % {"name": agency.name})
            return redirect(agency)
    return render(request, "orgs/agency_form.html", {"parent": parent, "form": form})


@login_required
def unit_edit(request, pk: int):
    unit = get_object_for(request.user, Unit.objects.all(), perm="orgs.change_unit", pk=pk)
    form = UnitEditForm(request.POST or None, instance=Unit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_unit(
                actor=request.user,
                unit=unit,
                name=data["name"],
                short_name=data["short_name"],
                is_remote_area=data["is_remote_area"],
                code=data.get("code"),
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(unit)
    return render(request, "orgs/unit_form.html", {"unit": unit, "form": form})


@login_required
def unit_members(request, pk: int):
    unit = get_object_for(request.user, Unit.objects.all(), perm="orgs.view_unit_members", pk=pk)
    can_manage = request.user.has_perm("orgs.manage_memberships", unit)
    form = MembershipGrantForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if form is None:
            return HttpResponseBadRequest()
        if form.is_valid():
            try:
                membership = services.grant_membership(
                    actor=request.user,
                    user=form.cleaned_data["login"],
                    unit=unit,
                    role=form.cleaned_data["role"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Granted: %(m)s.") % {"m": membership})
                return redirect("orgs:unit_members", pk=unit.pk)
    role = request.GET.get("role", "")
    query = request.GET.get("q", "")[:100]
    memberships = (
        Membership.objects.within(unit)
        .select_related("user", "unit")
        .order_by("unit__path", "role", "user__username")
    )
    if role in Role.values:
        memberships = memberships.filter(role=role)
    if query:
        memberships = memberships.filter(
            Q(user__username__icontains=query) | Q(user__full_name__icontains=query)
        )
    page = Paginator(memberships, 50).get_page(request.GET.get("page"))
    context = {
        "unit": unit,
        "page": page,
        "form": form,
        "can_manage": can_manage,
        "roles": Role.choices,
        "role": role,
        "query": query,
    }
    return render(request, "orgs/unit_members.html", context)


@login_required
@require_POST
def membership_revoke(request, pk: int, membership_pk: int):
    unit = get_object_for(request.user, Unit.objects.all(), perm="orgs.manage_memberships", pk=pk)
    membership = get_object_for(
        request.user,
        Membership.objects.within(unit).select_related("user", "unit"),
        pk=membership_pk,
    )
    services.revoke_membership(actor=request.user, membership=membership)
    messages.success(request, _("Revoked: %(m)s.") % {"m": membership})
    return redirect("orgs:unit_members", pk=unit.pk)


@login_required
@require_POST
def switch_unit(request):
    wanted = request.POST.get("unit", "")
    units = {str(unit.pk): unit for unit in selectors.membership_units(request.user)}
    unit = units.get(wanted)
    if unit is None:
        messages.error(request, _("You are not a member of that unit."))
    else:
        request.session[selectors.SESSION_WORKING_UNIT] = unit.pk
        messages.success(request, _("Now working as %(unit)s.") % {"unit": unit.name})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "home"
    return redirect(target)
