"""Coverage: which units of a kind under a root met a requirement, with subtree aggregates.

"Every commune leader holds a listening conference in 10/2026", "every commune adopts its
plan": each unit of one kind (``kind``) in a root unit's subtree either met it or did not.
The caller decides who met it (``met_ids``); this module lists the units with a flag, and
tallies them per direct child of the root so a page can show "X of Y" bars and open a
child to see the same view one level down (drill-down).

Only units in force count: by default those with no ``valid_to`` (the current tree), or
those valid on ``on`` when given. Every call runs a fixed number of queries whatever the
size of the tree (3,321 communes for the whole country): the units in one query, their
parents in another, the breadcrumb in a third. The tallies themselves are computed by the
pure functions ``tally`` and ``met_in_subtree``, which never touch the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from danvan.orgs.models import Unit
from danvan.orgs.scope import ALL_ROLES, scope_for

STEP = Unit.steplen


# ----------------------------------------------------------------------- pure part


@dataclass
class Tally:
    """Units of the required kind in a subtree, and how many of them met the requirement."""

    units: int = 0
    met: int = 0

    def add(self, met: bool) -> None:
        self.units += 1
        self.met += int(met)

    @property
    def missing(self) -> int:
        return self.units - self.met

    @property
    def pct(self) -> float | None:
        """Share of units that met it, one decimal; None when no unit is required."""
        if not self.units:
            return None
        return round(100 * self.met / self.units, 1)


def tally(
    units: Iterable[tuple[str, bool]], *, root_path: str, child_paths: Collection[str]
) -> tuple[Tally, dict[str, Tally]]:
    """(total, per child) tallies of ``units`` given as (path, met) under ``root_path``.

    A unit counts for the direct child of the root whose subtree holds it; the root itself
    (when it is of the required kind) counts only in the total. Linear time: every child's
    path has the same length, so a dictionary finds a unit's child.
    """
    total = Tally()
    per_child = {path: Tally() for path in child_paths}
    width = len(root_path) + STEP
    for path, met in units:
        if not path.startswith(root_path):
            continue
        total.add(met)
        child = per_child.get(path[:width])
        if child is not None:
            child.add(met)
    return total, per_child


def met_in_subtree(candidates: Iterable[tuple[int, str]], event_paths: Iterable[str]) -> set[int]:
    """Ids of ``candidates`` (id, path) with an event at the unit itself or below it.

    For "a commune held a dialogue, or one of its villages did": each event's unit path is
    cut at every level and looked up among the candidates' paths.
    """
    by_path = {path: pk for pk, path in candidates}
    met: set[int] = set()
    for path in set(event_paths):
        for end in range(STEP, len(path) + 1, STEP):
            pk = by_path.get(path[:end])
            if pk is not None:
                met.add(pk)
    return met


# ------------------------------------------------------------------- with the database


@dataclass(frozen=True)
class CoverageRow:
    unit: Unit
    parent: Unit | None
    met: bool


@dataclass
class CoverageGroup:
    """A direct child of the root with the tally of the required units in its subtree."""

    unit: Unit
    tally: Tally
    drillable: bool  # required units lie below the child itself: opening it shows them

    @property
    def hue(self) -> int:
        """0 (red: nobody met it) through amber to 120 (green: everybody)."""
        return round(1.2 * (self.tally.pct or 0))


@dataclass
class Coverage:
    root: Unit
    kind: str
    rows: list[CoverageRow]  # every required unit of the root's subtree, in tree order
    groups: list[CoverageGroup]  # children of the root holding at least one required unit
    total: Tally
    root_row: CoverageRow | None = None  # when the root itself is of the required kind
    trail: list[Unit] = field(default_factory=list)  # from ``top`` down to the root

    @property
    def missing(self) -> list[CoverageRow]:
        return [row for row in self.rows if not row.met]

    @property
    def met_rows(self) -> list[CoverageRow]:
        return [row for row in self.rows if row.met]


def _in_force(qs, on: dt.date | None):
    return qs.filter(valid_to__isnull=True) if on is None else qs.valid_on(on)


def required_units(root: Unit, kind: str, *, on: dt.date | None = None):
    """The units of ``kind`` in ``root``'s subtree (itself included) that are in force."""
    return _in_force(Unit.objects.subtree_of(root).filter(kind=kind), on)


def coverage(
    root: Unit,
    *,
    kind: str,
    met_ids: Collection[int],
    on: dt.date | None = None,
    top: Unit | None = None,
) -> Coverage:
    """Rows and per-child tallies of the units of ``kind`` under ``root``.

    ``met_ids`` are the ids of the units that met the requirement (ids outside the subtree
    are ignored). ``top`` is where the breadcrumb starts (default: the root). Three queries.
    """
    met_ids = set(met_ids)
    width = len(root.path) + STEP
    units = list(required_units(root, kind, on=on).order_by("path"))
    children = list(
        _in_force(
            Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1), on
        ).order_by("path")
    )
    # Parents of the rows, for "Commune X (District Y)"; most are the root or a child.
    known = {unit.path: unit for unit in [root, *children, *units]}
    wanted = {u.path[:-STEP] for u in units if u.depth > 1} - set(known)
    if wanted:
        known.update({u.path: u for u in Unit.objects.filter(path__in=wanted)})
    rows = [
        CoverageRow(unit=u, parent=known.get(u.path[:-STEP]), met=u.pk in met_ids) for u in units
    ]
    total, per_child = tally(
        ((row.unit.path, row.met) for row in rows),
        root_path=root.path,
        child_paths=[child.path for child in children],
    )
    deeper = {row.unit.path[:width] for row in rows if len(row.unit.path) > width}
    groups = [
        CoverageGroup(unit=child, tally=per_child[child.path], drillable=child.path in deeper)
        for child in children
        if per_child[child.path].units
    ]
    root_row = next((row for row in rows if row.unit.pk == root.pk), None)
    return Coverage(
        root=root,
        kind=kind,
        rows=rows,
        groups=groups,
        total=total,
        root_row=root_row,
        trail=trail(top or root, root),
    )


def trail(top: Unit, root: Unit) -> list[Unit]:
    """The units from ``top`` down to ``root`` (both included); no query when they are one."""
    if top.pk == root.pk or not root.path.startswith(top.path):
        return [root]
    paths = [root.path[:n] for n in range(len(top.path), len(root.path) + 1, STEP)]
    return list(Unit.objects.filter(path__in=paths).order_by("path"))


def visible_root(user, root: Unit, preferred: Unit | None = None) -> Unit | None:
    """The part of a requirement set over ``root`` that ``user`` may see.

    All of it when the user's scope covers ``root``; otherwise the highest of the user's own
    units inside it (``preferred``, the working unit, when it is one of them); None when the
    user reaches nothing in it.
    """
    scope = scope_for(user)
    if scope.covers(root, ALL_ROLES):
        return root
    prefixes = [p for p in scope.prefixes(ALL_ROLES) if p.startswith(root.path)]
    if not prefixes:
        return None
    if preferred is not None and preferred.path in prefixes:
        return preferred
    return Unit.objects.filter(path=prefixes[0]).first()
