"""Read-side queries for letters: what a user may see, with the filters of the list pages."""

from __future__ import annotations

from danvan.orgs.scope import ALL_ROLES, scope_for
from danvan.petitions.models import Letter


def visible_letters(user):
    """Letters whose resolving unit or receiving unit lies in the user's scope."""
    scope = scope_for(user)
    if scope.is_global:
        return Letter.objects.all()
    query = scope.q("unit__path", ALL_ROLES) | scope.q("received_unit__path", ALL_ROLES)
    if not scope.prefixes(ALL_ROLES):
        return Letter.objects.none()
    return Letter.objects.filter(query)


def letters_resolved_within(unit):
    """Letters resolved by ``unit`` or a unit under it (the unit's own caseload)."""
    return Letter.objects.filter(unit__path__startswith=unit.path)
