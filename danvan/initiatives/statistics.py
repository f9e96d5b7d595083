"""Statistics of a campaign: the funnel, counts by field, by status and replications.

Each stage of the funnel counts the initiatives that *reached* it, whatever their status
now (an initiative recognised then rewarded counts in both), from the ``Transition`` log,
so a discontinued model still counts where it got to. Constant number of queries.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from danvan.initiatives.models import FUNNEL, Field, Initiative, Status, Transition

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


def campaign_statistics(campaign) -> dict[str, Any]:
    """Everything the statistics page and the API show for one campaign."""
    initiatives = Initiative.objects.filter(campaign=campaign)
    by_status = dict.fromkeys(Status.values, 0)
    by_status.update(
        {
            row["status"]: row["n"]
            for row in initiatives.values("status").annotate(n=Count("pk")).order_by()
        }
    )
    recognised = [Status.RECOGNISED, Status.PROPOSED, Status.REWARDED]
    fields = (
        Field.objects.filter(campaign=campaign)
        .annotate(
            total=Count("initiatives", filter=~Q(initiatives__status=Status.DRAFT)),
            recognised=Count("initiatives", filter=Q(initiatives__status__in=recognised)),
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
