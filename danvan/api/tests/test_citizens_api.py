"""The citizens API: letters (and the seal), moves, identity reads, receptions, dialogues,
disclosures, the deadline calculator and the public tracking lookup."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from danvan.dialogues.models import Dialogue, DialogueRequest, DisclosureItem, RequestStatus
from danvan.orgs.models import Role
from danvan.orgs.tests.factories import MembershipFactory, UserFactory
from danvan.petitions import services
from danvan.petitions.models import (
    IdentityAccess,
    Letter,
    LetterDocument,
    LetterStatus,
    Reception,
    ReceptionSchedule,
)
from danvan.petitions.tests.factories import make_letter
from danvan.portal import antiabuse

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

# The sealed denouncer: none of these may leave the API except through the identity endpoint.
SECRET_NAME = "Trần Thị Bí Mật"
SECRET_ID = "079912345678"
SECRET_PHONE = "0977111222"
SECRET_ADDRESS = "Số 9 hẻm Kín, phường Nha Trang"
SECRET_EMAIL = "bimat@example.vn"
SECRETS = [SECRET_NAME, SECRET_ID, SECRET_PHONE, SECRET_ADDRESS, SECRET_EMAIL]


def _member(username: str, unit, role: str):
    user = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def commune_a_leader(tree):
    return _member("commune_a_leader", tree.commune_a, Role.LEADER)


@pytest.fixture
def province_leader(tree):
    return _member("province_leader", tree.province, Role.LEADER)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def letters(tree):
    """One petition received by commune A, one by commune B."""
    a = make_letter(tree.commune_a, title="Đơn về đường giao thông Nha Trang")
    b = make_letter(tree.commune_b, title="Đơn về chợ Phan Rang")
    return a, b


@pytest.fixture
def sealed(tree, commune_a_officer):
    """A denunciation at commune A, assigned to commune A's officer, its identity sealed."""
    return make_letter(
        tree.commune_a,
        kind="denunciation",
        title="Tố cáo sai phạm trong cấp phép xây dựng",
        citizen_name=SECRET_NAME,
        citizen_id_number=SECRET_ID,
        citizen_phone=SECRET_PHONE,
        citizen_address=SECRET_ADDRESS,
        citizen_email=SECRET_EMAIL,
        handler=commune_a_officer,
    )


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["title"] for row in response.json()["results"])


def letter_url(letter, suffix: str = "") -> str:
    return f"/api/v1/letters/{letter.pk}/{suffix}"


def move(client, letter, action: str, **data):
    return client.post(
        letter_url(letter, "transitions/"), {"action": action, **data}, format="json", **EN
    )


# --- Authentication and scope ---------------------------------------------------------------


def test_every_endpoint_requires_credentials(api, letters):
    a, _b = letters
    for url in [
        "/api/v1/letters/",
        letter_url(a),
        letter_url(a, "events/"),
        "/api/v1/receptions/",
        "/api/v1/receptions/1/",
        "/api/v1/reception-schedules/",
        "/api/v1/dialogues/",
        "/api/v1/dialogues/1/",
        "/api/v1/dialogue-requests/",
        "/api/v1/disclosures/",
        "/api/v1/disclosures/1/",
        "/api/v1/deadlines/compute/?track=petition&step=acceptance&start=2026-02-10",
    ]:
        assert api.get(url).status_code == 401, url
    assert api.post("/api/v1/letters/", {}).status_code == 401
    assert api.post(letter_url(a, "identity/"), {"purpose": "x"}).status_code == 401
    assert api.post(letter_url(a, "transitions/"), {"action": "accept"}).status_code == 401


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("province_officer", ["Đơn về chợ Phan Rang", "Đơn về đường giao thông Nha Trang"]),
        ("observer", ["Đơn về chợ Phan Rang", "Đơn về đường giao thông Nha Trang"]),
        ("system_admin", ["Đơn về chợ Phan Rang", "Đơn về đường giao thông Nha Trang"]),
        ("commune_a_officer", ["Đơn về đường giao thông Nha Trang"]),
        ("commune_b_officer", ["Đơn về chợ Phan Rang"]),
        ("outsider", []),
    ],
)
def test_who_sees_which_letters(request, api_as, letters, who, sees):
    user = request.getfixturevalue(who)

    assert titles(api_as(user).get("/api/v1/letters/")) == sees


def test_out_of_scope_letter_answers_404_everywhere(api_as, letters, commune_b_officer):
    a, _b = letters
    client = api_as(commune_b_officer)

    assert client.get(letter_url(a)).status_code == 404
    assert client.get(letter_url(a), **EN).json() == {"detail": "Not found."}
    assert client.get(letter_url(a, "events/")).status_code == 404
    assert client.post(letter_url(a, "identity/"), {"purpose": "x"}).status_code == 404
    assert move(client, a, "accept").status_code == 404
    a.refresh_from_db()
    assert a.status == LetterStatus.RECEIVED
    # Unknown or malformed ids answer the same.
    assert client.get("/api/v1/letters/999999/").status_code == 404
    assert client.get("/api/v1/letters/abc/").status_code == 404
    assert client.get(f"/api/v1/letters/{2**70}/").status_code == 404


