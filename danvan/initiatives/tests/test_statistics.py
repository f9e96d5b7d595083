"""Campaign statistics: the funnel, by field, by unit, replications, and the page."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.initiatives import statistics
from danvan.initiatives.models import Status
from danvan.initiatives.tests.factories import make_campaign, make_initiative
from danvan.orgs.tests.factories import make_child


def stages(numbers):
    return {row["stage"]: row["count"] for row in numbers["funnel"]}


def test_funnel_counts_every_stage_an_initiative_reached(campaign, tree):
    make_initiative(campaign, tree.commune_a, status=Status.REWARDED, name="Được khen")
    make_initiative(campaign, tree.commune_b, status=Status.DISCONTINUED, name="Dừng")
    make_initiative(campaign, tree.department, name="Nháp")

    numbers = statistics.campaign_statistics(campaign)

    # Recognised then rewarded: counted in both; discontinued: still registered.
    assert stages(numbers) == {
        "registered": 2,
        "accepted": 1,
        "recognised": 1,
        "proposed": 0,
        "rewarded": 1,
    }
    assert numbers["total"] == 3
    assert numbers["by_status"][Status.DISCONTINUED] == 1
    funnel = statistics.with_conversion(numbers["funnel"])
    assert [row["pct"] for row in funnel] == [100.0, 50.0, 50.0, 0.0, 50.0]


def test_conversion_of_an_empty_funnel_is_not_a_number(campaign):
    funnel = statistics.with_conversion(statistics.campaign_statistics(campaign)["funnel"])
    assert {row["pct"] for row in funnel} == {None}


def test_counts_by_field(campaign, tree):
    economy, culture = list(campaign.fields.all())[:2]
    make_initiative(campaign, tree.commune_a, status=Status.RECOGNISED, field=economy)
    make_initiative(campaign, tree.commune_b, status=Status.REGISTERED, field=economy)
    make_initiative(campaign, tree.department, status=Status.REGISTERED, field=culture)
    make_initiative(campaign, tree.cell_a, field=culture)  # a draft: not registered

    by_field = {row["field"]: row for row in statistics.campaign_statistics(campaign)["by_field"]}

    assert (by_field[economy.name]["count"], by_field[economy.name]["recognised"]) == (2, 1)
    assert (by_field[culture.name]["count"], by_field[culture.name]["recognised"]) == (1, 0)


def test_within_restricts_every_number_to_a_subtree(campaign, tree):
    make_initiative(campaign, tree.commune_a, status=Status.RECOGNISED)
    make_initiative(campaign, tree.cell_a, status=Status.REGISTERED)
    make_initiative(campaign, tree.commune_b, status=Status.REGISTERED)

    numbers = statistics.campaign_statistics(campaign, within=tree.commune_a)

    assert numbers["total"] == 2
    assert stages(numbers)["registered"] == 2
    assert sum(row["count"] for row in numbers["by_field"]) == 2


def test_by_unit_aggregates_each_child_over_its_subtree(campaign, tree):
    make_initiative(campaign, tree.commune_a, status=Status.RECOGNISED, name="Gốc")
    make_initiative(campaign, tree.cell_a, status=Status.REGISTERED)
    make_initiative(campaign, tree.province, status=Status.REGISTERED, name="Của tỉnh")

    result = statistics.by_unit(campaign)

    rows = {row["unit"].name: row for row in result["rows"]}
    assert set(rows) == {"Phường Nha Trang"}
    assert (rows["Phường Nha Trang"]["registered"], rows["Phường Nha Trang"]["recognised"]) == (
        2,
        1,
    )
    assert result["own"] == {"registered": 1, "recognised": 0, "replications": 0}
    assert result["silent"] == 2  # the department and commune B registered nothing


def test_top_replicated_models_of_any_year(campaign, tree):
    last_year = make_campaign(tree.province, year=campaign.year - 1)
    source = make_initiative(last_year, tree.commune_a, status=Status.RECOGNISED, name="Gốc")
    make_initiative(campaign, tree.commune_b, status=Status.REGISTERED, replicated_from=source)
    make_initiative(campaign, tree.department, status=Status.REGISTERED, replicated_from=source)
    make_initiative(campaign, tree.cell_a, replicated_from=source)  # a draft: not yet

    top = statistics.top_replicated(campaign)

    assert [(model.name, model.n_replicated) for model in top] == [("Gốc", 2)]
    assert statistics.top_replicated(campaign, within=tree.commune_b)[0].n_replicated == 1
    assert statistics.by_unit(campaign)["rows"][0]["replications"] == 1


# ---------------------------------------------------------------------------- page


def test_statistics_page_shows_the_numbers(client, campaign, tree, observer):
    make_initiative(campaign, tree.commune_a, status=Status.REWARDED)
    make_initiative(campaign, tree.commune_b, status=Status.DISCONTINUED)
    client.force_login(observer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("initiatives:statistics", args=[campaign.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<tr data-stage="registered"><td>Registered</td><td class="text-end">2</td>' in page
    assert '<tr data-stage="rewarded"><td>Rewarded</td><td class="text-end">1</td>' in page
    assert "50,0%" in page or "50.0%" in page
    assert 'id="funnel-values" type="application/json">[2, 1, 1, 0, 1]' in page
    assert "Phường Nha Trang" in page and "Phường Phan Rang" in page


def test_commune_b_officer_sees_commune_b_numbers_only(client, campaign, tree, commune_b_officer):
    make_initiative(campaign, tree.commune_a, status=Status.REGISTERED, name="Của Nha Trang")
    make_initiative(campaign, tree.commune_b, status=Status.REGISTERED, name="Của Phan Rang")
    client.force_login(commune_b_officer)

    response = client.get(reverse("initiatives:statistics", args=[campaign.pk]))

    assert response.status_code == 200
    assert response.context["numbers"]["total"] == 1
    assert response.context["scoped"]
    assert "Phường Nha Trang" not in response.content.decode()


def test_statistics_page_queries_are_constant(
    client, campaign, tree, observer, django_assert_max_num_queries
):
    client.force_login(observer)
    url = reverse("initiatives:statistics", args=[campaign.pk])

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    source = make_initiative(campaign, tree.commune_a, status=Status.RECOGNISED, name="Gốc")
    make_initiative(campaign, tree.commune_b, status=Status.REGISTERED, replicated_from=source)
    few = measure()
    for i in range(6):
        commune = make_child(tree.province, code=f"7{i:04d}", name=f"Xã {i}")
        make_initiative(campaign, commune, status=Status.REGISTERED, replicated_from=source)
    assert measure() == few
    with django_assert_max_num_queries(20):
        client.get(url)


@pytest.mark.parametrize("name", ["statistics", "quota"])
def test_observer_may_read_but_the_pages_offer_no_write(client, campaign, observer, name):
    client.force_login(observer)
    page = client.get(reverse(f"initiatives:{name}", args=[campaign.pk])).content.decode()
    assert 'method="post"' not in page.split('id="main"')[1].split("</main>")[0]
