"""Every write on dialogues, requests raised, listening requirements and disclosures.

Each function is keyword-only, runs in one transaction, checks its permission (raising
``PermissionDenied``), locks the row it changes so a step raced by two users applies once,
and refuses bad input with a ``ValidationError`` keyed by field. The acting user is stored
on the row (``created_by``, ``answered_by``) and in the row's history (simple-history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.coverage import Coverage, coverage, met_in_subtree, required_units
from danvan.core.notify import notify
from danvan.dialogues import verdicts
from danvan.dialogues.models import (
    Dialogue,
    DialogueRequest,
    DisclosureItem,
    DisclosureRule,
    ListeningRequirement,
    RequestStatus,
    Topic,
)
from danvan.orgs.models import Membership, Unit, User
from danvan.orgs.scope import WRITE_ROLES
from danvan.petitions.models import Channel, Letter, LetterKind, SubjectArea

DIALOGUE_FIELDS = (
    "held_on",
    "place",
    "title",
    "topic",
    "kind",
    "chair_name",
    "chair_title",
    "participants",
    "participant_count",
    "summary",
)
REQUIREMENT_FIELDS = ("title", "unit_kind", "dialogue_kind", "starts_on", "ends_on", "citation")
DISCLOSURE_FIELDS = (
    "title",
    "category",
    "channel",
    "posted_from",
    "posted_to",
    "location",
    "note",
)
VERDICT_FIELDS = ("required_days", "rule_citation", "is_violation")

# The subject area of the letter opened for a request, from the dialogue's topic.
TOPIC_AREAS = {
    Topic.ENVIRONMENT: SubjectArea.ENVIRONMENT,
    Topic.LAND: SubjectArea.LAND,
    Topic.SOCIAL_POLICY: SubjectArea.SOCIAL_POLICY,
    Topic.INFRASTRUCTURE: SubjectArea.CONSTRUCTION,
    Topic.ADMINISTRATIVE: SubjectArea.ADMINISTRATIVE,
    Topic.SECURITY: SubjectArea.SECURITY,
}


def today() -> dt.date:
    return timezone.localdate()


def _require(actor: User | None, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def _values(data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    return {name: data[name] for name in fields if name in data}


def _not_in_future(value: dt.date | None, field: str, errors: dict) -> None:
    if value is not None and value > today():
        errors.setdefault(field, _("The date cannot be in the future."))


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _writers_of(unit: Unit):
    """Active users holding a write role at ``unit`` itself: they answer for it."""
    return User.objects.filter(
        pk__in=Membership.objects.active()
        .filter(unit=unit, role__in=WRITE_ROLES)
        .values("user_id"),
        is_active=True,
    )


# ---------------------------------------------------------------- dialogues


def _lock_dialogue(dialogue: Dialogue) -> Dialogue:
    return (
        Dialogue.objects.select_for_update(of=("self",)).select_related("unit").get(pk=dialogue.pk)
    )


@transaction.atomic
def create_dialogue(*, actor: User, unit: Unit, data: Mapping[str, Any]) -> Dialogue:
    _require(actor, "dialogues.add_dialogue", unit)
    dialogue = Dialogue(unit=unit, created_by=actor, **_values(data, DIALOGUE_FIELDS))
    errors: dict = {}
    _not_in_future(dialogue.held_on, "held_on", errors)
    _raise(errors)
    dialogue.full_clean(exclude=["search_text", "created_by"])
    dialogue.save()
    return dialogue


@transaction.atomic
def update_dialogue(*, actor: User, dialogue: Dialogue, data: Mapping[str, Any]) -> Dialogue:
    dialogue = _lock_dialogue(dialogue)
    _require(actor, "dialogues.change_dialogue", dialogue)
    for name, value in _values(data, DIALOGUE_FIELDS).items():
        setattr(dialogue, name, value)
    errors: dict = {}
    _not_in_future(dialogue.held_on, "held_on", errors)
    if dialogue.held_on is not None and "held_on" not in errors:
        first = dialogue.requests.aggregate(due=Min("due_on"), answered=Min("answered_on"))
        if first["due"] is not None and dialogue.held_on > first["due"]:
            errors["held_on"] = _(
                "A request raised at this dialogue is due on %(date)s: the dialogue cannot "
                "be held after it."
            ) % {"date": f"{first['due']:%d/%m/%Y}"}
        elif first["answered"] is not None and dialogue.held_on > first["answered"]:
            errors["held_on"] = _(
                "A request raised at this dialogue was answered on %(date)s: the dialogue "
                "cannot be held after it."
            ) % {"date": f"{first['answered']:%d/%m/%Y}"}
    _raise(errors)
    dialogue.full_clean(exclude=["search_text", "created_by"])
    dialogue.save()
    return dialogue


@transaction.atomic
def publish_dialogue(*, actor: User, dialogue: Dialogue, published: bool = True) -> Dialogue:
    """Show the dialogue (and its published answers) on the public portal, or withdraw it."""
    dialogue = _lock_dialogue(dialogue)
    _require(actor, "dialogues.change_dialogue", dialogue)
    if dialogue.is_published != published:
        dialogue.is_published = published
        dialogue.save(update_fields=["is_published", "updated_at"])
    return dialogue


# ---------------------------------------------------------------- requests raised


def may_own(dialogue: Dialogue, unit: Unit) -> bool:
    """An owner unit: the dialogue's unit, or a unit in force in the same province."""
    if unit.pk == dialogue.unit_id:
        return True
    province = dialogue.unit.path[: Unit.steplen]
    return unit.is_current and unit.path.startswith(province)


