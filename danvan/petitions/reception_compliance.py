"""Do the chairs receive citizens as often as the law says?

Luật Tiếp công dân 2013 (Law on Citizen Reception, No. 42/2013/QH13):

- the chair of a commune People's Committee receives citizens at the commune's headquarters
  at least 1 day a week (Art. 15, cl. 2, point d);
- the chair of a district People's Committee at least 2 days a month (Art. 13, cl. 5) —
  districts existed until 30/6/2025;
- the chair of a province People's Committee at least 1 day a month (Art. 12, cl. 5).

``REQUIREMENTS`` holds these as data. A reception of kind "leader" in the register is one
reception day of that unit's chair; several on the same day count once.

A period is split into *slots* (ISO weeks, or calendar months). A week belongs to the period
when its Thursday does (the ISO rule for weeks across years), so consecutive periods share no
week; a month when its 15th does. A slot is due from a unit when the unit existed on that
middle day (units merged on 1/7/2025 are judged only while they existed).

``compute`` runs one query for the units and one grouped query for the reception days (by
unit and week or month, in the database); the grid is filled in Python by the pure
functions below, which never touch the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Case, Count, DateField, Q, When
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils.translation import gettext as _

from danvan.orgs.models import Unit, UnitKind
from danvan.petitions.models import Reception, ReceptionFrequency, ReceptionKind

WEEKLY = ReceptionFrequency.WEEKLY
MONTHLY = ReceptionFrequency.MONTHLY
LAW = "Luật Tiếp công dân 2013"
DASH = "\u2013"  # an en dash between two dates


@dataclass(frozen=True)
class Requirement:
    """The chair of a unit of ``unit_kind`` receives citizens ``min_days`` days per slot."""

    unit_kind: str
    frequency: str
    min_days: int
    citation: str

    @property
    def holder(self) -> str:
        return {
            UnitKind.COMMUNE: _("Chair of the commune People's Committee"),
            UnitKind.DISTRICT: _("Chair of the district People's Committee"),
            UnitKind.PROVINCE: _("Chair of the province People's Committee"),
        }.get(self.unit_kind, str(UnitKind(self.unit_kind).label))

    @property
    def rule(self) -> str:
        if self.frequency == WEEKLY:
            return _("at least %(n)s day a week") % {"n": self.min_days}
        return _("at least %(n)s day(s) a month") % {"n": self.min_days}


REQUIREMENTS: dict[str, Requirement] = {
    r.unit_kind: r
    for r in (
        Requirement(UnitKind.COMMUNE, WEEKLY, 1, f"{LAW}, Điều 15 khoản 2 điểm d"),
        Requirement(UnitKind.DISTRICT, MONTHLY, 2, f"{LAW}, Điều 13 khoản 5"),
        Requirement(UnitKind.PROVINCE, MONTHLY, 1, f"{LAW}, Điều 12 khoản 5"),
    )
}


# ---------------------------------------------------------------- slots (pure)


@dataclass(frozen=True)
class Slot:
    """One week (Monday–Sunday) or one calendar month."""

    frequency: str
    start: dt.date
    end: dt.date

    @property
    def middle(self) -> dt.date:
        if self.frequency == WEEKLY:
            return self.start + dt.timedelta(days=3)  # Thursday
        return self.start.replace(day=15)

    @property
    def short_label(self) -> str:
        if self.frequency == WEEKLY:
            return f"{self.start:%d/%m}{DASH}{self.end:%d/%m}"
        return f"{self.start:%m/%Y}"

    @property
    def label(self) -> str:
        if self.frequency == WEEKLY:
            return _("week %(dates)s") % {"dates": self.short_label}
        return _("month %(month)s") % {"month": self.short_label}


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def add_months(first: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) the month of ``first``."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def week_slots(start: dt.date, end: dt.date) -> list[Slot]:
    """The ISO weeks whose Thursday lies in [start, end]."""
    monday = start - dt.timedelta(days=start.weekday())
    if monday + dt.timedelta(days=3) < start:
        monday += dt.timedelta(days=7)
    slots = []
    while monday + dt.timedelta(days=3) <= end:
        slots.append(Slot(WEEKLY, monday, monday + dt.timedelta(days=6)))
        monday += dt.timedelta(days=7)
    return slots


def month_slots(start: dt.date, end: dt.date) -> list[Slot]:
    """The calendar months whose 15th lies in [start, end]."""
    first = start.replace(day=1)
    if first.replace(day=15) < start:
        first = month_end(first) + dt.timedelta(days=1)
    slots = []
    while first.replace(day=15) <= end:
        slots.append(Slot(MONTHLY, first, month_end(first)))
        first = month_end(first) + dt.timedelta(days=1)
    return slots


def slots_for(frequency: str, start: dt.date, end: dt.date) -> list[Slot]:
    return week_slots(start, end) if frequency == WEEKLY else month_slots(start, end)


def last_full_months(today: dt.date, months: int = 3) -> tuple[dt.date, dt.date]:
    """The ``months`` calendar months before the current one."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    return add_months(end.replace(day=1), 1 - months), end


# ---------------------------------------------------------------- grid (pure)


@dataclass(frozen=True)
class Cell:
    slot: Slot
    days: int
    due: bool  # the unit existed then
    met: bool


