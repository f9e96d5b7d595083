import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.petitions import services
from danvan.petitions.models import IdentityAccess, LetterStatus
from danvan.petitions.tests.factories import make_letter


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
    with pytest.raises(ValidationError):
        services.extend(
            actor=commune_a_officer,
            letter=letter,
            days=31,
            decision_number="1/QĐ",
            decision_date=dt.date(2026, 9, 20),
        )
    letter = services.extend(
        actor=commune_a_officer,
        letter=letter,
        days=30,
        decision_number="1/QĐ",
        decision_date=dt.date(2026, 9, 20),
    )
    assert letter.resolution_due == dt.date(2026, 11, 2)  # 03/09 + 60 = 02/11 (Mon)
    with pytest.raises(ValidationError):
        services.extend(
            actor=commune_a_officer,
            letter=letter,
            days=10,
            decision_number="2/QĐ",
            decision_date=dt.date(2026, 9, 21),
        )


def test_other_commune_cannot_act(tree, commune_b_officer):
    letter = make_letter(tree.commune_a)
    with pytest.raises(PermissionDenied):
        services.accept(actor=commune_b_officer, letter=letter, on=letter.received_on)
    assert letter.status == LetterStatus.RECEIVED
