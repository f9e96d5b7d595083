"""Published dialogues and their published answers, as anonymous citizens see them."""

import datetime as dt

import pytest
from django.urls import reverse

from danvan.dialogues.models import Dialogue, DialogueRequest, RequestStatus
from danvan.orgs.tests.factories import make_child, make_root

LIST = reverse("public:dialogue_list")


def dialogue(unit, *, published=True, title="Đối thoại về giải phóng mặt bằng", **fields):
    values = {
        "held_on": dt.date(2026, 10, 15),
        "place": "Hội trường UBND phường",
        "topic": "land",
        "kind": "thematic",
        "chair_name": "Nguyễn Văn Chủ Trì",
        "chair_title": "Chủ tịch UBND phường",
        "participants": "Ông Lê Văn Dự, bà Trần Thị Họp (tổ dân phố 4)",
        "participant_count": 80,
        "summary": "Người dân nêu ý kiến về tiến độ bồi thường.",
        "is_published": published,
        **fields,
    }
    return Dialogue.objects.create(unit=unit, title=title, **values)


def request_(d, number, *, published=True, answered=True, owner=None, **fields):
    values = {
        "text": f"Kiến nghị số {number}: sớm chi trả tiền bồi thường.",
        "raised_by": f"Ông Phan Văn Nêu {number}, tổ 4",
        "owner_unit": owner or d.unit,
        "due_on": dt.date(2026, 11, 15),
        "status": RequestStatus.ANSWERED if answered else RequestStatus.OPEN,
        "answer": f"Trả lời số {number}: sẽ chi trả trong tháng 12." if answered else "",
        "answered_on": dt.date(2026, 11, 1) if answered else None,
        "is_published": published,
        "published_on": dt.date(2026, 11, 2) if published else None,
        **fields,
    }
    return DialogueRequest.objects.create(dialogue=d, number=number, **values)


@pytest.fixture
def held(tree):
    d = dialogue(tree.commune_a)
    request_(d, 1, owner=tree.department)
    request_(d, 2, published=False)  # answered, not yet published
    request_(d, 3, published=False, answered=False)  # still open
    return d


def test_list_shows_published_dialogues_only(client, tree, held):
    hidden = dialogue(tree.commune_b, published=False, title="Đối thoại chưa công bố")
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert held.title in html
    assert hidden.title not in html
    assert list(response.context["page"].object_list) == [held]
    assert response.context["page"].object_list[0].answer_count == 1


def test_detail_shows_published_answers_and_nothing_internal(client, tree, held):
    response = client.get(reverse("public:dialogue_detail", args=[held.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert held.title in html
    assert held.place in html
    assert held.summary in html
    assert "15/10/2026" in html
    assert "Phường Nha Trang" in html
    assert "Kiến nghị số 1" in html
    assert "Trả lời số 1" in html
    assert "Sở Nội vụ" in html  # the owner unit of request 1
    assert "01/11/2026" in html
    # Never who raised a request, the participants' names, unpublished or open requests.
    for secret in ("Phan Văn Nêu", "Lê Văn Dự", "Trần Thị Họp", "Kiến nghị số 2", "Trả lời số 2"):
        assert secret not in html, secret
    assert "Kiến nghị số 3" not in html
    assert [r.number for r in response.context["requests"]] == [1]


def test_unpublished_dialogue_is_404_even_with_published_requests(client, tree):
    d = dialogue(tree.commune_a, published=False)
    request_(d, 1)
    assert client.get(reverse("public:dialogue_detail", args=[d.pk])).status_code == 404
    assert client.get(reverse("public:dialogue_detail", args=[999999])).status_code == 404
    assert "Kiến nghị số 1" not in client.get(LIST).content.decode()


def test_search_without_accents_and_filters(client, tree, held):
    other_province = make_root(code="66", name="Tỉnh Đắk Lắk")
    commune = make_child(other_province, name="Xã Ea Kao")
    env = dialogue(commune, title="Hội nghị lắng nghe về môi trường", topic="environment")

    def rows(**params):
        return list(client.get(LIST, params).context["page"].object_list)

    assert rows(q="giai phong mat bang") == [held]
    assert rows(q="moi truong") == [env]
    assert rows(province=tree.province.pk) == [held]
    assert rows(province=other_province.pk) == [env]
    assert rows(topic="environment") == [env]
    assert rows(topic="land", province=other_province.pk) == []
    # Malformed filters are ignored, never an error page.
    assert set(rows(province="abc", topic="nope")) == {held, env}
    provinces = dict(client.get(LIST).context["provinces"])
    assert set(provinces.values()) == {"Tỉnh Khánh Hòa", "Tỉnh Đắk Lắk"}


def test_search_does_not_reach_who_raised_requests(client, tree, held):
    response = client.get(LIST, {"q": "Phan Van Neu"})
    assert list(response.context["page"].object_list) == []


def test_list_is_paginated_and_answers_htmx_with_the_results_only(client, tree):
    for n in range(15):
        dialogue(tree.commune_a, title=f"Đối thoại định kỳ {n}", held_on=dt.date(2026, 1, 1 + n))
    first = client.get(LIST)
    assert len(first.context["page"].object_list) == 12
    second = client.get(LIST, {"page": 2})
    assert len(second.context["page"].object_list) == 3
    partial = client.get(LIST, {"q": "dinh ky"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert 'data-testid="dialogue-row"' in partial.content.decode()


def test_list_uses_a_constant_number_of_queries(client, tree, django_assert_max_num_queries):
    for n in range(10):
        d = dialogue(tree.commune_a, title=f"Đối thoại {n}")
        request_(d, 1)
    with django_assert_max_num_queries(8):
        client.get(LIST)
