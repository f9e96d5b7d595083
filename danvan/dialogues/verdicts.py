"""Disclosure verdicts: was an item made public for long enough? No database here.

The Grassroots Democracy Law 2022 sets minimum periods for some channels (posting at the
headquarters ≥ 30 days, commune radio ≥ 3 consecutive days) and some matters (draft village
conventions ≥ 30 days, whatever the channel). Each ``DisclosureRule`` holds one of them with
its effective dates; an item is held to the strictest rule in force on the day it was
posted whose category and channel match (an empty one matches any). The period counts both
ends: posted 01/03 to 30/03 is 30 days. An item still posted is not a violation yet; it must
stay up until ``ends_no_earlier_than``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


class RuleLike(Protocol):
    category: str
    channel: str
    min_days: int
    effective_from: dt.date
    effective_to: dt.date | None
    citation: str


@dataclass(frozen=True)
class Verdict:
    required_days: int | None  # None: no rule applies
    citation: str
    days_posted: int | None  # None while still posted
    is_violation: bool
    ends_no_earlier_than: dt.date | None  # the first day it may come down

    @property
    def shortfall(self) -> int:
        if not self.is_violation or self.required_days is None or self.days_posted is None:
            return 0
        return self.required_days - self.days_posted


def days_posted(posted_from: dt.date, posted_to: dt.date | None) -> int | None:
    if posted_to is None:
        return None
    return (posted_to - posted_from).days + 1


def in_force(rule: RuleLike, on: dt.date) -> bool:
    return rule.effective_from <= on and (rule.effective_to is None or rule.effective_to >= on)


def matches(rule: RuleLike, *, category: str, channel: str) -> bool:
    return rule.category in ("", category) and rule.channel in ("", channel)


def strictest(
    rules: Iterable[RuleLike], *, category: str, channel: str, on: dt.date
) -> RuleLike | None:
    """The rule with the longest minimum; on a tie, the more specific one (both fields set)."""
    candidates = [
        r for r in rules if in_force(r, on) and matches(r, category=category, channel=channel)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (r.min_days, bool(r.category) + bool(r.channel)))


def verdict(
    rules: Iterable[RuleLike],
    *,
    category: str,
    channel: str,
    posted_from: dt.date,
    posted_to: dt.date | None,
) -> Verdict:
    days = days_posted(posted_from, posted_to)
    rule = strictest(rules, category=category, channel=channel, on=posted_from)
    if rule is None:
        return Verdict(
            required_days=None,
            citation="",
            days_posted=days,
            is_violation=False,
            ends_no_earlier_than=None,
        )
    return Verdict(
        required_days=rule.min_days,
        citation=rule.citation,
        days_posted=days,
        is_violation=days is not None and days < rule.min_days,
        ends_no_earlier_than=posted_from + dt.timedelta(days=rule.min_days - 1),
    )
