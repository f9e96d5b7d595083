"""The "Dân vận khéo" card of the home page: this year's campaigns seen from one unit.

``dashboard_for(unit)`` answers in one query whatever the number of campaigns or
registrations: the campaigns launched by the unit, by one of its ancestors (it takes part
in them) or inside its subtree (its agencies and communes run them), each with the numbers
of the unit's subtree and, when the unit itself must register, its own quota state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from danvan.initiatives.models import COUNTED_STATUSES, RECOGNISED_STATUSES, Campaign
from danvan.initiatives.quota import QuotaStatus, quota_status
from danvan.orgs.models import Unit


@dataclass(frozen=True)
class CampaignCard:
    campaign: Campaign
    registered: int  # counted registrations of the unit's subtree
    recognised: int  # recognised, proposed or rewarded, in the unit's subtree
    own: int  # counted registrations of the unit itself
    quota: QuotaStatus | None  # None when the unit does not have to register
    launched_here: bool  # the unit (or a unit under it) launched the campaign

    @property
    def can_register(self) -> bool:
        return self.quota is not None and self.campaign.status == "open"


def _ancestor_paths(unit: Unit) -> list[str]:
    return [unit.path[:n] for n in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]


def dashboard_for(unit: Unit | None, *, on: dt.date | None = None) -> list[CampaignCard]:
    if unit is None:
        return []
    year = (on or timezone.localdate()).year
    subtree = Q(initiatives__unit__path__startswith=unit.path)
    counted = Q(initiatives__status__in=COUNTED_STATUSES)
    campaigns = (
        Campaign.objects.filter(year=year)
        .filter(Q(unit__path__in=_ancestor_paths(unit)) | Q(unit__path__startswith=unit.path))
        .select_related("unit")
        .annotate(
            n_registered=Count("initiatives", filter=subtree & counted),
            n_recognised=Count(
                "initiatives", filter=subtree & Q(initiatives__status__in=RECOGNISED_STATUSES)
            ),
            n_own=Count("initiatives", filter=Q(initiatives__unit=unit) & counted),
        )
        .order_by("unit__path", "pk")
    )
    cards = []
    for campaign in campaigns:
        takes_part = unit.path.startswith(campaign.unit.path)
        must_register = takes_part and campaign.kind_must_register(unit.kind)
        cards.append(
            CampaignCard(
                campaign=campaign,
                registered=campaign.n_registered,
                recognised=campaign.n_recognised,
                own=campaign.n_own,
                quota=(
                    quota_status(campaign.n_own, campaign.quota_min, campaign.quota_max)
                    if must_register
                    else None
                ),
                launched_here=campaign.unit.path.startswith(unit.path),
            )
        )
    return cards
