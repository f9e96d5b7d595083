"""Writes on indicators and targets: the pages and the API call these.

``save_indicator`` checks ``kpis.change_indicator`` and keeps the code of an indicator a form
or a report uses. The target writes check ``kpis.change_target`` (before a change, on the unit
the target had; after it, on the unit it now has). Each runs the model's validation.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from danvan.kpis.models import Indicator, Target
from danvan.orgs.models import User


def indicator_in_use(indicator: Indicator) -> bool:
    """Whether a report form or a report uses ``indicator`` (its code is then fixed)."""
    return indicator.pk is not None and (
        indicator.form_fields.exists() or indicator.report_values.exists()
    )


@transaction.atomic
def save_indicator(indicator: Indicator, *, actor: User) -> Indicator:
    """Create or change ``indicator`` (its fields already set by the caller)."""
    if not actor.has_perm("kpis.change_indicator"):
        raise PermissionDenied
    if indicator.pk is not None:
        code = Indicator.objects.filter(pk=indicator.pk).values_list("code", flat=True).first()
        if code != indicator.code and indicator_in_use(indicator):
            raise ValidationError(
                {"code": _("Used by a report form or a report: the code can no longer change.")}
            )
    indicator.full_clean()
    indicator.save()
    return indicator


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
