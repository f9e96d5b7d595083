"""Every write on letters: intake, acceptance, assignment, transfer, extension, resolution.

Each function is keyword-only, runs in one transaction, checks its permission, locks the
letter (``select_for_update(of=("self",))``) so a step raced by two users applies once,
refuses a step the letter's status does not allow (``TRANSITIONS``) in plain words, writes a
``LetterEvent`` and refreshes the stored deadlines. Notifications never carry the citizen's
name: only the tracking code and the subject.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.notify import notify
from danvan.core.uploads import ALL_KINDS, check_upload
from danvan.orgs.models import Membership, Role, Unit, User
from danvan.orgs.scope import WRITE_ROLES
from danvan.petitions import deadlines
from danvan.petitions.models import (
    IDENTITY_FIELDS,
    Channel,
    Complexity,
    DocumentKind,
    IdentityAccess,
    Letter,
    LetterAction,
    LetterDocument,
    LetterEvent,
    LetterFamily,
    LetterKind,
    LetterStatus,
    Outcome,
    Step,
)
from danvan.petitions.rules import can_read_identity

S = LetterStatus
# Which step may be taken from which status.
TRANSITIONS: dict[str, frozenset[str]] = {
    LetterAction.ACCEPTED: frozenset({S.RECEIVED}),
    LetterAction.REFUSED: frozenset({S.RECEIVED}),
    LetterAction.TRANSFERRED: frozenset({S.RECEIVED}),
    LetterAction.FORWARDED: frozenset({S.RECEIVED}),
    LetterAction.ARCHIVED: frozenset({S.RECEIVED}),
    LetterAction.ASSIGNED: frozenset({S.RECEIVED, S.ACCEPTED}),
    LetterAction.EXTENDED: frozenset({S.ACCEPTED}),
    LetterAction.RESOLVED: frozenset({S.ACCEPTED}),
    LetterAction.SEALED: frozenset({S.RECEIVED, S.ACCEPTED}),
}

MAX_DOCUMENTS = 10


def today() -> dt.date:
    return timezone.localdate()


def _require(actor: User, perm: str, obj) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def _lock(letter: Letter) -> Letter:
    return Letter.objects.select_for_update(of=("self",)).select_related("unit").get(pk=letter.pk)


def _check_move(letter: Letter, action: str) -> None:
    if letter.status not in TRANSITIONS[action]:
        raise ValidationError(
            _("This letter is “%(status)s”: it cannot be “%(action)s” now.")
            % {"status": letter.get_status_display(), "action": LetterAction(action).label}
        )


def _check_date(
    value: dt.date, *, field: str, not_before: dt.date | None = None, before_label: str = ""
) -> None:
    if value > today():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if not_before is not None and value < not_before:
        raise ValidationError(
            {
                field: _("The date cannot be before %(what)s (%(date)s).")
                % {"what": before_label, "date": f"{not_before:%d/%m/%Y}"}
            }
        )


def _begin(actor: User, letter: Letter, action: str, *, on: dt.date | None = None) -> Letter:
    """Lock the letter, then check the actor, the move and the date of a step dated ``on``."""
    letter = _lock(letter)
    _require(actor, "petitions.change_letter", letter)
    _check_move(letter, action)
    if on is not None:
        _check_date(
            on,
            field="on",
            not_before=letter.arrived_on,
            before_label=_("the day it reached this unit"),
        )
    return letter


def _event(
    letter: Letter, actor: User | None, action: str, *, on: dt.date, from_status: str = "", **fields
) -> LetterEvent:
    return LetterEvent.objects.create(
        letter=letter,
        actor=actor,
        action=action,
        on=on,
        from_status=from_status,
        to_status=letter.status,
        **fields,
    )


def _attach(
    letter: Letter,
    files: Iterable,
    *,
    kind: str,
    actor: User | None,
    event: LetterEvent | None = None,
    public: bool = False,
) -> list[LetterDocument]:
    files = [f for f in files if f]
    if letter.documents.count() + len(files) > MAX_DOCUMENTS:
        raise ValidationError(
            {"documents": _("A letter holds at most %(n)s files.") % {"n": MAX_DOCUMENTS}}
        )
    # Check every file before storing any: a refused third file must not leave the first two
    # on disk after the transaction rolls back.
    for upload in files:
        try:
            check_upload(upload, kinds=ALL_KINDS)
        except ValidationError as exc:
            raise ValidationError({"documents": exc.messages}) from exc
    saved = []
    for upload in files:
        document = LetterDocument(
            letter=letter,
            event=event,
            kind=kind,
            name=upload.name[-200:],
            size=upload.size or 0,
            uploaded_by=actor,
            is_public=public,
        )
        document.file.save(upload.name, upload, save=False)
        document.save()
        saved.append(document)
    return saved


def _refresh_deadlines(letter: Letter) -> None:
    changed = deadlines.apply_due_dates(letter)
    if changed:
        Letter.objects.filter(pk=letter.pk).update(
            **{name: getattr(letter, name) for name in changed}
        )


def _handlers_of(unit: Unit):
    return User.objects.filter(
        memberships__unit=unit,
        memberships__role__in=[Role.LEADER],
        memberships__is_active=True,
        is_active=True,
    ).distinct()


# ---------------------------------------------------------------- intake

INTAKE_FIELDS = (
    "kind",
    "complaint_round",
    "channel",
    "subject_area",
    "title",
    "content",
    "received_on",
    "is_anonymous",
    "is_over_level",
    "is_not_competent",
    "confidential",
    "complexity",
    "group_size",
    *IDENTITY_FIELDS,
)


@transaction.atomic
def receive_letter(
    *,
    actor: User | None,
    unit: Unit,
    data: Mapping[str, Any],
    documents: Iterable = (),
    family: LetterFamily | None = None,
) -> Letter:
    """Record a letter received by ``unit``; ``actor`` None means the public portal."""
    if actor is not None:
        _require(actor, "petitions.add_letter", unit)
    values = {name: data[name] for name in INTAKE_FIELDS if name in data}
    received_on = values.get("received_on") or today()
    _check_date(received_on, field="received_on")
    if values.get("kind") == LetterKind.DENUNCIATION:
        values["confidential"] = True  # the law seals a denouncer's identity
    if values.get("is_anonymous"):
        for name in IDENTITY_FIELDS:
            values[name] = ""
    if values.get("kind") != LetterKind.COMPLAINT:
        values["complaint_round"] = 1
    letter = Letter(
        unit=unit,
        received_unit=unit,
        arrived_on=received_on,
        remote_area=unit.is_remote_area,
        created_by=actor,
        family=family,
        **{**values, "received_on": received_on},
    )
    letter.full_clean(exclude=["code", "search_text"])
    deadlines.apply_due_dates(letter)
    letter.save()
    event = _event(
        letter,
        actor,
        LetterAction.RECEIVED,
        on=received_on,
        to_unit=unit,
        note=letter.get_channel_display(),
    )
    _attach(
        letter,
        documents,
        kind=DocumentKind.ORIGINAL,
        actor=actor,
        event=event,
        public=False,  # the citizen's own papers may carry personal data
    )
    leaders = _handlers_of(unit)
    if actor is None or letter.channel == Channel.PORTAL:
        notify(
            users=leaders,
            text=_("New %(kind)s %(code)s from the public portal: %(title)s")
            % {
                "kind": letter.get_kind_display().lower(),
                "code": letter.code,
                "title": letter.title,
            },
            url=letter.get_absolute_url(),
        )
    return letter


# ---------------------------------------------------------------- the steps


@transaction.atomic
def accept(
    *,
    actor: User,
    letter: Letter,
    on: dt.date,
    complexity: str = Complexity.NORMAL,
    note: str = "",
    document_number: str = "",
    documents: Iterable = (),
) -> Letter:
    letter = _begin(actor, letter, LetterAction.ACCEPTED, on=on)
    if letter.is_anonymous and letter.kind == LetterKind.COMPLAINT:
        raise ValidationError(
            _("An anonymous complaint cannot be accepted: file it or ask the citizen to sign it.")
        )
    before = letter.status
    letter.status = S.ACCEPTED
    letter.accepted_on = on
    letter.complexity = complexity
    deadlines.apply_due_dates(letter)
    letter.save()
    event = _event(
        letter,
        actor,
        LetterAction.ACCEPTED,
        on=on,
        from_status=before,
        note=note,
        document_number=document_number,
    )
    _attach(letter, documents, kind=DocumentKind.NOTICE, actor=actor, event=event)
    return letter


@transaction.atomic
def refuse(
    *,
    actor: User,
    letter: Letter,
    on: dt.date,
    reason: str,
    document_number: str = "",
    documents: Iterable = (),
) -> Letter:
    """Not accepted, with the written notice to the citizen saying why."""
    letter = _begin(actor, letter, LetterAction.REFUSED, on=on)
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Say why the letter is not accepted: the citizen is told.")}
        )
    before = letter.status
    letter.status = S.REFUSED
    letter.closed_on = on
    letter.answer = reason
    deadlines.apply_due_dates(letter)
    letter.save()
    event = _event(
        letter,
        actor,
        LetterAction.REFUSED,
        on=on,
        from_status=before,
        note=reason,
        document_number=document_number,
    )
    _attach(letter, documents, kind=DocumentKind.NOTICE, actor=actor, event=event)
    return letter


@transaction.atomic
def assign(*, actor: User, letter: Letter, handler: User, note: str = "") -> Letter:
    letter = _begin(actor, letter, LetterAction.ASSIGNED)
    works_here = (
        Membership.objects.active()
        .filter(user=handler, role__in=WRITE_ROLES, unit=letter.unit)
        .exists()
    )
    if not works_here:
        raise ValidationError(
            {
                "handler": _("The handler must be an officer or leader of %(unit)s.")
                % {"unit": letter.unit}
            }
        )
    letter.handler = handler
    letter.save(update_fields=["handler", "updated_at"])
    _event(
        letter,
        actor,
        LetterAction.ASSIGNED,
        on=today(),
        from_status=letter.status,
        note=note or str(handler),
    )
    notify(
        users=[handler],
        text=_("You have been assigned letter %(code)s: %(title)s")
        % {"code": letter.code, "title": letter.title},
        url=letter.get_absolute_url(),
    )
    return letter


@transaction.atomic
def transfer(
    *,
    actor: User,
    letter: Letter,
    to_unit: Unit,
    on: dt.date,
    note: str = "",
    document_number: str = "",
) -> Letter:
    """Send the letter to the competent unit in danvan; the citizen is told (public timeline)."""
    letter = _begin(actor, letter, LetterAction.TRANSFERRED, on=on)
    if to_unit.pk == letter.unit_id:
        raise ValidationError({"to_unit": _("The letter is already at this unit.")})
    if not to_unit.is_current:
        raise ValidationError({"to_unit": _("This unit no longer exists; choose its successor.")})
    from_unit = letter.unit
    letter.unit = to_unit
    letter.arrived_on = on
    letter.handler = None
    letter.remote_area = to_unit.is_remote_area
    letter.escalated_on = None
    deadlines.apply_due_dates(letter)
    letter.save()
    _event(
        letter,
        actor,
        LetterAction.TRANSFERRED,
        on=on,
        from_status=letter.status,
        from_unit=from_unit,
        to_unit=to_unit,
        note=note,
        document_number=document_number,
    )
    notify(
        users=_handlers_of(to_unit),
        text=_("Letter %(code)s was transferred to your unit by %(unit)s: %(title)s")
        % {"code": letter.code, "unit": from_unit, "title": letter.title},
        url=letter.get_absolute_url(),
    )
    return letter


@transaction.atomic
def forward(
    *,
    actor: User,
    letter: Letter,
    to_body: str,
    on: dt.date,
    note: str = "",
    document_number: str = "",
) -> Letter:
    """Send the letter to a body outside danvan (a court, the police…); it closes here."""
    letter = _begin(actor, letter, LetterAction.FORWARDED, on=on)
    if not to_body.strip():
        raise ValidationError({"to_body": _("Name the body the letter is sent to.")})
    before = letter.status
    letter.status = S.FORWARDED
    letter.closed_on = on
    deadlines.apply_due_dates(letter)
    letter.save()
    _event(
        letter,
        actor,
        LetterAction.FORWARDED,
        on=on,
        from_status=before,
        to_body=to_body,
        note=note,
        document_number=document_number,
    )
    return letter


@transaction.atomic
def archive(*, actor: User, letter: Letter, reason: str) -> Letter:
    """File without processing (anonymous, duplicate with no new content, not a letter)."""
    letter = _begin(actor, letter, LetterAction.ARCHIVED)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the letter is filed without processing.")})
    before = letter.status
    letter.status = S.ARCHIVED
    letter.closed_on = today()
    deadlines.apply_due_dates(letter)
    letter.save()
    _event(letter, actor, LetterAction.ARCHIVED, on=today(), from_status=before, note=reason)
    return letter


def extension_room(letter: Letter) -> tuple[int, int]:
    """(extensions left, days allowed per extension) under the letter's resolution rule."""
    if letter.accepted_on is None:
        return 0, 0
    rule = deadlines.rule_for(
        letter.track,
        Step.RESOLUTION,
        complexity=letter.complexity,
        remote=letter.remote_area,
        on=letter.accepted_on,
    )
    if rule is None:
        return 0, 0
    return max(rule.extensions_allowed - letter.extensions_granted, 0), rule.extension_days