def test_a_letter_transferred_away_stays_visible_to_the_unit_that_received_it(
    api_as, letters, tree, commune_a_officer, commune_b_officer
):
    a, _b = letters
    moved = move(api_as(commune_a_officer), a, "transfer", to_unit=tree.commune_b.pk)

    assert moved.status_code == 200, moved.content
    assert moved.json()["unit"]["id"] == tree.commune_b.pk
    assert moved.json()["actions"] == []  # commune A no longer acts on it
    assert api_as(commune_a_officer).get(letter_url(a)).status_code == 200
    assert api_as(commune_b_officer).get(letter_url(a)).json()["actions"] == [
        "accept",
        "refuse",
        "assign",
        "transfer",
        "forward",
        "archive",
        "seal",
    ]


# --- Lists, filters, detail -----------------------------------------------------------------


def test_letter_row_has_deadlines_and_no_identity(api_as, letters, province_officer, today):
    a, _b = letters
    response = api_as(province_officer).get("/api/v1/letters/", {"unit": a.unit_id})
    row = response.json()["results"][0]

    assert row["code"] == a.code
    assert row["status"] == "received"
    assert row["track"] == "petition"
    assert row["unit"] == {"id": a.unit_id, "name": "Phường Nha Trang", "kind": "commune"}
    assert row["acceptance_due"] == a.acceptance_due.isoformat()
    assert row["current_due"] == a.current_due.isoformat()
    assert row["days_left"] == (a.current_due - today).days
    assert row["due_state"] in ("on_track", "due_soon")
    assert row["extensions_granted"] == 0
    assert row["extensions_allowed"] == 0
    assert row["handler"] is None
    assert not {"citizen_name", "citizen_id_number", "citizen_phone", "search_text"} & set(row)
    assert "Nguyễn Văn An" not in response.content.decode()


def test_letter_filters(api_as, tree, province_officer, today):
    overdue = make_letter(
        tree.commune_a,
        title="Đơn quá hạn",
        received_on=today - dt.timedelta(days=60),
    )
    soon = make_letter(tree.commune_a, kind="complaint", title="Khiếu nại sắp đến hạn")
    Letter.objects.filter(pk=soon.pk).update(current_due=today + dt.timedelta(days=2))
    later = make_letter(tree.commune_b, kind="feedback", title="Phản ánh còn hạn")
    Letter.objects.filter(pk=later.pk).update(current_due=today + dt.timedelta(days=20))
    closed = make_letter(tree.commune_b, title="Đơn đã giải quyết", status="resolved")
    client = api_as(province_officer)

    def get(**params):
        return titles(client.get("/api/v1/letters/", params))

    assert get(due="overdue") == [overdue.title]
    assert get(due="due_soon") == [soon.title]
    assert get(due="on_track") == [later.title]
    assert get(kind="complaint") == [soon.title]
    assert get(status="resolved") == [closed.title]
    assert get(unit=tree.commune_b.pk) == sorted([later.title, closed.title])
    assert get(unit=tree.province.pk) == sorted(
        [overdue.title, soon.title, later.title, closed.title]
    )
    assert get(received_to=(today - dt.timedelta(days=1)).isoformat()) == [overdue.title]
    assert get(received_from=today.isoformat(), kind="feedback") == [later.title]
    assert get(q="qua han") == [overdue.title]  # accents and case ignored
    assert get(q=overdue.code) == [overdue.title]
    by_due = client.get("/api/v1/letters/", {"sort": "due"})
    assert [row["title"] for row in by_due.json()["results"]] == [
        overdue.title,
        soon.title,
        later.title,
        closed.title,  # no deadline: last
    ]
    rows = {row["title"]: row for row in client.get("/api/v1/letters/").json()["results"]}
    assert rows[overdue.title]["due_state"] == "overdue"
    assert rows[overdue.title]["days_left"] < 0
    assert rows[soon.title]["due_state"] == "due_soon"
    assert rows[later.title]["due_state"] == "on_track"
    assert rows[closed.title]["due_state"] is None
    for bad in [
        {"due": "late"},
        {"kind": "letter"},
        {"received_from": "soon"},
        {"unit": "x"},
        {"sort": "name"},
    ]:
        assert client.get("/api/v1/letters/", bad).status_code == 400, bad


def test_letter_list_costs_a_constant_number_of_queries(
    api_as, tree, province_officer, django_assert_max_num_queries
):
    for _n in range(12):
        make_letter(tree.commune_a, status="accepted")
    client = api_as(province_officer)

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/letters/")
    assert response.json()["count"] == 12


def test_letter_detail(api_as, letters, commune_a_officer, province_officer):
    a, _b = letters
    detail = api_as(commune_a_officer).get(letter_url(a)).json()

    assert detail["content"] == a.content
    assert detail["actions"] == [
        "accept",
        "refuse",
        "assign",
        "transfer",
        "forward",
        "archive",
        "seal",
    ]
    assert detail["may_read_identity"] is True
    assert detail["events_url"].endswith(letter_url(a, "events/"))
    assert detail["web_url"] == f"/citizens/letters/{a.pk}/"
    # An officer of the province acts on the communes' letters too.
    assert api_as(province_officer).get(letter_url(a)).json()["actions"] == detail["actions"]


