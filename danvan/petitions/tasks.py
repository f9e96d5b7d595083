"""Background work for the citizens' letters."""

from __future__ import annotations

from django_tasks import task

from danvan.core.workdays import forget_calendar
from danvan.petitions import deadlines


@task()
def recompute_deadlines() -> int:
    """Refresh the stored deadlines of every open letter; returns how many changed.

    Queued when a calendar day or a deadline rule changes. The worker runs in its own process,
    whose calendar cache knows nothing of the change: forget it before counting.
    """
    forget_calendar()
    return deadlines.recompute()