def owner_choices(dialogue: Dialogue):
    """Units that may own a request raised at ``dialogue`` (the form's choices)."""
    province = dialogue.unit.path[: Unit.steplen]
    day = today()
    in_force = (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    return Unit.objects.filter(
        (Q(path__startswith=province) & in_force) | Q(pk=dialogue.unit_id)
    ).order_by("path")


def _lock_request(request: DialogueRequest) -> DialogueRequest:
    return (
        DialogueRequest.objects.select_for_update(of=("self",))
        .select_related("dialogue__unit", "owner_unit")
        .get(pk=request.pk)
    )


@transaction.atomic
def add_request(*, actor: User, dialogue: Dialogue, data: Mapping[str, Any]) -> DialogueRequest:
    """Record a request raised at ``dialogue``; it gets the next number of the dialogue.

    ``data``: text, raised_by (internal, never published), owner_unit, due_on.
    """
    dialogue = _lock_dialogue(dialogue)  # numbers are given one at a time
    _require(actor, "dialogues.change_dialogue", dialogue)
    text = (data.get("text") or "").strip()
    owner = data.get("owner_unit")
    due_on = data.get("due_on")
    errors: dict = {}
    if not text:
        errors["text"] = _("Write down the request.")
    if owner is None:
        errors["owner_unit"] = _("Choose the unit that must answer it.")
    elif not may_own(dialogue, owner):
        errors["owner_unit"] = _(
            "The owner unit must be the dialogue's unit or a unit in force in its province."
        )
    if due_on is None:
        errors["due_on"] = _("Set the date by which it must be answered.")
    elif due_on < dialogue.held_on:
        errors["due_on"] = _("The due date cannot be before the dialogue (%(date)s).") % {
            "date": f"{dialogue.held_on:%d/%m/%Y}"
        }
    _raise(errors)
    number = (dialogue.requests.aggregate(n=Max("number"))["n"] or 0) + 1
    request = DialogueRequest.objects.create(
        dialogue=dialogue,
        number=number,
        text=text,
        raised_by=(data.get("raised_by") or "").strip()[:200],
        owner_unit=owner,
        due_on=due_on,
    )
    if owner.pk != dialogue.unit_id:
        notify(
            users=_writers_of(owner).exclude(pk=actor.pk),
            text=_(
                "%(unit)s raised a request at the dialogue “%(title)s” for you to answer by "
                "%(due)s."
            )
            % {
                "unit": dialogue.unit.name,
                "title": dialogue.title,
                "due": f"{due_on:%d/%m/%Y}",
            },
            url=request_url(request),
        )
    return request


def request_url(request: DialogueRequest) -> str:
    return reverse("dialogues:request_detail", args=[request.pk])


@transaction.atomic
def answer_request(
    *, actor: User, request: DialogueRequest, answer: str, on: dt.date
) -> DialogueRequest:
    """Record (or correct) the answer; by the owner unit or the dialogue's unit."""
    request = _lock_request(request)
    _require(actor, "dialogues.answer_dialoguerequest", request)
    answer = (answer or "").strip()
    errors: dict = {}
    if not answer:
        errors["answer"] = _("Write the answer.")
    if on is None:
        errors["on"] = _("Set the date of the answer.")
    else:
        _not_in_future(on, "on", errors)
        if "on" not in errors and on < request.dialogue.held_on:
            errors["on"] = _("The answer cannot be dated before the dialogue (%(date)s).") % {
                "date": f"{request.dialogue.held_on:%d/%m/%Y}"
            }
    _raise(errors)
    request.answer = answer
    request.answered_on = on
    request.answered_by = actor
    request.status = RequestStatus.ANSWERED
    request.save(
        update_fields=[
            "answer",
            "answered_on",
            "answered_by",
            "status",
            "search_text",
            "updated_at",
        ]
    )
    return request


@transaction.atomic
def publish_request(
    *, actor: User, request: DialogueRequest, published: bool = True
) -> DialogueRequest:
    """Publish the answer back to citizens (shown once the dialogue is published too)."""
    request = _lock_request(request)
    _require(actor, "dialogues.answer_dialoguerequest", request)
    if published and request.status != RequestStatus.ANSWERED:
        raise ValidationError(_("Only an answered request can be published."))
    if request.is_published != published:
        request.is_published = published
        request.published_on = today() if published else None
        request.save(update_fields=["is_published", "published_on", "updated_at"])
    return request


@transaction.atomic
def open_letter_for_request(*, actor: User, request: DialogueRequest) -> Letter:
    """Follow a request up as a petition letter received by its owner unit (channel: dialogue)."""
    from danvan.petitions.services import receive_letter

    request = _lock_request(request)
    _require(actor, "dialogues.open_letter", request)
    if request.letter_id is not None:
        raise ValidationError(_("A letter was already opened for this request."))
    dialogue = request.dialogue
    title = _("Request no. %(n)s at the dialogue “%(title)s” on %(date)s") % {
        "n": request.number,
        "title": dialogue.title,
        "date": f"{dialogue.held_on:%d/%m/%Y}",
    }
    letter = receive_letter(
        actor=actor,
        unit=request.owner_unit,
        data={
            "kind": LetterKind.PETITION,
            "channel": Channel.DIALOGUE,
            "subject_area": TOPIC_AREAS.get(dialogue.topic, SubjectArea.OTHER),
            "title": title[:300],
            "content": request.text,
            "received_on": dialogue.held_on,
            "citizen_name": request.raised_by,
        },
    )
    request.letter = letter
    request.save(update_fields=["letter", "updated_at"])
    return letter


# ---------------------------------------------------------------- listening requirements


@transaction.atomic
def save_requirement(
    *,
    actor: User,
    unit: Unit,
    data: Mapping[str, Any],
    requirement: ListeningRequirement | None = None,
) -> ListeningRequirement:
    if requirement is None:
        _require(actor, "dialogues.add_listeningrequirement", unit)
        requirement = ListeningRequirement(unit=unit)
    else:
        requirement = ListeningRequirement.objects.select_for_update(of=("self",)).get(
            pk=requirement.pk
        )
        _require(actor, "dialogues.change_listeningrequirement", requirement)
    for name, value in _values(data, REQUIREMENT_FIELDS).items():
        setattr(requirement, name, value)
    if (
        requirement.starts_on is not None
        and requirement.ends_on is not None
        and requirement.ends_on < requirement.starts_on
    ):
        raise ValidationError({"ends_on": _("The end cannot be before the start.")})
    requirement.full_clean()
    requirement.save()
    return requirement


def requirement_coverage(
    requirement: ListeningRequirement, *, within: Unit | None = None, top: Unit | None = None
) -> Coverage:
    """Which units of the required kind held a matching dialogue in the window.

    A unit meets it when a dialogue (of ``dialogue_kind`` when set) was held between
    ``starts_on`` and ``ends_on`` at the unit or anywhere in its subtree. ``within`` narrows
    the view to a unit inside the requirement's area (drill-down, or the part a commune may
    see); ``top`` is where the breadcrumb starts. A fixed number of queries.
    """
    root = requirement.unit
    if within is not None and within.path.startswith(root.path):
        root = within
    candidates = list(required_units(root, requirement.unit_kind).values_list("pk", "path"))
    dialogues = Dialogue.objects.filter(
        unit__path__startswith=root.path,
        held_on__gte=requirement.starts_on,
        held_on__lte=requirement.ends_on,
    )
    if requirement.dialogue_kind:
        dialogues = dialogues.filter(kind=requirement.dialogue_kind)
    paths = dialogues.order_by().values_list("unit__path", flat=True).distinct()
    met = met_in_subtree(candidates, paths)
    return coverage(root, kind=requirement.unit_kind, met_ids=met, top=top or requirement.unit)


# ---------------------------------------------------------------- disclosure register


def disclosure_verdict(
    item: DisclosureItem, rules: Iterable[DisclosureRule] | None = None
) -> verdicts.Verdict:
    """The verdict of the strictest rule in force on the day the item was posted."""
    if rules is None:
        rules = DisclosureRule.objects.in_force(item.posted_from)
    return verdicts.verdict(
        rules,
        category=item.category,
        channel=item.channel,
        posted_from=item.posted_from,
        posted_to=item.posted_to,
    )


def _apply(item: DisclosureItem, verdict: verdicts.Verdict) -> bool:
    """Store the verdict on the item; True when something changed."""
    values = {
        "required_days": verdict.required_days,
        "rule_citation": verdict.citation[:300],
        "is_violation": verdict.is_violation,
    }
    changed = any(getattr(item, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(item, name, value)
    return changed


@transaction.atomic
def save_disclosure(
    *,
    actor: User,
    unit: Unit,
    data: Mapping[str, Any],
    item: DisclosureItem | None = None,
) -> DisclosureItem:
    """Record or edit a disclosure; its minimum period and violation flag follow the rules."""
    if item is None:
        _require(actor, "dialogues.add_disclosureitem", unit)
        item = DisclosureItem(unit=unit, created_by=actor)
    else:
        item = (
            DisclosureItem.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=item.pk)
        )
        _require(actor, "dialogues.change_disclosureitem", item)
    for name, value in _values(data, DISCLOSURE_FIELDS).items():
        setattr(item, name, value)
    errors: dict = {}
    _not_in_future(item.posted_from, "posted_from", errors)
    if item.posted_from and item.posted_to and item.posted_to < item.posted_from:
        errors["posted_to"] = _("It cannot come down before it was posted.")
    _raise(errors)
    item.full_clean(exclude=["search_text", "created_by", *VERDICT_FIELDS])
    _apply(item, disclosure_verdict(item))
    item.save()
    return item


def recheck_disclosures() -> int:
    """Recompute every item's verdict (after the rules changed); the number changed."""
    rules = list(DisclosureRule.objects.all())
    items = DisclosureItem.objects.only(
        "pk", "category", "channel", "posted_from", "posted_to", *VERDICT_FIELDS
    )
    changed = [
        item
        for item in items.iterator(chunk_size=2000)
        if _apply(item, disclosure_verdict(item, rules))
    ]
    with transaction.atomic():
        DisclosureItem.objects.bulk_update(changed, list(VERDICT_FIELDS), batch_size=500)
    return len(changed)
