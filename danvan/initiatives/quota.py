"""Quota compliance: no database here.

Each unit of a required kind registers between ``minimum`` and ``maximum`` initiatives in a
campaign (one campaign a year; earlier years' initiatives never count, DOMAIN.md §2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class QuotaStatus(StrEnum):
    NONE = "none"
    BELOW = "below"
    WITHIN = "within"
    ABOVE = "above"


def quota_status(count: int, minimum: int, maximum: int) -> QuotaStatus:
    if count < 0:
        raise ValueError("count cannot be negative")
    if count == 0 and minimum > 0:
        return QuotaStatus.NONE
    if count < minimum:
        return QuotaStatus.BELOW
    if count > maximum:
        return QuotaStatus.ABOVE
    return QuotaStatus.WITHIN


@dataclass
class Tally:
    """Counts of units by quota status (for a heat-map tile or a whole campaign)."""

    units: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in QuotaStatus})

    def add(self, status: QuotaStatus) -> None:
        self.units += 1
        self.by_status[status.value] += 1

    @property
    def compliant(self) -> int:
        return self.by_status[QuotaStatus.WITHIN] + self.by_status[QuotaStatus.ABOVE]

    @property
    def compliant_pct(self) -> float | None:
        """Share of units that registered at least the minimum; None for no units."""
        if not self.units:
            return None
        return round(100 * self.compliant / self.units, 1)


def tally_by_prefix(
    unit_paths: Iterable[tuple[str, QuotaStatus]], prefixes: Mapping[str, object]
) -> dict[str, Tally]:
    """Tally units (path, status) under each of ``prefixes`` (paths of heat-map tiles)."""
    tallies = {prefix: Tally() for prefix in prefixes}
    ordered = sorted(prefixes, key=len, reverse=True)
    for path, status in unit_paths:
        for prefix in ordered:
            if path.startswith(prefix):
                tallies[prefix].add(status)
                break
    return tallies
