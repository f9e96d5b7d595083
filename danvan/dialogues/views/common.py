"""Helpers the dialogue and disclosure pages share."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme

from danvan.orgs.models import Unit
from danvan.orgs.selectors import membership_units

PAGE_SIZE = 30


def params_without_page(request) -> str:
    """The query string of the current list, for the export link (the page dropped)."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def unit_options(request, chosen: int | None) -> list[Unit]:
    """The user's own units, plus the unit a link filtered on when the user may see it."""
    units = list(membership_units(request.user))
    if chosen and all(u.pk != chosen for u in units):
        extra = Unit.objects.filter(pk=chosen).first()
        if extra is not None and request.user.has_perm("orgs.view_unit", extra):
            units.append(extra)
    return units


def next_url(request, fallback: str) -> str:
    """The ``next`` field of a POST when it stays on this site, else ``fallback``."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback
