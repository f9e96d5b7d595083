"""Reception compliance: a commune chair at least 1 day a week, a province chair 1 day a month."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from danvan.orgs.models import UnitKind
from danvan.orgs.tests.factories import make_child
from danvan.petitions import reception_compliance as rc
from danvan.petitions.models import Reception

# July–September 2026: 13 ISO weeks have their Thursday in the quarter (2/7 … 24/9).
START, END = dt.date(2026, 7, 1), dt.date(2026, 9, 30)
FIRST_MONDAY = dt.date(2026, 6, 29)


def _leader(unit, day: dt.date, *, kind: str = "leader") -> Reception:
    # Built directly: these tests are about counting, not about the register's input rules.
    return Reception.objects.create(
        unit=unit,
        received_on=day,
        kind=kind,
        official_name="Chủ tịch",
        content="Tiếp công dân định kỳ",
        classification="petition",
        outcome="answered",
    )


def _url(unit=None, **params) -> str:
    query = {"from": "2026-07", "to": "2026-09", **params}
    if unit is not None:
        query["unit"] = unit.pk
    return (
        reverse("petitions:reception_compliance")
        + "?"
        + "&".join(f"{k}={v}" for k, v in query.items())
    )


# ---------------------------------------------------------------- pure parts


def test_weeks_and_months_of_a_quarter():
    weeks = rc.week_slots(START, END)
    assert len(weeks) == 13
    assert weeks[0].start == FIRST_MONDAY  # its Thursday is 2/7
    assert weeks[-1].end == dt.date(2026, 9, 27)
    assert all(w.start.weekday() == 0 and (w.end - w.start).days == 6 for w in weeks)
    assert weeks[2].short_label == "13/07\u201319/07"
    months = rc.month_slots(START, END)
    assert [(m.start, m.end) for m in months] == [
        (dt.date(2026, 7, 1), dt.date(2026, 7, 31)),
        (dt.date(2026, 8, 1), dt.date(2026, 8, 31)),
        (dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
    ]


def test_last_full_months():
    assert rc.last_full_months(dt.date(2026, 11, 23)) == (
        dt.date(2026, 8, 1),
        dt.date(2026, 10, 31),
    )
    assert rc.last_full_months(dt.date(2026, 2, 1)) == (dt.date(2025, 11, 1), dt.date(2026, 1, 31))


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 1, 1)),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=1, max_value=400),
)
def test_consecutive_periods_share_no_week(start, first_len, second_len):
    """A week belongs to exactly one of two adjoining periods (the Thursday rule)."""
    middle = start + dt.timedelta(days=first_len)
    end = middle + dt.timedelta(days=second_len)
    first = rc.week_slots(start, middle)
    second = rc.week_slots(middle + dt.timedelta(days=1), end)
    whole = rc.week_slots(start, end)
    assert [s.start for s in first + second] == [s.start for s in whole]
    months = rc.month_slots(start, middle) + rc.month_slots(middle + dt.timedelta(days=1), end)
    assert [s.start for s in months] == [s.start for s in rc.month_slots(start, end)]


def test_requirements_cite_the_law():
    commune = rc.REQUIREMENTS[UnitKind.COMMUNE]
    province = rc.REQUIREMENTS[UnitKind.PROVINCE]
    assert (commune.frequency, commune.min_days) == ("weekly", 1)
    assert (province.frequency, province.min_days) == ("monthly", 1)
    assert "Điều 15" in commune.citation
    assert "Điều 12" in province.citation
    assert rc.REQUIREMENTS[UnitKind.DISTRICT].min_days == 2


# ---------------------------------------------------------------- counted in the database


@pytest.mark.django_db
def test_commune_ten_of_thirteen_weeks(tree):
    missed = {3, 7, 11}
    for week in range(13):
        if week in missed:
            continue
        thursday = FIRST_MONDAY + dt.timedelta(weeks=week, days=3)
        _leader(tree.commune_a, thursday)
        if week == 0:
            _leader(tree.commune_a, thursday)  # twice the same day: one day
            _leader(tree.commune_a, thursday + dt.timedelta(days=1))
    # Receptions that are not the chair's, or outside the period, do not count.
    _leader(tree.commune_a, FIRST_MONDAY + dt.timedelta(weeks=3, days=1), kind="regular")
    _leader(tree.commune_a, FIRST_MONDAY + dt.timedelta(weeks=7, days=1), kind="unscheduled")
    _leader(tree.commune_a, FIRST_MONDAY - dt.timedelta(days=1))
    _leader(tree.commune_a, dt.date(2026, 9, 28))

    report = rc.compute(tree.province, START, END)
    row = report.row_for(tree.commune_a)
    assert (row.met, row.due) == (10, 13)
    assert row.days == 11
    assert [s.start for s in row.missed] == [
        FIRST_MONDAY + dt.timedelta(weeks=w) for w in sorted(missed)
    ]
    assert row.missed[0].label.endswith("20/07\u201326/07")
    assert round(row.pct, 1) == 76.9
    b = report.row_for(tree.commune_b)
    assert (b.met, b.due) == (0, 13)
    assert report.row_for(tree.department) is None  # no requirement for a department


@pytest.mark.django_db
def test_province_monthly(tree):
    _leader(tree.province, dt.date(2026, 7, 15))
    _leader(tree.province, dt.date(2026, 9, 15))
    _leader(tree.province, dt.date(2026, 9, 16))
    report = rc.compute(tree.province, START, END)
    row = report.row_for(tree.province)
    assert (row.met, row.due) == (2, 3)
    assert [s.start for s in row.missed] == [dt.date(2026, 8, 1)]
    monthly = next(g for g in report.groups if g.requirement.unit_kind == UnitKind.PROVINCE)
    assert [r.unit for r in monthly.rows] == [tree.province]
    weekly = next(g for g in report.groups if g.requirement.unit_kind == UnitKind.COMMUNE)
    assert {r.unit for r in weekly.rows} == {tree.commune_a, tree.commune_b}


@pytest.mark.django_db
def test_district_needs_two_days_a_month(tree):
    district = make_child(
        tree.legacy, kind=UnitKind.DISTRICT, name="Huyện Ninh Phước", valid_from=None
    )
    district.valid_to = dt.date(2025, 6, 30)
    district.save()
    _leader(district, dt.date(2025, 4, 10))
    _leader(district, dt.date(2025, 4, 24))
    _leader(district, dt.date(2025, 5, 8))
    report = rc.compute(tree.legacy, dt.date(2025, 4, 1), dt.date(2025, 7, 31))
    row = report.row_for(district)
    # April: 2 days (met); May: 1 day (missed); June: none; July: the district was gone.
    assert (row.met, row.due) == (1, 3)
    assert [c.days for c in row.cells] == [2, 1, 0, 0]
    assert [c.due for c in row.cells] == [True, True, True, False]


@pytest.mark.django_db
def test_a_unit_is_judged_only_while_it_existed(tree):
    young = make_child(tree.province, name="Phường Mới", valid_from=dt.date(2026, 8, 1))
    _leader(young, dt.date(2026, 8, 6))
    row = rc.compute(tree.province, START, END).row_for(young)
    assert row.due == 8  # the weeks whose Thursday is on or after 1/8
    assert row.met == 1


# ---------------------------------------------------------------- the page


@pytest.mark.django_db
def test_page_shows_the_weeks_missed(client, tree, province_officer):
    for week in range(13):
        if week not in {0, 5, 12}:
            _leader(tree.commune_a, FIRST_MONDAY + dt.timedelta(weeks=week, days=2))
    client.force_login(province_officer)
    response = client.get(_url())
    assert response.status_code == 200
    html = response.content.decode()
    row = html.split(f'data-testid="compliance-row" data-unit="{tree.commune_a.pk}"')[1]
    row = row.split("</tr>")[0]
    assert ">10/13<" in row
    for label in ("29/06\u201305/07", "03/08\u201309/08", "21/09\u201327/09"):
        assert label in row
    assert "Điều 15" in html
    # Drill down to the commune: only it is left.
    drill = client.get(_url(tree.commune_a))
    assert drill.status_code == 200
    groups = drill.context["report"].groups
    assert [[r.unit for r in g.rows] for g in groups] == [[tree.commune_a]]
    assert tree.province in drill.context["trail"]


@pytest.mark.django_db
def test_default_period_and_unit(client, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.get(reverse("petitions:reception_compliance"))
    assert response.status_code == 200
    assert response.context["root"] == tree.commune_a
    start, end = response.context["start"], response.context["end"]
    assert (end - start).days in range(88, 93)
    assert end.month != (end + dt.timedelta(days=1)).month


@pytest.mark.django_db
def test_bad_period_is_explained(client, tree, province_officer):
    client.force_login(province_officer)
    response = client.get(_url(**{"from": "2026-09", "to": "2026-07"}))
    assert response.status_code == 200
    assert response.context["errors"]
    assert 'data-testid="period-error"' in response.content.decode()
    wrong = client.get(_url(**{"from": "juillet"}))
    assert wrong.context["errors"]


@pytest.mark.django_db
def test_query_count_does_not_grow_with_communes(client, tree, province_officer):
    client.force_login(province_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url()).status_code == 200
        return len(queries)

    few = count()
    for n in range(18):
        commune = make_child(tree.province, name=f"Xã Số {n}")
        for week in range(0, 13, 2):
            _leader(commune, FIRST_MONDAY + dt.timedelta(weeks=week, days=3))
    many = count()
    report = rc.compute(tree.province, START, END)
    weekly = next(g for g in report.groups if g.requirement.unit_kind == UnitKind.COMMUNE)
    assert len(weekly.rows) == 20
    assert many == few
    assert many <= 12
