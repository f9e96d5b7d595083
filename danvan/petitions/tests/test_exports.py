"""The Excel register and statistics: scope, the seal in every cell, the row cap."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from danvan.core.text import fold
from danvan.petitions import exports
from danvan.petitions.tests.factories import make_letter

EXPORT = reverse("petitions:letter_export")
STATS_EXPORT = reverse("petitions:statistics_export")
SEALED_NAME = "Võ Thị Bảo Mật"
OPEN_NAME = "Đặng Văn Công Khai"


def _cells(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]


def _register(response) -> dict[str, list]:
    """Data rows of the register by tracking code (column B)."""
    return {row[1]: row for row in _cells(response)[3:] if row[1]}


@pytest.fixture
def letters(tree):
    sealed = make_letter(tree.commune_a, kind="denunciation", citizen_name=SEALED_NAME)
    sealed_complaint = make_letter(
        tree.commune_a, kind="complaint", citizen_name=SEALED_NAME, confidential=True
    )
    public = make_letter(tree.commune_a, citizen_name=OPEN_NAME, title="Đề nghị về rừng phòng hộ")
    anonymous = make_letter(tree.commune_a, kind="feedback", is_anonymous=True)
    other = make_letter(tree.commune_b, title="Đơn ở Phan Rang")
    return type(
        "Letters",
        (),
        {
            "sealed": sealed,
            "sealed_complaint": sealed_complaint,
            "public": public,
            "anonymous": anonymous,
            "other": other,
        },
    )


def _assert_no_sealed_name(cells):
    for row in cells:
        for value in row:
            text = fold(str(value or ""))
            assert fold("Bảo Mật") not in text
            assert "0905123456" not in text


@pytest.mark.parametrize("who", ["commune_a_leader", "commune_a_officer", "province_officer"])
def test_export_never_contains_a_sealed_name(client, request, letters, who):
    # The commune A leader may read the sealed identity on the letter's page, never here.
    client.force_login(request.getfixturevalue(who))
    cells = _cells(client.get(EXPORT))
    _assert_no_sealed_name(cells)
    rows = _register(client.get(EXPORT))
    assert rows[letters.sealed.code][-1] == gettext("(kept secret)")
    assert rows[letters.sealed_complaint.code][-1] == gettext("(kept secret)")
    assert rows[letters.anonymous.code][-1] == gettext("(anonymous)")
    assert rows[letters.public.code][-1] == OPEN_NAME


def test_export_scope(client, tree, letters, commune_b_officer, province_officer):
    client.force_login(commune_b_officer)
    assert set(_register(client.get(EXPORT))) == {letters.other.code}
    client.force_login(province_officer)
    codes = set(_register(client.get(EXPORT)))
    assert {letters.other.code, letters.public.code, letters.sealed.code} <= codes


def test_export_follows_the_list_filters(client, tree, letters, commune_a_officer):
    client.force_login(commune_a_officer)
    assert set(_register(client.get(EXPORT, {"q": "rung phong ho"}))) == {letters.public.code}
    assert set(_register(client.get(EXPORT, {"kind": "denunciation"}))) == {letters.sealed.code}
    rows = _register(client.get(EXPORT, {"q": "Bao Mat"}))
    assert rows == {}


def test_export_columns(client, tree, commune_a_officer):
    letter = make_letter(
        tree.commune_a,
        kind="complaint",
        status="accepted",
        received_on=dt.date(2026, 9, 1),
        accepted_on=dt.date(2026, 9, 3),
    )
    client.force_login(commune_a_officer)
    row = _register(client.get(EXPORT))[letter.code]
    # openpyxl reads dates back as (naive) datetimes.
    assert row[2].date() == dt.date(2026, 9, 1)  # received on
    assert row[8] == tree.commune_a.name  # resolving unit
    assert row[13].date() == dt.date(2026, 9, 3)  # accepted on
    assert row[14].date() == dt.date(2026, 10, 5)  # resolution due: 30 days, end on Monday
    assert row[15] == 0  # extensions


def test_export_cap_says_it_is_truncated(client, tree, commune_a_officer, monkeypatch):
    for _n in range(3):
        make_letter(tree.commune_a)
    monkeypatch.setattr(exports, "MAX_ROWS", 2)
    client.force_login(commune_a_officer)
    response = client.get(EXPORT)
    caption = _cells(response)[0][0]
    expected = gettext("TRUNCATED: only the first %(n)s letters are listed; narrow the filters.")
    assert expected % {"n": 2} in caption
    assert len(_register(response)) == 2


def _indicators(response) -> dict[str, int]:
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return {key: value for _label, key, value in sheet.iter_rows(min_row=4, values_only=True)}


def test_statistics_export(client, tree, letters, commune_a_officer, commune_b_officer):
    client.force_login(commune_a_officer)
    response = client.get(STATS_EXPORT)
    _assert_no_sealed_name(_cells(response))
    indicators = _indicators(response)
    assert indicators["letters_received"] == 4
    assert indicators["denunciations_received"] == 1
    assert indicators["complaints_received"] == 1
    assert len(load_workbook(io.BytesIO(response.content)).worksheets) == 6
    client.force_login(commune_b_officer)
    assert client.get(STATS_EXPORT, {"unit": tree.commune_a.pk}).status_code == 404
    assert _indicators(client.get(STATS_EXPORT))["letters_received"] == 1
