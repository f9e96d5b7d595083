"""The indicators card of the home page: the working unit's latest period at a glance.

The latest opened or closed period the user sees in which the unit reports, how many units
under it reached its roll-up (accepted) out of those expected, the state of its own report,
and its indicators with a target counted by status (met, on track, at risk, missed, no
data). The same figures as the dashboard (``danvan.kpis.dashboard.build``), in a fixed
number of queries whatever the size of the subtree.
"""

from __future__ import annotations

from dataclasses import dataclass

from danvan.kpis import dashboard
from danvan.orgs.models import Unit
from danvan.reports.models import Period


@dataclass
class KpiCard:
    unit: Unit
    period: Period | None
    accepted: int = 0
    expected: int = 0
    own_state: str | None = None
    status_rows: list[dict] | None = None
    with_target: int = 0

    @property
    def pct(self) -> float | None:
        if not self.expected:
            return None
        return round(100 * self.accepted / self.expected, 1)


def kpi_card(unit: Unit, user) -> KpiCard:
    board = dashboard.build(user, unit, trail_units=[unit])
    card = KpiCard(unit=unit, period=board.period)
    if board.period is None or board.completeness is None:
        return card
    card.accepted = board.completeness.accepted
    card.expected = board.completeness.expected
    card.own_state = board.completeness.own_state
    card.status_rows = board.status_rows
    card.with_target = board.with_target
    return card
