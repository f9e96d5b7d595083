"""Council arithmetic: no database here, so hypothesis can test it.

A member's total for an initiative is Σ points × weight over the level's criteria. The
council's result is the mean or the median of the totals of the members who submitted; an
initiative passes when the result reaches the pass mark. Ranking is by result, highest
first; equal results share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    max_points: Decimal
    weight: Decimal


class ScoreError(ValueError):
    """A score outside 0..max, or for a criterion the rubric does not have."""

    def __init__(self, criterion_id: int, message: str):
        super().__init__(message)
        self.criterion_id = criterion_id


def check_points(criterion: CriterionSpec, points: Decimal) -> None:
    if points < 0 or points > criterion.max_points:
        raise ScoreError(criterion.id, f"{points} is outside 0..{criterion.max_points}")


def weighted_total(criteria: Sequence[CriterionSpec], points: Mapping[int, Decimal]) -> Decimal:
    """Σ points × weight; every criterion must be scored and within 0..max."""
    total = Decimal(0)
    for criterion in criteria:
        if criterion.id not in points:
            raise ScoreError(criterion.id, "not scored")
        value = Decimal(points[criterion.id])
        check_points(criterion, value)
        total += value * criterion.weight
    unknown = set(points) - {c.id for c in criteria}
    if unknown:
        raise ScoreError(min(unknown), "not a criterion of this rubric")
    return total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def max_total(criteria: Iterable[CriterionSpec]) -> Decimal:
    return sum((c.max_points * c.weight for c in criteria), Decimal(0)).quantize(TWO_PLACES)


def aggregate(totals: Sequence[Decimal], method: str) -> Decimal | None:
    """The council's result from members' totals: ``mean`` or ``median``; None if none."""
    if not totals:
        return None
    values = [Decimal(t) for t in totals]
    if method == "median":
        result = Decimal(statistics.median(values))
    elif method == "mean":
        result = sum(values, Decimal(0)) / len(values)
    else:
        raise ValueError(f"unknown aggregation {method!r}")
    return result.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def passes(result: Decimal | None, pass_mark: Decimal) -> bool:
    return result is not None and result >= pass_mark


def rank(results: Mapping[int, Decimal | None]) -> dict[int, int | None]:
    """Competition ranking (1, 2, 2, 4) of the keys by result; no result, no rank."""
    scored = sorted(
        ((key, value) for key, value in results.items() if value is not None),
        key=lambda kv: (-kv[1], kv[0]),
    )
    ranks: dict[int, int | None] = dict.fromkeys(results)
    previous: Decimal | None = None
    current = 0
    for position, (key, value) in enumerate(scored, start=1):
        if value != previous:
            current = position
            previous = value
        ranks[key] = current
    return ranks
