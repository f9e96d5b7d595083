"""The reports API: indicators, targets, periods, reports (edit, submit, review, reopen),
roll-ups and dashboard data; scope, errors and query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from danvan.kpis.models import Comparator, Target, TargetKind
from danvan.orgs.models import UnitKind
from danvan.reports.models import ReportState
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    """A client sending ``user``'s API token, as integrations do."""
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def ok(response, code: int = 200) -> dict:
    assert response.status_code == code, response.content
    return response.json()


def ids(response) -> list[int]:
    return sorted(row["id"] for row in ok(response)["results"])


def report_url(report, action: str = "") -> str:
    if action:
        return reverse(f"api-report-{action}", args=[report.pk])
    return reverse("api-report-detail", args=[report.pk])


@pytest.fixture
def tree():
    return f.report_tree()


@pytest.fixture
def period(tree):
    return f.open_period(tree)


def figure(data: dict, code: str) -> dict:
    return next(row for row in data["figures"] if row["indicator"]["code"] == code)


# --- Indicators -----------------------------------------------------------------------------


def test_indicators_are_read_by_every_signed_in_user_with_filters_and_search(tree):
    client = client_for(f.officer(tree.commune_b))
    rates = ok(client.get(reverse("api-indicator-list"), {"kind": "rate", "page_size": 500}))
    codes = {row["code"] for row in rates["results"]}
    assert {"poor_households", "officials_studied"} <= codes
    assert "letters_received" not in codes
    assert all(row["kind"] == "rate" for row in rates["results"])

    computed = ok(client.get(reverse("api-indicator-list"), {"source": "computed"}))
    assert computed["count"] > 0
    assert all(row["source"] == "computed" for row in computed["results"])

    indices = ok(client.get(reverse("api-indicator-list"), {"category": "indices"}))
    assert {row["code"] for row in indices["results"]} >= {"par_index", "papi", "sipas"}

    found = ok(client.get(reverse("api-indicator-list"), {"q": "PAPI"}))
    assert "papi" in {row["code"] for row in found["results"]}

    poor = f.indicator("poor_households")
    detail = ok(client.get(reverse("api-indicator-detail", args=[poor.pk])))
    assert detail["code"] == "poor_households"
    assert detail["direction"] == "lower"
    assert detail["rollup"] == "rate"

    assert client.get(reverse("api-indicator-detail", args=["nope"])).status_code == 404
    assert client.get(reverse("api-indicator-list"), {"kind": "bogus"}).status_code == 400
    assert APIClient().get(reverse("api-indicator-list")).status_code == 401


def test_indicator_list_uses_a_fixed_number_of_queries(tree, django_assert_max_num_queries):
    client = client_for(f.officer(tree.commune_a))
    with django_assert_max_num_queries(6):
        small = ok(client.get(reverse("api-indicator-list"), {"page_size": 2}))
    with django_assert_max_num_queries(6):
        large = ok(client.get(reverse("api-indicator-list"), {"page_size": 30}))
    assert len(small["results"]) == 2
    assert len(large["results"]) == 30


# --- Targets --------------------------------------------------------------------------------


def make_target(unit, code="poor_households", **fields) -> Target:
    defaults = {
        "kind": TargetKind.HORIZON,
        "year": 2030,
        "comparator": Comparator.LT,
        "value": Decimal(8),
    }
    defaults.update(fields)
    return Target.objects.create(indicator=f.indicator(code), unit=unit, **defaults)


