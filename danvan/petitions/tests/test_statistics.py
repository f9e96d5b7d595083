"""Statistics of letters and the report indicators: known numbers, scope, the page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.dialogues.models import Dialogue, DialogueRequest
from danvan.petitions import services
from danvan.petitions.models import Letter, Reception
from danvan.petitions.statistics import computed_indicators, letter_statistics
from danvan.petitions.tests.factories import clerk, make_letter

STATS = reverse("petitions:statistics")
START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
D = dt.date


def _resolve(letter, on):
    return services.resolve(
        actor=clerk(letter.unit),
        letter=letter,
        on=on,
        outcome="answered",
        answer="Đã trả lời.",
        decision_number="5/QĐ",
        decision_date=on,
    )


@pytest.fixture
def known(tree):
    """Letters of commune A (and its party cell) around the first half of 2026."""
    a = tree.commune_a
    on_time = make_letter(
        a, status="accepted", received_on=D(2026, 2, 2), accepted_on=D(2026, 2, 3)
    )
    _resolve(on_time, D(2026, 2, 10))  # due 05/03: on time
    late = make_letter(
        a, kind="complaint", status="accepted", received_on=D(2026, 3, 2), accepted_on=D(2026, 3, 3)
    )
    _resolve(late, D(2026, 6, 15))  # 30 days from 03/03: late
    refused = make_letter(a, kind="denunciation", received_on=D(2026, 4, 1))
    services.refuse(actor=clerk(a), letter=refused, on=D(2026, 4, 2), reason="Không đủ căn cứ.")
    make_letter(a, kind="feedback", received_on=D(2026, 5, 4))  # open, overdue by 30/06
    # Received before the period, still being resolved: open and overdue, not "received".
    make_letter(a, status="accepted", received_on=D(2025, 12, 1), accepted_on=D(2025, 12, 2))
    make_letter(tree.cell_a, received_on=D(2026, 6, 25))  # open, acceptance due in July
    make_letter(a, received_on=D(2026, 7, 15))  # after the period
    make_letter(tree.commune_b, received_on=D(2026, 2, 2))  # another commune
    make_letter(tree.commune_b, received_on=D(2026, 3, 2), kind="complaint")


def test_known_numbers(tree, known):
    stats = letter_statistics(tree.commune_a, START, END)
    assert stats.at == END
    assert stats.totals == {
        "received": 5,
        "accepted": 2,
        "resolved": 2,
        "settled": 3,
        "on_time": 2,
        "late": 1,
        "open": 3,
        "overdue": 2,
    }
    assert stats.on_time_pct == pytest.approx(66.7)
    kinds = {row["key"]: row for row in stats.by_kind}
    assert kinds["petition"]["received"] == 2
    assert kinds["petition"]["open"] == 2
    assert kinds["petition"]["overdue"] == 1
    assert kinds["complaint"]["late"] == 1
    assert kinds["denunciation"]["settled"] == kinds["denunciation"]["on_time"] == 1
    assert kinds["denunciation"]["resolved"] == 0
    assert kinds["feedback"]["overdue"] == 1
    cell = next(row for row in stats.by_unit if row["unit"].pk == tree.cell_a.pk)
    assert (cell["received"], cell["open"], cell["overdue"]) == (1, 1, 0)
    assert stats.own["received"] == 4
    months = {row["month"]: row for row in stats.by_month}
    assert len(months) == 6
    assert months[D(2026, 2, 1)]["received"] == 1
    assert months[D(2026, 2, 1)]["on_time"] == 1
    assert months[D(2026, 4, 1)]["on_time"] == 1
    assert months[D(2026, 4, 1)]["resolved"] == 0
    assert months[D(2026, 6, 1)]["late"] == 1
    assert months[D(2026, 6, 1)]["resolved"] == 1
    assert sum(row["received"] for row in stats.by_month) == 5
    channels = {row["key"]: row["received"] for row in stats.by_channel}
    assert channels == {"in_person": 5}


def test_province_counts_both_communes(tree, known):
    stats = letter_statistics(tree.province, START, END)
    assert stats.totals["received"] == 7
    units = {row["unit"].pk: row["received"] for row in stats.by_unit}
    assert units[tree.commune_a.pk] == 5
    assert units[tree.commune_b.pk] == 2
    assert units[tree.department.pk] == 0
    assert letter_statistics(tree.commune_b, START, END).totals["received"] == 2


def test_open_and_overdue_today_match_the_stored_due_dates(tree, known):
    today = timezone.localdate()
    stats = letter_statistics(tree.commune_a, D(today.year, 1, 1), D(today.year, 12, 31))
    assert stats.at == today
    subtree = Letter.objects.filter(unit__path__startswith=tree.commune_a.path)
    assert stats.totals["open"] == subtree.open().count()
    assert stats.totals["overdue"] == subtree.open().overdue(today).count()


def test_computed_indicators(tree, known):
    a = tree.commune_a
    common = {"content": "Hỏi về cấp sổ đỏ", "classification": "petition", "outcome": "guided"}
    Reception.objects.create(
        unit=a,
        received_on=D(2026, 3, 5),
        kind="leader",
        official_name="Chủ tịch",
        citizen_count=3,
        **common,
    )
    Reception.objects.create(
        unit=a, received_on=D(2026, 3, 5), kind="leader", official_name="Chủ tịch", **common
    )
    Reception.objects.create(
        unit=tree.cell_a,
        received_on=D(2026, 4, 10),
        kind="regular",
        official_name="Cán bộ",
        citizen_count=2,
        **common,
    )
    Reception.objects.create(
        unit=tree.commune_b,
        received_on=D(2026, 4, 10),
        kind="leader",
        official_name="Chủ tịch",
        citizen_count=9,
        **common,
    )
    Reception.objects.create(
        unit=a, received_on=D(2026, 8, 1), kind="leader", official_name="Chủ tịch", **common
    )
    dialogue = Dialogue.objects.create(
        unit=a,
        held_on=D(2026, 5, 10),
        place="Nhà văn hóa",
        title="Đối thoại về đất đai",
        topic="land",
        kind="thematic",
        chair_name="Chủ tịch",
    )
    DialogueRequest.objects.create(
        dialogue=dialogue,
        number=1,
        text="Làm đường",
        owner_unit=a,
        due_on=D(2026, 6, 10),
        status="answered",
        answer="Đã làm",
        answered_on=D(2026, 6, 1),
    )
    DialogueRequest.objects.create(
        dialogue=dialogue, number=2, text="Đèn đường", owner_unit=a, due_on=D(2026, 8, 10)
    )
    Dialogue.objects.create(
        unit=tree.commune_b,
        held_on=D(2026, 5, 10),
        place="UBND",
        title="Đối thoại",
        topic="land",
        kind="thematic",
        chair_name="Chủ tịch",
    )
    indicators = computed_indicators(a, START, END)
    assert indicators == {
        "letters_received": 5,
        "letters_accepted": 2,
        "letters_resolved": 2,
        "letters_settled": 3,
        "letters_resolved_on_time": 2,
        "letters_resolved_late": 1,
        "letters_open": 3,
        "letters_overdue": 2,
        "complaints_received": 1,
        "denunciations_received": 1,
        "petitions_received": 2,
        "feedback_received": 1,
        "receptions_held": 3,
        "citizens_received": 6,
        "leader_reception_days": 1,
        "dialogues_held": 1,
        "dialogue_requests_raised": 2,
        "dialogue_requests_answered": 1,
    }
    province = computed_indicators(tree.province, START, END)
    assert province["receptions_held"] == 4
    assert province["leader_reception_days"] == 2  # one day in each commune
    assert province["dialogues_held"] == 2
    assert province["complaints_received"] == 2


def test_statistics_page_scope(client, tree, known, commune_b_officer, province_officer):
    client.force_login(commune_b_officer)
    response = client.get(STATS, {"start": "2026-01-01", "end": "2026-06-30"})
    assert response.status_code == 200
    assert response.context["root"].pk == tree.commune_b.pk
    assert response.context["numbers"].totals["received"] == 2
    assert client.get(STATS, {"unit": tree.commune_a.pk}).status_code == 404
    assert client.get(STATS, {"unit": tree.province.pk}).status_code == 404
    client.force_login(province_officer)
    response = client.get(
        STATS, {"unit": tree.province.pk, "start": "01/01/2026", "end": "30/06/2026"}
    )
    assert response.context["numbers"].totals["received"] == 7
    html = response.content.decode()
    assert f'data-unit="{tree.commune_a.pk}"' in html
    assert f'data-unit="{tree.commune_b.pk}"' in html


def test_statistics_page_defaults_and_bad_dates(client, tree, known, commune_a_officer):
    today = timezone.localdate()
    client.force_login(commune_a_officer)
    response = client.get(STATS)
    assert (response.context["start"], response.context["end"]) == (
        D(today.year, 1, 1),
        D(today.year, 12, 31),
    )
    response = client.get(STATS, {"start": "2026-06-30", "end": "2026-01-01"})
    assert (response.context["start"], response.context["end"]) == (START, END)
    assert response.context["warning"]
    response = client.get(STATS, {"start": "garbage", "unit": "abc"})
    assert response.status_code == 404  # a unit that does not exist


def test_statistics_page_query_count(
    client, tree, known, province_officer, django_assert_max_num_queries
):
    client.force_login(province_officer)
    with django_assert_max_num_queries(25):
        response = client.get(STATS, {"start": "2026-01-01", "end": "2026-06-30"})
    assert response.status_code == 200
