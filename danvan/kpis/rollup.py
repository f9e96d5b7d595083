"""The roll-up engine: a parent's figures from its own and its included children's, by rule.

Pure Python over rows the caller loaded in a few queries (``danvan.reports.rollups`` loads a
period's reports and values; the benchmark feeds it a national data set). Nothing here
touches the database, so the rules are tested as properties:

- sum: Σ values;
- rate: Σ numerators / Σ denominators × scale, never a mean of rates;
- weighted mean: Σ value·weight / Σ weight, the weight being another indicator's value of
  the same unit (children bring their Σ value·weight and Σ weight, so the mean is exact at
  every level);
- min / max over the values present;
- latest: the unit's own value, else the most recently stamped child figure;
- none: the unit's own value only.

A unit with no value adds nothing: it is missing, never zero. Every figure carries how many
units' data it holds (``reporters``) beside how many were expected (``expected``). Accumulators
hold sums, so rolling up is associative: rolling a subtree first and then its parent gives
the same figure as rolling every leaf into the root at once.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

SUM = "sum"
RATE = "rate"
WEIGHTED_MEAN = "weighted_mean"
MIN = "min"
MAX = "max"
LATEST = "latest"
NONE = "none"
RULES = (SUM, RATE, WEIGHTED_MEAN, MIN, MAX, LATEST, NONE)
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Spec:
    """How one indicator rolls up."""

    id: Hashable
    rule: str
    scale: Decimal = HUNDRED
    weight_id: Hashable | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """A unit's own figure for one indicator (a rate gives numerator and denominator)."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(slots=True)
class Node:
    """One reporting unit: its own entries, its parent, whether the parent may count it."""

    key: Hashable
    parent: Hashable | None
    entries: Mapping[Hashable, Entry]
    included: bool = True  # e.g. the report is accepted
    stamp: object = None  # orders "latest" (e.g. when it was submitted)
    label: str = ""


@dataclass(slots=True)
class Figure:
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    reporters: int = 0  # units whose data the figure holds
    expected: int = 1  # units the figure should hold (the unit and its descendants)
    # accumulators (sums, so rolling up is associative)
    total: Decimal = Decimal(0)
    wsum: Decimal = Decimal(0)
    wtotal: Decimal = Decimal(0)
    low: Decimal | None = None
    high: Decimal | None = None
    latest_stamp: object = None
    latest: Decimal | None = None
    has_own: bool = False

    @property
    def missing(self) -> int:
        return self.expected - self.reporters

    @property
    def is_complete(self) -> bool:
        return self.reporters == self.expected


@dataclass(slots=True)
class NodeResult:
    figures: dict[Hashable, Figure] = field(default_factory=dict)
    expected: int = 0  # descendants that must report
    included: int = 0  # descendants whose data reached this unit (accepted up the chain)
    children: list[Hashable] = field(default_factory=list)


def _add_own(figure: Figure, spec: Spec, entry: Entry, weight: Decimal | None, stamp) -> None:
    rule = spec.rule
    value = entry.value
    if rule == RATE:
        if entry.numerator is None or entry.denominator is None:
            return
        figure.total += entry.numerator
        figure.wtotal += entry.denominator
    elif value is None:
        return
    elif rule == SUM:
        figure.total += value
    elif rule == WEIGHTED_MEAN:
        if weight is None:
            return
        figure.wsum += value * weight
        figure.wtotal += weight
    elif rule in (MIN, MAX):
        figure.low = value if figure.low is None else min(figure.low, value)
        figure.high = value if figure.high is None else max(figure.high, value)
    elif rule in (LATEST, NONE):
        figure.latest = value
        figure.latest_stamp = stamp
    figure.has_own = True
    figure.reporters += 1


def _merge(into: Figure, child: Figure, spec: Spec) -> None:
    rule = spec.rule
    into.expected += child.expected
    if rule == NONE:
        return
    if child.reporters == 0:
        return
    into.reporters += child.reporters
    if rule == SUM:
        into.total += child.total
    elif rule == RATE:
        into.total += child.total
        into.wtotal += child.wtotal
    elif rule == WEIGHTED_MEAN:
        into.wsum += child.wsum
        into.wtotal += child.wtotal
    elif rule in (MIN, MAX):
        if child.low is not None:
            into.low = child.low if into.low is None else min(into.low, child.low)
            into.high = child.high if into.high is None else max(into.high, child.high)
    elif (
        rule == LATEST
        and not into.has_own
        and child.latest is not None
        and (into.latest is None or _later(child.latest_stamp, into.latest_stamp))
    ):
        into.latest = child.latest
        into.latest_stamp = child.latest_stamp


def _later(a, b) -> bool:
    if b is None:
        return a is not None
    if a is None:
        return False
    return a > b


