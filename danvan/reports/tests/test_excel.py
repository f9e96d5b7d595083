"""The report's subtree and the period as Excel, read back with openpyxl."""

import io

import pytest
from openpyxl import load_workbook

from danvan.reports import exports
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db


def _sheet(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_index = next(i for i, row in enumerate(rows) if row[0] and row[1] and row[2])
    return rows[header_index], rows[header_index + 1 :]


def _column(headers, name):
    return headers.index(name)


@pytest.fixture
def period_tree():
    tree = f.report_tree()
    period = f.open_period(tree)
    f.accepted(
        f.report_of(period, tree.commune_a),
        {"people_contributions": 7, "poor_households": (30, 100)},
    )
    f.fill(f.report_of(period, tree.commune_b), {"people_contributions": 100})
    return tree, period


def test_one_row_per_unit_one_column_per_indicator_and_the_total(period_tree):
    tree, period = period_tree
    report = f.report_of(period, tree.province)
    headers, rows = _sheet(exports.build_xlsx(report))
    names = [row[0] for row in rows]
    assert names[0] == tree.province.short_name
    assert set(names[1:-1]) == {"Hòa Bình", "Đồng Tâm", "Sở Nội vụ"}
    assert names[-1].endswith(tree.province.short_name)  # the total row
    contrib = _column(
        headers, next(h for h in headers if h.startswith(f.indicator("people_contributions").name))
    )
    poor_name = f.indicator("poor_households").name
    poor = headers.index(next(h for h in headers if h.startswith(poor_name) and "—" not in h))
    by_name = {row[0]: row for row in rows}
    assert by_name["Hòa Bình"][contrib] == 7
    assert by_name["Đồng Tâm"][contrib] == 100  # its own (draft) figure is shown…
    assert rows[-1][contrib] == 7  # …but only the accepted one rolls up
    assert by_name["Hòa Bình"][poor] == 30
    assert by_name["Hòa Bình"][poor + 1] == 30 and by_name["Hòa Bình"][poor + 2] == 100
    assert rows[-1][poor] == 30 and rows[-1][poor + 1] == 30 and rows[-1][poor + 2] == 100
    assert by_name["Hòa Bình"][2] and by_name["Đồng Tâm"][2]  # each unit's state
    # completeness: one of the three units below accepted
    assert rows[-1][-1].startswith("1")
    assert "3" in rows[-1][-1]


def test_period_export_shows_only_what_the_user_sees(client, period_tree):
    tree, period = period_tree
    client.force_login(f.officer(tree.commune_b))
    response = client.get(f"/reports/periods/{period.pk}/export.xlsx")
    assert response.status_code == 200
    _headers, rows = _sheet(response.content)
    names = [row[0] for row in rows]
    assert "Đồng Tâm" in names
    assert "Hòa Bình" not in names
    assert tree.province.short_name not in names
    client.force_login(f.officer(tree.province))
    _headers, rows = _sheet(client.get(f"/reports/periods/{period.pk}/export.xlsx").content)
    assert {"Hòa Bình", "Đồng Tâm", tree.province.short_name} <= {row[0] for row in rows}
