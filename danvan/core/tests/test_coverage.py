"""Coverage: units of a kind under a root that met a requirement, with drill-down tallies."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from danvan.core.coverage import Tally, coverage, met_in_subtree, tally, trail
from danvan.orgs.models import UnitKind
from danvan.orgs.tests.factories import make_child, make_root


@pytest.fixture
def small_tree(db):
    """Province ─┬─ District (legacy level) ─┬─ Commune 1 ── Village
    │                            └─ Commune 2
    ├─ Commune 3
    ├─ Commune 4 (closed)
    └─ Department
    """
    province = make_root(name="Tỉnh Thử", valid_from=None)
    district = make_child(province, kind=UnitKind.DISTRICT, name="Huyện Một")
    c1 = make_child(district, name="Xã Một")
    village = make_child(c1, kind=UnitKind.OTHER, name="Thôn Một")
    c2 = make_child(district, name="Xã Hai")
    c3 = make_child(province, name="Xã Ba")
    c4 = make_child(province, name="Xã Bốn", valid_to=dt.date(2025, 6, 30))
    department = make_child(province, kind=UnitKind.DEPARTMENT, name="Sở")
    for unit in (province, district, c1, c2):
        unit.refresh_from_db()
    return type(
        "T",
        (),
        {
            "province": province,
            "district": district,
            "c1": c1,
            "village": village,
            "c2": c2,
            "c3": c3,
            "c4": c4,
            "department": department,
        },
    )


def test_coverage_of_the_whole_tree(small_tree, django_assert_max_num_queries):
    t = small_tree
    with django_assert_max_num_queries(3):
        cover = coverage(t.province, kind=UnitKind.COMMUNE, met_ids={t.c1.pk, t.c3.pk, t.c4.pk})
    # The closed commune is not counted, even though it is in met_ids.
    assert [row.unit for row in cover.rows] == [t.c1, t.c2, t.c3]
    assert (cover.total.met, cover.total.units, cover.total.pct) == (2, 3, 66.7)
    groups = {g.unit: (g.tally.met, g.tally.units, g.drillable) for g in cover.groups}
    # The department holds no commune: no group for it.
    assert groups == {t.district: (1, 2, True), t.c3: (1, 1, False)}
    assert [row.unit for row in cover.missing] == [t.c2]
    assert cover.missing[0].parent == t.district
    assert cover.root_row is None
    assert cover.trail == [t.province]


def test_drill_down_into_a_child(small_tree):
    t = small_tree
    cover = coverage(t.district, kind=UnitKind.COMMUNE, met_ids={t.c1.pk}, top=t.province)
    assert (cover.total.met, cover.total.units) == (1, 2)
    assert {g.unit: (g.tally.met, g.tally.units) for g in cover.groups} == {
        t.c1: (1, 1),
        t.c2: (0, 1),
    }
    assert not any(g.drillable for g in cover.groups)
    assert cover.trail == [t.province, t.district]


def test_root_of_the_required_kind(small_tree):
    t = small_tree
    cover = coverage(t.c1, kind=UnitKind.COMMUNE, met_ids=set())
    assert cover.root_row is not None
    assert not cover.root_row.met
    assert cover.root_row.parent == t.district
    assert (cover.total.met, cover.total.units) == (0, 1)
    assert cover.groups == []  # the village is not a commune


def test_units_valid_on_a_day(small_tree):
    t = small_tree
    cover = coverage(t.province, kind=UnitKind.COMMUNE, met_ids=set(), on=dt.date(2025, 6, 1))
    # Before 1/7/2025 the closed commune counted; the others start on their valid_from.
    assert t.c4 in [row.unit for row in cover.rows]


def test_met_in_subtree_counts_events_below_a_unit(small_tree):
    t = small_tree
    candidates = [(u.pk, u.path) for u in (t.c1, t.c2, t.c3)]
    assert met_in_subtree(candidates, [t.village.path]) == {t.c1.pk}
    assert met_in_subtree(candidates, [t.district.path, t.province.path]) == set()
    assert met_in_subtree(candidates, [t.c2.path, t.c3.path, t.c3.path]) == {t.c2.pk, t.c3.pk}


def test_trail_outside_top_is_the_root_alone(small_tree):
    t = small_tree
    assert trail(t.c3, t.c1) == [t.c1]
    assert trail(t.province, t.c1) == [t.province, t.district, t.c1]


# ------------------------------------------------------------------ pure tallies

paths = st.lists(
    st.tuples(
        st.lists(st.sampled_from(["0001", "0002", "0003"]), min_size=0, max_size=3).map(
            lambda steps: "0001" + "".join(steps)
        ),
        st.booleans(),
    ),
    max_size=40,
)


@given(units=paths)
def test_children_and_root_add_up_to_the_total(units):
    children = ["00010001", "00010002"]  # "00010003" is not a child in force
    total, per_child = tally(units, root_path="0001", child_paths=children)
    assert total.units == len(units)
    assert total.met == sum(met for _path, met in units)
    in_children = [u for u in units if u[0][:8] in children]
    assert sum(t.units for t in per_child.values()) == len(in_children)
    assert sum(t.met for t in per_child.values()) == sum(met for _p, met in in_children)
    for t in per_child.values():
        assert 0 <= t.met <= t.units
        assert t.pct is None or 0 <= t.pct <= 100


def test_tally_percentages():
    t = Tally()
    assert t.pct is None
    for met in (True, True, False):
        t.add(met)
    assert (t.met, t.units, t.missing, t.pct) == (2, 3, 1, 66.7)
