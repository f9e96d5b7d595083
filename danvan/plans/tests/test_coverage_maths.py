"""Coverage maths: who meets "100% of party cells hold the themed meeting in the month".

A required unit is a unit in force of the requirement's kind under its unit; it meets the
requirement when an activity of the type, held in the window, is recorded at the unit itself
or anywhere below it (``met_in_subtree``). The list page computes the same figures for a page
of requirements at once (``page_coverage``); both are checked against each other.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from danvan.core.coverage import met_in_subtree
from danvan.orgs.models import UnitKind
from danvan.orgs.tests.factories import make_child
from danvan.plans import services
from danvan.plans.tests.factories import (
    activity_type,
    days_ago,
    make_activity,
    officer,
    small_tree,
)
from danvan.plans.views.coverage import (
    first_in_subtree,
    page_coverage,
    tally_requirement,
)

START = days_ago(40)
END = days_ago(10)


def requirement_over(unit, *, kind=UnitKind.PARTY, code="themed-meeting", **data):
    return services.save_requirement(
        actor=officer(unit),
        unit=unit,
        data={
            "title": "100% chi bộ sinh hoạt chuyên đề",
            "unit_kind": kind,
            "activity_type": activity_type(code),
            "starts_on": START,
            "ends_on": END,
            "citation": "Kế hoạch 202-KH/BDVTU",
            **data,
        },
    )


def figures(requirement, **kwargs):
    cover = services.requirement_coverage(requirement, **kwargs)
    return cover.total.met, cover.total.units, cover.total.pct


# ------------------------------------------------------------------ with the database


@pytest.mark.django_db
def test_a_unit_meets_it_by_an_activity_at_itself_or_below_it():
    t = small_tree()
    group = make_child(t.cell_b, kind=UnitKind.OTHER, name="Tổ đảng 1 thôn 2")
    requirement = requirement_over(t.province)
    assert figures(requirement) == (0, 2, 0.0)
    make_activity(t.cell_a, held_on=days_ago(20))  # at the cell itself
    assert figures(requirement) == (1, 2, 50.0)
    make_activity(group, held_on=days_ago(15))  # at a unit under cell B: it counts for B
    cover = services.requirement_coverage(requirement)
    assert (cover.total.met, cover.total.units, cover.total.pct) == (2, 2, 100.0)
    assert cover.missing == []
    assert group not in [row.unit for row in cover.rows]  # not of the required kind


@pytest.mark.django_db
def test_a_required_unit_below_another_counts_on_its_own():
    t = small_tree()
    sub_cell = make_child(t.cell_b, kind=UnitKind.PARTY, name="Chi bộ ghép thôn 2")
    requirement = requirement_over(t.province)
    make_activity(sub_cell, held_on=days_ago(20))
    cover = services.requirement_coverage(requirement)
    # The sub-cell met it, and so did cell B above it; cell A did not.
    assert (cover.total.met, cover.total.units, cover.total.pct) == (2, 3, 66.7)
    assert [row.unit for row in cover.missing] == [t.cell_a]
    groups = {g.unit.pk: (g.tally.met, g.tally.units, g.drillable) for g in cover.groups}
    assert groups == {t.commune_a.pk: (0, 1, True), t.commune_b.pk: (2, 2, True)}


@pytest.mark.django_db
def test_an_activity_above_the_required_unit_does_not_count_for_it():
    t = small_tree()
    requirement = requirement_over(t.province)
    make_activity(t.commune_a, held_on=days_ago(20))  # the commune, not its party cell
    make_activity(t.province, held_on=days_ago(20))
    assert figures(requirement) == (0, 2, 0.0)


@pytest.mark.django_db
def test_outside_the_window_or_of_another_type_does_not_count():
    t = small_tree()
    requirement = requirement_over(t.province)
    make_activity(t.cell_a, held_on=START - dt.timedelta(days=1))
    make_activity(t.cell_b, held_on=END + dt.timedelta(days=1))
    make_activity(t.cell_a, code="training", held_on=days_ago(20))
    assert figures(requirement) == (0, 2, 0.0)
    # The first and the last day of the window count.
    make_activity(t.cell_a, held_on=START)
    make_activity(t.cell_b, held_on=END)
    assert figures(requirement) == (2, 2, 100.0)


@pytest.mark.django_db
def test_units_of_another_kind_or_outside_the_area_are_not_required():
    t = small_tree()
    other = small_tree("Tỉnh Khác")
    make_activity(other.cell_a, held_on=days_ago(20))
    requirement = requirement_over(t.commune_a)
    make_activity(t.cell_b, held_on=days_ago(20))  # commune B's cell: outside the area
    cover = services.requirement_coverage(requirement)
    assert [row.unit for row in cover.rows] == [t.cell_a]
    assert figures(requirement) == (0, 1, 0.0)
    communes = requirement_over(t.province, kind=UnitKind.COMMUNE)
    cover = services.requirement_coverage(communes)
    assert [row.unit for row in cover.rows] == [t.commune_a, t.commune_b]
    assert [row.unit for row in cover.met_rows] == [t.commune_b]  # by its cell's activity
    make_activity(t.cell_a, held_on=days_ago(20))
    assert figures(communes) == (2, 2, 100.0)
    assert figures(requirement) == (1, 1, 100.0)


@pytest.mark.django_db
def test_units_no_longer_in_force_are_not_required():
    t = small_tree()
    closed = make_child(
        t.commune_a,
        kind=UnitKind.PARTY,
        name="Chi bộ thôn cũ (đã sáp nhập)",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2025, 6, 30),
    )
    requirement = requirement_over(t.province)
    make_activity(t.cell_a, held_on=days_ago(20))
    cover = services.requirement_coverage(requirement)
    assert closed not in [row.unit for row in cover.rows]
    assert (cover.total.met, cover.total.units, cover.total.pct) == (1, 2, 50.0)


@pytest.mark.django_db
def test_no_required_unit_gives_no_percentage():
    t = small_tree()
    requirement = requirement_over(t.province, kind=UnitKind.FRONT)
    cover = services.requirement_coverage(requirement)
    assert (cover.total.met, cover.total.units, cover.total.pct) == (0, 0, None)
    assert cover.groups == [] and cover.missing == []
    row = page_coverage(officer(t.province), [requirement])[requirement.pk]
    assert (row.tally.units, row.tally.pct, row.hue) == (0, None, 0)


@pytest.mark.django_db
def test_within_narrows_to_a_part_of_the_area():
    t = small_tree()
    requirement = requirement_over(t.province)
    make_activity(t.cell_a, held_on=days_ago(20))
    cover = services.requirement_coverage(requirement, within=t.commune_b)
    assert cover.root == t.commune_b
    assert figures(requirement, within=t.commune_b) == (0, 1, 0.0)
    assert cover.trail == [t.province, t.commune_b]


@pytest.mark.django_db
def test_the_list_figures_equal_the_page_figures():
    t = small_tree()
    extra = make_child(t.commune_b, kind=UnitKind.PARTY, name="Chi bộ thôn 3")
    below = make_child(extra, kind=UnitKind.OTHER, name="Tổ 1")
    whole = requirement_over(t.province)
    communes = requirement_over(t.province, kind=UnitKind.COMMUNE)
    training = requirement_over(t.province, code="training", title="Tập huấn")
    own = requirement_over(t.commune_b, title="Chi bộ xã Bình Minh")
    make_activity(t.cell_a, held_on=days_ago(20))
    make_activity(below, held_on=days_ago(30))
    make_activity(t.cell_b, held_on=days_ago(50))  # before the window
    make_activity(t.commune_b, code="training", held_on=days_ago(12))
    requirements = [whole, communes, training, own]
    for user in (officer(t.province), officer(t.commune_b)):
        rows = page_coverage(user, requirements)
        for requirement in requirements:
            root = rows[requirement.pk].root
            cover = services.requirement_coverage(requirement, within=root)
            assert rows[requirement.pk].tally == cover.total, (user, requirement)
    scoped = page_coverage(officer(t.commune_b), requirements)
    assert scoped[whole.pk].root == t.commune_b and scoped[whole.pk].scoped
    assert (scoped[whole.pk].tally.met, scoped[whole.pk].tally.units) == (1, 2)
    assert not scoped[own.pk].scoped
    assert page_coverage(officer(t.province), []) == {}


@pytest.mark.django_db
def test_the_list_figures_take_a_fixed_number_of_queries(django_assert_num_queries):
    t = small_tree()
    requirements = [requirement_over(t.province, title=f"Yêu cầu {n}") for n in range(2)]
    user = officer(t.commune_a)
    page_coverage(user, requirements[:1])  # the scope is cached on the user
    with django_assert_num_queries(3):
        page_coverage(user, requirements)
    requirements += [
        requirement_over(t.province, code=f"type-{n}", title=f"Yêu cầu {n}") for n in range(18)
    ]
    with django_assert_num_queries(3):
        assert len(page_coverage(user, requirements)) == 20


# ------------------------------------------------------------------ pure part


def test_first_in_subtree_takes_the_earliest_at_or_below_each_unit():
    d = dt.date
    candidates = [(1, "0001"), (2, "00010001"), (3, "00010002")]
    events = [
        ("000100010005", d(2026, 10, 20)),  # under 2 (and 1)
        ("00010001", d(2026, 10, 9)),  # at 2 itself
        ("00010002", d(2026, 10, 25)),
        ("0001", d(2026, 10, 30)),  # at 1 itself, later than its children's
        ("0002", d(2026, 10, 1)),  # elsewhere
    ]
    assert first_in_subtree(candidates, events) == {
        1: d(2026, 10, 9),
        2: d(2026, 10, 9),
        3: d(2026, 10, 25),
    }


STEPS = st.sampled_from(["0001", "0002", "0003"])
PATHS = st.lists(STEPS, min_size=1, max_size=4).map("".join)


@given(
    units=st.sets(PATHS, max_size=12),
    events=st.lists(st.tuples(PATHS, st.integers(min_value=0, max_value=20)), max_size=15),
    root=st.lists(STEPS, min_size=1, max_size=2).map("".join),
    window=st.tuples(st.integers(0, 20), st.integers(0, 20)).map(sorted),
)
def test_tally_requirement_equals_counting_by_hand(units, events, root, window):
    day0 = dt.date(2026, 10, 1)
    starts, ends = (day0 + dt.timedelta(days=n) for n in window)
    unit_rows = sorted((n, path) for n, path in enumerate(sorted(units)))
    unit_rows.sort(key=lambda row: row[1])
    event_rows = sorted((path, day0 + dt.timedelta(days=n)) for path, n in events)
    tally = tally_requirement(unit_rows, event_rows, root_path=root, starts_on=starts, ends_on=ends)
    required = [path for path in units if path.startswith(root)]
    met = [
        path
        for path in required
        if any(
            event.startswith(path) and event.startswith(root) and starts <= day <= ends
            for event, day in event_rows
        )
    ]
    assert (tally.units, tally.met) == (len(required), len(met))
    assert tally.met == len(
        met_in_subtree(
            [row for row in unit_rows if row[1].startswith(root)],
            [e for e, day in event_rows if e.startswith(root) and starts <= day <= ends],
        )
    )
