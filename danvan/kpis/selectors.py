"""Which target applies to a unit's figure, and its status — for many units at once.

``targets_for(units, indicators, year)`` loads, in one query, every target that can apply to
the units: set on the unit itself for its own figure, or set on an ancestor for units of the
unit's kind. The most specific wins: a target on the unit itself, then the nearest ancestor's
"each unit of this kind" target. Annual targets of ``year`` win over horizon targets; among
horizon targets the nearest horizon year not before ``year`` wins.

``status_of(target, value, day=, previous=)`` applies ``danvan.kpis.status.evaluate`` with the
target's deadline (31/12 of its year) and, for a horizon target with a baseline, the share of
the way from the baseline year to the horizon at ``day``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q

from danvan.kpis.models import Indicator, Target, TargetKind
from danvan.kpis.status import Status, evaluate, progress_between
from danvan.orgs.models import Unit


def _ancestor_paths(path: str) -> list[str]:
    return [path[:n] for n in range(Unit.steplen, len(path) + 1, Unit.steplen)]


def targets_for(
    units: Iterable[Unit], indicators: Iterable[Indicator], year: int
) -> dict[tuple[int, int], Target]:
    """``{(unit id, indicator id): target}`` for the targets that apply (one query)."""
    units = list(units)
    indicator_ids = [indicator.pk for indicator in indicators]
    paths = {p for unit in units for p in _ancestor_paths(unit.path)}
    if not units or not indicator_ids:
        return {}
    candidates = list(
        Target.objects.filter(indicator_id__in=indicator_ids, unit__path__in=paths)
        .filter(Q(kind=TargetKind.ANNUAL, year=year) | Q(kind=TargetKind.HORIZON, year__gte=year))
        .select_related("unit", "indicator")
    )
    chosen: dict[tuple[int, int], Target] = {}
    for unit in units:
        for target in candidates:
            if not unit.path.startswith(target.unit.path):
                continue
            if target.applies_to_kind:
                if target.applies_to_kind != unit.kind:
                    continue
            elif target.unit_id != unit.pk:
                continue
            key = (unit.pk, target.indicator_id)
            current = chosen.get(key)
            if current is None or _rank(target, unit) < _rank(current, unit):
                chosen[key] = target
    return chosen


def _rank(target: Target, unit: Unit) -> tuple:
    own = 0 if (not target.applies_to_kind and target.unit_id == unit.pk) else 1
    depth = -len(target.unit.path)  # nearer ancestors first
    kind = 0 if target.kind == TargetKind.ANNUAL else 1
    return (own, kind, depth, target.year)


def deadline(target: Target) -> dt.date:
    return dt.date(target.year, 12, 31)


def status_of(
    target: Target | None,
    value: Decimal | None,
    *,
    day: dt.date,
    previous: Decimal | None = None,
) -> Status | None:
    """The status of ``value`` against ``target`` on ``day`` (None when no target applies)."""
    if target is None:
        return None
    progress = None
    if target.baseline_year is not None:
        progress = progress_between(target.baseline_year, target.year, day)
    return evaluate(
        target.comparator,
        value,
        target.value,
        target.value_high,
        deadline_passed=day > deadline(target),
        progress=progress,
        baseline=target.baseline_value,
        previous=previous,
    )


def status_counts(statuses: Iterable[Status | None]) -> dict[str, int]:
    counts = {status.value: 0 for status in Status}
    for status in statuses:
        if status is not None:
            counts[status] += 1
    return counts
