"""Public pages, reachable without logging in. Owns no models; reads other apps' selectors."""

from django.http import Http404


def showcase(request):
    raise Http404


def showcase_detail(request, pk: int):
    raise Http404


def photo(request, token: str):
    raise Http404
