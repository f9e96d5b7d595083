"""The filters of the letter list and its Excel export, read from a query string.

``LetterFilters.from_params(request.GET)`` is lenient: an unknown or malformed value is
ignored rather than answered with an error, so a shared link keeps working after a choice
is renamed. ``selectors.letter_list(user, filters, today=…)`` applies them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from danvan.petitions.models import Channel, LetterKind, LetterStatus, SubjectArea

# A deadline this close (in days) turns the badge amber and lists the letter as due soon.
DUE_SOON_DAYS = 5


class DueState(models.TextChoices):
    OVERDUE = "overdue", _("Overdue")
    DUE_SOON = "due_soon", _("Due soon")
    ON_TRACK = "on_track", _("On track")


# Sort key → ordering; the second half of each pair breaks ties so pages never overlap.
SORTS: dict[str, tuple[Any, ...]] = {
    "received": ("received_on", "pk"),
    "-received": ("-received_on", "-pk"),
    "due": (models.F("current_due").asc(nulls_last=True), "pk"),
    "-due": (models.F("current_due").desc(nulls_last=True), "-pk"),
    "unit": ("unit__path", "-received_on", "-pk"),
    "-unit": ("-unit__path", "-received_on", "-pk"),
    "status": ("status", "-received_on", "-pk"),
    "-status": ("-status", "-received_on", "-pk"),
}
DEFAULT_SORT = "-received"
SORTABLE = ("received", "due", "unit", "status")


def parse_int(value: Any) -> int | None:
    """A positive database id, or None."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def parse_date(value: Any) -> dt.date | None:
    """``yyyy-mm-dd`` (a date input) or ``dd/mm/yyyy`` (typed by hand); None otherwise."""
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    return None


def _flag(params: Mapping[str, Any], key: str) -> bool:
    return str(params.get(key, "")).lower() in {"1", "on", "true", "yes"}


def _choice(params: Mapping[str, Any], key: str, values) -> str:
    value = str(params.get(key, ""))
    return value if value in values else ""


@dataclass(frozen=True)
class LetterFilters:
    unit: int | None = None  # the resolving unit's subtree
    kind: str = ""
    status: str = ""
    channel: str = ""
    subject_area: str = ""
    anonymous: bool = False
    over_level: bool = False
    sealed: bool = False
    mine: bool = False  # the user is the handler
    due: str = ""  # a DueState
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    q: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> LetterFilters:
        sort = str(params.get("sort", DEFAULT_SORT))
        return cls(
            unit=parse_int(params.get("unit")),
            kind=_choice(params, "kind", LetterKind.values),
            status=_choice(params, "status", LetterStatus.values),
            channel=_choice(params, "channel", Channel.values),
            subject_area=_choice(params, "subject_area", SubjectArea.values),
            anonymous=_flag(params, "anonymous"),
            over_level=_flag(params, "over_level"),
            sealed=_flag(params, "sealed"),
            mine=_flag(params, "mine"),
            due=_choice(params, "due", DueState.values),
            received_from=parse_date(params.get("received_from")),
            received_to=parse_date(params.get("received_to")),
            q=str(params.get("q", ""))[:100],
            sort=sort if sort in SORTS else DEFAULT_SORT,
        )

    @property
    def is_filtered(self) -> bool:
        """Anything but the sort narrows the list."""
        return any(getattr(self, f.name) != f.default for f in fields(self) if f.name != "sort")
