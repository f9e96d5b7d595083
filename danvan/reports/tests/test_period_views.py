"""Period pages: the list, the period form, open / close / remind, and the board."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from danvan.core.models import Notification
from danvan.reports import services
from danvan.reports.models import EventKind, Period, PeriodStatus, Report, ReportState
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db


def _rows(response, testid: str) -> list[str]:
    html = response.content.decode()
    return [chunk.split('"', 1)[0] for chunk in html.split(f'data-testid="{testid}" data-pk="')[1:]]


def _past_period(tree, days_late: int = 3) -> Period:
    today = timezone.localdate()
    return f.open_period(
        tree,
        start_date=today - dt.timedelta(days=200),
        end_date=today - dt.timedelta(days=days_late + 1),
        due=today - dt.timedelta(days=days_late),
    )


def _current_period(tree, **fields) -> Period:
    """A period still running: due in ten days."""
    today = timezone.localdate()
    return f.open_period(
        tree,
        start_date=today - dt.timedelta(days=200),
        end_date=today,
        due=today + dt.timedelta(days=10),
        **fields,
    )


# ------------------------------------------------------------------ list


def test_list_shows_periods_in_scope_with_completeness_and_own_report(client):
    tree = f.report_tree()
    other = f.report_tree("Tỉnh Khác")
    period = f.open_period(tree)
    foreign = f.open_period(other)
    f.accepted(f.report_of(period, tree.commune_a), {"letters_received": 2})
    f.fill(f.report_of(period, tree.commune_b), {})
    f.submit(f.report_of(period, tree.commune_b))
    client.force_login(f.officer(tree.commune_b))
    response = client.get(reverse("reports:period_list"))
    assert response.status_code == 200
    assert _rows(response, "period-row") == [str(period.pk)]
    assert str(foreign.pk) not in _rows(response, "period-row")
    html = response.content.decode()
    assert 'data-accepted="1" data-total="4" data-submitted="1"' in html
    own = f.report_of(period, tree.commune_b)
    assert own.get_absolute_url() in html


def test_list_filters_by_year_kind_status_and_search(client):
    tree = f.report_tree()
    this_year = timezone.localdate().year
    opened = f.open_period(tree, name="Báo cáo sáu tháng", kind="half_year")
    draft = f.make_period(tree.province, year=this_year - 1, name="Báo cáo năm cũ")
    client.force_login(f.officer(tree.province))
    url = reverse("reports:period_list")
    assert _rows(client.get(url, {"year": this_year - 1}), "period-row") == [str(draft.pk)]
    assert _rows(client.get(url, {"kind": "half_year"}), "period-row") == [str(opened.pk)]
    assert _rows(client.get(url, {"status": "draft"}), "period-row") == [str(draft.pk)]
    assert _rows(client.get(url, {"q": "sau thang"}), "period-row") == [str(opened.pk)]
    # a malformed filter reads as "not given"
    assert len(_rows(client.get(url, {"year": "abc", "sort": "zzz"}), "period-row")) == 2
    partial = client.get(url, {"kind": "half_year"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content
    assert _rows(partial, "period-row") == [str(opened.pk)]


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_list_uses_the_same_number_of_queries_for_2_or_12_periods(
    client, django_assert_max_num_queries
):
    tree = f.report_tree()
    for _i in range(2):
        f.open_period(tree)
    client.force_login(f.officer(tree.commune_a))
    url = reverse("reports:period_list")
    few = _count_queries(client, url)
    for _i in range(10):
        f.open_period(tree)
    many = _count_queries(client, url)
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(url)


# ------------------------------------------------------------------ create / edit


def test_create_offers_defaults_and_creates_a_period_owned_by_the_working_unit(client):
    tree = f.report_tree()
    user = f.officer(tree.province)
    client.force_login(user)
    response = client.get(reverse("reports:period_create"))
    year = timezone.localdate().year
    form = response.context["form"]
    assert form.initial["due_date"] == dt.date(year, 11, 1)
    assert form.initial["end_date"] == dt.date(year, 10, 31)
    assert form.initial["owner"] == tree.province.pk
    data = {
        "owner": tree.province.pk,
        "form_version": f.form_version().pk,
        "name": "Báo cáo năm thử",
        "kind": "year",
        "year": year,
        "start_date": f"{year - 1}-11-01",
        "end_date": f"{year}-10-31",
        "due_date": f"{year}-11-01",
        "remind_days": 5,
    }
    response = client.post(reverse("reports:period_create"), data)
    period = Period.objects.get(name="Báo cáo năm thử")
    assert response.status_code == 302
    assert response["Location"] == period.get_absolute_url()
    assert (period.owner, period.status) == (tree.province, PeriodStatus.DRAFT)


def test_create_refuses_bad_dates_and_a_unit_the_user_does_not_write_for(client):
    tree = f.report_tree()
    other = f.report_tree("Tỉnh Khác")
    client.force_login(f.officer(tree.commune_a))
    year = timezone.localdate().year
    data = {
        "owner": other.province.pk,
        "form_version": f.form_version().pk,
        "name": "Sai",
        "kind": "year",
        "year": year,
        "start_date": f"{year}-11-01",
        "end_date": f"{year}-10-31",
        "due_date": f"{year}-11-01",
        "remind_days": 5,
    }
    response = client.post(reverse("reports:period_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "owner" in errors
    assert "end_date" in errors
    assert response.context["form"]["name"].value() == "Sai"
    assert not Period.objects.filter(name="Sai").exists()
    # an empty owner (a national period) is for system administrators only
    data.update(owner="", start_date=f"{year - 1}-11-01")
    response = client.post(reverse("reports:period_create"), data)
    assert "owner" in response.context["form"].errors
    client.force_login(f.system_admin())
    response = client.post(reverse("reports:period_create"), data)
    assert response.status_code == 302
    assert Period.objects.get(name="Sai").owner is None


def test_edit_is_for_the_owner_unit_and_fixes_owner_and_form_once_opened(client):
    tree = f.report_tree()
    period = f.open_period(tree)
    url = reverse("reports:period_edit", args=[period.pk])
    client.force_login(f.officer(tree.commune_a))
    assert client.get(url).status_code == 403
    client.force_login(f.officer(f.report_tree("Tỉnh Khác").province))
    assert client.get(url).status_code == 404
    client.force_login(f.officer(tree.province))
    response = client.get(url)
    assert response.context["form"].fields["form_version"].disabled
    data = {
        "name": "Tên mới",
        "kind": period.kind,
        "year": period.year,
        "start_date": period.start_date.isoformat(),
        "end_date": period.end_date.isoformat(),
        "due_date": period.due_date.isoformat(),
        "remind_days": 3,
    }
    assert client.post(url, data).status_code == 302
    period.refresh_from_db()
    assert (period.name, period.remind_days, period.owner) == ("Tên mới", 3, tree.province)


# ------------------------------------------------------------------ open / close


def test_open_creates_drafts_and_says_how_many(client):
    tree = f.report_tree()
    period = f.make_period(tree.province)
    url = reverse("reports:period_open", args=[period.pk])
    client.force_login(f.officer(tree.commune_a))
    assert client.post(url).status_code == 403
    client.force_login(f.officer(tree.province))
    assert client.get(url).status_code == 405
    client.cookies["django_language"] = "en"
    response = client.post(url, follow=True)
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN
    assert Report.objects.filter(period=period).count() == 4
    assert "4 draft reports were created" in response.content.decode()


def test_a_large_period_opens_in_the_background_and_tells_who_asked(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "OPEN_IN_BACKGROUND_ABOVE", 2)  # the tree has 4 reporters
    tree = f.report_tree()
    period = f.make_period(tree.province)
    officer = f.officer(tree.province)
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    url = reverse("reports:period_open", args=[period.pk])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(url, follow=True)
    page = response.content.decode()
    assert "being opened in the background" in page
    period.refresh_from_db()
    assert period.opening_since is not None
    assert period.status == PeriodStatus.DRAFT and not period.reports.exists()
    # while it runs, the page polls and offers no second opening; a second request is refused
    assert 'data-testid="period-opening"' in page
    assert 'data-testid="open-period"' not in page
    again = client.post(url, follow=True).content.decode()
    assert "already being opened" in again
    # the worker runs
    assert len(queued) == 1
    with translation.override("en"):
        queued[0]()
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN and period.opening_since is None
    assert period.reports.count() == 4
    assert Notification.objects.filter(
        user=officer, text__contains="4 draft reports were created"
    ).exists()
    assert (
        'data-testid="period-opening"' not in client.get(period.get_absolute_url()).content.decode()
    )


def test_an_opening_whose_worker_died_can_be_asked_again(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from danvan.reports.models import OPENING_GIVES_UP_AFTER

    monkeypatch.setattr(services, "OPEN_IN_BACKGROUND_ABOVE", 2)
    tree = f.report_tree()
    period = f.make_period(tree.province)
    stuck = timezone.now() - OPENING_GIVES_UP_AFTER - dt.timedelta(minutes=1)
    Period.objects.filter(pk=period.pk).update(opening_since=stuck)
    client.force_login(f.officer(tree.province))
    page = client.get(period.get_absolute_url()).content.decode()
    assert 'data-testid="open-period"' in page and 'data-testid="period-opening"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:period_open", args=[period.pk]))
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN and period.opening_since is None
    assert period.reports.count() == 4


def test_a_failed_background_opening_clears_the_mark_and_says_why(monkeypatch):
    from danvan.reports import tasks

    tree = f.report_tree()
    period = f.make_period(tree.province)
    officer = f.officer(tree.province)
    Period.objects.filter(pk=period.pk).update(opening_since=timezone.now())

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "open_period", broken)
    assert tasks.open_period_in_background.call(period.pk, officer.pk) == 0
    period.refresh_from_db()
    assert period.opening_since is None and period.status == PeriodStatus.DRAFT
    assert Notification.objects.filter(user=officer, text__contains="disk full").exists()


def test_close_then_open_is_refused(client):
    tree = f.report_tree()
    period = f.open_period(tree)
    client.force_login(f.officer(tree.province))
    client.post(reverse("reports:period_close", args=[period.pk]))
    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED
    client.cookies["django_language"] = "en"
    response = client.post(reverse("reports:period_open", args=[period.pk]), follow=True)
    assert "This period is closed." in response.content.decode()
    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED


# ------------------------------------------------------------------ board


def test_board_lists_reports_with_states_counts_late_and_missing(client):
    tree = f.report_tree()
    period = _past_period(tree)
    f.accepted(f.report_of(period, tree.commune_a), {"letters_received": 1})
    f.return_(f.submit(f.report_of(period, tree.commune_b)))
    client.force_login(f.reviewer(tree.province))
    response = client.get(reverse("reports:period_detail", args=[period.pk]))
    counts = response.context["counts"]
    assert (counts["total"], counts["accepted"], counts["returned"], counts["draft"]) == (
        4,
        1,
        1,
        2,
    )
    # submitted today, after the due date: late; not submitted: late
    assert counts["late"] == 4
    missing = {r.unit_id for r in response.context["missing"]}
    assert missing == {tree.province.pk, tree.department.pk, tree.commune_b.pk}
    assert len(_rows(response, "board-row")) == 4
    assert 'data-testid="late"' in response.content.decode()
    only = client.get(
        reverse("reports:period_detail", args=[period.pk]),
        {"state": "accepted"},
        HTTP_HX_REQUEST="true",
    )
    assert _rows(only, "board-row") == [str(f.report_of(period, tree.commune_a).pk)]
    found = client.get(reverse("reports:period_detail", args=[period.pk]), {"q": "dong tam"})
    assert _rows(found, "board-row") == [str(f.report_of(period, tree.commune_b).pk)]


def test_board_offers_review_links_to_the_reviewer_above_only(client):
    tree = f.report_tree()
    period = _current_period(tree)
    a = f.submit(f.report_of(period, tree.commune_a))
    client.force_login(f.reviewer(tree.province))
    response = client.get(reverse("reports:period_detail", args=[period.pk]))
    assert f"{a.get_absolute_url()}#review" in response.content.decode()
    assert response.context["counts"]["late"] == 0
    client.force_login(f.officer(tree.commune_a))
    response = client.get(reverse("reports:period_detail", args=[period.pk]))
    assert "#review" not in response.content.decode()
    # a commune sees only its own report on the board
    assert _rows(response, "board-row") == [str(a.pk)]


def test_board_uses_the_same_number_of_queries_for_few_or_many_units(
    client, django_assert_max_num_queries
):
    from danvan.orgs.tests.factories import make_child

    tree = f.report_tree()
    period = f.make_period(tree.province)
    services.open_period(period, actor=f.officer(tree.province))
    client.force_login(f.reviewer(tree.province))
    url = reverse("reports:period_detail", args=[period.pk])
    few = _count_queries(client, url)
    for i in range(10):
        make_child(tree.province, name=f"Xã Thêm {i}", short_name=f"Thêm {i}")
    services.open_period(period, actor=f.officer(tree.province))
    assert Report.objects.filter(period=period).count() == 14
    many = _count_queries(client, url)
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(url)


def test_board_exports_to_excel(client):
    tree = f.report_tree()
    period = _current_period(tree)
    f.accepted(f.report_of(period, tree.commune_a), {"letters_received": 1})
    client.force_login(f.reviewer(tree.province))
    client.cookies["django_language"] = "en"
    response = client.get(reverse("reports:period_detail", args=[period.pk]), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=1, column=1).value.startswith(period.name)
    assert [c.value for c in sheet[3]][:3] == ["Unit", "State", "Revision"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {
        tree.province.name,
        tree.department.name,
        tree.commune_a.name,
        tree.commune_b.name,
    }
    assert rows[tree.commune_a.name][1] == "Accepted"
    assert rows[tree.commune_b.name][1] == "Draft"
    assert rows[tree.commune_a.name][5] == "no"
    # filtered like the board
    response = client.get(
        reverse("reports:period_detail", args=[period.pk]), {"format": "xlsx", "state": "draft"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 3 + 3


def test_other_communes_cannot_see_a_foreign_period(client):
    tree = f.report_tree()
    period = f.open_period(tree)
    client.force_login(f.officer(f.report_tree("Tỉnh Khác").commune_a))
    for name in ("period_detail", "period_edit"):
        assert client.get(reverse(f"reports:{name}", args=[period.pk])).status_code == 404
    for name in ("period_open", "period_close", "period_remind"):
        assert client.post(reverse(f"reports:{name}", args=[period.pk])).status_code == 404


def test_remind_now_reminds_outstanding_units_once_a_day(client):
    tree = f.report_tree()
    period = f.open_period(tree)
    f.submit(f.report_of(period, tree.commune_a))
    url = reverse("reports:period_remind", args=[period.pk])
    client.force_login(f.officer(tree.commune_b))
    assert client.post(url).status_code == 403
    client.force_login(f.officer(tree.province))
    before = Notification.objects.count()
    client.post(url)
    reminded = Report.objects.filter(period=period, last_reminded_on=timezone.localdate())
    assert set(reminded.values_list("unit_id", flat=True)) == {
        tree.province.pk,
        tree.department.pk,
        tree.commune_b.pk,
    }
    assert Notification.objects.count() > before
    b = f.report_of(period, tree.commune_b)
    assert b.events.filter(kind=EventKind.REMINDED).count() == 1
    assert Notification.objects.filter(user=f.officer(tree.commune_b)).exists()
    assert not Notification.objects.filter(
        user=f.officer(tree.commune_a), text__icontains="nhắc"
    ).exists()
    after_first = Notification.objects.count()
    client.post(url)
    assert Notification.objects.count() == after_first
    assert b.events.filter(kind=EventKind.REMINDED).count() == 1
    assert f.report_of(period, tree.commune_a).state == ReportState.SUBMITTED
