from django.urls import reverse
from rest_framework.authtoken.models import Token

from danvan.orgs.models import Role
from danvan.orgs.selectors import SESSION_WORKING_UNIT
from danvan.orgs.tests.factories import MembershipFactory

ME_URL = reverse("api-me")


def test_me_lists_memberships_and_working_unit(api_as, tree, commune_a_officer):
    MembershipFactory(user=commune_a_officer, unit=tree.cell_a, role=Role.REVIEWER)

    body = api_as(commune_a_officer).get(ME_URL, HTTP_ACCEPT_LANGUAGE="en").json()

    assert body["username"] == "commune_a_officer"
    assert body["email"] == "commune_a_officer@example.vn"
    assert body["full_name"] == commune_a_officer.full_name
    assert [(m["unit"]["name"], m["role"], m["role_display"]) for m in body["memberships"]] == [
        ("Phường Nha Trang", "officer", "Officer"),
        ("Chi bộ Khu phố 1", "reviewer", "Reviewer"),
    ]
    assert body["memberships"][0]["unit"] == {
        "id": tree.commune_a.pk,
        "name": "Phường Nha Trang",
        "kind": "commune",
    }
    assert body["working_unit"] == {
        "id": tree.commune_a.pk,
        "name": "Phường Nha Trang",
        "kind": "commune",
    }


def test_revoked_memberships_are_not_listed(api_as, tree, commune_a_officer):
    commune_a_officer.memberships.update(is_active=False)

    body = api_as(commune_a_officer).get(ME_URL).json()

    assert body["memberships"] == []
    assert body["working_unit"] is None


def test_working_unit_follows_the_choice_made_in_the_web_interface(api_as, tree, province_officer):
    MembershipFactory(user=province_officer, unit=tree.commune_b, role=Role.OFFICER)
    client = api_as(province_officer)
    assert client.get(ME_URL).json()["working_unit"]["id"] == tree.province.pk

    session = client.session
    session[SESSION_WORKING_UNIT] = tree.commune_b.pk
    session.save()

    assert client.get(ME_URL).json()["working_unit"]["id"] == tree.commune_b.pk


def test_token_caller_works_in_their_highest_unit(api, tree, province_officer):
    MembershipFactory(user=province_officer, unit=tree.commune_b, role=Role.OFFICER)
    token = Token.objects.create(user=province_officer)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    body = api.get(ME_URL).json()

    assert body["working_unit"]["id"] == tree.province.pk
    assert len(body["memberships"]) == 2


def test_user_without_memberships(api_as, outsider):
    body = api_as(outsider).get(ME_URL).json()

    assert body["memberships"] == []
    assert body["working_unit"] is None
