"""Duplicate detection at intake and on the detail page: same ID number, near-identical text,
never across provinces, never unsealing a sealed letter; linking into a case family."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.orgs.models import Role
from danvan.orgs.tests.factories import MembershipFactory, UserFactory, make_child, make_root
from danvan.petitions import duplicates
from danvan.petitions.duplicates import duplicates_of, find_duplicates, phrases
from danvan.petitions.tests.factories import make_letter

LAND = (
    "Khiếu nại về việc UBND xã thu hồi đất không bồi thường",
    "Gia đình tôi có 1.200 m2 đất trồng lúa tại cánh đồng Bàu Sen, năm 2024 UBND xã thu hồi "
    "để làm đường giao thông nhưng đến nay chưa chi trả tiền bồi thường, hỗ trợ. Đề nghị cơ "
    "quan có thẩm quyền xem xét giải quyết dứt điểm.",
)
# The same letter typed again without accents, a few words changed.
LAND_AGAIN = (
    "Khieu nai ve viec UBND xa thu hoi dat khong boi thuong",
    "Gia dinh toi co 1.500 m2 dat trong lua tai canh dong Bau Sen, nam 2024 UBND xa thu hoi "
    "de mo rong duong giao thong nhung den nay van chua chi tra tien boi thuong. De nghi co "
    "quan co tham quyen xem xet giai quyet.",
)
# Another land complaint: same subject, different matter.
OTHER_LAND = (
    "Khiếu nại quyết định thu hồi đất",
    "Gia đình tôi bị thu hồi đất trồng cây lâu năm tại thôn Tân Lập để làm khu công nghiệp "
    "nhưng chưa được bố trí tái định cư, đề nghị UBND xã xem xét giải quyết bồi thường theo "
    "quy định.",
)
NOISE = (
    "Phản ánh tiếng ồn karaoke về đêm tại khu phố 2",
    "Quán karaoke hoạt động đến 1 giờ sáng gây mất trật tự, ảnh hưởng giấc ngủ của người dân "
    "trong khu phố, đề nghị chính quyền kiểm tra xử lý.",
)


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def text(pair) -> str:
    return f"{pair[0]} {pair[1]}"


def letter_with(unit, pair, **kwargs):
    return make_letter(unit, title=pair[0], content=pair[1], **kwargs)


@pytest.fixture
def other_province(db):
    province = make_root(code="68", name="Tỉnh Lâm Đồng", short_name="Lâm Đồng")
    return make_child(province, code="24001", name="Phường Đà Lạt")


def detail_panel(letter) -> str:
    return f"{reverse('petitions:letter_duplicates')}?letter={letter.pk}"


def codes(matches) -> set[str]:
    return {m.letter.code for m in matches}


def test_same_id_number_across_the_province(tree, commune_a_officer):
    first = letter_with(tree.commune_b, NOISE, citizen_id_number="079111222333")
    unrelated = letter_with(tree.commune_a, OTHER_LAND, citizen_id_number="079000000001")
    matches = find_duplicates(
        unit=tree.commune_a, id_number="079 111 222 333", viewer=commune_a_officer
    )
    assert codes(matches) == {first.code}
    assert matches[0].same_id_number
    assert unrelated.code not in codes(matches)


def test_near_identical_text_is_matched(tree, commune_a_officer):
    original = letter_with(tree.commune_a, LAND, received_on=days_ago(200))
    other = letter_with(tree.commune_a, OTHER_LAND)
    noise = letter_with(tree.commune_a, NOISE)
    matches = find_duplicates(unit=tree.commune_a, text=text(LAND_AGAIN), viewer=commune_a_officer)
    assert codes(matches) == {original.code}
    assert not matches[0].same_id_number
    assert 60 <= matches[0].percent <= 100
    assert other.code not in codes(matches) and noise.code not in codes(matches)


def test_unrelated_text_is_not_matched(tree, commune_a_officer):
    letter_with(tree.commune_a, LAND)
    letter_with(tree.commune_a, OTHER_LAND)
    assert find_duplicates(unit=tree.commune_a, text=text(NOISE), viewer=commune_a_officer) == []
    assert find_duplicates(unit=tree.commune_a, text="đất", viewer=commune_a_officer) == []


def test_scores_separate_a_copy_from_another_matter():
    mine = duplicates.trigrams(duplicates.normalise(text(LAND)))
    copy = duplicates.trigrams(duplicates.normalise(text(LAND_AGAIN)))
    other = duplicates.trigrams(duplicates.normalise(text(OTHER_LAND)))
    assert duplicates.similarity(mine, mine) == 1
    assert duplicates.similarity(mine, copy) >= 0.75
    assert duplicates.similarity(mine, other) < 0.5


def test_phrases_are_found_in_search_text(tree):
    letter = letter_with(tree.commune_a, LAND)
    found = phrases(text(LAND))
    assert found
    assert all(phrase in letter.search_text for phrase in found)


def test_another_province_is_never_matched(tree, other_province, commune_a_officer):
    far = letter_with(other_province, LAND, citizen_id_number="079555666777")
    matches = find_duplicates(
        unit=tree.commune_a,
        id_number="079555666777",
        text=text(LAND_AGAIN),
        viewer=commune_a_officer,
    )
    assert far.code not in codes(matches)
    assert matches == []
    # Seen from its own province it is found.
    lam_dong = find_duplicates(unit=other_province, id_number="079555666777")
    assert codes(lam_dong) == {far.code}


def test_old_letters_match_by_id_but_not_by_text(tree, commune_a_officer):
    old = letter_with(
        tree.commune_a, LAND, citizen_id_number="079222333444", received_on=days_ago(4 * 365)
    )
    by_text = find_duplicates(unit=tree.commune_a, text=text(LAND_AGAIN), viewer=commune_a_officer)
    assert old.code not in codes(by_text)
    by_id = find_duplicates(unit=tree.commune_a, id_number="079222333444", viewer=commune_a_officer)
    assert codes(by_id) == {old.code}


def test_a_sealed_letter_is_matched_by_id_only_for_a_seal_holder(
    tree, commune_a_officer, commune_a_leader, province_leader
):
    sealed = letter_with(tree.commune_a, NOISE, kind="denunciation", citizen_id_number="079333")
    for user in (commune_a_officer, province_leader, None):
        assert find_duplicates(unit=tree.commune_a, id_number="079333", viewer=user) == []
    found = find_duplicates(unit=tree.commune_a, id_number="079333", viewer=commune_a_leader)
    assert codes(found) == {sealed.code}
    # The text still matches (content is not identity), without saying "same ID number".
    by_text = find_duplicates(
        unit=tree.commune_a, id_number="079333", text=text(NOISE), viewer=commune_a_officer
    )
    assert codes(by_text) == {sealed.code} and not by_text[0].same_id_number


def test_a_sealed_letter_does_not_reveal_its_author_through_its_duplicates(
    tree, commune_a_officer, commune_a_leader
):
    complaint = letter_with(tree.commune_a, OTHER_LAND, citizen_id_number="079444")
    sealed = letter_with(tree.commune_a, NOISE, kind="denunciation", citizen_id_number="079444")
    # "The denouncer also filed that complaint" would name the denouncer: not for the officer.
    assert duplicates_of(sealed, viewer=commune_a_officer) == []
    assert codes(duplicates_of(sealed, viewer=commune_a_leader)) == {complaint.code}


def test_candidates_are_bounded_and_queries_constant(
    tree, commune_a_officer, django_assert_max_num_queries, monkeypatch
):
    for _n in range(4):
        letter_with(tree.commune_a, LAND)
    monkeypatch.setattr(duplicates, "MAX_CANDIDATES", 2)
    with django_assert_max_num_queries(3):
        matches = find_duplicates(unit=tree.commune_a, text=text(LAND_AGAIN))
    assert len(matches) == 2


def test_intake_panel_and_detail_panel(client, tree, commune_a_officer, commune_b_officer):
    first = letter_with(tree.commune_a, LAND, kind="complaint", citizen_id_number="079777888999")
    client.force_login(commune_a_officer)
    panel = client.post(
        reverse("petitions:letter_duplicates"),
        {"citizen_id_number": "", "title": LAND_AGAIN[0], "content": LAND_AGAIN[1]},
        headers={"HX-Request": "true"},
    )
    html = panel.content.decode()
    assert first.code in html and 'data-testid="reason-text"' in html
    assert "Nguyễn Văn An" not in html  # a duplicate never shows a name

    second = letter_with(tree.commune_a, LAND_AGAIN, kind="complaint")
    page = client.get(reverse("petitions:letter_detail", args=[second.pk]))
    assert 'data-testid="duplicates-loader"' in page.content.decode()
    panel = client.get(detail_panel(second), headers={"HX-Request": "true"})
    rows = panel.context["rows"]
    assert [row["letter"].code for row in rows] == [first.code]
    assert rows[0]["visible"] and rows[0]["can_link"]
    assert 'data-testid="link-button"' in panel.content.decode()

    response = client.post(
        reverse("petitions:letter_link"),
        {"letters": [second.pk, first.pk], "from": second.pk, "title": ""},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.family_id == second.family_id is not None
    page = client.get(reverse("petitions:letter_detail", args=[second.pk]))
    assert page.context["repeat_filings"] == 1
    assert 'data-testid="repeat-filings"' in page.content.decode()
    panel = client.get(detail_panel(second))
    assert panel.context["rows"][0]["same_family"]
    assert 'data-testid="link-button"' not in panel.content.decode()  # nothing left to link

    # Commune B sees the match from A's province-wide check only as code, date and unit.
    third = letter_with(tree.commune_b, LAND_AGAIN, kind="complaint")
    client.force_login(commune_b_officer)
    panel = client.get(detail_panel(third))
    rows = {row["letter"].code: row for row in panel.context["rows"]}
    assert set(rows) == {first.code, second.code}
    assert not rows[first.code]["visible"] and not rows[first.code]["can_link"]
    assert LAND[0] not in panel.content.decode()  # the subject of a letter B may not see
    # A letter of commune A is not found for commune B.
    assert client.get(detail_panel(first)).status_code == 404


def test_linking_a_letter_of_another_commune_is_404(client, tree, commune_b_officer):
    mine = letter_with(tree.commune_b, LAND)
    theirs = letter_with(tree.commune_a, LAND_AGAIN)
    client.force_login(commune_b_officer)
    response = client.post(
        reverse("petitions:letter_link"), {"letters": [mine.pk, theirs.pk], "from": mine.pk}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.family_id is None


def test_linking_needs_the_right_to_act_on_every_letter(client, tree, commune_a_officer):
    """A province observer sees both letters but may not link them."""
    observer = UserFactory(username="watcher")
    MembershipFactory(user=observer, unit=tree.province, role=Role.OBSERVER)
    a = letter_with(tree.commune_a, LAND)
    b = letter_with(tree.commune_a, LAND_AGAIN)
    client.force_login(observer)
    response = client.post(reverse("petitions:letter_link"), {"letters": [a.pk, b.pk]})
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.family_id is None