def test_targets_list_what_concerns_the_caller_and_filter(tree):
    each_commune = make_target(tree.province, applies_to_kind=UnitKind.COMMUNE)
    own_a = make_target(tree.commune_a, comparator=Comparator.LTE, value=Decimal(5))
    own_b = make_target(tree.commune_b)
    trained = make_target(
        tree.commune_a, "officials_studied", comparator=Comparator.GTE, value=Decimal(100)
    )
    client = client_for(f.officer(tree.commune_a))

    assert ids(client.get(reverse("api-target-list"))) == sorted(
        [each_commune.pk, own_a.pk, trained.pk]
    )
    by_code = client.get(reverse("api-target-list"), {"indicator": "officials_studied"})
    assert ids(by_code) == [trained.pk]
    by_unit = client.get(reverse("api-target-list"), {"unit": tree.province.pk})
    assert ids(by_unit) == [each_commune.pk]
    assert ids(client.get(reverse("api-target-list"), {"year": 2031})) == []
    province = client_for(f.reviewer(tree.province))
    assert own_b.pk in ids(province.get(reverse("api-target-list")))

    data = ok(client.get(reverse("api-target-detail", args=[own_a.pk])))
    assert data["indicator"]["code"] == "poor_households"
    assert data["can_change"] is True
    assert (
        ok(client.get(reverse("api-target-detail", args=[each_commune.pk])))["can_change"] is False
    )
    # another commune's own target is not there
    assert client.get(reverse("api-target-detail", args=[own_b.pk])).status_code == 404


def test_targets_are_set_changed_and_deleted_by_write_roles_over_their_unit(tree):
    client = client_for(f.officer(tree.commune_a))
    payload = {
        "indicator": "poor_households",
        "unit": tree.commune_a.pk,
        "year": 2030,
        "comparator": "lt",
        "value": "6",
        "baseline_year": 2025,
        "baseline_value": "9.5",
    }
    created = ok(client.post(reverse("api-target-list"), payload, format="json"), 201)
    target = Target.objects.get(pk=created["id"])
    assert (target.unit, target.value, target.created_by) == (
        tree.commune_a,
        Decimal(6),
        f.officer(tree.commune_a),
    )
    # the same target twice
    again = client.post(reverse("api-target-list"), payload, format="json")
    assert again.status_code == 400
    assert "non_field_errors" in again.json()
    # Target.clean() errors come back by field
    wrong_way = client.post(
        reverse("api-target-list"), {**payload, "comparator": "gte", "year": 2029}, format="json"
    )
    assert wrong_way.status_code == 400
    assert "comparator" in wrong_way.json()
    band = client.post(
        reverse("api-target-list"),
        {**payload, "indicator": "par_index", "comparator": "band", "year": 2028},
        format="json",
    )
    assert band.status_code == 400
    assert "value_high" in band.json()
    # the province is not the commune officer's to set
    above = client.post(
        reverse("api-target-list"), {**payload, "unit": tree.province.pk}, format="json"
    )
    assert above.status_code == 403

    url = reverse("api-target-detail", args=[target.pk])
    changed = ok(client.patch(url, {"value": "5"}, format="json"))
    assert Decimal(changed["value"]) == Decimal(5)
    # moved to a unit the caller does not write for
    moved = client.patch(url, {"unit": tree.commune_b.pk}, format="json")
    assert moved.status_code == 403
    target.refresh_from_db()
    assert target.unit == tree.commune_a

    other = client_for(f.officer(tree.commune_b))
    assert other.patch(url, {"value": "1"}, format="json").status_code == 404
    assert other.delete(url).status_code == 404
    province_target = make_target(tree.province, applies_to_kind=UnitKind.COMMUNE)
    province_url = reverse("api-target-detail", args=[province_target.pk])
    assert client.patch(province_url, {"value": "1"}, format="json").status_code == 403
    assert client.delete(province_url).status_code == 403

    assert client.delete(url).status_code == 204
    assert not Target.objects.filter(pk=target.pk).exists()


