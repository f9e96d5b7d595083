"""Who may open which page of the orgs app, for every standard user and unit.

The expectations are written out by hand (not derived from the rules under test).
"""

import pytest
from django.urls import reverse

from danvan.orgs.models import Membership, Role, Unit

USERS = [
    "anonymous",
    "outsider",
    "province_officer",
    "observer",
    "council_member",
    "province_admin",
    "commune_a_officer",
    "commune_a_admin",
    "commune_b_officer",
    "system_admin",
]

# Members page and change history: any role whose subtree holds the unit.
SEES_MEMBERS = {
    "commune_a": {
        "province_officer",
        "observer",
        "council_member",
        "province_admin",
        "commune_a_officer",
        "commune_a_admin",
        "system_admin",
    },
    "commune_b": {
        "province_officer",
        "observer",
        "council_member",
        "province_admin",
        "commune_b_officer",
        "system_admin",
    },
    "province": {
        "province_officer",
        "observer",
        "council_member",
        "province_admin",
        "system_admin",
    },
    # Former Ninh Thuận: reached through its successor, the province.
    "legacy": {
        "province_officer",
        "observer",
        "council_member",
        "province_admin",
        "system_admin",
    },
}
# Adding agencies, editing, granting and revoking roles: unit administrators in scope.
ADMINISTERS = {
    "commune_a": {"province_admin", "commune_a_admin", "system_admin"},
    "commune_b": {"province_admin", "system_admin"},
    "province": {"province_admin", "system_admin"},
}


@pytest.fixture
def everyone(
    tree,
    outsider,
    province_officer,
    observer,
    council_member,
    province_admin,
    commune_a_officer,
    commune_a_admin,
    commune_b_officer,
    system_admin,
):
    return {
        "anonymous": None,
        "outsider": outsider,
        "province_officer": province_officer,
        "observer": observer,
        "council_member": council_member,
        "province_admin": province_admin,
        "commune_a_officer": commune_a_officer,
        "commune_a_admin": commune_a_admin,
        "commune_b_officer": commune_b_officer,
        "system_admin": system_admin,
    }


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


def assert_login_redirect(response):
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("target", ["commune_a", "commune_b", "province", "legacy"])
def test_unit_page_is_open_to_every_logged_in_user(client, tree, everyone, who, target):
    unit = getattr(tree, target)
    response = client_for(client, everyone[who]).get(reverse("orgs:unit_detail", args=[unit.pk]))
    if who == "anonymous":
        assert_login_redirect(response)
    else:
        assert response.status_code == 200
        assert unit.name in response.content.decode()


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("target", ["commune_a", "commune_b", "province", "legacy"])
def test_members_and_history_pages_only_in_scope(client, tree, everyone, who, target):
    unit = getattr(tree, target)
    client = client_for(client, everyone[who])
    for url in (
        reverse("orgs:unit_members", args=[unit.pk]),
        reverse("core:object_history", args=["orgs.unit", unit.pk]),
    ):
        response = client.get(url)
        if who == "anonymous":
            assert_login_redirect(response)
        elif who in SEES_MEMBERS[target]:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 404, url


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("target", ["commune_a", "commune_b", "province"])
def test_adding_an_agency_only_for_unit_admins_in_scope(client, tree, everyone, who, target):
    unit = getattr(tree, target)
    client = client_for(client, everyone[who])
    url = reverse("orgs:agency_create", args=[unit.pk])
    before = Unit.objects.count()
    get = client.get(url)
    post = client.post(url, {"kind": "mass_org", "name": "Hội Cựu chiến binh"})
    if who == "anonymous":
        assert_login_redirect(get)
        assert_login_redirect(post)
    elif who in ADMINISTERS[target]:
        assert get.status_code == 200
        assert post.status_code == 302
        created = Unit.objects.get(name="Hội Cựu chiến binh")
        assert created.path.startswith(unit.path) and created.depth == unit.depth + 1
        return
    else:
        assert get.status_code == 404
        assert post.status_code == 404
    assert Unit.objects.count() == before


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("target", ["commune_a", "commune_b", "province"])
def test_editing_a_unit_only_for_unit_admins_in_scope(client, tree, everyone, who, target):
    unit = getattr(tree, target)
    client = client_for(client, everyone[who])
    url = reverse("orgs:unit_edit", args=[unit.pk])
    post = client.post(url, {"name": unit.name, "short_name": "X", "is_remote_area": "on"})
    unit.refresh_from_db()
    if who == "anonymous":
        assert_login_redirect(post)
    elif who in ADMINISTERS[target]:
        assert post.status_code == 302
        assert unit.is_remote_area and unit.short_name == "X"
        return
    else:
        assert post.status_code == 404
    assert not unit.is_remote_area


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("target", ["commune_a", "commune_b"])
def test_granting_and_revoking_roles_only_for_unit_admins_in_scope(
    client, tree, everyone, who, target
):
    unit = getattr(tree, target)
    other = everyone["outsider"]
    client = client_for(client, everyone[who])
    grant = client.post(
        reverse("orgs:unit_members", args=[unit.pk]),
        {"login": other.username, "role": Role.OBSERVER},
    )
    granted = Membership.objects.filter(user=other, unit=unit, role=Role.OBSERVER)
    if who == "anonymous":
        assert_login_redirect(grant)
    elif who in ADMINISTERS[target]:
        assert grant.status_code == 302
        membership = granted.get()
        revoke = client.post(reverse("orgs:membership_revoke", args=[unit.pk, membership.pk]))
        assert revoke.status_code == 302
        membership.refresh_from_db()
        assert not membership.is_active
        return
    elif who in SEES_MEMBERS[target]:
        assert grant.status_code == 400  # may read the page, may not post to it
    else:
        assert grant.status_code == 404
    assert not granted.exists()
    # Nobody but an administrator may revoke an existing role either.
    existing = Membership.objects.filter(unit=unit).first()
    if existing is not None and who != "anonymous":
        response = client.post(reverse("orgs:membership_revoke", args=[unit.pk, existing.pk]))
        assert response.status_code == 404
        existing.refresh_from_db()
        assert existing.is_active


def test_a_commune_officer_never_sees_another_communes_members(
    client, tree, commune_a_admin, commune_b_officer
):
    client.force_login(commune_b_officer)
    response = client.get(reverse("orgs:unit_members", args=[tree.commune_a.pk]))
    assert response.status_code == 404
    assert "commune_a_admin" not in response.content.decode()
    own = client.get(reverse("orgs:unit_members", args=[tree.commune_b.pk]))
    assert "commune_b_officer" in own.content.decode()


def test_province_members_page_lists_commune_members(
    client, tree, province_officer, commune_a_officer
):
    client.force_login(province_officer)
    page = client.get(reverse("orgs:unit_members", args=[tree.province.pk])).content.decode()
    assert "commune_a_officer" in page
    assert "province_officer" in page


def test_unknown_unit_answers_404(client, province_officer):
    client.force_login(province_officer)
    assert client.get(reverse("orgs:unit_detail", args=[999999])).status_code == 404
    assert client.get(reverse("orgs:unit_members", args=[999999])).status_code == 404
    assert client.get("/history/orgs.nothing/1/").status_code == 404
