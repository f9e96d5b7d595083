import pytest

from danvan.orgs.models import Role
from danvan.orgs.tests.factories import MembershipFactory, UserFactory


def members_url(unit_id) -> str:
    return f"/api/v1/units/{unit_id}/memberships/"


@pytest.fixture
def staff(tree, commune_a_officer, commune_b_officer, province_officer):
    """Memberships at commune A, under it, beside it (commune B) and above it (province)."""
    cell_secretary = UserFactory(username="cell_secretary")
    MembershipFactory(user=cell_secretary, unit=tree.cell_a, role=Role.LEADER)
    former = UserFactory(username="former_officer")
    MembershipFactory(user=former, unit=tree.commune_a, role=Role.OFFICER, is_active=False)
    return tree


def usernames(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["user"]["username"] for row in response.json()["results"]]


COMMUNE_A_MEMBERS = ["commune_a_officer", "former_officer", "cell_secretary"]


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("province_officer", True),
        ("observer", True),
        ("council_member", True),
        ("commune_a_officer", True),
        ("system_admin", True),
        ("commune_b_officer", False),
        ("outsider", False),
    ],
)
def test_who_sees_the_memberships_of_commune_a(request, api_as, staff, who, sees):
    user = request.getfixturevalue(who)

    response = api_as(user).get(members_url(staff.commune_a.pk), HTTP_ACCEPT_LANGUAGE="en")

    if sees:
        assert usernames(response) == COMMUNE_A_MEMBERS
    else:
        # Exactly what an unknown unit answers: nothing to learn from it.
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_anonymous_is_401(api, staff):
    assert api.get(members_url(staff.commune_a.pk)).status_code == 401


def test_unknown_unit_is_404(api_as, province_officer):
    client = api_as(province_officer)

    assert client.get(members_url(999999)).status_code == 404
    assert client.get(members_url("abc")).status_code == 404


def test_system_admin_sees_every_unit(api_as, staff, system_admin):
    client = api_as(system_admin)

    assert "commune_b_officer" in usernames(client.get(members_url(staff.commune_b.pk)))
    assert usernames(client.get(members_url(staff.legacy.pk))) == []


def test_province_memberships_list_the_whole_province(api_as, staff, province_officer):
    listed = usernames(api_as(province_officer).get(members_url(staff.province.pk)))

    assert set(listed) == {
        "province_officer",
        "commune_a_officer",
        "former_officer",
        "cell_secretary",
        "commune_b_officer",
    }


def test_membership_fields(api_as, staff, commune_a_officer):
    response = api_as(commune_a_officer).get(
        members_url(staff.cell_a.pk), HTTP_ACCEPT_LANGUAGE="en"
    )
    (row,) = response.json()["results"]

    assert row == {
        "id": row["id"],
        "user": {
            "id": row["user"]["id"],
            "username": "cell_secretary",
            "full_name": row["user"]["full_name"],
        },
        "unit": {"id": staff.cell_a.pk, "name": "Chi bộ Khu phố 1"},
        "role": "leader",
        "role_display": "Unit leader",
        "is_active": True,
    }


def test_filter_active_and_role(api_as, staff, commune_a_officer):
    client = api_as(commune_a_officer)
    url = members_url(staff.commune_a.pk)

    assert usernames(client.get(url, {"is_active": "false"})) == ["former_officer"]
    assert usernames(client.get(url, {"role": "leader"})) == ["cell_secretary"]
    assert client.get(url, {"role": "boss"}).status_code == 400


def test_successor_members_see_the_memberships_of_the_legacy_unit(api_as, staff, province_officer):
    old_officer = UserFactory(username="old_officer")
    MembershipFactory(user=old_officer, unit=staff.legacy, role=Role.OFFICER, is_active=False)

    listed = usernames(api_as(province_officer).get(members_url(staff.legacy.pk)))

    assert listed == ["old_officer"]


def test_queries_do_not_grow_with_the_members(
    api_as, staff, province_officer, django_assert_max_num_queries
):
    for _number in range(30):
        MembershipFactory(user=UserFactory(), unit=staff.commune_b, role=Role.OBSERVER)
    client = api_as(province_officer)

    # session, user, unit, scope (memberships, successions), count, page
    with django_assert_max_num_queries(8):
        response = client.get(members_url(staff.province.pk), {"page_size": 100})

    assert response.json()["count"] == 35
