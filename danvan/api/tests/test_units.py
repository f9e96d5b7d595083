import datetime as dt
import unicodedata

import pytest
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from danvan.api.views import Pagination
from danvan.orgs.models import UnitKind
from danvan.orgs.tests.factories import make_child, make_root

LIST_URL = reverse("api-unit-list")


def detail_url(unit_id) -> str:
    return f"/api/v1/units/{unit_id}/"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def client(api_as, outsider):
    """Unit names are public: a user with no membership at all lists every unit."""
    return api_as(outsider)


# --- list -------------------------------------------------------------------------------------


def test_anonymous_cannot_list_units(api, tree):
    assert api.get(LIST_URL).status_code == 401


def test_list_shows_every_unit_in_tree_order_with_its_fields(client, tree):
    response = client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="en")

    assert names(response) == [
        "Tỉnh Khánh Hòa",
        "Sở Nội vụ",
        "Phường Nha Trang",
        "Chi bộ Khu phố 1",
        "Phường Phan Rang",
        "Tỉnh Ninh Thuận",
    ]
    rows = {row["name"]: row for row in response.json()["results"]}
    commune = rows["Phường Nha Trang"]
    assert commune == {
        "id": tree.commune_a.pk,
        "code": "22366",
        "kind": "commune",
        "kind_display": "Commune / ward / special zone",
        "name": "Phường Nha Trang",
        "short_name": "Nha Trang",
        "parent": tree.province.pk,
        "depth": 2,
        "valid_from": "2025-07-01",
        "valid_to": None,
        "is_current": True,
        "is_remote_area": False,
        "url": f"http://testserver/api/v1/units/{tree.commune_a.pk}/",
    }
    assert rows["Chi bộ Khu phố 1"]["parent"] == tree.commune_a.pk
    assert rows["Tỉnh Khánh Hòa"]["parent"] is None
    assert rows["Tỉnh Ninh Thuận"]["is_current"] is False


def test_filter_by_kind(client, tree):
    assert names(client.get(LIST_URL, {"kind": "province"})) == [
        "Tỉnh Khánh Hòa",
        "Tỉnh Ninh Thuận",
    ]


def test_filter_by_parent_gives_direct_children_only(client, tree):
    assert names(client.get(LIST_URL, {"parent": tree.province.pk})) == [
        "Sở Nội vụ",
        "Phường Nha Trang",
        "Phường Phan Rang",
    ]


def test_filter_by_ancestor_gives_the_whole_subtree(client, tree):
    assert names(client.get(LIST_URL, {"ancestor": tree.commune_a.pk})) == [
        "Phường Nha Trang",
        "Chi bộ Khu phố 1",
    ]


@pytest.mark.parametrize(
    "query",
    ["khanh hoa", "Khánh Hòa", unicodedata.normalize("NFD", "Khánh Hòa"), "KHANH  hoa"],
)
def test_search_ignores_accents_case_and_unicode_form(client, tree, query):
    assert names(client.get(LIST_URL, {"q": query})) == ["Tỉnh Khánh Hòa"]


def test_search_turns_d_stroke_into_d(client, tree):
    make_root(code="66", name="Tỉnh Đắk Lắk", short_name="Đắk Lắk")

    assert names(client.get(LIST_URL, {"q": "dak lak"})) == ["Tỉnh Đắk Lắk"]
    assert names(client.get(LIST_URL, {"q": "Đắk"})) == ["Tỉnh Đắk Lắk"]


def test_search_by_code(client, tree):
    assert names(client.get(LIST_URL, {"q": "22738"})) == ["Phường Phan Rang"]


@pytest.mark.parametrize("day", ["2025-01-01", "01/01/2025"])
def test_valid_on_before_the_merger_lists_the_legacy_province(client, tree, day):
    assert names(client.get(LIST_URL, {"valid_on": day})) == ["Tỉnh Ninh Thuận"]


def test_valid_on_after_the_merger_leaves_the_legacy_province_out(client, tree):
    listed = names(client.get(LIST_URL, {"valid_on": "2026-01-01"}))

    assert "Tỉnh Ninh Thuận" not in listed
    assert "Tỉnh Khánh Hòa" in listed


