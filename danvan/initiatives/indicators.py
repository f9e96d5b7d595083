"""The "Dân vận khéo" figures that periodic reports pre-fill.

Registered with ``danvan.kpis.sources`` (imported by ``InitiativesConfig.ready``); the seeded
indicator catalogue names them by key. Each counts a unit's whole subtree over a period (both
days included, in local time) in one grouped query per tree depth; an initiative counts for
its registering unit (``Initiative.unit``), whatever campaign it was registered in:

- ``initiatives.registered``: initiatives registered (submitted; ``registered_at``) in the
  period. Drafts never count; an initiative returned for changes counts again when it is
  submitted again (``registered_at`` moves to that day), not before; one discontinued after
  registering still counts: it was registered;
- ``initiatives.recognised``: initiatives recognised by a decision (``Recognition``) dated in
  the period; one recognised at two levels in the same period counts once;
- ``initiatives.replicated``: registrations of the period that replicate another model
  (``replicated_from``), by the same rule as ``initiatives.registered``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.initiatives.models import Initiative, Recognition, Status
from danvan.kpis import sources
from danvan.kpis.rollup import Entry

# Submitted and not sent back: what a report counts as registered.
NOT_REGISTERED = (Status.DRAFT, Status.RETURNED)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def registrations(start: dt.date, end: dt.date):
    """Initiatives registered from ``start`` to ``end`` (local days, both included)."""
    return Initiative.objects.filter(
        registered_at__gte=_day_start(start),
        registered_at__lt=_day_start(end + dt.timedelta(days=1)),
    ).exclude(status__in=NOT_REGISTERED)


def registered(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    return sources.count_by_subtree(registrations(start, end), "unit__path", units)


def replicated(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    return sources.count_by_subtree(
        registrations(start, end).filter(replicated_from__isnull=False), "unit__path", units
    )


def recognised(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    rows = sources.count_by_subtree(
        Recognition.objects.filter(decision_date__gte=start, decision_date__lte=end),
        "initiative__unit__path",
        units,
        value=Count("initiative", distinct=True),
    )
    return {unit_id: Entry(value=Decimal(row["value"])) for unit_id, row in rows.items()}


sources.register(
    "initiatives.registered",
    _("“Dân vận khéo” models and exemplars registered"),
    compute=registered,
    description=_(
        "Models and exemplars submitted for registration in the period and not sent back "
        "(drafts never count)."
    ),
)
sources.register(
    "initiatives.recognised",
    _("“Dân vận khéo” models and exemplars recognised"),
    compute=recognised,
    description=_(
        "Models and exemplars recognised by a decision dated in the period (once each, "
        "whatever the number of levels)."
    ),
)
sources.register(
    "initiatives.replicated",
    _("Replications of “Dân vận khéo” models"),
    compute=replicated,
    description=_("Models registered in the period that replicate another model."),
)
