"""``manage.py load_demo_reports`` on a small Đà Nẵng with the keys the demo needs, run twice.

The units file holds Khánh Hòa with the communes ``load_demo`` staffs, Đà Nẵng with the three
demo communes and nine others (two of them mountain communes of former Quảng Nam), and the
legacy Đà Nẵng and Quảng Nam it absorbed on 1/7/2025.
"""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.urls import reverse

from danvan.core.models import Notification
from danvan.kpis.models import Indicator, Target, TargetKind
from danvan.orgs.models import Membership, Unit, User
from danvan.plans.models import Plan
from danvan.reports.models import (
    Period,
    PeriodKind,
    Report,
    ReportEvent,
    ReportSection,
    ReportState,
    ReportValue,
    ReviewComment,
)
from danvan.reports.rollups import period_rollup

KHANH_HOA = [("C22366", "Phường Nha Trang"), ("C22759", "Phường Phan Rang")]
DA_NANG = [
    ("C20242", "Phường Hải Châu"),
    ("C20410", "Phường Hội An"),
    ("C20944", "Xã Nam Trà My"),
    ("C20194", "Phường Hải Vân"),
    ("C20209", "Phường Thanh Khê"),
    ("C20263", "Phường Sơn Trà"),
    ("C20341", "Phường Tam Kỳ"),
    ("C20320", "Xã Hòa Vang"),
    ("C20500", "Xã Đại Lộc"),
    ("C20623", "Xã Duy Xuyên"),
    ("C20455", "Xã Tây Giang"),
    ("C20900", "Xã Trà My"),
]


def _row(key, kind, name, parent, valid_from, valid_to=None):
    return {
        "key": key,
        "code": key.lstrip("LPC"),
        "kind": kind,
        "name": name,
        "short_name": name.split(" ", 1)[1],
        "parent": parent,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }


def _units_file(tmp_path) -> str:
    new = "2025-07-01"
    rows = [
        _row("P56", "province", "Tỉnh Khánh Hòa", None, new),
        _row("P48", "province", "Thành phố Đà Nẵng", None, new),
        _row("LP48", "province", "Thành phố Đà Nẵng (cũ)", None, None, "2025-06-30"),
        _row("LP49", "province", "Tỉnh Quảng Nam", None, None, "2025-06-30"),
    ]
    rows += [_row(key, "commune", name, "P56", new) for key, name in KHANH_HOA]
    rows += [_row(key, "commune", name, "P48", new) for key, name in DA_NANG]
    successions = [
        {"predecessor": "LP48", "successor": "P48", "date": new},
        {"predecessor": "LP49", "successor": "P48", "date": new},
    ]
    path = tmp_path / "units.json"
    data = {"source": "test", "units": rows, "successions": successions}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _counts() -> dict[str, int]:
    models = [
        Unit,
        User,
        Membership,
        Plan,
        Target,
        Period,
        Report,
        ReportValue,
        ReportSection,
        ReportEvent,
        ReviewComment,
        Notification,
    ]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def loaded(db, tmp_path):
    quiet = io.StringIO()
    call_command("load_units", file=_units_file(tmp_path), stdout=quiet)
    call_command("load_demo", stdout=quiet)
    out = io.StringIO()
    call_command("load_demo_reports", stdout=out)
    return out.getvalue()


def _period(name_part: str, kind: str = PeriodKind.YEAR) -> Period:
    return Period.objects.get(name__endswith=name_part, kind=kind)


def _report(period: Period, unit_name: str) -> Report:
    return Report.objects.select_related("unit", "period").get(period=period, unit__name=unit_name)


def test_a_second_run_changes_nothing_and_the_logins_are_printed(loaded):
    before = _counts()
    out = io.StringIO()
    call_command("load_demo_reports", stdout=out)
    assert _counts() == before
    assert "2025 already there" in out.getvalue()
    for login in ("danang.canbo", "danang.thamdinh", "danang.lanhdao", "haichau.canbo"):
        assert login in loaded
    assert "danvan-demo" in loaded
    assert before["Report"] > 0 and before["Target"] > 0


def test_needs_the_units_and_the_demo_first(db):
    with pytest.raises(CommandError):
        call_command("load_demo_reports", stdout=io.StringIO())