@transaction.atomic
def extend(
    *,
    actor: User,
    letter: Letter,
    days: int,
    decision_number: str,
    decision_date: dt.date,
    signer: str = "",
    note: str = "",
    documents: Iterable = (),
) -> Letter:
    """Lengthen the resolution period by a written decision, within what the rule allows."""
    letter = _begin(actor, letter, LetterAction.EXTENDED)
    left, per_extension = extension_room(letter)
    if left <= 0:
        raise ValidationError(
            _("The rule for this letter allows no (further) extension: %(n)s already granted.")
            % {"n": letter.extensions_granted}
        )
    if days < 1 or days > per_extension:
        raise ValidationError(
            {
                "days": _("An extension is 1 to %(max)s days under the rule.")
                % {"max": per_extension}
            }
        )
    if not decision_number.strip():
        raise ValidationError(
            {"decision_number": _("An extension needs the number of its written decision.")}
        )
    _check_date(
        decision_date,
        field="decision_date",
        not_before=letter.accepted_on,
        before_label=_("the acceptance"),
    )
    letter.extensions_granted += 1
    letter.extension_days_granted += days
    deadlines.apply_due_dates(letter)
    letter.escalated_on = None
    letter.save()
    event = _event(
        letter,
        actor,
        LetterAction.EXTENDED,
        on=decision_date,
        from_status=letter.status,
        days=days,
        document_number=decision_number,
        document_date=decision_date,
        signer=signer,
        note=note,
    )
    _attach(letter, documents, kind=DocumentKind.DECISION, actor=actor, event=event)
    return letter