def test_filters_combine(client, tree):
    response = client.get(LIST_URL, {"kind": "commune", "ancestor": tree.province.pk, "q": "nha"})

    assert names(response) == ["Phường Nha Trang"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"valid_on": "2025-13-45"}, "valid_on"),
        ({"valid_on": "yesterday"}, "valid_on"),
        ({"kind": "village"}, "kind"),
        ({"parent": "abc"}, "parent"),
        ({"parent": "999999"}, "parent"),
        ({"ancestor": "999999"}, "ancestor"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_invalid_filter_is_400_naming_the_field(client, tree, params, field):
    response = client.get(LIST_URL, params)

    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert body[field]  # a message to show


def test_invalid_filter_message_follows_the_language(client, tree):
    response = client.get(LIST_URL, {"valid_on": "nope"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.json() == {"valid_on": ["Enter a valid date."]}


def test_pagination(client, tree):
    first = client.get(LIST_URL, {"page_size": 4}).json()
    second = client.get(LIST_URL, {"page_size": 4, "page": 2}).json()

    assert first["count"] == 6
    assert len(first["results"]) == 4
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert [row["name"] for row in second["results"]] == ["Phường Phan Rang", "Tỉnh Ninh Thuận"]
    assert second["next"] is None


@pytest.mark.parametrize(("asked", "given"), [("10000", 500), ("120", 120), ("abc", 50)])
def test_page_size_is_capped_at_500(asked, given):
    request = Request(APIRequestFactory().get(LIST_URL, {"page_size": asked}))

    assert Pagination().get_page_size(request) == given


def test_page_past_the_end_is_404(client, tree):
    assert client.get(LIST_URL, {"page": 99}).status_code == 404


@pytest.fixture
def many_units(tree):
    for number in range(60):
        make_child(tree.commune_b, kind=UnitKind.PARTY, name=f"Chi bộ Tổ dân phố {number}")


def test_list_uses_a_constant_number_of_queries(
    client, many_units, django_assert_max_num_queries, django_assert_num_queries
):
    # session, user, count, page: the same for 5 rows as for 66.
    with django_assert_max_num_queries(4):
        small = client.get(LIST_URL, {"page_size": 5})
    with django_assert_num_queries(4):
        large = client.get(LIST_URL, {"page_size": 100})

    assert len(small.json()["results"]) == 5
    assert len(large.json()["results"]) == 66
    rows = large.json()["results"]
    cells = [row for row in rows if row["name"].startswith("Chi bộ Tổ dân phố")]
    assert len(cells) == 60
    assert {row["parent"] for row in cells} == {
        next(row["id"] for row in rows if row["name"] == "Phường Phan Rang")
    }


# --- detail -----------------------------------------------------------------------------------


def test_detail_of_a_legacy_unit_names_its_successor(client, tree):
    body = client.get(detail_url(tree.legacy.pk)).json()

    assert body["name"] == "Tỉnh Ninh Thuận"
    assert body["is_current"] is False
    assert body["valid_to"] == "2025-06-30"
    assert body["successors"] == [
        {"id": tree.province.pk, "name": "Tỉnh Khánh Hòa", "kind": "province", "date": "2025-07-01"}
    ]
    assert body["predecessors"] == []
    assert body["ancestors"] == []
    assert body["parent"] is None


def test_detail_of_the_merged_province_names_its_predecessor(client, tree):
    body = client.get(detail_url(tree.province.pk)).json()

    assert body["predecessors"] == [
        {"id": tree.legacy.pk, "name": "Tỉnh Ninh Thuận", "kind": "province", "date": "2025-07-01"}
    ]
    assert body["successors"] == []


def test_detail_lists_ancestors_from_the_root_down(client, tree):
    body = client.get(detail_url(tree.cell_a.pk)).json()

    assert body["ancestors"] == [
        {"id": tree.province.pk, "name": "Tỉnh Khánh Hòa", "kind": "province"},
        {"id": tree.commune_a.pk, "name": "Phường Nha Trang", "kind": "commune"},
    ]
    assert body["parent"] == tree.commune_a.pk
    assert body["depth"] == 3


@pytest.mark.parametrize("unit_id", ["999999", "abc", "1.5", "-1", "0", "9" * 30])
def test_detail_of_an_unknown_unit_is_a_json_404(client, tree, unit_id):
    response = client.get(detail_url(unit_id), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_anonymous_cannot_read_a_unit(api, tree):
    assert api.get(detail_url(tree.province.pk)).status_code == 401


def test_valid_on_is_about_the_day_asked(client, tree):
    # A unit created for the future is not in force today.
    make_root(name="Tỉnh Tương Lai", valid_from=dt.date(2999, 1, 1))

    assert "Tỉnh Tương Lai" not in names(client.get(LIST_URL, {"valid_on": "2030-01-01"}))
    assert "Tỉnh Tương Lai" in names(client.get(LIST_URL, {"valid_on": "01/01/2999"}))
