"""Sending a petition or feedback on the portal, and following it by its tracking code."""

import datetime as dt
import io
import re
import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from danvan.core.models import Notification
from danvan.orgs.models import Role
from danvan.orgs.tests.factories import MembershipFactory, UserFactory, make_child
from danvan.petitions import services
from danvan.petitions.models import (
    Channel,
    DocumentKind,
    Letter,
    LetterDocument,
    LetterStatus,
    normalize_code,
)
from danvan.petitions.tests.factories import clerk, make_letter
from danvan.portal import antiabuse
from danvan.portal.citizen_forms import SUBMIT_PURPOSE

SUBMIT = reverse("public:submit")
TRACK = reverse("public:track")
CONTENT = "Đoạn đường liên thôn 3 bị sạt lở sau mưa lớn, xe máy đi lại rất nguy hiểm."


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    client.cookies["django_language"] = "en"  # the assertions read the English texts
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def leader_a(tree):
    user = UserFactory(username="chu_tich_a", full_name="Lê Văn Chủ Tịch")
    MembershipFactory(user=user, unit=tree.commune_a, role=Role.LEADER)
    return user


def old_stamp(seconds: int = 10) -> str:
    """A stamp for a form rendered ``seconds`` ago (a person takes more than 3 s to type)."""
    return antiabuse.issue_stamp(SUBMIT_PURPOSE, now=time.time() - seconds)


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 40)).save(out, format="JPEG")
    return SimpleUploadedFile("duong-sat-lo.jpg", out.getvalue(), content_type="image/jpeg")


