"""The report cycle through the services: open, fill, submit, return, accept, correct."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from danvan.reports import services
from danvan.reports.models import Report, ReportState, ReportValue
from danvan.reports.rollups import compile_sections, period_rollup
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_opening_creates_a_draft_for_every_unit_that_reports():
    tree = f.report_tree()
    period = f.open_period(tree)
    units = set(Report.objects.filter(period=period).values_list("unit__name", flat=True))
    # the party cell is not of a kind the form is assigned to
    assert units == {
        tree.province.name,
        tree.department.name,
        tree.commune_a.name,
        tree.commune_b.name,
    }
    report = f.report_of(period, tree.commune_a)
    assert report.state == ReportState.DRAFT
    assert [s.key for s in report.sections.all()][:2] == ["leadership", "results"]
    # opening again creates nothing new
    assert services.open_period(period, actor=f.officer(tree.province)) == 0


def test_cycle_return_then_accept_and_rollup_sums_rates_correctly():
    tree = f.report_tree()
    period = f.open_period(tree)
    a = f.report_of(period, tree.commune_a)
    b = f.report_of(period, tree.commune_b)
    f.fill(a, {"letters_received": 10, "poor_households": (10, 100)}, results="Xã A làm tốt.")
    f.submit(a)
    f.return_(f.report_of(period, tree.commune_a), {"results": "Thiếu số liệu hộ nghèo."})
    a.refresh_from_db()
    assert a.state == ReportState.RETURNED
    assert a.comments.get().section_key == "results"
    f.fill(a, {"letters_received": 12})
    f.submit(a)
    f.accept(a)
    f.accepted(b, {"letters_received": 3, "poor_households": (90, 300)}, results="Xã B.")
    rollup = period_rollup(period, tree.province)
    top = rollup.root_id
    received = rollup.figure(top, f.indicator("letters_received").pk)
    assert received.value == 15
    poor = rollup.figure(top, f.indicator("poor_households").pk)
    # (10 + 90) / (100 + 300) = 25 %, not the mean of 10 % and 30 % (20 %)
    assert poor.value == Decimal(25)
    assert (poor.reporters, poor.expected) == (2, 4)
    assert rollup.completeness(top) == (2, 3)
    compiled = compile_sections(rollup, top)
    assert compiled["results"] == "Hòa Bình\nXã A làm tốt.\n\nĐồng Tâm\nXã B."


def test_a_report_not_accepted_does_not_reach_the_parent():
    tree = f.report_tree()
    period = f.open_period(tree)
    a = f.report_of(period, tree.commune_a)
    f.fill(a, {"letters_received": 10})
    f.submit(a)
    rollup = period_rollup(period, tree.province)
    figure = rollup.figure(rollup.root_id, f.indicator("letters_received").pk)
    assert figure.value in (None, Decimal(0))  # computed own figure of the province: 0 letters
    missing = {
        row.unit_id
        for row in rollup.missing(rollup.root_id, figure and f.indicator("letters_received").pk)
    }
    assert tree.commune_a.pk in missing


def test_bad_figures_are_refused_field_by_field_and_nothing_is_saved():
    tree = f.report_tree()
    period = f.open_period(tree)
    a = f.report_of(period, tree.commune_a)
    with pytest.raises(ValidationError) as caught:
        f.fill(
            a, {"poor_households": (120, 100), "letters_received": -1, "people_contributions": 5}
        )
    errors = caught.value.message_dict
    assert errors["poor_households.numerator"] == ["The numerator cannot exceed the denominator."]
    assert errors["letters_received.value"] == ["A count cannot be negative."]
    assert not ReportValue.objects.filter(
        report=a, indicator__code="people_contributions", value=5
    ).exists()


def test_a_stale_form_is_refused():
    tree = f.report_tree()
    period = f.open_period(tree)
    a = f.report_of(period, tree.commune_a)
    stale = a.lock_version
    f.fill(a, {"people_contributions": 5})
    with pytest.raises(services.StaleReportError):
        services.save_report(
            a, actor=f.officer(tree.commune_a), lock_version=stale, sections={"results": "x"}
        )


def test_correction_starts_a_new_revision_and_keeps_the_accepted_one_rolled_up():
    tree = f.report_tree()
    period = f.open_period(tree)
    a = f.report_of(period, tree.commune_a)
    f.accepted(a, {"people_contributions": 5})
    services.reopen(a, actor=f.officer(tree.commune_a), reason="Sai số liệu")
    a.refresh_from_db()
    assert (a.revision, a.accepted_revision, a.state) == (2, 1, ReportState.DRAFT)
    f.fill(a, {"people_contributions": 7})
    rollup = period_rollup(period, tree.province)
    assert rollup.figure(rollup.root_id, f.indicator("people_contributions").pk).value == 5
    f.submit(a)
    f.accept(a)
    rollup = period_rollup(period, tree.province)
    assert rollup.figure(rollup.root_id, f.indicator("people_contributions").pk).value == 7
    assert ReportValue.objects.filter(report=a, indicator__code="people_contributions").count() == 2


def test_other_commune_cannot_write_and_province_officer_cannot_type_a_commune_report():
    tree = f.report_tree()
    period = f.open_period(tree)
    a = f.report_of(period, tree.commune_a)
    for intruder in (f.officer(tree.commune_b), f.officer(tree.province)):
        with pytest.raises(PermissionDenied):
            services.save_report(a, actor=intruder, lock_version=a.lock_version, sections={})
    f.fill(a, {})
    f.submit(a)
    with pytest.raises(PermissionDenied):
        services.accept(a, actor=f.reviewer(tree.commune_b))
    with pytest.raises(PermissionDenied):
        services.accept(a, actor=f.officer(tree.commune_a))
