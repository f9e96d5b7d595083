"""Who may see and act on letters and receptions; who may read a sealed identity.

- See a letter: any role over its resolving unit, or over the unit that received it.
- Act on it (accept, assign, transfer, extend, resolve…): write roles over the resolving unit.
- Read the citizen's identity: anyone who may see the letter, unless it is sealed; a sealed
  identity only by the assigned handler and the leaders of the resolving unit itself (not of
  the units above it, not a system administrator). ``services.read_identity`` logs each read.
- Read the identity-access log: inspectors and system administrators over the unit.
"""

from __future__ import annotations

import rules

from danvan.orgs.models import Membership, Role, Unit
from danvan.orgs.scope import ALL_ROLES, WRITE_ROLES, scope_for

LOG_ROLES = frozenset({Role.INSPECTOR, Role.SYSTEM_ADMIN})


def _unit(obj) -> Unit | None:
    if isinstance(obj, Unit):
        return obj
    return getattr(obj, "unit", None)


@rules.predicate
def can_see_letter(user, letter) -> bool:
    scope = scope_for(user)
    return scope.covers(letter.unit, ALL_ROLES) or scope.covers(letter.received_unit, ALL_ROLES)


@rules.predicate
def can_handle(user, obj) -> bool:
    return scope_for(user).covers(_unit(obj), WRITE_ROLES)


@rules.predicate
def sees_unit(user, obj) -> bool:
    return scope_for(user).covers(_unit(obj), ALL_ROLES)


@rules.predicate
def reads_access_log(user, obj) -> bool:
    return scope_for(user).covers(_unit(obj), LOG_ROLES)


def is_seal_holder(user, letter) -> bool:
    """The handler, or a leader of the resolving unit itself."""
    if user is None or not user.is_authenticated:
        return False
    if letter.handler_id is not None and letter.handler_id == user.pk:
        return True
    return (
        Membership.objects.active()
        .filter(user=user, unit_id=letter.unit_id, role=Role.LEADER)
        .exists()
    )


@rules.predicate
def can_read_identity(user, letter) -> bool:
    if not can_see_letter(user, letter):
        return False
    if letter.confidential:
        return is_seal_holder(user, letter)
    return True


rules.add_perm("petitions.view_letter", rules.is_authenticated & can_see_letter)
rules.add_perm("petitions.change_letter", rules.is_authenticated & can_handle)
rules.add_perm("petitions.read_identity", can_read_identity)
rules.add_perm("petitions.view_identityaccess", reads_access_log)
rules.add_perm("petitions.add_letter", can_handle)  # obj: the receiving unit
rules.add_perm("petitions.view_reception", sees_unit)
rules.add_perm("petitions.change_reception", can_handle)
rules.add_perm("petitions.add_reception", can_handle)  # obj: the unit
rules.add_perm("petitions.view_receptionschedule", sees_unit)
rules.add_perm("petitions.change_receptionschedule", can_handle)


@rules.predicate
def is_system_admin(user) -> bool:
    return scope_for(user).is_global


# The calendar and the legal clocks are national data: system administrators edit them.
rules.add_perm("core.change_calendarday", is_system_admin)
rules.add_perm("petitions.change_deadlinerule", is_system_admin)
