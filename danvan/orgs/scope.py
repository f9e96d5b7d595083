"""What a user may reach: the subtrees under their memberships.

A membership at a unit grants its role over the unit's whole subtree, and over the subtrees
of the unit's predecessors (a commune merged on 1/7/2025 keeps the history of the communes
it absorbed). ``scope_for(user)`` is computed once per request object and cached on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from danvan.orgs.models import Membership, Role, Unit, UnitSuccession

ALL_ROLES = frozenset(Role.values)
WRITE_ROLES = frozenset({Role.OFFICER, Role.LEADER, Role.UNIT_ADMIN, Role.SYSTEM_ADMIN})
ADMIN_ROLES = frozenset({Role.UNIT_ADMIN, Role.SYSTEM_ADMIN})
REVIEW_ROLES = frozenset({Role.REVIEWER, Role.LEADER, Role.SYSTEM_ADMIN})

_CACHE_ATTR = "_danvan_scope"


@dataclass(frozen=True)
class Scope:
    is_global: bool
    grants: tuple[tuple[str, str], ...]  # (role, path prefix)

    def prefixes(self, roles: Iterable[str] = ALL_ROLES) -> list[str]:
        wanted = set(roles)
        return sorted({path for role, path in self.grants if role in wanted})

    def covers(self, unit: Unit | None, roles: Iterable[str] = ALL_ROLES) -> bool:
        if unit is None:
            return False
        if self.is_global:
            return True
        return any(unit.path.startswith(prefix) for prefix in self.prefixes(roles))

    def q(self, field: str = "unit__path", roles: Iterable[str] = ALL_ROLES) -> Q:
        """A filter for a queryset whose rows belong to the unit reached by ``field``."""
        if self.is_global:
            return Q()
        prefixes = self.prefixes(roles)
        if not prefixes:
            return Q(pk__in=[])
        query = Q()
        for prefix in prefixes:
            query |= Q(**{f"{field}__startswith": prefix})
        return query


EMPTY_SCOPE = Scope(is_global=False, grants=())


def predecessor_paths(unit_ids: set[int]) -> dict[int, set[str]]:
    """Paths of every unit that (transitively) preceded each of ``unit_ids``.

    One query per link of the longest merger chain, and linear in the number of units and
    links (a national period asks for every unit of the country at once)."""
    result: dict[int, set[str]] = {uid: set() for uid in unit_ids}
    frontier = {uid: {uid} for uid in unit_ids}
    seen: set[tuple[int, int]] = set()
    for _depth in range(10):  # merger chains are short; the bound guards against cycles
        wanted = set().union(*frontier.values()) if frontier else set()
        if not wanted:
            break
        by_successor: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for successor_id, predecessor_id, path in UnitSuccession.objects.filter(
            successor_id__in=wanted
        ).values_list("successor_id", "predecessor_id", "predecessor__path"):
            by_successor[successor_id].append((predecessor_id, path))
        next_frontier: dict[int, set[int]] = {}
        for root, members in frontier.items():
            for member in members:
                for predecessor_id, path in by_successor.get(member, ()):
                    if (root, predecessor_id) not in seen:
                        seen.add((root, predecessor_id))
                        result[root].add(path)
                        next_frontier.setdefault(root, set()).add(predecessor_id)
        frontier = next_frontier
    return result


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated:
        return EMPTY_SCOPE
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    memberships = list(
        Membership.objects.active().filter(user=user).values_list("role", "unit_id", "unit__path")
    )
    is_global = user.is_superuser or any(role == Role.SYSTEM_ADMIN for role, _u, _p in memberships)
    grants: set[tuple[str, str]] = set()
    predecessors = predecessor_paths({unit_id for _r, unit_id, _p in memberships})
    for role, unit_id, path in memberships:
        grants.add((role, path))
        grants.update((role, old_path) for old_path in predecessors.get(unit_id, ()))
    scope = Scope(is_global=is_global, grants=tuple(sorted(grants)))
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's memberships change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
