"""Which legal clock applies to a letter, and the due dates it gives.

``rule_for`` picks the ``DeadlineRule`` in force on the day the clock starts, for the letter's
track, step and variant (its complexity and remote area, falling back to the normal and the
non-remote rule). ``explain`` shows the whole computation: rule, start, the days counted and
the days skipped. ``due_dates`` gives the dates stored on a letter; ``recompute`` refreshes
them for many letters at once after the calendar or a rule changed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from danvan.core.workdays import Calendar, Period, count, default_calendar
from danvan.petitions.models import (
    Complexity,
    DeadlineRule,
    Letter,
    LetterStatus,
    Step,
)


class RuleBook:
    """Every deadline rule, loaded once; answers ``find`` in memory (there are a few dozen)."""

    def __init__(self, rules: list[DeadlineRule]):
        self.rules = sorted(rules, key=lambda r: r.effective_from, reverse=True)

    @classmethod
    def load(cls) -> RuleBook:
        return cls(list(DeadlineRule.objects.all()))

    def find(
        self,
        track: str,
        step: str,
        *,
        complexity: str = Complexity.NORMAL,
        remote: bool = False,
        on: dt.date,
    ) -> DeadlineRule | None:
        in_force = [
            r
            for r in self.rules
            if r.track == track
            and r.step == step
            and r.effective_from <= on
            and (r.effective_to is None or r.effective_to >= on)
        ]
        preferences = [(complexity, remote), (complexity, False)]
        if complexity == Complexity.ESPECIALLY_COMPLEX:
            # An especially complex matter is at least complex.
            preferences += [(Complexity.COMPLEX, remote), (Complexity.COMPLEX, False)]
        preferences += [(Complexity.NORMAL, remote), (Complexity.NORMAL, False)]
        for wanted in preferences:
            for rule in in_force:
                if (rule.complexity, rule.remote_area) == wanted:
                    return rule
        return None


def rule_for(
    track: str, step: str, *, complexity: str = Complexity.NORMAL, remote: bool = False, on: dt.date
) -> DeadlineRule | None:
    return RuleBook.load().find(track, step, complexity=complexity, remote=remote, on=on)


@dataclass(frozen=True)
class Explanation:
    rule: DeadlineRule
    start: dt.date
    extension_days: int
    period: Period

    @property
    def due(self) -> dt.date:
        return self.period.end


def explain(
    track: str,
    step: str,
    start: dt.date,
    *,
    complexity: str = Complexity.NORMAL,
    remote: bool = False,
    extension_days: int = 0,
    calendar: Calendar | None = None,
    rules: RuleBook | None = None,
) -> Explanation | None:
    """The due date of ``step`` on ``track`` for an event on ``start``; None without a rule."""
    rules = rules or RuleBook.load()
    rule = rules.find(track, step, complexity=complexity, remote=remote, on=start)
    if rule is None:
        return None
    calendar = calendar or default_calendar()
    # An extension lengthens the period; the end-day rule then applies to the whole of it.
    period = count(calendar, start, rule.days + extension_days, rule.day_type)
    return Explanation(rule=rule, start=start, extension_days=extension_days, period=period)


def _due(
    calendar: Calendar,
    rules: RuleBook,
    memo: dict | None,
    track: str,
    step: str,
    start: dt.date,
    complexity: str,
    remote: bool,
    extension_days: int = 0,
) -> dt.date | None:
    """The due date alone (no explanation), memoised: many letters share a start and a rule."""
    key = (track, step, start, complexity, remote, extension_days)
    if memo is not None and key in memo:
        return memo[key]
    rule = rules.find(track, step, complexity=complexity, remote=remote, on=start)
    due = None
    if rule is not None:
        due = count(calendar, start, rule.days + extension_days, rule.day_type, reasons=False).end
    if memo is not None:
        memo[key] = due
    return due


def due_dates(
    letter: Letter,
    calendar: Calendar | None = None,
    rules: RuleBook | None = None,
    memo: dict | None = None,
) -> dict[str, dt.date | None]:
    """The stored deadline fields of ``letter`` as they should be now."""
    calendar = calendar or default_calendar()
    rules = rules or RuleBook.load()
    variant = (letter.complexity, letter.remote_area)
    fields = {
        "acceptance_due": _due(
            calendar, rules, memo, letter.track, Step.ACCEPTANCE, letter.arrived_on, *variant
        ),
        "resolution_due": None,
    }
    if letter.accepted_on is not None:
        fields["resolution_due"] = _due(
            calendar,
            rules,
            memo,
            letter.track,
            Step.RESOLUTION,
            letter.accepted_on,
            *variant,
            letter.extension_days_granted,
        )
    if letter.status == LetterStatus.RECEIVED:
        fields["current_due"] = fields["acceptance_due"]
    elif letter.status == LetterStatus.ACCEPTED:
        fields["current_due"] = fields["resolution_due"]
    else:
        fields["current_due"] = None
    return fields


def apply_due_dates(
    letter: Letter,
    calendar: Calendar | None = None,
    rules: RuleBook | None = None,
    memo: dict | None = None,
) -> list[str]:
    """Set the deadline fields on ``letter`` (not saved); the names of those that changed."""
    changed = []
    for name, value in due_dates(letter, calendar, rules, memo).items():
        if getattr(letter, name) != value:
            setattr(letter, name, value)
            changed.append(name)
    return changed


DEADLINE_FIELDS = ["acceptance_due", "resolution_due", "current_due"]


def recompute(queryset=None, *, batch_size: int = 2000) -> int:
    """Recompute the stored deadlines of open letters; returns how many changed.

    The calendar and the rules are loaded once and each (rule, start) is counted once; the
    changed letters are written with one UPDATE per distinct set of new dates.
    """
    calendar, rules, memo = default_calendar(), RuleBook.load(), {}
    queryset = Letter.objects.open() if queryset is None else queryset
    fields = [
        "pk",
        "kind",
        "complaint_round",
        "complexity",
        "remote_area",
        "arrived_on",
        "accepted_on",
        "extension_days_granted",
        "status",
        *DEADLINE_FIELDS,
    ]
    changed_total, pending = 0, []
    for letter in queryset.only(*fields).iterator(chunk_size=batch_size):
        if apply_due_dates(letter, calendar, rules, memo):
            pending.append(letter)
        if len(pending) >= batch_size:
            changed_total += _save(pending)
            pending = []
    if pending:
        changed_total += _save(pending)
    return changed_total


def _save(letters: list[Letter]) -> int:
    groups: dict[tuple, list[int]] = defaultdict(list)
    for letter in letters:
        groups[tuple(getattr(letter, name) for name in DEADLINE_FIELDS)].append(letter.pk)
    with transaction.atomic():
        for values, pks in groups.items():
            Letter.objects.filter(pk__in=pks).update(
                **dict(zip(DEADLINE_FIELDS, values, strict=True))
            )
    return len(letters)