def test_timeline_shows_public_and_internal_steps(api_as, letters, commune_a_officer):
    a, _b = letters
    services.assign(actor=commune_a_officer, letter=a, handler=commune_a_officer)
    services.add_note(actor=commune_a_officer, letter=a, note="Đã gọi điện hẹn làm việc.")
    services.accept(actor=commune_a_officer, letter=a, on=a.received_on)

    events = api_as(commune_a_officer).get(letter_url(a, "events/"), **EN).json()

    assert [(e["action"], e["is_public"]) for e in events] == [
        ("received", True),
        ("assigned", False),
        ("note", False),
        ("accepted", True),
    ]
    assert events[2]["note"] == "Đã gọi điện hẹn làm việc."
    assert events[3]["from_status"] == "received"
    assert events[3]["to_status"] == "accepted"
    assert events[3]["action_display"] == "Accepted"
    assert events[3]["actor"] == commune_a_officer.display_name


# --- Intake ---------------------------------------------------------------------------------


def intake(at, **fields):
    return {
        "unit": at.pk,
        "kind": "petition",
        "channel": "in_person",
        "subject_area": "land",
        "title": "Đề nghị sửa đường liên thôn",
        "content": "Đường liên thôn 3 xuống cấp, đề nghị sửa chữa.",
        "citizen_name": "Lê Văn Bình",
        "citizen_phone": "0912000111",
        **fields,
    }


