"""Properties of the pure quota module (no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from danvan.initiatives.quota import QuotaStatus, Tally, quota_status, tally_by_prefix

ORDER = [QuotaStatus.NONE, QuotaStatus.BELOW, QuotaStatus.WITHIN, QuotaStatus.ABOVE]
quotas = st.tuples(st.integers(0, 5), st.integers(0, 5)).map(sorted)


@given(quotas, st.integers(0, 10), st.integers(0, 10))
def test_more_registrations_never_move_a_unit_back(bounds, count, extra):
    minimum, maximum = bounds
    before = quota_status(count, minimum, maximum)
    after = quota_status(count + extra, minimum, maximum)
    assert ORDER.index(after) >= ORDER.index(before)
    if before in (QuotaStatus.WITHIN, QuotaStatus.ABOVE):
        assert after in (QuotaStatus.WITHIN, QuotaStatus.ABOVE)


@given(quotas, st.data())
def test_a_count_between_minimum_and_maximum_is_within(bounds, data):
    minimum, maximum = bounds
    count = data.draw(st.integers(minimum, maximum))
    assert quota_status(count, minimum, maximum) == QuotaStatus.WITHIN


def test_the_four_statuses_for_a_one_to_two_quota():
    assert [quota_status(n, 1, 2) for n in range(4)] == [
        QuotaStatus.NONE,
        QuotaStatus.WITHIN,
        QuotaStatus.WITHIN,
        QuotaStatus.ABOVE,
    ]
    assert quota_status(1, 2, 3) == QuotaStatus.BELOW
    with pytest.raises(ValueError, match="negative"):
        quota_status(-1, 1, 2)


paths = st.lists(
    st.tuples(
        st.text(alphabet="ab", min_size=1, max_size=4).map(lambda s: "00" + s),
        st.sampled_from(list(QuotaStatus)),
    ),
    max_size=40,
)


@given(paths)
def test_tallies_count_each_unit_once_and_percentages_stay_in_range(units):
    prefixes = {"00a": None, "00b": None}
    tallies = tally_by_prefix(units, prefixes)
    # Every path starts with 00a or 00b: each unit lands in exactly one tile.
    assert sum(t.units for t in tallies.values()) == len(units)
    for tally in tallies.values():
        assert sum(tally.by_status.values()) == tally.units
        if tally.units:
            assert 0 <= tally.compliant_pct <= 100
        else:
            assert tally.compliant_pct is None


@given(st.lists(st.sampled_from(list(QuotaStatus)), min_size=1))
def test_compliant_share_counts_within_and_above(statuses):
    tally = Tally()
    for status in statuses:
        tally.add(status)
    assert tally.units == len(statuses)
    good = sum(s in (QuotaStatus.WITHIN, QuotaStatus.ABOVE) for s in statuses)
    assert tally.compliant == good
    assert tally.compliant_pct == round(100 * good / len(statuses), 1)


def test_the_deepest_prefix_wins():
    tallies = tally_by_prefix(
        [("0001", QuotaStatus.NONE), ("00010002", QuotaStatus.WITHIN)],
        {"0001": None, "00010002": None},
    )
    assert tallies["0001"].units == 1
    assert tallies["00010002"].by_status["within"] == 1
