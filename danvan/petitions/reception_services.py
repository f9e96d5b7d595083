"""Writes (and the scoped reads) of the citizen-reception register and the leaders' schedules.

Every write is keyword-only, runs in one transaction, checks its permission (``PermissionDenied``)
and answers bad input with a ``ValidationError`` keyed by field. A reception whose outcome is
"letter received" may record the letter in the same transaction through
``services.receive_letter`` (channel "in person"); the reception then links to it.

The citizen's identity met at a reception follows the seal of the letter it produced: see
``identity_access``. Names of denunciation-classified receptions never appear in lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from danvan.orgs.models import Unit, User
from danvan.petitions import services
from danvan.petitions.models import (
    Channel,
    LetterKind,
    Reception,
    ReceptionClass,
    ReceptionOutcome,
    ReceptionSchedule,
)

RECEPTION_FIELDS = (
    "received_on",
    "kind",
    "official_name",
    "official_title",
    "citizen_name",
    "citizen_address",
    "citizen_count",
    "content",
    "classification",
    "outcome",
)
IDENTITY = ("citizen_name", "citizen_address")
SCHEDULE_FIELDS = (
    "leader_name",
    "leader_title",
    "frequency",
    "days_text",
    "place",
    "valid_from",
    "valid_to",
)
# The letter a reception produces takes its kind from the reception's classification.
LETTER_KIND = {
    ReceptionClass.COMPLAINT: LetterKind.COMPLAINT,
    ReceptionClass.DENUNCIATION: LetterKind.DENUNCIATION,
    ReceptionClass.PETITION: LetterKind.PETITION,
    ReceptionClass.FEEDBACK: LetterKind.FEEDBACK,
    ReceptionClass.OTHER: LetterKind.FEEDBACK,
}


def _require(actor: User, perm: str, obj) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


# ---------------------------------------------------------------- reads


def name_is_listable(reception: Reception) -> bool:
    """May the citizen's name appear in a list or an export? (``letter`` must be loaded.)

    Never for a denunciation, never when the letter it produced is sealed.
    """
    if reception.classification == ReceptionClass.DENUNCIATION:
        return False
    letter = reception.letter
    return letter is None or not letter.confidential


class Visibility:
    """How ``user`` may see the identity of a reception's citizen on its own page."""

    OPEN = "open"  # shown
    LOGGED = "logged"  # shown on request, through services.read_identity (the read is logged)
    HIDDEN = "hidden"  # never shown


def identity_access(user, reception: Reception) -> str:
    letter = reception.letter
    if letter is None:
        if reception.classification == ReceptionClass.DENUNCIATION:
            # No letter holds the seal yet: only those who keep the register see the name.
            if user.has_perm("petitions.change_reception", reception):
                return Visibility.OPEN
            return Visibility.HIDDEN
        return Visibility.OPEN
    if not user.has_perm("petitions.read_identity", letter):
        return Visibility.HIDDEN
    if letter.confidential:
        return Visibility.LOGGED
    return Visibility.OPEN


def read_reception_identity(
    *, user: User, reception: Reception, ip_address: str | None = None
) -> dict[str, str]:
    """The citizen met at ``reception``; a sealed letter's identity is read (and logged) there."""
    access = identity_access(user, reception)
    if access == Visibility.HIDDEN:
        raise PermissionDenied
    if access == Visibility.LOGGED:
        services.read_identity(
            user=user,
            letter=reception.letter,
            purpose=_("Citizen reception of %(date)s")
            % {"date": f"{reception.received_on:%d/%m/%Y}"},
            ip_address=ip_address,
        )
    return {name: getattr(reception, name) for name in IDENTITY}


# ---------------------------------------------------------------- receptions


