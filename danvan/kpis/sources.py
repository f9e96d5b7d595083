"""Computed indicator sources: each module registers what it can count.

A module (initiatives, plans, petitions, dialogues) registers its sources in its
``indicators.py``, imported by its ``AppConfig.ready``::

    sources.register(
        "petitions.received",
        _("Letters received"),
        compute=lambda units, start, end: sources.count_by_subtree(
            Letter.objects.filter(received_on__range=(start, end)), "unit__path", units
        ),
    )

``compute(units, start, end)`` returns, for each unit, the figure of its **whole subtree**
over the dates, as an ``Entry`` (a count in ``value``; a rate as ``numerator`` and
``denominator``), in a constant number of queries whatever the number of units
(``count_by_subtree`` groups by path prefix, one query per tree depth). A report's own figure
is then its subtree minus the subtrees of the reporting units below it (``own_figures``), so
rolling the reports up gives back the subtree figure exactly, with nothing counted twice.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.db.models.functions import Substr

from danvan.kpis.rollup import Entry

Compute = Callable[[Sequence, dt.date, dt.date], dict[int, Entry]]


@dataclass(frozen=True)
class ComputedSource:
    key: str
    label: str
    compute: Compute
    is_rate: bool = False
    description: str = ""


_REGISTRY: dict[str, ComputedSource] = {}


def register(
    key: str, label, *, compute: Compute, is_rate: bool = False, description=""
) -> ComputedSource:
    source = ComputedSource(
        key=key, label=label, compute=compute, is_rate=is_rate, description=description
    )
    _REGISTRY[key] = source
    return source


def get(key: str) -> ComputedSource | None:
    return _REGISTRY.get(key)


def all_sources() -> list[ComputedSource]:
    return sorted(_REGISTRY.values(), key=lambda source: source.key)


def choices() -> list[tuple[str, str]]:
    return [(source.key, f"{source.key} — {source.label}") for source in all_sources()]


def count_by_subtree(
    queryset: QuerySet,
    path_field: str,
    units: Sequence,
    **aggregates,
) -> dict[int, dict[str, int]] | dict[int, Entry]:
    """Aggregate ``queryset`` over each unit's subtree, one grouped query per tree depth.

    A unit's subtree includes the subtrees of the units it absorbed (a commune merged on
    1/7/2025 keeps the records of the communes it replaced). A unit split between several
    successors is counted once, for the first of them, so nothing is counted twice.

    Without ``aggregates`` it counts rows and returns ``{unit id: Entry(value=count)}``. With
    them (``numerator=Count(...), denominator=Count(...)``) it returns
    ``{unit id: {name: number}}`` for the caller to shape. Only sums and counts may be
    asked for: a unit's figure adds up the figures of its own and its predecessors' subtrees.
    """
    from django.db.models import Count

    claims = _claimed_paths(units)
    by_depth: dict[int, dict[str, int]] = defaultdict(dict)
    for path, unit_id in claims.items():
        by_depth[len(path)][path] = unit_id
    totals: dict[int, dict[str, int]] = {}
    wanted = aggregates or {"value": Count("pk")}
    for depth, paths in by_depth.items():
        rows = (
            queryset.order_by()
            .annotate(_prefix=Substr(path_field, 1, depth))
            .filter(_prefix__in=list(paths))
            .values("_prefix")
            .annotate(**wanted)
        )
        for row in rows:
            unit_id = paths[row.pop("_prefix")]
            total = totals.setdefault(unit_id, dict.fromkeys(wanted, 0))
            for name in wanted:
                total[name] += row[name] or 0
    if aggregates:
        return {unit.pk: totals.get(unit.pk, dict.fromkeys(wanted, 0)) for unit in units}
    return {
        unit.pk: Entry(value=Decimal(totals.get(unit.pk, {}).get("value", 0))) for unit in units
    }


_CLAIMS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("claims", default=None)


@contextlib.contextmanager
def shared_claims() -> Iterator[None]:
    """Within the block, computing several sources over the same units reads the units'
    absorbed paths once (opening a national period computes 15 sources over 3,355 units)."""
    token = _CLAIMS.set({})
    try:
        yield
    finally:
        _CLAIMS.reset(token)


def _claimed_paths(units: Sequence) -> dict[str, int]:
    """``{path: unit id}``: each unit's own path and the paths of the units it absorbed.

    A predecessor inside another claimed path of the same unit adds nothing; a predecessor
    claimed by several units (a split) goes to the unit with the lowest id.
    """
    cache = _CLAIMS.get()
    if cache is None:
        return _claim(units)
    key = tuple(sorted((unit.pk, unit.path) for unit in units))
    if key not in cache:
        cache[key] = _claim(units)
    return cache[key]


def _claim(units: Sequence) -> dict[str, int]:
    from danvan.orgs.scope import predecessor_paths

    claims: dict[str, int] = {unit.path: unit.pk for unit in units}
    own: dict[int, list[str]] = {unit.pk: [unit.path] for unit in units}
    predecessors = predecessor_paths({unit.pk for unit in units})
    for unit_id in sorted(predecessors):
        for path in sorted(predecessors[unit_id], key=len):
            if path in claims or any(path.startswith(p) for p in own[unit_id]):
                continue
            claims[path] = unit_id
            own[unit_id].append(path)
    return claims


def rate_by_subtree(
    queryset: QuerySet, path_field: str, units: Sequence, *, numerator, denominator
) -> dict[int, Entry]:
    """A rate per subtree from two aggregates (e.g. resolved on time / resolved)."""
    rows = count_by_subtree(
        queryset, path_field, units, numerator=numerator, denominator=denominator
    )
    return {
        unit_id: Entry(
            numerator=Decimal(row["numerator"]),
            denominator=Decimal(row["denominator"]),
        )
        for unit_id, row in rows.items()
    }


def subtree_q(units: Sequence, path_field: str = "unit__path") -> Q:
    query = Q(pk__in=[])
    for unit in units:
        query |= Q(**{f"{path_field}__startswith": unit.path})
    return query


def own_figures(
    subtree: Mapping[Hashable, Entry], children: Mapping[Hashable, Sequence[Hashable]]
) -> dict[Hashable, Entry]:
    """Each reporting unit's own figure: its subtree's minus its reporting children's subtrees.

    ``children`` maps a reporting unit to the reporting units directly below it (each of
    which is inside its subtree), so the subtraction never goes below zero.
    """
    own: dict[Hashable, Entry] = {}
    for key, entry in subtree.items():
        value, numerator, denominator = entry.value, entry.numerator, entry.denominator
        for child in children.get(key, ()):
            child_entry = subtree.get(child)
            if child_entry is None:
                continue
            if value is not None and child_entry.value is not None:
                value -= child_entry.value
            if numerator is not None and child_entry.numerator is not None:
                numerator -= child_entry.numerator
            if denominator is not None and child_entry.denominator is not None:
                denominator -= child_entry.denominator
        own[key] = Entry(value=value, numerator=numerator, denominator=denominator)
    return own
