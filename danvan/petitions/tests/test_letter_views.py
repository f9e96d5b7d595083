"""The letter pages: intake, detail, every step, refusals, scope (404 across communes),
transfer, documents, linking and the overdue escalation command."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from danvan.orgs.models import Role
from danvan.orgs.tests.factories import MembershipFactory, UserFactory
from danvan.petitions import services
from danvan.petitions.models import (
    DocumentKind,
    IdentityAccess,
    Letter,
    LetterAction,
    LetterDocument,
    LetterStatus,
)
from danvan.petitions.tests.factories import make_letter

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name="don.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def today():
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def detail_url(letter) -> str:
    return reverse("petitions:letter_detail", args=[letter.pk])


def action_url(letter, action: str) -> str:
    return reverse("petitions:letter_action", args=[letter.pk, action])


def intake_data(**overrides) -> dict:
    data = {
        "kind": "complaint",
        "complaint_round": "1",
        "channel": "in_person",
        "subject_area": "land",
        "title": "Khiếu nại việc thu hồi đất nông nghiệp tại thôn Phước Lộc",
        "content": "Gia đình tôi bị thu hồi 500 m2 đất nhưng chưa được bồi thường thỏa đáng.",
        "received_on": days_ago(2).isoformat(),
        "complexity": "normal",
        "group_size": "1",
        "citizen_name": "Lê Văn Khiếu",
        "citizen_id_number": "079 123 456 789",
        "citizen_address": "Thôn Phước Lộc, xã Ninh Phước",
        "citizen_phone": "0912000111",
        "citizen_email": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def leader_a(commune_a_leader):
    return commune_a_leader


# ------------------------------------------------------------------ intake


def test_intake_records_the_letter_with_its_attachment(client, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    page = client.get(reverse("petitions:letter_new"))
    assert page.status_code == 200
    assert 'data-testid="letter-form"' in page.content.decode()

    response = client.post(
        reverse("petitions:letter_new"), {**intake_data(), "documents": [pdf(), pdf("b.pdf")]}
    )
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(letter)
    assert letter.unit == tree.commune_a and letter.received_unit == tree.commune_a
    assert letter.status == LetterStatus.RECEIVED
    assert letter.citizen_id_number == "079123456789"  # spaces dropped
    assert letter.acceptance_due is not None
    assert letter.created_by == commune_a_officer
    documents = list(letter.documents.all())
    assert [d.kind for d in documents] == [DocumentKind.ORIGINAL, DocumentKind.ORIGINAL]
    assert documents[0].event.action == LetterAction.RECEIVED

    shown = client.get(response.url)
    assert shown.status_code == 200
    messages = [str(m) for m in shown.context["messages"]]
    assert any(letter.code in m for m in messages)


def test_intake_seals_every_denunciation_and_clears_an_anonymous_one(
    client, tree, commune_a_officer
):
    client.force_login(commune_a_officer)
    client.post(
        reverse("petitions:letter_new"),
        intake_data(kind="denunciation", title="Tố cáo cán bộ địa chính nhận tiền"),
    )
    sealed = Letter.objects.get(kind="denunciation")
    assert sealed.confidential
    client.post(
        reverse("petitions:letter_new"),
        intake_data(kind="feedback", title="Phản ánh đèn đường hỏng", is_anonymous="on"),
    )
    anonymous = Letter.objects.get(kind="feedback")
    assert anonymous.is_anonymous and anonymous.citizen_name == ""
    assert anonymous.citizen_id_number == ""


def test_intake_future_date_keeps_what_was_typed(client, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    tomorrow = today() + dt.timedelta(days=1)
    response = client.post(
        reverse("petitions:letter_new"), intake_data(received_on=tomorrow.isoformat())
    )
    assert response.status_code == 200
    assert Letter.objects.count() == 0
    form = response.context["form"]
    assert "received_on" in form.errors
    html = response.content.decode()
    assert "Khiếu nại việc thu hồi đất nông nghiệp tại thôn Phước Lộc" in html
    assert "Gia đình tôi bị thu hồi 500 m2 đất" in html
    assert 'value="Lê Văn Khiếu"' in html
    assert f'value="{tomorrow.isoformat()}"' in html


def test_intake_refuses_a_bad_attachment_and_keeps_the_form(client, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("petitions:letter_new"), {**intake_data(), "documents": [pdf(), fake]}
    )
    assert response.status_code == 200
    assert Letter.objects.count() == 0
    assert LetterDocument.objects.count() == 0
    form = response.context["form"]
    assert "documents" in form.errors
    html = response.content.decode()
    assert "Khiếu nại việc thu hồi đất nông nghiệp tại thôn Phước Lộc" in html
    assert 'value="079 123 456 789"' in html


def test_intake_needs_a_write_role_on_the_working_unit(client, tree, observer, outsider):
    for user in (observer, outsider):
        client.force_login(user)
        assert client.get(reverse("petitions:letter_new")).status_code == 403
        assert client.post(reverse("petitions:letter_new"), intake_data()).status_code == 403
    assert Letter.objects.count() == 0


def test_intake_duplicates_panel_answers_htmx(client, tree, commune_a_officer):
    earlier = make_letter(
        tree.commune_a,
        kind="complaint",
        citizen_id_number="079123456789",
        title="Khiếu nại lần trước",
        content="Nội dung khác hẳn về trật tự đô thị và lấn chiếm vỉa hè.",
    )
    client.force_login(commune_a_officer)
    response = client.post(
        reverse("petitions:letter_duplicates"),
        {"citizen_id_number": "079 123 456 789", "title": "x", "content": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert earlier.code in html
    assert 'data-testid="reason-id"' in html
    assert "<html" not in html
    # A GET answers only for a stored letter: an ID number never travels in a URL.
    assert client.get(reverse("petitions:letter_duplicates")).status_code == 404


# ------------------------------------------------------------------ detail and scope


def test_detail_shows_deadlines_timeline_and_explain_link(client, tree, commune_a_officer):
    letter = make_letter(tree.commune_a, kind="complaint", received_on=days_ago(3))
    client.force_login(commune_a_officer)
    response = client.get(detail_url(letter))
    assert response.status_code == 200
    html = response.content.decode()
    assert letter.code in html
    assert 'data-testid="timeline"' in html and 'data-action="received"' in html
    rows = response.context["deadlines"]
    acceptance = rows[0]
    assert acceptance["due"] == letter.acceptance_due
    assert acceptance["clock"]["state"] in {"ok", "soon", "overdue"}
    assert rows[1]["clock"]["state"] == "not_started"
    query = parse_qs(urlparse(acceptance["explain_url"]).query)
    assert urlparse(acceptance["explain_url"]).path == reverse("petitions:deadline_compute")
    assert query == {
        "track": ["complaint_1"],
        "step": ["acceptance"],
        "start": [letter.arrived_on.isoformat()],
        "complexity": ["normal"],
        "remote": ["0"],
        "extension_days": ["0"],
    }
    # The citizen of a letter that is not sealed is shown to who sees it (no log).
    assert "Nguyễn Văn An" in html
    assert IdentityAccess.objects.count() == 0
    offered = {s.slug for s in response.context["steps"]}
    assert offered == {
        "accept",
        "refuse",
        "assign",
        "transfer",
        "forward",
        "archive",
        "seal",
        "note",
    }


def test_deadline_badges_turn_amber_then_red(client, tree, commune_a_officer):
    letter = make_letter(tree.commune_a, kind="complaint", received_on=days_ago(3))
    client.force_login(commune_a_officer)
    for due, state in ((10, "ok"), (5, "soon"), (0, "soon"), (-1, "overdue")):
        Letter.objects.filter(pk=letter.pk).update(acceptance_due=today() + dt.timedelta(days=due))
        rows = client.get(detail_url(letter)).context["deadlines"]
        assert rows[0]["clock"]["state"] == state, due


def test_other_commune_gets_404_everywhere(client, tree, commune_b_officer):
    letter = make_letter(tree.commune_a, kind="denunciation")
    services._attach(letter, [pdf()], kind=DocumentKind.DECISION, actor=None)
    document = letter.documents.get()
    client.force_login(commune_b_officer)
    assert client.get(detail_url(letter)).status_code == 404
    for action in ("accept", "refuse", "note", "transfer"):
        assert client.get(action_url(letter, action)).status_code == 404
        response = client.post(
            action_url(letter, action),
            {"on": today().isoformat(), "reason": "x", "note": "x", "complexity": "normal"},
        )
        assert response.status_code == 404
    identity = reverse("petitions:letter_identity", args=[letter.pk])
    assert client.post(identity, {"purpose": "x"}).status_code == 404
    panel = client.get(reverse("petitions:letter_duplicates"), {"letter": letter.pk})
    assert panel.status_code == 404
    document_url = reverse("petitions:letter_document", args=[document.pk])
    assert client.get(document_url).status_code == 404
    assert (
        client.post(reverse("petitions:letter_link"), {"letters": [letter.pk]}).status_code == 404
    )
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RECEIVED
    assert not letter.events.exclude(action=LetterAction.RECEIVED).exists()


def test_who_sees_but_may_not_act_gets_403(client, tree, observer):
    letter = make_letter(tree.commune_a)
    client.force_login(observer)
    assert client.get(detail_url(letter)).status_code == 200
    assert client.get(action_url(letter, "accept")).status_code == 403
    response = client.post(action_url(letter, "accept"), {"on": today().isoformat()})
    assert response.status_code == 403
    assert client.get(action_url(letter, "nonsense")).status_code == 404


# ------------------------------------------------------------------ every step


def test_accept_assign_extend_note_resolve_by_post(client, tree, commune_a_officer, leader_a):
    letter = make_letter(
        tree.commune_a, kind="denunciation", received_on=days_ago(20), complexity="complex"
    )
    client.force_login(commune_a_officer)

    page = client.get(action_url(letter, "accept"))
    assert page.status_code == 200 and 'data-action="accept"' in page.content.decode()
    response = client.post(
        action_url(letter, "accept"),
        {
            "on": days_ago(15).isoformat(),
            "complexity": "complex",
            "document_number": "05/TB-UBND",
            "documents": [pdf("thong-bao.pdf")],
        },
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ACCEPTED and letter.accepted_on == days_ago(15)
    assert letter.resolution_due is not None
    assert letter.documents.filter(kind=DocumentKind.NOTICE).count() == 1

    response = client.post(action_url(letter, "assign"), {"handler": leader_a.pk, "note": ""})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.handler == leader_a

    page = client.get(action_url(letter, "extend"))
    assert page.context["extensions_left"] == 1 and page.context["per_extension"] == 30
    before = letter.resolution_due
    response = client.post(
        action_url(letter, "extend"),
        {
            "days": "30",
            "decision_number": "12/QĐ-UBND",
            "decision_date": days_ago(1).isoformat(),
            "signer": "Chủ tịch UBND",
        },
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.extensions_granted == 1 and letter.resolution_due > before
    event = letter.events.get(action=LetterAction.EXTENDED)
    assert event.document_number == "12/QĐ-UBND" and event.days == 30

    response = client.post(action_url(letter, "note"), {"note": "Đã làm việc với người bị tố cáo."})
    assert response.status_code == 302
    assert letter.events.filter(action=LetterAction.NOTE).count() == 1

    response = client.post(
        action_url(letter, "resolve"),
        {
            "on": today().isoformat(),
            "outcome": "partly_upheld",
            "answer": "Tố cáo đúng một phần; đã xử lý kỷ luật.",
            "decision_number": "20/KL-UBND",
            "decision_date": today().isoformat(),
            "signer": "Chủ tịch UBND",
        },
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RESOLVED and letter.closed_on == today()
    assert letter.current_due is None
    html = client.get(detail_url(letter)).content.decode()
    assert "Tố cáo đúng một phần" in html
    assert 'data-action="resolved"' in html


@pytest.mark.parametrize(
    ("action", "data", "status"),
    [
        ("refuse", {"reason": "Đã hết thời hiệu khiếu nại.", "document_number": "1/TB"}, "refused"),
        ("forward", {"to_body": "Công an tỉnh Khánh Hòa", "document_number": "2/CV"}, "forwarded"),
        ("archive", {"reason": "Đơn trùng, không có nội dung mới."}, "archived"),
    ],
)
def test_closing_steps_by_post(client, tree, commune_a_officer, action, data, status):
    letter = make_letter(tree.commune_a, kind="complaint", received_on=days_ago(4))
    client.force_login(commune_a_officer)
    response = client.post(action_url(letter, action), {"on": days_ago(1).isoformat(), **data})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == status
    assert letter.current_due is None and letter.closed_on is not None


def test_seal_step_seals_a_complaint(client, tree, commune_a_officer):
    letter = make_letter(tree.commune_a, kind="complaint", citizen_name="Phạm Thị Kín")
    client.force_login(commune_a_officer)
    assert "Phạm Thị Kín" in client.get(detail_url(letter)).content.decode()
    response = client.post(action_url(letter, "seal"), {"note": "Công dân đề nghị giữ bí mật."})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.confidential
    page = client.get(detail_url(letter))
    assert "Phạm Thị Kín" not in page.content.decode()
    assert "seal" not in {s.slug for s in page.context["steps"]}


def test_htmx_step_panel_and_redirect(client, tree, commune_a_officer):
    letter = make_letter(tree.commune_a)
    client.force_login(commune_a_officer)
    panel = client.get(action_url(letter, "note"), headers={"HX-Request": "true"})
    assert panel.status_code == 200
    assert "<html" not in panel.content.decode()
    assert 'data-testid="action-form"' in panel.content.decode()
    done = client.post(
        action_url(letter, "note"),
        {"note": "Gọi điện cho công dân."},
        headers={"HX-Request": "true"},
    )
    assert done.status_code == 204
    assert done["HX-Redirect"] == detail_url(letter)
    refused = client.post(action_url(letter, "note"), {"note": ""}, headers={"HX-Request": "true"})
    assert refused.status_code == 200 and "note" in refused.context["form"].errors


# ------------------------------------------------------------------ refused moves


def test_refused_moves_show_the_service_message_and_keep_input(client, tree, commune_a_officer):
    letter = make_letter(tree.commune_a, kind="complaint", received_on=days_ago(5))
    client.force_login(commune_a_officer)

    # Resolving before acceptance: not offered, and refused when forced.
    assert "resolve" not in {s.slug for s in client.get(detail_url(letter)).context["steps"]}
    page = client.get(action_url(letter, "resolve"))
    assert page.context["refusal"]
    assert 'data-testid="action-refusal"' in page.content.decode()
    response = client.post(
        action_url(letter, "resolve"),
        {
            "on": today().isoformat(),
            "outcome": "answered",
            "answer": "Câu trả lời đã soạn kỹ",
            "decision_number": "3/QĐ",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "Câu trả lời đã soạn kỹ" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RECEIVED

    # A date before the letter reached the unit.
    response = client.post(
        action_url(letter, "accept"),
        {"on": days_ago(9).isoformat(), "complexity": "normal", "document_number": "9/TB"},
    )
    assert response.status_code == 200
    assert "on" in response.context["form"].errors
    assert 'value="9/TB"' in response.content.decode()
    # A date in the future.
    response = client.post(
        action_url(letter, "accept"),
        {"on": (today() + dt.timedelta(days=2)).isoformat(), "complexity": "normal"},
    )
    assert "on" in response.context["form"].errors
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RECEIVED


def test_extension_beyond_the_rule_is_refused(client, tree, commune_a_officer):
    letter = make_letter(
        tree.commune_a,
        kind="denunciation",
        status="accepted",
        received_on=days_ago(20),
        accepted_on=days_ago(18),
        complexity="complex",
    )
    client.force_login(commune_a_officer)
    data = {"decision_number": "7/QĐ", "decision_date": days_ago(1).isoformat()}
    too_long = client.post(action_url(letter, "extend"), {**data, "days": "31"})
    assert too_long.status_code == 200 and "days" in too_long.context["form"].errors
    assert client.post(action_url(letter, "extend"), {**data, "days": "30"}).status_code == 302
    again = client.post(action_url(letter, "extend"), {**data, "days": "10"})
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    letter.refresh_from_db()
    assert letter.extensions_granted == 1


# ------------------------------------------------------------------ transfer


def test_transfer_moves_the_letter_to_the_new_unit(
    client, tree, commune_a_officer, commune_b_officer
):
    letter = make_letter(tree.commune_a, kind="petition", received_on=days_ago(3))
    client.force_login(commune_a_officer)
    form = client.get(action_url(letter, "transfer")).context["form"]
    targets = set(form.fields["to_unit"].queryset)
    assert tree.commune_b in targets and tree.commune_a not in targets
    assert tree.legacy not in targets  # not current, another province
    response = client.post(
        action_url(letter, "transfer"),
        {"to_unit": tree.commune_b.pk, "on": days_ago(1).isoformat(), "note": "Đúng thẩm quyền"},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.unit == tree.commune_b and letter.arrived_on == days_ago(1)
    event = letter.events.get(action=LetterAction.TRANSFERRED)
    assert event.is_public and event.from_unit == tree.commune_a

    # The new unit sees it and acts on it; the receiving unit still sees it, may not act.
    client.force_login(commune_b_officer)
    assert client.get(detail_url(letter)).status_code == 200
    assert client.post(action_url(letter, "note"), {"note": "Đã nhận."}).status_code == 302
    client.force_login(commune_a_officer)
    assert client.get(detail_url(letter)).status_code == 200
    assert client.post(action_url(letter, "note"), {"note": "x"}).status_code == 403


def test_transfer_refuses_a_unit_outside_the_province(client, tree, commune_a_officer):
    letter = make_letter(tree.commune_a, received_on=days_ago(3))
    client.force_login(commune_a_officer)
    response = client.post(
        action_url(letter, "transfer"), {"to_unit": tree.legacy.pk, "on": today().isoformat()}
    )
    assert response.status_code == 200 and "to_unit" in response.context["form"].errors
    letter.refresh_from_db()
    assert letter.unit == tree.commune_a


# ------------------------------------------------------------------ documents


def test_documents_are_served_to_who_sees_the_letter(
    client, tree, commune_a_officer, commune_b_officer
):
    letter = services.receive_letter(
        actor=commune_a_officer,
        unit=tree.commune_a,
        data={
            "kind": "petition",
            "channel": "post",
            "title": "Kiến nghị sửa đường",
            "content": "Đường liên thôn xuống cấp.",
            "citizen_name": "Võ Văn Đường",
        },
        documents=[pdf("kien-nghi.pdf")],
    )
    document = letter.documents.get()
    url = reverse("petitions:letter_document", args=[document.pk])
    client.force_login(commune_a_officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert "no-store" in response["Cache-Control"]
    assert not document.file.url.startswith(url)
    client.force_login(commune_b_officer)
    assert client.get(url).status_code == 404


def test_sealed_original_only_for_a_seal_holder_and_logged(
    client, tree, commune_a_officer, leader_a
):
    letter = services.receive_letter(
        actor=commune_a_officer,
        unit=tree.commune_a,
        data={
            "kind": "denunciation",
            "channel": "post",
            "title": "Tố cáo sai phạm",
            "content": "Nội dung tố cáo.",
            "citizen_name": "Người Tố Cáo",
        },
        documents=[pdf("don-cua-nguoi-to-cao.pdf")],
    )
    document = letter.documents.get()
    url = reverse("petitions:letter_document", args=[document.pk])
    client.force_login(commune_a_officer)
    html = client.get(detail_url(letter)).content.decode()
    assert "don-cua-nguoi-to-cao" not in html  # the file name is not shown either
    assert 'data-testid="document-sealed"' in html
    assert client.get(url).status_code == 403
    assert IdentityAccess.objects.count() == 0
    client.force_login(leader_a)
    assert client.get(url).status_code == 200
    assert IdentityAccess.objects.filter(letter=letter, user=leader_a).count() == 1


# ------------------------------------------------------------------ families


def test_link_two_letters_into_a_family(client, tree, commune_a_officer):
    first = make_letter(tree.commune_a, kind="complaint", received_on=days_ago(40))
    second = make_letter(tree.commune_a, kind="complaint", received_on=days_ago(2))
    client.force_login(commune_a_officer)
    response = client.post(
        reverse("petitions:letter_link"),
        {"letters": [second.pk, first.pk], "from": second.pk, "title": "Tranh chấp đất thôn 3"},
    )
    assert response.status_code == 302
    assert response.url.startswith(detail_url(second))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.family_id and first.family_id == second.family_id
    assert first.family.title == "Tranh chấp đất thôn 3"
    page = client.get(detail_url(second))
    assert page.context["repeat_filings"] == 1
    assert 'data-testid="repeat-filings"' in page.content.decode()
    assert len(page.context["family_rows"]) == 2
    # One letter alone is refused with a message, nothing linked.
    third = make_letter(tree.commune_a)
    client.post(reverse("petitions:letter_link"), {"letters": [third.pk], "from": third.pk})
    third.refresh_from_db()
    assert third.family_id is None


# ------------------------------------------------------------------ escalation command


def test_escalate_overdue_command_is_idempotent(tree, commune_a_officer):
    leader = UserFactory(username="province_head")
    MembershipFactory(user=leader, unit=tree.province, role=Role.LEADER)
    overdue = make_letter(tree.commune_a, kind="denunciation", received_on=days_ago(40))
    make_letter(tree.commune_a, kind="denunciation", received_on=today())
    assert overdue.current_due < today()
    out = StringIO()
    call_command("escalate_overdue", stdout=out)
    assert "1" in out.getvalue()
    overdue.refresh_from_db()
    assert overdue.escalated_on == today()
    assert leader.notifications.count() == 1
    out = StringIO()
    call_command("escalate_overdue", stdout=out)
    assert "Escalated 0" in out.getvalue()
    assert overdue.events.filter(action=LetterAction.ESCALATED).count() == 1
    assert leader.notifications.count() == 1


def test_detail_queries_do_not_grow_with_the_timeline(
    client, tree, commune_a_officer, django_assert_max_num_queries
):
    letter = make_letter(tree.commune_a, kind="complaint", status="accepted")
    client.force_login(commune_a_officer)
    client.get(detail_url(letter))  # warm the calendar cache
    with django_assert_max_num_queries(30) as few:
        client.get(detail_url(letter))
    for n in range(15):
        services.add_note(actor=commune_a_officer, letter=letter, note=f"Ghi chú {n}")
        if n < services.MAX_DOCUMENTS:
            services._attach(letter, [pdf(f"{n}.pdf")], kind=DocumentKind.EVIDENCE, actor=None)
    with django_assert_max_num_queries(len(few)):
        response = client.get(detail_url(letter))
    assert len(response.context["events"]) == 17  # received, accepted, 15 notes


def test_reveal_without_htmx_renders_the_page_with_the_identity(client, tree, leader_a):
    letter = make_letter(tree.commune_a, kind="denunciation", citizen_name="Đinh Thị Kín Tiếng")
    client.force_login(leader_a)
    page = client.get(detail_url(letter))
    assert "Đinh Thị Kín Tiếng" not in page.content.decode()
    assert 'data-testid="reveal-form"' in page.content.decode()
    url = reverse("petitions:letter_identity", args=[letter.pk])
    response = client.post(url, {"purpose": "Mời công dân đến làm việc"})
    assert response.status_code == 200
    assert "Đinh Thị Kín Tiếng" in response.content.decode()
    assert response.context["identity_state"] == "shown"
    assert IdentityAccess.objects.get().purpose == "Mời công dân đến làm việc"
    # The next plain view is sealed again.
    assert "Đinh Thị Kín Tiếng" not in client.get(detail_url(letter)).content.decode()
