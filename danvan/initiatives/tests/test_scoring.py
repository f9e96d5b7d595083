"""Properties of the council arithmetic (danvan/initiatives/scoring.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from danvan.initiatives import scoring
from danvan.initiatives.scoring import CriterionSpec, ScoreError

quarters = st.integers(min_value=1, max_value=400).map(lambda n: Decimal(n) / 4)
weights = st.integers(min_value=1, max_value=300).map(lambda n: Decimal(n) / 100)


@st.composite
def rubric_and_points(draw):
    """A rubric of 1–10 criteria and points within each criterion's 0..max (in 0.01 steps)."""
    maxima = draw(st.lists(st.tuples(quarters, weights), min_size=1, max_size=10))
    criteria = [
        CriterionSpec(id=i + 1, max_points=max_points, weight=weight)
        for i, (max_points, weight) in enumerate(maxima)
    ]
    points = {
        c.id: Decimal(draw(st.integers(min_value=0, max_value=int(c.max_points * 100)))) / 100
        for c in criteria
    }
    return criteria, points


totals = st.integers(min_value=0, max_value=20000).map(lambda n: Decimal(n) / 100)


@given(rubric_and_points())
def test_weighted_total_lies_between_zero_and_the_maximum(case):
    criteria, points = case
    total = scoring.weighted_total(criteria, points)
    assert Decimal(0) <= total <= scoring.max_total(criteria)


@given(rubric_and_points(), st.data())
def test_raising_one_criterion_never_lowers_the_total(case, data):
    criteria, points = case
    criterion = data.draw(st.sampled_from(criteria))
    room = int((criterion.max_points - points[criterion.id]) * 100)
    step = Decimal(data.draw(st.integers(min_value=0, max_value=room))) / 100
    raised = {**points, criterion.id: points[criterion.id] + step}
    assert scoring.weighted_total(criteria, raised) >= scoring.weighted_total(criteria, points)


@given(st.lists(totals, min_size=1, max_size=15))
def test_mean_lies_between_the_lowest_and_highest_total(values):
    result = scoring.aggregate(values, "mean")
    assert min(values) <= result <= max(values)


@given(st.lists(totals, min_size=1, max_size=15).filter(lambda v: len(v) % 2 == 1))
def test_median_of_an_odd_count_is_one_of_the_totals(values):
    assert scoring.aggregate(values, "median") in values


def test_mean_and_median_differ_when_one_member_is_far_off():
    values = [Decimal(100), Decimal(60), Decimal(65)]
    assert scoring.aggregate(values, "mean") == Decimal("75.00")
    assert scoring.aggregate(values, "median") == Decimal("65.00")
    assert scoring.aggregate([], "mean") is None


@given(st.dictionaries(st.integers(min_value=1, max_value=1000), totals, min_size=1))
def test_rank_gives_one_to_the_best_and_ties_share_a_rank(results):
    ranks = scoring.rank(results)
    best = max(results.values())
    for key, value in results.items():
        # A rank is one more than the number of strictly better results (1, 2, 2, 4).
        assert ranks[key] == 1 + sum(1 for other in results.values() if other > value)
        if value == best:
            assert ranks[key] == 1


def test_rank_pattern_with_a_tie_and_no_result():
    ranks = scoring.rank({1: Decimal(90), 2: Decimal(80), 3: Decimal(80), 4: Decimal(70), 5: None})
    assert ranks == {1: 1, 2: 2, 3: 2, 4: 4, 5: None}


@given(st.one_of(st.none(), totals), totals)
def test_passes_iff_the_result_reaches_the_pass_mark(result, pass_mark):
    assert scoring.passes(result, pass_mark) == (result is not None and result >= pass_mark)


@given(quarters, st.integers(min_value=1, max_value=10000).map(lambda n: Decimal(n) / 100))
def test_check_points_refuses_below_zero_and_above_the_maximum(max_points, excess):
    criterion = CriterionSpec(id=7, max_points=max_points, weight=Decimal(1))
    scoring.check_points(criterion, Decimal(0))
    scoring.check_points(criterion, max_points)
    for wrong in (-excess, max_points + excess):
        with pytest.raises(ScoreError) as caught:
            scoring.check_points(criterion, wrong)
        assert caught.value.criterion_id == 7


@given(rubric_and_points())
def test_weighted_total_refuses_a_missing_or_out_of_range_criterion(case):
    criteria, points = case
    first = criteria[0]
    with pytest.raises(ScoreError):
        scoring.weighted_total(criteria, {**points, first.id: first.max_points + 1})
    missing = {k: v for k, v in points.items() if k != first.id}
    with pytest.raises(ScoreError):
        scoring.weighted_total(criteria, missing)
