"""Quota compliance of a campaign: which units registered nothing, too few, enough, too many.

Reads only. Each unit of a required kind (``campaign.required_kinds``) in the campaign's
area registers between ``quota_min`` and ``quota_max`` initiatives; only this campaign's
initiatives in ``COUNTED_STATUSES`` count (earlier years never do, DOMAIN.md §2). Every
function runs a fixed number of queries, whatever the number of units (3,321 communes for
the whole country): the units in one query, the counts grouped by unit in another, and the
rest in Python through the pure ``quota`` module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.core.text import search_terms
from danvan.initiatives.models import COUNTED_STATUSES, Campaign, Initiative
from danvan.initiatives.quota import QuotaStatus, Tally, quota_status
from danvan.orgs.models import Unit
from danvan.orgs.scope import scope_for

STATUS_LABELS = {
    QuotaStatus.NONE: _("No registration"),
    QuotaStatus.BELOW: _("Below the minimum"),
    QuotaStatus.WITHIN: _("Within the quota"),
    QuotaStatus.ABOVE: _("Above the maximum"),
}
# Bootstrap badge classes and chart colours; the label always goes with the colour.
STATUS_BADGES = {
    QuotaStatus.NONE: "text-bg-danger",
    QuotaStatus.BELOW: "text-bg-warning",
    QuotaStatus.WITHIN: "text-bg-success",
    QuotaStatus.ABOVE: "text-bg-info",
}
STATUS_COLOURS = {
    QuotaStatus.NONE: "#dc3545",
    QuotaStatus.BELOW: "#ffc107",
    QuotaStatus.WITHIN: "#198754",
    QuotaStatus.ABOVE: "#0dcaf0",
}
SORTS = ("unit", "name", "-name", "count", "-count", "status")


def reference_day(campaign: Campaign, on: dt.date | None = None) -> dt.date:
    """The day whose units are counted: ``on``, today, or a past campaign's last day."""
    if on is not None:
        return on
    today = timezone.localdate()
    if campaign.year < today.year:
        return min(today, max(campaign.registration_closes, campaign.appraisal_closes))
    return today


def area_root(campaign: Campaign, within: Unit | None) -> Unit | None:
    """The unit whose subtree is listed: the campaign's unit, narrowed to ``within``.

    None when ``within`` lies outside the campaign's area (nothing to show).
    """
    if within is None or campaign.unit.path.startswith(within.path):
        return campaign.unit
    if within.path.startswith(campaign.unit.path):
        return within
    return None


def scope_root(user, campaign: Campaign, preferred: Unit | None = None) -> Unit | None:
    """The part of the campaign's area ``user`` may see in the quota and statistics pages.

    The campaign's unit for those whose scope covers it (launchers, province observers,
    system administrators); otherwise the user's own unit inside the area (the working unit
    when it is one of them); None when they reach nothing in it.
    """
    scope = scope_for(user)
    if scope.covers(campaign.unit):
        return campaign.unit
    prefixes = [p for p in scope.prefixes() if p.startswith(campaign.unit.path)]
    if not prefixes:
        return None
    if preferred is not None and preferred.path in prefixes:
        return preferred
    return Unit.objects.filter(path=prefixes[0]).first()


# ------------------------------------------------------------------------------ table


@dataclass(frozen=True)
class QuotaRow:
    unit: Unit
    parent: Unit | None
    count: int
    status: QuotaStatus

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def badge(self) -> str:
        return STATUS_BADGES[self.status]


def _counts(campaign: Campaign, root: Unit) -> dict[int, int]:
    """Counted initiatives of this campaign per registering unit, in one query."""
    qs = Initiative.objects.filter(campaign=campaign, status__in=COUNTED_STATUSES)
    if root.pk != campaign.unit_id:
        qs = qs.filter(unit__path__startswith=root.path)
    rows = qs.values("unit_id").annotate(n=Count("pk")).order_by()
    return {row["unit_id"]: row["n"] for row in rows}


def quota_rows(
    campaign: Campaign, *, on: dt.date | None = None, within: Unit | None = None
) -> list[QuotaRow]:
    """Every unit of a required kind valid on ``on`` in the area, with its count and status.

    Ordered as the tree (by path). ``within`` narrows the area to a unit's subtree (the
    part a commune officer may see). Two queries (three when the area's own unit must
    register, for its parent's name).
    """
    root = area_root(campaign, within)
    kinds = list(campaign.required_kinds or [])
    if root is None or not kinds:
        return []
    day = reference_day(campaign, on)
    units = list(Unit.objects.subtree_of(root).valid_on(day).order_by("path"))
    by_path = {unit.path: unit for unit in units}
    if root.kind in kinds and root.depth > 1:
        parent = Unit.objects.filter(path=root.path[: -Unit.steplen]).first()
        if parent is not None:
            by_path[parent.path] = parent
    counts = _counts(campaign, root)
    rows = []
    for unit in units:
        if unit.kind not in kinds:
            continue
        count = counts.get(unit.pk, 0)
        rows.append(
            QuotaRow(
                unit=unit,
                parent=by_path.get(unit.path[: -Unit.steplen]),
                count=count,
                status=quota_status(count, campaign.quota_min, campaign.quota_max),
            )
        )
    return rows


