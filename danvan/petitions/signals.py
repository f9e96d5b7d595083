"""Stored deadlines follow the calendar and the rules.

A letter's due dates are computed when it moves and stored, so that due-soon and overdue lists
are plain queries. When a ``CalendarDay`` or a ``DeadlineRule`` is saved or deleted, the
calendar cache of this process is dropped at once and, once the change is committed, the
stored deadlines of the open letters are recomputed in the background: one task per
transaction, however many rows it changed.
"""

from __future__ import annotations

import threading

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from danvan.core.models import CalendarDay
from danvan.core.workdays import forget_calendar
from danvan.petitions.models import DeadlineRule


class RecomputeOnCommit:
    """The on-commit callback that queues ``recompute_deadlines`` (once)."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        from danvan.petitions.tasks import recompute_deadlines

        self.done = True
        forget_calendar()
        recompute_deadlines.enqueue()


_local = threading.local()


def schedule_recompute() -> None:
    """Recompute the stored deadlines after the current transaction commits."""
    forget_calendar()
    pending = getattr(_local, "pending", None)
    if (
        pending is not None
        and not pending.done
        and any(callback is pending for _sids, callback, _robust in connection.run_on_commit)
    ):
        return  # already queued for this transaction
    _local.pending = RecomputeOnCommit()
    transaction.on_commit(_local.pending)


@receiver(post_save, sender=CalendarDay, dispatch_uid="petitions_calendar_day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="petitions_calendar_day_deleted")
@receiver(post_save, sender=DeadlineRule, dispatch_uid="petitions_deadline_rule_saved")
@receiver(post_delete, sender=DeadlineRule, dispatch_uid="petitions_deadline_rule_deleted")
def deadlines_depend_on(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loading a fixture: nothing to recompute yet
    schedule_recompute()
