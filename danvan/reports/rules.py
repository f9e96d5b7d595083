"""Who may see and act on report forms, periods and reports.

- A form: every signed-in user reads the catalogue; system administrators change it.
- A period: seen by any role over its owner unit, by the units below it (they report in it)
  and, for a national period, by everyone. Opened, changed and closed by write roles over
  the owner unit (a national period: system administrators).
- A report: seen by any role over its unit (so the levels above see it too). Written and
  submitted by write roles held **at the report's own unit** (a province officer does not
  type a commune's report). Accepted or returned by a reviewer or leader **above** it
  (for a province merged on 1/7/2025: of the province that absorbed it);
  the report of the period's owner (the top of the roll-up) is signed off by its own leader.
  A system administrator may do everything.
Views answer 404 when a ``view_*`` permission fails; the services check the same rules.
"""

from __future__ import annotations

import rules

from danvan.orgs.models import Role, Unit, UnitSuccession
from danvan.orgs.scope import ALL_ROLES, REVIEW_ROLES, WRITE_ROLES, scope_for


def _path_grants(user, roles) -> list[str]:
    return scope_for(user).prefixes(roles)


def writes_at(user, unit: Unit | None) -> bool:
    """A write role held at ``unit`` itself (or at a unit it absorbed)."""
    if unit is None:
        return False
    scope = scope_for(user)
    if scope.is_global:
        return True
    return unit.path in scope.prefixes(WRITE_ROLES)


def reviews_above(user, unit: Unit | None) -> bool:
    """A reviewer or leader role over a strict ancestor of ``unit``; for a closed top-level
    unit (a province merged on 1/7/2025), over the unit that absorbed it, since its report
    rolls up there."""
    if unit is None:
        return False
    scope = scope_for(user)
    if scope.is_global:
        return True
    prefixes = scope.prefixes(REVIEW_ROLES)
    if any(unit.path.startswith(p) and len(p) < len(unit.path) for p in prefixes):
        return True
    if len(unit.path) != Unit.steplen or unit.valid_to is None:
        return False
    successors = Unit.objects.filter(
        pk__in=UnitSuccession.objects.filter(predecessor=unit).values("successor")
    )
    return any(scope.covers(successor, REVIEW_ROLES) for successor in successors)


@rules.predicate
def is_system_admin(user) -> bool:
    return scope_for(user).is_global


@rules.predicate
def sees_period(user, period) -> bool:
    scope = scope_for(user)
    if scope.is_global or period.owner_id is None:
        return scope.is_global or bool(scope.prefixes(ALL_ROLES))
    owner = period.owner
    return scope.covers(owner, ALL_ROLES) or any(
        prefix.startswith(owner.path) for prefix in scope.prefixes(ALL_ROLES)
    )


@rules.predicate
def manages_period(user, period) -> bool:
    scope = scope_for(user)
    if scope.is_global:
        return True
    if period is None or period.owner_id is None:
        return False
    return scope.covers(period.owner, WRITE_ROLES)


@rules.predicate
def may_open_periods(user) -> bool:
    scope = scope_for(user)
    return scope.is_global or bool(scope.prefixes(WRITE_ROLES))


@rules.predicate
def sees_report(user, report) -> bool:
    return scope_for(user).covers(report.unit, ALL_ROLES)


@rules.predicate
def writes_report(user, report) -> bool:
    return writes_at(user, report.unit)


@rules.predicate
def reviews_report(user, report) -> bool:
    if reviews_above(user, report.unit):
        return True
    period = report.period
    if period.owner_id is not None and period.owner_id == report.unit_id:
        return report.unit.path in scope_for(user).prefixes({Role.LEADER})
    return False


rules.add_perm("reports.view_reportform", rules.is_authenticated)
rules.add_perm("reports.change_reportform", is_system_admin)
rules.add_perm("reports.add_period", may_open_periods)
rules.add_perm("reports.view_period", sees_period)
rules.add_perm("reports.change_period", manages_period)
rules.add_perm("reports.view_report", sees_report)
rules.add_perm("reports.change_report", writes_report)
rules.add_perm("reports.review_report", reviews_report)
rules.add_perm("reports.manage_templates", is_system_admin)
