"""The reception register and the leaders' schedules: scope, input, letters, the seal, Excel."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from danvan.petitions import reception_services as rs
from danvan.petitions.models import (
    IdentityAccess,
    Letter,
    Reception,
    ReceptionSchedule,
)
from danvan.petitions.tests.factories import clerk

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _data(**overrides) -> dict:
    values = {
        "received_on": TODAY() - dt.timedelta(days=3),
        "kind": "regular",
        "official_name": "Lê Văn Tiếp",
        "official_title": "Công chức tiếp công dân",
        "citizen_name": "Nguyễn Thị Mai",
        "citizen_address": "Tổ 5, khu phố 2",
        "citizen_count": 1,
        "content": "Kiến nghị về việc cấp giấy chứng nhận quyền sử dụng đất đai.",
        "classification": "petition",
        "outcome": "guided",
    }
    values.update(overrides)
    return values


def _record(unit, *, actor=None, make_letter=False, seal_identity=False, **overrides):
    return rs.record_reception(
        actor=actor or clerk(unit),
        unit=unit,
        data=_data(**overrides),
        make_letter=make_letter,
        seal_identity=seal_identity,
    )


def _post_data(unit, **overrides) -> dict:
    values = _data(**overrides)
    values["received_on"] = values["received_on"].isoformat()
    values["unit"] = unit.pk
    return {k: v for k, v in values.items() if v is not False}


def _schedule(unit, **overrides):
    data = {
        "leader_name": "Phạm Văn Chủ",
        "leader_title": "Chủ tịch UBND phường",
        "frequency": "weekly",
        "days_text": "Thứ Năm hằng tuần",
        "place": "Trụ sở UBND phường",
        "valid_from": dt.date(2025, 7, 1),
        "valid_to": None,
        **overrides,
    }
    return rs.save_schedule(actor=clerk(unit), unit=unit, data=data)


# ---------------------------------------------------------------- scope


def test_commune_b_sees_nothing_of_commune_a(client, tree, commune_b_officer):
    reception = _record(tree.commune_a, content="Việc riêng của phường Nha Trang")
    schedule = _schedule(tree.commune_a)
    own = _record(tree.commune_b, content="Việc của phường Phan Rang")
    client.force_login(commune_b_officer)

    page = client.get(reverse("petitions:reception_list"))
    assert page.status_code == 200
    assert [r.pk for r in page.context["page"].object_list] == [own.pk]
    assert "Nha Trang" not in page.content.decode().split('id="reception-results"')[1]

    # Asking for A's unit in the filter gives nothing either.
    filtered = client.get(reverse("petitions:reception_list"), {"unit": tree.commune_a.pk})
    assert list(filtered.context["page"].object_list) == []

    schedules = client.get(reverse("petitions:schedule_list"), {"show": "all"})
    assert list(schedules.context["page"].object_list) == []

    export = client.get(reverse("petitions:reception_export"))
    assert export.content[:2] == b"PK"
    workbook = load_workbook(io.BytesIO(export.content))
    cells = [str(c) for row in workbook.active.iter_rows(values_only=True) for c in row if c]
    assert not any("Nha Trang" in c for c in cells)

    for name in ("reception_detail", "reception_edit"):
        assert client.get(reverse(f"petitions:{name}", args=[reception.pk])).status_code == 404
    assert client.post(reverse("petitions:reception_edit", args=[reception.pk])).status_code == 404
    edit_schedule = reverse("petitions:schedule_edit", args=[schedule.pk])
    assert client.get(edit_schedule).status_code == 404
    assert (
        client.get(
            reverse("petitions:reception_compliance"), {"unit": tree.commune_a.pk}
        ).status_code
        == 404
    )


def test_commune_b_cannot_create_for_commune_a(client, tree, commune_b_officer):
    client.force_login(commune_b_officer)
    response = client.post(reverse("petitions:reception_new"), _post_data(tree.commune_a))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Reception.objects.exists()
    with pytest.raises(PermissionDenied):
        _record(tree.commune_a, actor=commune_b_officer)
    with pytest.raises(PermissionDenied):
        rs.save_schedule(
            actor=commune_b_officer,
            unit=tree.commune_a,
            data={"leader_name": "X", "valid_from": dt.date(2025, 7, 1)},
        )
    response = client.post(
        reverse("petitions:schedule_new"),
        {
            "unit": tree.commune_a.pk,
            "leader_name": "X",
            "leader_title": "Y",
            "frequency": "weekly",
            "days_text": "Thứ Hai",
            "place": "Trụ sở",
            "valid_from": "2025-07-01",
        },
    )
    assert response.status_code == 200
    assert not ReceptionSchedule.objects.exists()


def test_reader_without_write_role_cannot_change(client, tree, observer):
    reception = _record(tree.commune_a)
    client.force_login(observer)
    assert client.get(reverse("petitions:reception_detail", args=[reception.pk])).status_code == 200
    assert client.get(reverse("petitions:reception_edit", args=[reception.pk])).status_code == 403
    assert client.get(reverse("petitions:reception_new")).status_code == 403


def test_province_officer_sees_the_communes(client, tree, province_officer):
    a = _record(tree.commune_a)
    b = _record(tree.commune_b)
    client.force_login(province_officer)
    page = client.get(reverse("petitions:reception_list"))
    assert {r.pk for r in page.context["page"].object_list} == {a.pk, b.pk}
    only_a = client.get(reverse("petitions:reception_list"), {"unit": tree.commune_a.pk})
    assert [r.pk for r in only_a.context["page"].object_list] == [a.pk]


# ---------------------------------------------------------------- input


def test_future_date_is_refused_and_the_input_kept(client, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    tomorrow = TODAY() + dt.timedelta(days=1)
    response = client.post(
        reverse("petitions:reception_new"),
        _post_data(
            tree.commune_a,
            received_on=tomorrow,
            content="Đoàn 12 hộ dân kiến nghị về bồi thường giải phóng mặt bằng",
        ),
    )
    assert response.status_code == 200
    assert "received_on" in response.context["form"].errors
    html = response.content.decode()
    assert "Đoàn 12 hộ dân kiến nghị về bồi thường giải phóng mặt bằng" in html
    assert tomorrow.isoformat() in html
    assert "Lê Văn Tiếp" in html
    assert not Reception.objects.exists()


def test_date_before_the_unit_existed_is_refused(tree):
    with pytest.raises(ValidationError) as exc:
        _record(tree.commune_a, received_on=tree.commune_a.valid_from - dt.timedelta(days=1))
    assert "received_on" in exc.value.message_dict


def test_count_must_be_positive(client, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.post(
        reverse("petitions:reception_new"), _post_data(tree.commune_a, citizen_count=0)
    )
    assert "citizen_count" in response.context["form"].errors
    with pytest.raises(ValidationError) as exc:
        _record(tree.commune_a, citizen_count=0)
    assert "citizen_count" in exc.value.message_dict


def test_record_through_the_page(client, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.post(
        reverse("petitions:reception_new"),
        _post_data(tree.commune_a, kind="leader", citizen_count=12),
    )
    reception = Reception.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reception.get_absolute_url()
    assert reception.unit == tree.commune_a
    assert reception.created_by == commune_a_officer
    assert reception.citizen_count == 12
    assert reception.letter is None


# ---------------------------------------------------------------- letters


@pytest.mark.parametrize(
    ("classification", "kind"),
    [
        ("complaint", "complaint"),
        ("denunciation", "denunciation"),
        ("petition", "petition"),
        ("feedback", "feedback"),
        ("other", "feedback"),
    ],
)
def test_a_reception_records_its_letter(tree, classification, kind):
    day = TODAY() - dt.timedelta(days=2)
    reception = _record(
        tree.commune_a,
        make_letter=True,
        received_on=day,
        classification=classification,
        outcome="letter_received",
        citizen_count=3,
    )
    letter = Letter.objects.get()
    assert reception.letter == letter
    assert Reception.objects.get(pk=reception.pk).letter_id == letter.pk
    assert letter.kind == kind
    assert letter.channel == "in_person"
    assert letter.received_on == day
    assert letter.unit == tree.commune_a
    assert letter.acceptance_due is not None
    assert letter.current_due is not None
    assert letter.citizen_name == "Nguyễn Thị Mai"
    assert letter.citizen_address == "Tổ 5, khu phố 2"
    assert letter.group_size == 3
    assert letter.content == reception.content
    assert letter.title.startswith("Kiến nghị")
    assert letter.confidential == (kind == "denunciation")


def test_complainant_may_ask_for_the_seal(tree):
    reception = _record(
        tree.commune_a,
        make_letter=True,
        seal_identity=True,
        classification="complaint",
        outcome="letter_received",
    )
    assert reception.letter.confidential


def test_letter_only_when_the_outcome_says_so(client, tree, commune_a_officer):
    with pytest.raises(ValidationError) as exc:
        _record(tree.commune_a, make_letter=True, outcome="answered")
    assert "make_letter" in exc.value.message_dict
    assert not Reception.objects.exists()
    assert not Letter.objects.exists()
    client.force_login(commune_a_officer)
    response = client.post(
        reverse("petitions:reception_new"),
        _post_data(tree.commune_a, make_letter="on", outcome="guided"),
    )
    assert "make_letter" in response.context["form"].errors
    assert not Letter.objects.exists()


def test_letter_through_the_page_and_detail_links_it(client, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.post(
        reverse("petitions:reception_new"),
        _post_data(
            tree.commune_a, make_letter="on", outcome="letter_received", classification="complaint"
        ),
    )
    reception = Reception.objects.get()
    assert response.status_code == 302
    letter = reception.letter
    assert letter.kind == "complaint"
    detail = client.get(reception.get_absolute_url())
    assert reverse("petitions:letter_detail", args=[letter.pk]) in detail.content.decode()
    assert letter.code in detail.content.decode()


def test_letter_later_from_the_edit_page(client, tree, commune_a_officer):
    reception = _record(tree.commune_a, outcome="letter_received", classification="petition")
    client.force_login(commune_a_officer)
    post = _post_data(tree.commune_a, outcome="letter_received", make_letter="on")
    post.pop("unit")
    response = client.post(reverse("petitions:reception_edit", args=[reception.pk]), post)
    assert response.status_code == 302
    reception.refresh_from_db()
    assert reception.letter.kind == "petition"
    # Once linked, the classification stays and no second letter is made.
    with pytest.raises(ValidationError) as exc:
        rs.update_reception(
            actor=commune_a_officer, reception=reception, data={"classification": "complaint"}
        )
    assert "classification" in exc.value.message_dict
    with pytest.raises(ValidationError):
        rs.update_reception(actor=commune_a_officer, reception=reception, data={}, make_letter=True)
    assert Letter.objects.count() == 1


def test_update_keeps_identity_absent_from_the_data(tree, commune_a_officer):
    reception = _record(tree.commune_a)
    rs.update_reception(
        actor=commune_a_officer, reception=reception, data={"content": "Nội dung đã sửa"}
    )
    reception.refresh_from_db()
    assert reception.content == "Nội dung đã sửa"
    assert reception.citizen_name == "Nguyễn Thị Mai"
    assert "nội dung" not in reception.search_text  # folded
    assert "noi dung da sua" in reception.search_text


def test_commune_b_cannot_update_a(tree, commune_b_officer):
    reception = _record(tree.commune_a)
    with pytest.raises(PermissionDenied):
        rs.update_reception(actor=commune_b_officer, reception=reception, data={"content": "x"})


# ---------------------------------------------------------------- list, names, groups


def test_group_size_search_and_sort(client, tree, commune_a_officer):
    group = _record(
        tree.commune_a,
        citizen_count=12,
        content="Đoàn hộ dân kiến nghị về đất đai dự án ven sông",
        received_on=TODAY() - dt.timedelta(days=5),
    )
    other = _record(tree.commune_a, content="Hỏi về chính sách người có công", received_on=TODAY())
    client.force_login(commune_a_officer)
    page = client.get(reverse("petitions:reception_list"))
    html = page.content.decode()
    assert 'data-testid="group-size"' in html
    assert [r.pk for r in page.context["page"].object_list] == [other.pk, group.pk]
    oldest_first = client.get(reverse("petitions:reception_list"), {"sort": "date"})
    assert [r.pk for r in oldest_first.context["page"].object_list] == [group.pk, other.pk]

    found = client.get(
        reverse("petitions:reception_list"), {"q": "dat dai"}, headers={"HX-Request": "true"}
    )
    assert [r.pk for r in found.context["page"].object_list] == [group.pk]
    assert "<html" not in found.content.decode()  # the htmx partial
    assert "12" in found.content.decode().split('data-testid="group-size"')[1][:80]


def test_names_in_lists_follow_the_seal(client, tree, commune_a_officer):
    _record(tree.commune_a, citizen_name="Người Kiến Nghị")
    _record(tree.commune_a, citizen_name="Người Tố Cáo Không Thư", classification="denunciation")
    _record(
        tree.commune_a,
        citizen_name="Người Tố Cáo Có Thư",
        classification="denunciation",
        outcome="letter_received",
        make_letter=True,
    )
    _record(
        tree.commune_a,
        citizen_name="Người Khiếu Nại Kín",
        classification="complaint",
        outcome="letter_received",
        make_letter=True,
        seal_identity=True,
    )
    client.force_login(commune_a_officer)
    html = client.get(reverse("petitions:reception_list")).content.decode()
    assert "Người Kiến Nghị" in html
    for hidden in ("Người Tố Cáo Không Thư", "Người Tố Cáo Có Thư", "Người Khiếu Nại Kín"):
        assert hidden not in html
    assert html.count('data-testid="name-secret"') == 3

    # Searching by name finds nothing: names are not searchable.
    found = client.get(reverse("petitions:reception_list"), {"q": "nguoi to cao"})
    assert list(found.context["page"].object_list) == []


def test_excel_export_keeps_sealed_names_out(client, tree, commune_a_officer):
    _record(tree.commune_a, citizen_name="Trần Văn Công Khai", citizen_count=12)
    _record(
        tree.commune_a,
        citizen_name="Lê Thị Bí Mật",
        citizen_address="Số 9 đường Bí Mật",
        classification="denunciation",
        outcome="letter_received",
        make_letter=True,
    )
    _record(tree.commune_a, citizen_name="Hoàng Tố Cáo", classification="denunciation")
    client.force_login(commune_a_officer)
    response = client.get(reverse("petitions:reception_export"), {"kind": "regular"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row[0] and row[-1] and row[7])
    data = rows[header_at + 1 :]
    assert len(data) == 3
    text = " ".join(str(c) for row in rows for c in row if c is not None)
    assert "Trần Văn Công Khai" in text
    assert "Lê Thị Bí Mật" not in text
    assert "Số 9 đường Bí Mật" not in text
    assert "Hoàng Tố Cáo" not in text
    assert any(row[7] == 12 for row in data)  # the group's size
    assert isinstance(data[0][0], dt.datetime)  # a real date cell


def test_export_follows_the_filters(client, tree, commune_a_officer):
    _record(tree.commune_a, classification="complaint", content="Khiếu nại một")
    _record(tree.commune_a, classification="petition", content="Kiến nghị hai")
    client.force_login(commune_a_officer)
    response = client.get(reverse("petitions:reception_export"), {"classification": "petition"})
    text = " ".join(
        str(c)
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for c in row
        if c
    )
    assert "Kiến nghị hai" in text
    assert "Khiếu nại một" not in text


# ---------------------------------------------------------------- the detail page and the seal


def test_detail_shows_an_open_name(client, tree, observer):
    reception = _record(tree.commune_a, citizen_name="Nguyễn Công Khai", citizen_count=12)
    client.force_login(observer)
    html = client.get(reception.get_absolute_url()).content.decode()
    assert "Nguyễn Công Khai" in html
    assert "12" in html.split('data-testid="citizen-count"')[1][:80]


def test_denunciation_without_letter_only_for_the_register_keepers(
    client, tree, observer, commune_a_officer
):
    reception = _record(tree.commune_a, citizen_name="Tố Cáo Viên", classification="denunciation")
    client.force_login(observer)
    html = client.get(reception.get_absolute_url()).content.decode()
    assert "Tố Cáo Viên" not in html
    assert client.post(reception.get_absolute_url()).status_code == 403
    client.force_login(commune_a_officer)
    assert "Tố Cáo Viên" in client.get(reception.get_absolute_url()).content.decode()


def test_sealed_identity_is_read_on_request_and_logged(
    client, tree, province_officer, commune_a_leader
):
    reception = _record(
        tree.commune_a,
        citizen_name="Người Tố Cáo Kín",
        classification="denunciation",
        outcome="letter_received",
        make_letter=True,
    )
    url = reception.get_absolute_url()
    # The province sees the reception, never the denouncer.
    client.force_login(province_officer)
    html = client.get(url).content.decode()
    assert "Người Tố Cáo Kín" not in html
    assert 'data-testid="read-identity"' not in html
    assert client.post(url).status_code == 403
    # The edit form does not carry the sealed name either.
    edit = client.get(reverse("petitions:reception_edit", args=[reception.pk])).content.decode()
    assert "Người Tố Cáo Kín" not in edit
    assert not IdentityAccess.objects.exists()

    # The head of the commune may read it: on request, and each read is logged.
    client.force_login(commune_a_leader)
    html = client.get(url).content.decode()
    assert "Người Tố Cáo Kín" not in html
    assert 'data-testid="read-identity"' in html
    assert not IdentityAccess.objects.exists()
    revealed = client.post(url, headers={"HX-Request": "true"})
    assert "Người Tố Cáo Kín" in revealed.content.decode()
    assert "<html" not in revealed.content.decode()
    log = IdentityAccess.objects.get()
    assert log.user == commune_a_leader
    assert log.letter == reception.letter


# ---------------------------------------------------------------- schedules


def test_schedules_add_edit_and_validate(client, tree, commune_a_officer, commune_b_officer):
    client.force_login(commune_a_officer)
    form = {
        "unit": tree.commune_a.pk,
        "leader_name": "Phạm Văn Chủ",
        "leader_title": "Chủ tịch UBND phường",
        "frequency": "weekly",
        "days_text": "Thứ Năm hằng tuần",
        "place": "Trụ sở UBND phường",
        "valid_from": "2026-01-01",
        "valid_to": "2025-12-31",
    }
    response = client.post(reverse("petitions:schedule_new"), form)
    assert response.status_code == 200
    assert "valid_to" in response.context["form"].errors
    assert "Phạm Văn Chủ" in response.content.decode()  # the input is kept
    assert not ReceptionSchedule.objects.exists()

    form["valid_to"] = ""
    response = client.post(reverse("petitions:schedule_new"), form)
    assert response.status_code == 302
    schedule = ReceptionSchedule.objects.get()
    assert schedule.unit == tree.commune_a
    assert schedule.valid_to is None

    listing = client.get(reverse("petitions:schedule_list"))
    assert [s.pk for s in listing.context["page"].object_list] == [schedule.pk]

    edit = reverse("petitions:schedule_edit", args=[schedule.pk])
    form.pop("unit")
    form["days_text"] = "Thứ Ba hằng tuần"
    assert client.post(edit, form).status_code == 302
    schedule.refresh_from_db()
    assert schedule.days_text == "Thứ Ba hằng tuần"

    client.force_login(commune_b_officer)
    assert client.post(edit, form).status_code == 404
    with pytest.raises(PermissionDenied):
        rs.save_schedule(actor=commune_b_officer, unit=tree.commune_b, data={}, schedule=schedule)


def test_schedule_list_current_and_unit_filter(client, tree, province_officer):
    old = _schedule(tree.commune_a, valid_to=dt.date(2025, 12, 31))
    current = _schedule(tree.commune_a, valid_from=dt.date(2026, 1, 1))
    other = _schedule(tree.commune_b)
    client.force_login(province_officer)
    now = client.get(reverse("petitions:schedule_list"))
    assert {s.pk for s in now.context["page"].object_list} == {current.pk, other.pk}
    everything = client.get(
        reverse("petitions:schedule_list"), {"show": "all", "unit": tree.commune_a.pk}
    )
    assert {s.pk for s in everything.context["page"].object_list} == {old.pk, current.pk}


def test_list_queries_do_not_grow_with_rows(client, tree, province_officer):
    client.force_login(province_officer)
    _record(tree.commune_a, outcome="letter_received", make_letter=True)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("petitions:reception_list")).status_code == 200
        return len(queries)

    few = count()
    for n in range(12):
        unit = tree.commune_a if n % 2 else tree.commune_b
        _record(unit, outcome="letter_received", make_letter=n % 3 == 0, citizen_count=n + 1)
    assert count() == few
