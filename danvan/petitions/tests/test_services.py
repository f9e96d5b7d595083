"""The letter services: the seal and deadlines at intake, the transitions table, dates,
extensions, attachments, families and the overdue escalation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from danvan.core.models import Notification
from danvan.orgs.models import Role
from danvan.orgs.tests.factories import MembershipFactory, UserFactory
from danvan.petitions import services
from danvan.petitions.models import (
    IdentityAccess,
    LetterAction,
    LetterDocument,
    LetterFamily,
    LetterStatus,
)
from danvan.petitions.tests.factories import make_letter

PDF = b"%PDF-1.4\n%%EOF\n"


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def pdf(name="a.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_denunciation_sealed_and_deadlines(
    tree, commune_a_officer, commune_a_leader, province_leader
):
    letter = make_letter(tree.commune_a, kind="denunciation", received_on=dt.date(2026, 2, 10))
    assert letter.confidential
    # 7 working days from 10/02/2026 (Tue) across Tết 2026 (16–20/02 off): 11,12,13,23,24,25,26
    assert letter.acceptance_due == dt.date(2026, 2, 26)
    assert letter.current_due == letter.acceptance_due
    with pytest.raises(PermissionDenied):
        services.read_identity(user=province_leader, letter=letter)
    with pytest.raises(PermissionDenied):
        services.read_identity(user=commune_a_officer, letter=letter)
    identity = services.read_identity(user=commune_a_leader, letter=letter, purpose="test")
    assert identity["citizen_name"] == "Nguyễn Văn An"
    assert IdentityAccess.objects.filter(letter=letter, user=commune_a_leader).count() == 1
    assert "nguyen" not in letter.search_text


def test_reading_an_unsealed_identity_is_not_logged(tree, commune_a_officer):
    letter = make_letter(tree.commune_a, kind="petition")
    identity = services.read_identity(user=commune_a_officer, letter=letter)
    assert identity["citizen_name"] == "Nguyễn Văn An"
    assert IdentityAccess.objects.count() == 0
    assert "nguyen van an" in letter.search_text


def test_seal_drops_the_name_from_search(tree, commune_a_officer):
    letter = make_letter(tree.commune_a, kind="complaint")
    letter = services.seal(actor=commune_a_officer, letter=letter, note="Đề nghị giữ bí mật")
    letter.refresh_from_db()
    assert letter.confidential and "nguyen" not in letter.search_text
    assert letter.events.filter(action=LetterAction.SEALED).count() == 1
    services.seal(actor=commune_a_officer, letter=letter)  # twice: nothing more
    assert letter.events.filter(action=LetterAction.SEALED).count() == 1


def test_intake_refuses_a_future_date(tree, commune_a_officer):
    with pytest.raises(ValidationError) as caught:
        make_letter(tree.commune_a, received_on=timezone.localdate() + dt.timedelta(days=1))
    assert "received_on" in caught.value.message_dict


def test_extension_limits(tree, commune_a_officer):
    letter = make_letter(
        tree.commune_a,
        kind="denunciation",
        status="accepted",
        received_on=dt.date(2026, 9, 1),
        accepted_on=dt.date(2026, 9, 3),
        complexity="complex",
    )
    assert letter.resolution_due == dt.date(2026, 10, 5)  # 03/09 + 30 = 03/10 (Sat) → Mon 05/10
    assert services.extension_room(letter) == (1, 30)
    with pytest.raises(ValidationError):
        services.extend(
            actor=commune_a_officer,
            letter=letter,
            days=31,
            decision_number="1/QĐ",
            decision_date=dt.date(2026, 9, 20),
        )
    with pytest.raises(ValidationError) as caught:
        services.extend(
            actor=commune_a_officer,
            letter=letter,
            days=30,
            decision_number=" ",
            decision_date=dt.date(2026, 9, 20),
        )
    assert "decision_number" in caught.value.message_dict
    letter = services.extend(
        actor=commune_a_officer,
        letter=letter,
        days=30,
        decision_number="1/QĐ",
        decision_date=dt.date(2026, 9, 20),
    )
    assert letter.resolution_due == dt.date(2026, 11, 2)  # 03/09 + 60 = 02/11 (Mon)
    assert services.extension_room(letter) == (0, 30)
    with pytest.raises(ValidationError):
        services.extend(
            actor=commune_a_officer,
            letter=letter,
            days=10,
            decision_number="2/QĐ",
            decision_date=dt.date(2026, 9, 21),
        )


def test_a_normal_petition_has_no_extension(tree, commune_a_officer):
    letter = make_letter(tree.commune_a, kind="petition", status="accepted")
    assert services.extension_room(letter)[0] == 0
    with pytest.raises(ValidationError):
        services.extend(
            actor=commune_a_officer,
            letter=letter,
            days=5,
            decision_number="1/QĐ",
            decision_date=timezone.localdate(),
        )


def test_other_commune_cannot_act(tree, commune_b_officer):
    letter = make_letter(tree.commune_a)
    with pytest.raises(PermissionDenied):
        services.accept(actor=commune_b_officer, letter=letter, on=letter.received_on)
    with pytest.raises(PermissionDenied):
        services.add_note(actor=commune_b_officer, letter=letter, note="x")
    with pytest.raises(PermissionDenied):
        services.receive_letter(
            actor=commune_b_officer,
            unit=tree.commune_a,
            data={"kind": "petition", "channel": "post", "title": "x", "content": "y"},
        )
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RECEIVED


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("received", {"accept", "refuse", "transfer", "forward", "archive"}),
        ("accepted", {"resolve"}),
        ("resolved", set()),
        ("refused", set()),
    ],
)
def test_transitions(tree, commune_a_officer, status, allowed):
    letter = make_letter(tree.commune_a, kind="complaint", status=status, received_on=days_ago(3))
    today = timezone.localdate()
    moves = {
        "accept": lambda: services.accept(actor=commune_a_officer, letter=letter, on=today),
        "refuse": lambda: services.refuse(
            actor=commune_a_officer, letter=letter, on=today, reason="r"
        ),
        "transfer": lambda: services.transfer(
            actor=commune_a_officer, letter=letter, to_unit=tree.commune_b, on=today
        ),
        "forward": lambda: services.forward(
            actor=commune_a_officer, letter=letter, to_body="Tòa án", on=today
        ),
        "archive": lambda: services.archive(actor=commune_a_officer, letter=letter, reason="r"),
        "resolve": lambda: services.resolve(
            actor=commune_a_officer,
            letter=letter,
            on=today,
            outcome="answered",
            answer="a",
            decision_number="1/QĐ",
        ),
    }
    for name, move in moves.items():
        if name in allowed:
            continue
        with pytest.raises(ValidationError):
            move()
    letter.refresh_from_db()
    assert letter.status == status
    for name in allowed:
        fresh = make_letter(
            tree.commune_a, kind="complaint", status=status, received_on=days_ago(3)
        )
        letter = fresh
        moves[name]()


def test_dates_before_the_step_they_follow_are_refused(tree, commune_a_officer):
    letter = make_letter(tree.commune_a, kind="complaint", received_on=days_ago(10))
    with pytest.raises(ValidationError) as caught:
        services.accept(actor=commune_a_officer, letter=letter, on=days_ago(11))
    assert "on" in caught.value.message_dict
    letter = services.accept(actor=commune_a_officer, letter=letter, on=days_ago(8))
    with pytest.raises(ValidationError) as caught:
        services.resolve(
            actor=commune_a_officer,
            letter=letter,
            on=days_ago(9),
            outcome="answered",
            answer="a",
            decision_number="1",
        )
    assert "on" in caught.value.message_dict
    for decision_date in (days_ago(9), timezone.localdate() + dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as caught:
            services.resolve(
                actor=commune_a_officer,
                letter=letter,
                on=days_ago(1),
                outcome="answered",
                answer="a",
                decision_number="1",
                decision_date=decision_date,
            )
        assert "decision_date" in caught.value.message_dict
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ACCEPTED


def test_an_anonymous_complaint_cannot_be_accepted(tree, commune_a_officer):
    letter = make_letter(tree.commune_a, kind="complaint", is_anonymous=True)
    assert letter.citizen_name == ""
    with pytest.raises(ValidationError):
        services.accept(actor=commune_a_officer, letter=letter, on=letter.received_on)


def test_transfer_checks_the_target(tree, commune_a_officer):
    letter = make_letter(tree.commune_a, handler=commune_a_officer)
    with pytest.raises(ValidationError):
        services.transfer(
            actor=commune_a_officer, letter=letter, to_unit=tree.commune_a, on=letter.received_on
        )
    with pytest.raises(ValidationError):
        services.transfer(
            actor=commune_a_officer, letter=letter, to_unit=tree.legacy, on=letter.received_on
        )
    moved = services.transfer(
        actor=commune_a_officer, letter=letter, to_unit=tree.commune_b, on=letter.received_on
    )
    assert moved.unit == tree.commune_b and moved.handler is None
    assert moved.received_unit == tree.commune_a


def test_assign_needs_a_member_of_the_resolving_unit(tree, commune_a_officer, commune_b_officer):
    letter = make_letter(tree.commune_a)
    with pytest.raises(ValidationError) as caught:
        services.assign(actor=commune_a_officer, letter=letter, handler=commune_b_officer)
    assert "handler" in caught.value.message_dict
    services.assign(actor=commune_a_officer, letter=letter, handler=commune_a_officer)
    assert Notification.objects.filter(user=commune_a_officer).count() == 1


def _stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "letters"
    return set(root.rglob("*")) if root.exists() else set()


def test_a_refused_attachment_stores_nothing(tree, commune_a_officer):
    before = _stored_files()
    bad = SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        services.receive_letter(
            actor=commune_a_officer,
            unit=tree.commune_a,
            data={"kind": "petition", "channel": "post", "title": "t", "content": "c"},
            documents=[pdf(), pdf("b.pdf"), bad],
        )
    assert "documents" in caught.value.message_dict
    assert LetterDocument.objects.count() == 0
    assert _stored_files() == before


def test_too_many_attachments(tree, commune_a_officer):
    with pytest.raises(ValidationError):
        services.receive_letter(
            actor=commune_a_officer,
            unit=tree.commune_a,
            data={"kind": "petition", "channel": "post", "title": "t", "content": "c"},
            documents=[pdf(f"{n}.pdf") for n in range(services.MAX_DOCUMENTS + 1)],
        )


def test_link_makes_and_merges_families(tree, commune_a_officer, commune_b_officer):
    a, b, c, d = (make_letter(tree.commune_a) for _n in range(4))
    with pytest.raises(ValidationError):
        services.link(actor=commune_a_officer, letters=[a, a])
    first = services.link(actor=commune_a_officer, letters=[a, b], title="Vụ việc 1")
    second = services.link(actor=commune_a_officer, letters=[c, d])
    assert first.pk != second.pk
    merged = services.link(actor=commune_a_officer, letters=[b, c])
    assert merged.pk == min(first.pk, second.pk)
    assert LetterFamily.objects.count() == 1
    assert merged.letters.count() == 4
    # Linking again changes nothing and records nothing more.
    events = a.events.filter(action=LetterAction.LINKED).count()
    services.link(actor=commune_a_officer, letters=[a, b])
    assert a.events.filter(action=LetterAction.LINKED).count() == events
    other = make_letter(tree.commune_b)
    with pytest.raises(PermissionDenied):
        services.link(actor=commune_a_officer, letters=[a, other])
    other.refresh_from_db()
    assert other.family_id is None


def test_escalate_overdue_once_and_again_after_an_extension(tree, commune_a_officer):
    head = UserFactory(username="head_of_province")
    MembershipFactory(user=head, unit=tree.province, role=Role.LEADER)
    letter = make_letter(
        tree.commune_a,
        kind="denunciation",
        status="accepted",
        received_on=days_ago(90),
        accepted_on=days_ago(85),
        complexity="complex",
    )
    make_letter(tree.commune_a, kind="petition")  # not overdue
    assert letter.current_due < timezone.localdate()
    assert services.escalate_overdue() == 1
    assert services.escalate_overdue() == 0
    letter.refresh_from_db()
    event = letter.events.get(action=LetterAction.ESCALATED)
    assert event.to_unit == tree.province and event.actor is None
    assert head.notifications.count() == 1
    assert "Nguyễn" not in head.notifications.get().text
    # An extension re-arms the escalation (a new deadline), and it is escalated again when
    # that one passes too.
    services.extend(
        actor=commune_a_officer,
        letter=letter,
        days=1,
        decision_number="3/QĐ",
        decision_date=days_ago(80),
    )
    letter.refresh_from_db()
    assert letter.escalated_on is None
    assert letter.current_due < timezone.localdate()  # a day more is still long past
    assert services.escalate_overdue() == 1
    assert letter.events.filter(action=LetterAction.ESCALATED).count() == 2
