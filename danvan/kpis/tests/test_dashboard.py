"""The indicator dashboard: values against targets, heat-map, trend, completeness, export."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from danvan.kpis.dashboard import build, show, trend
from danvan.kpis.home import kpi_card
from danvan.kpis.models import Target, TargetKind
from danvan.kpis.status import Status
from danvan.orgs.tests.factories import make_child
from danvan.reports.models import Report, ReportState
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("kpis:dashboard")
EXPORT = reverse("kpis:dashboard_export")


def target(code, unit, comparator, value, *, kind="", year=2025, **fields):
    return Target.objects.create(
        indicator=f.indicator(code),
        unit=unit,
        applies_to_kind=kind,
        kind=fields.pop("target_kind", TargetKind.ANNUAL),
        year=year,
        comparator=comparator,
        value=Decimal(value),
        **fields,
    )


@pytest.fixture
def scene():
    """A province, two communes and a department; a period as of 30/09/2025 and the yearly
    period 2025 as of 15/01/2026 (after the 2025 targets' deadline). In the latter commune A
    has 5 % poor households, commune B 12 %; the department's accepted report gives no figure
    for them."""
    tree = f.report_tree()
    previous = _earlier(tree)
    f.accepted(f.report_of(previous, tree.commune_a), {"poor_households": (9, 100)})
    f.accepted(f.report_of(previous, tree.commune_b), {"poor_households": (15, 100)})
    period = f.open_period(tree, year=2025, end_date=dt.date(2026, 1, 15), due=dt.date(2026, 1, 20))
    f.accepted(
        f.report_of(period, tree.commune_a),
        {"poor_households": (5, 100), "officials_studied": (9, 10)},
    )
    f.accepted(
        f.report_of(period, tree.commune_b),
        {"poor_households": (12, 100), "officials_studied": (80, 100)},
    )
    f.accepted(f.report_of(period, tree.department), {"letters_received": 4})
    # each commune: poor households ≤ 8 %; the province itself: ≤ 8 % and ≥ 85 % studied
    target("poor_households", tree.province, "lte", 8, kind="commune")
    target("poor_households", tree.province, "lte", 8)
    target("officials_studied", tree.province, "gte", 85)
    return tree, previous, period


def _earlier(tree, end=dt.date(2025, 9, 30)):
    """A six-monthly period of 2025 (the units exist from 1/7/2025)."""
    return f.open_period(
        tree, year=2025, kind="half_year", start_date=dt.date(2025, 7, 1), end_date=end
    )


def _row(board, code):
    return next(row for row in board.values if row.indicator.code == code)


def test_values_roll_up_rates_and_apply_targets_by_direction(scene):
    tree, previous, period = scene
    board = build(f.officer(tree.province), tree.province, period=period)
    assert board.period == period and board.previous == previous
    poor = _row(board, "poor_households")
    # (5 + 12) / (100 + 100), lower is better: 8.5 % misses "≤ 8" after 31/12/2025
    assert poor.value == Decimal("8.5")
    assert (poor.numerator, poor.denominator) == (17, 200)
    assert (poor.reporters, poor.expected) == (2, 4)
    assert poor.status == Status.MISSED
    assert poor.previous == Decimal(12)  # (9 + 15) / 200 in the period before
    studied = _row(board, "officials_studied")
    # Σnum/Σden = 89/110 = 80.9 %, not the mean of 90 % and 80 % (85 %, which would meet it)
    assert studied.value == Decimal(89) / Decimal(110) * 100
    assert studied.status == Status.MISSED
    assert show(studied.indicator, studied.value) == "80,9"
    assert board.counts[Status.MISSED] == 2
    assert board.counts[Status.MET] == 0
    # an indicator nobody gave is missing, not zero
    residents = _row(board, "health_insurance")
    assert residents.value is None and residents.reporters == 0 and residents.status is None


def test_heatmap_colours_each_child_against_its_own_target_and_shows_missing(scene):
    tree, _previous, period = scene
    board = build(f.officer(tree.province), tree.province, period=period, category="socio_economic")
    assert "poor_households" in [i.code for i in board.heat_indicators]
    cells = {
        row.row.unit_id: next(c for c in row.cells if c.indicator.code == "poor_households")
        for row in board.heat_rows
    }
    assert set(cells) == {tree.commune_a.pk, tree.commune_b.pk, tree.department.pk}
    a, b, department = cells[tree.commune_a.pk], cells[tree.commune_b.pk], cells[tree.department.pk]
    assert (a.value, a.status, a.colour) == (Decimal(5), Status.MET, "success")
    assert (b.value, b.status, b.colour) == (Decimal(12), Status.MISSED, "danger")
    assert department.value is None and department.missing and department.text == "—"
    assert department.colour == "secondary"


def test_before_the_deadline_a_miss_is_at_risk_or_on_track_by_the_previous_period():
    tree = f.report_tree()
    previous = _earlier(tree, dt.date(2025, 8, 31))
    f.accepted(f.report_of(previous, tree.commune_a), {"poor_households": (15, 100)})
    f.accepted(f.report_of(previous, tree.commune_b), {"poor_households": (10, 100)})
    period = f.open_period(tree, year=2025)  # as of 31/10/2025, before the deadline
    f.accepted(f.report_of(period, tree.commune_a), {"poor_households": (12, 100)})
    f.accepted(f.report_of(period, tree.commune_b), {"poor_households": (12, 100)})
    target("poor_households", tree.province, "lte", 8, kind="commune")
    board = build(f.officer(tree.province), tree.province, period=period, category="socio_economic")
    status = {
        row.row.unit_id: next(c for c in row.cells if c.indicator.code == "poor_households").status
        for row in board.heat_rows
        if row.row.unit_kind == "commune"
    }
    # A went from 15 % to 12 % (the right way: on track); B from 10 % to 12 % (at risk)
    assert status == {tree.commune_a.pk: Status.ON_TRACK, tree.commune_b.pk: Status.AT_RISK}


def test_page_shows_the_numbers_and_the_charts_data(client, scene):
    tree, _previous, period = scene
    client.force_login(f.officer(tree.province))
    response = client.get(URL, {"period": period.pk, "category": "socio_economic"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-unit="{tree.province.pk}"' in html
    assert re.search(r'data-code="poor_households" data-status="missed"', html)
    assert re.search(r'data-testid="completeness" data-reporters="2" data-expected="4"', html)
    assert 'data-testid="cell" data-code="poor_households" data-status="missing"' in html
    assert 'data-testid="cell" data-code="poor_households" data-status="met"' in html
    assert 'data-state="accepted" data-count="3"' in html  # two communes and the department
    assert 'id="trend-values"' in html and 'id="completeness-values"' in html
    # the htmx filter swaps only the body
    partial = client.get(URL, {"period": period.pk, "category": "policy"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content
    assert b'data-code="officials_studied"' in partial.content
    assert b'data-code="poor_households"' not in partial.content


def test_completeness_counts_the_states_of_the_subtree():
    tree = f.report_tree()
    period = f.open_period(tree, year=2025)
    f.accepted(f.report_of(period, tree.commune_a), {"poor_households": (1, 10)})
    f.fill(f.report_of(period, tree.commune_b), {"poor_households": (2, 10)})
    f.submit(f.report_of(period, tree.commune_b))
    f.fill(f.report_of(period, tree.department), {"letters_received": 1})
    f.submit(f.report_of(period, tree.department))
    f.return_(f.report_of(period, tree.department))
    board = build(f.officer(tree.province), tree.province, period=period)
    c = board.completeness
    assert c.counts == {
        ReportState.ACCEPTED: 1,
        ReportState.SUBMITTED: 1,
        ReportState.RETURNED: 1,
        ReportState.DRAFT: 0,
    }
    assert (c.accepted, c.expected) == (1, 3)
    assert c.own_state == ReportState.DRAFT
    # the heat-map does not show a submitted report's figures as data
    b_row = next(r for r in board.heat_rows if r.row.unit_id == tree.commune_b.pk)
    assert all(cell.value is None for cell in b_row.cells)


def test_trend_gives_each_period_with_its_target(client, scene):
    tree, previous, period = scene
    series = trend(f.officer(tree.province), tree.province, f.indicator("poor_households"))
    assert [p.period for p in series.points] == [previous, period]
    assert [p.value for p in series.points] == [Decimal(12), Decimal("8.5")]
    # 12 % before the deadline with nothing before it: at risk; 8.5 % after it: missed
    assert [p.status for p in series.points] == [Status.AT_RISK, Status.MISSED]
    assert series.target_values == [8.0, 8.0]
    client.force_login(f.officer(tree.province))
    url = reverse("kpis:indicator_trend", args=[f.indicator("poor_households").pk])
    response = client.get(url, {"unit": tree.province.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'data-testid="trend-table"' in response.content
    assert response.content.count(b'data-testid="trend-value"') == 2
    # without htmx the trend opens on the dashboard
    response = client.get(url, {"unit": tree.province.pk})
    assert response.status_code == 302 and "indicator=" in response["Location"]


def test_commune_officer_sees_only_their_commune(client, scene):
    tree, _previous, _period = scene
    client.force_login(f.officer(tree.commune_a))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["board"].unit == tree.commune_a
    assert client.get(URL, {"unit": tree.commune_b.pk}).status_code == 404
    assert client.get(EXPORT, {"unit": tree.commune_b.pk}).status_code == 404
    trend_url = reverse("kpis:indicator_trend", args=[f.indicator("poor_households").pk])
    assert (
        client.get(trend_url, {"unit": tree.commune_b.pk}, HTTP_HX_REQUEST="true").status_code
        == 404
    )
    assert client.get(URL, {"unit": "abc"}).status_code == 404
    # asking for the province lands on the officer's own commune inside it
    response = client.get(URL, {"unit": tree.province.pk})
    assert response.context["board"].unit == tree.commune_a
    assert str(tree.commune_b.name) not in response.content.decode()


def test_province_user_drills_down_to_any_commune(client, scene):
    tree, _previous, period = scene
    client.force_login(f.officer(tree.province))
    response = client.get(URL, {"unit": tree.commune_b.pk, "period": period.pk})
    assert response.status_code == 200
    board = response.context["board"]
    assert board.unit == tree.commune_b
    assert [u.pk for u in board.trail] == [tree.province.pk, tree.commune_b.pk]
    assert _row(board, "poor_households").value == Decimal(12)
    assert _row(board, "poor_households").status == Status.MISSED  # the commune target
    html = response.content.decode()
    assert f'data-testid="trail-unit" data-unit="{tree.province.pk}"' in html


def test_export_reads_back_with_openpyxl(client, scene):
    tree, _previous, period = scene
    client.force_login(f.officer(tree.province))
    response = client.get(
        EXPORT,
        {
            "unit": tree.province.pk,
            "period": period.pk,
            "category": "socio_economic",
            "indicator": f.indicator("poor_households").pk,
        },
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    values, heat, series, completeness = book.worksheets
    rows = {row[0]: row for row in values.iter_rows(min_row=4, values_only=True)}
    poor = rows["poor_households"]
    assert poor[3] == 8.5 and (poor[4], poor[5]) == (17, 200) and (poor[6], poor[7]) == (2, 4)
    assert poor[8] == "≤ 8 %"
    assert poor[10] == 12
    header = next(heat.iter_rows(min_row=3, max_row=3, values_only=True))
    column = header.index(f.indicator("poor_households").display_name)
    by_unit = {row[0]: row for row in heat.iter_rows(min_row=4, values_only=True)}
    assert by_unit[tree.commune_a.short_name][column] == 5
    assert by_unit[tree.commune_b.short_name][column] == 12
    assert by_unit[tree.department.short_name][column] is None  # missing, not 0
    trend_rows = list(series.iter_rows(min_row=4, values_only=True))
    assert [row[2] for row in trend_rows] == [12, 8.5]
    counts = list(completeness.iter_rows(min_row=4, max_row=7, values_only=True))
    assert [row[1] for row in counts] == [3, 0, 0, 0]


def _tree_with_communes(n: int):
    tree = f.report_tree(name=f"Tỉnh {n} Xã")
    for i in range(n - 2):
        make_child(tree.province, name=f"Xã Thêm {n}-{i}", short_name=f"Thêm {i}")
    previous = _earlier(tree)
    period = f.open_period(tree, year=2025)

    for report in Report.objects.filter(period__in=[previous, period], unit__kind="commune"):
        f.accepted(report, {"poor_households": (report.unit_id % 7, 100)})
    target("poor_households", tree.province, "lte", 8, kind="commune")
    return tree, period


def _queries(client, tree, period) -> int:
    client.force_login(f.officer(tree.province))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"period": period.pk, "category": "socio_economic"})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_constant_queries_for_2_and_20_communes(client, django_assert_max_num_queries):
    small_tree, small_period = _tree_with_communes(2)
    small = _queries(client, small_tree, small_period)
    big_tree, big_period = _tree_with_communes(20)
    client.force_login(f.officer(big_tree.province))
    with django_assert_max_num_queries(small):
        response = client.get(URL, {"period": big_period.pk, "category": "socio_economic"})
    assert len(response.context["board"].heat_rows) == 21  # 20 communes and the department


def test_home_card_gives_completeness_and_targets_by_status(scene):
    tree, _previous, period = scene
    card = kpi_card(tree.province, f.officer(tree.province))
    assert card.period == period
    assert (card.accepted, card.expected) == (3, 3)
    counts = {row["status"]: row["count"] for row in card.status_rows}
    assert counts["missed"] == 2 and card.with_target == 2
    commune = kpi_card(tree.commune_a, f.officer(tree.commune_a))
    counts = {row["status"]: row["count"] for row in commune.status_rows}
    assert counts["met"] == 1  # 5 % against "each commune ≤ 8"


def test_home_card_renders(scene):
    from django.template.loader import render_to_string

    tree, _previous, _period = scene
    card = kpi_card(tree.commune_a, f.officer(tree.commune_a))
    html = render_to_string("kpis/partials/home_card.html", {"kpis_card": card})
    assert 'data-testid="kpis-completeness" data-accepted="0" data-expected="0"' in html
    assert 'data-status="met" data-count="1"' in html


def test_a_period_the_user_does_not_see_falls_back_to_the_latest(client, scene):
    tree, _previous, period = scene
    other = f.report_tree(name="Tỉnh Khác")
    foreign = f.open_period(other, year=2025)
    client.force_login(f.officer(tree.commune_a))
    response = client.get(URL, {"period": foreign.pk})
    assert response.status_code == 200
    assert response.context["board"].period == period
    assert foreign.name not in response.content.decode()


def test_a_user_without_a_unit_gets_an_empty_page(client):
    from danvan.orgs.tests.factories import UserFactory

    client.force_login(UserFactory(username="kpis-nobody"))
    response = client.get(URL)
    assert response.status_code == 200
    assert b'data-testid="no-unit"' in response.content
    assert client.get(EXPORT).status_code == 404
