"""Object permissions of the orgs app, combined from small predicates.

Every predicate takes ``(user, obj)`` where ``obj`` is a unit or anything with a ``unit``.
Views answer 404 (not 403) when a permission on an object fails, so nobody learns what
exists outside their scope.
"""

import rules

from danvan.orgs.models import Unit
from danvan.orgs.scope import ADMIN_ROLES, ALL_ROLES, WRITE_ROLES, scope_for


def unit_of(obj) -> Unit | None:
    if isinstance(obj, Unit):
        return obj
    return getattr(obj, "unit", None)


@rules.predicate
def in_unit_scope(user, obj) -> bool:
    return scope_for(user).covers(unit_of(obj), ALL_ROLES)


@rules.predicate
def can_write_in_scope(user, obj) -> bool:
    return scope_for(user).covers(unit_of(obj), WRITE_ROLES)


@rules.predicate
def is_unit_admin_in_scope(user, obj) -> bool:
    return scope_for(user).covers(unit_of(obj), ADMIN_ROLES)


@rules.predicate
def is_current_unit(user, obj) -> bool:
    unit = unit_of(obj)
    return unit is not None and unit.is_current


# Unit names are public; everything else about a unit is for its subtree's members.
rules.add_perm("orgs.view_unit", rules.always_allow)
rules.add_perm("orgs.view_unit_members", rules.is_authenticated & in_unit_scope)
rules.add_perm("orgs.view_unit_history", rules.is_authenticated & in_unit_scope)
rules.add_perm("orgs.add_agency", rules.is_authenticated & is_unit_admin_in_scope & is_current_unit)
rules.add_perm("orgs.change_unit", rules.is_authenticated & is_unit_admin_in_scope)
rules.add_perm("orgs.manage_memberships", rules.is_authenticated & is_unit_admin_in_scope)
