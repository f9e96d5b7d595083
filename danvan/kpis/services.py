"""Writes on targets: the target pages and the API both call these.

Each checks ``kpis.change_target`` (before a change, on the unit the target had; after it,
on the unit it now has) and the model's validation.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from danvan.kpis.models import Target
from danvan.orgs.models import User


@transaction.atomic
def save_target(target: Target, *, actor: User, data: dict | None = None) -> Target:
    """Create or change ``target`` with ``data`` (fields already set on it are kept)."""
    if target.pk is not None:
        before = Target.objects.select_related("unit").get(pk=target.pk)
        if not actor.has_perm("kpis.change_target", before):
            raise PermissionDenied
    for name, value in (data or {}).items():
        setattr(target, name, value)
    if target.applies_to_kind is None:
        target.applies_to_kind = ""
    if not actor.has_perm("kpis.change_target", target):
        raise PermissionDenied(_("You may not set targets for this unit."))
    if target.pk is None:
        target.created_by = actor
    target.full_clean(exclude=["created_by", "plan"])
    target.save()
    return target


@transaction.atomic
def delete_target(target: Target, *, actor: User) -> None:
    if not actor.has_perm("kpis.change_target", target):
        raise PermissionDenied
    target.delete()
