"""A period's reports rolled up the tree, in a fixed number of queries whatever its size.

``period_rollup(period, root=None)`` loads the period's reports under ``root`` (its subtree
and the subtrees of the units it absorbed) with their unit paths (one query), their figures
(one query: the accepted revision of each report, the working revision of the root's own),
the successor links of merged provinces (one query) and the indicators (one query), then
hands them to the pure engine ``danvan.kpis.rollup``. Accepted reports reach their parent;
the others are expected and counted as missing.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q

from danvan.kpis.models import Indicator
from danvan.kpis.rollup import (
    Entry,
    Figure,
    Node,
    NodeResult,
    Spec,
    missing_units,
    nearest_parents,
    roll_up,
)
from danvan.orgs.models import Unit
from danvan.orgs.scope import predecessor_paths
from danvan.reports.models import Period, Report, ReportValue
from danvan.reports.services import _root_successors


@dataclass
class ReportRow:
    id: int
    unit_id: int
    unit_name: str
    unit_kind: str
    path: str
    state: str
    accepted_revision: int | None
    revision: int
    submitted_at: object


@dataclass
class PeriodRollup:
    period: Period
    root_id: int | None  # the root report's id (None: several roots, e.g. a national period)
    rows: dict[int, ReportRow]
    nodes: dict[int, Node]
    results: dict[int, NodeResult]
    indicators: list[Indicator]
    by_id: dict[int, Indicator] = field(default_factory=dict)

    def figure(self, report_id: int, indicator_id: int) -> Figure | None:
        result = self.results.get(report_id)
        return result.figures.get(indicator_id) if result else None

    def children(self, report_id: int) -> list[ReportRow]:
        return [self.rows[key] for key in self.results[report_id].children]

    def roots(self) -> list[ReportRow]:
        return [self.rows[key] for key, node in self.nodes.items() if node.parent is None]

    def missing(self, report_id: int, indicator_id: int) -> list[ReportRow]:
        return [
            self.rows[key]
            for key in missing_units(self.nodes, self.results, report_id, indicator_id)
        ]

    def completeness(self, report_id: int) -> tuple[int, int]:
        """(accepted units under the report, units under it that must report)."""
        result = self.results[report_id]
        return result.included, result.expected


def specs_for(indicators) -> list[Spec]:
    return [
        Spec(
            id=indicator.pk,
            rule=indicator.rollup,
            scale=Decimal(indicator.scale),
            weight_id=indicator.weight_id,
        )
        for indicator in indicators
    ]


def period_rollup(
    period: Period,
    root: Unit | None = None,
    *,
    indicators: list[Indicator] | None = None,
) -> PeriodRollup:
    if indicators is None:
        indicators = [
            field.indicator
            for field in period.form_version.fields.select_related("indicator").order_by("order")
        ]
    reports = Report.objects.filter(period=period)
    if root is not None:
        paths = {root.path} | predecessor_paths({root.pk}).get(root.pk, set())
        query = Q()
        for path in paths:
            query |= Q(unit__path__startswith=path)
        reports = reports.filter(query)
    rows = {
        row["id"]: ReportRow(
            id=row["id"],
            unit_id=row["unit_id"],
            unit_name=row["unit__short_name"] or row["unit__name"],
            unit_kind=row["unit__kind"],
            path=row["unit__path"],
            state=row["state"],
            accepted_revision=row["accepted_revision"],
            revision=row["revision"],
            submitted_at=row["submitted_at"],
        )
        for row in reports.values(
            "id",
            "unit_id",
            "unit__name",
            "unit__short_name",
            "unit__kind",
            "unit__path",
            "state",
            "accepted_revision",
            "revision",
            "submitted_at",
        )
    }
    root_id = None
    if root is not None:
        root_id = next((key for key, row in rows.items() if row.unit_id == root.pk), None)
    paths = {key: row.path for key, row in rows.items()}
    parents = nearest_parents(paths, successors=_root_successors(paths.values()))
    wanted_ids = {indicator.pk for indicator in indicators}
    wanted_ids |= {indicator.weight_id for indicator in indicators if indicator.weight_id}
    entries: dict[int, dict[Hashable, Entry]] = {key: {} for key in rows}
    values = ReportValue.objects.filter(
        report__in=reports.values("pk"), indicator_id__in=wanted_ids
    ).filter(
        Q(report__accepted_revision__isnull=False, revision=F("report__accepted_revision"))
        | Q(report__accepted_revision__isnull=True, revision=F("report__revision"))
        | (Q(report_id=root_id, revision=F("report__revision")) if root_id else Q(pk__in=[]))
    )
    for report_id, revision, indicator_id, value, numerator, denominator in values.values_list(
        "report_id", "revision", "indicator_id", "value", "numerator", "denominator"
    ):
        row = rows[report_id]
        if report_id == root_id and revision != row.revision:
            continue  # the root's own figures are its working revision
        entries[report_id][indicator_id] = Entry(value, numerator, denominator)
    nodes = {
        key: Node(
            key=key,
            parent=parents[key],
            entries=entries[key],
            included=row.accepted_revision is not None,
            stamp=row.submitted_at,
            label=row.unit_name,
        )
        for key, row in rows.items()
    }
    specs = specs_for(indicators)
    weight_specs = [
        Spec(id=indicator.weight_id, rule="sum")
        for indicator in indicators
        if indicator.weight_id and indicator.weight_id not in {spec.id for spec in specs}
    ]
    results = roll_up(nodes.values(), [*specs, *weight_specs])
    return PeriodRollup(
        period=period,
        root_id=root_id,
        rows=rows,
        nodes=nodes,
        results=results,
        indicators=list(indicators),
        by_id={indicator.pk: indicator for indicator in indicators},
    )


def compile_sections(rollup: PeriodRollup, report_id: int) -> dict[str, str]:
    """The accepted children's narrative, section by section, each under its unit's name.

    Ready for the aggregator to edit into the upward report (one query).
    """
    from danvan.reports.models import ReportSection

    children = [row for row in rollup.children(report_id) if row.accepted_revision is not None]
    if not children:
        return {}
    wanted = Q(pk__in=[])
    for row in children:
        wanted |= Q(report_id=row.id, revision=row.accepted_revision)
    texts: dict[str, dict[int, str]] = {}
    for report_id_, key, body in ReportSection.objects.filter(wanted).values_list(
        "report_id", "key", "body"
    ):
        if body.strip():
            texts.setdefault(key, {})[report_id_] = body.strip()
    compiled = {}
    for key, bodies in texts.items():
        parts = [
            f"{row.unit_name}\n{bodies[row.id]}"
            for row in sorted(children, key=lambda r: r.path)
            if row.id in bodies
        ]
        compiled[key] = "\n\n".join(parts)
    return compiled
