"""Public pages, reachable without logging in. Owns no models; reads other apps' selectors."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from danvan.initiatives.models import InitiativeKind
from danvan.portal import selectors


@require_safe
def showcase(request):
    filters = selectors.ShowcaseFilters.from_params(request.GET)
    page = Paginator(selectors.showcase_list(filters), selectors.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "filters": filters,
        "page": page,
        "options": selectors.filter_options(),
        "kinds": InitiativeKind.choices,
    }
    template = (
        "portal/partials/showcase_results.html"
        if request.headers.get("HX-Request") == "true"
        else "portal/showcase.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def showcase_detail(request, pk: int):
    initiative = selectors.showcase_detail(pk)
    if initiative is None:
        raise Http404
    context = {
        "initiative": initiative,
        "replications": selectors.replications(initiative),
        "source": selectors.replicates(initiative),
    }
    return render(request, "portal/showcase_detail.html", context)


@require_safe
def photo(request, token: str):
    evidence = selectors.public_photo(token)
    if evidence is None:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=evidence.content_type or "image/jpeg")
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