@dataclass
class UnitResult:
    unit: Unit
    requirement: Requirement
    cells: list[Cell]

    @property
    def due(self) -> int:
        return sum(1 for c in self.cells if c.due)

    @property
    def met(self) -> int:
        return sum(1 for c in self.cells if c.due and c.met)

    @property
    def missed(self) -> list[Slot]:
        return [c.slot for c in self.cells if c.due and not c.met]

    @property
    def days(self) -> int:
        return sum(c.days for c in self.cells if c.due)

    @property
    def pct(self) -> float | None:
        return 100 * self.met / self.due if self.due else None


def evaluate(
    unit: Unit, requirement: Requirement, slots: Sequence[Slot], days: Mapping[dt.date, int]
) -> UnitResult:
    """``days``: reception days of the unit's chair keyed by slot start."""
    cells = []
    for slot in slots:
        held = days.get(slot.start, 0)
        cells.append(
            Cell(
                slot=slot,
                days=held,
                due=unit.is_valid_on(slot.middle),
                met=held >= requirement.min_days,
            )
        )
    return UnitResult(unit=unit, requirement=requirement, cells=cells)


BANDS = ((100, "100%"), (75, f"75{DASH}99%"), (50, f"50{DASH}74%"), (0, "< 50%"))


@dataclass
class Group:
    """The units under one requirement (e.g. every commune, weekly)."""

    requirement: Requirement
    slots: list[Slot]
    rows: list[UnitResult] = field(default_factory=list)

    @property
    def judged(self) -> list[UnitResult]:
        return [row for row in self.rows if row.due]

    @property
    def compliant(self) -> int:
        return sum(1 for row in self.judged if row.met == row.due)

    @property
    def met(self) -> int:
        return sum(row.met for row in self.judged)

    @property
    def due(self) -> int:
        return sum(row.due for row in self.judged)

    @property
    def pct(self) -> float | None:
        """Slots met over slots due, across the units (a roll-up, not a mean of percentages)."""
        return 100 * self.met / self.due if self.due else None

    def bands(self) -> list[tuple[str, int]]:
        counts = dict.fromkeys([label for _floor, label in BANDS], 0)
        for row in self.judged:
            pct = row.pct or 0
            label = next(label for floor, label in BANDS if pct >= floor)
            counts[label] += 1
        return list(counts.items())


@dataclass
class Report:
    root: Unit
    start: dt.date
    end: dt.date
    groups: list[Group]

    def row_for(self, unit: Unit) -> UnitResult | None:
        for group in self.groups:
            for row in group.rows:
                if row.unit.pk == unit.pk:
                    return row
        return None


def build(
    units: Iterable[Unit],
    start: dt.date,
    end: dt.date,
    days: Mapping[tuple[int, dt.date], int],
    *,
    root: Unit,
) -> Report:
    """The report from the units and their reception days keyed by (unit id, slot start)."""
    per_unit: dict[int, dict[dt.date, int]] = defaultdict(dict)
    for (unit_id, slot_start), n in days.items():
        per_unit[unit_id][slot_start] = n
    groups: dict[str, Group] = {}
    for unit in units:
        requirement = REQUIREMENTS.get(unit.kind)
        if requirement is None:
            continue
        group = groups.get(unit.kind)
        if group is None:
            group = groups[unit.kind] = Group(
                requirement, slots_for(requirement.frequency, start, end)
            )
        group.rows.append(evaluate(unit, requirement, group.slots, per_unit.get(unit.pk, {})))
    order = list(REQUIREMENTS)
    return Report(
        root=root,
        start=start,
        end=end,
        groups=sorted(groups.values(), key=lambda g: order.index(g.requirement.unit_kind)),
    )


# ---------------------------------------------------------------- database


def _kinds(frequency: str) -> list[str]:
    return [kind for kind, r in REQUIREMENTS.items() if r.frequency == frequency]


def reception_days(root: Unit, start: dt.date, end: dt.date) -> dict[tuple[int, dt.date], int]:
    """Days with a leader's reception, per (unit, week or month by the unit's requirement).

    One grouped query over the subtree of ``root``; ``received_on`` is a date, so the
    truncation involves no time zone.
    """
    slots = [s for f in (WEEKLY, MONTHLY) for s in slots_for(f, start, end)]
    if not slots:
        return {}
    first = min(s.start for s in slots)
    last = max(s.end for s in slots)
    rows = (
        Reception.objects.filter(
            unit__path__startswith=root.path,
            unit__kind__in=list(REQUIREMENTS),
            kind=ReceptionKind.LEADER,
            received_on__range=(first, last),
        )
        .annotate(
            slot=Case(
                When(
                    Q(unit__kind__in=_kinds(WEEKLY)),
                    then=TruncWeek("received_on", output_field=DateField()),
                ),
                default=TruncMonth("received_on", output_field=DateField()),
                output_field=DateField(),
            )
        )
        .values("unit_id", "slot")
        .annotate(days=Count("received_on", distinct=True))
        .order_by()
    )
    result = {}
    for row in rows:
        slot = row["slot"]
        if isinstance(slot, dt.datetime):  # some back ends hand back a timestamp
            slot = slot.date()
        result[(row["unit_id"], slot)] = row["days"]
    return result


def required_units(root: Unit, start: dt.date, end: dt.date) -> list[Unit]:
    """Units under ``root`` (itself included) that must hold reception days and existed then."""
    return list(
        Unit.objects.subtree_of(root)
        .filter(kind__in=list(REQUIREMENTS))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .order_by("path")
    )


def compute(root: Unit, start: dt.date, end: dt.date) -> Report:
    """Two queries, whatever the number of units."""
    units = required_units(root, start, end)
    if not units:
        return build([], start, end, {}, root=root)
    return build(units, start, end, reception_days(root, start, end), root=root)