def payload(tree, **overrides) -> dict:
    data = {
        "kind": "feedback",
        "province": str(tree.province.pk),
        "commune": str(tree.commune_a.pk),
        "subject_area": "construction",
        "title": "Đường liên thôn bị sạt lở",
        "content": CONTENT,
        "citizen_name": "Phạm Thị Hoa",
        "citizen_phone": "0905 123 456",
        "citizen_email": "hoa@example.vn",
        "citizen_address": "Thôn 3, phường Nha Trang",
        "citizen_id_number": "056190001234",
        "consent": "on",
        "website": "",
        "form_stamp": old_stamp(),
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- the form


def test_form_offers_petition_and_feedback_only_and_current_provinces(client, tree):
    response = client.get(SUBMIT)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="petition"' in html
    assert 'value="feedback"' in html
    assert 'value="complaint"' not in html
    assert 'value="denunciation"' not in html
    assert 'data-testid="complaints-notice"' in html
    assert "13/2023/NĐ-CP" in html or "13/2023/ND-CP" in html
    assert "Tỉnh Khánh Hòa" in html
    assert "Tỉnh Ninh Thuận" not in html  # closed on 30/06/2025
    # The honeypot is there, hidden from people.
    assert 'name="website"' in html
    assert 'name="form_stamp"' in html


def test_province_select_loads_its_current_communes_by_htmx(client, tree):
    closed = make_child(
        tree.province,
        name="Xã Đã Sáp Nhập",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2025, 6, 30),
    )
    response = client.get(SUBMIT, {"province": tree.province.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="commune-field"' in html
    assert "<form" not in html  # a partial
    assert "Phường Nha Trang" in html
    assert "Phường Phan Rang" in html
    assert "Sở Nội vụ" not in html  # a department is not a commune
    assert closed.name not in html


# ---------------------------------------------------------------- submitting


def test_happy_path_stores_a_portal_letter_with_its_deadline_and_tells_the_leaders(
    client, tree, leader_a, commune_b_officer
):
    response = client.post(SUBMIT, payload(tree, attachments=[jpeg()]))
    assert response.status_code == 302
    letter = Letter.objects.get()
    assert response.url == reverse("public:submitted", args=[letter.code])
    assert letter.channel == Channel.PORTAL
    assert letter.status == LetterStatus.RECEIVED
    assert letter.kind == "feedback"
    assert letter.unit == tree.commune_a
    assert letter.received_on == timezone.localdate()
    assert letter.acceptance_due is not None
    assert letter.current_due == letter.acceptance_due
    assert letter.created_by is None
    assert letter.citizen_name == "Phạm Thị Hoa"
    assert letter.citizen_phone == "0905123456"
    assert letter.citizen_id_number == "056190001234"
    document = letter.documents.get()
    assert document.kind == DocumentKind.ORIGINAL
    note = Notification.objects.get(user=leader_a)
    assert letter.code in note.text
    assert "Phạm Thị Hoa" not in note.text
    assert not Notification.objects.filter(user=commune_b_officer).exists()


def test_letter_to_the_province_itself(client, tree):
    response = client.post(SUBMIT, payload(tree, commune="", kind="petition"))
    assert response.status_code == 302
    letter = Letter.objects.get()
    assert letter.unit == tree.province
    assert letter.kind == "petition"


def test_submitted_page_shows_the_code_and_kind_only(client, tree):
    client.post(SUBMIT, payload(tree))
    letter = Letter.objects.get()
    with translation.override("en"):
        response = client.get(reverse("public:submitted", args=[letter.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert letter.code in html
    assert "Feedback" in html
    assert f"{TRACK}?code={letter.code}" in html
    for secret in ("Phạm Thị Hoa", "0905123456", "056190001234", "Thôn 3", "hoa@example.vn"):
        assert secret not in html
    assert letter.title not in html
    assert "no-store" in response["Cache-Control"]


def test_submitted_page_of_an_unknown_or_non_portal_code_is_404(client, tree):
    assert client.get(reverse("public:submitted", args=["ABCDE-23456"])).status_code == 404
    desk = make_letter(tree.commune_a)  # received in person
    assert client.get(reverse("public:submitted", args=[desk.code])).status_code == 404


def test_wrong_field_keeps_everything_typed_and_says_what_is_wrong(client, tree):
    response = client.post(SUBMIT, payload(tree, citizen_phone="12345", attachments=[jpeg()]))
    assert response.status_code == 200
    assert not Letter.objects.exists()
    html = response.content.decode()
    assert 'data-testid="error-citizen_phone"' in html
    assert 'value="12345"' in html
    assert 'value="Đường liên thôn bị sạt lở"' in html
    assert CONTENT in html
    assert 'value="Phạm Thị Hoa"' in html
    assert 'value="056190001234"' in html
    assert 'value="feedback" checked' in html
    assert f'<option value="{tree.commune_a.pk}" selected>' in html
    # The file must be chosen again, and the page says so.
    assert 'data-testid="files-dropped"' in html
    form = response.context["form"]
    with translation.override("vi"):
        assert list(form.errors) == ["citizen_phone"]


def test_every_missing_field_gets_its_own_message(client, tree):
    response = client.post(SUBMIT, {"form_stamp": old_stamp(), "website": ""})
    form = response.context["form"]
    for name in (
        "kind",
        "province",
        "subject_area",
        "title",
        "content",
        "citizen_name",
        "citizen_phone",
        "citizen_address",
        "consent",
    ):
        assert name in form.errors, name
    assert "citizen_email" not in form.errors
    assert "citizen_id_number" not in form.errors
    assert not Letter.objects.exists()


def test_complaints_and_denunciations_are_refused(client, tree):
    for kind in ("complaint", "denunciation"):
        with translation.override("en"):
            response = client.post(SUBMIT, payload(tree, kind=kind, form_stamp=old_stamp()))
            assert response.status_code == 200
            assert "in person or in writing" in response.context["form"].errors["kind"][0]
    assert not Letter.objects.exists()


def test_unit_must_be_a_current_commune_of_the_chosen_province(client, tree):
    closed = make_child(
        tree.province, name="Xã Cũ", valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2025, 6, 30)
    )
    cases = [
        {"commune": str(tree.department.pk)},  # not a commune
        {"commune": str(tree.cell_a.pk)},  # a party cell
        {"commune": str(closed.pk)},  # no longer exists
        {"province": str(tree.legacy.pk), "commune": ""},  # a closed province
        {"province": str(tree.commune_b.pk), "commune": ""},  # a commune is not a province
        {"commune": "999999"},
    ]
    for overrides in cases:
        response = client.post(SUBMIT, payload(tree, **overrides))
        assert response.status_code == 200, overrides
        errors = response.context["form"].errors
        assert "commune" in errors or "province" in errors, overrides
    other = make_child(tree.legacy, name="Xã Của Tỉnh Khác", valid_to=None, valid_from=None)
    response = client.post(SUBMIT, payload(tree, commune=str(other.pk)))
    assert "commune" in response.context["form"].errors
    assert not Letter.objects.exists()


def test_bad_attachment_is_refused_by_its_content(client, tree):
    fake = SimpleUploadedFile(
        "don.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf"
    )
    response = client.post(SUBMIT, payload(tree, attachments=[fake]))
    assert response.status_code == 200
    errors = response.context["form"].errors["attachments"]
    assert any("don.pdf" in error for error in errors)
    assert not Letter.objects.exists()


def test_excel_and_too_many_attachments_are_refused(client, tree, settings):
    import openpyxl

    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    sheet = SimpleUploadedFile("bang.xlsx", out.getvalue())
    response = client.post(SUBMIT, payload(tree, attachments=[sheet]))
    assert "attachments" in response.context["form"].errors
    response = client.post(SUBMIT, payload(tree, attachments=[jpeg() for _ in range(4)]))
    assert "attachments" in response.context["form"].errors
    settings.UPLOAD_MAX_BYTES = 100
    response = client.post(SUBMIT, payload(tree, attachments=[jpeg()]))
    assert "attachments" in response.context["form"].errors
    assert not Letter.objects.exists()


# ---------------------------------------------------------------- anti-abuse in the view


def test_honeypot_filled_looks_like_success_but_stores_nothing(client, tree, leader_a):
    response = client.post(SUBMIT, payload(tree, website="http://cheap-pills.example"))
    assert response.status_code == 200
    assert "portal/public/received.html" in [t.name for t in response.templates]
    assert not Letter.objects.exists()
    assert not Notification.objects.exists()
    assert not LetterDocument.objects.exists()


def test_sent_too_fast_is_refused_and_keeps_the_input(client, tree):
    stamp = antiabuse.issue_stamp(SUBMIT_PURPOSE)  # rendered just now
    with translation.override("en"):
        response = client.post(SUBMIT, payload(tree, form_stamp=stamp))
    assert response.status_code == 200
    assert not Letter.objects.exists()
    html = response.content.decode()
    assert "too quickly" in html
    assert CONTENT in html
    # The page comes back with a valid stamp, so sending again (a moment later) works.
    new_stamp = re.search(r'name="form_stamp" value="([^"]+)"', html).group(1)
    later = time.time() + antiabuse.MIN_SECONDS
    assert antiabuse.check_stamp(new_stamp, SUBMIT_PURPOSE, now=later) is None


def test_expired_or_missing_stamp_asks_to_send_again(client, tree):
    for stamp in (old_stamp(3 * 3600), "", "forged:value:here"):
        with translation.override("en"):
            response = client.post(SUBMIT, payload(tree, form_stamp=stamp))
        assert response.status_code == 200
        assert "send it again" in response.content.decode()
    assert not Letter.objects.exists()


def test_rate_limit_answers_429_after_the_hourly_allowance(client, tree, settings):
    settings.PUBLIC_SUBMISSIONS_PER_HOUR = 2
    for n in range(2):
        response = client.post(
            SUBMIT, payload(tree, content=f"{CONTENT} Lần {n}.", form_stamp=old_stamp())
        )
        assert response.status_code == 302
    response = client.post(
        SUBMIT, payload(tree, content=f"{CONTENT} Lần 3.", form_stamp=old_stamp())
    )
    assert response.status_code == 429
    assert "Retry-After" in response
    assert 'data-testid="too-many"' in response.content.decode()
    assert Letter.objects.count() == 2
    # Another address still may send.
    response = client.post(
        SUBMIT, payload(tree, content=f"{CONTENT} Lần 4."), REMOTE_ADDR="198.51.100.20"
    )
    assert response.status_code == 302


def test_same_content_and_phone_within_a_day_is_refused_as_a_repeat(client, tree):
    assert client.post(SUBMIT, payload(tree)).status_code == 302
    with translation.override("en"):
        response = client.post(
            SUBMIT, payload(tree, citizen_phone="+84 905 123 456", form_stamp=old_stamp())
        )
    assert response.status_code == 200
    assert "already sent" in response.content.decode()
    assert Letter.objects.count() == 1
    # The same phone with other content is a new letter.
    other = payload(tree, content="Đèn đường tổ 5 bị hỏng hơn một tháng nay chưa được sửa.")
    assert client.post(SUBMIT, other).status_code == 302
    assert Letter.objects.count() == 2


# ---------------------------------------------------------------- tracking


def test_normalize_code_tolerates_case_spaces_and_missing_dash():
    assert normalize_code("abcde-23456") == "ABCDE-23456"
    assert normalize_code(" abcde 23456 ") == "ABCDE-23456"
    assert normalize_code("ABCDE23456") == "ABCDE-23456"
    assert normalize_code("ABCDE-2345") is None
    assert normalize_code("ABCDE-2345O") is None  # O is not in the alphabet
    assert normalize_code("'; drop table") is None
    assert normalize_code("") is None


@pytest.mark.parametrize(
    "variant", [str.lower, lambda c: c.replace("-", ""), lambda c: " ".join(c.split("-"))]
)
def test_track_by_code_in_any_case_with_or_without_dash(client, tree, variant):
    letter = make_letter(tree.commune_a)
    response = client.get(TRACK, {"code": variant(letter.code)})
    assert response.status_code == 200
    assert response.context["letter"].code == letter.code
    assert letter.code in response.content.decode()


def test_unknown_and_malformed_codes_get_the_same_message(client, tree):
    make_letter(tree.commune_a)
    unknown = client.get(TRACK, {"code": "ZZZZZ-22222"})
    malformed = client.get(TRACK, {"code": "<script>alert(1)</script>"})
    for response in (unknown, malformed):
        assert response.status_code == 200
        assert response.context["letter"] is None
        assert 'data-testid="not-found"' in response.content.decode()
    message = re.search(r'data-testid="not-found">(.*?)</div>', unknown.content.decode(), re.S)
    assert message.group(1) in malformed.content.decode()
    assert "<script>alert" not in malformed.content.decode()


def test_track_page_never_shows_identity_handler_notes_or_family(client, tree, leader_a):
    handler = UserFactory(username="can_bo_xu_ly", full_name="Trần Thị Cán Bộ")
    MembershipFactory(user=handler, unit=tree.commune_a, role=Role.OFFICER)
    letter = make_letter(
        tree.commune_a,
        citizen_name="Võ Văn Bí Mật",
        citizen_id_number="079123456789",
        citizen_address="Số 9 đường Bí Mật",
        citizen_email="bimat@example.vn",
        handler=handler,
        status="accepted",
    )
    services.add_note(
        actor=leader_a, letter=letter, note="Nội bộ: người này đã gửi nhiều lần, cẩn thận."
    )
    twin = make_letter(tree.commune_a, title="Đơn trùng nội dung")
    services.link(actor=leader_a, letters=[letter, twin], title="Hồ sơ gộp nội bộ")
    response = client.get(TRACK, {"code": letter.code})
    html = response.content.decode()
    assert letter.code in html
    for secret in (
        "Võ Văn Bí Mật",
        "079123456789",
        "Số 9 đường Bí Mật",
        "0905123456",
        "bimat@example.vn",
        "Trần Thị Cán Bộ",
        "can_bo_xu_ly",
        str(leader_a),
        "chu_tich_a",
        str(clerk(tree.commune_a)),
        "Nội bộ",
        "Hồ sơ gộp nội bộ",
        twin.code,
        "Đơn trùng nội dung",
        letter.title,
        letter.content,
    ):
        assert secret not in html, secret
    # The steps: only the public ones.
    actions = [step.action for step in response.context["letter"].steps]
    assert actions == ["received", "accepted"]


def test_track_shows_status_unit_and_the_deadline_of_the_current_step(client, tree):
    letter = make_letter(tree.commune_a, kind="petition")
    with translation.override("en"):
        response = client.get(TRACK, {"code": letter.code})
    html = response.content.decode()
    assert "Phường Nha Trang" in html
    assert f"must decide whether to accept it by {letter.acceptance_due:%d/%m/%Y}" in html
    assert "Petition" in html
    assert "Land, compensation and resettlement" in html
    services.accept(actor=clerk(tree.commune_a), letter=letter, on=letter.received_on)
    letter.refresh_from_db()
    with translation.override("en"):
        html = client.get(TRACK, {"code": letter.code}).content.decode()
    assert f"must be answered by {letter.resolution_due:%d/%m/%Y}" in html
    assert 'data-testid="answer"' not in html


def test_track_shows_the_answer_and_public_documents_once_resolved(client, tree):
    letter = make_letter(tree.commune_a, status="resolved")
    officer = clerk(tree.commune_a)
    answer = LetterDocument.objects.create(
        letter=letter,
        kind=DocumentKind.ANSWER,
        name="tra-loi.pdf",
        size=9,
        is_public=True,
        file=SimpleUploadedFile("tra-loi.pdf", b"%PDF-1.4 answer"),
        uploaded_by=officer,
    )
    internal = LetterDocument.objects.create(
        letter=letter,
        kind=DocumentKind.EVIDENCE,
        name="bien-ban-noi-bo.pdf",
        size=9,
        file=SimpleUploadedFile("bien-ban-noi-bo.pdf", b"%PDF-1.4 internal"),
        uploaded_by=officer,
    )
    original = LetterDocument.objects.create(
        letter=letter,
        kind=DocumentKind.ORIGINAL,
        name="cccd-cong-dan.jpg",
        size=9,
        is_public=True,
        file=SimpleUploadedFile("cccd-cong-dan.jpg", b"\xff\xd8\xff"),
    )
    response = client.get(TRACK, {"code": letter.code.lower()})
    html = response.content.decode()
    assert 'data-testid="answer"' in html
    assert "Đã trả lời công dân." in html
    assert "tra-loi.pdf" in html
    assert "bien-ban-noi-bo.pdf" not in html
    assert "cccd-cong-dan.jpg" not in html
    assert [s.action for s in response.context["letter"].steps] == [
        "received",
        "accepted",
        "resolved",
    ]
    assert "12/QĐ-UBND" in html  # the decision number is public
    assert 'data-testid="outcome"' in html

    download = client.get(TRACK, {"code": letter.code, "document": answer.pk})
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 answer"
    for hidden in (internal, original):
        assert client.get(TRACK, {"code": letter.code, "document": hidden.pk}).status_code == 404
    other = make_letter(tree.commune_b, status="resolved")
    assert client.get(TRACK, {"code": other.code, "document": answer.pk}).status_code == 404


def test_refused_letter_shows_the_reason(client, tree):
    letter = make_letter(tree.commune_a, status="refused")
    html = client.get(TRACK, {"code": letter.code}).content.decode()
    assert "Không thuộc thẩm quyền." in html
    assert 'data-testid="step-refused"' in html


def test_transfer_is_shown_with_the_new_unit(client, tree, leader_a):
    letter = make_letter(tree.commune_a)
    services.transfer(
        actor=leader_a,
        letter=letter,
        to_unit=tree.commune_b,
        on=letter.received_on,
        note="Lý do nội bộ của chuyển đơn",
    )
    response = client.get(TRACK, {"code": letter.code})
    html = response.content.decode()
    assert response.context["letter"].unit == "Phường Phan Rang"
    assert 'data-testid="step-transferred"' in html
    assert "Phường Phan Rang" in html
    assert "Lý do nội bộ" not in html


def test_lookups_are_rate_limited(client, tree, settings):
    settings.PUBLIC_LOOKUPS_PER_HOUR = 3
    letter = make_letter(tree.commune_a)
    for code in ("AAAAA-22222", "BBBBB-22222", "not a code"):
        assert client.get(TRACK, {"code": code}).status_code == 200
    response = client.get(TRACK, {"code": letter.code})
    assert response.status_code == 429
    assert "Phường Nha Trang" not in response.content.decode()
    # The empty form itself is not a lookup.
    assert client.get(TRACK).status_code == 200
