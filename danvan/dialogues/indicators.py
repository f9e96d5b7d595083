"""The figures on dialogues with citizens that periodic reports pre-fill.

Registered with ``danvan.kpis.sources`` (imported by ``DialoguesConfig.ready``); the seeded
indicator catalogue names them by key. Each counts a unit's whole subtree over a period in
one grouped query per tree depth:

- ``dialogues.held``: dialogues held (``held_on``) in the period by units of the subtree;
- ``dialogues.answered``: of the requests raised at those dialogues, the share answered by
  the end of the period. A request counts for the unit that held the dialogue (whoever owns
  the answer), so the numerator is always part of the denominator; an answer given after the
  period's end does not count, so a past period's rate does not change when it is
  recomputed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from danvan.dialogues.models import Dialogue, DialogueRequest, RequestStatus
from danvan.kpis import sources
from danvan.kpis.rollup import Entry


def held(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    return sources.count_by_subtree(
        Dialogue.objects.filter(held_on__gte=start, held_on__lte=end), "unit__path", units
    )


def answered(units: Sequence, start: dt.date, end: dt.date) -> dict[int, Entry]:
    answered_by_end = Q(status=RequestStatus.ANSWERED) & (
        Q(answered_on__isnull=True) | Q(answered_on__lte=end)
    )
    return sources.rate_by_subtree(
        DialogueRequest.objects.filter(dialogue__held_on__gte=start, dialogue__held_on__lte=end),
        "dialogue__unit__path",
        units,
        numerator=Count("pk", filter=answered_by_end),
        denominator=Count("pk"),
    )


sources.register(
    "dialogues.held",
    _("Dialogues held"),
    compute=held,
    description=_("Dialogues with citizens held in the period."),
)
sources.register(
    "dialogues.answered",
    _("Dialogue requests answered"),
    compute=answered,
    is_rate=True,
    description=_(
        "Requests raised at the dialogues of the period that were answered by its end, over "
        "all requests raised at them."
    ),
)
