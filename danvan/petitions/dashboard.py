"""The citizens card of the dashboard: what is open, due soon and overdue under a unit."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from danvan.petitions.filters import DUE_SOON_DAYS
from danvan.petitions.models import OPEN_STATUSES, Letter


def dashboard_for(unit, user) -> dict:
    """Counts for ``unit``'s subtree in one query per table (the user's own caseload too)."""
    from danvan.dialogues.models import DialogueRequest, RequestStatus

    today = timezone.localdate()
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    letters = Letter.objects.filter(unit__path__startswith=unit.path, status__in=OPEN_STATUSES)
    counts = letters.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(current_due__lt=today)),
        due_soon=Count("pk", filter=Q(current_due__gte=today, current_due__lte=soon)),
        mine=Count("pk", filter=Q(handler=user)),
    )
    counts["requests_overdue"] = DialogueRequest.objects.filter(
        owner_unit__path__startswith=unit.path, status=RequestStatus.OPEN, due_on__lt=today
    ).count()
    return counts
