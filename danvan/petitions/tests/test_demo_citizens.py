"""``manage.py load_demo_citizens`` on a small tree with the keys the demo needs.

The full units file is not needed (and slow): a province "P56" with Phường Nha Trang
("C22366"), Phường Phan Rang, the remote Xã Bác Ái and one more commune, then ``load_demo``
for the agencies and users, then the command under test, twice.
"""

import io
import json

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone, translation

from danvan.core.models import Notification
from danvan.dialogues.models import (
    Dialogue,
    DialogueKind,
    DialogueRequest,
    DisclosureCategory,
    DisclosureItem,
    ListeningRequirement,
)
from danvan.dialogues.services import requirement_coverage
from danvan.orgs.models import Membership, Role, Unit, User
from danvan.petitions.models import (
    Channel,
    Complexity,
    IdentityAccess,
    Letter,
    LetterAction,
    LetterEvent,
    LetterFamily,
    LetterKind,
    LetterStatus,
    Reception,
    ReceptionKind,
    ReceptionOutcome,
    ReceptionSchedule,
)

COMMUNES = [
    ("C22366", "Phường Nha Trang"),
    ("C22759", "Phường Phan Rang"),
    ("C22795", "Xã Bác Ái"),
    ("C22363", "Phường Bắc Nha Trang"),
]


def _units_file(tmp_path) -> str:
    rows = [
        {
            "key": "P56",
            "code": "56",
            "kind": "province",
            "name": "Tỉnh Khánh Hòa",
            "short_name": "Khánh Hòa",
            "parent": None,
            "valid_from": "2025-07-01",
            "valid_to": None,
        }
    ]
    rows += [
        {
            "key": key,
            "code": key[1:],
            "kind": "commune",
            "name": name,
            "short_name": name.split(" ", 1)[1],
            "parent": "P56",
            "valid_from": "2025-07-01",
            "valid_to": None,
        }
        for key, name in COMMUNES
    ]
    path = tmp_path / "units.json"
    data = {"source": "test", "units": rows, "successions": []}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def run() -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("load_demo_citizens", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, int]:
    models = [
        Letter,
        LetterEvent,
        LetterFamily,
        IdentityAccess,
        Reception,
        ReceptionSchedule,
        Dialogue,
        DialogueRequest,
        ListeningRequirement,
        DisclosureItem,
        Notification,
        User,
        Membership,
    ]
    return {m.__name__: m.objects.count() for m in models}


def check_letters(today) -> None:
    nha_trang = Unit.objects.get(external_key="C22366")
    phan_rang = Unit.objects.get(name="Phường Phan Rang")
    assert set(Letter.objects.values_list("status", flat=True)) == set(LetterStatus.values)
    assert set(Letter.objects.values_list("kind", flat=True)) == set(LetterKind.values)
    assert Letter.objects.filter(kind=LetterKind.COMPLAINT, complaint_round=2).exists()
    assert Letter.objects.filter(
        kind=LetterKind.COMPLAINT, complexity=Complexity.COMPLEX, confidential=True
    ).exists()
    assert Letter.objects.filter(channel=Channel.PORTAL, created_by=None).count() >= 3

    # The sealed denunciation: complex, assigned to nhatrang.canbo, extended once in writing.
    sealed = Letter.objects.get(kind=LetterKind.DENUNCIATION, extensions_granted=1)
    assert sealed.confidential and sealed.complexity == Complexity.COMPLEX
    assert sealed.handler.username == "nhatrang.canbo"
    assert sealed.unit == nha_trang and sealed.current_due >= today
    extension = sealed.events.get(action=LetterAction.EXTENDED)
    assert extension.document_number and extension.document_date and extension.days == 30
    assert IdentityAccess.objects.filter(letter=sealed, user=sealed.handler).exists()

    # Some due soon, some overdue; the overdue ones escalated to the province, once.
    open_letters = Letter.objects.open()
    overdue = open_letters.overdue(today)
    assert overdue.count() >= 3
    assert not overdue.filter(escalated_on__isnull=True).exists()
    assert LetterEvent.objects.filter(action=LetterAction.ESCALATED).count() == overdue.count()
    assert open_letters.due_soon(today, 5).exists()

    resolved = Letter.objects.filter(status=LetterStatus.RESOLVED).exclude(answer="")
    assert any(x.closed_on <= x.resolution_due for x in resolved)
    assert any(x.closed_on > x.resolution_due for x in resolved)
    assert Letter.objects.filter(status=LetterStatus.REFUSED).exclude(answer="").exists()
    assert Letter.objects.filter(status=LetterStatus.ARCHIVED, is_anonymous=True).exists()
    assert Letter.objects.filter(received_unit=phan_rang, unit=nha_trang).exists()
    family = LetterFamily.objects.annotate(n=Count("letters")).get(n=2)
    assert len({x.citizen_id_index for x in family.letters.all()}) == 1


def check_receptions(today) -> None:
    nha_trang = Unit.objects.get(external_key="C22366")
    assert ReceptionSchedule.objects.count() == 3
    register = Reception.objects.filter(unit=nha_trang)
    first = register.order_by("received_on").first().received_on
    assert (today - first).days >= 75  # about three months
    leader_weeks = {
        d.isocalendar()[:2]
        for d in register.filter(kind=ReceptionKind.LEADER).values_list("received_on", flat=True)
    }
    assert 8 <= len(leader_weeks) <= 11  # a couple of weeks missed
    assert register.filter(citizen_count=15).exists()
    produced = register.get(outcome=ReceptionOutcome.LETTER_RECEIVED)
    assert produced.letter.received_on == produced.received_on


def check_dialogues(today) -> None:
    conference = Dialogue.objects.get(kind=DialogueKind.PERIODIC, held_on__month=10)
    assert conference.is_published
    assert conference.requests.public().exists()  # a published answer
    assert conference.requests.overdue(today).exists()
    assert conference.requests.filter(status="answered", is_published=False).exists()
    incident = Dialogue.objects.get(kind=DialogueKind.INCIDENT)
    assert incident.topic == "environment"
    assert incident.requests.filter(letter__channel=Channel.DIALOGUE).exists()
    requirement = ListeningRequirement.objects.get()
    assert (requirement.starts_on.day, requirement.ends_on.day) == (1, 31)
    assert requirement.starts_on.month == 10
    coverage = requirement_coverage(requirement)
    met = {row.unit.name for row in coverage.met_rows}
    missing = {row.unit.name for row in coverage.missing}
    assert "Phường Nha Trang" in met and "Phường Phan Rang" in missing

    violations = DisclosureItem.objects.violations()
    assert list(violations.values_list("category", flat=True)) == [
        DisclosureCategory.VILLAGE_CONVENTION
    ]
    assert DisclosureItem.objects.filter(posted_to__isnull=True).exists()
    assert DisclosureItem.objects.filter(channel="radio", is_violation=False).exists()


@pytest.mark.django_db
def test_demo_builds_every_part_and_a_second_run_changes_nothing(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_units", file=_units_file(tmp_path), stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    today = timezone.localdate()

    output = run()
    assert "Tour" in output and "tinh.thanhtra" in output
    assert "Nguyễn Thị Hạnh" not in output  # the denouncer's name is never printed
    inspector = User.objects.get(username="tinh.thanhtra")
    assert inspector.check_password("danvan-demo")
    assert inspector.memberships.filter(role=Role.INSPECTOR, unit__external_key="P56").exists()
    check_letters(today)
    check_receptions(today)
    check_dialogues(today)

    before = snapshot()
    again = run()
    assert "no change" in again
    assert snapshot() == before
