"""Test data for the initiatives app.

``make_campaign(unit)`` builds an open campaign (default fields, two levels with the
default 100-point rubric) whose registration window holds today; ``make_initiative``
registers one in any status by walking the real services' state table, not by assignment.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from danvan.initiatives import services
from danvan.initiatives.models import Campaign, CampaignStatus, Initiative, InitiativeKind, Status
from danvan.orgs.models import Membership, Role, Unit, User
from danvan.orgs.tests.factories import UserFactory


def system_user() -> User:
    user = UserFactory(username="factory_admin")
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


def make_campaign(unit: Unit, *, year: int | None = None, **overrides) -> Campaign:
    today = timezone.localdate()
    year = year or today.year
    data = {
        "registration_opens": min(dt.date(year, 1, 1), today),
        "registration_closes": max(dt.date(year, 12, 31), today),
        "appraisal_opens": max(dt.date(year, 1, 1), today),
        "appraisal_closes": max(dt.date(year, 12, 31), today),
    }
    data.update(overrides)
    status = data.pop("status", CampaignStatus.OPEN)
    campaign = services.create_campaign(
        actor=system_user(),
        unit=unit,
        year=year,
        name=data.pop("name", f"Phong trào thi đua Dân vận khéo năm {year} — {unit.name}"),
        **data,
    )
    campaign.status = status
    campaign.save(update_fields=["status"])
    return campaign


# The path through the lifecycle to reach each status (from a draft).
PATH_TO = {
    Status.DRAFT: [],
    Status.REGISTERED: ["submit"],
    Status.RETURNED: ["submit", "return"],
    Status.ACCEPTED: ["submit", "accept"],
    Status.IN_PROGRESS: ["submit", "accept", "start"],
    Status.MID_TERM_REVIEWED: ["submit", "accept", "start", "mid_term_review"],
    Status.SELF_ASSESSED: ["submit", "accept", "start", "self_assess"],
    Status.UNDER_APPRAISAL: ["submit", "accept", "start", "self_assess", "send_to_council"],
    Status.RECOGNISED: ["submit", "accept", "start", "self_assess", "send_to_council", "+pass"],
    Status.NOT_RECOGNISED: [
        "submit",
        "accept",
        "start",
        "self_assess",
        "send_to_council",
        "+fail",
    ],
    Status.PROPOSED: [
        "submit",
        "accept",
        "start",
        "self_assess",
        "send_to_council",
        "+pass",
        "propose",
    ],
    Status.REWARDED: [
        "submit",
        "accept",
        "start",
        "self_assess",
        "send_to_council",
        "+pass",
        "reward",
    ],
    Status.DISCONTINUED: ["submit", "discontinue"],
}


def make_initiative(
    campaign: Campaign,
    unit: Unit,
    *,
    status: str = Status.DRAFT,
    name: str = "Mô hình “Dân vận khéo” trong xây dựng nông thôn mới",
    kind: str = InitiativeKind.MODEL,
    **fields,
) -> Initiative:
    actor = system_user()
    fields.setdefault("start_date", timezone.localdate() - dt.timedelta(days=400))
    initiative = services.create_initiative(
        actor=actor,
        campaign=campaign,
        unit=unit,
        kind=kind,
        field=fields.pop("field", None) or campaign.fields.first(),
        name=name,
        exemplar_name=fields.pop("exemplar_name", "Nguyễn Văn A" if kind == "exemplar" else ""),
        **fields,
    )
    council = None
    for step in PATH_TO[status]:
        if step == "submit":
            services.submit(actor=actor, initiative=initiative)
        elif step == "return":
            services.return_for_changes(actor=actor, initiative=initiative, reason="Bổ sung")
        elif step == "accept":
            services.accept(actor=actor, initiative=initiative)
        elif step == "start":
            services.start(actor=actor, initiative=initiative)
        elif step == "mid_term_review":
            services.mid_term_review(actor=actor, initiative=initiative, comment="Đạt tiến độ")
        elif step == "self_assess":
            services.self_assess(actor=actor, initiative=initiative, text="Tự đánh giá: đạt")
        elif step == "send_to_council":
            council = make_council(campaign, unit=campaign.unit)
            services.send_to_council(actor=actor, initiative=initiative, council=council)
        elif step in ("+pass", "+fail"):
            score_all(council, points=20 if step == "+pass" else 5)
            services.decide_council(
                actor=actor,
                council=council,
                decision_number="12/QĐ-BCĐ",
                decision_date=timezone.localdate(),
                signer="Trần Văn B",
            )
        elif step == "propose":
            services.propose(actor=actor, initiative=initiative)
        elif step == "reward":
            from danvan.initiatives.models import AwardKind

            services.record_award(
                actor=actor,
                initiative=initiative,
                kind=AwardKind.objects.get(name="Giấy khen"),
                issuer="Chủ tịch UBND",
                decision_number="45/QĐ-UBND",
                decision_date=timezone.localdate(),
                recipient_unit=unit,
            )
        elif step == "discontinue":
            services.discontinue(actor=actor, initiative=initiative, reason="Không còn phù hợp")
        initiative.refresh_from_db()
    return initiative


def make_council(campaign: Campaign, *, unit: Unit | None = None, rank: int = 1, members=None):
    from danvan.initiatives.models import Council

    level = campaign.levels.get(rank=rank)
    existing = Council.objects.filter(campaign=campaign, level=level, status="open").first()
    if existing is not None:
        return existing
    if members is None:
        members = []
        for i in range(2):
            user = UserFactory(username=f"council_{campaign.pk}_{rank}_{i}")
            # get_or_create: a second council of the same campaign reuses these members.
            Membership.objects.get_or_create(
                user=user, unit=campaign.unit, role=Role.COUNCIL_MEMBER
            )
            members.append(user)
    return services.create_council(
        actor=system_user(),
        campaign=campaign,
        level=level,
        unit=unit or campaign.unit,
        name=f"Hội đồng thẩm định {level.name}",
        members=members,
    )


def score_all(council, *, points) -> None:
    """Every member submits ``points`` (capped at each maximum) on every criterion."""
    from decimal import Decimal

    criteria = list(council.level.criteria.all())
    for member in council.members.select_related("user"):
        for assignment in council.assignments.all():
            services.save_scores(
                actor=member.user,
                assignment=assignment,
                points={c.pk: min(Decimal(points), c.max_points) for c in criteria},
                submit=True,
            )
