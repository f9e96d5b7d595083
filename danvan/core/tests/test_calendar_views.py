"""The working-day calendar pages: everyone logged in reads, system administrators edit."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.core.models import CalendarDay
from danvan.core.workdays import DayKind, default_calendar, forget_calendar
from danvan.petitions.tests.factories import make_letter

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_calendar():
    forget_calendar()
    yield
    forget_calendar()


def _cell(html: str, day: dt.date) -> str:
    """The opening tag of the grid cell of ``day``."""
    match = re.search(rf'<td class="[^"]*"[^>]*data-date="{day:%Y-%m-%d}"[^>]*>', html)
    assert match, day
    return match.group(0)


def test_the_year_page(client, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.get(reverse("calendar:year_of", args=[2026]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="cal-off"' in _cell(html, D(2026, 2, 17))  # Tết
    assert 'data-working="0"' in _cell(html, D(2026, 2, 17))
    assert "cal-swapped" in _cell(html, D(2026, 1, 10))  # the Saturday worked for 02/01
    assert "cal-weekend" in _cell(html, D(2026, 1, 11))
    assert "cal-working" in _cell(html, D(2026, 1, 12))
    assert "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)" in _cell(html, D(2026, 1, 2))
    # The lunar date: 17/02/2026 is the 1st of the 1st month.
    assert re.search(r'data-date="2026-02-17"[^>]*>\s*17<span class="lunar">1/1</span>', html)
    entries = response.context["entries"]
    dates = [day.date for day in entries]
    assert D(2026, 2, 16) in dates
    assert D(2026, 1, 10) in dates  # an override on a weekend
    assert D(2026, 4, 26) not in dates  # a computed holiday on a Sunday: in the grid only
    assert D(2026, 4, 27) in dates
    assert "9441/TB-BNV" in html
    assert "12729/VPCP-KGVX" in html
    assert response.context["notes"] == []
    assert 'data-testid="add-day"' not in html
    assert reverse("calendar:day_new") not in html


def test_a_year_without_a_notice_says_it_is_computed(client, commune_b_officer):
    client.force_login(commune_b_officer)
    response = client.get(reverse("calendar:year_of", args=[2027]))
    assert response.status_code == 200
    notes = response.context["notes"]
    assert len(notes) == 2  # no notice for the year, and Tết in particular
    assert "06/02/2027" in notes[1]
    html = response.content.decode()
    assert html.count('data-testid="computed"') == len(response.context["entries"])
    assert "cal-off" in _cell(html, D(2027, 2, 10))  # the computed compensatory day
    response = client.get(reverse("calendar:year_of", args=[2030]))
    assert "02/02/2030" in response.context["notes"][1]


def test_the_current_year_and_the_bounds(client, outsider):
    assert client.get(reverse("calendar:year")).status_code == 302  # login first
    client.force_login(outsider)
    response = client.get(reverse("calendar:year"))
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year
    assert client.get(reverse("calendar:year_of", args=[1900])).status_code == 404
    assert client.get(reverse("calendar:year_of", args=[2101])).status_code == 404
    response = client.get(reverse("calendar:year_of", args=[2100]))
    assert response.status_code == 200
    assert response.context["next"] is None


def test_the_year_page_reads_the_database_once(
    client, commune_a_officer, django_assert_max_num_queries
):
    client.force_login(commune_a_officer)
    default_calendar()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("calendar:year_of", args=[2025])).status_code == 200


@pytest.mark.parametrize("user", ["commune_a_officer", "province_admin", "commune_a_admin"])
def test_others_cannot_change_the_calendar(client, db, request, user):
    client.force_login(request.getfixturevalue(user))
    row = CalendarDay.objects.get(date=D(2026, 1, 2))
    data = {"date": "2026-11-24", "kind": DayKind.DAY_OFF, "name": "x", "source": "x"}
    assert client.get(reverse("calendar:day_new")).status_code == 403
    assert client.post(reverse("calendar:day_new"), data).status_code == 403
    assert client.get(reverse("calendar:day_edit", args=[row.pk])).status_code == 403
    assert client.post(reverse("calendar:day_edit", args=[row.pk]), data).status_code == 403
    assert client.post(reverse("calendar:day_delete", args=[row.pk])).status_code == 403
    assert not CalendarDay.objects.filter(date=D(2026, 11, 24)).exists()
    assert CalendarDay.objects.get(pk=row.pk).date == D(2026, 1, 2)


def test_an_administrator_adds_edits_and_removes_a_day(
    client, system_admin, tree, django_capture_on_commit_callbacks
):
    letter = make_letter(tree.commune_a, received_on=D(2026, 11, 16))  # due Mon 30/11
    assert letter.current_due == D(2026, 11, 30)
    client.force_login(system_admin)
    page = client.get(reverse("calendar:year_of", args=[2026]))
    assert 'data-testid="add-day"' in page.content.decode()
    form = client.get(reverse("calendar:day_new") + "?date=2026-11-24")
    assert form.status_code == 200
    assert 'value="2026-11-24"' in form.content.decode()

    data = {
        "date": "24/11/2026",
        "kind": DayKind.DAY_OFF,
        "name": "Ngày Văn hóa Việt Nam",
        "source": "Quyết định (test)",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("calendar:day_new"), data)
    assert response.status_code == 302
    assert response.url == reverse("calendar:year_of", args=[2026])
    row = CalendarDay.objects.get(date=D(2026, 11, 24))
    assert not default_calendar().is_working_day(D(2026, 11, 24))
    letter.refresh_from_db()
    assert letter.current_due == D(2026, 12, 1)  # the stored deadline moved

    edit = reverse("calendar:day_edit", args=[row.pk])
    assert client.get(edit).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit, {**data, "date": "2026-11-24", "name": "Ngày Văn hóa"})
    assert response.status_code == 302
    assert CalendarDay.objects.get(pk=row.pk).name == "Ngày Văn hóa"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("calendar:day_delete", args=[row.pk]))
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=row.pk).exists()
    letter.refresh_from_db()
    assert letter.current_due == D(2026, 11, 30)
    assert client.get(reverse("calendar:day_delete", args=[row.pk])).status_code == 405


def test_clear_errors(client, system_admin):
    client.force_login(system_admin)
    url = reverse("calendar:day_new")

    response = client.post(
        url, {"date": "2026-01-02", "kind": DayKind.DAY_OFF, "name": "x", "source": "x"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "02/01/2026" in errors["date"][0]  # already has an entry: edit that one
    assert CalendarDay.objects.filter(date=D(2026, 1, 2)).count() == 1

    response = client.post(url, {"date": "2026-11-25", "kind": DayKind.WORKING, "name": "x"})
    errors = response.context["form"].errors
    assert "25/11/2026" in errors["kind"][0]  # an ordinary Wednesday is already working
    assert "source" in errors

    response = client.post(
        url, {"date": "2026-11-28", "kind": DayKind.DAY_OFF, "name": "x", "source": "x"}
    )
    assert "kind" in response.context["form"].errors  # a Saturday is already a day off

    response = client.post(url, {"date": "1850-01-01", "kind": DayKind.HOLIDAY, "name": "x"})
    assert "date" in response.context["form"].errors
    assert 'class="form-control is-invalid"' in response.content.decode()

    # A Saturday made a working day, and a holiday confirmed on a weekend, are fine.
    response = client.post(
        url, {"date": "2026-11-28", "kind": DayKind.WORKING, "name": "Làm bù", "source": "x"}
    )
    assert response.status_code == 302