def _check_reception(unit: Unit, values: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    day = values.get("received_on")
    if day is not None:
        if day > timezone.localdate():
            errors.setdefault("received_on", []).append(_("The date cannot be in the future."))
        elif unit.valid_from is not None and day < unit.valid_from:
            errors.setdefault("received_on", []).append(
                _("%(unit)s did not exist yet on that day (it exists from %(date)s).")
                % {"unit": unit.name, "date": f"{unit.valid_from:%d/%m/%Y}"}
            )
        elif unit.valid_to is not None and day > unit.valid_to:
            errors.setdefault("received_on", []).append(
                _("%(unit)s no longer existed on that day (it closed on %(date)s).")
                % {"unit": unit.name, "date": f"{unit.valid_to:%d/%m/%Y}"}
            )
    count = values.get("citizen_count")
    if count is not None and count < 1:
        errors.setdefault("citizen_count", []).append(_("At least one citizen was received."))
    if errors:
        raise ValidationError(errors)


def _letter_title(reception: Reception) -> str:
    first_line = next((line.strip() for line in reception.content.splitlines() if line.strip()), "")
    return Truncator(first_line or reception.content).chars(300)


def _check_letter_wanted(outcome: str) -> None:
    if outcome != ReceptionOutcome.LETTER_RECEIVED:
        raise ValidationError(
            {
                "make_letter": _(
                    "Only a reception whose outcome is “letter received” records a letter."
                )
            }
        )


def _make_letter(actor: User, reception: Reception, *, sealed: bool):
    kind = LETTER_KIND[reception.classification]
    letter = services.receive_letter(
        actor=actor,
        unit=reception.unit,
        data={
            "kind": kind,
            "channel": Channel.IN_PERSON,
            "title": _letter_title(reception),
            "content": reception.content,
            "received_on": reception.received_on,
            "citizen_name": reception.citizen_name,
            "citizen_address": reception.citizen_address,
            "group_size": reception.citizen_count,
            "confidential": sealed and kind == LetterKind.COMPLAINT,
        },
    )
    reception.letter = letter
    Reception.objects.filter(pk=reception.pk).update(letter=letter)
    return letter


@transaction.atomic
def record_reception(
    *,
    actor: User,
    unit: Unit,
    data: Mapping[str, Any],
    make_letter: bool = False,
    seal_identity: bool = False,
) -> Reception:
    """Enter one reception in ``unit``'s register; optionally record the letter it brought.

    ``seal_identity``: the citizen asked to keep their identity secret on a complaint (a
    denunciation's letter is always sealed).
    """
    _require(actor, "petitions.add_reception", unit)
    values = {name: data[name] for name in RECEPTION_FIELDS if name in data}
    _check_reception(unit, values)
    if make_letter:
        _check_letter_wanted(values.get("outcome", ""))
    reception = Reception(unit=unit, created_by=actor, **values)
    reception.full_clean(exclude=["search_text", "letter", "created_by"])
    reception.save()
    if make_letter:
        _make_letter(actor, reception, sealed=seal_identity)
    return reception


@transaction.atomic
def update_reception(
    *,
    actor: User,
    reception: Reception,
    data: Mapping[str, Any],
    make_letter: bool = False,
    seal_identity: bool = False,
) -> Reception:
    """Correct a register entry. Once it produced a letter, its classification and outcome stay.

    Identity fields absent from ``data`` are kept (the form leaves them out when the user may
    not see them).
    """
    reception = (
        Reception.objects.select_for_update(of=("self",))
        .select_related("unit", "letter")
        .get(pk=reception.pk)
    )
    _require(actor, "petitions.change_reception", reception)
    values = {name: data[name] for name in RECEPTION_FIELDS if name in data}
    _check_reception(reception.unit, values)
    if reception.letter_id is not None:
        errors = {}
        if values.get("classification", reception.classification) != reception.classification:
            errors["classification"] = _(
                "This reception produced letter %(code)s: change the letter instead."
            ) % {"code": reception.letter.code}
        if values.get("outcome", reception.outcome) != reception.outcome:
            errors["outcome"] = _(
                "This reception produced letter %(code)s: its outcome stays “letter received”."
            ) % {"code": reception.letter.code}
        if make_letter:
            errors["make_letter"] = _("This reception already produced letter %(code)s.") % {
                "code": reception.letter.code
            }
        if errors:
            raise ValidationError(errors)
    if make_letter:
        _check_letter_wanted(values.get("outcome", reception.outcome))
    for name, value in values.items():
        setattr(reception, name, value)
    reception.full_clean(exclude=["search_text", "letter", "created_by"])
    reception.save()
    if make_letter:
        _make_letter(actor, reception, sealed=seal_identity)
    return reception


# ---------------------------------------------------------------- schedules


@transaction.atomic
def save_schedule(
    *,
    actor: User,
    unit: Unit,
    data: Mapping[str, Any],
    schedule: ReceptionSchedule | None = None,
) -> ReceptionSchedule:
    """Create or change a leader's reception schedule of ``unit``."""
    if schedule is not None:
        schedule = ReceptionSchedule.objects.select_for_update(of=("self",)).get(pk=schedule.pk)
        _require(actor, "petitions.change_receptionschedule", schedule)
        unit = schedule.unit
    _require(actor, "petitions.change_receptionschedule", unit)
    values = {name: data[name] for name in SCHEDULE_FIELDS if name in data}
    if schedule is None:
        schedule = ReceptionSchedule(unit=unit)
    for name, value in values.items():
        setattr(schedule, name, value)
    valid_from: dt.date | None = schedule.valid_from
    valid_to: dt.date | None = schedule.valid_to
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": _("The end date cannot be before the start date.")})
    schedule.full_clean(exclude=["unit"])
    schedule.save()
    return schedule
