"""The filters of the indicator catalogue and the target list, read from a query string, and
the latest known figure of each listed target.

Each filter set is a frozen dataclass built leniently from GET parameters (a malformed value
reads as "not given"); a function turns it into the queryset the page, its htmx partial and
its Excel export share. ``latest_progress`` finds, for a page of targets, the latest report
period covering each target's unit and rolls each such period up once (never once per
target), so the list costs the same number of queries for 2 rows or 200.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from danvan.core.params import choice_param, int_param
from danvan.kpis.models import (
    Category,
    Indicator,
    IndicatorKind,
    Source,
    Target,
    TargetKind,
)
from danvan.kpis.selectors import status_of
from danvan.kpis.status import COLOURS, Status
from danvan.orgs.models import Unit
from danvan.orgs.scope import ALL_ROLES, scope_for

QUERY_MAX = 100


def _text(params: Mapping[str, Any], key: str) -> str:
    return str(params.get(key, "")).strip()[:QUERY_MAX]


def _year(params: Mapping[str, Any], key: str = "year") -> int | None:
    value = int_param(params, key)
    return value if value is not None and 2000 <= value <= 2200 else None


# ------------------------------------------------------------------ indicator catalogue

INDICATOR_SORTS = {
    "category": ("category", "order", "code"),
    "code": ("code",),
    "name": ("name", "code"),
    "-updated": ("-updated_at", "code"),
}
ACTIVE_CHOICES = ("yes", "no")


@dataclass(frozen=True)
class IndicatorFilters:
    q: str = ""
    category: str = ""
    kind: str = ""
    source: str = ""
    active: str = ""  # "yes", "no" or "" (both)
    sort: str = "category"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> IndicatorFilters:
        return cls(
            q=_text(params, "q"),
            category=choice_param(params, "category", Category.values),
            kind=choice_param(params, "kind", IndicatorKind.values),
            source=choice_param(params, "source", Source.values),
            active=choice_param(params, "active", ACTIVE_CHOICES),
            sort=choice_param(params, "sort", INDICATOR_SORTS) or "category",
        )

    @property
    def is_filtered(self) -> bool:
        return any([self.q, self.category, self.kind, self.source, self.active])


def indicator_list(filters: IndicatorFilters):
    """The catalogue (national: every signed-in user reads all of it), filtered and sorted,
    with the number of report forms that use each indicator."""
    qs = Indicator.objects.search(filters.q)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.active:
        qs = qs.filter(is_active=filters.active == "yes")
    return (
        qs.select_related("weight")
        .annotate(n_forms=Count("form_fields__version__form", distinct=True))
        .order_by(*INDICATOR_SORTS[filters.sort])
    )


# ------------------------------------------------------------------------ targets


@dataclass(frozen=True)
class TargetFilters:
    indicator: int | None = None
    category: str = ""
    unit: int | None = None  # set by this unit or a unit under it
    year: int | None = None
    kind: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> TargetFilters:
        return cls(
            indicator=int_param(params, "indicator"),
            category=choice_param(params, "category", Category.values),
            unit=int_param(params, "unit"),
            year=_year(params),
            kind=choice_param(params, "kind", TargetKind.values),
        )

    @property
    def is_filtered(self) -> bool:
        return any([self.indicator, self.category, self.unit, self.year, self.kind])


def target_list(user, filters: TargetFilters):
    """Targets the user may see (their units' and those set above that apply to them)."""
    qs = Target.objects.visible_to(user)
    if filters.indicator:
        qs = qs.filter(indicator_id=filters.indicator)
    if filters.category:
        qs = qs.filter(indicator__category=filters.category)
    if filters.unit:
        unit = Unit.objects.filter(pk=filters.unit).only("path").first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.select_related("indicator", "unit", "plan", "plan__unit").order_by(
        "indicator__category", "indicator__order", "indicator__code", "unit__path", "year", "pk"
    )


# ------------------------------------------------------ latest figure of each target


@dataclass
class Progress:
    """What the list shows beside a target: its latest figure and status, if any."""

    period: Any = None  # the period whose roll-up gave the figure
    value: Decimal | None = None
    status: Status | None = None
    accepted: int = 0  # completeness of the figure: units accepted / units expected
    expected: int = 0
    hidden: bool = False  # the figure is outside what the user may see
    # for an "each unit of a kind" target: how many of those units (that the user sees)
    # have each status
    counts: dict[str, int] = field(default_factory=dict)

    text: str = "—"  # the value in the indicator's format (1.234,5)

    @property
    def colour(self) -> str:
        return COLOURS.get(self.status, "secondary") if self.status else "secondary"

    @property
    def count_items(self) -> list[tuple[str, str, int]]:
        return [
            (status.label, COLOURS[status], self.counts[status.value])
            for status in Status
            if self.counts.get(status.value)
        ]


def _ancestor_paths(path: str) -> list[str]:
    return [path[:n] for n in range(Unit.steplen, len(path) + 1, Unit.steplen)]


def _latest_periods(units: Iterable[Unit]) -> dict[int, Any]:
    """{unit id: the latest opened period whose owner is the unit or above it} (one query)."""
    from danvan.reports.models import Period, PeriodStatus

    units = list(units)
    paths = {p for unit in units for p in _ancestor_paths(unit.path)}
    if not units:
        return {}
    periods = list(
        Period.objects.filter(Q(owner__path__in=paths) | Q(owner__isnull=True))
        .exclude(status=PeriodStatus.DRAFT)
        .select_related("owner", "form_version")
        .order_by("-end_date", "-pk")
    )
    chosen = {}
    for unit in units:
        for period in periods:
            if period.owner_id is None or unit.path.startswith(period.owner.path):
                chosen[unit.pk] = period
                break
    return chosen


def latest_progress(user, targets: list[Target]) -> dict[int, Progress]:
    """{target id: Progress} for ``targets``: each target unit's latest rolled-up figure.

    One query for the periods, then one roll-up per distinct period (each a fixed number of
    queries), whatever the number of targets.
    """
    from danvan.reports.rollups import period_rollup

    if not targets:
        return {}
    scope = scope_for(user)
    periods = _latest_periods({target.unit_id: target.unit for target in targets}.values())
    wanted: dict[int, tuple[Any, dict[int, Indicator]]] = {}
    for target in targets:
        period = periods.get(target.unit_id)
        if period is not None:
            wanted.setdefault(period.pk, (period, {}))[1][target.indicator_id] = target.indicator
    rollups = {
        pk: period_rollup(period, period.owner, indicators=list(indicators.values()))
        for pk, (period, indicators) in wanted.items()
    }
    result: dict[int, Progress] = {}
    for target in targets:
        period = periods.get(target.unit_id)
        if period is None:
            result[target.pk] = Progress()
            continue
        rollup = rollups[period.pk]
        day = period.end_date
        if target.applies_to_kind:
            progress = Progress(period=period)
            counts = {status.value: 0 for status in Status}
            for row in rollup.rows.values():
                if row.unit_kind != target.applies_to_kind or not row.path.startswith(
                    target.unit.path
                ):
                    continue
                if not scope.is_global and not any(
                    row.path.startswith(prefix) for prefix in scope.prefixes(ALL_ROLES)
                ):
                    continue
                figure = rollup.figure(row.id, target.indicator_id)
                value = figure.value if figure else None
                counts[status_of(target, value, day=day)] += 1
            progress.counts = counts
            result[target.pk] = progress
            continue
        if not scope.covers(target.unit, ALL_ROLES):
            result[target.pk] = Progress(period=period, hidden=True)
            continue
        report_id = next(
            (row.id for row in rollup.rows.values() if row.unit_id == target.unit_id), None
        )
        if report_id is None:
            result[target.pk] = Progress(period=period, status=Status.NO_DATA)
            continue
        figure = rollup.figure(report_id, target.indicator_id)
        value = figure.value if figure else None
        accepted, expected = rollup.completeness(report_id)
        result[target.pk] = Progress(
            period=period,
            value=value,
            status=status_of(target, value, day=day),
            accepted=accepted,
            expected=expected,
            text=target.indicator.format(value),
        )
    return result


def target_years(user) -> list[int]:
    return sorted(
        set(Target.objects.visible_to(user).order_by().values_list("year", flat=True).distinct()),
        reverse=True,
    )


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
