"""Reads shaped for the dialogue, request, requirement and disclosure screens and exports.

Every list starts from what the user may see (a subtree filter on the unit's path) and
loads what its rows show in a constant number of queries. ``public_dialogues`` and
``public_requests`` are what the public portal may show: they never carry ``raised_by``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from danvan.core.coverage import visible_root
from danvan.core.params import choice_param as _choice
from danvan.core.params import date_param as _date
from danvan.core.params import int_param as _int
from danvan.core.text import search_terms
from danvan.dialogues.models import (
    Dialogue,
    DialogueKind,
    DialogueRequest,
    DisclosureCategory,
    DisclosureChannel,
    DisclosureItem,
    ListeningRequirement,
    RequestStatus,
    Topic,
)
from danvan.orgs.models import Unit
from danvan.orgs.scope import ALL_ROLES, scope_for

DUE_SOON_DAYS = 7


def _subtree(qs, field: str, unit_id: int | None):
    if not unit_id:
        return qs
    unit = Unit.objects.filter(pk=unit_id).only("path").first()
    return qs.filter(**{f"{field}__startswith": unit.path}) if unit else qs.none()


def _in_scope(user, model, field: str):
    return model.objects.filter(scope_for(user).q(field, ALL_ROLES))


# ---------------------------------------------------------------- dialogues


def visible_dialogues(user):
    return _in_scope(user, Dialogue, "unit__path")


@dataclass(frozen=True)
class DialogueFilters:
    unit: int | None = None  # this unit's subtree
    topic: str = ""
    kind: str = ""
    published: str = ""  # "yes", "no" or "" (any)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> DialogueFilters:
        """Lenient: unknown or malformed values are ignored."""
        return cls(
            unit=_int(params, "unit"),
            topic=_choice(params, "topic", Topic.values),
            kind=_choice(params, "kind", DialogueKind.values),
            published=_choice(params, "published", ("yes", "no")),
            date_from=_date(params, "date_from"),
            date_to=_date(params, "date_to"),
            q=str(params.get("q", ""))[:100],
        )

    @property
    def active(self) -> bool:
        return any(
            [
                self.unit,
                self.topic,
                self.kind,
                self.published,
                self.date_from,
                self.date_to,
                self.q,
            ]
        )


def _count_requests(**lookups):
    return Coalesce(
        Subquery(
            DialogueRequest.objects.filter(dialogue=OuterRef("pk"), **lookups)
            .order_by()
            .values("dialogue")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def dialogue_list(user, filters: DialogueFilters, *, today: dt.date):
    """Dialogues the user may see, filtered, newest first, with their request counts."""
    qs = _subtree(visible_dialogues(user), "unit__path", filters.unit)
    if filters.topic:
        qs = qs.filter(topic=filters.topic)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.published:
        qs = qs.filter(is_published=filters.published == "yes")
    if filters.date_from:
        qs = qs.filter(held_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(held_on__lte=filters.date_to)
    return (
        qs.search(filters.q)
        .select_related("unit")
        .annotate(
            n_requests=_count_requests(),
            n_open=_count_requests(status=RequestStatus.OPEN),
            n_overdue=_count_requests(status=RequestStatus.OPEN, due_on__lt=today),
        )
        .order_by("-held_on", "-pk")
    )


def requests_of(dialogues):
    """The requests raised at ``dialogues`` (a queryset), for the export's second sheet."""
    return (
        DialogueRequest.objects.filter(dialogue__in=dialogues.values("pk"))
        .select_related("dialogue__unit", "owner_unit", "letter")
        .order_by("-dialogue__held_on", "-dialogue_id", "number")
    )


def dialogue_requests(dialogue: Dialogue):
    return dialogue.requests.select_related("owner_unit", "answered_by", "letter").order_by(
        "number"
    )


# ---------------------------------------------------------------- requests raised


def visible_requests(user):
    """Requests whose owner unit or whose dialogue's unit lies in the user's scope."""
    scope = scope_for(user)
    return DialogueRequest.objects.filter(
        scope.q("owner_unit__path", ALL_ROLES) | scope.q("dialogue__unit__path", ALL_ROLES)
    )


class Side:
    OWNED = "owned"  # the owner unit is mine: what I must answer
    RAISED = "raised"  # raised at my dialogues: what I follow up


class DueState:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TIME = "on_time"  # open, due later than the due-soon window


@dataclass(frozen=True)
class RequestFilters:
    side: str = Side.OWNED
    status: str = ""
    owner: int | None = None  # the owner unit's subtree
    due: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> RequestFilters:
        return cls(
            side=_choice(params, "side", (Side.OWNED, Side.RAISED)) or Side.OWNED,
            status=_choice(params, "status", RequestStatus.values),
            owner=_int(params, "owner"),
            due=_choice(params, "due", (DueState.OVERDUE, DueState.DUE_SOON, DueState.ON_TIME)),
            q=str(params.get("q", ""))[:100],
        )

    @property
    def active(self) -> bool:
        return any([self.status, self.owner, self.due, self.q])


