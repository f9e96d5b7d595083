from unittest import mock

import pytest
from axes.utils import reset as reset_axes
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse

from conftest import PASSWORD
from danvan.orgs.models import Unit


@pytest.fixture(autouse=True)
def _fresh_axes(db):
    reset_axes()
    yield
    reset_axes()


def test_healthz_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_the_database_is_down(client, db):
    with mock.patch("danvan.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_dashboard_shows_the_working_unit(client, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="vi">' in page
    assert "Phường Nha Trang" in page
    assert "Phường Phan Rang" not in page


def test_dashboard_without_membership_says_so(client, outsider):
    client.force_login(outsider)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("home")).content.decode()
    assert "You are not a member of any unit yet" in page


def test_anonymous_dashboard_goes_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "login", ["commune_a_officer", "commune_a_officer@example.vn", "Commune_A_Officer@Example.VN"]
)
def test_login_by_username_or_email(client, commune_a_officer, login):
    response = client.post(reverse("login"), {"username": login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user == commune_a_officer


def test_wrong_password_stays_on_the_login_page_with_a_vietnamese_error(client, commune_a_officer):
    response = client.post(reverse("login"), {"username": "commune_a_officer", "password": "wrong"})
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_lockout_after_five_failures_even_with_the_right_password(client, commune_a_officer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "commune_a_officer", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "commune_a_officer", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "15 phút" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_logout_is_a_post(client, commune_a_officer):
    client.force_login(commune_a_officer)
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-2026",
            "new_password2": "a-new-long-passphrase-2026",
        },
    )
    assert response.status_code == 302
    commune_a_officer.refresh_from_db()
    assert commune_a_officer.check_password("a-new-long-passphrase-2026")


def test_language_switch_to_english_and_back(client, commune_a_officer):
    client.force_login(commune_a_officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page and "Dashboard" in page
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Tổng quan" in client.get(reverse("home")).content.decode()


def test_browser_language_does_not_override_vietnamese(client, commune_a_officer):
    client.force_login(commune_a_officer)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in page


def test_unknown_url_shows_our_404(client, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_history_page_shows_who_changed_what(client, tree, commune_a_admin):
    client.force_login(commune_a_admin)
    client.post(
        reverse("orgs:unit_edit", args=[tree.commune_a.pk]),
        {
            "name": "Phường Nha Trang",
            "short_name": "NT",
            "is_remote_area": "on",
        },
    )
    assert Unit.objects.get(pk=tree.commune_a.pk).is_remote_area
    page = client.get(reverse("core:object_history", args=["orgs.unit", tree.commune_a.pk]))
    text = page.content.decode()
    assert commune_a_admin.full_name in text
    assert "Vùng sâu, vùng xa" in text or "vùng sâu, vùng xa" in text.lower()
    assert "NT" in text


def test_password_reset_sends_a_link_that_sets_a_new_password(client, commune_a_officer):
    from django.core import mail

    response = client.post(reverse("password_reset"), {"email": commune_a_officer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "another-long-pass-2026", "new_password2": "another-long-pass-2026"},
    )
    assert response.status_code == 302
    commune_a_officer.refresh_from_db()
    assert commune_a_officer.check_password("another-long-pass-2026")
