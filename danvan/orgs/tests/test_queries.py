"""Lists use a constant number of queries, whatever the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.orgs.models import Role, UnitKind
from danvan.orgs.tests.factories import MembershipFactory, UserFactory, make_child


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_unit_search_page_query_count_does_not_grow(client, tree, province_officer):
    client.force_login(province_officer)
    url = reverse("orgs:unit_list") + "?q=xa"
    for n in range(5):
        make_child(tree.province, name=f"Xã Thử {n}")
    small = count_queries(client, url)
    for n in range(5, 60):
        make_child(tree.province, name=f"Xã Thử {n}")
    assert count_queries(client, url) == small


def test_unit_page_and_members_page_query_counts_do_not_grow(
    client, tree, province_admin, django_assert_max_num_queries
):
    client.force_login(province_admin)
    members = reverse("orgs:unit_members", args=[tree.province.pk])
    detail = reverse("orgs:unit_detail", args=[tree.province.pk])
    for _ in range(3):
        MembershipFactory(user=UserFactory(), unit=tree.commune_a, role=Role.OFFICER)
    small = (count_queries(client, members), count_queries(client, detail))
    for _ in range(40):
        MembershipFactory(user=UserFactory(), unit=tree.commune_b, role=Role.OBSERVER)
    for n in range(25):
        make_child(tree.province, kind=UnitKind.DEPARTMENT, name=f"Sở thử {n}")
    assert (count_queries(client, members), count_queries(client, detail)) == small
    with django_assert_max_num_queries(15):
        client.get(detail)