def request_list(user, filters: RequestFilters, *, today: dt.date):
    """Requests owned by (or raised at) the user's units; overdue first, then by due date."""
    field = "owner_unit__path" if filters.side == Side.OWNED else "dialogue__unit__path"
    qs = _subtree(_in_scope(user, DialogueRequest, field), "owner_unit__path", filters.owner)
    if filters.status:
        qs = qs.filter(status=filters.status)
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    if filters.due == DueState.OVERDUE:
        qs = qs.overdue(today)
    elif filters.due == DueState.DUE_SOON:
        qs = qs.filter(status=RequestStatus.OPEN, due_on__gte=today, due_on__lte=soon)
    elif filters.due == DueState.ON_TIME:
        qs = qs.filter(status=RequestStatus.OPEN, due_on__gt=soon)
    for term in search_terms(filters.q):
        qs = qs.filter(Q(dialogue__search_text__contains=term) | Q(search_text__contains=term))
    return (
        qs.select_related("dialogue__unit", "owner_unit", "letter")
        .annotate(
            rank=Case(
                When(status=RequestStatus.OPEN, due_on__lt=today, then=Value(0)),
                When(status=RequestStatus.OPEN, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "due_on", "dialogue_id", "number")
    )


def due_state(request: DialogueRequest, today: dt.date) -> str:
    if request.status != RequestStatus.OPEN:
        return ""
    if request.due_on < today:
        return DueState.OVERDUE
    if request.due_on <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return DueState.DUE_SOON
    return DueState.ON_TIME


# ---------------------------------------------------------------- public portal


PUBLIC_DIALOGUE_FIELDS = (
    "pk",
    "held_on",
    "place",
    "title",
    "topic",
    "kind",
    "chair_name",
    "chair_title",
    "participant_count",
    "summary",
    "unit__name",
)
PUBLIC_REQUEST_FIELDS = (
    "pk",
    "dialogue_id",
    "number",
    "text",
    "owner_unit__name",
    "answer",
    "answered_on",
    "published_on",
)


def public_dialogues():
    """Published dialogues, newest first, as dicts of what citizens may read."""
    return Dialogue.objects.published().order_by("-held_on", "-pk").values(*PUBLIC_DIALOGUE_FIELDS)


def public_requests(dialogue_id: int | None = None):
    """Published answers of published dialogues, as dicts without who raised them."""
    qs = DialogueRequest.objects.public()
    if dialogue_id is not None:
        qs = qs.filter(dialogue_id=dialogue_id)
    return qs.order_by("dialogue_id", "number").values(*PUBLIC_REQUEST_FIELDS)


# ---------------------------------------------------------------- requirements


def _ancestor_paths(prefixes: list[str]) -> set[str]:
    return {p[:end] for p in prefixes for end in range(Unit.steplen, len(p) + 1, Unit.steplen)}


def visible_requirements(user):
    """Requirements set over the user's units, or above them (they apply to the user)."""
    scope = scope_for(user)
    if scope.is_global:
        return ListeningRequirement.objects.all()
    prefixes = scope.prefixes(ALL_ROLES)
    if not prefixes:
        return ListeningRequirement.objects.none()
    return ListeningRequirement.objects.filter(
        scope.q("unit__path", ALL_ROLES) | Q(unit__path__in=_ancestor_paths(prefixes))
    )


def requirement_list(user):
    return visible_requirements(user).select_related("unit").order_by("-starts_on", "pk")


def coverage_root(user, requirement: ListeningRequirement, preferred: Unit | None = None):
    """The part of the requirement's area the user may see (None: nothing in it)."""
    return visible_root(user, requirement.unit, preferred)


# ---------------------------------------------------------------- disclosure register


def visible_disclosures(user):
    return _in_scope(user, DisclosureItem, "unit__path")


@dataclass(frozen=True)
class DisclosureFilters:
    unit: int | None = None
    category: str = ""
    channel: str = ""
    violations: bool = False
    date_from: dt.date | None = None  # posted at some time in [date_from, date_to]
    date_to: dt.date | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> DisclosureFilters:
        return cls(
            unit=_int(params, "unit"),
            category=_choice(params, "category", DisclosureCategory.values),
            channel=_choice(params, "channel", DisclosureChannel.values),
            violations=str(params.get("violations", "")) in ("1", "on", "true"),
            date_from=_date(params, "date_from"),
            date_to=_date(params, "date_to"),
            q=str(params.get("q", ""))[:100],
        )

    @property
    def active(self) -> bool:
        return any(
            [
                self.unit,
                self.category,
                self.channel,
                self.violations,
                self.date_from,
                self.date_to,
                self.q,
            ]
        )


def disclosure_list(user, filters: DisclosureFilters):
    qs = _subtree(visible_disclosures(user), "unit__path", filters.unit)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.violations:
        qs = qs.violations()
    if filters.date_to:
        qs = qs.filter(posted_from__lte=filters.date_to)
    if filters.date_from:
        qs = qs.filter(Q(posted_to__isnull=True) | Q(posted_to__gte=filters.date_from))
    return qs.search(filters.q).select_related("unit").order_by("-posted_from", "-pk")
