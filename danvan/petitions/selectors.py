"""Read-side queries for letters: what a user may see, with the filters of the list pages."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from danvan.orgs.models import Unit
from danvan.orgs.scope import ALL_ROLES, scope_for
from danvan.orgs.selectors import membership_units
from danvan.petitions.filters import DUE_SOON_DAYS, SORTS, DueState, LetterFilters
from danvan.petitions.models import (
    IDENTITY_FIELDS,
    OPEN_STATUSES,
    IdentityAccess,
    Letter,
    Reception,
    ReceptionSchedule,
)
from danvan.petitions.rules import LOG_ROLES


def visible_letters(user):
    """Letters whose resolving unit or receiving unit lies in the user's scope.

    The units in scope are a subquery on the unit table's path index, and the letters are
    then matched on their indexed unit columns: an OR of prefix matches across two joins
    made SQLite scan every letter (bench/petitions.py).
    """
    scope = scope_for(user)
    if scope.is_global:
        return Letter.objects.all()
    if not scope.prefixes(ALL_ROLES):
        return Letter.objects.none()
    units = Unit.objects.filter(scope.q("path", ALL_ROLES)).values("pk")
    return Letter.objects.filter(Q(unit_id__in=units) | Q(received_unit_id__in=units))


def visible_receptions(user):
    """Receptions of the units in the user's scope (subtree filter on the unit's path)."""
    return Reception.objects.filter(scope_for(user).q("unit__path", ALL_ROLES))


def visible_schedules(user):
    return ReceptionSchedule.objects.filter(scope_for(user).q("unit__path", ALL_ROLES))


def letters_resolved_within(unit):
    """Letters resolved by ``unit`` or a unit under it (the unit's own caseload)."""
    return Letter.objects.filter(unit__path__startswith=unit.path)


# ------------------------------------------------------------------ the letter list


def due_q(state: str, today: dt.date, days: int = DUE_SOON_DAYS) -> Q:
    """Open letters in one deadline state, from the stored ``current_due`` (an indexed column)."""
    open_ = Q(status__in=OPEN_STATUSES)
    soon = today + dt.timedelta(days=days)
    if state == DueState.OVERDUE:
        return open_ & Q(current_due__lt=today)
    if state == DueState.DUE_SOON:
        return open_ & Q(current_due__gte=today, current_due__lte=soon)
    if state == DueState.ON_TRACK:
        return open_ & (Q(current_due__gt=soon) | Q(current_due__isnull=True))
    return Q()


def letter_list(user, filters: LetterFilters, *, today: dt.date):
    """Letters ``user`` may see, filtered and sorted, with what a row of the list shows.

    The citizen's identity and the long texts are deferred: a list never decrypts a name.
    """
    qs = visible_letters(user)
    if filters.unit:
        unit = Unit.objects.filter(pk=filters.unit).only("path").first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    exact = {
        "kind": filters.kind,
        "status": filters.status,
        "channel": filters.channel,
        "subject_area": filters.subject_area,
    }
    qs = qs.filter(**{name: value for name, value in exact.items() if value})
    if filters.anonymous:
        qs = qs.filter(is_anonymous=True)
    if filters.over_level:
        qs = qs.filter(is_over_level=True)
    if filters.sealed:
        qs = qs.filter(confidential=True)
    if filters.mine:
        qs = qs.filter(handler_id=user.pk)
    if filters.due:
        qs = qs.filter(due_q(filters.due, today))
    if filters.received_from:
        qs = qs.filter(received_on__gte=filters.received_from)
    if filters.received_to:
        qs = qs.filter(received_on__lte=filters.received_to)
    qs = qs.search(filters.q)
    return (
        qs.select_related("unit", "received_unit", "handler")
        .defer(*LIST_DEFERRED)
        .order_by(*SORTS[filters.sort])
    )


# Never loaded for a list or an export: the identity (decrypted on load) and long texts.
LIST_DEFERRED = (*IDENTITY_FIELDS, "search_text", "content", "answer")


def filter_units(user) -> list[Unit]:
    """Units offered by the list's unit filter: the user's units and the units right under them.

    Two queries (the membership units are cached on the user).
    """
    units = membership_units(user)
    if not units:
        return []
    query = Q()
    for unit in units:
        query |= Q(path__startswith=unit.path, depth=unit.depth + 1)
    children = Unit.objects.filter(query).current().order_by("path")
    seen = {unit.pk for unit in units}
    result = list(units)
    result.extend(child for child in children if child.pk not in seen)
    return result


def citizen_names(letters) -> dict[int, str]:
    """Names of the letters in ``letters`` whose identity is neither sealed nor anonymous.

    One query; a sealed or anonymous letter's name is never loaded (nor decrypted).
    """
    ids = [letter.pk for letter in letters if not (letter.confidential or letter.is_anonymous)]
    if not ids:
        return {}
    rows = Letter.objects.filter(pk__in=ids, confidential=False, is_anonymous=False).only(
        "pk", "citizen_name"
    )
    return {row.pk: row.citizen_name for row in rows}


# ------------------------------------------------------------- due soon and overdue


def deadline_letters(user, *, today: dt.date, unit: Unit | None = None, state: str = ""):
    """Open letters past their deadline or within ``DUE_SOON_DAYS`` of it, most urgent first."""
    qs = visible_letters(user)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if state in (DueState.OVERDUE, DueState.DUE_SOON):
        qs = qs.filter(due_q(state, today))
    else:
        qs = qs.filter(due_q(DueState.OVERDUE, today) | due_q(DueState.DUE_SOON, today))
    return (
        qs.select_related("unit", "handler")
        .defer(*LIST_DEFERRED)
        .order_by("current_due", "received_on", "pk")
    )


def deadline_summary(user, *, today: dt.date, unit: Unit | None = None) -> list[dict]:
    """Per resolving unit: open letters, overdue, due soon — only units with one of the last two.

    Two queries: the counts grouped by unit in the database, then the units' names.
    """
    qs = visible_letters(user).filter(status__in=OPEN_STATUSES)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    rows = list(
        qs.values("unit_id")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=due_q(DueState.OVERDUE, today)),
            due_soon=Count("pk", filter=due_q(DueState.DUE_SOON, today)),
        )
        .filter(Q(overdue__gt=0) | Q(due_soon__gt=0))
        .order_by()
    )
    units = Unit.objects.in_bulk([row["unit_id"] for row in rows])
    result = [{**row, "unit": units[row["unit_id"]]} for row in rows]
    result.sort(key=lambda r: (-r["overdue"], -r["due_soon"], r["unit"].path))
    return result


# ------------------------------------------------------------------ identity reads


def identity_reads(user):
    """Reads of sealed identities of letters resolved in the subtrees where ``user`` is an
    inspector or a system administrator (the inspectorate's log)."""
    scope = scope_for(user)
    qs = IdentityAccess.objects.all()
    if not scope.is_global:
        if not scope.prefixes(LOG_ROLES):
            return qs.none()
        qs = qs.filter(scope.q("letter__unit__path", LOG_ROLES))
    return qs.select_related("user", "letter__unit").defer(
        *(f"letter__{name}" for name in LIST_DEFERRED)
    )