def test_create_a_letter(api_as, tree, commune_a_officer, today):
    client = api_as(commune_a_officer)

    response = client.post("/api/v1/letters/", intake(tree.commune_a), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    letter = Letter.objects.get(pk=body["id"])
    assert letter.citizen_name == "Lê Văn Bình"
    assert letter.created_by == commune_a_officer
    assert body["received_on"] == today.isoformat()
    assert body["status"] == "received"
    assert body["acceptance_due"] == letter.acceptance_due.isoformat()
    assert "Lê Văn Bình" not in response.content.decode()
    assert "0912000111" not in response.content.decode()
    assert "citizen_name" not in body


def test_a_denunciation_is_always_sealed(api_as, tree, commune_a_officer):
    response = api_as(commune_a_officer).post(
        "/api/v1/letters/",
        intake(tree.commune_a, kind="denunciation", confidential=False),
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["confidential"] is True
    assert response.json()["track"] == "denunciation"


def test_create_with_a_document(api_as, tree, commune_a_officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = intake(tree.commune_a)
    data["documents"] = [SimpleUploadedFile("don.pdf", b"%PDF-1.4\n%test\n", "application/pdf")]

    response = api_as(commune_a_officer).post("/api/v1/letters/", data, format="multipart")

    assert response.status_code == 201, response.content
    document = LetterDocument.objects.get(letter_id=response.json()["id"])
    assert document.kind == "original"
    assert document.name == "don.pdf"

    data["documents"] = [SimpleUploadedFile("don.pdf", b"MZ not a pdf", "application/pdf")]
    refused = api_as(commune_a_officer).post("/api/v1/letters/", data, format="multipart")
    assert refused.status_code == 400
    assert "documents" in refused.json()


def test_create_errors(api_as, tree, commune_a_officer, observer, today):
    client = api_as(commune_a_officer)

    def post(user_client=client, **fields):
        return user_client.post(
            "/api/v1/letters/", intake(tree.commune_a, **fields), format="json", **EN
        )

    # Another commune's intake, or a role that only watches: 403.
    other = client.post("/api/v1/letters/", intake(tree.commune_b), format="json")
    assert other.status_code == 403
    future = post(received_on=(today + dt.timedelta(days=1)).isoformat())
    assert future.status_code == 400
    assert future.json() == {"received_on": ["The date cannot be in the future."]}
    assert post(kind="letter").status_code == 400
    assert post(title="").status_code == 400
    assert post(unit=999999).status_code == 400
    assert post(unit=2**70).status_code == 400
    assert post(citizen_email="not-an-address").status_code == 400
    assert post(api_as(observer)).status_code == 403  # (logs the client in as the observer)
    assert not Letter.objects.exists()


# --- Moves ----------------------------------------------------------------------------------


def test_accept_assign_extend_and_resolve(api_as, tree, commune_a_officer, today):
    letter = make_letter(tree.commune_a, kind="denunciation")
    client = api_as(commune_a_officer)

    accepted = move(client, letter, "accept", complexity="complex", document_number="5/TB")
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert body["status"] == "accepted"
    assert body["accepted_on"] == today.isoformat()
    assert body["resolution_due"] == body["current_due"]
    assert body["extensions_allowed"] == 1
    assert body["extension_days_each"] == 30
    assert "extend" in body["actions"]

    assigned = move(client, letter, "assign", handler=commune_a_officer.pk)
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["handler"] == commune_a_officer.pk

    extended = move(
        client,
        letter,
        "extend",
        days=30,
        decision_number="7/QĐ-UBND",
        decision_date=today.isoformat(),
    )
    assert extended.status_code == 200, extended.content
    assert extended.json()["extensions_granted"] == 1
    assert extended.json()["resolution_due"] > body["resolution_due"]

    resolved = move(
        client,
        letter,
        "resolve",
        outcome="partly_upheld",
        answer="Tố cáo đúng một phần.",
        decision_number="9/KL-UBND",
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["current_due"] is None
    assert resolved.json()["actions"] == []


def test_refuse_forward_archive_and_seal(api_as, tree, commune_a_officer):
    client = api_as(commune_a_officer)
    a, b, c, d = (make_letter(tree.commune_a, kind="complaint") for _n in range(4))

    assert move(client, a, "refuse", reason="Quá thời hiệu.").json()["status"] == "refused"
    assert move(client, b, "forward", to_body="Công an tỉnh").json()["status"] == "forwarded"
    assert move(client, c, "archive", reason="Trùng đơn.").json()["status"] == "archived"
    sealed = move(client, d, "seal", note="Công dân đề nghị giữ bí mật.")
    assert sealed.status_code == 200
    assert sealed.json()["confidential"] is True


def test_a_move_the_status_forbids_answers_409(api_as, letters, commune_a_officer):
    a, _b = letters
    client = api_as(commune_a_officer)

    early = move(client, a, "resolve", outcome="answered", answer="x")
    assert early.status_code == 409
    assert early.json() == {
        "detail": "This letter is “Received, awaiting acceptance”: it cannot be “Resolved” now.",
        "code": "invalid_transition",
    }
    assert move(client, a, "accept").status_code == 200
    again = move(client, a, "accept")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    assert move(client, a, "refuse", reason="x").status_code == 409


def test_a_raced_move_answers_409(api_as, letters, commune_a_officer, monkeypatch):
    a, _b = letters
    stale = Letter.objects.get(pk=a.pk)  # what the second request read before the first acted
    services.accept(actor=commune_a_officer, letter=a, on=a.received_on)
    monkeypatch.setattr("danvan.api.citizen_views.get_letter", lambda user, id: stale)

    late = move(api_as(commune_a_officer), a, "refuse", reason="Không thuộc thẩm quyền.")

    assert late.status_code == 409
    assert late.json()["code"] == "invalid_transition"
    a.refresh_from_db()
    assert a.status == LetterStatus.ACCEPTED


def test_field_errors_answer_400(api_as, tree, commune_a_officer, commune_b_officer, today):
    letter = make_letter(tree.commune_a, kind="denunciation")
    client = api_as(commune_a_officer)

    assert move(client, letter, "fly").status_code == 400
    assert move(client, letter, "refuse").json() == {"reason": ["This field is required."]}
    assert move(client, letter, "refuse", reason="   ").json() == {
        "reason": ["This field is required."]
    }
    future = move(client, letter, "accept", on=(today + dt.timedelta(days=3)).isoformat())
    assert future.status_code == 400
    assert future.json() == {"on": ["The date cannot be in the future."]}
    # The handler must work at the resolving unit.
    stranger = move(client, letter, "assign", handler=commune_b_officer.pk)
    assert stranger.status_code == 400
    assert "handler" in stranger.json()
    assert move(client, letter, "transfer", to_unit=tree.commune_a.pk).status_code == 400
    assert move(client, letter, "assign").json() == {"handler": ["This field is required."]}
    files = client.post(
        letter_url(letter, "transitions/"),
        {
            "action": "archive",
            "reason": "x",
            "documents": [SimpleUploadedFile("a.pdf", b"%PDF-1.4\n", "application/pdf")],
        },
        format="multipart",
        **EN,
    )
    assert files.status_code == 400
    assert files.json() == {"documents": ["This move takes no files."]}

    assert move(client, letter, "accept").status_code == 200
    # A normal denunciation allows no extension: the rule says so (not a field error).
    no_room = move(
        client, letter, "extend", days=10, decision_number="1/QĐ", decision_date=today.isoformat()
    )
    assert no_room.status_code == 400
    assert no_room.json()["code"] == "invalid"
    letter.refresh_from_db()
    assert letter.extensions_granted == 0


def test_those_who_see_but_may_not_act_get_403(api_as, letters, observer, province_reviewer):
    a, _b = letters

    assert move(api_as(observer), a, "accept").status_code == 403
    assert move(api_as(province_reviewer), a, "archive", reason="x").status_code == 403
    a.refresh_from_db()
    assert a.status == LetterStatus.RECEIVED


# --- The seal -------------------------------------------------------------------------------


def read_identity(client, letter, purpose="Xác minh nội dung tố cáo"):
    return client.post(letter_url(letter, "identity/"), {"purpose": purpose}, format="json")


@pytest.mark.parametrize(
    "who", ["province_leader", "province_officer", "observer", "system_admin", "commune_a_admin"]
)
def test_a_sealed_identity_is_refused_to_everyone_but_its_holders(request, api_as, sealed, who):
    user = request.getfixturevalue(who)

    response = read_identity(api_as(user), sealed)

    assert response.status_code == 403
    assert not IdentityAccess.objects.exists()
    assert SECRET_NAME not in response.content.decode()


@pytest.mark.parametrize("who", ["commune_a_officer", "commune_a_leader"])
def test_the_handler_and_the_head_of_the_unit_read_it_and_it_is_logged(
    request, api_as, sealed, who
):
    user = request.getfixturevalue(who)

    response = read_identity(api_as(user), sealed)

    assert response.status_code == 200, response.content
    assert response.json() == {
        "citizen_name": SECRET_NAME,
        "citizen_id_number": SECRET_ID,
        "citizen_address": SECRET_ADDRESS,
        "citizen_phone": SECRET_PHONE,
        "citizen_email": SECRET_EMAIL,
        "sealed": True,
    }
    assert response["Cache-Control"] == "no-store"
    log = IdentityAccess.objects.get()
    assert (log.letter, log.user, log.purpose) == (sealed, user, "Xác minh nội dung tố cáo")
    assert log.ip_address == "127.0.0.1"


def test_identity_needs_a_purpose_and_scope(api_as, sealed, commune_a_leader, commune_b_officer):
    missing = read_identity(api_as(commune_a_leader), sealed, purpose="")

    assert missing.status_code == 400
    assert "purpose" in missing.json()
    assert read_identity(api_as(commune_b_officer), sealed).status_code == 404
    assert not IdentityAccess.objects.exists()


def test_an_unsealed_identity_is_read_by_those_who_see_the_letter_unlogged(
    api_as, letters, province_officer
):
    a, _b = letters

    response = read_identity(api_as(province_officer), a)

    assert response.status_code == 200
    assert response.json()["citizen_name"] == "Nguyễn Văn An"
    assert response.json()["sealed"] is False
    assert not IdentityAccess.objects.exists()


def test_no_other_endpoint_reveals_a_sealed_identity(
    api_as,
    tree,
    sealed,
    commune_a_officer,
    commune_a_leader,
    province_leader,
    system_admin,
    observer,
    fresh_cache,
):
    Reception.objects.create(
        unit=tree.commune_a,
        received_on=sealed.received_on,
        kind="regular",
        official_name="Phạm Văn Tiếp",
        citizen_name=SECRET_NAME,
        citizen_address=SECRET_ADDRESS,
        content="Công dân đến nộp đơn tố cáo.",
        classification="denunciation",
        outcome="letter_received",
        letter=sealed,
    )
    dialogue = Dialogue.objects.create(
        unit=tree.commune_a,
        held_on=sealed.received_on,
        place="Nhà văn hóa khu phố 1",
        title="Hội nghị lắng nghe ý kiến",
        topic="general",
        kind="periodic",
        chair_name="Chủ tịch UBND phường",
    )
    DialogueRequest.objects.create(
        dialogue=dialogue,
        number=1,
        text="Đề nghị làm rõ việc cấp phép xây dựng.",
        raised_by=SECRET_NAME,
        owner_unit=tree.commune_a,
        due_on=sealed.received_on,
    )
    handler_client = api_as(commune_a_officer)
    created = handler_client.post(
        "/api/v1/letters/",
        intake(
            tree.commune_a,
            kind="denunciation",
            citizen_name=SECRET_NAME,
            citizen_id_number=SECRET_ID,
            citizen_phone=SECRET_PHONE,
            citizen_address=SECRET_ADDRESS,
            citizen_email=SECRET_EMAIL,
        ),
        format="json",
    )
    moves = [
        created,
        move(handler_client, sealed, "accept", note="Thụ lý tố cáo"),
        move(handler_client, sealed, "assign", handler=commune_a_officer.pk),
    ]
    reception = Reception.objects.get()
    urls = [
        "/api/v1/letters/",
        f"/api/v1/letters/?q={SECRET_NAME}",
        letter_url(sealed),
        letter_url(sealed, "events/"),
        "/api/v1/receptions/",
        f"/api/v1/receptions/{reception.pk}/",
        "/api/v1/dialogues/",
        f"/api/v1/dialogues/{dialogue.pk}/",
        "/api/v1/dialogue-requests/",
        f"/api/v1/public/track/{sealed.code}/",
    ]
    seen = [response.content.decode() for response in moves]
    for user in [commune_a_officer, commune_a_leader, province_leader, system_admin, observer]:
        client = api_as(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (user, url)
            seen.append(response.content.decode())
            # The JSON text, escapes undone, as well as the raw bytes.
            seen.append(json.dumps(response.json(), ensure_ascii=False))
    # A search by the sealed name finds nothing.
    assert api_as(commune_a_leader).get("/api/v1/letters/", {"q": SECRET_NAME}).json()["count"] == 0
    for text in seen:
        for secret in SECRETS:
            assert secret not in text
    assert not IdentityAccess.objects.exists()


# --- Receptions, schedules ------------------------------------------------------------------


def make_reception(unit, **fields):
    values = {
        "unit": unit,
        "received_on": timezone.localdate(),
        "kind": "leader",
        "official_name": "Nguyễn Thị Lãnh Đạo",
        "official_title": "Chủ tịch UBND",
        "citizen_name": "Võ Văn Dân",
        "citizen_address": "Khu phố 2",
        "citizen_count": 1,
        "content": "Hỏi về thủ tục cấp đổi giấy chứng nhận.",
        "classification": "petition",
        "outcome": "guided",
        **fields,
    }
    return Reception.objects.create(**values)


def test_receptions_are_scoped_and_nameless(api_as, tree, commune_a_officer, commune_b_officer):
    a = make_reception(tree.commune_a)
    b = make_reception(tree.commune_b, content="Phản ánh tiếng ồn.", outcome="answered")
    client = api_as(commune_a_officer)

    rows = client.get("/api/v1/receptions/").json()["results"]
    assert [row["id"] for row in rows] == [a.pk]
    assert rows[0]["official_name"] == "Nguyễn Thị Lãnh Đạo"
    assert rows[0]["classification"] == "petition"
    assert "citizen_name" not in rows[0]
    assert "Võ Văn Dân" not in client.get(f"/api/v1/receptions/{a.pk}/").content.decode()
    assert client.get(f"/api/v1/receptions/{b.pk}/").status_code == 404
    b_client = api_as(commune_b_officer)
    assert [r["id"] for r in b_client.get("/api/v1/receptions/").json()["results"]] == [b.pk]
    assert b_client.get("/api/v1/receptions/", {"outcome": "guided"}).json()["count"] == 0
    assert b_client.get("/api/v1/receptions/", {"outcome": "nope"}).status_code == 400


def test_reception_schedules(api_as, tree, commune_b_officer, province_officer, today):
    common = {
        "leader_title": "Chủ tịch UBND",
        "place": "Trụ sở tiếp công dân",
        "valid_from": today - dt.timedelta(days=30),
    }
    ReceptionSchedule.objects.create(
        unit=tree.commune_a,
        leader_name="A",
        frequency="weekly",
        days_text="Thứ Năm hằng tuần",
        **common,
    )
    ReceptionSchedule.objects.create(
        unit=tree.province,
        leader_name="P",
        frequency="monthly",
        days_text="Ngày 15 hằng tháng",
        **{**common, "valid_to": today - dt.timedelta(days=1)},
    )

    def leaders(client, **params):
        response = client.get("/api/v1/reception-schedules/", params)
        assert response.status_code == 200, response.content
        return sorted(row["leader_name"] for row in response.json()["results"])

    assert leaders(api_as(province_officer)) == ["A", "P"]
    assert leaders(api_as(province_officer), valid_on=today.isoformat()) == ["A"]
    assert leaders(api_as(province_officer), frequency="monthly") == ["P"]
    assert leaders(api_as(commune_b_officer)) == []


# --- Dialogues ------------------------------------------------------------------------------


@pytest.fixture
def dialogue(tree, today):
    """A province dialogue with a request owned by commune B (overdue) and one answered."""
    dialogue = Dialogue.objects.create(
        unit=tree.province,
        held_on=today - dt.timedelta(days=40),
        place="Hội trường UBND tỉnh",
        title="Đối thoại về giải phóng mặt bằng",
        topic="land",
        kind="thematic",
        chair_name="Chủ tịch UBND tỉnh",
    )
    DialogueRequest.objects.create(
        dialogue=dialogue,
        number=1,
        text="Đề nghị công khai phương án bồi thường.",
        raised_by="Ông Đinh Văn Hỏi",
        owner_unit=tree.commune_b,
        due_on=today - dt.timedelta(days=10),
    )
    DialogueRequest.objects.create(
        dialogue=dialogue,
        number=2,
        text="Đề nghị sửa cống thoát nước.",
        raised_by="Bà Lý Thị Nói",
        owner_unit=tree.province,
        due_on=today - dt.timedelta(days=5),
        status=RequestStatus.ANSWERED,
        answer="Đã sửa xong.",
        answered_on=today - dt.timedelta(days=6),
        is_published=True,
        published_on=today - dt.timedelta(days=6),
    )
    return dialogue


def test_dialogues_list_and_detail(api_as, dialogue, province_officer, commune_b_officer):
    client = api_as(province_officer)

    rows = client.get("/api/v1/dialogues/").json()["results"]
    assert [(r["id"], r["requests_total"], r["requests_answered"]) for r in rows] == [
        (dialogue.pk, 2, 1)
    ]
    response = client.get(f"/api/v1/dialogues/{dialogue.pk}/")
    detail = response.json()
    assert [r["number"] for r in detail["requests"]] == [1, 2]
    assert detail["requests"][0]["is_overdue"] is True
    assert detail["requests"][1]["is_overdue"] is False
    assert detail["requests"][1]["answer"] == "Đã sửa xong."
    assert "raised_by" not in detail["requests"][0]
    assert "Đinh Văn Hỏi" not in response.content.decode()
    assert client.get("/api/v1/dialogues/", {"topic": "environment"}).json()["count"] == 0
    assert client.get("/api/v1/dialogues/", {"kind": "thematic"}).json()["count"] == 1
    # Commune B owns a request but does not see the province's dialogue itself.
    b_client = api_as(commune_b_officer)
    assert b_client.get("/api/v1/dialogues/").json()["count"] == 0
    assert b_client.get(f"/api/v1/dialogues/{dialogue.pk}/").status_code == 404


def test_dialogue_requests_follow_up(api_as, dialogue, tree, province_officer, commune_b_officer):
    def numbers(client, **params):
        response = client.get("/api/v1/dialogue-requests/", params)
        assert response.status_code == 200, response.content
        assert all("raised_by" not in row for row in response.json()["results"])
        return [row["number"] for row in response.json()["results"]]

    client = api_as(province_officer)
    assert numbers(client) == [1, 2]
    assert numbers(client, overdue="true") == [1]
    assert numbers(client, overdue="false") == [2]
    assert numbers(client, status="answered") == [2]
    assert numbers(client, owner_unit=tree.commune_b.pk) == [1]
    assert numbers(client, dialogue=dialogue.pk) == [1, 2]
    assert client.get("/api/v1/dialogue-requests/", {"status": "late"}).status_code == 400
    # The owner of a request follows it up even when the dialogue was held above it.
    b_rows = api_as(commune_b_officer).get("/api/v1/dialogue-requests/").json()["results"]
    assert [(r["number"], r["dialogue"]["id"]) for r in b_rows] == [(1, dialogue.pk)]


# --- Disclosure -----------------------------------------------------------------------------


def test_disclosures_with_their_verdict(api_as, tree, commune_a_officer, commune_b_officer, today):
    short = DisclosureItem.objects.create(
        unit=tree.commune_a,
        title="Dự thảo hương ước khu phố 1",
        category="village_convention",
        channel="posting",
        posted_from=today - dt.timedelta(days=20),
        posted_to=today - dt.timedelta(days=11),
        required_days=30,
        is_violation=True,
        rule_citation="Luật Thực hiện dân chủ ở cơ sở 2022, Điều 13",
    )
    DisclosureItem.objects.create(
        unit=tree.commune_b,
        title="Dự toán ngân sách phường",
        category="budget",
        channel="website",
        posted_from=today - dt.timedelta(days=5),
    )
    client = api_as(commune_a_officer)

    rows = client.get("/api/v1/disclosures/").json()["results"]
    assert [r["id"] for r in rows] == [short.pk]
    detail = client.get(f"/api/v1/disclosures/{short.pk}/").json()
    assert detail["required_days"] == 30
    assert detail["is_violation"] is True
    assert detail["days_posted"] == 10
    assert detail["rule_citation"].startswith("Luật Thực hiện dân chủ")
    assert client.get("/api/v1/disclosures/", {"is_violation": "false"}).json()["count"] == 0
    assert api_as(commune_b_officer).get(f"/api/v1/disclosures/{short.pk}/").status_code == 404


# --- Deadline calculator --------------------------------------------------------------------


def compute(client, **params):
    return client.get("/api/v1/deadlines/compute/", params, **EN)


def test_deadline_across_tet_2026_in_working_days(api_as, outsider):
    # Any logged-in user may compute a deadline.
    response = compute(api_as(outsider), track="complaint_1", step="acceptance", start="2026-02-10")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["rule"]["days"] == 10
    assert body["rule"]["day_type"] == "working"
    assert body["rule"]["citation"] == "Luật Khiếu nại 2011, Điều 27"
    assert body["rule"]["effective_from"] == "2012-07-01"
    assert body["start"] == "2026-02-10"
    assert body["days_counted"] == 10
    # 11, 12, 13, 23, 24, 25, 26, 27 February and 2, 3 March: Tết 16–20/02 is passed over.
    assert body["due"] == "2026-03-03"
    assert body["due_weekday"] == "Tuesday"
    skipped = {row["date"]: row["reason"] for row in body["skipped"]}
    for day in range(16, 21):
        assert "Tết" in skipped[f"2026-02-{day}"]
    assert skipped["2026-02-28"] == "Saturday"
    assert skipped["2026-03-01"] == "Sunday"
    assert len(skipped) == 11  # and the weekends 14–15 and 21–22 February


def test_deadline_in_calendar_days_ending_in_tet_moves_to_the_next_working_day(api_as, outsider):
    response = compute(
        api_as(outsider), track="denunciation", step="resolution", start="2026-01-17"
    )

    body = response.json()
    # 17/01 + 30 days = 16/02, the first day of Tết: the period ends on Monday 23/02.
    assert body["due"] == "2026-02-23"
    assert body["day_type"] == "calendar"
    assert [row["date"] for row in body["skipped"]] == [f"2026-02-{day}" for day in range(16, 23)]


def test_deadline_with_an_extension(api_as, outsider):
    client = api_as(outsider)
    params = {"track": "denunciation", "step": "resolution", "start": "2026-09-03"}

    extended = compute(client, complexity="complex", extension_days=30, **params)
    assert extended.status_code == 200, extended.content
    assert extended.json()["days_counted"] == 60
    assert extended.json()["due"] == "2026-11-02"
    assert extended.json()["rule"]["extensions_allowed"] == 1

    too_long = compute(client, complexity="complex", extension_days=31, **params)
    assert too_long.status_code == 400
    assert too_long.json() == {
        "extension_days": [
            "The rule allows at most 30 extension days (1 extension(s) of at most 30 days)."
        ]
    }
    assert compute(client, extension_days=1, **params).status_code == 400


def test_deadline_bad_parameters(api_as, outsider):
    client = api_as(outsider)

    missing = compute(client, track="petition", step="acceptance")
    assert missing.status_code == 400
    assert missing.json() == {"start": ["This field is required."]}
    assert (
        compute(client, track="lawsuit", step="acceptance", start="2026-02-10").status_code == 400
    )
    assert compute(client, track="petition", step="acceptance", start="10-02").status_code == 400
    assert (
        compute(
            client, track="petition", step="acceptance", start="2026-02-10", extension_days=-1
        ).status_code
        == 400
    )
    none = compute(client, track="petition", step="acceptance", start="2020-01-01")
    assert none.status_code == 404
    assert none.json() == {
        "detail": "No deadline rule for “Petition”, “Acceptance” is in force on 01/01/2020."
    }
    # Petitions have no forwarding clock at all.
    assert (
        compute(client, track="petition", step="forwarding", start="2026-02-10").status_code == 404
    )


# --- Public tracking ------------------------------------------------------------------------


def test_public_tracking_needs_no_login_and_shows_no_personal_data(
    api, tree, commune_a_officer, fresh_cache
):
    letter = make_letter(tree.commune_a, citizen_phone="0933444555", handler=commune_a_officer)
    services.add_note(actor=commune_a_officer, letter=letter, note="Ghi chú nội bộ XYZ")
    services.accept(actor=commune_a_officer, letter=letter, on=letter.received_on)

    response = api.get(f"/api/v1/public/track/{letter.code}/", **EN)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == letter.code
    assert body["status"] == "accepted"
    assert body["unit"] == "Phường Nha Trang"
    assert body["received_on"] == letter.received_on.isoformat()
    letter.refresh_from_db()
    assert body["current_due"] == letter.resolution_due.isoformat()
    assert body["answer"] is None
    assert [e["action"] for e in body["events"]] == ["received", "accepted"]
    text = response.content.decode()
    for private in [
        "Nguyễn Văn An",
        "0933444555",
        letter.citizen_id_number,
        "Ghi chú nội bộ XYZ",
        commune_a_officer.username,
        commune_a_officer.full_name,
        letter.title,
    ]:
        assert private not in text
    assert "handler" not in body


def test_public_tracking_shows_the_answer_once_resolved(api, tree, fresh_cache):
    letter = make_letter(tree.commune_a, status="resolved")

    body = api.get(f"/api/v1/public/track/{letter.code.lower()}/", **EN).json()

    assert body["status"] == "resolved"
    assert body["answer"] == "Đã trả lời công dân."
    assert body["outcome_display"] == "Answered"
    assert body["events"][-1]["action"] == "resolved"
    # The code reads without its hyphen, too.
    assert api.get(f"/api/v1/public/track/{letter.code.replace('-', '')}/").status_code == 200


def test_public_tracking_of_an_unknown_code(api, db, fresh_cache):
    response = api.get("/api/v1/public/track/ABCDE-23456/", **EN)

    assert response.status_code == 404
    assert response.json() == {
        "detail": "No letter has this tracking code. Check the code printed on your receipt."
    }
    assert api.get("/api/v1/public/track/NOT-A-CODE/").status_code == 404


def test_public_tracking_is_throttled(api, tree, settings, fresh_cache):
    settings.PUBLIC_LOOKUPS_PER_HOUR = 3
    letter = make_letter(tree.commune_a)
    url = f"/api/v1/public/track/{letter.code}/"

    answers = [api.get(url).status_code for _n in range(3)]
    answers.append(api.get("/api/v1/public/track/ABCDE-23456/").status_code)

    assert answers == [200, 200, 200, 429]
    assert int(api.get(url)["Retry-After"]) > 0
    # One allowance with the portal's tracking page: the same counter.
    assert antiabuse.count(antiabuse.LOOKUPS, "127.0.0.1") == 5
    # Another address has its own allowance; an invented X-Forwarded-For does not help.
    assert api.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200
    assert api.get(url, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


# --- Schema ---------------------------------------------------------------------------------


def test_schema_lists_the_citizens_paths(api, db):
    schema = api.get("/api/schema/", {"format": "json"}).json()

    assert {
        "/api/v1/letters/",
        "/api/v1/letters/{id}/",
        "/api/v1/letters/{id}/events/",
        "/api/v1/letters/{id}/identity/",
        "/api/v1/letters/{id}/transitions/",
        "/api/v1/receptions/",
        "/api/v1/receptions/{id}/",
        "/api/v1/reception-schedules/",
        "/api/v1/dialogues/",
        "/api/v1/dialogues/{id}/",
        "/api/v1/dialogue-requests/",
        "/api/v1/disclosures/",
        "/api/v1/disclosures/{id}/",
        "/api/v1/deadlines/compute/",
        "/api/v1/public/track/{code}/",
    } <= set(schema["paths"])
    letters = schema["paths"]["/api/v1/letters/"]
    assert {"unit", "kind", "status", "due", "received_from", "received_to", "q"} <= {
        p["name"] for p in letters["get"]["parameters"]
    }
    assert "409" in schema["paths"]["/api/v1/letters/{id}/transitions/"]["post"]["responses"]
    public = schema["paths"]["/api/v1/public/track/{code}/"]["get"]
    assert "security" not in public
    assert public["responses"]["200"]["content"]["application/json"]["examples"]
    compute_params = {
        p["name"] for p in schema["paths"]["/api/v1/deadlines/compute/"]["get"]["parameters"]
    }
    assert compute_params == {"track", "step", "start", "complexity", "remote", "extension_days"}
    # The identity is never a property of a letter in the schema either.
    components = schema["components"]["schemas"]
    for name in ["Letter", "LetterDetail", "Reception", "DialogueDetail"]:
        assert "citizen_name" not in components[name]["properties"], name


def test_schema_validates_without_warnings(db, tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
