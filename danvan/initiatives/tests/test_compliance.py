"""Quota compliance: the table, the heat-map, the Excel export and the reminders."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from danvan.core.models import Notification
from danvan.initiatives import compliance, services
from danvan.initiatives.models import QuotaReminder, Status
from danvan.initiatives.quota import QuotaStatus
from danvan.initiatives.tests.factories import make_campaign, make_initiative, system_user
from danvan.orgs.models import UnitKind
from danvan.orgs.tests.factories import make_child

REQUIRED = [UnitKind.COMMUNE, UnitKind.PARTY]


@pytest.fixture
def quota_campaign(tree):
    """Communes and party cells must register 1–2 (the department need not)."""
    return make_campaign(tree.province, required_kinds=REQUIRED)


def statuses(rows):
    return {row.unit.name: (row.count, row.status) for row in rows}


def login(client, user):
    client.force_login(user)
    return client


def quota_url(campaign, **params):
    url = reverse("initiatives:quota", args=[campaign.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


# ------------------------------------------------------------------ the four statuses


def test_none_below_within_above(tree):
    campaign = make_campaign(tree.province, required_kinds=REQUIRED, quota_min=1, quota_max=3)
    commune_c = make_child(tree.province, code="22400", name="Xã Cam Lâm")
    for _i in range(3):
        make_initiative(campaign, tree.commune_a, status=Status.REGISTERED)
    make_initiative(campaign, tree.commune_b, status=Status.ACCEPTED)
    make_initiative(campaign, commune_c, status=Status.REGISTERED)
    make_initiative(campaign, commune_c, status=Status.RECOGNISED)
    # The launcher tightens the quota to exactly two once units have registered.
    services.update_campaign(actor=system_user(), campaign=campaign, quota_min=2, quota_max=2)
    campaign.refresh_from_db()

    rows = compliance.quota_rows(campaign)

    assert statuses(rows) == {
        "Phường Nha Trang": (3, QuotaStatus.ABOVE),
        "Chi bộ Khu phố 1": (0, QuotaStatus.NONE),
        "Phường Phan Rang": (1, QuotaStatus.BELOW),
        "Xã Cam Lâm": (2, QuotaStatus.WITHIN),
    }
    assert [r.parent for r in rows if r.unit == tree.cell_a] == [tree.commune_a]


def test_a_party_cell_counts_for_itself_not_for_its_commune(tree, quota_campaign):
    make_initiative(quota_campaign, tree.cell_a, status=Status.REGISTERED)

    result = statuses(compliance.quota_rows(quota_campaign))

    assert result["Chi bộ Khu phố 1"] == (1, QuotaStatus.WITHIN)
    assert result["Phường Nha Trang"] == (0, QuotaStatus.NONE)
    assert "Sở Nội vụ" not in result  # departments are not required in this campaign


def test_last_years_registrations_do_not_count(tree, quota_campaign):
    year = quota_campaign.year - 1
    last_year = make_campaign(tree.province, year=year, required_kinds=REQUIRED)
    make_initiative(last_year, tree.commune_a, status=Status.RECOGNISED)

    assert statuses(compliance.quota_rows(quota_campaign))["Phường Nha Trang"] == (
        0,
        QuotaStatus.NONE,
    )
    assert statuses(compliance.quota_rows(last_year))["Phường Nha Trang"][0] == 1


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED, Status.DISCONTINUED])
def test_drafts_returned_and_discontinued_do_not_count(tree, quota_campaign, status):
    make_initiative(quota_campaign, tree.commune_a, status=status)
    make_initiative(quota_campaign, tree.commune_b, status=Status.REGISTERED)

    result = statuses(compliance.quota_rows(quota_campaign))

    assert result["Phường Nha Trang"] == (0, QuotaStatus.NONE)
    assert result["Phường Phan Rang"] == (1, QuotaStatus.WITHIN)


def test_a_closed_unit_is_not_listed(tree, quota_campaign):
    make_child(
        tree.province,
        name="Xã đã sáp nhập",
        valid_from=dt.date(2025, 7, 1),
        valid_to=timezone.localdate() - dt.timedelta(days=1),
    )
    assert "Xã đã sáp nhập" not in statuses(compliance.quota_rows(quota_campaign))


def test_a_past_campaign_counts_the_units_of_its_last_day(tree):
    year = timezone.localdate().year - 1
    last_day = dt.date(year, 12, 31)
    past = make_campaign(
        tree.province,
        year=year,
        required_kinds=REQUIRED,
        registration_closes=last_day,
        appraisal_opens=dt.date(year, 1, 1),
        appraisal_closes=last_day,
    )
    make_child(tree.province, name="Xã giải thể cuối năm", valid_from=None, valid_to=last_day)

    assert compliance.reference_day(past) == last_day
    assert "Xã giải thể cuối năm" in statuses(compliance.quota_rows(past))


# ------------------------------------------------------------------------ the page


def test_quota_page_lists_units_with_status_and_summary(client, tree, quota_campaign, observer):
    make_initiative(quota_campaign, tree.commune_b, status=Status.REGISTERED)

    response = login(client, observer).get(quota_url(quota_campaign))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Phường Nha Trang" in page and "Phường Phan Rang" in page
    assert "Chi bộ Khu phố 1" in page
    summary = response.context["summary"]
    assert {row["status"]: row["count"] for row in summary} == {
        "none": 2,
        "below": 0,
        "within": 1,
        "above": 0,
    }
    assert response.context["tally"].compliant_pct == pytest.approx(33.3)
    # An observer cannot act: no reminder block (launchers only).
    assert 'data-testid="reminders"' not in page


def test_quota_filters_by_status_kind_and_accentless_name(client, tree, quota_campaign, observer):
    make_initiative(quota_campaign, tree.commune_b, status=Status.REGISTERED)
    login(client, observer)

    def names(**params):
        response = client.get(quota_url(quota_campaign, **params))
        return [row.unit.name for row in response.context["page"].object_list]

    assert names(status="none") == ["Phường Nha Trang", "Chi bộ Khu phố 1"]
    assert names(status="within") == ["Phường Phan Rang"]
    assert names(kind="party") == ["Chi bộ Khu phố 1"]
    assert names(q="phan rang") == ["Phường Phan Rang"]
    assert names(q="PHUONG nha") == ["Phường Nha Trang"]
    assert names(sort="-count")[0] == "Phường Phan Rang"


def test_htmx_filter_returns_only_the_rows(client, tree, quota_campaign, observer):
    response = login(client, observer).get(
        quota_url(quota_campaign, status="none"),
        headers={"HX-Request": "true", "HX-Target": "quota-results"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="quota-table"' in page
    assert "<html" not in page


def test_quota_table_paginates(client, tree, quota_campaign, observer):
    for i in range(35):
        make_child(tree.province, code=f"9{i:04d}", name=f"Xã Thử {i:02d}")
    response = login(client, observer).get(quota_url(quota_campaign))
    assert response.context["page"].paginator.count == 38
    assert len(response.context["page"].object_list) == 30
    second = client.get(quota_url(quota_campaign, page=2))
    assert len(second.context["page"].object_list) == 8


def test_commune_b_officer_sees_only_commune_b(client, tree, quota_campaign, commune_b_officer):
    make_initiative(quota_campaign, tree.commune_a, status=Status.REGISTERED)

    response = login(client, commune_b_officer).get(quota_url(quota_campaign))

    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert [row.unit for row in rows] == [tree.commune_b]
    assert "Phường Nha Trang" not in response.content.decode()
    assert response.context["heat"].root == tree.commune_b
    # Drilling into commune A, or exporting, stays inside commune B.
    heat = client.get(
        reverse("initiatives:quota_heatmap", args=[quota_campaign.pk])
        + f"?unit={tree.commune_a.pk}"
    )
    assert heat.status_code == 404
    workbook = load_workbook(
        io.BytesIO(
            client.get(reverse("initiatives:export_quota_xlsx", args=[quota_campaign.pk])).content
        )
    )
    names = [row[1] for row in workbook.active.iter_rows(min_row=4, values_only=True)]
    assert names == ["Phường Phan Rang"]


def test_outsiders_get_404(client, tree, quota_campaign, outsider):
    login(client, outsider)
    for name in ("quota", "quota_heatmap", "export_quota_xlsx", "statistics"):
        assert (
            client.get(reverse(f"initiatives:{name}", args=[quota_campaign.pk])).status_code == 404
        )


def test_a_campaign_of_commune_a_is_invisible_to_commune_b(client, tree, commune_b_officer):
    campaign = make_campaign(tree.commune_a, required_kinds=REQUIRED)
    response = login(client, commune_b_officer).get(quota_url(campaign))
    assert response.status_code == 404


# ----------------------------------------------------------------------- heat-map


def test_heatmap_tiles_count_required_units_per_child(tree, quota_campaign):
    make_initiative(quota_campaign, tree.cell_a, status=Status.REGISTERED)

    heat = compliance.heatmap(quota_campaign)

    tiles = {tile.unit.name: tile for tile in heat.tiles}
    # The department must not register and holds nobody who must: no tile.
    assert set(tiles) == {"Phường Nha Trang", "Phường Phan Rang"}
    nha_trang = tiles["Phường Nha Trang"].tally
    assert (nha_trang.units, nha_trang.compliant, nha_trang.compliant_pct) == (2, 1, 50.0)
    assert tiles["Phường Nha Trang"].drillable
    assert tiles["Phường Nha Trang"].hue == 60
    assert tiles["Phường Phan Rang"].tally.by_status["none"] == 1
    assert not tiles["Phường Phan Rang"].drillable
    assert tiles["Phường Phan Rang"].hue == 0
    assert heat.total.units == 3
    assert heat.root_status is None  # the province itself need not register


def test_heatmap_page_shows_numbers_on_tiles(client, tree, quota_campaign, observer):
    make_initiative(quota_campaign, tree.cell_a, status=Status.REGISTERED)
    page = login(client, observer).get(quota_url(quota_campaign)).content.decode()
    assert 'data-testid="tile-numbers">1/2<' in page
    assert 'data-testid="tile-numbers">0/1<' in page


def test_drilling_down_into_a_commune(client, tree, quota_campaign, observer):
    make_initiative(quota_campaign, tree.commune_a, status=Status.REGISTERED)
    url = reverse("initiatives:quota_heatmap", args=[quota_campaign.pk])

    response = login(client, observer).get(
        f"{url}?unit={tree.commune_a.pk}", headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    heat = response.context["heat"]
    assert [tile.unit for tile in heat.tiles] == [tree.cell_a]
    assert heat.root_status == QuotaStatus.WITHIN and heat.root_count == 1
    assert heat.trail == [tree.province, tree.commune_a]
    page = response.content.decode()
    assert 'data-testid="root-status"' in page
    # The breadcrumb leads back up to the province.
    assert f"?unit={tree.province.pk}" in page
    # A unit outside the campaign's area is not found.
    assert client.get(f"{url}?unit={tree.legacy.pk}").status_code == 404
    assert client.get(f"{url}?unit=abc").status_code == 404


# --------------------------------------------------------------------------- Excel


def test_excel_export_lists_every_unit(client, tree, quota_campaign, province_officer):
    make_initiative(quota_campaign, tree.commune_b, status=Status.REGISTERED)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the headers are checked in English

    response = login(client, province_officer).get(
        reverse("initiatives:export_quota_xlsx", args=[quota_campaign.pk]),
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == quota_campaign.name
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0] == (
        "Code",
        "Unit",
        "Kind",
        "Parent unit",
        "Registered",
        "Minimum",
        "Maximum",
        "Status",
    )
    assert rows[1:] == [
        (
            "22366",
            "Phường Nha Trang",
            "Commune / ward / special zone",
            "Tỉnh Khánh Hòa",
            0,
            1,
            2,
            "No registration",
        ),
        (
            None,
            "Chi bộ Khu phố 1",
            "Party committee / cell",
            "Phường Nha Trang",
            0,
            1,
            2,
            "No registration",
        ),
        (
            "22738",
            "Phường Phan Rang",
            "Commune / ward / special zone",
            "Tỉnh Khánh Hòa",
            1,
            1,
            2,
            "Within the quota",
        ),
    ]


def test_excel_export_keeps_the_filters(client, tree, quota_campaign, province_officer):
    response = login(client, province_officer).get(
        reverse("initiatives:export_quota_xlsx", args=[quota_campaign.pk]) + "?kind=party"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)] == ["Chi bộ Khu phố 1"]


# ------------------------------------------------------------------------- queries


def test_queries_do_not_grow_with_the_number_of_units(
    client, tree, quota_campaign, observer, django_assert_max_num_queries
):
    login(client, observer)
    make_initiative(quota_campaign, tree.commune_a, status=Status.REGISTERED)

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(quota_url(quota_campaign)).status_code == 200
        return len(ctx.captured_queries)

    few = measure()
    for i in range(27):
        commune = make_child(tree.province, code=f"8{i:04d}", name=f"Xã Mới {i}")
        if i % 3 == 0:
            make_initiative(quota_campaign, commune, status=Status.REGISTERED)
    many = measure()

    assert few == many
    with django_assert_max_num_queries(20):
        client.get(quota_url(quota_campaign))
    with django_assert_max_num_queries(2):
        compliance.quota_rows(quota_campaign)
    with django_assert_max_num_queries(4):
        compliance.heatmap(quota_campaign, root=tree.commune_a)


# ----------------------------------------------------------------------- reminders


@pytest.fixture
def before_close(quota_campaign):
    return (quota_campaign.registration_closes - dt.timedelta(days=5)).isoformat()


def test_remind_quota_reminds_units_at_zero_once(
    tree,
    quota_campaign,
    commune_a_officer,
    commune_b_officer,
    before_close,
    django_capture_on_commit_callbacks,
):
    make_initiative(quota_campaign, tree.commune_b, status=Status.REGISTERED)
    mail.outbox.clear()
    Notification.objects.all().delete()
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_quota", f"--date={before_close}", stdout=out)

    # Commune A and its party cell are at zero; commune B registered.
    assert "2 unit(s) reminded" in out.getvalue()
    assert set(QuotaReminder.objects.values_list("unit__name", flat=True)) == {
        "Phường Nha Trang",
        "Chi bộ Khu phố 1",
    }
    notes = Notification.objects.filter(user=commune_a_officer)
    assert notes.count() == 1 and "Phường Nha Trang" in notes.get().text
    assert not Notification.objects.filter(user=commune_b_officer).exists()
    assert [m.to for m in mail.outbox] == [[commune_a_officer.email]]

    again = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_quota", f"--date={before_close}", stdout=again)
    assert "0 unit(s) reminded" in again.getvalue()
    assert Notification.objects.filter(user=commune_a_officer).count() == 1
    assert len(mail.outbox) == 1


def test_remind_quota_does_nothing_long_before_the_close(tree, quota_campaign, commune_a_officer):
    early = (quota_campaign.registration_closes - dt.timedelta(days=60)).isoformat()
    out = io.StringIO()
    call_command("remind_quota", f"--date={early}", stdout=out)
    assert "0 unit(s) reminded" in out.getvalue()
    assert not QuotaReminder.objects.exists()


def test_launchers_see_when_reminders_went_out(
    client, tree, quota_campaign, province_officer, commune_a_officer, before_close
):
    call_command("remind_quota", f"--date={before_close}", stdout=io.StringIO())
    response = login(client, province_officer).get(quota_url(quota_campaign))
    assert response.context["reminders"]["n"] == 3  # both communes and the cell
    assert 'data-testid="reminders"' in response.content.decode()
    client.force_login(commune_a_officer)
    assert 'data-testid="reminders"' not in client.get(quota_url(quota_campaign)).content.decode()