@transaction.atomic
def resolve(
    *,
    actor: User,
    letter: Letter,
    on: dt.date,
    outcome: str,
    answer: str,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    signer: str = "",
    documents: Iterable = (),
) -> Letter:
    letter = _begin(actor, letter, LetterAction.RESOLVED)
    _check_date(on, field="on", not_before=letter.accepted_on, before_label=_("the acceptance"))
    if decision_date is not None:
        _check_date(
            decision_date,
            field="decision_date",
            not_before=letter.accepted_on,
            before_label=_("the acceptance"),
        )
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer the citizen will read.")})
    if (
        letter.kind in (LetterKind.COMPLAINT, LetterKind.DENUNCIATION)
        and not decision_number.strip()
    ):
        raise ValidationError(
            {"decision_number": _("Give the number of the written decision or conclusion.")}
        )
    before = letter.status
    letter.status = S.RESOLVED
    letter.outcome = outcome
    letter.answer = answer
    letter.closed_on = on
    deadlines.apply_due_dates(letter)
    letter.save()
    event = _event(
        letter,
        actor,
        LetterAction.RESOLVED,
        on=on,
        from_status=before,
        document_number=decision_number,
        document_date=decision_date,
        signer=signer,
        note=letter.get_outcome_display(),
    )
    _attach(letter, documents, kind=DocumentKind.ANSWER, actor=actor, event=event)
    return letter


