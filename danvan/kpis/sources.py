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

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
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

    Without ``aggregates`` it counts rows and returns ``{unit id: Entry(value=count)}``. With
    them (``numerator=Count(...), denominator=Count(...)``) it returns
    ``{unit id: {name: number}}`` for the caller to shape.
    """
    by_depth: dict[int, dict[str, int]] = defaultdict(dict)
    for unit in units:
        by_depth[len(unit.path)][unit.path] = unit.pk
    totals: dict[int, dict[str, int]] = {}
    from django.db.models import Count

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
            totals[unit_id] = {name: row[name] or 0 for name in wanted}
    if aggregates:
        return {unit.pk: totals.get(unit.pk, dict.fromkeys(wanted, 0)) for unit in units}
    return {
        unit.pk: Entry(value=Decimal(totals.get(unit.pk, {}).get("value", 0))) for unit in units
    }


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
