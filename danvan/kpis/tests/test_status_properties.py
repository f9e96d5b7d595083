"""Properties of a value's status against a target (``danvan.kpis.status.evaluate``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from danvan.kpis.status import Status, distance, evaluate, progress_between, satisfies

# A better status ranks higher; "no data" is outside the order.
RANK = {Status.MISSED: 0, Status.AT_RISK: 1, Status.ON_TRACK: 2, Status.MET: 3}
numbers = st.decimals(
    min_value=-1000, max_value=1000, places=4, allow_nan=False, allow_infinity=False
)
comparators = st.sampled_from(["gt", "gte", "lt", "lte", "eq", "band"])
progresses = st.one_of(st.none(), st.decimals(min_value=0, max_value=1, places=3, allow_nan=False))


@st.composite
def contexts(draw):
    """Everything but the value: target, band top, deadline, progress, baseline, previous."""
    target = draw(numbers)
    high = target + draw(st.decimals(min_value=0, max_value=500, places=4, allow_nan=False))
    return {
        "target": target,
        "high": high,
        "deadline_passed": draw(st.booleans()),
        "progress": draw(progresses),
        "baseline": draw(st.one_of(st.none(), numbers)),
        "previous": draw(st.one_of(st.none(), numbers)),
    }


def status(comparator, value, ctx):
    return evaluate(
        comparator,
        value,
        ctx["target"],
        ctx["high"] if comparator == "band" else None,
        deadline_passed=ctx["deadline_passed"],
        progress=ctx["progress"],
        baseline=ctx["baseline"],
        previous=ctx["previous"],
    )


@given(comparators, contexts())
def test_no_value_is_no_data(comparator, ctx):
    assert status(comparator, None, ctx) == Status.NO_DATA


@given(comparators, numbers, contexts())
def test_met_iff_the_comparator_holds_whatever_the_dates(comparator, value, ctx):
    high = ctx["high"] if comparator == "band" else None
    holds = satisfies(comparator, value, ctx["target"], high)
    result = status(comparator, value, ctx)
    assert (result == Status.MET) == holds
    if not holds and ctx["deadline_passed"]:
        assert result == Status.MISSED
    if not holds and not ctx["deadline_passed"]:
        assert result in (Status.ON_TRACK, Status.AT_RISK)


@given(st.sampled_from(["gt", "gte"]), numbers, numbers, contexts())
def test_for_at_least_targets_a_higher_value_is_never_worse(comparator, a, b, ctx):
    low, high = sorted((a, b))
    assert RANK[status(comparator, high, ctx)] >= RANK[status(comparator, low, ctx)]


@given(st.sampled_from(["lt", "lte"]), numbers, numbers, contexts())
def test_for_at_most_targets_a_lower_value_is_never_worse(comparator, a, b, ctx):
    low, high = sorted((a, b))
    assert RANK[status(comparator, low, ctx)] >= RANK[status(comparator, high, ctx)]


@given(st.sampled_from(["gte", "lte", "eq", "band"]), numbers, numbers, contexts())
def test_a_value_closer_to_the_target_is_never_worse(comparator, a, b, ctx):
    high = ctx["high"] if comparator == "band" else None
    near, far = sorted((a, b), key=lambda v: distance(comparator, v, ctx["target"], high))
    assert RANK[status(comparator, near, ctx)] >= RANK[status(comparator, far, ctx)]


@given(numbers, contexts())
def test_band_is_met_inside_its_bounds_only(value, ctx):
    low, high = ctx["target"], ctx["high"]
    result = status("band", value, ctx)
    assert (result == Status.MET) == (low <= value <= high)
    assert status("band", low, ctx) == Status.MET
    assert status("band", high, ctx) == Status.MET
    if value > high:
        assert distance("band", value, low, high) == value - high
    if value < low:
        assert distance("band", value, low, high) == low - value


@given(numbers, numbers)
def test_a_band_without_its_top_is_never_met(value, target):
    assert not satisfies("band", value, target, None)


@given(st.sampled_from(["gte", "lte"]), numbers, numbers, numbers)
def test_moving_the_right_way_without_a_baseline_is_on_track(comparator, target, a, b):
    assume(a != b)
    before, after = sorted((a, b)) if comparator == "gte" else sorted((a, b), reverse=True)
    assume(not satisfies(comparator, after, target, None))
    got = evaluate(comparator, after, target, deadline_passed=False, previous=before)
    assert got == Status.ON_TRACK
    # the other way round: it moved away from the target
    back = evaluate(comparator, before, target, deadline_passed=False, previous=after)
    assert back == Status.AT_RISK


def test_on_the_straight_path_from_the_baseline_is_on_track():
    # poor households: 12 % in the baseline year, ≤ 8 % by 2030; half way there: ≤ 10 %
    half = Decimal("0.5")
    common = {"deadline_passed": False, "progress": half, "baseline": Decimal(12)}
    assert evaluate("lte", Decimal(10), Decimal(8), **common) == Status.ON_TRACK
    assert evaluate("lte", Decimal("9.5"), Decimal(8), **common) == Status.ON_TRACK
    assert evaluate("lte", Decimal("10.5"), Decimal(8), **common) == Status.AT_RISK
    assert evaluate("lte", Decimal(8), Decimal(8), **common) == Status.MET
    assert (
        evaluate("lte", Decimal("10.5"), Decimal(8), deadline_passed=True, baseline=Decimal(12))
        == Status.MISSED
    )


@given(
    st.integers(2020, 2030),
    st.integers(0, 10),
    st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2045, 12, 31)),
)
def test_progress_runs_from_zero_to_one(start, span, day):
    share = progress_between(start, start + span, day)
    assert Decimal(0) <= share <= Decimal(1)
    if span and day <= dt.date(start, 12, 31):
        assert share == 0
    if day >= dt.date(start + span, 12, 31):
        assert share == 1
