"""The identity-access log: inspectors and system administrators only, within their units."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from danvan.orgs.models import Role
from danvan.orgs.tests.factories import MembershipFactory, UserFactory
from danvan.petitions import services
from danvan.petitions.tests.factories import make_letter

LOG = reverse("petitions:identity_log")
SEALED_NAME = "Lý Thị Kín Đáo"


@pytest.fixture
def commune_b_leader(tree):
    user = UserFactory(username="commune_b_leader")
    MembershipFactory(user=user, unit=tree.commune_b, role=Role.LEADER)
    return user


@pytest.fixture
def commune_b_inspector(tree):
    user = UserFactory(username="commune_b_inspector")
    MembershipFactory(user=user, unit=tree.commune_b, role=Role.INSPECTOR)
    return user


@pytest.fixture
def reads(tree, commune_a_leader, commune_b_leader):
    a = make_letter(tree.commune_a, kind="denunciation", citizen_name=SEALED_NAME)
    b = make_letter(tree.commune_b, kind="denunciation", citizen_name=SEALED_NAME)
    services.read_identity(
        user=commune_a_leader, letter=a, purpose="Xác minh nội dung tố cáo", ip_address="10.1.2.3"
    )
    services.read_identity(user=commune_a_leader, letter=a, purpose="Gửi thông báo")
    services.read_identity(user=commune_b_leader, letter=b, purpose="Xác minh ở Phan Rang")
    return type("Reads", (), {"a": a, "b": b})


def _letters(response) -> list[str]:
    return [read.letter.code for read in response.context["page"].object_list]


def test_province_inspector_sees_every_read(client, reads, province_inspector, commune_a_leader):
    client.force_login(province_inspector)
    response = client.get(LOG)
    assert response.status_code == 200
    assert sorted(_letters(response)) == sorted([reads.a.code, reads.a.code, reads.b.code])
    html = response.content.decode()
    assert "Xác minh nội dung tố cáo" in html
    assert "10.1.2.3" in html
    assert str(commune_a_leader) in html
    assert reads.a.get_absolute_url() in html
    assert SEALED_NAME not in html  # the log says who read, never what was read


def test_filters(client, tree, reads, province_inspector, commune_a_leader, commune_b_leader):
    client.force_login(province_inspector)
    response = client.get(LOG, {"unit": tree.commune_b.pk})
    assert _letters(response) == [reads.b.code]
    response = client.get(LOG, {"user": commune_a_leader.pk})
    assert _letters(response) == [reads.a.code, reads.a.code]
    assert _letters(client.get(LOG, {"start": "2000-01-01", "end": "2000-12-31"})) == []
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert len(_letters(client.get(LOG, {"start": today, "end": today}))) == 3


def test_commune_inspector_sees_only_their_commune(client, tree, reads, commune_b_inspector):
    client.force_login(commune_b_inspector)
    response = client.get(LOG)
    assert response.status_code == 200
    assert _letters(response) == [reads.b.code]
    assert reads.a.code not in response.content.decode()
    assert client.get(LOG, {"unit": tree.commune_a.pk}).status_code == 404


def test_system_admin_sees_the_log(client, reads, system_admin):
    client.force_login(system_admin)
    assert len(_letters(client.get(LOG))) == 3


@pytest.mark.parametrize(
    "who",
    ["commune_a_officer", "commune_a_leader", "province_leader", "province_admin", "outsider"],
)
def test_others_get_403(client, request, reads, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LOG).status_code == 403
    assert client.get(LOG, {"format": "xlsx"}).status_code == 403


def test_excel_export_of_the_log(client, reads, commune_b_inspector):
    client.force_login(commune_b_inspector)
    response = client.get(LOG, {"format": "xlsx"})
    assert response.status_code == 200
    cells = [
        str(value)
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert reads.b.code in cells
    assert reads.a.code not in cells
    assert not any(SEALED_NAME in cell for cell in cells)
