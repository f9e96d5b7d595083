"""``period_rollup`` reads a period in a fixed number of queries, and rolls legacy units up
through their successors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danvan.orgs.models import UnitKind
from danvan.orgs.tests.factories import SuccessionFactory, make_child, make_root
from danvan.reports import services
from danvan.reports.models import Report, ReportState
from danvan.reports.rollups import compile_sections, period_rollup
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db

LETTERS = "people_contributions"  # typed by hand (a computed one gives every unit a 0)
POOR = "poor_households"


def province_with(communes: int, name: str):
    province = make_root(name=name, short_name=name, code=f"8{communes:02d}")
    units = [make_child(province, name=f"Xã {name} {n}") for n in range(communes)]
    return province, units


def queries(fn) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, len(ctx.captured_queries)


def accept_some(period, units, figures, *, actor=None):
    for unit in units:
        report = f.report_of(period, unit)
        f.fill(report, figures)
        f.submit(report)
        f.accept(report, actor=actor)


def test_a_province_with_30_communes_takes_as_many_queries_as_one_with_2():
    small, small_units = province_with(2, "Nhỏ")
    big, big_units = province_with(30, "Lớn")
    small_period = f.open_period(small)
    big_period = f.open_period(big)
    accept_some(small_period, small_units, {LETTERS: 2, POOR: (1, 10)})
    accept_some(big_period, big_units[:5], {LETTERS: 2, POOR: (1, 10)})
    small_rollup, small_queries = queries(lambda: period_rollup(small_period, small))
    big_rollup, big_queries = queries(lambda: period_rollup(big_period, big))
    assert small_queries == big_queries
    assert len(small_rollup.rows) == 3
    assert len(big_rollup.rows) == 31
    letters = f.indicator(LETTERS).pk
    assert big_rollup.figure(big_rollup.root_id, letters).value == 10
    assert big_rollup.completeness(big_rollup.root_id) == (5, 30)
    # compiling the children's narrative is one query whatever their number
    _compiled, small_compile = queries(lambda: compile_sections(small_rollup, small_rollup.root_id))
    _compiled, big_compile = queries(lambda: compile_sections(big_rollup, big_rollup.root_id))
    assert small_compile == big_compile == 1


def test_a_national_period_takes_as_many_queries_with_2_provinces_as_with_5():
    provinces = [province_with(2, f"Tỉnh {n}") for n in range(2)]
    first = f.open_period(None, name="Quốc gia 1")
    # a province's report in a national period is signed off centrally
    accept_some(first, [provinces[0][0]], {LETTERS: 1}, actor=f.system_admin())
    _rollup, before = queries(lambda: period_rollup(first))
    provinces += [province_with(3, f"Tỉnh {n}") for n in range(2, 5)]
    second = f.open_period(None, name="Quốc gia 2")
    for _province, communes in provinces:
        accept_some(second, communes[:1], {LETTERS: 3, POOR: (2, 4)})
    rollup, after = queries(lambda: period_rollup(second))
    assert before == after
    assert rollup.root_id is None
    assert {row.unit_id for row in rollup.roots()} == {p.pk for p, _c in provinces}
    letters = f.indicator(LETTERS).pk
    # each province's figure holds its one accepted commune
    for row in rollup.roots():
        figure = rollup.figure(row.id, letters)
        assert (figure.value, figure.reporters) == (Decimal(3), 1)


def legacy_tree():
    """Khánh Hòa (in force before and after the merger) absorbed Ninh Thuận on 1/7/2025."""
    province = make_root(code="56", name="Tỉnh Khánh Hòa", short_name="Khánh Hòa", valid_from=None)
    commune = make_child(province, name="Phường Nha Trang", short_name="Nha Trang")
    legacy = make_root(
        code="58",
        name="Tỉnh Ninh Thuận",
        short_name="Ninh Thuận",
        valid_from=None,
        valid_to=dt.date(2025, 6, 30),
    )
    legacy_commune = make_child(
        legacy, name="Phường Phan Rang", short_name="Phan Rang", valid_to=dt.date(2025, 6, 30)
    )
    SuccessionFactory(predecessor=legacy, successor=province)
    return province, commune, legacy, legacy_commune


def test_a_legacy_provinces_2024_report_rolls_up_through_its_successor():
    province, commune, legacy, legacy_commune = legacy_tree()
    period = f.open_period(None, year=2024, name="Báo cáo năm 2024")
    units = set(Report.objects.filter(period=period).values_list("unit_id", flat=True))
    assert units == {province.pk, commune.pk, legacy.pk, legacy_commune.pk}
    legacy_report = f.report_of(period, legacy)
    assert services.parent_report(legacy_report).unit == province
    assert services.parent_report(f.report_of(period, legacy_commune)).unit == legacy

    f.accepted(f.report_of(period, legacy_commune), {LETTERS: 4, POOR: (30, 100)})
    # the merged province's report is signed off by the province that absorbed it
    accept_some(period, [legacy], {LETTERS: 1, POOR: (10, 100)}, actor=f.reviewer(province))
    f.accepted(f.report_of(period, commune), {LETTERS: 5, POOR: (20, 200)})

    rollup = period_rollup(period, province)
    top = rollup.root_id
    assert rollup.rows[top].unit_id == province.pk
    assert {row.unit_id for row in rollup.children(top)} == {commune.pk, legacy.pk}
    letters = rollup.figure(top, f.indicator(LETTERS).pk)
    assert (letters.value, letters.reporters) == (Decimal(10), 3)
    poor = rollup.figure(top, f.indicator(POOR).pk)
    assert (poor.numerator, poor.denominator) == (Decimal(60), Decimal(400))
    assert poor.value == Decimal(15)
    assert rollup.completeness(top) == (3, 3)

    # the same period nationally: one root, the successor
    national = period_rollup(period)
    assert [row.unit_id for row in national.roots()] == [province.pk]


def test_a_successor_owned_period_before_the_merger_rolls_the_legacy_reports_up():
    """A period owned by the successor, as of a day before the merger: the legacy units
    report in it and their figures reach the successor's report."""
    province, commune, legacy, legacy_commune = legacy_tree()
    period = f.make_period(province, year=2024, name="Báo cáo năm 2024 của tỉnh")
    services.open_period(period, actor=f.officer(province))
    units = set(Report.objects.filter(period=period).values_list("unit_id", flat=True))
    assert units == {province.pk, commune.pk, legacy.pk, legacy_commune.pk}
    f.accepted(f.report_of(period, legacy_commune), {LETTERS: 4})
    accept_some(period, [legacy], {LETTERS: 1}, actor=f.reviewer(province))
    rollup, count = queries(lambda: period_rollup(period, province))
    figure = rollup.figure(rollup.root_id, f.indicator(LETTERS).pk)
    assert (figure.value, figure.reporters) == (Decimal(5), 2)
    assert any(row.state == ReportState.ACCEPTED for row in rollup.children(rollup.root_id))
    assert count <= 6


def test_only_the_absorbing_provinces_reviewers_sign_off_a_merged_provinces_report():
    province, _commune, legacy, _legacy_commune = legacy_tree()
    other, _units = province_with(1, "Khác")
    period = f.make_period(province, year=2024, name="Báo cáo năm 2024 của tỉnh")
    services.open_period(period, actor=f.officer(province))
    report = f.report_of(period, legacy)
    f.fill(report, {LETTERS: 1}, actor=f.officer(province))
    f.submit(report)
    assert f.reviewer(province).has_perm("reports.review_report", report)
    assert not f.reviewer(other).has_perm("reports.review_report", report)
    assert not f.officer(province).has_perm("reports.review_report", report)


def test_a_party_cell_under_a_commune_does_not_report():
    province, units = province_with(1, "Một")
    make_child(units[0], kind=UnitKind.PARTY, name="Chi bộ 1")
    period = f.open_period(province)
    rollup = period_rollup(period, province)
    assert {row.unit_kind for row in rollup.rows.values()} == {"province", "commune"}