@transaction.atomic
def seal(*, actor: User, letter: Letter, note: str = "") -> Letter:
    """The complainant asked that their identity be kept secret."""
    letter = _begin(actor, letter, LetterAction.SEALED)
    if letter.confidential:
        return letter
    letter.confidential = True
    letter.save()  # refreshes search_text without the name
    _event(letter, actor, LetterAction.SEALED, on=today(), from_status=letter.status, note=note)
    return letter


@transaction.atomic
def add_note(*, actor: User, letter: Letter, note: str) -> LetterEvent:
    _require(actor, "petitions.change_letter", letter)
    if not note.strip():
        raise ValidationError({"note": _("Write the note.")})
    return _event(
        letter, actor, LetterAction.NOTE, on=today(), from_status=letter.status, note=note
    )


# ---------------------------------------------------------------- families and identity


@transaction.atomic
def link(*, actor: User, letters: list[Letter], title: str = "") -> LetterFamily:
    """Link letters about one matter into one case family (merging families they are in)."""
    if len({letter.pk for letter in letters}) < 2:
        raise ValidationError(_("Choose at least two letters to link."))
    # Lock the letters (in pk order, so two linkers cannot deadlock) and read their families
    # afresh: two officers linking overlapping letters at once end up with one family.
    letters = list(
        Letter.objects.select_for_update(of=("self",))
        .select_related("unit", "received_unit", "family")
        .filter(pk__in={letter.pk for letter in letters})
        .order_by("pk")
    )
    for letter in letters:
        _require(actor, "petitions.change_letter", letter)
    families = {letter.family for letter in letters if letter.family_id}
    family = min(families, key=lambda f: f.pk) if families else None
    if family is None:
        first = min(letters, key=lambda item: (item.received_on, item.pk))
        family = LetterFamily.objects.create(unit=first.unit, title=title or first.title)
    others = [f.pk for f in families if f.pk != family.pk]
    if others:
        Letter.objects.filter(family_id__in=others).update(family=family)
        LetterFamily.objects.filter(pk__in=others).delete()
    for letter in letters:
        if letter.family_id != family.pk:
            Letter.objects.filter(pk=letter.pk).update(family=family)
            _event(
                letter,
                actor,
                LetterAction.LINKED,
                on=today(),
                from_status=letter.status,
                note=family.title,
            )
    return family


