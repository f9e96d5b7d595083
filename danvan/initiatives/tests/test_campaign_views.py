"""The campaign screens: list, create, detail, settings, copy, fields, rubric editor, card."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danvan.initiatives import services
from danvan.initiatives.models import Campaign, CampaignStatus, Council, Level, Status
from danvan.initiatives.tests.factories import make_campaign, make_initiative
from danvan.orgs.models import UnitKind
from danvan.orgs.tests.factories import make_child


@pytest.fixture
def as_user(client):
    """Log ``user`` in (English pages, so assertions read the msgids)."""

    def login(user):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_login(user)
        return client

    return login


def detail_url(campaign) -> str:
    return reverse("initiatives:campaign_detail", args=[campaign.pk])


def page(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- create


def test_create_form_offers_the_defaults_and_creates_fields_and_levels(as_user, province_officer):
    client = as_user(province_officer)
    year = timezone.localdate().year
    form = client.get(reverse("initiatives:campaign_create"))
    assert form.status_code == 200
    html = page(form)
    assert f"Phong trào thi đua “Dân vận khéo” năm {year} — Tỉnh Khánh Hòa" in html
    assert f'value="{year}-03-31"' in html  # registration closes 31/03 by default
    assert f'value="{year}-10-15"' in html  # appraisal closes 15/10 by default

    response = client.post(
        reverse("initiatives:campaign_create"),
        {
            "year": year,
            "name": f"Phong trào thi đua “Dân vận khéo” năm {year}",
            "registration_opens": f"{year}-01-01",
            "registration_closes": f"{year}-03-31",
            "appraisal_opens": f"{year}-09-01",
            "appraisal_closes": f"{year}-10-15",
            "required_kinds": ["commune", "mass_org"],
            "quota_min": 1,
            "quota_max": 2,
            "aggregation": "median",
        },
        follow=True,
    )
    campaign = Campaign.objects.get(year=year)
    assert response.redirect_chain[-1][0] == detail_url(campaign)
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.required_kinds == ["commune", "mass_org"]
    html = page(response)
    for name in ("Kinh tế", "Văn hóa - xã hội", "Quốc phòng - an ninh", "Cấp cơ sở", "Cấp tỉnh"):
        assert name in html
    assert "Hiệu quả thiết thực" in html  # a criterion of the default rubric
    assert "1\N{EN DASH}2 per unit per year" in html
    assert "31/03/" + str(year) in html


def test_a_refusal_is_shown_beside_its_field_and_the_input_is_kept(as_user, province_officer):
    client = as_user(province_officer)
    response = client.post(
        reverse("initiatives:campaign_create"),
        {
            "year": 2026,
            "name": "Phong trào thử nghiệm riêng",
            "registration_opens": "2026-03-01",
            "registration_closes": "2026-02-01",
            "appraisal_opens": "2026-09-01",
            "appraisal_closes": "2026-10-15",
            "quota_min": 1,
            "quota_max": 2,
            "aggregation": "mean",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["registration_closes"] == ["Registration must close after it opens."]
    html = page(response)
    assert 'value="Phong trào thử nghiệm riêng"' in html
    assert 'value="2026-02-01"' in html
    assert not Campaign.objects.exists()


def test_only_a_unit_that_may_launch_sees_the_create_form(as_user, observer, tree):
    client = as_user(observer)
    assert client.get(reverse("initiatives:campaign_create")).status_code == 403
    assert "New campaign" not in page(client.get(reverse("initiatives:campaign_list")))


# ---------------------------------------------------------------- copy


def test_copy_to_next_year_moves_the_dates_and_copies_the_rubric(
    as_user, province_officer, campaign
):
    services.save_level(
        actor=province_officer,
        campaign=campaign,
        rank=1,
        name="Cấp cơ sở",
        pass_mark=Decimal(30),
        min_months_running=3,
        criteria=[
            {"name": "Hiệu quả", "max_points": 20, "weight": 2},
            {"name": "Nhân rộng", "max_points": 10, "weight": 1},
        ],
    )
    client = as_user(province_officer)
    form = client.get(reverse("initiatives:campaign_copy", args=[campaign.pk]))
    assert f'value="{campaign.year + 1}"' in page(form)

    response = client.post(
        reverse("initiatives:campaign_copy", args=[campaign.pk]), {"year": campaign.year + 1}
    )
    new = Campaign.objects.get(year=campaign.year + 1)
    assert response["Location"] == detail_url(new)
    assert new.copied_from == campaign
    assert new.registration_opens == dt.date(campaign.year + 1, 1, 1)
    assert new.appraisal_closes.year == campaign.year + 1
    level = new.levels.get(rank=1)
    assert (level.pass_mark, level.min_months_running) == (Decimal(30), 3)
    assert [(c.name, c.max_points, c.weight) for c in level.criteria.all()] == [
        ("Hiệu quả", Decimal(20), Decimal(2)),
        ("Nhân rộng", Decimal(10), Decimal(1)),
    ]
    assert new.levels.count() == 2
    html = page(client.get(detail_url(new)))
    assert "Hiệu quả" in html
    assert "copied from the previous campaign" in html

    # The same year twice: the service's refusal, beside the year.
    again = client.post(
        reverse("initiatives:campaign_copy", args=[campaign.pk]), {"year": campaign.year + 1}
    )
    assert again.status_code == 200
    assert again.context["form"].errors["year"] == [
        "This unit already runs a campaign for that year."
    ]


# ---------------------------------------------------------------- fields


def test_a_field_in_use_cannot_be_removed(as_user, province_officer, campaign, tree):
    make_initiative(campaign, tree.commune_a, field=campaign.fields.get(name="Kinh tế"))
    client = as_user(province_officer)
    url = reverse("initiatives:campaign_fields", args=[campaign.pk])
    assert "Xây dựng hệ thống chính trị" in page(client.get(url))

    refused = client.post(url, {"names": "Văn hóa - xã hội\nQuốc phòng - an ninh"})
    assert refused.status_code == 200
    assert "they cannot be removed: Kinh tế" in page(refused)
    assert "Văn hóa - xã hội\nQuốc phòng - an ninh" in page(refused)  # what was typed stays
    assert campaign.fields.count() == 4

    saved = client.post(url, {"names": "Kinh tế\nMôi trường\n\n"})
    assert saved["Location"] == detail_url(campaign)
    assert list(campaign.fields.values_list("name", flat=True)) == ["Kinh tế", "Môi trường"]


# ---------------------------------------------------------------- levels


def rubric_post(**extra) -> dict:
    data = {
        "name": "Cấp cơ sở",
        "pass_mark": "25",
        "min_months_running": "4",
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-name": "Huy động lực lượng",
        "criteria-0-description": "Nhiều lực lượng cùng tham gia",
        "criteria-0-max_points": "10",
        "criteria-0-weight": "2",
        "criteria-1-name": "Bền vững",
        "criteria-1-max_points": "10",
        "criteria-1-weight": "1",
        "criteria-2-name": "",
        "criteria-2-max_points": "",
        "criteria-2-weight": "1",
    }
    data.update(extra)
    return data


def test_level_editor_saves_a_rubric_then_refuses_once_a_member_has_scored(
    as_user, province_officer, campaign, tree
):
    client = as_user(province_officer)
    url = reverse("initiatives:campaign_level", args=[campaign.pk, 1])
    form = client.get(url)
    assert "Tên gọi, địa chỉ cụ thể" in page(form)  # the current rubric, ready to edit

    saved = client.post(url, rubric_post())
    assert saved["Location"] == detail_url(campaign)
    level = campaign.levels.get(rank=1)
    assert level.pass_mark == Decimal(25)
    assert [(c.name, c.weight) for c in level.criteria.all()] == [
        ("Huy động lực lượng", Decimal(2)),
        ("Bền vững", Decimal(1)),
    ]

    # A pass mark above the weighted total (10×2 + 10×1 = 30) is refused beside the field.
    too_high = client.post(url, rubric_post(pass_mark="31"))
    assert too_high.status_code == 200
    assert "The pass mark must be between 0 and 30" in page(too_high)
    assert 'value="Huy động lực lượng"' in page(too_high)

    initiative = make_initiative(campaign, tree.commune_a, status=Status.UNDER_APPRAISAL)
    council = Council.objects.get(campaign=campaign, level=level)
    member = council.members.select_related("user").first()
    services.save_scores(
        actor=member.user,
        assignment=council.assignments.get(initiative=initiative),
        points={level.criteria.first().pk: 5},
    )
    assert "it is frozen" in page(client.get(url))
    refused = client.post(url, rubric_post(**{"criteria-0-name": "Đổi tên"}))
    assert refused.status_code == 200
    assert "Council members have scored against this rubric; it is frozen." in page(refused)
    assert not level.criteria.filter(name="Đổi tên").exists()


def test_level_editor_adds_the_next_rank_and_rows(as_user, province_officer, campaign):
    client = as_user(province_officer)
    assert (
        client.get(reverse("initiatives:campaign_level", args=[campaign.pk, 4])).status_code == 404
    )
    url = reverse("initiatives:campaign_level", args=[campaign.pk, 3])
    assert client.get(url).status_code == 200

    more = client.post(url, rubric_post(add_row="1"))
    assert more.status_code == 200
    assert len(more.context["formset"].forms) == 4
    assert not Level.objects.filter(campaign=campaign, rank=3).exists()

    client.post(url, rubric_post(name="Cấp quốc gia"))
    assert campaign.levels.get(rank=3).name == "Cấp quốc gia"


# ---------------------------------------------------------------- status


def test_open_and_close(as_user, province_officer, campaign):
    client = as_user(province_officer)
    url = reverse("initiatives:campaign_status", args=[campaign.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"status": "closed"}, follow=True)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert "The campaign is closed." in page(response)
    client.post(url, {"status": "open"})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_edit_saves_and_shows_refusals(as_user, province_officer, campaign):
    client = as_user(province_officer)
    url = reverse("initiatives:campaign_edit", args=[campaign.pk])
    assert campaign.name in page(client.get(url))
    data = {
        "name": "Tên mới của phong trào",
        "registration_opens": campaign.registration_opens.isoformat(),
        "registration_closes": campaign.registration_closes.isoformat(),
        "appraisal_opens": campaign.appraisal_opens.isoformat(),
        "appraisal_closes": campaign.appraisal_closes.isoformat(),
        "required_kinds": ["commune"],
        "quota_min": 3,
        "quota_max": 2,
        "aggregation": "mean",
    }
    refused = client.post(url, data)
    assert refused.context["form"].errors["quota_max"] == [
        "The maximum cannot be below the minimum."
    ]
    data["quota_min"] = 1
    assert client.post(url, data)["Location"] == detail_url(campaign)
    campaign.refresh_from_db()
    assert (campaign.name, campaign.required_kinds) == ("Tên mới của phong trào", ["commune"])


# ------------------------------------------------------------ permissions


SETTINGS_PAGES = ["campaign_edit", "campaign_copy", "campaign_fields"]


def test_commune_officers_see_the_province_campaign_but_cannot_change_it(
    as_user, commune_a_officer, campaign
):
    client = as_user(commune_a_officer)
    response = client.get(detail_url(campaign))
    assert response.status_code == 200
    html = page(response)
    assert 'data-testid="register"' in html  # commune A registers in the province campaign
    assert 'data-testid="campaign-settings"' not in html
    for name in SETTINGS_PAGES:
        assert client.get(reverse(f"initiatives:{name}", args=[campaign.pk])).status_code == 404
    level_url = reverse("initiatives:campaign_level", args=[campaign.pk, 1])
    assert client.get(level_url).status_code == 404
    status_url = reverse("initiatives:campaign_status", args=[campaign.pk])
    assert client.post(status_url, {"status": "closed"}).status_code == 404
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_observer_sees_but_cannot_edit(as_user, observer, campaign):
    client = as_user(observer)
    html = page(client.get(detail_url(campaign)))
    assert "Cấp tỉnh" in html
    assert 'data-testid="register"' not in html
    assert 'data-testid="campaign-settings"' not in html
    for name in SETTINGS_PAGES:
        assert client.get(reverse(f"initiatives:{name}", args=[campaign.pk])).status_code == 404
    url = reverse("initiatives:campaign_edit", args=[campaign.pk])
    assert client.post(url, {"name": "x"}).status_code == 404


def test_out_of_scope_users_get_404_and_anonymous_users_log_in(
    as_user, outsider, commune_b_officer, campaign, tree
):
    commune_campaign = make_campaign(tree.commune_a, name="Phong trào của phường Nha Trang")
    client = as_user(commune_b_officer)
    assert client.get(detail_url(campaign)).status_code == 200  # launched above commune B
    assert client.get(detail_url(commune_campaign)).status_code == 404
    listing = page(client.get(reverse("initiatives:campaign_list")))
    assert campaign.name in listing
    assert commune_campaign.name not in listing

    client = as_user(outsider)
    assert client.get(detail_url(campaign)).status_code == 404
    assert campaign.name not in page(client.get(reverse("initiatives:campaign_list")))

    client.logout()
    response = client.get(detail_url(campaign))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# ------------------------------------------------------------------ list


def test_list_filters_by_year_and_accent_insensitive_search(as_user, province_officer, tree):
    make_campaign(tree.province, year=2025, name="Phong trào Dân vận khéo năm 2025")
    make_campaign(tree.province, year=2026, name="Phong trào Dân vận khéo năm 2026")
    make_campaign(tree.commune_a, year=2026, name="Thi đua phường Nha Trang")
    client = as_user(province_officer)
    url = reverse("initiatives:campaign_list")
    by_year = page(client.get(url, {"year": 2025}))
    assert "năm 2025" in by_year
    assert "năm 2026" not in by_year
    searched = page(client.get(url, {"q": "nha trang"}))
    assert "Thi đua phường Nha Trang" in searched
    assert "năm 2025" not in searched
    assert 'data-testid="new-campaign"' in page(client.get(url))
    partial = client.get(url, {"q": "dan van kheo"}, HTTP_HX_REQUEST="true")
    assert "<html" not in page(partial)
    assert "2 campaigns" in page(partial)


def test_list_counts_registrations_with_a_constant_number_of_queries(
    as_user, province_officer, tree, django_assert_max_num_queries
):
    client = as_user(province_officer)
    url = reverse("initiatives:campaign_list")
    first = make_campaign(tree.province, year=2024)
    make_initiative(first, tree.commune_a, status=Status.REGISTERED)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(8):
        unit = make_child(tree.province, kind=UnitKind.COMMUNE, name=f"Xã Thử {n}")
        other = make_campaign(unit, year=2024)
        make_initiative(other, unit, status=Status.REGISTERED)
        make_initiative(other, unit)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    rows = response.context["page"].object_list
    assert len(rows) == 9
    counts = {c.pk: (c.n_registered, c.n_recognised) for c in rows}
    assert counts[first.pk] == (1, 0)


# ------------------------------------------------------------- dashboard


def test_home_card_shows_this_years_campaign_and_the_units_quota(
    as_user, commune_a_officer, campaign, tree
):
    client = as_user(commune_a_officer)
    html = page(client.get(reverse("home")))
    assert 'data-testid="dvk-card"' in html
    assert campaign.name in html
    assert "nothing registered yet" in html
    make_initiative(campaign, tree.commune_a, status=Status.REGISTERED)
    make_initiative(campaign, tree.commune_b, status=Status.REGISTERED)
    html = page(client.get(reverse("home")))
    assert "1, met" in html
    assert "1 registered" in html  # commune B's registration is not commune A's


def test_dashboard_selector_uses_one_query(tree, campaign, django_assert_num_queries):
    from danvan.initiatives.dashboard import dashboard_for

    make_campaign(tree.commune_a, name="Phong trào của phường")
    make_campaign(tree.commune_b, name="Phong trào của phường B")
    make_initiative(campaign, tree.commune_a, status=Status.ACCEPTED)
    make_initiative(campaign, tree.cell_a, status=Status.REGISTERED)
    with django_assert_num_queries(1):
        cards = dashboard_for(tree.commune_a)
    assert [c.campaign.name for c in cards] == [campaign.name, "Phong trào của phường"]
    province_card = cards[0]
    assert (province_card.registered, province_card.own) == (2, 1)
    assert province_card.quota == "within"
    assert cards[1].quota == "none"  # its own campaign: nothing registered in it yet
    assert (cards[1].launched_here, province_card.launched_here) == (True, False)
    assert dashboard_for(tree.province)[0].quota is None  # provinces do not have to register


def test_detail_page_shows_counts_by_status_in_a_constant_number_of_queries(
    as_user, province_officer, campaign, tree, django_assert_max_num_queries
):
    client = as_user(province_officer)
    make_initiative(campaign, tree.commune_a, status=Status.REGISTERED)
    with CaptureQueriesContext(connection) as small:
        client.get(detail_url(campaign))
    make_initiative(campaign, tree.commune_b, status=Status.ACCEPTED)
    make_initiative(campaign, tree.department, status=Status.ACCEPTED)
    for rank in (3, 4, 5):
        services.save_level(
            actor=province_officer,
            campaign=campaign,
            rank=rank,
            name=f"Cấp {rank}",
            pass_mark=Decimal(5),
            min_months_running=6,
            criteria=[{"name": f"Tiêu chí {n}", "max_points": 10} for n in range(6)],
        )
    with django_assert_max_num_queries(len(small)):
        response = client.get(detail_url(campaign))
    counts = dict(response.context["by_status"])
    assert (counts["Registered"], counts["Accepted"], counts["Draft"]) == (1, 2, 0)
    assert "Tiêu chí 5" in page(response)
    assert 'data-testid="campaign-settings"' in page(response)


def test_rubric_rows_can_be_removed(as_user, province_officer, campaign):
    client = as_user(province_officer)
    url = reverse("initiatives:campaign_level", args=[campaign.pk, 2])
    removed = client.post(
        url, rubric_post(name="Cấp tỉnh", pass_mark="15", **{"criteria-1-DELETE": "on"})
    )
    assert removed["Location"] == detail_url(campaign)
    level = campaign.levels.get(rank=2)
    assert [c.name for c in level.criteria.all()] == ["Huy động lực lượng"]
    missing = client.post(url, rubric_post(**{"criteria-1-max_points": ""}))
    assert missing.status_code == 200
    assert "Enter the maximum points." in page(missing)
