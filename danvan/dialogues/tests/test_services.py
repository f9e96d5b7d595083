"""Dialogue and request services: numbering, validation, answers, publication, letters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from danvan.core.models import Notification
from danvan.dialogues import selectors, services
from danvan.dialogues.models import DialogueRequest, RequestStatus
from danvan.dialogues.tests.factories import days_ago, make_dialogue, make_request, officer
from danvan.orgs.tests.factories import make_child
from danvan.petitions.models import Channel, LetterKind, SubjectArea

pytestmark = pytest.mark.django_db


def _data(**overrides):
    return {
        "held_on": days_ago(3),
        "place": "Nhà văn hóa khu phố 1",
        "title": "Đối thoại về giải phóng mặt bằng",
        "topic": "land",
        "kind": "thematic",
        "chair_name": "Lê Văn Chủ",
        "participant_count": 40,
        **overrides,
    }


# ------------------------------------------------------------------ dialogues


def test_create_dialogue_records_who(tree, commune_a_officer):
    dialogue = services.create_dialogue(actor=commune_a_officer, unit=tree.commune_a, data=_data())
    assert dialogue.unit == tree.commune_a
    assert dialogue.created_by == commune_a_officer
    assert dialogue.search_text  # folded for search
    assert dialogue.history.count() == 1


def test_create_dialogue_in_another_commune_is_refused(tree, commune_b_officer):
    with pytest.raises(PermissionDenied):
        services.create_dialogue(actor=commune_b_officer, unit=tree.commune_a, data=_data())


def test_observer_cannot_record_a_dialogue(tree, observer):
    with pytest.raises(PermissionDenied):
        services.create_dialogue(actor=observer, unit=tree.commune_a, data=_data())


def test_dialogue_in_the_future_is_refused(tree, commune_a_officer):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.create_dialogue(
            actor=commune_a_officer, unit=tree.commune_a, data=_data(held_on=tomorrow)
        )
    assert "held_on" in exc.value.message_dict


def test_missing_fields_are_reported_by_name(tree, commune_a_officer):
    with pytest.raises(ValidationError) as exc:
        services.create_dialogue(
            actor=commune_a_officer, unit=tree.commune_a, data=_data(title="", place="")
        )
    assert {"title", "place"} <= set(exc.value.message_dict)


def test_update_dialogue_cannot_move_after_a_due_date(tree, commune_a_officer):
    dialogue = make_dialogue(tree.commune_a, held_on=days_ago(20))
    make_request(dialogue, due_on=days_ago(15))
    with pytest.raises(ValidationError) as exc:
        services.update_dialogue(
            actor=commune_a_officer, dialogue=dialogue, data={"held_on": days_ago(10)}
        )
    assert "held_on" in exc.value.message_dict
    dialogue = services.update_dialogue(
        actor=commune_a_officer, dialogue=dialogue, data={"held_on": days_ago(16), "title": "Mới"}
    )
    assert dialogue.held_on == days_ago(16)
    assert dialogue.title == "Mới"


def test_update_dialogue_of_another_commune_is_refused(tree, commune_b_officer):
    dialogue = make_dialogue(tree.commune_a)
    with pytest.raises(PermissionDenied):
        services.update_dialogue(actor=commune_b_officer, dialogue=dialogue, data={"title": "x"})


# ------------------------------------------------------------------ requests


def test_requests_are_numbered_per_dialogue(tree):
    first = make_dialogue(tree.commune_a)
    second = make_dialogue(tree.commune_a)
    assert [make_request(first).number for _ in range(3)] == [1, 2, 3]
    assert make_request(second).number == 1
    assert make_request(first).number == 4


def test_due_date_before_the_dialogue_is_refused(tree, commune_a_officer):
    dialogue = make_dialogue(tree.commune_a, held_on=days_ago(10))
    with pytest.raises(ValidationError) as exc:
        services.add_request(
            actor=commune_a_officer,
            dialogue=dialogue,
            data={"text": "Sửa đường", "owner_unit": tree.commune_a, "due_on": days_ago(11)},
        )
    assert "due_on" in exc.value.message_dict
    # The day of the dialogue itself is allowed.
    request = services.add_request(
        actor=commune_a_officer,
        dialogue=dialogue,
        data={"text": "Sửa đường", "owner_unit": tree.commune_a, "due_on": days_ago(10)},
    )
    assert request.due_on == dialogue.held_on


def test_request_needs_text_owner_and_due_date(tree, commune_a_officer):
    dialogue = make_dialogue(tree.commune_a)
    with pytest.raises(ValidationError) as exc:
        services.add_request(
            actor=commune_a_officer,
            dialogue=dialogue,
            data={"text": "  ", "owner_unit": None, "due_on": None},
        )
    assert set(exc.value.message_dict) == {"text", "owner_unit", "due_on"}


def test_owner_unit_must_be_in_force_in_the_province(tree, commune_a_officer):
    dialogue = make_dialogue(tree.commune_a)
    # Another province (the legacy one, closed) and a closed unit of this province are refused.
    closed = make_child(
        tree.province, name="Xã cũ", valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2025, 6, 30)
    )
    for owner in (tree.legacy, closed):
        with pytest.raises(ValidationError) as exc:
            services.add_request(
                actor=commune_a_officer,
                dialogue=dialogue,
                data={"text": "Sửa đường", "owner_unit": owner, "due_on": days_ago(1)},
            )
        assert "owner_unit" in exc.value.message_dict
    # A department of the province is fine: the commune asks it to answer.
    request = services.add_request(
        actor=commune_a_officer,
        dialogue=dialogue,
        data={"text": "Sửa đường", "owner_unit": tree.department, "due_on": days_ago(1)},
    )
    assert request.owner_unit == tree.department
    assert tree.legacy not in services.owner_choices(dialogue)
    assert closed not in services.owner_choices(dialogue)
    assert tree.department in services.owner_choices(dialogue)


def test_owner_unit_is_notified_when_it_is_another_unit(tree):
    from danvan.orgs.models import Role
    from danvan.orgs.tests.factories import MembershipFactory, UserFactory

    head = UserFactory(username="dept_officer")
    MembershipFactory(user=head, unit=tree.department, role=Role.OFFICER)
    dialogue = make_dialogue(tree.commune_a)
    request = make_request(dialogue, owner=tree.department)
    note = Notification.objects.get(user=head)
    assert note.url == services.request_url(request)
    make_request(dialogue)  # owned by the dialogue's unit itself: no notification
    assert Notification.objects.filter(user=head).count() == 1


def test_add_request_at_another_communes_dialogue_is_refused(tree, commune_b_officer):
    dialogue = make_dialogue(tree.commune_a)
    with pytest.raises(PermissionDenied):
        services.add_request(
            actor=commune_b_officer,
            dialogue=dialogue,
            data={"text": "x", "owner_unit": tree.commune_b, "due_on": days_ago(1)},
        )


# ------------------------------------------------------------------ answers


def test_owner_unit_answers_a_request_raised_at_another_units_dialogue(tree, commune_b_officer):
    dialogue = make_dialogue(tree.commune_a, held_on=days_ago(10))
    request = make_request(dialogue, owner=tree.commune_b)
    request = services.answer_request(
        actor=commune_b_officer, request=request, answer="Đã xử lý.", on=days_ago(2)
    )
    assert request.status == RequestStatus.ANSWERED
    assert request.answered_by == commune_b_officer
    assert request.answered_on == days_ago(2)


def test_a_third_unit_cannot_answer(tree, commune_b_officer):
    dialogue = make_dialogue(tree.commune_a)
    request = make_request(dialogue, owner=tree.department)
    with pytest.raises(PermissionDenied):
        services.answer_request(
            actor=commune_b_officer, request=request, answer="x", on=days_ago(1)
        )


def test_the_dialogues_unit_may_answer_for_the_owner(tree, commune_a_officer):
    request = make_request(make_dialogue(tree.commune_a), owner=tree.department)
    request = services.answer_request(
        actor=commune_a_officer, request=request, answer="Sở đã trả lời.", on=days_ago(1)
    )
    assert request.status == RequestStatus.ANSWERED


def test_answer_date_rules(tree, commune_a_officer):
    dialogue = make_dialogue(tree.commune_a, held_on=days_ago(10))
    request = make_request(dialogue)
    for on in (days_ago(11), timezone.localdate() + dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as exc:
            services.answer_request(actor=commune_a_officer, request=request, answer="x", on=on)
        assert "on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.answer_request(
            actor=commune_a_officer, request=request, answer=" ", on=days_ago(1)
        )
    assert "answer" in exc.value.message_dict
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    # The day of the dialogue is a valid answer date.
    services.answer_request(
        actor=commune_a_officer, request=request, answer="Trả lời tại chỗ.", on=days_ago(10)
    )


# ------------------------------------------------------------------ publication


def test_cannot_publish_an_unanswered_request(tree, commune_a_officer):
    request = make_request(make_dialogue(tree.commune_a))
    with pytest.raises(ValidationError):
        services.publish_request(actor=commune_a_officer, request=request)
    request.refresh_from_db()
    assert not request.is_published


def test_public_needs_the_dialogue_published(tree, commune_a_officer):
    dialogue = make_dialogue(tree.commune_a)
    request = make_request(dialogue, published=True)
    assert request.is_published
    assert request.published_on == timezone.localdate()
    assert not DialogueRequest.objects.public().exists()
    assert not selectors.public_requests().exists()
    services.publish_dialogue(actor=commune_a_officer, dialogue=dialogue)
    assert list(DialogueRequest.objects.public()) == [request]
    # Withdrawing the answer takes it off the portal again.
    services.publish_request(actor=commune_a_officer, request=request, published=False)
    assert not DialogueRequest.objects.public().exists()


def test_public_output_never_carries_who_raised_it(tree):
    dialogue = make_dialogue(tree.commune_a, published=True)
    make_request(dialogue, published=True, raised_by="Bà Nguyễn Thị Kín")
    make_request(dialogue, raised_by="Ông Chưa Trả Lời")  # not answered: not public
    rows = list(selectors.public_requests(dialogue.pk))
    assert len(rows) == 1
    assert "raised_by" not in rows[0]
    assert all("Kín" not in str(value) for value in rows[0].values())
    assert rows[0]["answer"] == "Đã nạo vét xong."
    dialogues = list(selectors.public_dialogues())
    assert [d["pk"] for d in dialogues] == [dialogue.pk]
    assert "created_by" not in dialogues[0]


def test_publish_dialogue_of_another_commune_is_refused(tree, commune_b_officer):
    dialogue = make_dialogue(tree.commune_a)
    with pytest.raises(PermissionDenied):
        services.publish_dialogue(actor=commune_b_officer, dialogue=dialogue)


# ------------------------------------------------------------------ letters


def test_letter_opened_for_a_request(tree, commune_b_officer):
    dialogue = make_dialogue(tree.commune_a, held_on=days_ago(12), topic="land")
    request = make_request(dialogue, owner=tree.commune_b, raised_by="Ông Trần Văn Dân")
    letter = services.open_letter_for_request(actor=commune_b_officer, request=request)
    request.refresh_from_db()
    assert request.letter == letter
    assert letter.channel == Channel.DIALOGUE
    assert letter.kind == LetterKind.PETITION
    assert letter.unit == tree.commune_b
    assert letter.received_on == dialogue.held_on
    assert letter.content == request.text
    assert letter.subject_area == SubjectArea.LAND
    assert letter.citizen_name == "Ông Trần Văn Dân"
    with pytest.raises(ValidationError):
        services.open_letter_for_request(actor=commune_b_officer, request=request)


def test_only_the_owner_unit_opens_a_letter(tree, commune_a_officer):
    request = make_request(make_dialogue(tree.commune_a), owner=tree.commune_b)
    with pytest.raises(PermissionDenied):
        services.open_letter_for_request(actor=commune_a_officer, request=request)
    assert officer(tree.commune_b).has_perm("dialogues.open_letter", request)
