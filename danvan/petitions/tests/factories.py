"""Letters, receptions and schedules for tests, built through the services (real deadlines)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from danvan.orgs.models import Membership, Role, User
from danvan.orgs.tests.factories import UserFactory
from danvan.petitions import services
from danvan.petitions.models import Letter, LetterKind, Outcome

_counter = itertools.count(1)


def clerk(unit) -> User:
    """An officer of ``unit`` (created once per unit) who records letters there."""
    username = f"clerk-{unit.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = UserFactory(username=username)
        Membership.objects.create(user=user, unit=unit, role=Role.OFFICER)
    return user


def make_letter(
    unit,
    *,
    kind: str = LetterKind.PETITION,
    status: str = "received",
    received_on: dt.date | None = None,
    accepted_on: dt.date | None = None,
    actor: User | None = None,
    title: str | None = None,
    content: str | None = None,
    citizen_name: str = "Nguyễn Văn An",
    citizen_id_number: str = "",
    confidential: bool = False,
    complexity: str = "normal",
    handler: User | None = None,
    **extra,
) -> Letter:
    n = next(_counter)
    actor = actor or clerk(unit)
    today = timezone.localdate()
    received_on = received_on or today
    data = {
        "kind": kind,
        "channel": "in_person",
        "subject_area": "land",
        "title": title or f"Đơn số {n} về việc cấp giấy chứng nhận quyền sử dụng đất",
        "content": content or f"Nội dung đơn số {n}: đề nghị xem xét giải quyết.",
        "received_on": received_on,
        "citizen_name": citizen_name,
        "citizen_id_number": citizen_id_number or f"0791{n:08d}",
        "citizen_address": "Thôn 3, xã Ninh Phước",
        "citizen_phone": "0905123456",
        "confidential": confidential,
        **extra,
    }
    letter = services.receive_letter(actor=actor, unit=unit, data=data)
    if handler is not None:
        letter = services.assign(actor=actor, letter=letter, handler=handler)
    if status in ("accepted", "resolved"):
        letter = services.accept(
            actor=actor, letter=letter, on=accepted_on or received_on, complexity=complexity
        )
    if status == "resolved":
        letter = services.resolve(
            actor=actor,
            letter=letter,
            on=today,
            outcome=Outcome.ANSWERED,
            answer="Đã trả lời công dân.",
            decision_number="12/QĐ-UBND",
            decision_date=today,
        )
    if status == "refused":
        letter = services.refuse(
            actor=actor, letter=letter, on=received_on, reason="Không thuộc thẩm quyền."
        )
    letter.refresh_from_db()
    return letter
