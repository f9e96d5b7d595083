"""A typed figure against its indicator (``reports.validation``): pure, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from danvan.kpis.models import Indicator, IndicatorKind
from danvan.reports.validation import check, parse_number

counts = st.integers(min_value=0, max_value=10**9)
fours = st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def rate() -> Indicator:
    return Indicator(code="r", kind=IndicatorKind.RATE, scale=100)


def count() -> Indicator:
    return Indicator(code="c", kind=IndicatorKind.COUNT)


def score(high=Decimal(100)) -> Indicator:
    return Indicator(
        code="s", kind=IndicatorKind.SCORE, min_value=Decimal(0), max_value=high, has_rank=True
    )


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("1.234,5", Decimal("1234.5")),
        ("12,5", Decimal("12.5")),
        ("1234.5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("1.234.567", Decimal(1234567)),
        ("1.234", Decimal(1234)),
        ("-12.500", Decimal(-12500)),
        ("12.5", Decimal("12.5")),
        ("0.125", Decimal("0.125")),
        ("1234.567", Decimal("1234.567")),
        (" 8 ", Decimal(8)),
        ("90%", Decimal(90)),
        ("1 234,5", Decimal("1234.5")),
        ("", None),
        (None, None),
        (7, Decimal(7)),
    ],
)
def test_numbers_as_people_type_them(typed, number):
    assert parse_number(typed) == number


@pytest.mark.parametrize("typed", ["abc", "1,2,3x", "NaN", "Infinity", "--1"])
def test_not_a_number_is_refused(typed):
    with pytest.raises(ValueError, match=r".*"):
        parse_number(typed)
    assert check(count(), value=typed).errors == {"value": "Not a number."}


@given(fours, st.integers(min_value=0, max_value=4))
def test_the_vietnamese_format_reads_back(number, decimals):
    """What danvan prints (1.234 for a count, 1.234,5000) is read back as the same number."""
    shown = Indicator(code="a", kind=IndicatorKind.AMOUNT, decimals=decimals).format(number)
    assert parse_number(shown) == round(number, decimals)


@given(fours, fours)
def test_a_numerator_above_its_denominator_is_refused(a, b):
    numerator, denominator = max(a, b), min(a, b)
    checked = check(rate(), numerator=numerator, denominator=denominator)
    if numerator > denominator and denominator > 0:
        assert checked.errors == {"numerator": "The numerator cannot exceed the denominator."}
        assert checked.is_empty
    elif denominator > 0:
        assert checked.errors == {}
        assert checked.value == Decimal(100)


@given(fours.filter(lambda d: d > 0), fours)
def test_a_rate_within_its_denominator_is_its_share(denominator, numerator):
    numerator = min(numerator, denominator)
    checked = check(rate(), numerator=numerator, denominator=denominator)
    assert checked.errors == {}
    assert checked.value == numerator / denominator * 100
    assert Decimal(0) <= checked.value <= Decimal(100)


def test_a_rate_needs_both_parts_and_a_positive_denominator():
    assert check(rate(), numerator=5).errors == {"denominator": "Give the denominator as well."}
    assert check(rate(), denominator=5).errors == {"numerator": "Give the numerator as well."}
    assert check(rate(), numerator=0, denominator=0).errors == {
        "denominator": "Must be above zero."
    }
    assert check(rate(), numerator=-1, denominator=5).errors == {"numerator": "Cannot be negative."}
    assert check(rate()).is_empty
    assert check(rate()).errors == {}


@given(counts.filter(lambda n: n > 0))
def test_a_negative_count_is_refused(number):
    checked = check(count(), value=-number)
    assert checked.errors == {"value": "A count cannot be negative."}
    assert checked.value is None
    assert check(count(), value=number).value == number


@given(fours.filter(lambda d: d != d.to_integral_value()))
def test_a_fractional_count_is_refused(number):
    checked = check(count(), value=number)
    assert checked.errors == {"value": "A count is a whole number."}
    assert checked.value is None


def test_a_count_typed_with_a_decimal_comma_is_refused():
    assert check(count(), value="12,5").errors == {"value": "A count is a whole number."}
    assert check(count(), value="1.234.567").value == Decimal(1234567)


@given(st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False))
def test_a_score_beyond_its_maximum_is_refused(number):
    checked = check(score(Decimal(80)), value=number)
    if number > 80:
        assert checked.errors == {"value": "At most 80."}
        assert checked.value is None
    else:
        assert checked.errors == {}
        assert checked.value == number


def test_a_score_below_its_minimum_and_a_bad_rank_are_refused():
    assert check(score(), value=-1).errors == {"value": "At least 0."}
    assert check(score(), value="70,5", rank=3).rank == 3
    assert check(score(), value=70, rank=0).errors == {"rank": "A rank is a whole number from 1."}
    assert check(score(), value=70, rank="x").errors == {"rank": "A rank is a whole number from 1."}


def test_yes_no_is_stored_as_a_share_of_one():
    boolean = Indicator(code="b", kind=IndicatorKind.BOOLEAN)
    yes = check(boolean, value=1)
    assert (yes.value, yes.numerator, yes.denominator) == (1, 1, 1)
    no = check(boolean, value="0")
    assert (no.value, no.numerator, no.denominator) == (0, 0, 1)
    assert check(boolean, value=2).errors == {"value": "Answer yes or no."}


def test_a_negative_amount_is_refused():
    amount = Indicator(code="a", kind=IndicatorKind.AMOUNT)
    assert check(amount, value="-0,5").errors == {"value": "Cannot be negative."}
    assert check(amount, value="1.234,5").value == Decimal("1234.5")
