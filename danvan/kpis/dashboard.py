"""The indicator dashboard of a unit's subtree, assembled without HTTP.

For one unit and one report period (``build``):

- each indicator of the period's form with the unit's rolled-up figure, its completeness
  ("x of y units"), the target that applies to the unit and its status (traffic light);
- a heat-map of the unit's child reporting units (one level down) × the indicators of one
  category, each cell the child's figure coloured by its status against the target that
  applies to that child ("each commune …"); a child with no data is missing, never zero;
- the state of the reports of the subtree (accepted / submitted / returned / draft);
- ``trend`` gives one indicator's figure for the unit over the last periods, with its target.

Everything runs a fixed number of queries whatever the number of units: the roll-up of the
period (and of the previous period of the same owner and form, for "on track"), the targets
of the unit and its children in one query, the breadcrumb in one. The trend costs a fixed
number of queries per period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from danvan.kpis.models import Category, Indicator, Target
from danvan.kpis.selectors import status_counts, status_of, targets_for
from danvan.kpis.status import COLOURS, Status
from danvan.orgs.models import Unit
from danvan.orgs.scope import ALL_ROLES, scope_for
from danvan.reports.models import Period, PeriodStatus, ReportState
from danvan.reports.rollups import PeriodRollup, ReportRow, period_rollup

STEP = Unit.steplen
TREND_PERIODS = 8
STATE_ORDER = (
    ReportState.ACCEPTED,
    ReportState.SUBMITTED,
    ReportState.RETURNED,
    ReportState.DRAFT,
)
# Chart colours of the report states (Bootstrap's success, info, warning, secondary).
STATE_COLOURS = {
    ReportState.ACCEPTED: "success",
    ReportState.SUBMITTED: "info",
    ReportState.RETURNED: "warning",
    ReportState.DRAFT: "secondary",
}
HEX = {
    "success": "#198754",
    "info": "#0dcaf0",
    "warning": "#ffc107",
    "danger": "#dc3545",
    "secondary": "#6c757d",
}


def show(indicator: Indicator, value: Decimal | None) -> str:
    """``Indicator.format`` in Vietnamese style, with one decimal at least for a rate.

    A rate shown without decimals hides why 8.4% misses "≤ 8%".
    """
    if value is None:
        return "—"
    decimals = max(indicator.decimals, 1) if indicator.is_rate else indicator.decimals
    text = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")
    return text.replace(" ", ".")


def colour_of(status: Status | str | None) -> str:
    return COLOURS[Status(status)] if status else "light"


@dataclass(frozen=True)
class UnitRef:
    """What ``targets_for`` needs of a unit, taken from a report row (no query)."""

    pk: int
    path: str
    kind: str


# ------------------------------------------------------------------ which unit, which period


def ancestor_paths(path: str) -> list[str]:
    """The paths of the unit and of every unit above it."""
    return [path[:n] for n in range(STEP, len(path) + 1, STEP)]


def top_path(user, unit: Unit) -> str:
    """The highest unit the user sees on the way up from ``unit`` (breadcrumbs start there)."""
    scope = scope_for(user)
    if scope.is_global:
        return unit.path[:STEP]
    inside = [p for p in scope.prefixes(ALL_ROLES) if unit.path.startswith(p)]
    return min(inside, key=len) if inside else unit.path


def trail(user, unit: Unit) -> list[Unit]:
    """The units from the highest one the user sees down to ``unit`` (one query at most)."""
    start = top_path(user, unit)
    if start == unit.path:
        return [unit]
    paths = [unit.path[:n] for n in range(len(start), len(unit.path) + 1, STEP)]
    return list(Unit.objects.filter(path__in=paths).order_by("path"))


def covering_periods(user, unit: Unit):
    """Opened or closed periods the user sees in which ``unit`` reports (owned above or at it,
    or national), latest first."""
    return (
        Period.objects.visible_to(user)
        .filter(Q(owner__isnull=True) | Q(owner__path__in=ancestor_paths(unit.path)))
        .exclude(status=PeriodStatus.DRAFT)
        .select_related("form_version", "owner")
        .order_by("-end_date", "-pk")
    )


def previous_period(period: Period) -> Period | None:
    """The period of the same owner and form just before ``period``."""
    return (
        Period.objects.filter(
            owner_id=period.owner_id,
            form_version__form_id=period.form_version.form_id,
            end_date__lt=period.end_date,
        )
        .exclude(status=PeriodStatus.DRAFT)
        .order_by("-end_date", "-pk")
        .first()
    )


# ------------------------------------------------------------------ values against targets


@dataclass
class ValueRow:
    indicator: Indicator
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    reporters: int
    expected: int
    target: Target | None
    status: Status | None
    previous: Decimal | None

    @property
    def text(self) -> str:
        return show(self.indicator, self.value)

    @property
    def previous_text(self) -> str:
        return show(self.indicator, self.previous)

    @property
    def colour(self) -> str:
        return colour_of(self.status)

    @property
    def target_text(self) -> str:
        return self.target.describe() if self.target else ""

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass
class Cell:
    indicator: Indicator
    value: Decimal | None
    reporters: int
    expected: int
    target: Target | None
    status: Status | None

    @property
    def text(self) -> str:
        return show(self.indicator, self.value)

    @property
    def colour(self) -> str:
        if self.value is None:
            return "secondary"
        return colour_of(self.status)

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass
class HeatRow:
    row: ReportRow
    cells: list[Cell]
    drillable: bool  # reporting units lie below it

    @property
    def included(self) -> bool:
        return self.row.accepted_revision is not None


@dataclass
class Completeness:
    counts: dict[str, int]  # report state → number of reports under the unit
    accepted: int  # units whose data reached the unit (accepted up the chain)
    expected: int  # units under it that must report
    own_state: str | None  # the unit's own report

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def chart_labels(self) -> list[str]:
        return [str(row["label"]) for row in self.rows()]

    @property
    def chart_values(self) -> list[int]:
        return [row["count"] for row in self.rows()]

    @property
    def chart_colours(self) -> list[str]:
        return [HEX[row["colour"]] for row in self.rows()]

    def rows(self) -> list[dict]:
        labels = dict(ReportState.choices)
        return [
            {
                "state": state.value,
                "label": labels[state],
                "count": self.counts.get(state, 0),
                "colour": STATE_COLOURS[state],
            }
            for state in STATE_ORDER
        ]


@dataclass
class Dashboard:
    unit: Unit
    trail: list[Unit]
    periods: list[Period]
    period: Period | None
    previous: Period | None = None
    categories: list[tuple[str, str]] = field(default_factory=list)
    category: str = ""
    heat_category: str = ""
    values: list[ValueRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    heat_indicators: list[Indicator] = field(default_factory=list)
    heat_rows: list[HeatRow] = field(default_factory=list)
    completeness: Completeness | None = None
    reports: bool = False  # the unit has a report in the period
    indicators: list[Indicator] = field(default_factory=list)  # all of the period's form

    @property
    def status_rows(self) -> list[dict]:
        return [
            {
                "status": status.value,
                "label": status.label,
                "count": self.counts.get(status.value, 0),
                "colour": COLOURS[status],
            }
            for status in Status
        ]

    @property
    def with_target(self) -> int:
        return sum(1 for row in self.values if row.target is not None)


def _figure_of(rollup: PeriodRollup | None, report_id: int | None, indicator_id: int):
    if rollup is None or report_id is None:
        return None
    return rollup.figure(report_id, indicator_id)


def _report_by_unit(rollup: PeriodRollup | None) -> dict[int, int]:
    if rollup is None:
        return {}
    return {row.unit_id: row.id for row in rollup.rows.values()}


def _categories(indicators: Iterable[Indicator]) -> list[tuple[str, str]]:
    present = {indicator.category for indicator in indicators}
    return [(value, label) for value, label in Category.choices if value in present]


def build(
    user,
    unit: Unit,
    *,
    period: Period | None = None,
    category: str = "",
    trail_units: Sequence[Unit] | None = None,
) -> Dashboard:
    """The dashboard of ``unit`` in ``period`` (default: the latest period the user sees)."""
    periods = list(covering_periods(user, unit))
    if period is None or period.pk not in {p.pk for p in periods}:
        period = periods[0] if periods else None
    board = Dashboard(
        unit=unit,
        trail=list(trail_units) if trail_units is not None else trail(user, unit),
        periods=periods,
        period=period,
    )
    if period is None:
        return board
    rollup = period_rollup(period, unit)
    indicators = rollup.indicators
    board.indicators = indicators
    board.categories = _categories(indicators)
    present = [value for value, _label in board.categories]
    board.category = category if category in present else ""
    board.heat_category = board.category or (present[0] if present else "")
    previous = previous_period(period)
    board.previous = previous
    previous_rollup = period_rollup(previous, unit, indicators=indicators) if previous else None
    previous_ids = _report_by_unit(previous_rollup)

    root_id = rollup.root_id
    board.reports = root_id is not None
    children = rollup.children(root_id) if root_id is not None else rollup.roots()
    refs = [UnitRef(unit.pk, unit.path, unit.kind)] + [
        UnitRef(row.unit_id, row.path, row.unit_kind) for row in children
    ]
    targets = targets_for(refs, indicators, period.year)
    day = period.end_date

    shown = [i for i in indicators if not board.category or i.category == board.category]
    previous_root = previous_ids.get(unit.pk)
    for indicator in shown:
        figure = _figure_of(rollup, root_id, indicator.pk)
        before = _figure_of(previous_rollup, previous_root, indicator.pk)
        value = figure.value if figure else None
        previous_value = before.value if before else None
        target = targets.get((unit.pk, indicator.pk))
        board.values.append(
            ValueRow(
                indicator=indicator,
                value=value,
                numerator=figure.numerator if figure else None,
                denominator=figure.denominator if figure else None,
                reporters=figure.reporters if figure else 0,
                expected=figure.expected if figure else 1,
                target=target,
                status=status_of(target, value, day=day, previous=previous_value),
                previous=previous_value,
            )
        )
    board.counts = status_counts(row.status for row in board.values)

    board.heat_indicators = [i for i in indicators if i.category == board.heat_category]
    for child in sorted(children, key=lambda row: (row.unit_name, row.path)):
        cells = []
        child_previous = previous_ids.get(child.unit_id)
        for indicator in board.heat_indicators:
            # Only an accepted report's figures count: a draft is not data yet.
            figure = rollup.figure(child.id, indicator.pk)
            value = figure.value if figure and child.accepted_revision is not None else None
            before = _figure_of(previous_rollup, child_previous, indicator.pk)
            target = targets.get((child.unit_id, indicator.pk))
            cells.append(
                Cell(
                    indicator=indicator,
                    value=value,
                    reporters=figure.reporters if figure and value is not None else 0,
                    expected=figure.expected if figure else 1,
                    target=target,
                    status=status_of(
                        target, value, day=day, previous=before.value if before else None
                    ),
                )
            )
        board.heat_rows.append(
            HeatRow(row=child, cells=cells, drillable=bool(rollup.results[child.id].children))
        )

    under = [row for key, row in rollup.rows.items() if key != root_id]
    counts = {state.value: 0 for state in STATE_ORDER}
    for row in under:
        counts[row.state] = counts.get(row.state, 0) + 1
    if root_id is not None:
        accepted, expected = rollup.completeness(root_id)
    else:
        accepted = sum(1 for row in under if row.accepted_revision is not None)
        expected = len(under)
    board.completeness = Completeness(
        counts=counts,
        accepted=accepted,
        expected=expected,
        own_state=rollup.rows[root_id].state if root_id is not None else None,
    )
    return board


# ------------------------------------------------------------------ trend


@dataclass
class TrendPoint:
    period: Period
    value: Decimal | None
    reporters: int
    expected: int
    target: Target | None
    status: Status | None
    reports: bool  # the unit has a report in that period

    @property
    def colour(self) -> str:
        return colour_of(self.status)


@dataclass
class Trend:
    unit: Unit
    indicator: Indicator
    points: list[TrendPoint]

    def text(self, value: Decimal | None) -> str:
        return show(self.indicator, value)

    @property
    def rows(self) -> list[dict]:
        return [
            {
                "point": point,
                "text": show(self.indicator, point.value),
                "target": point.target.describe() if point.target else "",
            }
            for point in self.points
        ]

    @property
    def labels(self) -> list[str]:
        return [point.period.name for point in self.points]

    @property
    def values(self) -> list[float | None]:
        return [None if p.value is None else float(p.value) for p in self.points]

    @property
    def target_values(self) -> list[float | None]:
        return [float(p.target.value) if p.target else None for p in self.points]

    @property
    def target_highs(self) -> list[float | None]:
        return [
            float(p.target.value_high) if p.target and p.target.value_high is not None else None
            for p in self.points
        ]

    @property
    def has_band(self) -> bool:
        return any(value is not None for value in self.target_highs)


def trend(user, unit: Unit, indicator: Indicator, *, limit: int = TREND_PERIODS) -> Trend:
    """The unit's figure for ``indicator`` in the last ``limit`` periods whose form has it.

    A fixed number of queries per period (its roll-up; the targets once per year).
    """
    periods = list(
        covering_periods(user, unit)
        .filter(form_version__fields__indicator=indicator)
        .distinct()[:limit]
    )
    periods.reverse()
    targets_by_year: dict[int, Target | None] = {}
    points: list[TrendPoint] = []
    previous: Decimal | None = None
    for period in periods:
        rollup = period_rollup(period, unit, indicators=[indicator])
        figure = _figure_of(rollup, rollup.root_id, indicator.pk)
        if period.year not in targets_by_year:
            targets_by_year[period.year] = targets_for([unit], [indicator], period.year).get(
                (unit.pk, indicator.pk)
            )
        target = targets_by_year[period.year]
        value = figure.value if figure else None
        points.append(
            TrendPoint(
                period=period,
                value=value,
                reporters=figure.reporters if figure else 0,
                expected=figure.expected if figure else 1,
                target=target,
                status=status_of(target, value, day=period.end_date, previous=previous),
                reports=rollup.root_id is not None,
            )
        )
        previous = value
    return Trend(unit=unit, indicator=indicator, points=points)


def default_indicator(board: Dashboard) -> Indicator | None:
    """The indicator the trend shows first: the first one with a target, else the first."""
    for row in board.values:
        if row.target is not None:
            return row.indicator
    return board.values[0].indicator if board.values else None
