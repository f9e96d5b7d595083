"""Targets: who sees and sets them, their latest figure and status, the form, the export."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from danvan.kpis.models import Target, TargetKind
from danvan.orgs.models import UnitKind
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db

LIST = reverse("kpis:target_list")
NEW = reverse("kpis:target_create")
EXPORT = reverse("kpis:target_export")


def _target(unit, code="poor_households", **fields) -> Target:
    values = {
        "indicator": f.indicator(code),
        "unit": unit,
        "kind": TargetKind.HORIZON,
        "year": 2030,
        "comparator": "lte",
        "value": Decimal(8),
    }
    values.update(fields)
    return Target.objects.create(**values)


def _rows(response) -> set[int]:
    return {t.pk for t, _p, _c in response.context["rows"]}


def _post(unit, code="poor_households", **overrides) -> dict:
    data = {
        "indicator": f.indicator(code).pk,
        "unit": unit.pk,
        "applies_to_kind": "",
        "kind": TargetKind.HORIZON,
        "year": "2030",
        "comparator": "lte",
        "value": "8",
        "value_high": "",
        "baseline_year": "",
        "baseline_value": "",
        "plan": "",
        "note": "Nghị quyết tỉnh",
    }
    data.update(overrides)
    return data


def test_a_commune_officer_sees_own_and_applicable_targets_only(client):
    tree = f.report_tree()
    own_a = _target(tree.commune_a)
    own_b = _target(tree.commune_b)
    each_commune = _target(tree.province, applies_to_kind=UnitKind.COMMUNE, year=2026)
    client.force_login(f.officer(tree.commune_a))
    seen = _rows(client.get(LIST))
    assert own_a.pk in seen
    assert each_commune.pk in seen
    assert own_b.pk not in seen
    # another commune's target: not found; the province's: seen but not writable
    assert client.get(reverse("kpis:target_edit", args=[own_b.pk])).status_code == 404
    assert client.post(reverse("kpis:target_delete", args=[own_b.pk])).status_code == 404
    assert client.get(reverse("kpis:target_edit", args=[each_commune.pk])).status_code == 403
    assert client.post(reverse("kpis:target_delete", args=[each_commune.pk])).status_code == 403
    assert Target.objects.filter(pk__in=[own_b.pk, each_commune.pk]).count() == 2
    # and the province officer sees all three
    client.force_login(f.officer(tree.province))
    assert {own_a.pk, own_b.pk, each_commune.pk} <= _rows(client.get(LIST))


def test_a_commune_officer_cannot_set_a_target_for_another_commune_or_the_province(client):
    tree = f.report_tree()
    client.force_login(f.officer(tree.commune_a))
    assert client.post(NEW, _post(tree.commune_b)).status_code == 403
    assert client.post(NEW, _post(tree.province)).status_code == 403
    assert not Target.objects.exists()
    form = client.get(NEW).context["form"]
    offered = set(form.fields["unit"].queryset)
    assert tree.commune_a in offered
    assert not offered & {tree.province, tree.commune_b, tree.department}
    response = client.post(NEW, _post(tree.commune_a))
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.unit, target.created_by) == (tree.commune_a, f.officer(tree.commune_a))


def test_a_commune_officer_cannot_move_their_target_to_another_commune(client):
    tree = f.report_tree()
    own = _target(tree.commune_a)
    client.force_login(f.officer(tree.commune_a))
    response = client.post(reverse("kpis:target_edit", args=[own.pk]), _post(tree.commune_b))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    own.refresh_from_db()
    assert own.unit == tree.commune_a


def test_a_reader_without_a_write_role_cannot_open_the_form(client):
    tree = f.report_tree()
    client.force_login(f.reviewer(tree.province))
    assert client.get(NEW).status_code == 403


def test_model_rules_show_beside_the_fields_and_keep_the_input(client):
    tree = f.report_tree()
    client.cookies["django_language"] = "en"
    client.force_login(f.officer(tree.province))
    # poor households: lower is better, so "≥" is refused
    response = client.post(NEW, _post(tree.province, comparator="gte", note="đã gõ"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Lower is better" in " ".join(errors["comparator"])
    text = response.content.decode()
    assert "Lower is better for this indicator" in text
    assert 'value="đã gõ"' in text
    band = client.post(NEW, _post(tree.province, comparator="band", value_high=""))
    assert "upper bound" in " ".join(band.context["form"].errors["value_high"])
    baseline = client.post(NEW, _post(tree.province, baseline_year="2031", baseline_value="12"))
    assert "before the target year" in " ".join(baseline.context["form"].errors["baseline_year"])
    assert not Target.objects.exists()


def test_the_list_shows_the_latest_rolled_up_value_and_status(client):
    tree = f.report_tree()
    period = f.open_period(tree)
    f.accepted(f.report_of(period, tree.commune_a), {"poor_households": (10, 100)})
    f.accepted(f.report_of(period, tree.commune_b), {"poor_households": (90, 300)})
    province = _target(tree.province, year=period.year, kind=TargetKind.ANNUAL)
    each = _target(
        tree.province, applies_to_kind=UnitKind.COMMUNE, year=period.year, kind=TargetKind.ANNUAL
    )
    client.force_login(f.officer(tree.province))
    response = client.get(LIST)
    rows = {t.pk: p for t, p, _c in response.context["rows"]}
    # (10 + 90) / (100 + 300) = 25 %: not below 8 %
    assert rows[province.pk].value == Decimal(25)
    assert rows[province.pk].period == period
    assert rows[province.pk].status in ("at_risk", "missed")
    # each commune: 10 % and 30 %, both above 8 %
    assert sum(rows[each.pk].counts.values()) == 2
    assert rows[each.pk].counts["met"] == 0
    # the commune officer sees the "each commune" target for their commune only
    client.force_login(f.officer(tree.commune_a))
    rows = {t.pk: p for t, p, _c in client.get(LIST).context["rows"]}
    assert sum(rows[each.pk].counts.values()) == 1
    assert rows[province.pk].hidden


def test_a_target_without_any_period_shows_no_data(client):
    tree = f.report_tree()
    target = _target(tree.commune_a)
    client.force_login(f.officer(tree.commune_a))
    rows = {t.pk: p for t, p, _c in client.get(LIST).context["rows"]}
    assert rows[target.pk].period is None
    assert rows[target.pk].value is None


def _many(tree, n: int):
    codes = ["poor_households", "letters_received"]
    for i in range(n):
        code = codes[i % 2]
        _target(
            tree.commune_a if i % 3 else tree.province,
            code=code,
            comparator="lte" if code == "poor_households" else "gte",
            year=2030 + i,
            applies_to_kind=UnitKind.COMMUNE if i % 5 == 0 else "",
        )


def test_the_list_uses_a_constant_number_of_queries(client, django_assert_max_num_queries):
    tree = f.report_tree()
    period = f.open_period(tree)
    f.accepted(f.report_of(period, tree.commune_a), {"poor_households": (10, 100)})
    client.force_login(f.officer(tree.province))
    _many(tree, 2)
    client.get(LIST)
    with CaptureQueriesContext(connection) as two:
        assert len(client.get(LIST).context["rows"]) == 2
    Target.objects.all().delete()
    _many(tree, 20)
    with django_assert_max_num_queries(len(two.captured_queries)):
        assert len(client.get(LIST).context["rows"]) == 20
    with django_assert_max_num_queries(len(two.captured_queries)):
        client.get(LIST, {"year": 2030}, headers={"HX-Request": "true"})


def test_filters_narrow_the_list(client):
    tree = f.report_tree()
    poor = _target(tree.province)
    letters = _target(tree.commune_a, code="letters_received", comparator="gte", year=2026)
    client.force_login(f.officer(tree.province))
    indicator = f.indicator("letters_received").pk
    assert _rows(client.get(LIST, {"indicator": indicator})) == {letters.pk}
    assert _rows(client.get(LIST, {"year": 2030})) == {poor.pk}
    assert _rows(client.get(LIST, {"unit": tree.commune_a.pk})) == {letters.pk}
    assert _rows(client.get(LIST, {"kind": "annual"})) == set()
    assert _rows(client.get(LIST, {"year": "abc"})) == {poor.pk, letters.pk}


def test_the_export_reads_back_with_the_visible_targets_only(client):
    tree = f.report_tree()
    _target(tree.commune_a, note="Mục tiêu xã A")
    _target(tree.commune_b, note="Mục tiêu xã B")
    _target(tree.province, applies_to_kind=UnitKind.COMMUNE, year=2026, note="Mỗi xã")
    client.force_login(f.officer(tree.commune_a))
    response = client.get(EXPORT)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    body = rows[1:]
    assert len(rows[0]) == 17
    notes = {row[13] for row in body}
    assert notes == {"Mục tiêu xã A", "Mỗi xã"}
    assert {row[0] for row in body} == {"poor_households"}
    assert {row[7] for row in body} == {8}


def test_a_write_role_edits_and_deletes_its_target(client):
    tree = f.report_tree()
    own = _target(tree.commune_a)
    client.force_login(f.officer(tree.commune_a))
    response = client.post(
        reverse("kpis:target_edit", args=[own.pk]), _post(tree.commune_a, value="6")
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.value == 6
    assert client.post(reverse("kpis:target_delete", args=[own.pk])).status_code == 302
    assert not Target.objects.filter(pk=own.pk).exists()
