"""Figures on the activities units record: how many, how many took part, by type and by month.

``activity_statistics(source, start, end)`` counts in the database (one grouped query, plus
one for the types' names) whatever the number of activities, so the activity list's chart,
the reports and the indicators can all ask for it. ``source`` is either a unit (its whole
subtree counts), a queryset of units (their subtrees are not added: the units themselves),
or a queryset of activities already narrowed by the caller (the activity list passes its
filtered rows, which are already limited to what the user may see).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth

from danvan.orgs.models import Unit
from danvan.plans.models import Activity, ActivityType

# Beyond this many months the chart keeps only the months with activities (no empty bars).
MAX_CONTINUOUS_MONTHS = 36


@dataclass(frozen=True)
class Figure:
    count: int = 0
    participants: int = 0


@dataclass(frozen=True)
class TypeRow:
    activity_type: ActivityType
    count: int
    participants: int


@dataclass(frozen=True)
class MonthRow:
    month: dt.date  # the first day of the month
    count: int
    participants: int
    by_type: dict[int, int]  # activity type id → activities that month
    counts: tuple[int, ...] = ()  # the same, in the order of ``ActivityStatistics.by_type``

    @property
    def label(self) -> str:
        return f"{self.month:%m/%Y}"


@dataclass
class ActivityStatistics:
    total: int = 0
    participants: int = 0
    by_type: list[TypeRow] = field(default_factory=list)
    by_month: list[MonthRow] = field(default_factory=list)
    cells: dict[tuple[int, dt.date], Figure] = field(default_factory=dict)

    @property
    def types(self) -> list[ActivityType]:
        return [row.activity_type for row in self.by_type]

    def count(self, type_id: int, month: dt.date) -> int:
        return self.cells.get((type_id, month), Figure()).count

    def type_figure(self, type_id: int) -> Figure:
        for row in self.by_type:
            if row.activity_type.pk == type_id:
                return Figure(row.count, row.participants)
        return Figure()

    def chart(self) -> dict:
        """Month labels and one series per type, for a bar chart stacked by type."""
        return {
            "labels": [row.label for row in self.by_month],
            "series": [
                {
                    "name": str(row.activity_type),
                    "data": [self.count(row.activity_type.pk, m.month) for m in self.by_month],
                }
                for row in self.by_type
            ],
        }


def _activities(source) -> QuerySet:
    if isinstance(source, Unit):
        return Activity.objects.filter(unit__path__startswith=source.path)
    if isinstance(source, QuerySet) and source.model is Unit:
        return Activity.objects.filter(unit__in=source.values("pk"))
    if isinstance(source, QuerySet) and source.model is Activity:
        return source
    raise TypeError(f"expected a unit, a unit queryset or an activity queryset, not {source!r}")


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out = []
    month = first
    while month <= last:
        out.append(month)
        month = _next_month(month)
    return out


def activity_statistics(
    source, start: dt.date | None = None, end: dt.date | None = None
) -> ActivityStatistics:
    """Activities and participants per type, per month and in all, held from ``start`` to
    ``end`` (both included; None leaves that side open).

    The months run without gaps from the first to the last (from ``start`` to ``end`` when
    both are given), unless that would exceed three years.
    """
    activities = _activities(source)
    if start is not None:
        activities = activities.filter(held_on__gte=start)
    if end is not None:
        activities = activities.filter(held_on__lte=end)
    rows = list(
        activities.order_by()
        .annotate(month=TruncMonth("held_on"))
        .values("activity_type_id", "month")
        .annotate(n=Count("pk"), people=Coalesce(Sum("participant_count"), 0))
        .order_by("month", "activity_type_id")
    )
    stats = ActivityStatistics()
    if not rows:
        return stats
    per_type: dict[int, Figure] = {}
    per_month: dict[dt.date, Figure] = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):  # some backends hand back a datetime
            month = month.date()
        month = _month(month)
        key = (row["activity_type_id"], month)
        cell = stats.cells.get(key, Figure())
        stats.cells[key] = Figure(cell.count + row["n"], cell.participants + row["people"])
        before = per_type.get(row["activity_type_id"], Figure())
        per_type[row["activity_type_id"]] = Figure(
            before.count + row["n"], before.participants + row["people"]
        )
        before = per_month.get(month, Figure())
        per_month[month] = Figure(before.count + row["n"], before.participants + row["people"])
    types = {t.pk: t for t in ActivityType.objects.filter(pk__in=per_type)}
    stats.by_type = [
        TypeRow(types[pk], per_type[pk].count, per_type[pk].participants)
        for pk in sorted(per_type, key=lambda pk: (types[pk].position, types[pk].name, pk))
    ]
    first, last = min(per_month), max(per_month)
    if start is not None and end is not None and start <= end:
        first, last = min(first, _month(start)), max(last, _month(end))
    months = _months(first, last)
    if len(months) > MAX_CONTINUOUS_MONTHS:
        months = sorted(per_month)
    stats.by_month = [
        MonthRow(
            month=month,
            count=per_month.get(month, Figure()).count,
            participants=per_month.get(month, Figure()).participants,
            by_type={
                pk: stats.cells[(pk, month)].count for pk in per_type if (pk, month) in stats.cells
            },
            counts=tuple(stats.count(row.activity_type.pk, month) for row in stats.by_type),
        )
        for month in months
    ]
    stats.total = sum(f.count for f in per_type.values())
    stats.participants = sum(f.participants for f in per_type.values())
    return stats
