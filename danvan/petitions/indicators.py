"""The figures on letters and citizen reception that periodic reports pre-fill.

Registered with ``danvan.kpis.sources`` (imported by ``PetitionsConfig.ready``); the seeded
indicator catalogue names them by key. Each counts a unit's whole subtree over a period in
one grouped query per tree depth, with the definitions of ``statistics.py`` so a report and
the statistics page give the same numbers:

- letters count for the unit resolving them now (``Letter.unit``: the competent unit after
  a transfer), so a transferred letter is counted once;
- ``petitions.received``: letters received (``received_on``) in the period;
- ``petitions.resolved``: letters resolved (status resolved, ``closed_on``) in the period;
- ``petitions.resolved_on_time``: of those, resolved by their resolution due date (a letter
  without one counts as on time) over all resolved. Refusals and forwardings, which the
  statistics page adds into "settled", are left out: the report's rate is the share of the
  resolved letters it reports beside it;
- ``petitions.receptions``: entries of the citizen-reception register dated in the period;
- ``petitions.citizens_received``: the citizens met at them (a group counts its size).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.kpis import sources
from danvan.kpis.rollup import Entry
from danvan.petitions.models import Letter, Reception
from danvan.petitions.statistics import _period_q

PATH = "unit__path"


def _conditions(start: dt.date, end: dt.date) -> dict:
    return _period_q(start, end, min(end, timezone.localdate()))


def received(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    return sources.count_by_subtree(
        Letter.objects.filter(_conditions(start, end)["received"]), PATH, units
    )


def resolved(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    return sources.count_by_subtree(
        Letter.objects.filter(_conditions(start, end)["resolved"]), PATH, units
    )


def resolved_on_time(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    conditions = _conditions(start, end)
    return sources.rate_by_subtree(
        Letter.objects.filter(conditions["resolved"]),
        PATH,
        units,
        numerator=Count("pk", filter=conditions["on_time"]),
        denominator=Count("pk"),
    )


def _receptions(start: dt.date, end: dt.date):
    return Reception.objects.filter(received_on__gte=start, received_on__lte=end)


def receptions(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    return sources.count_by_subtree(_receptions(start, end), PATH, units)


def citizens_received(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    rows = sources.count_by_subtree(
        _receptions(start, end), PATH, units, value=Sum("citizen_count")
    )
    return {unit_id: Entry(value=Decimal(row["value"])) for unit_id, row in rows.items()}


sources.register(
    "petitions.received",
    _("Letters received"),
    compute=received,
    description=_("Letters received in the period, counted for the unit resolving them."),
)
sources.register(
    "petitions.resolved",
    _("Letters resolved"),
    compute=resolved,
    description=_("Letters resolved in the period (closed with a resolution)."),
)
sources.register(
    "petitions.resolved_on_time",
    _("Letters resolved on time"),
    compute=resolved_on_time,
    is_rate=True,
    description=_(
        "Letters resolved in the period by their resolution due date, over all letters "
        "resolved in the period."
    ),
)
sources.register(
    "petitions.receptions",
    _("Citizen reception sessions"),
    compute=receptions,
    description=_("Entries of the citizen-reception register dated in the period."),
)
sources.register(
    "petitions.citizens_received",
    _("Citizens received"),
    compute=citizens_received,
    description=_("Citizens met at the receptions of the period (a group counts its size)."),
)