def summary(rows: Iterable[QuotaRow]) -> Tally:
    tally = Tally()
    for row in rows:
        tally.add(row.status)
    return tally


def filter_rows(
    rows: Iterable[QuotaRow], *, status: str = "", kind: str = "", q: str = "", sort: str = ""
) -> list[QuotaRow]:
    """Rows of one status / kind whose unit name holds every word of ``q`` (accents optional)."""
    terms = search_terms(q)
    result = [
        row
        for row in rows
        if (not status or row.status == status)
        and (not kind or row.unit.kind == kind)
        and all(term in row.unit.search_text for term in terms)
    ]
    order = list(QuotaStatus)
    keys = {
        "name": (lambda r: (r.unit.search_text, r.unit.path), False),
        "-name": (lambda r: (r.unit.search_text, r.unit.path), True),
        "count": (lambda r: (r.count, r.unit.path), False),
        "-count": (lambda r: (-r.count, r.unit.path), False),
        "status": (lambda r: (order.index(r.status), r.unit.path), False),
    }
    if sort in keys:
        key, reverse = keys[sort]
        result.sort(key=key, reverse=reverse)
    return result


# -------------------------------------------------------------------------- heat-map


@dataclass
class Tile:
    """A direct child of the heat-map's root, with the tally of the required units in it."""

    unit: Unit
    tally: Tally
    drillable: bool  # it holds required units below itself: clicking opens them

    @property
    def hue(self) -> int:
        """0 (red: nobody compliant) through amber to 120 (green: everybody)."""
        return round(1.2 * (self.tally.compliant_pct or 0))


@dataclass
class HeatMap:
    root: Unit
    tiles: list[Tile]
    total: Tally  # every required unit of the root's subtree, the root included
    root_count: int | None = None  # set when the root itself must register
    root_status: QuotaStatus | None = None
    trail: list[Unit] = field(default_factory=list)  # from the top of the view to root

    @property
    def root_label(self) -> str:
        return str(STATUS_LABELS[self.root_status]) if self.root_status else ""

    @property
    def root_badge(self) -> str:
        return STATUS_BADGES[self.root_status] if self.root_status else ""


def heatmap(
    campaign: Campaign,
    *,
    root: Unit | None = None,
    on: dt.date | None = None,
    top: Unit | None = None,
) -> HeatMap:
    """Tiles for the direct children of ``root`` (default: the campaign's unit).

    A tile appears when the child must register or holds a unit that must. ``top`` is
    where the breadcrumb starts (the highest unit the viewer may open; default the
    campaign's unit). Four queries whatever the size of the tree.
    """
    root = root or campaign.unit
    top = top or campaign.unit
    kinds = list(campaign.required_kinds or [])
    day = reference_day(campaign, on)
    required = list(
        Unit.objects.subtree_of(root)
        .valid_on(day)
        .filter(kind__in=kinds)
        .order_by()
        .values_list("pk", "path")
    )
    children = list(
        Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1)
        .valid_on(day)
        .order_by("path")
    )
    counts = _counts(campaign, root)
    statuses = [
        (path, pk, quota_status(counts.get(pk, 0), campaign.quota_min, campaign.quota_max))
        for pk, path in required
    ]
    total = Tally()
    for _path, _pk, status in statuses:
        total.add(status)
    # Every tile's path has the same length: a dictionary lookup finds a unit's tile (the
    # same tally as quota.tally_by_prefix, in linear time for 3,321 communes).
    width = len(root.path) + Unit.steplen
    tallies = {child.path: Tally() for child in children}
    deeper = set()
    for path, _pk, status in statuses:
        prefix = path[:width]
        if prefix in tallies:
            tallies[prefix].add(status)
            if len(path) > width:
                deeper.add(prefix)
    tiles = [
        Tile(unit=child, tally=tallies[child.path], drillable=child.path in deeper)
        for child in children
        if tallies[child.path].units
    ]
    result = HeatMap(root=root, tiles=tiles, total=total, trail=trail(top, root))
    if root.kind in kinds:
        result.root_count = counts.get(root.pk, 0)
        result.root_status = quota_status(result.root_count, campaign.quota_min, campaign.quota_max)
    return result


def trail(top: Unit, root: Unit) -> list[Unit]:
    """The units from ``top`` down to ``root`` (both included), in one query."""
    if not root.path.startswith(top.path):
        return [root]
    paths = [root.path[:n] for n in range(len(top.path), len(root.path) + 1, Unit.steplen)]
    if paths == [root.path]:
        return [root]
    return list(Unit.objects.filter(path__in=paths).order_by("path"))