def _finish(figure: Figure, spec: Spec) -> None:
    rule = spec.rule
    if figure.reporters == 0:
        figure.value = None
        return
    if rule == SUM:
        figure.value = figure.total
    elif rule == RATE:
        figure.numerator, figure.denominator = figure.total, figure.wtotal
        figure.value = figure.total / figure.wtotal * spec.scale if figure.wtotal else None
    elif rule == WEIGHTED_MEAN:
        figure.value = figure.wsum / figure.wtotal if figure.wtotal else None
    elif rule == MIN:
        figure.value = figure.low
    elif rule == MAX:
        figure.value = figure.high
    else:
        figure.value = figure.latest


def roll_up(nodes: Iterable[Node], specs: Iterable[Spec]) -> dict[Hashable, NodeResult]:
    """Every node's figures, its own and its included descendants' combined by each rule.

    A node whose ``parent`` is not among the nodes is a root. An excluded node (a report not
    yet accepted) still gets its own rolled-up figures, but they stop there: its parent counts
    it as expected and missing.
    """
    specs = list(specs)
    by_key = {node.key: node for node in nodes}
    results = {key: NodeResult() for key in by_key}
    for node in by_key.values():
        if node.parent is not None and node.parent in results:
            results[node.parent].children.append(node.key)
    order = _post_order(by_key, results)
    for key in order:
        node = by_key[key]
        result = results[key]
        entries = node.entries
        figures = result.figures
        for spec in specs:
            figure = Figure()
            entry = entries.get(spec.id)
            if entry is not None:
                weight = None
                if spec.rule == WEIGHTED_MEAN and spec.weight_id is not None:
                    weight_entry = entries.get(spec.weight_id)
                    weight = weight_entry.value if weight_entry is not None else None
                _add_own(figure, spec, entry, weight, node.stamp)
            figures[spec.id] = figure
        for child_key in result.children:
            child = by_key[child_key]
            child_result = results[child_key]
            result.expected += 1 + child_result.expected
            if not child.included:
                for spec in specs:
                    figures[spec.id].expected += child_result.figures[spec.id].expected
                continue
            result.included += 1 + child_result.included
            for spec in specs:
                _merge(figures[spec.id], child_result.figures[spec.id], spec)
        for spec in specs:
            _finish(figures[spec.id], spec)
    return results


def _post_order(by_key: Mapping[Hashable, Node], results: Mapping[Hashable, NodeResult]):
    """Children before parents, iteratively (trees may be deep enough to hurt recursion)."""
    roots = [key for key, node in by_key.items() if node.parent not in by_key]
    order: list[Hashable] = []
    seen: set[Hashable] = set()
    for root in roots:
        stack = [(root, False)]
        while stack:
            key, expanded = stack.pop()
            if expanded:
                order.append(key)
                continue
            if key in seen:
                continue
            seen.add(key)
            stack.append((key, True))
            stack.extend((child, False) for child in results[key].children)
    if len(order) != len(by_key):
        raise ValueError("the reporting units do not form a tree (a cycle among parents)")
    return order


def subtree_keys(results: Mapping[Hashable, NodeResult], key: Hashable) -> list[Hashable]:
    """``key`` and every descendant, parents before children."""
    out = []
    stack = [key]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(results[current].children))
    return out


def missing_units(
    nodes: Mapping[Hashable, Node],
    results: Mapping[Hashable, NodeResult],
    key: Hashable,
    indicator_id: Hashable,
) -> list[Hashable]:
    """Units under ``key`` (itself included) whose data is not in its figure for the indicator.

    A unit is missing when it gave no value, or when its report (or one above it, short of
    ``key``) is not included yet.
    """
    missing = []
    stack = [(key, True)]
    while stack:
        current, reaches = stack.pop()
        node = nodes[current]
        reaches_here = reaches and (current == key or node.included)
        figure = results[current].figures.get(indicator_id)
        if not reaches_here or figure is None or not figure.has_own:
            missing.append(current)
        stack.extend((child, reaches_here) for child in results[current].children)
    return missing


def nearest_parents(
    paths: Mapping[Hashable, str],
    *,
    steplen: int = 4,
    successors: Mapping[str, str] | None = None,
) -> dict[Hashable, Hashable | None]:
    """Each key's nearest ancestor among ``paths`` (materialised paths of reporting units).

    A unit goes up its path; past the top of its tree it continues from the top unit's
    successor (``successors`` maps a merged province's path to its successor's), so a
    legacy unit's report rolls up through the unit that absorbed it.
    """
    by_path = {path: key for key, path in paths.items()}
    successors = successors or {}
    parents: dict[Hashable, Hashable | None] = {}
    for key, path in paths.items():
        parents[key] = _nearest(path, by_path, successors, steplen, key)
    return parents


def _nearest(path, by_path, successors, steplen, key):
    """Up the path; past the top of a tree, on from the top unit's successor."""
    current = path
    for _hop in range(8):  # merger chains are short; the bound guards against cycles
        while len(current) > steplen:
            current = current[:-steplen]
            if by_path.get(current, key) != key:
                return by_path[current]
        successor = successors.get(current)
        if successor is None or successor == current:
            return None
        current = successor
        if by_path.get(current, key) != key:
            return by_path[current]
    return None