def test_target_list_uses_a_fixed_number_of_queries(tree, django_assert_max_num_queries):
    client = client_for(f.reviewer(tree.province))
    codes = ["poor_households", "health_insurance", "clean_water"]
    for code in codes[:2]:
        make_target(tree.province, code, comparator=Comparator.GTE, value=Decimal(1))
    with django_assert_max_num_queries(8):
        assert len(ok(client.get(reverse("api-target-list")))["results"]) == 2
    make_target(tree.province, codes[2], comparator=Comparator.GTE, value=Decimal(1))
    for unit in (tree.commune_a, tree.commune_b, tree.department):
        for code in codes:
            make_target(unit, code, comparator=Comparator.GTE, value=Decimal(1))
    with django_assert_max_num_queries(8):
        assert len(ok(client.get(reverse("api-target-list")))["results"]) == 12


# --- Periods --------------------------------------------------------------------------------


def test_periods_list_with_completeness_of_what_the_caller_sees(tree, period):
    a = f.report_of(period, tree.commune_a)
    f.accepted(a, {"letters_received": 4})
    b = f.report_of(period, tree.commune_b)
    f.fill(b, {"letters_received": 2})
    f.submit(b)

    province = ok(client_for(f.reviewer(tree.province)).get(reverse("api-period-list")))
    row = next(row for row in province["results"] if row["id"] == period.pk)
    assert row["completeness"] == {
        "total": 4,
        "draft": 2,
        "submitted": 1,
        "returned": 0,
        "accepted": 1,
        "late": 2,  # the due date (01/11) has passed for the two drafts
    }
    assert row["owner"]["id"] == tree.province.pk
    assert row["status"] == "open"

    commune = ok(client_for(f.officer(tree.commune_a)).get(reverse("api-period-list")))
    row = next(row for row in commune["results"] if row["id"] == period.pk)
    assert row["completeness"]["total"] == 1
    assert row["completeness"]["accepted"] == 1

    detail = ok(
        client_for(f.officer(tree.commune_a)).get(reverse("api-period-detail", args=[period.pk]))
    )
    assert [section["key"] for section in detail["sections"]][:2] == ["leadership", "results"]
    assert "poor_households" in {field["indicator"]["code"] for field in detail["form_fields"]}

    elsewhere = f.report_tree("Tỉnh Khác")
    stranger = client_for(f.officer(elsewhere.commune_a))
    assert period.pk not in ids(stranger.get(reverse("api-period-list")))
    assert stranger.get(reverse("api-period-detail", args=[period.pk])).status_code == 404


def test_period_list_uses_a_fixed_number_of_queries(tree, django_assert_max_num_queries):
    client = client_for(f.reviewer(tree.province))
    f.open_period(tree)
    with django_assert_max_num_queries(8):
        assert ok(client.get(reverse("api-period-list")))["count"] == 1
    for _n in range(4):
        f.open_period(tree)
    with django_assert_max_num_queries(8):
        assert ok(client.get(reverse("api-period-list")))["count"] == 5


def test_a_period_is_opened_and_closed_by_write_roles_over_its_owner(tree):
    period = f.make_period(tree.province)
    open_url = reverse("api-period-open", args=[period.pk])
    close_url = reverse("api-period-close", args=[period.pk])
    # a commune sees the province's period but may not open it; another province does not see it
    assert client_for(f.officer(tree.commune_a)).post(open_url).status_code == 403
    other = f.report_tree("Tỉnh Khác")
    assert client_for(f.officer(other.province)).post(open_url).status_code == 404
    assert client_for(f.reviewer(tree.province)).post(open_url).status_code == 403
    assert not period.reports.exists()

    officer = client_for(f.officer(tree.province))
    data = ok(officer.post(open_url))
    assert (data["status"], data["is_being_opened"]) == ("open", False)
    assert sum(data["completeness"].values()) >= 4
    assert period.reports.count() == 4
    # opening again creates nothing more
    assert ok(officer.post(open_url))["status"] == "open"
    assert period.reports.count() == 4

    assert client_for(f.officer(tree.commune_a)).post(close_url).status_code == 403
    assert ok(officer.post(close_url))["status"] == "closed"
    again = officer.post(open_url)
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert officer.post(close_url).status_code == 409


