"""Statistics of a campaign: the funnel, counts by field, by status, by unit and replications.

Each stage of the funnel counts the initiatives that *reached* it, whatever their status
now (an initiative recognised then rewarded counts in both), from the ``Transition`` log,
so a discontinued model still counts where it got to. Constant number of queries.

Every function takes an optional ``within`` unit: only initiatives registered in its
subtree count (a commune officer sees the numbers of their own commune).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr

from danvan.initiatives.models import (
    FUNNEL,
    RECOGNISED_STATUSES,
    Field,
    Initiative,
    Status,
    Transition,
)
from danvan.orgs.models import Unit

# The transition target that marks each funnel stage.
STAGE_TARGETS = {
    "registered": Status.REGISTERED,
    "accepted": Status.ACCEPTED,
    "recognised": Status.RECOGNISED,
    "proposed": Status.PROPOSED,
    "rewarded": Status.REWARDED,
}


def funnel(initiatives) -> list[dict[str, Any]]:
    """[{stage, label, count}] for the initiatives of a queryset, in funnel order."""
    rows = (
        Transition.objects.filter(initiative__in=initiatives.values("pk"))
        .values("to_status")
        .annotate(n=Count("initiative_id", distinct=True))
        .order_by()
    )
    reached = {row["to_status"]: row["n"] for row in rows}
    return [
        {"stage": stage, "label": str(label), "count": reached.get(STAGE_TARGETS[stage], 0)}
        for stage, label in FUNNEL
    ]


def campaign_initiatives(campaign, within: Unit | None = None):
    initiatives = Initiative.objects.filter(campaign=campaign)
    if within is not None:
        initiatives = initiatives.filter(unit__path__startswith=within.path)
    return initiatives


def campaign_statistics(campaign, *, within: Unit | None = None) -> dict[str, Any]:
    """Everything the statistics page and the API show for one campaign."""
    initiatives = campaign_initiatives(campaign, within)
    by_status = dict.fromkeys(Status.values, 0)
    by_status.update(
        {
            row["status"]: row["n"]
            for row in initiatives.values("status").annotate(n=Count("pk")).order_by()
        }
    )
    recognised = [Status.RECOGNISED, Status.PROPOSED, Status.REWARDED]
    area = Q(initiatives__unit__path__startswith=within.path) if within is not None else Q()
    fields = (
        Field.objects.filter(campaign=campaign)
        .annotate(
            total=Count("initiatives", filter=area & ~Q(initiatives__status=Status.DRAFT)),
            recognised=Count("initiatives", filter=area & Q(initiatives__status__in=recognised)),
        )
        .order_by("order", "pk")
    )
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "funnel": funnel(initiatives),
        "by_field": [
            {"field_id": f.pk, "field": f.name, "count": f.total, "recognised": f.recognised}
            for f in fields
        ],
        # Initiatives of this campaign that replicate another model (any year).
        "replications": initiatives.filter(replicated_from__isnull=False).count(),
    }


def with_conversion(stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The funnel with each stage's share of the registered ones (``pct``, None if none)."""
    base = stages[0]["count"] if stages else 0
    return [
        {**stage, "pct": round(100 * stage["count"] / base, 1) if base else None}
        for stage in stages
    ]


def by_unit(campaign, *, within: Unit | None = None) -> dict[str, Any]:
    """Counts per direct child of the area's top unit, each over the child's whole subtree.

    ``rows``: [{unit, registered, recognised, replications}] for the children with at least
    one registration, most first; ``own``: the same counts for the top unit's own
    initiatives (or None); ``silent``: how many current children registered nothing.
    Two queries.
    """
    top = within or campaign.unit
    width = len(top.path) + Unit.steplen
    counted = (
        campaign_initiatives(campaign, within)
        .exclude(status=Status.DRAFT)
        .annotate(branch=Substr("unit__path", 1, width))
        .values("branch")
        .annotate(
            registered=Count("pk"),
            recognised=Count("pk", filter=Q(status__in=RECOGNISED_STATUSES)),
            replications=Count("pk", filter=Q(replicated_from__isnull=False)),
        )
        .order_by()
    )
    totals = {row["branch"]: row for row in counted}
    children = list(Unit.objects.filter(path__startswith=top.path, depth=top.depth + 1))
    rows, silent = [], 0
    for child in children:
        row = totals.get(child.path)
        if row is None:
            silent += child.is_current
            continue
        rows.append(
            {
                "unit": child,
                "registered": row["registered"],
                "recognised": row["recognised"],
                "replications": row["replications"],
            }
        )
    rows.sort(key=lambda r: (-r["registered"], -r["recognised"], r["unit"].name))
    own = totals.get(top.path)
    return {
        "top": top,
        "rows": rows,
        "own": {k: own[k] for k in ("registered", "recognised", "replications")} if own else None,
        "silent": silent,
    }


def top_replicated(campaign, *, within: Unit | None = None, limit: int = 10) -> list[Initiative]:
    """Models of any year replicated in this campaign, most replicated first (two queries).

    Each carries ``n_replicated``: how many of this campaign's initiatives (in ``within``,
    drafts left out) replicate it.
    """
    counts = list(
        campaign_initiatives(campaign, within)
        .exclude(status=Status.DRAFT)
        .filter(replicated_from__isnull=False)
        .values("replicated_from_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "replicated_from_id")[:limit]
    )
    if not counts:
        return []
    sources = Initiative.objects.select_related("unit", "campaign").in_bulk(
        [row["replicated_from_id"] for row in counts]
    )
    result = []
    for row in counts:
        source = sources[row["replicated_from_id"]]
        source.n_replicated = row["n"]
        result.append(source)
    return result
