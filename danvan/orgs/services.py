"""Every write to units and memberships goes through one of these functions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from danvan.orgs.models import AGENCY_KINDS, Membership, Role, Unit, User
from danvan.orgs.scope import forget_scope


def _require(actor: User, perm: str, obj) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


@transaction.atomic
def add_agency(
    *,
    actor: User,
    parent: Unit,
    kind: str,
    name: str,
    short_name: str = "",
    code: str = "",
    is_remote_area: bool = False,
) -> Unit:
    """Create an agency (department, Front, mass organisation, party body) under ``parent``."""
    _require(actor, "orgs.add_agency", parent)
    if kind not in AGENCY_KINDS:
        raise ValidationError({"kind": _("Only agencies can be added under a unit.")})
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Enter the agency's full name.")})
    # Lock the parent row so two admins adding at once get distinct paths.
    parent = Unit.objects.select_for_update().get(pk=parent.pk)
    if Unit.objects.filter(
        path__startswith=parent.path, depth=parent.depth + 1, name__iexact=name
    ).exists():
        raise ValidationError({"name": _("This unit already has an agency with that name.")})
    child = Unit(
        kind=kind,
        name=name,
        short_name=short_name.strip(),
        code=code.strip(),
        is_remote_area=is_remote_area or parent.is_remote_area,
    )
    child._history_user = actor
    return Unit.objects.add_child(parent, instance=child)


@transaction.atomic
def update_unit(
    *,
    actor: User,
    unit: Unit,
    name: str,
    short_name: str,
    is_remote_area: bool,
    code: str | None = None,
) -> Unit:
    """Rename a unit or change its remote-area flag. Territorial codes stay as loaded."""
    _require(actor, "orgs.change_unit", unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not name.strip():
        raise ValidationError({"name": _("Enter the unit's full name.")})
    unit.name = name.strip()
    unit.short_name = short_name.strip()
    unit.is_remote_area = is_remote_area
    if code is not None and unit.is_agency:
        unit.code = code.strip()
    unit._history_user = actor
    unit.save()
    return unit


@transaction.atomic
def grant_membership(*, actor: User, user: User, unit: Unit, role: str) -> Membership:
    """Give ``user`` a role at ``unit`` (re-activating a revoked one)."""
    _require(actor, "orgs.manage_memberships", unit)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Role.SYSTEM_ADMIN and not actor.is_superuser:
        raise ValidationError(
            {"role": _("Only a superuser can grant the system administrator role.")}
        )
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, unit=unit, role=role, defaults={"is_active": True}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership._history_user = actor
        membership.save(update_fields=["is_active", "updated_at"])
    forget_scope(user)
    return membership


@transaction.atomic
def revoke_membership(*, actor: User, membership: Membership) -> Membership:
    _require(actor, "orgs.manage_memberships", membership.unit)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.is_active:  # revoking twice changes nothing and records nothing
        membership.is_active = False
        membership._history_user = actor
        membership.save(update_fields=["is_active", "updated_at"])
    forget_scope(membership.user)
    return membership
