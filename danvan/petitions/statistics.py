"""Figures on letters and receptions for a unit's subtree and a period, counted in the database.

A letter counts for the unit that resolves it now (``Letter.unit``: the competent unit after
a transfer), so a letter is never counted twice in a roll-up. Every figure is a conditional
``Count`` over one filtered queryset; a breakdown (by kind, channel, subject area, child
unit, month) is the same aggregate grouped by one column, so each table is one query
whatever the number of letters.

What the figures mean, for a period ``start``–``end`` (both included):

- received: letters received (``received_on``) in the period;
- accepted: letters accepted (``accepted_on``) in the period;
- resolved: letters resolved (status resolved, ``closed_on``) in the period;
- settled: letters whose handling ended in the period by a resolution, a written refusal or
  a forwarding to the competent body; each is *on time* when it ended on or before the due
  date of its step (``resolution_due`` for a resolution, ``acceptance_due`` for a refusal
  or a forwarding) — a letter without a due date counts as on time — and *late* otherwise.
  Letters filed without processing have no clock and are left out;
- open / overdue: letters open at the end of the period (or today, if earlier): received by
  then and not closed by then; overdue when the due date of the step in progress then
  (acceptance before the acceptance, resolution after it) had passed. On the current day
  these are exactly the open letters with ``current_due`` before today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.dialogues.models import Dialogue, DialogueRequest, RequestStatus
from danvan.orgs.models import Unit
from danvan.petitions.models import (
    Channel,
    Letter,
    LetterKind,
    LetterStatus,
    Reception,
    ReceptionKind,
    SubjectArea,
)

S = LetterStatus
METRICS = ("received", "accepted", "resolved", "settled", "on_time", "late", "open", "overdue")
METRIC_LABELS = {
    "received": _("Received"),
    "accepted": _("Accepted"),
    "resolved": _("Resolved"),
    "settled": _("Settled"),
    "on_time": _("On time"),
    "late": _("Late"),
    "open": _("Open"),
    "overdue": _("Overdue"),
}

# Age buckets of the backlog: (key, label, min days, max days or None).
AGE_BUCKETS = (
    ("d30", _("≤ 30 days"), 0, 30),
    ("d90", _("31-90 days"), 31, 90),
    ("d180", _("91-180 days"), 91, 180),
    ("d365", _("181-365 days"), 181, 365),
    ("older", _("> 365 days"), 366, None),
)


def year_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def _subtree(unit: Unit) -> Q:
    return Q(unit__path__startswith=unit.path)


def _period_q(start: dt.date, end: dt.date, at: dt.date) -> dict[str, Q]:
    """The condition of each metric (see the module's docstring)."""
    closed = Q(closed_on__gte=start, closed_on__lte=end)
    resolved = closed & Q(status=S.RESOLVED)
    answered_early = closed & Q(status__in=[S.REFUSED, S.FORWARDED])
    late = (resolved & Q(resolution_due__isnull=False, closed_on__gt=F("resolution_due"))) | (
        answered_early & Q(acceptance_due__isnull=False, closed_on__gt=F("acceptance_due"))
    )
    on_time = (
        resolved & (Q(resolution_due__isnull=True) | Q(closed_on__lte=F("resolution_due")))
    ) | (answered_early & (Q(acceptance_due__isnull=True) | Q(closed_on__lte=F("acceptance_due"))))
    open_at = Q(received_on__lte=at) & (Q(closed_on__isnull=True) | Q(closed_on__gt=at))
    awaiting_acceptance = Q(accepted_on__isnull=True) | Q(accepted_on__gt=at)
    overdue_at = open_at & (
        (awaiting_acceptance & Q(acceptance_due__lt=at))
        | (Q(accepted_on__lte=at) & Q(resolution_due__lt=at))
    )
    return {
        "received": Q(received_on__gte=start, received_on__lte=end),
        "accepted": Q(accepted_on__gte=start, accepted_on__lte=end),
        "resolved": resolved,
        "settled": resolved | answered_early,
        "on_time": on_time,
        "late": late,
        "open": open_at,
        "overdue": overdue_at,
    }


def _aggregates(conditions: dict[str, Q]) -> dict[str, Count]:
    return {name: Count("pk", filter=condition) for name, condition in conditions.items()}


def _relevant(conditions: dict[str, Q]) -> Q:
    """Letters that count for at least one metric (lets the database skip the others)."""
    return (
        conditions["received"]
        | conditions["accepted"]
        | conditions["settled"]
        | (conditions["open"])
    )


def _zero() -> dict[str, int]:
    return dict.fromkeys(METRICS, 0)


@dataclass
class LetterStatistics:
    unit: Unit
    start: dt.date
    end: dt.date
    at: dt.date  # the day "open" and "overdue" are counted on
    totals: dict[str, int]
    by_kind: list[dict[str, Any]] = field(default_factory=list)
    by_channel: list[dict[str, Any]] = field(default_factory=list)
    by_subject: list[dict[str, Any]] = field(default_factory=list)
    by_unit: list[dict[str, Any]] = field(default_factory=list)  # children of ``unit``
    own: dict[str, int] | None = None  # letters resolved by ``unit`` itself
    by_month: list[dict[str, Any]] = field(default_factory=list)

    @property
    def on_time_pct(self) -> float | None:
        settled = self.totals["settled"]
        return round(100 * self.totals["on_time"] / settled, 1) if settled else None


def _grouped(qs, column: str, aggregates: dict[str, Count]) -> dict[Any, dict[str, int]]:
    rows = qs.values(column).annotate(**aggregates).order_by()
    return {row[column]: {name: row[name] for name in aggregates} for row in rows}


def _choice_rows(counts: dict[Any, dict[str, int]], choices) -> list[dict[str, Any]]:
    """One row per choice that has any figure, in the order of the choices."""
    return [
        {"key": value, "label": label, **counts[value]}
        for value, label in choices
        if value in counts and any(counts[value].values())
    ]


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _month_key(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def letter_statistics(
    unit: Unit, start: dt.date, end: dt.date, *, today: dt.date | None = None
) -> LetterStatistics:
    """Every figure of the statistics page for ``unit``'s subtree; eight queries."""
    today = today or timezone.localdate()
    at = min(end, today)
    conditions = _period_q(start, end, at)
    aggregates = _aggregates(conditions)
    letters = Letter.objects.filter(_subtree(unit)).filter(_relevant(conditions))
    totals = letters.aggregate(**aggregates)
    stats = LetterStatistics(unit=unit, start=start, end=end, at=at, totals=totals)
    stats.by_kind = _choice_rows(_grouped(letters, "kind", aggregates), LetterKind.choices)
    stats.by_channel = _choice_rows(_grouped(letters, "channel", aggregates), Channel.choices)
    stats.by_subject = _choice_rows(
        _grouped(letters, "subject_area", aggregates), SubjectArea.choices
    )

    # By child unit: the resolving unit's path cut to the children's length.
    width = len(unit.path) + Unit.steplen
    branches = _grouped(
        letters.annotate(branch=Substr("unit__path", 1, width)), "branch", aggregates
    )
    children = Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by(
        "path"
    )
    stats.by_unit = [
        {"unit": child, **branches.get(child.path, _zero())}
        for child in children
        if child.is_current or any(branches.get(child.path, {}).values())
    ]
    own = branches.get(unit.path)
    stats.own = own if own and any(own.values()) else None

    # By month: received by the month of receipt, settled by the month they were closed.
    months = {
        month: {"received": 0, "resolved": 0, "on_time": 0, "late": 0}
        for month in _months(start, end)
    }
    received = (
        Letter.objects.filter(_subtree(unit), conditions["received"])
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in received:
        months[_month_key(row["month"])]["received"] = row["n"]
    closed = (
        Letter.objects.filter(_subtree(unit), conditions["settled"])
        .annotate(month=TruncMonth("closed_on"))
        .values("month")
        .annotate(
            resolved=aggregates["resolved"], on_time=aggregates["on_time"], late=aggregates["late"]
        )
        .order_by()
    )
    for row in closed:
        months[_month_key(row["month"])].update(
            resolved=row["resolved"], on_time=row["on_time"], late=row["late"]
        )
    stats.by_month = [{"month": month, **counts} for month, counts in months.items()]
    return stats


# ------------------------------------------------------------------------- indicators

INDICATOR_LABELS = {
    "letters_received": _("Letters received"),
    "letters_accepted": _("Letters accepted"),
    "letters_resolved": _("Letters resolved"),
    "letters_settled": _("Letters settled (resolved, refused with notice or forwarded)"),
    "letters_resolved_on_time": _("Letters settled on time"),
    "letters_resolved_late": _("Letters settled late"),
    "letters_open": _("Letters open at the end of the period"),
    "letters_overdue": _("Letters overdue at the end of the period"),
    "complaints_received": _("Complaints received"),
    "denunciations_received": _("Denunciations received"),
    "petitions_received": _("Petitions received"),
    "feedback_received": _("Feedback received"),
    "receptions_held": _("Citizen receptions"),
    "citizens_received": _("Citizens received"),
    "leader_reception_days": _("Leaders' reception days"),
    "dialogues_held": _("Dialogues held"),
    "dialogue_requests_raised": _("Requests raised at dialogues"),
    "dialogue_requests_answered": _("Dialogue requests answered"),
}


def computed_indicators(
    unit: Unit, start: dt.date, end: dt.date, *, today: dt.date | None = None
) -> dict[str, int]:
    """The figures of the periodic reception-and-petitions report for ``unit``'s subtree.

    Stable keys (the reports issue maps indicators to them; never rename one):

    - ``letters_received``: letters received in the period;
    - ``letters_accepted``: letters accepted in the period;
    - ``letters_resolved``: letters resolved in the period;
    - ``letters_settled``: letters resolved, refused with a notice or forwarded in the period;
    - ``letters_resolved_on_time``: of those, settled by the due date of their step;
    - ``letters_resolved_late``: of those, settled after it;
    - ``letters_open``: letters open at the end of the period (or today if earlier);
    - ``letters_overdue``: of those, past the due date of the step then in progress;
    - ``complaints_received``, ``denunciations_received``, ``petitions_received``,
      ``feedback_received``: letters of each kind received in the period;
    - ``receptions_held``: entries of the citizen-reception register dated in the period;
    - ``citizens_received``: citizens met at those receptions (a group counts its size);
    - ``leader_reception_days``: days on which a unit's leader held a reception (one per
      unit and day, however many citizens came);
    - ``dialogues_held``: dialogues held in the period by units of the subtree;
    - ``dialogue_requests_raised``: requests raised at those dialogues;
    - ``dialogue_requests_answered``: requests raised at the subtree's dialogues (of any
      date) and answered in the period.

    Letters count for their resolving unit (see the module's docstring). Six queries.
    """
    today = today or timezone.localdate()
    at = min(end, today)
    conditions = _period_q(start, end, at)
    received = conditions["received"]
    aggregates: dict[str, Any] = {
        "letters_received": Count("pk", filter=received),
        "letters_accepted": Count("pk", filter=conditions["accepted"]),
        "letters_resolved": Count("pk", filter=conditions["resolved"]),
        "letters_settled": Count("pk", filter=conditions["settled"]),
        "letters_resolved_on_time": Count("pk", filter=conditions["on_time"]),
        "letters_resolved_late": Count("pk", filter=conditions["late"]),
        "letters_open": Count("pk", filter=conditions["open"]),
        "letters_overdue": Count("pk", filter=conditions["overdue"]),
        "complaints_received": Count("pk", filter=received & Q(kind=LetterKind.COMPLAINT)),
        "denunciations_received": Count("pk", filter=received & Q(kind=LetterKind.DENUNCIATION)),
        "petitions_received": Count("pk", filter=received & Q(kind=LetterKind.PETITION)),
        "feedback_received": Count("pk", filter=received & Q(kind=LetterKind.FEEDBACK)),
    }
    result = (
        Letter.objects.filter(_subtree(unit)).filter(_relevant(conditions)).aggregate(**aggregates)
    )
    receptions = Reception.objects.filter(
        _subtree(unit), received_on__gte=start, received_on__lte=end
    )
    held = receptions.aggregate(n=Count("pk"), citizens=Sum("citizen_count"))
    result["receptions_held"] = held["n"]
    result["citizens_received"] = held["citizens"] or 0
    result["leader_reception_days"] = (
        receptions.filter(kind=ReceptionKind.LEADER)
        .values("unit_id", "received_on")
        .distinct()
        .count()
    )
    dialogues = Dialogue.objects.filter(_subtree(unit))
    result["dialogues_held"] = dialogues.filter(held_on__gte=start, held_on__lte=end).count()
    requests = DialogueRequest.objects.filter(dialogue__unit__path__startswith=unit.path)
    counted = requests.aggregate(
        raised=Count("pk", filter=Q(dialogue__held_on__gte=start, dialogue__held_on__lte=end)),
        answered=Count(
            "pk",
            filter=Q(status=RequestStatus.ANSWERED, answered_on__gte=start, answered_on__lte=end),
        ),
    )
    result["dialogue_requests_raised"] = counted["raised"]
    result["dialogue_requests_answered"] = counted["answered"]
    return {key: result[key] for key in INDICATOR_LABELS}


# ---------------------------------------------------------------------------- backlog


@dataclass
class BacklogRow:
    unit: Unit
    counts: dict[str, int]  # per AGE_BUCKETS key, plus "total" and "repeat"
    drillable: bool


@dataclass
class Backlog:
    root: Unit
    rows: list[BacklogRow]  # the root's children, each counting its subtree
    own: dict[str, int] | None  # letters resolved by the root itself
    total: dict[str, int]
    on: dt.date


def _backlog_aggregates(today: dt.date) -> dict[str, Count]:
    aggregates = {}
    for key, _label, low, high in AGE_BUCKETS:
        condition = Q(received_on__lte=today - dt.timedelta(days=low))
        if high is not None:
            condition &= Q(received_on__gte=today - dt.timedelta(days=high))
        aggregates[key] = Count("pk", filter=condition)
    # A repeat filing: the letter belongs to a case family holding another letter.
    families = (
        Letter.objects.filter(family__isnull=False)
        .values("family_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("family_id")
    )
    aggregates["repeat"] = Count("pk", filter=Q(family_id__in=families))
    aggregates["total"] = Count("pk")
    return aggregates


def backlog(root: Unit, *, today: dt.date | None = None) -> Backlog:
    """Open letters of ``root``'s subtree by age since receipt, per child of ``root``.

    One grouped query (the resolving unit's path cut to the children's length) and one for
    the children; the ages are counted in the database from ``received_on``.
    """
    today = today or timezone.localdate()
    width = len(root.path) + Unit.steplen
    aggregates = _backlog_aggregates(today)
    grouped = _grouped(
        Letter.objects.open()
        .filter(_subtree(root))
        .annotate(branch=Substr("unit__path", 1, width)),
        "branch",
        aggregates,
    )
    empty = dict.fromkeys(aggregates, 0)
    children = Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by(
        "path"
    )
    rows = [
        BacklogRow(unit=child, counts=grouped.get(child.path, empty), drillable=child.numchild > 0)
        for child in children
        if child.is_current or child.path in grouped
    ]
    total = {key: sum(counts[key] for counts in grouped.values()) for key in aggregates}
    own = grouped.get(root.path)
    return Backlog(root=root, rows=rows, own=own, total=total, on=today)
