"""Plan pages: the list and its Excel export, the plan form, and the editing of a draft's
sections, legal basis and attachments; the download of any file danvan holds on plans.

A plan's content changes only while it is a draft, by write roles over its unit
(``plans.change_plan``). An issued plan sends the user back to its page with a message;
a draft of another unit the user sees is refused (403); a plan the user may not see is
not found (404). Section moves and removals, and basis removals, answer an htmx request
with the refreshed editor fragment and an ordinary request with a redirect.
"""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from danvan.core.access import get_object_for
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.core.xlsx import Sheet, workbook_response
from danvan.orgs.models import Unit
from danvan.orgs.selectors import membership_units
from danvan.plans import filters, services
from danvan.plans.forms_plans import (
    SECTION_HEADINGS,
    AttachmentForm,
    BasisNewForm,
    BasisPickForm,
    PlanForm,
    SectionForm,
    default_heading,
    default_unit,
    province_units,
    unit_defaults,
    writable_units,
)
from danvan.plans.models import (
    DOCUMENT_TYPE_NAMES,
    PLAN_KIND_DOCUMENT_TYPES,
    Attachment,
    Plan,
    PlanBasis,
    PlanKind,
    PlanSection,
    PlanStatus,
    SectionKind,
)
from danvan.plans.selectors import visible_plans

PAGE_SIZE = 30
VIEW = "plans.view_plan"
CHANGE = "plans.change_plan"
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"}


def _params_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _go(request, url: str) -> HttpResponse:
    """A redirect that htmx follows as a full page load (not swapped into a fragment)."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


# ------------------------------------------------------------------ list and export


def _unit_options(request, visible, chosen: int | None) -> list[Unit]:
    """The user's own units and the units whose plans the user sees (the filter's choices)."""
    own = [u.pk for u in membership_units(request.user)]
    where = Q(pk__in=own) | Q(pk__in=visible.order_by().values("unit_id"))
    if chosen:
        where |= Q(pk=chosen)
    return list(Unit.objects.filter(where).order_by("path"))


def _parent_options(visible, chosen: int | None) -> list[Plan]:
    """Plans that some plan the user sees implements (the "implements plan" filter)."""
    where = Q(pk__in=visible.order_by().filter(parent__isnull=False).values("parent_id"))
    if chosen:
        where |= Q(pk=chosen)
    return list(visible.filter(where).select_related("unit").order_by("-issued_on", "-pk"))


@login_required
@vary_on_headers("HX-Request")
def plan_list(request):
    today = timezone.localdate()
    chosen = filters.PlanFilters.from_params(request.GET)
    rows = filters.plan_list(request.user, chosen, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": chosen,
        "page": page,
        "query": _params_without_page(request),
        "today": today,
    }
    if is_htmx(request):
        return render(request, "plans/partials/plan_results.html", context)
    visible = visible_plans(request.user)
    context.update(
        statuses=PlanStatus.choices,
        kinds=PlanKind.choices,
        units=_unit_options(request, visible, chosen.unit),
        parents=_parent_options(visible, chosen.parent),
        years=sorted({d.year for d in visible.order_by().dates("issued_on", "year")}, reverse=True),
        sorts=[
            ("-date", _("Newest first")),
            ("date", _("Oldest first")),
            ("number", _("Number (ascending)")),
            ("-number", _("Number (descending)")),
            ("title", _("Title (A→Z)")),
            ("-title", _("Title (Z→A)")),
        ],
        can_add=writable_units(request.user).exists(),
    )
    return render(request, "plans/plan_list.html", context)


@login_required
def plan_list_xlsx(request):
    today = timezone.localdate()
    chosen = filters.PlanFilters.from_params(request.GET)
    plans = filters.plan_list(request.user, chosen, today=today)
    sheet = Sheet(
        title=_("Plans"),
        headers=[
            _("Number and symbol"),
            _("Document kind"),
            _("Issue date"),
            _("Issuing unit"),
            _("Title"),
            _("Subject area"),
            _("Status"),
            _("Implements plan"),
            _("Signed by"),
            _("Tasks"),
            _("Open"),
            _("Overdue"),
            _("Done"),
        ],
        rows=(
            [
                p.reference,
                p.get_kind_display(),
                p.issued_on,
                p.unit.name,
                p.title,
                p.subject,
                p.get_status_display(),
                p.parent.reference if p.parent else "",
                p.signer_name,
                p.n_tasks,
                p.n_open,
                p.n_overdue,
                p.n_done,
            ]
            for p in plans.iterator(chunk_size=2000)
        ),
        widths=[18, 16, 12, 32, 60, 24, 12, 18, 24, 8, 8, 8, 8],
    )
    return workbook_response(f"plans-{today:%Y%m%d}.xlsx", [sheet])


# ------------------------------------------------------------------ the plan form


def _visible(request, pk: int) -> Plan:
    return get_object_for(request.user, Plan.objects.select_related("unit"), perm=VIEW, pk=pk)


def _refusal(request, plan: Plan) -> HttpResponse | None:
    """None when the user may change the plan's content; else the answer to give."""
    if request.user.has_perm(CHANGE, plan):
        return None
    if not plan.is_draft:
        messages.error(
            request,
            _("%(ref)s is issued: its content can no longer be changed.") % {"ref": plan.reference},
        )
        return _go(request, plan.get_absolute_url())
    raise PermissionDenied