def read_identity(
    *, user: User, letter: Letter, purpose: str = "", ip_address: str | None = None
) -> dict[str, str]:
    """The citizen's identity, if ``user`` may read it; a sealed one is logged on every read."""
    if not can_read_identity(user, letter):
        raise PermissionDenied
    if letter.confidential:
        IdentityAccess.objects.create(
            letter=letter, user=user, purpose=purpose[:200], ip_address=ip_address
        )
    return {name: getattr(letter, name) for name in IDENTITY_FIELDS}


# ---------------------------------------------------------------- overdue escalation


def escalate_overdue(*, on: dt.date | None = None) -> int:
    """Tell the leaders of the unit above about each newly overdue letter (once per letter)."""
    on = on or today()
    count = 0
    overdue = (
        Letter.objects.open().overdue(on).filter(escalated_on__isnull=True).select_related("unit")
    )
    for letter in overdue.iterator(chunk_size=500):
        with transaction.atomic():
            locked = (
                Letter.objects.select_for_update(of=("self",))
                .filter(pk=letter.pk, escalated_on__isnull=True)
                .first()
            )
            if locked is None:
                continue
            Letter.objects.filter(pk=letter.pk).update(escalated_on=on)
            parent = Unit.objects.get_parent(letter.unit)
            _event(
                letter,
                None,
                LetterAction.ESCALATED,
                on=on,
                from_status=letter.status,
                to_unit=parent,
            )
            recipients = list(_handlers_of(letter.unit))
            if parent is not None:
                recipients += list(_handlers_of(parent))
            notify(
                users=recipients,
                text=_("Letter %(code)s of %(unit)s is overdue (due %(due)s): %(title)s")
                % {
                    "code": letter.code,
                    "unit": letter.unit,
                    "due": f"{letter.current_due:%d/%m/%Y}",
                    "title": letter.title,
                },
                url=letter.get_absolute_url(),
            )
            count += 1
    return count
