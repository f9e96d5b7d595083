"""Reads shaped for the initiatives screens, exports and the API.

``initiative_list(user, params)`` is the one list every screen and export starts from:
visible to the user, filtered by campaign, unit subtree, field, kind, status, level and an
accent-insensitive query, sorted, with what a row shows loaded in a constant number of
queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from danvan.initiatives.models import Campaign, Initiative, InitiativeKind, Status
from danvan.orgs.models import Unit

SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "unit": ("unit__name", "name", "pk"),
    "-unit": ("-unit__name", "-name", "-pk"),
    "status": ("status", "name", "pk"),
    "-status": ("-status", "name", "pk"),
    "registered": ("registered_at", "pk"),
    "-registered": ("-registered_at", "-pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
}
DEFAULT_SORT = "-created"


@dataclass(frozen=True)
class ListFilters:
    campaign: int | None = None
    unit: int | None = None  # the subtree of this unit
    field: int | None = None
    kind: str = ""
    status: str = ""
    level: int | None = None  # a level rank: recognised at (or proposed to) this rank
    q: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ListFilters:
        """Lenient parsing of a query string: unknown or malformed values are ignored."""

        def as_int(key: str) -> int | None:
            try:
                value = int(str(params.get(key, "")).strip())
            except ValueError:
                return None
            return value if 0 < value < 2**63 else None

        kind = str(params.get("kind", ""))
        status = str(params.get("status", ""))
        sort = str(params.get("sort", DEFAULT_SORT))
        return cls(
            campaign=as_int("campaign"),
            unit=as_int("unit"),
            field=as_int("field"),
            kind=kind if kind in InitiativeKind.values else "",
            status=status if status in Status.values else "",
            level=as_int("level"),
            q=str(params.get("q", ""))[:100],
            sort=sort if sort in SORTS else DEFAULT_SORT,
        )


_replication_count = (
    Initiative.objects.filter(replicated_from=OuterRef("pk"))
    .order_by()
    .values("replicated_from")
    .annotate(n=Count("pk"))
    .values("n")
)


def initiative_list(user, filters: ListFilters):
    """Initiatives the user may see, filtered and sorted; rows carry what a list shows."""
    qs = Initiative.objects.visible_to(user)
    if filters.campaign:
        qs = qs.filter(campaign_id=filters.campaign)
    if filters.unit:
        unit = Unit.objects.filter(pk=filters.unit).only("path").first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    if filters.field:
        qs = qs.filter(field_id=filters.field)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.level:
        qs = qs.filter(level__rank=filters.level)
    qs = qs.search(filters.q)
    return (
        qs.select_related("campaign", "unit", "field", "level", "replicated_from")
        # A correlated count, not Count("replications"): that would GROUP BY every column of
        # every row (1.6 s for 20,000 initiatives on SQLite, see bench/initiatives.py).
        .annotate(n_replications=Coalesce(Subquery(_replication_count), 0))
        .order_by(*SORTS[filters.sort])
    )


def campaigns_for(user):
    return Campaign.objects.visible_to(user).select_related("unit").order_by("-year", "unit__path")


def campaign_counts(campaign: Campaign) -> dict[str, int]:
    """Initiatives of a campaign by status, in one query."""
    rows = (
        Initiative.objects.filter(campaign=campaign)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def replication_tree(initiative: Initiative) -> dict[str, Any]:
    """Where a model spread: the initiative and, level by level, those replicating it.

    One query per generation (replication chains are short: a model is copied, the copy
    copied again); each node is {"initiative": …, "children": […]}.
    """
    root = initiative
    seen = {root.pk}
    nodes = {root.pk: {"initiative": root, "children": []}}
    frontier = [root.pk]
    for _generation in range(10):
        if not frontier:
            break
        children = list(
            Initiative.objects.filter(replicated_from_id__in=frontier)
            .exclude(pk__in=seen)
            .select_related("unit", "campaign")
            .order_by("campaign__year", "unit__name")
        )
        frontier = []
        for child in children:
            seen.add(child.pk)
            node = {"initiative": child, "children": []}
            nodes[child.pk] = node
            nodes[child.replicated_from_id]["children"].append(node)
            frontier.append(child.pk)
    return nodes[root.pk]


def visible_replications(user, tree: dict[str, Any]) -> dict[str, Any]:
    """The same tree with nodes the user may not open marked ``hidden`` (name kept out)."""
    visible = set(
        Initiative.objects.visible_to(user)
        .filter(pk__in=_tree_ids(tree))
        .values_list("pk", flat=True)
    )

    def walk(node):
        return {
            "initiative": node["initiative"],
            "visible": node["initiative"].pk in visible,
            "children": [walk(c) for c in node["children"]],
        }

    return walk(tree)


def _tree_ids(node) -> list[int]:
    ids = [node["initiative"].pk]
    for child in node["children"]:
        ids.extend(_tree_ids(child))
    return ids


def published_q() -> Q:
    return Q(is_published=True, status__in=[Status.RECOGNISED, Status.PROPOSED, Status.REWARDED])
