"""Who may see and change indicators and targets.

- The indicator catalogue is national: every signed-in user reads it; system administrators
  add and change indicators.
- A target is seen by any role over its unit and by the units it applies to (below it); set
  and changed by write roles over its unit.
"""

from __future__ import annotations

import rules

from danvan.orgs.scope import ALL_ROLES, WRITE_ROLES, scope_for


@rules.predicate
def is_system_admin(user) -> bool:
    return scope_for(user).is_global


@rules.predicate
def sees_target(user, target) -> bool:
    scope = scope_for(user)
    if scope.covers(target.unit, ALL_ROLES):
        return True
    return any(prefix.startswith(target.unit.path) for prefix in scope.prefixes(ALL_ROLES))


@rules.predicate
def sets_target(user, target) -> bool:
    return scope_for(user).covers(target.unit, WRITE_ROLES)


@rules.predicate
def has_any_write_role(user) -> bool:
    scope = scope_for(user)
    return scope.is_global or bool(scope.prefixes(WRITE_ROLES))


rules.add_perm("kpis.view_indicator", rules.is_authenticated)
rules.add_perm("kpis.change_indicator", is_system_admin)
rules.add_perm("kpis.add_target", has_any_write_role)
rules.add_perm("kpis.view_target", sees_target)
rules.add_perm("kpis.change_target", sets_target)
