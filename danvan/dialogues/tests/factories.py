"""Dialogues, requests and disclosures for tests, built through the services."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from danvan.dialogues import services
from danvan.dialogues.models import Dialogue, DialogueRequest, DisclosureItem
from danvan.orgs.models import Membership, Role, User
from danvan.orgs.tests.factories import UserFactory

_counter = itertools.count(1)


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def officer(unit) -> User:
    """An officer of ``unit`` (created once per unit)."""
    username = f"dialogue-officer-{unit.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = UserFactory(username=username)
        Membership.objects.create(user=user, unit=unit, role=Role.OFFICER)
    return user


def make_dialogue(
    unit,
    *,
    held_on: dt.date | None = None,
    actor: User | None = None,
    published: bool = False,
    **fields,
) -> Dialogue:
    n = next(_counter)
    actor = actor or officer(unit)
    data = {
        "held_on": held_on or days_ago(10),
        "place": "Hội trường UBND",
        "title": f"Hội nghị đối thoại số {n} về môi trường",
        "topic": "environment",
        "kind": "periodic",
        "chair_name": "Nguyễn Văn Chủ",
        "chair_title": "Chủ tịch UBND",
        "participant_count": 80,
        **fields,
    }
    dialogue = services.create_dialogue(actor=actor, unit=unit, data=data)
    if published:
        dialogue = services.publish_dialogue(actor=actor, dialogue=dialogue)
    return dialogue


def make_request(
    dialogue: Dialogue,
    *,
    owner=None,
    due_on: dt.date | None = None,
    actor: User | None = None,
    answered: bool = False,
    published: bool = False,
    text: str = "Đề nghị nạo vét kênh thoát nước khu phố 3.",
    raised_by: str = "Ông Trần Văn Dân, khu phố 3",
) -> DialogueRequest:
    actor = actor or officer(dialogue.unit)
    request = services.add_request(
        actor=actor,
        dialogue=dialogue,
        data={
            "text": text,
            "raised_by": raised_by,
            "owner_unit": owner or dialogue.unit,
            "due_on": due_on or dialogue.held_on + dt.timedelta(days=30),
        },
    )
    if answered or published:
        request = services.answer_request(
            actor=actor, request=request, answer="Đã nạo vét xong.", on=timezone.localdate()
        )
    if published:
        request = services.publish_request(actor=actor, request=request)
    return request


def make_disclosure(
    unit,
    *,
    category: str = "budget",
    channel: str = "posting",
    posted_from: dt.date | None = None,
    posted_to: dt.date | None = None,
    actor: User | None = None,
    title: str = "Dự toán ngân sách xã năm 2026",
) -> DisclosureItem:
    return services.save_disclosure(
        actor=actor or officer(unit),
        unit=unit,
        data={
            "title": title,
            "category": category,
            "channel": channel,
            "posted_from": posted_from or days_ago(40),
            "posted_to": posted_to,
            "location": "Bảng tin UBND",
        },
    )