def test_2025_is_fully_accepted_and_the_city_rolls_up_every_unit(loaded):
    period = _period("năm 2025")
    city = Unit.objects.get(external_key="P48")
    reports = Report.objects.filter(period=period)
    # the city, Sở Nội vụ and every commune of today's city; none of the legacy units
    assert reports.count() == len(DA_NANG) + 2
    assert set(reports.values_list("state", flat=True)) == {ReportState.ACCEPTED}
    assert not reports.filter(unit__valid_to__isnull=False).exists()
    rollup = period_rollup(period, city)
    accepted, expected = rollup.completeness(rollup.root_id)
    assert accepted == expected == len(DA_NANG) + 1
    root = Report.objects.get(pk=rollup.root_id)
    assert root.reviewed_by.username == "danang.lanhdao"
    results = root.sections.get(revision=root.revision, key="results").body
    assert "Hải Châu" in results and "Nam Trà My" in results
    hai_chau = _report(period, "Phường Hải Châu")
    assert hai_chau.submitted_by.username == "haichau.canbo"
    assert hai_chau.reviewed_by.username == "danang.thamdinh"
    assert hai_chau.submitted_at.year == 2025
    # poor households fall from 2025 to 2026; mountain communes stay higher
    poor = Indicator.objects.get(code="poor_households")
    shares = {}
    for name in ("năm 2025", "năm 2026"):
        period = _period(name)
        rollup = period_rollup(period, city)
        shares[name] = rollup.figure(rollup.root_id, poor.pk).value
    assert shares["năm 2026"] < shares["năm 2025"]
    period = _period("năm 2025")
    mountain = ReportValue.objects.get(
        report=_report(period, "Xã Nam Trà My"), indicator=poor
    ).value
    town = ReportValue.objects.get(report=_report(period, "Phường Hải Châu"), indicator=poor).value
    assert mountain > Decimal(20) > Decimal(8) > town
    assert not ReportValue.objects.filter(numerator__gt=F("denominator")).exists()


def test_2026_is_in_progress_with_late_drafts_and_one_returned_report(loaded):
    period = _period("năm 2026")
    assert period.is_overdue
    reports = Report.objects.filter(period=period).select_related("unit", "period")
    states = {r.unit.name: r.state for r in reports}
    assert states["Phường Hải Châu"] == ReportState.DRAFT
    assert states["Phường Hội An"] == ReportState.RETURNED
    assert states["Xã Nam Trà My"] == ReportState.SUBMITTED
    assert list(states.values()).count(ReportState.RETURNED) == 1
    assert list(states.values()).count(ReportState.ACCEPTED) > len(DA_NANG) // 2
    drafts = [r for r in reports if r.state == ReportState.DRAFT and r.unit.kind == "commune"]
    assert len(drafts) >= 2 and all(r.is_late for r in drafts)
    hoi_an = _report(period, "Phường Hội An")
    comment = ReviewComment.objects.get(report=hoi_an)
    assert comment.section_key == "results" and comment.author.username == "danang.thamdinh"
    nam_tra_my = _report(period, "Xã Nam Trà My")
    assert nam_tra_my.is_late and nam_tra_my.submitted_at.date() > period.due_date
    # the half-year period is complete, for the trend
    half = _period("năm 2026", PeriodKind.HALF_YEAR)
    assert set(Report.objects.filter(period=half).values_list("state", flat=True)) == {
        ReportState.ACCEPTED
    }


def test_the_plan_targets_are_set_on_da_nang_and_the_logins_work(loaded, client):
    city = Unit.objects.get(external_key="P48")
    plan = Plan.objects.get(number="8041", symbol="KH-UBND")
    assert plan.unit.external_key == "LP49"
    horizon = Target.objects.filter(unit=city, kind=TargetKind.HORIZON, year=2030)
    codes = set(horizon.values_list("indicator__code", flat=True))
    assert {"officials_studied", "poor_households", "graduates_employed"} <= codes
    assert len(codes) == 11
    assert set(horizon.values_list("plan", flat=True)) == {plan.pk}
    poor = horizon.get(indicator__code="poor_households", applies_to_kind="")
    assert (poor.comparator, poor.value, poor.baseline_year) == ("lt", Decimal(8), 2023)
    assert horizon.filter(indicator__code="poor_households", applies_to_kind="commune").exists()
    assert Target.objects.filter(unit=city, kind=TargetKind.ANNUAL, year=2026).count() == 3
    # the demo logins work and see their own reports only
    for username in ("danang.canbo", "danang.thamdinh", "haichau.canbo", "namtramy.canbo"):
        response = client.post(reverse("login"), {"username": username, "password": "danvan-demo"})
        assert response.status_code == 302, username
        assert client.get(reverse("home")).wsgi_request.user.username == username
        client.logout()
    period = _period("năm 2026")
    hai_chau = User.objects.get(username="haichau.canbo")
    own, other = _report(period, "Phường Hải Châu"), _report(period, "Phường Hội An")
    assert hai_chau.has_perm("reports.view_report", own)
    assert hai_chau.has_perm("reports.change_report", own)
    assert not hai_chau.has_perm("reports.view_report", other)
    reviewer = User.objects.get(username="danang.thamdinh")
    assert reviewer.has_perm("reports.review_report", _report(period, "Xã Nam Trà My"))
    assert Unit.objects.get(name="Xã Nam Trà My").is_remote_area
