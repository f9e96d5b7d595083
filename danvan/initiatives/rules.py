"""Who may do what with campaigns, initiatives and councils.

Three parties act on an initiative (``models.Actor``):
- the registering unit: write roles (officer, leader, unit administrator) over its unit;
- the launching body: reviewers and leaders over the campaign's unit;
- a council: reviewers, leaders and unit administrators over the council's forming unit
  manage it; its members score.
Views answer 404 when a ``view_*`` permission fails; the services check the same rules.
"""

from __future__ import annotations

import rules

from danvan.orgs.models import Unit
from danvan.orgs.scope import ADMIN_ROLES, ALL_ROLES, REVIEW_ROLES, WRITE_ROLES, scope_for

LAUNCH_ROLES = frozenset(WRITE_ROLES | REVIEW_ROLES | ADMIN_ROLES)
COUNCIL_ADMIN_ROLES = frozenset(REVIEW_ROLES | ADMIN_ROLES)


def _unit(obj) -> Unit | None:
    if isinstance(obj, Unit):
        return obj
    return getattr(obj, "unit", None)


def _campaign(obj):
    from danvan.initiatives.models import Campaign

    if isinstance(obj, Campaign):
        return obj
    return getattr(obj, "campaign", None)


def reaches_into(user, unit: Unit | None) -> bool:
    """True when one of the user's units lies in ``unit``'s subtree (they take part in it)."""
    if unit is None:
        return False
    scope = scope_for(user)
    return scope.is_global or any(p.startswith(unit.path) for p in scope.prefixes(ALL_ROLES))


@rules.predicate
def can_see_campaign(user, obj) -> bool:
    campaign = _campaign(obj)
    if campaign is None:
        return False
    return scope_for(user).covers(campaign.unit, ALL_ROLES) or reaches_into(user, campaign.unit)


@rules.predicate
def launches(user, obj) -> bool:
    """Officers and above at the launching unit: set up and run the campaign."""
    campaign = _campaign(obj)
    unit = campaign.unit if campaign is not None else _unit(obj)
    return scope_for(user).covers(unit, LAUNCH_ROLES)


@rules.predicate
def reviews_for_launcher(user, obj) -> bool:
    """Reviewers and leaders at the launching unit: accept, return, propose, reward."""
    campaign = _campaign(obj)
    return campaign is not None and scope_for(user).covers(campaign.unit, REVIEW_ROLES)


@rules.predicate
def in_registering_scope(user, obj) -> bool:
    return scope_for(user).covers(_unit(obj), ALL_ROLES)


@rules.predicate
def writes_for_unit(user, obj) -> bool:
    return scope_for(user).covers(_unit(obj), WRITE_ROLES)


@rules.predicate
def is_editable(user, obj) -> bool:
    from danvan.initiatives.models import EDITABLE_STATUSES

    return obj.status in EDITABLE_STATUSES


@rules.predicate
def is_running(user, obj) -> bool:
    from danvan.initiatives.models import RUNNING_STATUSES

    return obj.status in RUNNING_STATUSES


@rules.predicate
def manages_council(user, council) -> bool:
    return scope_for(user).covers(council.unit, COUNCIL_ADMIN_ROLES)


@rules.predicate
def sits_on_council(user, council) -> bool:
    if not user.is_authenticated:
        return False
    return any(member.user_id == user.pk for member in council.members.all())


@rules.predicate
def unit_can_launch(user, unit) -> bool:
    return scope_for(user).covers(unit, LAUNCH_ROLES) and unit.is_current


@rules.predicate
def unit_can_register(user, unit) -> bool:
    return scope_for(user).covers(unit, WRITE_ROLES) and unit.is_current


is_auth = rules.is_authenticated

# Campaigns: seen by the launching unit's subtree and by every unit under it.
rules.add_perm("initiatives.view_campaign", is_auth & (can_see_campaign | launches))
rules.add_perm("initiatives.add_campaign", is_auth & unit_can_launch)
rules.add_perm("initiatives.change_campaign", is_auth & launches)
# Initiatives: the registering unit's scope and the launching body's scope.
rules.add_perm(
    "initiatives.view_initiative",
    is_auth & (in_registering_scope | reviews_for_launcher | launches),
)
rules.add_perm("initiatives.register_for_unit", is_auth & unit_can_register)
rules.add_perm("initiatives.change_initiative", is_auth & writes_for_unit & is_editable)
rules.add_perm("initiatives.post_progress", is_auth & writes_for_unit & is_running)
rules.add_perm("initiatives.act_for_unit", is_auth & writes_for_unit)
rules.add_perm("initiatives.act_for_launcher", is_auth & reviews_for_launcher)
rules.add_perm("initiatives.publish_initiative", is_auth & reviews_for_launcher)
# Councils.
rules.add_perm("initiatives.view_council", is_auth & (manages_council | sits_on_council))
rules.add_perm("initiatives.manage_council", is_auth & manages_council)
rules.add_perm("initiatives.score_in_council", is_auth & sits_on_council)


def member_unit_paths(user) -> list[str]:
    """Paths of the units the user belongs to (any active role), for conflict checks."""
    from danvan.orgs.models import Membership

    return list(Membership.objects.active().filter(user=user).values_list("unit__path", flat=True))


def has_conflict(member_paths: list[str], initiative_path: str, council_path: str) -> bool:
    """A member may not score an initiative registered by their own unit.

    "Own unit" is the registering unit itself, or a unit that contains it and lies below the
    council's forming unit (a commune official on a province council may not score their
    commune's agencies; a province official may score every commune of the province).
    """
    for path in member_paths:
        if path == initiative_path:
            return True
        if initiative_path.startswith(path) and len(path) > len(council_path):
            return True
    return False
