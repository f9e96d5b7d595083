"""A value against a target: met, on track, at risk, missed, or no data.

``evaluate`` is pure (no database) so its rules are tested as properties:

- no value → no data (missing is never counted as zero);
- the comparator holds → met, whatever the date;
- otherwise, once the target's deadline has passed → missed;
- before it: with a baseline, the value is compared with the straight path from the baseline
  to the target at ``progress`` (0 at the baseline year, 1 at the deadline): on or beyond the
  path → on track, behind it → at risk; without a baseline, a value that moved the right way
  since the previous period is on track, anything else at risk.

"Right way" follows the comparator: ≥ and > want more, ≤ and < want less, = and a band want
to get closer.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    MET = "met", _("Met")
    ON_TRACK = "on_track", pgettext_lazy("target status", "On track")
    AT_RISK = "at_risk", _("At risk")
    MISSED = "missed", _("Missed")
    NO_DATA = "no_data", _("No data")


# Bootstrap colour of each status (traffic light), used by templates and charts.
COLOURS = {
    Status.MET: "success",
    Status.ON_TRACK: "info",
    Status.AT_RISK: "warning",
    Status.MISSED: "danger",
    Status.NO_DATA: "secondary",
}


def satisfies(comparator: str, value: Decimal, target: Decimal, high: Decimal | None) -> bool:
    if comparator == "gt":
        return value > target
    if comparator == "gte":
        return value >= target
    if comparator == "lt":
        return value < target
    if comparator == "lte":
        return value <= target
    if comparator == "eq":
        return value == target
    if comparator == "band":
        return high is not None and target <= value <= high
    raise ValueError(f"unknown comparator {comparator!r}")


def distance(comparator: str, value: Decimal, target: Decimal, high: Decimal | None) -> Decimal:
    """How far ``value`` is from satisfying the target (0 when it does)."""
    if satisfies(comparator, value, target, high):
        return Decimal(0)
    if comparator in ("gt", "gte"):
        return target - value
    if comparator in ("lt", "lte"):
        return value - target
    if comparator == "band" and high is not None and value > high:
        return value - high
    return abs(target - value)


def evaluate(
    comparator: str,
    value: Decimal | None,
    target: Decimal,
    high: Decimal | None = None,
    *,
    deadline_passed: bool,
    progress: Decimal | None = None,
    baseline: Decimal | None = None,
    previous: Decimal | None = None,
) -> Status:
    if value is None:
        return Status.NO_DATA
    if satisfies(comparator, value, target, high):
        return Status.MET
    if deadline_passed:
        return Status.MISSED
    if baseline is not None and progress is not None:
        progress = min(max(progress, Decimal(0)), Decimal(1))
        if comparator == "band":
            goal = target if baseline < target else (high if high is not None else target)
        else:
            goal = target
        expected = baseline + (goal - baseline) * progress
        # on the path when the remaining gap is no wider than the path's remaining gap
        remaining = distance(comparator, expected, target, high)
        return (
            Status.ON_TRACK
            if distance(comparator, value, target, high) <= remaining
            else Status.AT_RISK
        )
    if previous is not None and distance(comparator, value, target, high) < distance(
        comparator, previous, target, high
    ):
        return Status.ON_TRACK
    return Status.AT_RISK


def progress_between(start_year: int, end_year: int, day) -> Decimal:
    """Share of the way from the end of ``start_year`` to the end of ``end_year`` at ``day``."""
    import datetime as dt

    begin = dt.date(start_year, 12, 31)
    finish = dt.date(end_year, 12, 31)
    if finish <= begin:
        return Decimal(1)
    share = Decimal((day - begin).days) / Decimal((finish - begin).days)
    return min(max(share, Decimal(0)), Decimal(1))
