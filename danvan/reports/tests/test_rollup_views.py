"""The roll-up page, the units missing a figure, and compiling the narrative."""

import re

import pytest
from django.urls import reverse

from danvan.orgs.models import UnitKind
from danvan.orgs.tests.factories import make_child
from danvan.reports.models import Report, ReportSection
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db


def _cell(html: str, code: str, testid: str) -> str:
    row = re.search(rf'data-code="{code}">(.*?)</tr>', html, re.S).group(1)
    return re.search(rf'data-testid="{testid}"[^>]*>(.*?)</td>', row, re.S).group(1)


@pytest.fixture
def rolled():
    tree = f.report_tree()
    period = f.open_period(tree)
    f.accepted(
        f.report_of(period, tree.commune_a),
        {"people_contributions": 7, "poor_households": (30, 100)},
        results="Hòa Bình làm tốt.",
    )
    f.accepted(f.report_of(period, tree.commune_b), {"poor_households": (10, 300)})
    f.fill(f.report_of(period, tree.province), {"people_contributions": 2}, results="Mở đầu.")
    return tree, period, f.report_of(period, tree.province)


def test_rollup_page_shows_rates_from_sums_and_completeness(client, rolled):
    tree, _period, report = rolled
    client.force_login(f.reviewer(tree.province))
    response = client.get(reverse("reports:report_rollup", args=[report.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    poor = f.indicator("poor_households")
    assert _cell(html, "poor_households", "parts").strip() == "40/400"
    assert _cell(html, "poor_households", "value").strip().startswith("10")
    assert _cell(html, "people_contributions", "value").strip() in ("9", "9,0")
    assert _cell(html, "people_contributions", "own").strip().startswith("2")
    assert 'data-reporters="2" data-expected="4"' in html
    missing_url = reverse("reports:rollup_missing", args=[report.pk, poor.pk])
    assert missing_url in html
    missing = client.get(missing_url).content.decode()
    units = set(re.findall(r'data-testid="missing-unit" data-unit="(\d+)"', missing))
    assert units == {str(tree.province.pk), str(tree.department.pk)}
    # one level down: the communes and the department
    children = set(re.findall(r'data-testid="child" data-unit="(\d+)"', html))
    assert children == {str(tree.commune_a.pk), str(tree.commune_b.pk), str(tree.department.pk)}


def test_another_commune_cannot_see_the_rollup(client, rolled):
    tree, period, report = rolled
    commune_a = f.report_of(period, tree.commune_a)
    client.force_login(f.officer(tree.commune_b))
    assert client.get(reverse("reports:report_rollup", args=[commune_a.pk])).status_code == 404
    assert client.get(reverse("reports:report_rollup", args=[report.pk])).status_code == 404
    assert client.post(reverse("reports:report_compile", args=[report.pk])).status_code == 404


def _rollup_queries(django_assert_max_num_queries, client, communes: int) -> int:
    tree = f.report_tree(name=f"Tỉnh Số {communes}")
    for index in range(communes):
        make_child(tree.province, kind=UnitKind.COMMUNE, name=f"Xã Thêm {index}")
    period = f.open_period(tree)
    for report in Report.objects.filter(period=period, unit__kind=UnitKind.COMMUNE):
        f.accepted(report, {"poor_households": (1, 10)})
    report = f.report_of(period, tree.province)
    client.force_login(f.reviewer(tree.province))
    with django_assert_max_num_queries(40) as captured:
        assert client.get(reverse("reports:report_rollup", args=[report.pk])).status_code == 200
    return len(captured)


def test_rollup_page_uses_constant_queries(client, django_assert_max_num_queries):
    small = _rollup_queries(django_assert_max_num_queries, client, 0)
    large = _rollup_queries(django_assert_max_num_queries, client, 18)
    assert small == large


def test_compile_appends_under_existing_text_and_checks_permission(client, rolled):
    tree, _period, report = rolled
    url = reverse("reports:report_compile", args=[report.pk])
    client.force_login(f.reviewer(tree.province))  # sees it, does not write it
    assert client.post(url).status_code == 403
    client.force_login(f.officer(tree.province))
    page = client.get(reverse("reports:report_rollup", args=[report.pk])).content.decode()
    assert 'data-testid="compile"' in page
    report.refresh_from_db()
    response = client.post(url, {"lock_version": report.lock_version})
    assert response.status_code == 302
    body = ReportSection.objects.get(report=report, revision=report.revision, key="results").body
    assert body.startswith("Mở đầu.")
    assert "Hòa Bình\nHòa Bình làm tốt." in body
    # compiling again adds nothing twice
    report.refresh_from_db()
    client.post(url, {"lock_version": report.lock_version})
    again = ReportSection.objects.get(report=report, revision=report.revision, key="results").body
    assert again == body
    # a stale form is refused and changes nothing
    other = ReportSection.objects.get(report=report, revision=report.revision, key="leadership")
    assert other.body == "" or "Hòa Bình" not in other.body
    response = client.post(url, {"lock_version": 1})
    assert response.status_code == 302