def test_a_large_period_is_opened_in_the_background_through_the_api(
    tree, monkeypatch, django_capture_on_commit_callbacks
):
    from danvan.reports import services

    monkeypatch.setattr(services, "OPEN_IN_BACKGROUND_ABOVE", 2)
    period = f.make_period(tree.province)
    officer = client_for(f.officer(tree.province))
    url = reverse("api-period-open", args=[period.pk])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        data = ok(officer.post(url), 202)
    assert data["is_being_opened"] is True and data["status"] == "draft"
    busy = officer.post(url)
    assert busy.status_code == 409 and busy.json()["code"] == "invalid_transition"
    for callback in queued:
        callback()
    data = ok(officer.get(reverse("api-period-detail", args=[period.pk])))
    assert (data["status"], data["is_being_opened"]) == ("open", False)
    assert period.reports.count() == 4


# --- Reports: reading ---------------------------------------------------------------------


def test_reports_list_only_the_callers_scope_and_filter(tree, period):
    a = f.report_of(period, tree.commune_a)
    b = f.report_of(period, tree.commune_b)
    f.fill(b, {"letters_received": 1})
    f.submit(b)

    assert ids(client_for(f.officer(tree.commune_a)).get(reverse("api-report-list"))) == [a.pk]
    province = client_for(f.reviewer(tree.province))
    assert len(ids(province.get(reverse("api-report-list")))) == 4
    submitted = province.get(reverse("api-report-list"), {"state": "submitted"})
    assert ids(submitted) == [b.pk]
    by_unit = province.get(reverse("api-report-list"), {"unit": tree.commune_a.pk})
    assert ids(by_unit) == [a.pk]
    by_period = province.get(reverse("api-report-list"), {"period": period.pk + 1000})
    assert ids(by_period) == []


def test_report_list_uses_a_fixed_number_of_queries(tree, django_assert_max_num_queries):
    client = client_for(f.reviewer(tree.province))
    f.open_period(tree)
    with django_assert_max_num_queries(8):
        assert ok(client.get(reverse("api-report-list")))["count"] == 4
    for _n in range(4):
        f.open_period(tree)
    with django_assert_max_num_queries(8):
        assert ok(client.get(reverse("api-report-list")))["count"] == 20


def test_report_detail_shows_sections_figures_comments_and_events(tree, period):
    a = f.report_of(period, tree.commune_a)
    f.fill(
        a,
        {"letters_received": 12, "poor_households": (40, 1000)},
        results="Xã đã tổ chức 3 buổi đối thoại.",
    )
    f.submit(a)
    f.return_(f.report_of(period, tree.commune_a), {"results": "Bổ sung số liệu hộ nghèo."})

    data = ok(client_for(f.officer(tree.commune_a)).get(report_url(a)))
    assert data["state"] == "returned"
    assert data["unit"]["id"] == tree.commune_a.pk
    assert data["period"]["id"] == period.pk
    results = next(section for section in data["sections"] if section["key"] == "results")
    assert results["body"] == "Xã đã tổ chức 3 buổi đối thoại."
    poor = figure(data, "poor_households")
    assert Decimal(poor["numerator"]) == 40
    assert Decimal(poor["denominator"]) == 1000
    assert Decimal(poor["value"]) == 4
    assert Decimal(figure(data, "letters_received")["value"]) == 12
    assert figure(data, "par_index")["value"] is None
    assert data["comments"][0]["section_key"] == "results"
    assert data["comments"][0]["body"] == "Bổ sung số liệu hộ nghèo."
    assert [event["kind"] for event in data["events"]][:3] == ["returned", "submitted", "saved"]
    assert data["permissions"] == {
        "edit": True,
        "submit": True,
        "review": False,
        "reopen": False,
    }


