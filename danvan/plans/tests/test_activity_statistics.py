"""Activity figures per type and per month, counted in the database."""

from __future__ import annotations

import datetime as dt

import pytest

from danvan.orgs.models import Unit
from danvan.plans.models import Activity
from danvan.plans.statistics import activity_statistics
from danvan.plans.tests.factories import activity_type, make_activity, small_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded():
    """Five activities in province A over 09–12/2025, one in another province."""
    t = small_tree()
    other = small_tree("Tỉnh Khác")
    make_activity(
        t.cell_a, code="themed-meeting", held_on=dt.date(2025, 9, 12), participant_count=18
    )
    make_activity(
        t.cell_b, code="themed-meeting", held_on=dt.date(2025, 9, 30), participant_count=22
    )
    make_activity(
        t.cell_a, code="themed-meeting", held_on=dt.date(2025, 12, 1), participant_count=15
    )
    make_activity(t.commune_a, code="training", held_on=dt.date(2025, 9, 5), participant_count=40)
    make_activity(
        t.commune_b, code="anniversary", held_on=dt.date(2025, 10, 15), participant_count=120
    )
    make_activity(
        other.commune_a, code="training", held_on=dt.date(2025, 9, 8), participant_count=999
    )
    return t


def _by_type(stats) -> dict[str, tuple[int, int]]:
    return {row.activity_type.code: (row.count, row.participants) for row in stats.by_type}


def _by_month(stats) -> list[tuple[str, int, int]]:
    return [(row.label, row.count, row.participants) for row in stats.by_month]


def test_counts_and_participants_per_type_and_month_over_a_subtree(recorded):
    stats = activity_statistics(recorded.province)
    assert stats.total == 5
    assert stats.participants == 18 + 22 + 15 + 40 + 120
    assert _by_type(stats) == {
        "themed-meeting": (3, 55),
        "training": (1, 40),
        "anniversary": (1, 120),
    }
    # Types in their configured order (themed meeting, training, …, anniversary).
    assert [row.activity_type.code for row in stats.by_type] == [
        "themed-meeting",
        "training",
        "anniversary",
    ]
    # Months run without gaps: November has nothing but is still a bar of the chart.
    assert _by_month(stats) == [
        ("09/2025", 3, 80),
        ("10/2025", 1, 120),
        ("11/2025", 0, 0),
        ("12/2025", 1, 15),
    ]
    september = stats.by_month[0]
    meeting, training = activity_type("themed-meeting"), activity_type("training")
    assert september.by_type == {meeting.pk: 2, training.pk: 1}
    assert september.counts == (2, 1, 0)
    assert stats.count(meeting.pk, dt.date(2025, 12, 1)) == 1


def test_a_commune_counts_its_own_subtree_only(recorded):
    stats = activity_statistics(recorded.commune_a)
    assert stats.total == 3
    assert stats.participants == 18 + 15 + 40
    assert _by_type(stats) == {"themed-meeting": (2, 33), "training": (1, 40)}


def test_start_and_end_bound_the_dates_and_the_months(recorded):
    stats = activity_statistics(recorded.province, dt.date(2025, 9, 10), dt.date(2026, 1, 31))
    assert stats.total == 4  # the training of 05/09 falls before the start
    assert _by_month(stats) == [
        ("09/2025", 2, 40),
        ("10/2025", 1, 120),
        ("11/2025", 0, 0),
        ("12/2025", 1, 15),
        ("01/2026", 0, 0),
    ]
    only_october = activity_statistics(recorded.province, end=dt.date(2025, 10, 31))
    assert only_october.total == 4
    assert only_october.by_month[-1].label == "10/2025"


def test_an_activity_queryset_or_a_unit_queryset_as_the_source(recorded):
    meetings = Activity.objects.filter(activity_type__code="themed-meeting")
    stats = activity_statistics(meetings)
    assert stats.total == 3
    assert stats.participants == 55
    communes = Unit.objects.filter(pk__in=[recorded.commune_a.pk, recorded.commune_b.pk])
    stats = activity_statistics(communes)  # the units themselves, not their cells
    assert _by_type(stats) == {"training": (1, 40), "anniversary": (1, 120)}


def test_the_chart_has_one_series_per_type_over_the_months(recorded):
    chart = activity_statistics(recorded.commune_a).chart()
    assert chart["labels"] == ["09/2025", "10/2025", "11/2025", "12/2025"]
    assert chart["series"] == [
        {"name": str(activity_type("themed-meeting")), "data": [1, 0, 0, 1]},
        {"name": str(activity_type("training")), "data": [1, 0, 0, 0]},
    ]


def test_nothing_recorded_gives_zeroes():
    t = small_tree()
    stats = activity_statistics(t.province)
    assert (stats.total, stats.participants, stats.by_type, stats.by_month) == (0, 0, [], [])
    assert stats.chart() == {"labels": [], "series": []}


def test_a_long_span_keeps_only_the_months_with_activities():
    t = small_tree()
    make_activity(t.commune_a, held_on=dt.date(2020, 1, 10))
    make_activity(t.commune_a, held_on=dt.date(2025, 6, 10))
    stats = activity_statistics(t.province)
    assert [row.label for row in stats.by_month] == ["01/2020", "06/2025"]


def test_figures_take_two_queries_whatever_the_number_of_activities(
    recorded, django_assert_num_queries
):
    for day in range(1, 21):
        make_activity(recorded.cell_a, held_on=dt.date(2025, 11, day), participant_count=1)
    with django_assert_num_queries(2):
        stats = activity_statistics(recorded.province)
    assert stats.total == 25
    assert stats.by_month[2].count == 20


def test_an_unknown_source_is_refused():
    with pytest.raises(TypeError):
        activity_statistics("commune")
