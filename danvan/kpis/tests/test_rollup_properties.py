"""Properties of the pure roll-up engine (``danvan.kpis.rollup``), over random trees.

A tree is a list of nodes whose parent is an earlier node (depth at most 4); each node has an
entry or none (missing), and is included (its report accepted) or not. Each rule is compared
with a plain reference computed from the units whose data reaches the root: the root itself
and every node whose chain of parents up to the root is included.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from danvan.kpis.rollup import (
    LATEST,
    MAX,
    MIN,
    NONE,
    RATE,
    SUM,
    WEIGHTED_MEAN,
    Entry,
    Node,
    Spec,
    missing_units,
    nearest_parents,
    roll_up,
)

MAX_DEPTH = 4
VALUE = "v"
WEIGHT = "w"
amounts = st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False)


@st.composite
def shapes(draw, min_size=1, max_size=14):
    """Parents (index of an earlier node, None for the root) with depth ≤ MAX_DEPTH."""
    size = draw(st.integers(min_size, max_size))
    parents: list[int | None] = [None]
    depths = [1]
    for _ in range(1, size):
        allowed = [i for i, depth in enumerate(depths) if depth < MAX_DEPTH]
        parent = draw(st.sampled_from(allowed))
        parents.append(parent)
        depths.append(depths[parent] + 1)
    return parents


@st.composite
def trees(draw, entry=None, min_size=1, max_size=14):
    """(parents, entries, included, stamps) for one random tree."""
    parents = draw(shapes(min_size, max_size))
    size = len(parents)
    if entry is None:
        entry = st.one_of(st.none(), amounts.map(lambda v: Entry(value=v)))
    entries = [draw(entry) for _ in range(size)]
    included = [draw(st.booleans()) or draw(st.booleans()) for _ in range(size)]  # mostly
    stamps = draw(st.permutations(range(size)))
    return parents, entries, included, list(stamps)


def rate_entries():
    def make(pair):
        numerator, extra = pair
        return Entry(value=None, numerator=numerator, denominator=numerator + extra)

    return st.one_of(
        st.none(),
        st.tuples(amounts, amounts.filter(lambda d: d > 0)).map(make),
    )


def nodes_of(parents, entries, included, stamps, indicator=VALUE, weights=None):
    out = []
    for key, parent in enumerate(parents):
        own = {}
        if entries[key] is not None:
            own[indicator] = entries[key]
        if weights is not None and weights[key] is not None:
            own[WEIGHT] = Entry(value=weights[key])
        out.append(
            Node(
                key=key,
                parent=parent,
                entries=own,
                included=included[key],
                stamp=stamps[key],
            )
        )
    return out


def reaching(parents, included, root=0):
    """Nodes whose data reaches ``root``: itself and those included all the way up."""
    out = []
    for key in range(len(parents)):
        current, ok = key, True
        while current != root:
            if current is None:
                ok = False
                break
            if not included[current]:
                ok = False
                break
            current = parents[current]
        if ok:
            out.append(key)
    return out


def subtree(parents, root):
    keys = {root}
    for key in range(len(parents)):  # parents come first, so one pass is enough
        if parents[key] in keys:
            keys.add(key)
    return sorted(keys)


# ---- sum ------------------------------------------------------------------------------------


@given(trees())
def test_sum_is_the_sum_of_the_values_that_reach_the_root(tree):
    parents, entries, included, _stamps = tree
    results = roll_up(nodes_of(*tree), [Spec(VALUE, SUM)])
    figure = results[0].figures[VALUE]
    present = [entries[k].value for k in reaching(parents, included) if entries[k] is not None]
    assert figure.value == (sum(present, Decimal(0)) if present else None)
    assert figure.reporters == len(present)
    assert figure.expected == len(parents)
    assert figure.missing == len(parents) - len(present)


@given(trees(min_size=2), st.data())
def test_sum_is_associative_over_the_tree(tree, data):
    """Rolling a subtree first and attaching its figure gives the same root figure."""
    parents, entries, included, _stamps = tree
    spec = Spec(VALUE, SUM)
    whole = roll_up(nodes_of(*tree), [spec])[0].figures[VALUE]
    top = data.draw(st.integers(1, len(parents) - 1))
    inner = subtree(parents, top)
    part = roll_up(
        [n for n in nodes_of(*tree) if n.key in inner],
        [spec],
    )[top].figures[VALUE]
    # the subtree collapsed into one node carrying its rolled-up figure
    kept = [k for k in range(len(parents)) if k not in inner or k == top]
    collapsed = [
        Node(
            key=k,
            parent=parents[k],
            entries=(
                ({VALUE: Entry(value=part.value)} if part.value is not None else {})
                if k == top
                else ({VALUE: entries[k]} if entries[k] is not None else {})
            ),
            included=included[k],
        )
        for k in kept
    ]
    again = roll_up(collapsed, [spec])[0].figures[VALUE]
    assert again.value == whole.value


@given(trees(), st.data())
def test_a_unit_with_no_entry_is_expected_but_adds_nothing(tree, data):
    parents, entries, _included, _stamps = tree
    specs = [Spec(VALUE, SUM), Spec("r", RATE), Spec("m", MIN), Spec("x", MAX)]

    def with_all(nodes):
        for node in nodes:
            entry = node.entries.get(VALUE)
            if entry is not None:
                node.entries = {
                    VALUE: entry,
                    "r": Entry(numerator=entry.value, denominator=entry.value + 1),
                    "m": entry,
                    "x": entry,
                }
        return nodes

    before = roll_up(with_all(nodes_of(*tree)), specs)[0]
    under = data.draw(st.sampled_from(range(len(parents))))
    extra = Node(key="new", parent=under, entries={}, included=data.draw(st.booleans()))
    after = roll_up([*with_all(nodes_of(*tree)), extra], specs)[0]
    for spec in specs:
        old, new = before.figures[spec.id], after.figures[spec.id]
        assert new.value == old.value
        assert new.reporters == old.reporters
        assert new.expected == old.expected + 1
    # a missing unit is never a zero: with positive values the minimum stays positive
    if all(e is None or e.value > 0 for e in entries):
        low = after.figures["m"].value
        assert low is None or low > 0
    assert after.expected == before.expected + 1


@given(trees(min_size=2), st.data())
def test_an_excluded_unit_and_everything_under_it_stay_out_of_the_parent(tree, data):
    parents, entries, included, stamps = tree
    cut = data.draw(st.integers(1, len(parents) - 1))
    included = list(included)
    included[cut] = False
    nodes = nodes_of(parents, entries, included, stamps)
    before = roll_up(nodes, [Spec(VALUE, SUM)])[0].figures[VALUE]
    # change every figure under the excluded unit: the root does not move
    changed = [
        e if k not in subtree(parents, cut) else Entry(value=Decimal(999_999))
        for k, e in enumerate(entries)
    ]
    after = roll_up(nodes_of(parents, changed, included, stamps), [Spec(VALUE, SUM)])[0]
    assert after.figures[VALUE].value == before.value
    assert after.figures[VALUE].expected == len(parents)
    missing = set(
        missing_units({n.key: n for n in nodes}, roll_up(nodes, [Spec(VALUE, SUM)]), 0, VALUE)
    )
    assert set(subtree(parents, cut)) <= missing


# ---- rate -----------------------------------------------------------------------------------


@given(trees(entry=rate_entries()), st.sampled_from([Decimal(100), Decimal(1), Decimal(1000)]))
def test_rate_is_summed_numerators_over_summed_denominators(tree, scale):
    parents, entries, included, _stamps = tree
    figure = roll_up(nodes_of(*tree), [Spec(VALUE, RATE, scale=scale)])[0].figures[VALUE]
    present = [entries[k] for k in reaching(parents, included) if entries[k] is not None]
    if not present:
        assert figure.value is None
        assert figure.reporters == 0
        return
    numerator = sum((e.numerator for e in present), Decimal(0))
    denominator = sum((e.denominator for e in present), Decimal(0))
    assert (figure.numerator, figure.denominator) == (numerator, denominator)
    assert figure.value == numerator / denominator * scale
    assert figure.reporters == len(present)


def test_rate_is_never_the_mean_of_rates():
    nodes = [
        Node(0, None, {}),
        Node(1, 0, {VALUE: Entry(numerator=Decimal(10), denominator=Decimal(100))}),
        Node(2, 0, {VALUE: Entry(numerator=Decimal(90), denominator=Decimal(300))}),
    ]
    figure = roll_up(nodes, [Spec(VALUE, RATE)])[0].figures[VALUE]
    assert figure.value == Decimal(25)  # (10 + 90) / (100 + 300), not (10 % + 30 %) / 2
    assert (figure.reporters, figure.expected) == (2, 3)


@given(trees(entry=rate_entries(), min_size=2), st.data())
def test_rate_is_associative_over_the_tree(tree, data):
    parents, entries, included, _stamps = tree
    spec = Spec(VALUE, RATE)
    whole = roll_up(nodes_of(*tree), [spec])[0].figures[VALUE]
    top = data.draw(st.integers(1, len(parents) - 1))
    inner = subtree(parents, top)
    part = roll_up([n for n in nodes_of(*tree) if n.key in inner], [spec])[top].figures[VALUE]
    collapsed = []
    for k in range(len(parents)):
        if k in inner and k != top:
            continue
        if k == top:
            own = (
                {VALUE: Entry(numerator=part.numerator, denominator=part.denominator)}
                if part.value is not None
                else {}
            )
        else:
            own = {VALUE: entries[k]} if entries[k] is not None else {}
        collapsed.append(Node(key=k, parent=parents[k], entries=own, included=included[k]))
    again = roll_up(collapsed, [spec])[0].figures[VALUE]
    assert (again.value, again.numerator, again.denominator) == (
        whole.value,
        whole.numerator,
        whole.denominator,
    )


# ---- weighted mean, min, max, latest, none ---------------------------------------------------


@given(trees(), st.data())
def test_weighted_mean_is_sum_of_value_times_weight_over_sum_of_weights(tree, data):
    parents, entries, included, stamps = tree
    weights = [data.draw(st.one_of(st.none(), st.integers(0, 5000).map(Decimal))) for _ in parents]
    nodes = nodes_of(parents, entries, included, stamps, weights=weights)
    figure = roll_up(nodes, [Spec(VALUE, WEIGHTED_MEAN, weight_id=WEIGHT)])[0].figures[VALUE]
    pairs = [
        (entries[k].value, weights[k])
        for k in reaching(parents, included)
        if entries[k] is not None and weights[k] is not None
    ]
    total_weight = sum((w for _v, w in pairs), Decimal(0))
    assert figure.reporters == len(pairs)
    if not pairs or total_weight == 0:
        assert figure.value is None
    else:
        assert figure.value == sum((v * w for v, w in pairs), Decimal(0)) / total_weight


@given(trees())
def test_min_and_max_are_over_the_values_present(tree):
    parents, entries, included, _stamps = tree
    results = roll_up(nodes_of(*tree), [Spec(VALUE, MIN)])
    high = roll_up(nodes_of(*tree), [Spec(VALUE, MAX)])
    present = [entries[k].value for k in reaching(parents, included) if entries[k] is not None]
    assert results[0].figures[VALUE].value == (min(present) if present else None)
    assert high[0].figures[VALUE].value == (max(present) if present else None)


def _latest_reference(key, parents, entries, included, stamps):
    """(value, stamp) by the documented rule: own value, else the latest child figure."""
    if entries[key] is not None:
        return entries[key].value, stamps[key]
    best = (None, None)
    for child in (k for k, p in enumerate(parents) if p == key):
        if not included[child]:
            continue
        value, stamp = _latest_reference(child, parents, entries, included, stamps)
        if value is not None and (best[0] is None or stamp > best[1]):
            best = (value, stamp)
    return best


@given(trees())
def test_latest_is_the_own_value_else_the_latest_stamped_child_figure(tree):
    parents, entries, included, stamps = tree
    figure = roll_up(nodes_of(*tree), [Spec(VALUE, LATEST)])[0].figures[VALUE]
    assert figure.value == _latest_reference(0, parents, entries, included, stamps)[0]
    if entries[0] is not None:
        assert figure.value == entries[0].value


@given(trees())
def test_none_keeps_only_the_units_own_value(tree):
    _parents, entries, _included, _stamps = tree
    results = roll_up(nodes_of(*tree), [Spec(VALUE, NONE)])
    for key, entry in enumerate(entries):
        figure = results[key].figures[VALUE]
        assert figure.value == (entry.value if entry is not None else None)
        assert figure.reporters == (1 if entry is not None else 0)


@given(trees())
def test_completeness_counts_descendants_and_the_included_ones(tree):
    parents, _entries, included, _stamps = tree
    result = roll_up(nodes_of(*tree), [Spec(VALUE, SUM)])[0]
    assert result.expected == len(parents) - 1
    assert result.included == len(reaching(parents, included)) - 1


def test_a_cycle_among_parents_is_refused():
    nodes = [Node(0, None, {}), Node(1, 2, {}), Node(2, 1, {})]
    try:
        roll_up(nodes, [Spec(VALUE, SUM)])
    except ValueError:
        return
    raise AssertionError("a cycle was accepted")


# ---- nearest reporting parents, with successors ---------------------------------------------


def _step(n: int) -> str:
    return f"{n:04d}"


@st.composite
def unit_forests(draw):
    """Paths of two trees (a legacy root and its successor), and which units report."""
    paths = []
    for root in ("0001", "0002"):
        paths.append(root)
        frontier = [root]
        for _ in range(draw(st.integers(0, 10))):
            parent = draw(st.sampled_from(frontier))
            if len(parent) >= 4 * MAX_DEPTH:
                continue
            child = parent + _step(len(paths) + 1)
            paths.append(child)
            frontier.append(child)
    reporting = [p for p in paths if draw(st.booleans())]
    return paths, reporting


def _reference_parent(path, reporting, successors):
    current = path
    for _hop in range(8):
        for n in range(len(current) - 4, 0, -4):
            if current[:n] in reporting:
                return current[:n]
        successor = successors.get(current[:4])
        if successor is None:
            return None
        current = successor
        if current in reporting:
            return current
    return None


@given(unit_forests())
def test_nearest_parents_go_up_the_path_then_on_through_the_successor(forest):
    _paths, reporting = forest
    assume(reporting)
    successors = {"0001": "0002"}  # the legacy province 0001 merged into 0002
    keys = {f"r{n}": path for n, path in enumerate(reporting)}
    by_path = {path: key for key, path in keys.items()}
    parents = nearest_parents(keys, successors=successors)
    for key, path in keys.items():
        expected = _reference_parent(path, set(reporting), successors)
        assert parents[key] == (by_path[expected] if expected else None)
    # without the succession, the legacy tree's top reports are roots
    alone = nearest_parents(keys)
    for key, path in keys.items():
        if path.startswith("0001") and not any(
            path.startswith(other) and other != path for other in reporting
        ):
            assert alone[key] is None


def test_a_legacy_root_and_its_descendants_roll_up_to_the_successor():
    keys = {"old": "0001", "old-commune": "00010003", "new": "0002", "new-commune": "00020004"}
    parents = nearest_parents(keys, successors={"0001": "0002"})
    assert parents == {"old": "new", "old-commune": "old", "new": None, "new-commune": "new"}
    # with no report of the legacy province itself, its commune goes straight to the successor
    del keys["old"]
    assert nearest_parents(keys, successors={"0001": "0002"})["old-commune"] == "new"