def test_a_commune_cannot_read_or_change_another_communes_report(tree, period):
    b = f.report_of(period, tree.commune_b)
    client = client_for(f.officer(tree.commune_a))
    assert client.get(report_url(b)).status_code == 404
    patch = client.patch(
        report_url(b),
        {"lock_version": b.lock_version, "figures": {"letters_received": {"value": 1}}},
        format="json",
    )
    assert patch.status_code == 404
    for action in ("submit", "accept", "return", "reopen", "rollup"):
        method = client.get if action == "rollup" else client.post
        assert method(report_url(b, action), {}, format="json").status_code == 404, action
    assert client.get(report_url(b)).status_code == 404
    b.refresh_from_db()
    assert b.state == ReportState.DRAFT
    assert not b.values.filter(indicator__code="letters_received", value=1).exists()
    assert client.get(reverse("api-report-detail", args=["x"])).status_code == 404


# --- Reports: editing -----------------------------------------------------------------------


def test_the_writer_edits_figures_and_sections_with_the_lock_version(tree, period):
    a = f.report_of(period, tree.commune_a)
    client = client_for(f.officer(tree.commune_a))
    data = ok(
        client.patch(
            report_url(a),
            {
                "lock_version": a.lock_version,
                "number": "12/BC-UBND",
                "signed_on": "2026-10-30",
                "sections": {"results": "Kết quả tốt."},
                "figures": {
                    "poor_households": {"numerator": "1.200,0", "denominator": 20000},
                    "par_index": {"value": "85,5", "rank": 12},
                    "local_dialogue_held": {"value": 1},
                },
            },
            format="json",
        )
    )
    assert data["lock_version"] == a.lock_version + 1
    assert data["number"] == "12/BC-UBND"
    assert data["signed_on"] == "2026-10-30"
    assert next(s for s in data["sections"] if s["key"] == "results")["body"] == "Kết quả tốt."
    poor = figure(data, "poor_households")
    assert (Decimal(poor["numerator"]), Decimal(poor["denominator"])) == (1200, 20000)
    assert Decimal(poor["value"]) == 6
    par = figure(data, "par_index")
    assert (Decimal(par["value"]), par["rank"]) == (Decimal("85.5"), 12)

    # a part left out keeps its value; a note is kept too
    data = ok(
        client.patch(
            report_url(a),
            {
                "lock_version": data["lock_version"],
                "figures": {"poor_households": {"numerator": 1000, "note": "Theo rà soát."}},
            },
            format="json",
        )
    )
    poor = figure(data, "poor_households")
    assert (Decimal(poor["numerator"]), Decimal(poor["denominator"])) == (1000, 20000)
    assert poor["note"] == "Theo rà soát."
    assert Decimal(figure(data, "par_index")["value"]) == Decimal("85.5")


def test_a_stale_save_answers_409_with_the_current_lock_version(tree, period):
    a = f.report_of(period, tree.commune_a)
    read = a.lock_version
    f.fill(a, {"letters_received": 3})  # someone else saves meanwhile
    response = client_for(f.officer(tree.commune_a)).patch(
        report_url(a),
        {"lock_version": read, "figures": {"letters_received": {"value": 9}}},
        format="json",
    )
    assert response.status_code == 409
    a.refresh_from_db()
    assert response.json()["code"] == "stale"
    assert response.json()["lock_version"] == a.lock_version != read
    assert a.values.get(indicator__code="letters_received", revision=1).value == 3


