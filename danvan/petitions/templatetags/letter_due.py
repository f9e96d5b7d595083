"""``{% due_info letter today as due %}``: the state of a letter's current deadline.

Used by ``petitions/partials/due_badge.html`` (the list, the due-soon page, the detail page).
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from danvan.petitions.filters import DUE_SOON_DAYS, DueState

register = template.Library()


@register.simple_tag
def due_info(letter, today: dt.date | None = None) -> dict:
    """{"state": overdue | due_soon | on_track | "" (closed or no deadline), "days", "due"}.

    ``days`` is the number of days left (negative once overdue), from the stored
    ``current_due``; the letter is overdue the day after its due date.
    """
    due = getattr(letter, "current_due", None)
    if due is None or not letter.is_open:
        return {"state": "", "days": None, "due": due}
    if isinstance(today, dt.datetime):
        today = timezone.localtime(today).date()
    elif not isinstance(today, dt.date):
        today = timezone.localdate()
    days = (due - today).days
    if days < 0:
        state = DueState.OVERDUE
    elif days <= DUE_SOON_DAYS:
        state = DueState.DUE_SOON
    else:
        state = DueState.ON_TRACK
    return {"state": str(state), "days": days, "late": -days, "due": due}
