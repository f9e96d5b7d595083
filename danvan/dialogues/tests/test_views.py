"""Dialogue, request and disclosure pages: scope, forms, htmx partials, exports, queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from danvan.dialogues.models import Dialogue, DialogueRequest, DisclosureItem, RequestStatus
from danvan.dialogues.tests.factories import (
    days_ago,
    make_dialogue,
    make_disclosure,
    make_request,
)
from danvan.petitions.models import Channel, Letter

pytestmark = pytest.mark.django_db


def _sheet_rows(response, index=0):
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[index]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# ------------------------------------------------------------------ dialogue list


def test_list_shows_only_the_users_scope(client, tree, commune_a_officer, province_officer):
    mine = make_dialogue(tree.commune_a, title="Đối thoại về rác thải")
    theirs = make_dialogue(tree.commune_b, title="Đối thoại về đất đai")
    client.force_login(commune_a_officer)
    response = client.get(reverse("dialogues:dialogue_list"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]
    client.force_login(province_officer)
    response = client.get(reverse("dialogues:dialogue_list"))
    assert set(response.context["page"].object_list) == {mine, theirs}


def test_list_filters_and_accent_free_search(client, tree, province_officer):
    waste = make_dialogue(tree.commune_a, title="Đối thoại về rác thải", topic="environment")
    land = make_dialogue(
        tree.commune_b, title="Đối thoại về đất đai", topic="land", kind="incident"
    )
    make_dialogue(tree.commune_b, title="Cũ", held_on=days_ago(100))
    client.force_login(province_officer)
    url = reverse("dialogues:dialogue_list")

    def rows(**params):
        return list(client.get(url, params).context["page"].object_list)

    assert rows(q="rac thai") == [waste]
    assert rows(topic="land") == [land]
    assert rows(kind="incident") == [land]
    assert rows(unit=tree.commune_a.pk) == [waste]
    assert set(rows(date_from=days_ago(50).isoformat())) == {waste, land}
    assert rows(published="yes") == []
    assert rows(topic="nonsense", unit="abc")  # malformed filters are ignored


def test_list_htmx_returns_the_partial(client, tree, province_officer):
    make_dialogue(tree.commune_a)
    client.force_login(province_officer)
    response = client.get(reverse("dialogues:dialogue_list"), headers={"HX-Request": "true"})
    assert response.templates[0].name == "dialogues/partials/dialogue_results.html"
    assert b"<html" not in response.content


def test_list_query_count_is_constant(client, tree, province_officer, django_assert_num_queries):
    client.force_login(province_officer)
    url = reverse("dialogues:dialogue_list")
    dialogue = make_dialogue(tree.commune_a)
    make_request(dialogue, due_on=days_ago(1))
    client.get(url)  # warm the session and caches
    with django_assert_num_queries(10) as few:
        client.get(url)
    for _ in range(12):
        make_request(make_dialogue(tree.commune_b), due_on=days_ago(1))
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 13
    row = response.context["page"].object_list[0]
    assert (row.n_requests, row.n_open, row.n_overdue) == (1, 1, 1)


def test_export_reads_back(client, tree, province_officer):
    dialogue = make_dialogue(tree.commune_a, title="Đối thoại về kênh thoát nước")
    make_request(dialogue, owner=tree.commune_b, due_on=days_ago(1), text="Nạo vét kênh")
    make_request(dialogue, answered=True, text="Sửa đèn đường")
    make_dialogue(tree.commune_b, title="Khác")
    client.force_login(province_officer)
    response = client.get(reverse("dialogues:dialogue_export"), {"unit": tree.commune_a.pk})
    assert response.status_code == 200
    dialogues = _sheet_rows(response, 0)
    assert len(dialogues) == 2  # header + one dialogue
    assert dialogues[1][1] == tree.commune_a.name
    assert dialogues[1][2] == "Đối thoại về kênh thoát nước"
    assert dialogues[1][8:11] == [2, 1, 1]
    requests = _sheet_rows(response, 1)
    assert len(requests) == 3
    first, second = requests[1], requests[2]
    assert (first[2], first[3], first[5]) == (1, "Nạo vét kênh", tree.commune_b.name)
    assert first[6].date() == days_ago(1)
    assert first[9] in (None, "")
    assert (second[2], second[9]) == (2, "Đã nạo vét xong.")


def test_export_respects_scope(client, tree, commune_b_officer):
    make_dialogue(tree.commune_a)
    client.force_login(commune_b_officer)
    response = client.get(reverse("dialogues:dialogue_export"))
    assert len(_sheet_rows(response, 0)) == 1  # the header only


# ------------------------------------------------------------------ dialogue pages


def test_commune_b_cannot_see_or_change_commune_a_dialogues(client, tree, commune_b_officer):
    dialogue = make_dialogue(tree.commune_a)
    request = make_request(dialogue)
    client.force_login(commune_b_officer)
    for url in (
        dialogue.get_absolute_url(),
        reverse("dialogues:dialogue_edit", args=[dialogue.pk]),
        reverse("dialogues:request_detail", args=[request.pk]),
    ):
        assert client.get(url).status_code == 404
    for url, data in (
        (reverse("dialogues:dialogue_edit", args=[dialogue.pk]), {"title": "x"}),
        (reverse("dialogues:dialogue_publish", args=[dialogue.pk]), {}),
        (reverse("dialogues:request_new", args=[dialogue.pk]), {"text": "x"}),
        (reverse("dialogues:request_answer", args=[request.pk]), {"answer": "x"}),
        (reverse("dialogues:request_publish", args=[request.pk]), {}),
        (reverse("dialogues:request_letter", args=[request.pk]), {}),
    ):
        assert client.post(url, data).status_code == 404
    dialogue.refresh_from_db()
    assert not dialogue.is_published
    assert dialogue.requests.count() == 1


def test_observer_reads_but_cannot_edit(client, tree, observer):
    dialogue = make_dialogue(tree.commune_a)
    make_request(dialogue)
    client.force_login(observer)
    response = client.get(dialogue.get_absolute_url())
    assert response.status_code == 200
    assert response.context["request_form"] is None
    assert not response.context["rows"][0]["can_answer"]
    assert client.get(reverse("dialogues:dialogue_edit", args=[dialogue.pk])).status_code == 403
    assert client.get(reverse("dialogues:dialogue_new")).status_code == 403


def test_record_a_dialogue(client, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    url = reverse("dialogues:dialogue_new")
    assert client.get(url).status_code == 200
    data = {
        "unit": tree.commune_a.pk,
        "held_on": days_ago(1).isoformat(),
        "title": "Hội nghị lắng nghe ý kiến nhân dân tháng 10",
        "topic": "general",
        "kind": "periodic",
        "place": "Hội trường phường",
        "chair_name": "Nguyễn Văn A",
        "chair_title": "Bí thư Đảng ủy",
        "participants": "MTTQ, Hội Nông dân",
        "participant_count": "120",
        "summary": "",
    }
    # Another commune as the unit is not a choice.
    response = client.post(url, {**data, "unit": tree.commune_b.pk})
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    response = client.post(url, data)
    dialogue = Dialogue.objects.get()
    assert response.status_code == 302
    assert response.url == dialogue.get_absolute_url()
    assert dialogue.participant_count == 120


def test_edit_keeps_what_was_typed_on_error(client, tree, commune_a_officer):
    dialogue = make_dialogue(tree.commune_a)
    client.force_login(commune_a_officer)
    url = reverse("dialogues:dialogue_edit", args=[dialogue.pk])
    data = {
        "held_on": days_ago(-1).isoformat(),
        "title": "Tiêu đề mới",
        "topic": "land",
        "kind": "thematic",
        "place": "Nơi mới",
        "chair_name": "B",
        "participant_count": "5",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "held_on" in response.context["form"].errors
    assert "Tiêu đề mới" in response.content.decode()
    response = client.post(url, {**data, "held_on": days_ago(2).isoformat()})
    assert response.status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.title == "Tiêu đề mới"


def test_add_request_from_the_page(client, tree, commune_a_officer):
    dialogue = make_dialogue(tree.commune_a, held_on=days_ago(10))
    client.force_login(commune_a_officer)
    url = reverse("dialogues:request_new", args=[dialogue.pk])
    data = {
        "text": "Đề nghị lắp đèn đường",
        "raised_by": "Ông A",
        "owner_unit": tree.department.pk,
        "due_on": days_ago(11).isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "due_on" in response.context["request_form"].errors
    assert not DialogueRequest.objects.exists()
    response = client.post(url, {**data, "due_on": days_ago(0).isoformat()})
    assert response.status_code == 302
    request = DialogueRequest.objects.get()
    assert (request.number, request.owner_unit) == (1, tree.department)
    page = client.get(dialogue.get_absolute_url())
    row = page.context["rows"][0]
    assert row["request"] == request
    assert 'data-testid="request-row"' in page.content.decode()


def test_detail_shows_overdue_badge(client, tree, commune_a_officer):
    dialogue = make_dialogue(tree.commune_a, held_on=days_ago(10))
    make_request(dialogue, due_on=days_ago(1))
    make_request(dialogue, due_on=days_ago(0))
    client.force_login(commune_a_officer)
    response = client.get(dialogue.get_absolute_url())
    assert [r["due_state"] for r in response.context["rows"]] == ["overdue", "due_soon"]
    assert response.content.decode().count('data-testid="overdue"') == 1


def test_detail_query_count_is_constant(client, tree, commune_a_officer, django_assert_num_queries):
    dialogue = make_dialogue(tree.commune_a)
    make_request(dialogue)
    client.force_login(commune_a_officer)
    client.get(dialogue.get_absolute_url())
    with django_assert_num_queries(9) as few:
        client.get(dialogue.get_absolute_url())
    for _ in range(8):
        make_request(dialogue, owner=tree.commune_b)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(dialogue.get_absolute_url())


def test_publish_flow(client, tree, commune_a_officer):
    dialogue = make_dialogue(tree.commune_a)
    request = make_request(dialogue)
    client.force_login(commune_a_officer)
    publish = reverse("dialogues:request_publish", args=[request.pk])
    response = client.post(publish, {"published": "1"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert not request.is_published  # not answered yet
    answer = reverse("dialogues:request_answer", args=[request.pk])
    response = client.post(
        answer,
        {
            "answer": "Đã lắp đèn.",
            "on": days_ago(1).isoformat(),
            "next": dialogue.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    assert response.url == dialogue.get_absolute_url()
    client.post(publish, {"published": "1"})
    client.post(reverse("dialogues:dialogue_publish", args=[dialogue.pk]), {"published": "1"})
    assert list(DialogueRequest.objects.public()) == [request]


def test_answer_errors_are_shown_on_the_request_page(client, tree, commune_a_officer):
    request = make_request(make_dialogue(tree.commune_a, held_on=days_ago(5)))
    client.force_login(commune_a_officer)
    response = client.post(
        reverse("dialogues:request_answer", args=[request.pk]),
        {"answer": "Trả lời sớm", "on": days_ago(6).isoformat(), "next": "https://evil.example/"},
    )
    assert response.status_code == 400
    assert "on" in response.context["form"].errors
    assert "Trả lời sớm" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_answer_redirect_stays_on_the_site(client, tree, commune_a_officer):
    request = make_request(make_dialogue(tree.commune_a))
    client.force_login(commune_a_officer)
    response = client.post(
        reverse("dialogues:request_answer", args=[request.pk]),
        {"answer": "OK", "on": days_ago(0).isoformat(), "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("dialogues:request_detail", args=[request.pk])


# ------------------------------------------------------------------ requests raised


def test_owner_unit_sees_and_answers_a_request_raised_elsewhere(
    client, tree, commune_a_officer, commune_b_officer
):
    dialogue = make_dialogue(tree.commune_a, held_on=days_ago(20))
    later = make_request(dialogue, owner=tree.commune_b, due_on=days_ago(-20))
    overdue = make_request(dialogue, owner=tree.commune_b, due_on=days_ago(2))
    make_request(dialogue)  # commune A's own
    client.force_login(commune_b_officer)
    response = client.get(reverse("dialogues:request_list"))
    assert [row["request"] for row in response.context["page"].object_list] == [overdue, later]
    # The dialogue itself stays commune A's: commune B reads the request's own page.
    assert client.get(dialogue.get_absolute_url()).status_code == 404
    page = client.get(reverse("dialogues:request_detail", args=[overdue.pk]))
    assert page.status_code == 200
    assert page.context["can_answer"]
    assert not page.context["can_see_dialogue"]
    response = client.post(
        reverse("dialogues:request_answer", args=[overdue.pk]),
        {"answer": "Phường Phan Rang đã xử lý.", "on": days_ago(1).isoformat()},
    )
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.status == RequestStatus.ANSWERED
    assert overdue.answered_by == commune_b_officer
    # Commune A follows it up among the requests raised at its dialogues.
    client.force_login(commune_a_officer)
    owned = client.get(reverse("dialogues:request_list"))
    assert len(owned.context["page"].object_list) == 1
    raised = client.get(reverse("dialogues:request_list"), {"side": "raised"})
    assert len(raised.context["page"].object_list) == 3


def test_request_list_filters(client, tree, province_officer):
    dialogue = make_dialogue(tree.commune_a, held_on=days_ago(20))
    overdue = make_request(dialogue, owner=tree.commune_b, due_on=days_ago(2), text="Nạo vét mương")
    soon = make_request(dialogue, due_on=days_ago(-3), text="Sửa cầu")
    answered = make_request(dialogue, answered=True, text="Trồng cây")
    client.force_login(province_officer)
    url = reverse("dialogues:request_list")

    def rows(**params):
        return [row["request"] for row in client.get(url, params).context["page"].object_list]

    assert rows() == [overdue, soon, answered]
    assert rows(due="overdue") == [overdue]
    assert rows(due="due_soon") == [soon]
    assert rows(status="answered") == [answered]
    assert rows(owner=tree.commune_b.pk) == [overdue]
    assert rows(q="Nạo vét") == [overdue, answered]  # the answer says "Đã nạo vét xong."
    assert rows(q="Sửa") == [soon]
    # The dialogue's title is searched without accents.
    assert rows(q="hoi nghi doi thoai") == [overdue, soon, answered]
    assert rows(q="khong co") == []


def test_request_list_query_count(client, tree, province_officer, django_assert_num_queries):
    client.force_login(province_officer)
    url = reverse("dialogues:request_list")
    dialogue = make_dialogue(tree.commune_a)
    make_request(dialogue)
    client.get(url)
    with django_assert_num_queries(9) as few:
        client.get(url)
    for _ in range(10):
        make_request(make_dialogue(tree.commune_b), owner=tree.commune_a)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_open_a_letter_from_the_page(client, tree, commune_b_officer):
    dialogue = make_dialogue(tree.commune_a, held_on=days_ago(4))
    request = make_request(dialogue, owner=tree.commune_b)
    client.force_login(commune_b_officer)
    response = client.post(reverse("dialogues:request_letter", args=[request.pk]))
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response.url == letter.get_absolute_url()
    assert letter.channel == Channel.DIALOGUE
    request.refresh_from_db()
    assert request.letter == letter


# ------------------------------------------------------------------ disclosure register


def test_disclosure_scope(client, tree, commune_a_officer, commune_b_officer):
    item = make_disclosure(tree.commune_a)
    client.force_login(commune_b_officer)
    assert client.get(item.get_absolute_url()).status_code == 404
    edit = reverse("dialogues:disclosure_edit", args=[item.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"title": "đổi"}).status_code == 404
    listing = client.get(reverse("dialogues:disclosure_list"))
    assert list(listing.context["page"].object_list) == []
    export = client.get(reverse("dialogues:disclosure_export"))
    assert len(_sheet_rows(export)) == 1
    client.force_login(commune_a_officer)
    assert client.get(item.get_absolute_url()).status_code == 200


def test_disclosure_list_flags_violations(client, tree, commune_a_officer):
    bad = make_disclosure(
        tree.commune_a, channel="posting", posted_from=days_ago(40), posted_to=days_ago(21)
    )
    good = make_disclosure(
        tree.commune_a, channel="radio", posted_from=days_ago(10), posted_to=days_ago(8)
    )
    still = make_disclosure(tree.commune_a, channel="posting", posted_from=days_ago(5))
    client.force_login(commune_a_officer)
    url = reverse("dialogues:disclosure_list")
    response = client.get(url)
    html = response.content.decode()
    assert html.count('data-violation="1"') == 1
    assert 'data-testid="still-posted"' in html
    rows = {row["item"]: row for row in response.context["page"].object_list}
    assert rows[still]["ends_no_earlier_than"] == days_ago(5) + dt.timedelta(days=29)
    assert rows[bad]["item"].is_violation
    only = client.get(url, {"violations": "1"})
    assert [row["item"] for row in only.context["page"].object_list] == [bad]
    radio = client.get(url, {"channel": "radio"})
    assert [row["item"] for row in radio.context["page"].object_list] == [good]


def test_disclosure_detail_shows_the_rule(client, tree, commune_a_officer):
    item = make_disclosure(
        tree.commune_a, channel="posting", posted_from=days_ago(40), posted_to=days_ago(21)
    )
    client.force_login(commune_a_officer)
    html = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="violation"' in html
    assert "Luật Thực hiện dân chủ ở cơ sở 2022" in html


def test_record_and_edit_a_disclosure(client, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    data = {
        "unit": tree.commune_a.pk,
        "title": "Dự thảo hương ước thôn 2",
        "category": "village_convention",
        "channel": "website",
        "posted_from": days_ago(20).isoformat(),
        "posted_to": days_ago(11).isoformat(),
        "location": "Cổng thông tin xã",
        "note": "",
    }
    response = client.post(reverse("dialogues:disclosure_new"), data)
    item = DisclosureItem.objects.get()
    assert response.status_code == 302
    assert item.is_violation
    edit = reverse("dialogues:disclosure_edit", args=[item.pk])
    response = client.post(edit, {**data, "posted_to": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert not item.is_violation
    response = client.post(edit, {**data, "posted_to": days_ago(21).isoformat()})
    assert response.status_code == 200
    assert "posted_to" in response.context["form"].errors


def test_disclosure_export_reads_back(client, tree, province_officer):
    make_disclosure(
        tree.commune_a,
        channel="posting",
        posted_from=days_ago(40),
        posted_to=days_ago(21),
        title="Niêm yết dự toán",
    )
    make_disclosure(tree.commune_b, channel="radio", posted_from=days_ago(3), posted_to=days_ago(1))
    client.force_login(province_officer)
    response = client.get(reverse("dialogues:disclosure_export"), {"violations": "1"})
    rows = _sheet_rows(response)
    assert len(rows) == 2
    row = rows[1]
    assert (row[0], row[1], row[7], row[8]) == (tree.commune_a.name, "Niêm yết dự toán", 20, 30)
    assert row[9]  # flagged
    assert "Luật Thực hiện dân chủ ở cơ sở 2022" in row[10]


def test_disclosure_list_query_count(client, tree, province_officer, django_assert_num_queries):
    client.force_login(province_officer)
    url = reverse("dialogues:disclosure_list")
    make_disclosure(tree.commune_a)
    client.get(url)
    with django_assert_num_queries(10) as few:
        client.get(url)
    for n in range(10):
        make_disclosure(tree.commune_b, title=f"Mục {n}", posted_from=days_ago(n + 1))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