def test_bad_figures_answer_400_keyed_by_indicator_code_and_part(tree, period):
    a = f.report_of(period, tree.commune_a)
    client = client_for(f.officer(tree.commune_a))
    response = client.patch(
        report_url(a),
        {
            "lock_version": a.lock_version,
            "sections": {"results": "Không được lưu."},
            "figures": {
                "poor_households": {"numerator": 50, "denominator": 10},
                "letters_received": {"value": -1},
                "trainings_held": {"value": "mười"},
                "par_index": {"value": 80, "rank": 0},
            },
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {
        "poor_households.numerator",
        "letters_received.value",
        "trainings_held.value",
        "par_index.rank",
    }
    a.refresh_from_db()
    assert a.sections.get(key="results", revision=1).body == ""  # all or nothing

    unknown = client.patch(
        report_url(a),
        {
            "lock_version": a.lock_version,
            "sections": {"nope": "x"},
            "figures": {"not_an_indicator": {"value": 1}},
        },
        format="json",
    )
    assert unknown.status_code == 400
    assert set(unknown.json()) == {"sections", "figures"}
    missing_lock = client.patch(report_url(a), {"figures": {}}, format="json")
    assert missing_lock.status_code == 400
    assert "lock_version" in missing_lock.json()


def test_only_the_units_writers_edit_and_only_while_editable(tree, period):
    a = f.report_of(period, tree.commune_a)
    province = client_for(f.reviewer(tree.province))
    body = {"lock_version": a.lock_version, "figures": {"letters_received": {"value": 1}}}
    assert province.patch(report_url(a), body, format="json").status_code == 403
    f.fill(a, {"letters_received": 2})
    f.submit(a)
    a.refresh_from_db()
    response = client_for(f.officer(tree.commune_a)).patch(
        report_url(a), {**body, "lock_version": a.lock_version}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


# --- Reports: the review cycle ------------------------------------------------------------


def test_submit_return_resubmit_accept_and_reopen_through_the_api(tree, period):
    a = f.report_of(period, tree.commune_a)
    writer = client_for(f.officer(tree.commune_a))
    reviewer = client_for(f.reviewer(tree.province))
    f.fill(a, {"letters_received": 5})
    a.refresh_from_db()

    # a stale submit is refused
    stale = writer.post(report_url(a, "submit"), {"lock_version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale"
    data = ok(writer.post(report_url(a, "submit"), {"lock_version": a.lock_version}, "json"))
    assert data["state"] == "submitted"
    assert data["permissions"]["edit"] is False

    # the writer cannot review its own report
    assert writer.post(report_url(a, "accept"), {}, format="json").status_code == 403
    assert writer.post(report_url(a, "return"), {}, format="json").status_code == 403
    # the reviewer cannot submit the commune's report
    assert reviewer.post(report_url(a, "submit"), {}, format="json").status_code == 403

    # returning needs a comment, on a known section
    empty = reviewer.post(report_url(a, "return"), {"comments": {"results": " "}}, "json")
    assert empty.status_code == 400
    unknown = reviewer.post(report_url(a, "return"), {"comments": {"nope": "x"}}, "json")
    assert unknown.status_code == 400
    assert "comments" in unknown.json()
    data = ok(
        reviewer.post(
            report_url(a, "return"),
            {"comments": {"results": "Thiếu số liệu.", "figures": "Kiểm tra lại."}},
            format="json",
        )
    )
    assert data["state"] == "returned"
    assert {c["section_key"]: c["body"] for c in data["comments"]} == {
        "results": "Thiếu số liệu.",
        "figures": "Kiểm tra lại.",
    }
    again = reviewer.post(report_url(a, "accept"), {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"

    ok(writer.post(report_url(a, "submit"), {}, format="json"))
    data = ok(reviewer.post(report_url(a, "accept"), {"note": "Đạt."}, format="json"))
    assert data["state"] == "accepted"
    assert data["accepted_revision"] == 1

    assert writer.post(report_url(a, "reopen"), {}, format="json").status_code == 400
    assert reviewer.post(report_url(a, "reopen"), {"reason": "x"}, "json").status_code == 403
    data = ok(writer.post(report_url(a, "reopen"), {"reason": "Sửa số liệu."}, format="json"))
    assert (data["state"], data["revision"], data["accepted_revision"]) == ("draft", 2, 1)
    assert Decimal(figure(data, "letters_received")["value"]) == 5
    assert data["events"][0]["kind"] == "reopened"
    assert data["events"][0]["note"] == "Sửa số liệu."


def test_submitting_without_a_required_figure_answers_400(tree):
    version = f.form_version()
    version.fields.filter(indicator__code="par_index").update(required=True)
    period = f.open_period(tree)
    a = f.report_of(period, tree.commune_a)
    response = client_for(f.officer(tree.commune_a)).post(report_url(a, "submit"), {}, "json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    a.refresh_from_db()
    assert a.state == ReportState.DRAFT


# --- Roll-up and dashboard ------------------------------------------------------------------


def test_rollup_sums_numerators_and_denominators_through_the_api(tree, period):
    f.accepted(
        f.report_of(period, tree.commune_a),
        {"letters_received": 10, "poor_households": (10, 100)},
    )
    f.accepted(
        f.report_of(period, tree.commune_b),
        {"letters_received": 3, "poor_households": (90, 300)},
    )
    top = f.report_of(period, tree.province)
    department = f.report_of(period, tree.department)
    client = client_for(f.reviewer(tree.province))

    data = ok(client.get(report_url(top, "rollup")))
    assert data["report"]["id"] == top.pk
    assert (data["accepted"], data["expected"]) == (2, 3)
    rows = {row["indicator"]["code"]: row for row in data["indicators"]}
    poor = rows["poor_households"]
    # (10 + 90) / (100 + 300) = 25 %, not the mean of 10 % and 30 %
    assert Decimal(poor["value"]) == 25
    assert (Decimal(poor["numerator"]), Decimal(poor["denominator"])) == (100, 400)
    assert (poor["reporters"], poor["expected"]) == (2, 4)
    assert set(poor["missing"]) == {top.pk, department.pk}
    children = {child["report"]: child for child in poor["children"]}
    a = f.report_of(period, tree.commune_a)
    assert Decimal(children[a.pk]["value"]) == 10
    assert children[a.pk]["included"] is True
    assert children[department.pk]["value"] is None
    assert children[department.pk]["included"] is False
    assert {child["report"] for child in data["children"]} == set(children)
    assert Decimal(rows["letters_received"]["value"]) >= 13

    commune = client_for(f.officer(tree.commune_a))
    assert commune.get(report_url(top, "rollup")).status_code == 404
    own = ok(commune.get(report_url(a, "rollup")))
    assert (
        Decimal(
            next(r for r in own["indicators"] if r["indicator"]["code"] == "poor_households")[
                "value"
            ]
        )
        == 10
    )


def test_rollup_uses_a_fixed_number_of_queries(django_assert_max_num_queries):
    counts = []
    for communes in (2, 6):
        tree = f.report_tree(f"Tỉnh Đếm {communes}")
        from danvan.orgs.tests.factories import make_child

        for n in range(communes - 2):
            make_child(tree.province, name=f"Xã Thêm {n}", short_name=f"Thêm {n}")
        period = f.open_period(tree)
        top = f.report_of(period, tree.province)
        client = client_for(f.reviewer(tree.province))
        client.get(report_url(top, "rollup"))  # warm the caches of the user
        with django_assert_max_num_queries(20) as context:
            ok(client.get(report_url(top, "rollup")))
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]


def test_dashboard_gives_value_target_status_and_completeness(tree, period):
    f.accepted(
        f.report_of(period, tree.commune_a),
        {"poor_households": (10, 100), "local_dialogue_held": 1},
    )
    f.accepted(f.report_of(period, tree.commune_b), {"poor_households": (90, 300)})
    make_target(tree.province, comparator=Comparator.LT, value=Decimal(8), year=2030)
    make_target(
        tree.province,
        "poor_households",
        applies_to_kind=UnitKind.COMMUNE,
        comparator=Comparator.LTE,
        value=Decimal(12),
        kind=TargetKind.ANNUAL,
        year=period.year,
    )
    client = client_for(f.reviewer(tree.province))

    data = ok(client.get(reverse("api-dashboard"), {"unit": tree.province.pk, "period": period.pk}))
    assert data["unit"]["id"] == tree.province.pk
    assert data["period"]["id"] == period.pk
    assert (data["accepted"], data["expected"]) == (2, 3)
    poor = next(row for row in data["indicators"] if row["indicator"]["code"] == "poor_households")
    assert Decimal(poor["value"]) == 25
    assert Decimal(poor["target"]["value"]) == 8
    assert poor["status"] == "at_risk"  # 25 % against < 8 % by 2030, without a baseline
    assert poor["colour"] == "warning"
    assert (poor["reporters"], poor["expected"]) == (2, 4)
    assert sum(data["status_counts"].values()) == 1

    commune = client_for(f.officer(tree.commune_a))
    mine = ok(commune.get(reverse("api-dashboard"), {"unit": tree.commune_a.pk}))
    assert mine["period"]["id"] == period.pk  # the latest by default
    poor = next(row for row in mine["indicators"] if row["indicator"]["code"] == "poor_households")
    assert Decimal(poor["value"]) == 10
    assert poor["status"] == "met"  # 10 % against the province's ≤ 12 % for each commune
    assert poor["target"]["unit"] == tree.province.pk
    assert ok(commune.get(reverse("api-dashboard")))["unit"]["id"] == tree.commune_a.pk

    # another commune, a unit that does not report, a bad id
    assert commune.get(reverse("api-dashboard"), {"unit": tree.commune_b.pk}).status_code == 404
    assert client.get(reverse("api-dashboard"), {"unit": tree.cell_a.pk}).status_code == 404
    assert client.get(reverse("api-dashboard"), {"unit": "x"}).status_code == 400


def test_dashboard_uses_a_fixed_number_of_queries(django_assert_max_num_queries):
    counts = []
    for communes in (2, 5):
        tree = f.report_tree(f"Tỉnh Bảng {communes}")
        from danvan.orgs.tests.factories import make_child

        for n in range(communes - 2):
            make_child(tree.province, name=f"Xã Bảng {n}", short_name=f"Bảng {n}")
        period = f.open_period(tree, due=dt.date(2099, 11, 1))
        client = client_for(f.reviewer(tree.province))
        params = {"unit": tree.province.pk, "period": period.pk}
        client.get(reverse("api-dashboard"), params)
        with django_assert_max_num_queries(25) as context:
            ok(client.get(reverse("api-dashboard"), params))
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]


# --- Schema ---------------------------------------------------------------------------------


def test_the_schema_lists_the_report_endpoints(api):
    schema = ok(api.get(reverse("api-schema"), {"format": "json"}))
    paths = schema["paths"]
    for path in (
        "/api/v1/indicators/",
        "/api/v1/indicators/{id}/",
        "/api/v1/targets/",
        "/api/v1/targets/{id}/",
        "/api/v1/report-periods/",
        "/api/v1/report-periods/{id}/",
        "/api/v1/report-periods/{id}/open/",
        "/api/v1/report-periods/{id}/close/",
        "/api/v1/reports/",
        "/api/v1/reports/{id}/",
        "/api/v1/reports/{id}/submit/",
        "/api/v1/reports/{id}/accept/",
        "/api/v1/reports/{id}/return/",
        "/api/v1/reports/{id}/reopen/",
        "/api/v1/reports/{id}/rollup/",
        "/api/v1/dashboard/",
    ):
        assert path in paths, path
    patch = paths["/api/v1/reports/{id}/"]["patch"]
    assert {"200", "400", "403", "404", "409"} <= set(patch["responses"])
    assert {"unit", "period"} <= {
        p["name"] for p in paths["/api/v1/dashboard/"]["get"]["parameters"]
    }
