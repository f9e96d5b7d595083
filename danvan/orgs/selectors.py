"""Reads shaped for screens and other apps."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F

from danvan.orgs.models import AGENCY_KINDS, Membership, Unit, UnitKind, UnitSuccession

SESSION_WORKING_UNIT = "danvan_working_unit"


def writable_units(user):
    """Units in force where the user holds a write role (directly or above them)."""
    from danvan.orgs.scope import WRITE_ROLES, scope_for

    return Unit.objects.current().filter(scope_for(user).q("path", WRITE_ROLES)).order_by("path")


def default_unit(units, working: Unit | None) -> Unit | None:
    """The row of ``units`` that is the working unit, else the first of them."""
    if working is not None:
        found = next((u for u in units if u.pk == working.pk), None)
        if found is not None:
            return found
    return units[0] if units else None


def membership_units(user) -> list[Unit]:
    """The distinct units where ``user`` holds an active membership, highest first."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_danvan_units", None)
    if cached is None:
        ids = Membership.objects.active().filter(user=user).values("unit_id")
        cached = list(Unit.objects.filter(pk__in=ids).order_by("depth", "name"))
        user._danvan_units = cached
    return cached


def working_unit(request) -> Unit | None:
    """The unit the user chose in the header, or their highest membership unit."""
    units = membership_units(request.user)
    if not units:
        return None
    chosen = request.session.get(SESSION_WORKING_UNIT)
    for unit in units:
        if unit.pk == chosen:
            return unit
    return units[0]


def unit_history(unit: Unit) -> tuple[list[UnitSuccession], list[UnitSuccession]]:
    """(predecessor links, successor links) of a unit, with the other side loaded."""
    predecessors = list(
        UnitSuccession.objects.filter(successor=unit)
        .select_related("predecessor")
        .order_by("-date", "predecessor__name")
    )
    successors = list(
        UnitSuccession.objects.filter(predecessor=unit)
        .select_related("successor")
        .order_by("-date", "successor__name")
    )
    return predecessors, successors


def subtree_counts(unit: Unit, *, on: dt.date) -> dict:
    """Counts of units in force under ``unit`` by kind, plus active members."""
    rows = (
        Unit.objects.subtree_of(unit, include_self=False)
        .valid_on(on)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_kind = {row["kind"]: row["n"] for row in rows}
    members = Membership.objects.active().within(unit).values("user_id").distinct().count()
    return {
        "by_kind": [(kind.label, by_kind[kind]) for kind in UnitKind if by_kind.get(kind)],
        "communes": by_kind.get(UnitKind.COMMUNE, 0),
        "districts": by_kind.get(UnitKind.DISTRICT, 0),
        "agencies": sum(by_kind.get(kind, 0) for kind in AGENCY_KINDS),
        "members": members,
    }


def children_of(unit: Unit, *, query: str = "", kinds: list[str] | None = None):
    qs = Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).search(query)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.order_by("kind", "name")


def search_units(*, query: str = "", kind: str = "", validity: str = "current", on: dt.date):
    qs = Unit.objects.search(query)
    if kind:
        qs = qs.filter(kind=kind)
    if validity == "current":
        qs = qs.valid_on(on)
    elif validity == "legacy":
        qs = qs.filter(valid_to__lt=on)
    # Current units first, then by level, then alphabetically.
    return qs.order_by(F("valid_to").desc(nulls_first=True), "depth", "name")