def _symbol_or_default(data: dict, defaults) -> None:
    if not (data.get("symbol") or "").strip():
        data["symbol"] = defaults.symbol
    data["symbol"] = data["symbol"].strip()


def _implementing_title(parent: Plan) -> str:
    """ "Thực hiện Kế hoạch số 1243/KH-UBND của UBND tỉnh…" (the document's own words)."""
    type_name = DOCUMENT_TYPE_NAMES[PLAN_KIND_DOCUMENT_TYPES[parent.kind]]
    return f"Thực hiện {type_name} số {parent.reference} của {parent.unit.name}"


@login_required
def plan_new(request):
    units = list(writable_units(request.user))
    if not units:
        raise PermissionDenied
    working = request.working_unit or None
    unit = default_unit(units, working)
    defaults = unit_defaults(units)
    initial = {
        "kind": PlanKind.PLAN,
        "symbol": defaults[unit.pk].symbol,
        "place": defaults[unit.pk].place,
    }
    form_kwargs = {
        "user": request.user,
        "units": writable_units(request.user),
        "unit": unit,
        "recipients": province_units(request.user, working),
    }
    wanted = filters.int_param(request.GET, "parent")
    if wanted and request.method != "POST":
        parent = visible_plans(request.user).in_force().select_related("unit").filter(pk=wanted)
        parent = parent.first()
        if parent is not None:
            initial.update(
                parent=parent.pk, title=_implementing_title(parent), subject=parent.subject
            )
    form = PlanForm(request.POST or None, initial=initial, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        parent = data.pop("parent")
        recipients = data.pop("recipient_units")
        _symbol_or_default(data, defaults[unit.pk])
        try:
            plan = services.create_plan(
                actor=request.user,
                unit=unit,
                data=data,
                parent=parent,
                recipient_units=recipients,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Drafted %(ref)s. Add its sections, legal basis and tasks, then issue it.")
                % {"ref": plan.reference},
            )
            return redirect(plan)
    context = {"form": form, "unit_options": [(u, defaults[u.pk]) for u in units]}
    return render(request, "plans/plan_form.html", context)


@login_required
def plan_edit(request, pk: int):
    plan = _visible(request, pk)
    refused = _refusal(request, plan)
    if refused is not None:
        return refused
    recipients_now = list(plan.recipient_units.all())
    initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
    initial.update(parent=plan.parent_id, recipient_units=[u.pk for u in recipients_now])
    form = PlanForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        plan=plan,
        recipients=province_units(request.user, plan.unit, keep=recipients_now),
    )
    if plan.parent_id:  # keep the current parent choosable, whatever became of it
        field = form.fields["parent"]
        field.queryset = Plan.objects.filter(
            Q(pk__in=field.queryset.values("pk")) | Q(pk=plan.parent_id)
        ).select_related("unit")
    defaults = unit_defaults([plan.unit])[plan.unit_id]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        parent = data.pop("parent")
        recipients = data.pop("recipient_units")
        _symbol_or_default(data, defaults)
        if not data.get("place"):
            data["place"] = defaults.place
        try:
            services.update_plan(
                actor=request.user,
                plan=plan,
                data=data,
                parent=parent,
                recipient_units=recipients,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Saved the changes."))
            return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


# ------------------------------------------------------------------ sections


def _sections_editor(request, plan: Plan) -> HttpResponse:
    context = {
        "plan": plan,
        "sections": list(plan.sections.all()),
        "can_change": request.user.has_perm(CHANGE, plan),
    }
    return render(request, "plans/partials/plan_sections_editor.html", context)


def _visible_section(request, pk: int) -> PlanSection:
    section = get_object_for(request.user, PlanSection.objects.select_related("plan__unit"), pk=pk)
    if not request.user.has_perm(VIEW, section.plan):
        raise Http404
    return section


def _section_page(request, plan: Plan, form: SectionForm, section: PlanSection | None):
    context = {
        "plan": plan,
        "form": form,
        "section": section,
        "headings": {str(k): v for k, v in SECTION_HEADINGS.items()},
    }
    return render(request, "plans/section_form.html", context)


@login_required
def section_new(request, pk: int):
    plan = _visible(request, pk)
    refused = _refusal(request, plan)
    if refused is not None:
        return refused
    count = plan.sections.count()
    kind = SectionKind.PURPOSE if count == 0 else SectionKind.CONTENT
    form = SectionForm(
        request.POST or None, initial={"kind": kind, "heading": default_heading(kind, count + 1)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_section(actor=request.user, plan=plan, data=form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Added the section."))
            if request.POST.get("then") == "another":
                return redirect("plans:section_new", plan.pk)
            return redirect(f"{plan.get_absolute_url()}#sections")
    return _section_page(request, plan, form, None)


@login_required
def section_edit(request, pk: int):
    section = _visible_section(request, pk)
    plan = section.plan
    refused = _refusal(request, plan)
    if refused is not None:
        return refused
    initial = {name: getattr(section, name) for name in services.SECTION_FIELDS}
    form = SectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_section(
                actor=request.user, plan=plan, data=form.cleaned_data, section=section
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Saved the section."))
            return redirect(f"{plan.get_absolute_url()}#section-{section.pk}")
    return _section_page(request, plan, form, section)


@login_required
@require_POST
def section_delete(request, pk: int):
    section = _visible_section(request, pk)
    plan = section.plan
    refused = _refusal(request, plan)
    if refused is not None:
        return refused
    services.delete_section(actor=request.user, section=section)
    if is_htmx(request):
        return _sections_editor(request, plan)
    messages.success(request, _("Removed the section “%(h)s”.") % {"h": section.heading})
    return redirect(f"{plan.get_absolute_url()}#sections")


@login_required
@require_POST
def section_move(request, pk: int):
    section = _visible_section(request, pk)
    plan = section.plan
    refused = _refusal(request, plan)
    if refused is not None:
        return refused
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is None:
        return HttpResponse(_("Say whether to move the section up or down."), status=400)
    services.move_section(actor=request.user, section=section, offset=offset)
    if is_htmx(request):
        return _sections_editor(request, plan)
    return redirect(f"{plan.get_absolute_url()}#section-{section.pk}")


# ------------------------------------------------------------------ legal basis


def _bases(plan: Plan) -> list[PlanBasis]:
    return list(plan.bases.select_related("document"))


@login_required
def basis_add(request, pk: int):
    """Cite a register entry (searched by number or words), or register a new one and cite it."""
    plan = _visible(request, pk)
    refused = _refusal(request, plan)
    if refused is not None:
        return refused
    mode = request.POST.get("mode") if request.method == "POST" else None
    pick_form = BasisPickForm(request.POST if mode == "existing" else None)
    new_form = BasisNewForm(request.POST if mode == "new" else None)
    if mode == "existing" and pick_form.is_valid():
        try:
            services.add_basis(
                actor=request.user,
                plan=plan,
                document=pick_form.cleaned_data["document"],
                text=pick_form.cleaned_data["text"],
            )
        except ValidationError as exc:
            add_form_errors(pick_form, exc)
        else:
            return _basis_added(request, plan)
    elif mode == "new" and new_form.is_valid():
        data = dict(new_form.cleaned_data)
        text = data.pop("text")
        try:
            # Registered and cited together: a refused citation registers nothing.
            with transaction.atomic():
                document = services.save_document(actor=request.user, data=data, unit=plan.unit)
                services.add_basis(actor=request.user, plan=plan, document=document, text=text)
        except ValidationError as exc:
            add_form_errors(new_form, exc)
        else:
            return _basis_added(request, plan)
    query = str(request.GET.get("q", "")).strip()[: filters.QUERY_MAX]
    results = []
    if query:
        results = list(
            filters.search_documents(query).order_by("-issued_on", "number_key", "pk")[:20]
        )
    bases = _bases(plan)
    context = {
        "plan": plan,
        "bases": bases,
        "can_change": True,
        "pick_form": pick_form,
        "new_form": new_form,
        "mode": mode or ("new" if request.GET.get("mode") == "new" else "existing"),
        "query": query,
        "results": results,
        "cited": {b.document_id for b in bases},
    }
    status = 400 if mode else 200
    return render(request, "plans/basis_form.html", context, status=status)


def _basis_added(request, plan: Plan) -> HttpResponse:
    messages.success(request, _("Added to the legal basis."))
    if request.POST.get("then") == "another":
        return redirect("plans:basis_add", plan.pk)
    return redirect(f"{plan.get_absolute_url()}#basis")


@login_required
@require_POST
def basis_remove(request, pk: int):
    basis = get_object_for(
        request.user, PlanBasis.objects.select_related("plan__unit", "document"), pk=pk
    )
    plan = basis.plan
    if not request.user.has_perm(VIEW, plan):
        raise Http404
    refused = _refusal(request, plan)
    if refused is not None:
        return refused
    services.remove_basis(actor=request.user, basis=basis)
    if is_htmx(request):
        context = {"plan": plan, "bases": _bases(plan), "can_change": True}
        return render(request, "plans/partials/plan_bases_editor.html", context)
    messages.success(
        request,
        _("Removed %(doc)s from the legal basis.") % {"doc": basis.document.short_citation},
    )
    return redirect(f"{plan.get_absolute_url()}#basis")


# ------------------------------------------------------------------ attachments


@login_required
def attachment_add(request, pk: int):
    plan = _visible(request, pk)
    refused = _refusal(request, plan)
    if refused is not None:
        return refused
    posted = request.method == "POST"  # a post with no field at all still shows its error
    form = AttachmentForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_attachments(
                actor=request.user, plan=plan, files=form.cleaned_data["files"]
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext("Attached %(n)s file.", "Attached %(n)s files.", len(added))
                % {"n": len(added)},
            )
            return redirect(f"{plan.get_absolute_url()}#attachments")
    context = {"plan": plan, "form": form, "attachments": list(plan.attachments.all())}
    return render(request, "plans/attachment_form.html", context)


def _may_download(user, attachment: Attachment) -> bool:
    """The file's owner (plan, register entry, progress update, activity) is visible."""
    if attachment.plan_id:
        return user.has_perm(VIEW, attachment.plan)
    if attachment.document_id:
        return user.has_perm("plans.view_legaldocument", attachment.document)
    if attachment.update_id:
        return user.has_perm("plans.view_task", attachment.update.task)
    if attachment.activity_id:
        return user.has_perm("plans.view_activity", attachment.activity)
    return False


@login_required
def attachment_download(request, token: str):
    attachment = (
        Attachment.objects.select_related(
            "plan__unit", "document", "update__task__plan__unit", "activity__unit"
        )
        .filter(token=token)
        .first()
    )
    if attachment is None or not _may_download(request.user, attachment):
        raise Http404
    try:
        handle = attachment.file.storage.open(attachment.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    # The stored extension tells what the file really is (checked by its content).
    suffix = PurePath(attachment.file.name).suffix
    filename = (PurePath(attachment.original_name).stem or "file") + suffix
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=attachment.content_type not in INLINE_TYPES,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response
