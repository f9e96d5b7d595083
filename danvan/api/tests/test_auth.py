import pytest
from django.urls import reverse

PASSWORD = "secret-pass-123"  # what UserFactory sets

TOKEN_URL = reverse("api-token")
ME_URL = reverse("api-me")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
INVALID_LOGIN_EN = "Unable to log in with provided credentials."


def obtain(api, username, password=PASSWORD, **headers):
    return api.post(TOKEN_URL, {"username": username, "password": password}, **headers)


@pytest.mark.parametrize("login", ["commune_a_officer", "commune_a_officer@example.vn"])
def test_token_by_username_or_email_then_token_works_for_me(api, commune_a_officer, login):
    response = obtain(api, login)

    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get(ME_URL)
    assert me.status_code == 200
    assert me.json()["username"] == "commune_a_officer"


def test_email_login_ignores_case(api, commune_a_officer):
    assert obtain(api, "Commune_A_Officer@Example.VN").status_code == 200


def test_same_token_on_every_login(api, commune_a_officer):
    first = obtain(api, "commune_a_officer").json()["token"]
    second = obtain(api, "commune_a_officer@example.vn").json()["token"]

    assert first == second


def test_wrong_password_is_400_in_vietnamese_by_default(api, commune_a_officer):
    response = obtain(api, "commune_a_officer", "wrong-password")

    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["non_field_errors"]
    assert len(body["non_field_errors"]) == 1
    assert body["non_field_errors"][0] != INVALID_LOGIN_EN
    assert response["Content-Language"] == "vi"


def test_wrong_password_in_english_when_asked(api, commune_a_officer):
    response = obtain(api, "commune_a_officer", "wrong-password", **EN)

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [INVALID_LOGIN_EN]}


def test_unknown_user_answers_like_a_wrong_password(api, db):
    response = obtain(api, "nobody@example.vn", "whatever", **EN)

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [INVALID_LOGIN_EN]}


def test_missing_fields_are_named(api, db):
    response = api.post(TOKEN_URL, {"username": "someone"}, **EN)

    assert response.status_code == 400
    assert response.json() == {"password": ["This field is required."]}


def test_inactive_user_gets_no_token(api, commune_a_officer):
    commune_a_officer.is_active = False
    commune_a_officer.save()

    assert obtain(api, "commune_a_officer").status_code == 400


def test_repeated_failures_lock_the_account_even_with_the_right_password(
    api, commune_a_officer, settings
):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        obtain(api, "commune_a_officer", "wrong-password")

    response = obtain(api, "commune_a_officer", **EN)

    assert response.status_code == 429
    assert response.json() == {"detail": "Too many failed login attempts. Try again later."}
    assert "token" not in response.json()


def test_a_success_clears_earlier_failures(api, commune_a_officer, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        obtain(api, "commune_a_officer", "wrong-password")
    assert obtain(api, "commune_a_officer").status_code == 200

    obtain(api, "commune_a_officer", "wrong-password")

    assert obtain(api, "commune_a_officer").status_code == 200


def test_bad_token_is_rejected(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert api.get(ME_URL).status_code == 401


def test_anonymous_me_is_401(api, db):
    response = api.get(ME_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
