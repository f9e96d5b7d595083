"""The legal documents register: list and search, one entry, register and correct, lookup.

The register is shared: every signed-in user reads it (directives, resolutions and the
plans issued in danvan); write roles add entries, and the unit that registered an entry
corrects it. An entry's page shows the plans citing it, limited to the plans the user sees.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from danvan.core.access import get_object_for
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.plans import filters, services
from danvan.plans.forms_plans import DocumentForm, province_units, writable_units
from danvan.plans.models import DocumentType, LegalDocument, Plan, PlanBasis
from danvan.plans.selectors import visible_plans

PAGE_SIZE = 30
LOOKUP_SIZE = 20
VIEW = "plans.view_legaldocument"
ADD = "plans.add_legaldocument"
CHANGE = "plans.change_legaldocument"


def _params_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@vary_on_headers("HX-Request")
def document_list(request):
    chosen = filters.DocumentFilters.from_params(request.GET)
    rows = filters.document_list(chosen)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filters": chosen, "page": page, "query": _params_without_page(request)}
    if is_htmx(request):
        return render(request, "plans/partials/document_results.html", context)
    context.update(
        doc_types=DocumentType.choices,
        issuers=filters.document_issuers(),
        years=filters.document_years(),
        sorts=[
            ("-date", _("Newest first")),
            ("date", _("Oldest first")),
            ("number", _("Number (A→Z)")),
            ("-number", _("Number (Z→A)")),
        ],
        can_add=request.user.has_perm(ADD),
    )
    return render(request, "plans/document_list.html", context)


def _visible(request, pk: int) -> LegalDocument:
    return get_object_for(
        request.user,
        LegalDocument.objects.select_related("issuer_unit", "registered_by_unit", "plan__unit"),
        perm=VIEW,
        pk=pk,
    )


@login_required
def document_detail(request, pk: int):
    document = _visible(request, pk)
    citations = list(
        PlanBasis.objects.filter(
            document=document, plan__in=visible_plans(request.user).values("pk")
        )
        .select_related("plan__unit")
        .order_by("-plan__issued_on", "-plan__pk")
    )
    plan = document.plan
    context = {
        "document": document,
        "files": list(document.files.all()),
        "citations": citations,
        "danvan_plan": plan if plan and request.user.has_perm("plans.view_plan", plan) else None,
        "can_change": request.user.has_perm(CHANGE, document),
    }
    return render(request, "plans/document_detail.html", context)


@login_required
def document_new(request):
    if not request.user.has_perm(ADD):
        raise PermissionDenied
    working = request.working_unit or None
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        issuer_units=province_units(request.user, working),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("files")
        # The unit answering for the entry (it may correct it later): the working unit.
        writable = writable_units(request.user)
        unit = (working and writable.filter(pk=working.pk).first()) or writable.first()
        try:
            document = services.save_document(actor=request.user, data=data, unit=unit, files=files)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Registered %(doc)s.") % {"doc": document.short_citation},
            )
            return redirect(document)
    return render(request, "plans/document_form.html", {"form": form})


@login_required
def document_edit(request, pk: int):
    document = _visible(request, pk)
    if not request.user.has_perm(CHANGE, document):
        raise PermissionDenied
    initial = {name: getattr(document, name) for name in services.DOCUMENT_FIELDS}
    keep = [document.issuer_unit] if document.issuer_unit else []
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        issuer_units=province_units(request.user, request.working_unit or None, keep=keep),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("files")
        try:
            services.save_document(actor=request.user, data=data, document=document, files=files)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Saved the changes."))
            return redirect(document)
    context = {"form": form, "document": document, "files": list(document.files.all())}
    return render(request, "plans/document_form.html", context)


@login_required
def document_lookup(request):
    """Up to 20 register entries matching ``q`` by number or words: JSON, or the picker's
    radio list (htmx). ``plan`` marks the entries that plan already cites."""
    query = str(request.GET.get("q", "")).strip()[: filters.QUERY_MAX]
    results = []
    if query:
        results = list(
            filters.search_documents(query).order_by("-issued_on", "number_key", "pk")[:LOOKUP_SIZE]
        )
    cited: set[int] = set()
    plan_id = filters.int_param(request.GET, "plan")
    if plan_id:
        plan = Plan.objects.select_related("unit").filter(pk=plan_id).first()
        if plan is not None and request.user.has_perm("plans.view_plan", plan):
            cited = set(plan.bases.values_list("document_id", flat=True))
    if is_htmx(request):
        context = {"query": query, "results": results, "cited": cited}
        return render(request, "plans/partials/document_lookup.html", context)
    return JsonResponse(
        {
            "query": query,
            "results": [
                {
                    "id": d.pk,
                    "number": d.number,
                    "type": d.doc_type,
                    "type_name": d.type_name,
                    "issuer": d.issuer,
                    "issued_on": d.issued_on.isoformat() if d.issued_on else None,
                    "title": d.title,
                    "citation": d.citation,
                    "url": d.get_absolute_url(),
                    "cited": d.pk in cited,
                }
                for d in results
            ],
        }
    )
