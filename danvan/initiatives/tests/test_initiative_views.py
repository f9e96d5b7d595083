"""The initiative screens as a user meets them: register, edit, follow, prove, spread."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from danvan.initiatives import services
from danvan.initiatives.models import (
    AwardKind,
    Campaign,
    Evidence,
    Initiative,
    Milestone,
    ProgressUpdate,
    Status,
    Transition,
)
from danvan.initiatives.tests.factories import make_campaign, make_initiative, system_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_and_media(client, settings, tmp_path):
    """Pages in English (the default is Vietnamese) and uploads in a temporary folder."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg_bytes(size=(64, 48), color=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


def flash(response) -> str:
    """The messages shown after a redirect, as one text."""
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def registration(campaign, unit, **overrides) -> dict:
    data = {
        "unit": unit.pk,
        "kind": "model",
        "field": campaign.fields.first().pk,
        "name": "Mô hình “Dân vận khéo” trong xây dựng nông thôn mới",
        "reason": "Đường giao thông nội đồng xuống cấp.",
        "goals": "Bê tông hóa 3 km đường.",
        "content": "Vận động nhân dân hiến đất, góp công.",
        "area": "Khu phố 1",
        "target_group": "Hộ dân khu phố 1",
        "participants": "Mặt trận, Hội Nông dân, Đoàn Thanh niên",
        "resources": "Ngân sách 200 triệu, nhân dân đóng góp",
        "start_date": "2026-01-15",
        "end_date": "2026-10-30",
        "outputs": "3 km đường bê tông",
        "replicability": "Áp dụng được cho các khu phố khác",
        "milestone_title_0": "Họp dân",
        "milestone_due_0": "2026-02-01",
        "milestone_title_1": "Khởi công",
        "milestone_due_1": "2026-03-01",
        "intent": "draft",
    }
    data.update(overrides)
    return data


# ------------------------------------------------------------ registration


def test_register_a_draft(client, campaign, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    url = reverse("initiatives:initiative_create", args=[campaign.pk])
    page = client.get(url)
    assert page.status_code == 200
    # The working unit is chosen; the coordinating units are the commune's neighbours.
    assert f'<option value="{tree.commune_a.pk}" selected' in page.content.decode()
    assert "Sở Nội vụ" in page.content.decode()
    data = registration(campaign, tree.commune_a, coordinating_units=[tree.department.pk])
    response = client.post(url, data)
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response.url == initiative.get_absolute_url()
    assert initiative.status == Status.DRAFT
    assert initiative.unit == tree.commune_a
    assert initiative.lead_unit == tree.commune_a
    assert list(initiative.coordinating_units.all()) == [tree.department]
    assert [m.title for m in initiative.milestones.all()] == ["Họp dân", "Khởi công"]
    assert initiative.milestones.first().due_date == dt.date(2026, 2, 1)
    assert initiative.end_date == dt.date(2026, 10, 30)


def test_coordinating_choices_follow_the_registering_unit(client, campaign, tree, province_officer):
    client.force_login(province_officer)
    url = reverse("initiatives:initiative_create", args=[campaign.pk])
    partial = client.get(url, {"unit": tree.commune_a.pk}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    choices = {u.name for u in partial.context["form"].fields["coordinating_units"].queryset}
    # Its own agencies and its parent's other units, not itself.
    assert choices == {"Chi bộ Khu phố 1", "Sở Nội vụ", "Phường Phan Rang"}
    assert "<form" not in partial.content.decode()
    response = client.post(
        url,
        registration(
            campaign,
            tree.commune_a,
            coordinating_units=[tree.cell_a.pk, tree.commune_b.pk],
            lead_unit=tree.department.pk,
        ),
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert initiative.lead_unit == tree.department
    assert set(initiative.coordinating_units.all()) == {tree.cell_a, tree.commune_b}


def test_register_and_submit_within_the_window(client, campaign, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    url = reverse("initiatives:initiative_create", args=[campaign.pk])
    response = client.post(url, registration(campaign, tree.commune_a, intent="submit"))
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert initiative.status == Status.REGISTERED
    assert initiative.registered_at is not None
    assert initiative.transitions.get().action == "submit"


def test_submitting_outside_the_window_is_refused_and_nothing_is_lost(
    client, campaign, tree, commune_a_officer
):
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(
        registration_opens=today - dt.timedelta(days=60),
        registration_closes=today - dt.timedelta(days=1),
    )
    client.force_login(commune_a_officer)
    url = reverse("initiatives:initiative_create", args=[campaign.pk])
    data = registration(campaign, tree.commune_a, intent="submit", name="Dân vận khéo ở chợ")
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Registration is open from" in html
    assert "Dân vận khéo ở chợ" in html  # what was typed stays
    assert "Đường giao thông nội đồng xuống cấp." in html
    assert not Initiative.objects.exists()
    assert 'data-testid="window-closed"' in html
    # A draft may still be saved.
    client.post(url, {**data, "intent": "draft"})
    assert Initiative.objects.get().status == Status.DRAFT


def test_third_registration_is_refused_above_the_quota(client, campaign, tree, commune_a_officer):
    assert campaign.quota_max == 2
    make_initiative(campaign, tree.commune_a, status=Status.REGISTERED, name="Thứ nhất")
    make_initiative(campaign, tree.commune_a, status=Status.ACCEPTED, name="Thứ hai")
    client.force_login(commune_a_officer)
    url = reverse("initiatives:initiative_create", args=[campaign.pk])
    response = client.post(url, registration(campaign, tree.commune_a, intent="submit"))
    assert response.status_code == 200
    assert "has already registered 2" in response.content.decode()
    assert Initiative.objects.count() == 2


def test_an_exemplar_needs_its_person(client, campaign, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    url = reverse("initiatives:initiative_create", args=[campaign.pk])
    response = client.post(url, registration(campaign, tree.commune_a, kind="exemplar"))
    assert response.status_code == 200
    assert response.context["form"].errors["exemplar_name"]
    assert not Initiative.objects.exists()
    response = client.post(
        url,
        registration(
            campaign,
            tree.commune_a,
            kind="exemplar",
            exemplar_name="Bà Nguyễn Thị Hoa",
            exemplar_role="Tổ trưởng tổ dân phố",
        ),
    )
    assert response.status_code == 302
    assert Initiative.objects.get().exemplar_name == "Bà Nguyễn Thị Hoa"


def test_registering_unit_is_limited_to_the_users_units(
    client, campaign, tree, commune_a_officer, commune_b_officer, observer
):
    client.force_login(commune_a_officer)
    url = reverse("initiatives:initiative_create", args=[campaign.pk])
    response = client.post(url, registration(campaign, tree.commune_b))
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not Initiative.objects.exists()
    client.force_login(observer)  # sees the campaign, may register for no unit
    assert client.get(url).status_code == 403


def test_replicating_a_recognised_model(client, campaign, tree, commune_a_officer):
    source = make_initiative(campaign, tree.commune_a, status=Status.RECOGNISED, name="Mô hình gốc")
    client.force_login(commune_a_officer)
    url = reverse("initiatives:initiative_create", args=[campaign.pk])
    assert "Mô hình gốc" in client.get(url).content.decode()
    client.post(url, registration(campaign, tree.commune_a, replicated_from=source.pk, name="Bản"))
    copy = Initiative.objects.get(name="Bản")
    assert copy.replicated_from == source
    page = client.get(copy.get_absolute_url()).content.decode()
    assert source.get_absolute_url() in page


def test_edit_only_while_draft_or_returned(client, campaign, tree, commune_a_officer):
    client.force_login(commune_a_officer)
    draft = make_initiative(campaign, tree.commune_a, name="Nháp")
    url = reverse("initiatives:initiative_edit", args=[draft.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="Nháp"' in page.content.decode()
    response = client.post(url, registration(campaign, tree.commune_a, name="Nháp đã sửa"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Nháp đã sửa"
    assert draft.milestones.count() == 2

    returned = make_initiative(campaign, tree.commune_a, status=Status.RETURNED, name="Trả lại")
    url = reverse("initiatives:initiative_edit", args=[returned.pk])
    assert client.get(url).status_code == 200
    client.post(url, registration(campaign, tree.commune_a, name="Đã bổ sung", intent="submit"))
    returned.refresh_from_db()
    assert (returned.name, returned.status) == ("Đã bổ sung", Status.REGISTERED)

    registered = make_initiative(campaign, tree.commune_a, status=Status.REGISTERED)
    url = reverse("initiatives:initiative_edit", args=[registered.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert "only while it is a draft or returned" in flash(response)
    client.post(url, registration(campaign, tree.commune_a, name="Lén sửa"))
    registered.refresh_from_db()
    assert registered.name != "Lén sửa"


# ----------------------------------------------------------------- detail


def test_detail_shows_the_whole_story(
    client, campaign, tree, commune_a_officer, django_assert_max_num_queries
):
    initiative = make_initiative(
        campaign,
        tree.commune_a,
        status=Status.REWARDED,
        reason="Lý do: rác thải tồn đọng",
        goals="Mục tiêu: 100% hộ phân loại rác",
        content="Nội dung: tổ tự quản",
        area="Khu phố 1",
        target_group="Hộ gia đình",
        participants="Hội Phụ nữ",
        resources="Kinh phí xã hội hóa",
        outputs="Biên bản nghiệm thu",
        replicability="Nhân rộng ra các phường",
        coordinating_units=[tree.department],
        milestones=[
            {"title": "Ra mắt tổ tự quản", "due_date": dt.date(2026, 2, 1)},
            {"title": "Sơ kết", "due_date": dt.date(2026, 6, 1)},
        ],
    )
    update = ProgressUpdate.objects.create(
        initiative=initiative,
        date=dt.date(2026, 3, 2),
        text="Đã thu gom 5 tấn rác",
        figures=[{"label": "Hộ tham gia", "value": 120}],
    )
    for name in ["a.jpg", "b.jpg"]:
        services.add_evidence(
            actor=system_user(),
            initiative=initiative,
            upload=SimpleUploadedFile(name, jpeg_bytes()),
            caption=f"Ảnh {name}",
        )
    Evidence.objects.update(update=update)
    services.add_evidence(
        actor=system_user(),
        initiative=initiative,
        upload=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test"),
        caption="Biên bản",
    )
    client.force_login(commune_a_officer)
    with django_assert_max_num_queries(25):
        response = client.get(initiative.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        initiative.name,
        "Lý do: rác thải tồn đọng",
        "Mục tiêu: 100% hộ phân loại rác",
        "Nội dung: tổ tự quản",
        "Khu phố 1",
        "Hộ gia đình",
        "Hội Phụ nữ",
        "Kinh phí xã hội hóa",
        "Biên bản nghiệm thu",
        "Nhân rộng ra các phường",
        "Sở Nội vụ",
        "Ra mắt tổ tự quản",
        "01/02/2026",
        "02/03/2026",
        "Đã thu gom 5 tấn rác",
        "Hộ tham gia",
        "Ảnh a.jpg",
        "bien-ban.pdf",
        "Tự đánh giá: đạt",  # the self-assessment
        "12/QĐ-BCĐ",  # the recognition decision
        "Cấp cơ sở",  # the level
        "Giấy khen",  # the award
        "45/QĐ-UBND",
        campaign.name,
        reverse("initiatives:export_registration_docx", args=[initiative.pk]),
        reverse("core:object_history", args=["initiatives.initiative", initiative.pk]),
        reverse("initiatives:initiative_replications", args=[initiative.pk]),
    ]:
        assert text in html, text
    # The timeline: every move with its time, from → to.
    transitions = response.context["initiative"].transitions.all()
    assert [t.action for t in transitions] == [
        "submit",
        "accept",
        "start",
        "self_assess",
        "send_to_council",
        "recognise",
        "reward",
    ]
    stamp = timezone.localtime(transitions[0].at).strftime("%d/%m/%Y %H:%M")
    assert stamp in html
    # The unit officer has no launcher's buttons; a recognised model has no edit button.
    actions = [m["action"] for m in response.context["moves"]]
    assert actions == []
    assert reverse("initiatives:initiative_edit", args=[initiative.pk]) not in html


def test_detail_buttons_follow_status_and_role(
    client, campaign, tree, commune_a_officer, province_reviewer, observer
):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.REGISTERED)
    url = initiative.get_absolute_url()

    def actions(user):
        client.force_login(user)
        return [m["action"] for m in client.get(url).context["moves"]]

    assert actions(commune_a_officer) == []
    assert actions(province_reviewer) == ["return", "accept", "discontinue"]
    assert actions(observer) == []
    Initiative.objects.filter(pk=initiative.pk).update(status=Status.SELF_ASSESSED)
    assert actions(province_reviewer) == ["send_to_council", "discontinue"]
    client.force_login(province_reviewer)
    html = client.get(url).content.decode()
    assert reverse("initiatives:council_list", args=[campaign.pk]) in html
    Initiative.objects.filter(pk=initiative.pk).update(status=Status.IN_PROGRESS)
    assert actions(commune_a_officer) == ["self_assess"]
    assert actions(province_reviewer) == ["mid_term_review", "discontinue"]


def test_commune_b_cannot_open_commune_a_pages(client, campaign, tree, commune_b_officer):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.IN_PROGRESS)
    client.force_login(commune_b_officer)
    for name in [
        "initiative_detail",
        "initiative_edit",
        "initiative_progress",
        "initiative_replications",
        "initiative_award",
    ]:
        assert client.get(reverse(f"initiatives:{name}", args=[initiative.pk])).status_code == 404
    for name in ["initiative_evidence", "initiative_publish"]:
        assert client.post(reverse(f"initiatives:{name}", args=[initiative.pk])).status_code == 404


# ------------------------------------------------------------- transitions


def test_accept_and_a_raced_second_accept(client, campaign, tree, province_reviewer):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.REGISTERED)
    client.force_login(province_reviewer)
    url = reverse("initiatives:initiative_transition", args=[initiative.pk, "accept"])
    first = client.post(url)
    assert first.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == Status.ACCEPTED
    second = client.post(url)
    assert second.status_code == 302
    assert "is not possible while the initiative is “Accepted”" in flash(second)
    assert Transition.objects.filter(initiative=initiative, action="accept").count() == 1


def test_moves_needing_a_reason(client, campaign, tree, province_reviewer, commune_a_officer):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.REGISTERED)
    client.force_login(province_reviewer)
    url = reverse("initiatives:initiative_transition", args=[initiative.pk, "return"])
    response = client.post(url, {"reason": ""})
    assert "Say why" in flash(response)
    initiative.refresh_from_db()
    assert initiative.status == Status.REGISTERED
    client.post(url, {"reason": "Bổ sung nguồn lực"})
    initiative.refresh_from_db()
    assert initiative.status == Status.RETURNED
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "Bổ sung nguồn lực" in page

    running = make_initiative(campaign, tree.commune_a, status=Status.IN_PROGRESS, name="Chạy")
    client.force_login(commune_a_officer)
    url = reverse("initiatives:initiative_transition", args=[running.pk, "self_assess"])
    client.post(url, {"reason": "Đạt 9/10 chỉ tiêu, nhân dân đồng tình"})
    running.refresh_from_db()
    assert running.status == Status.SELF_ASSESSED
    assert running.self_assessment == "Đạt 9/10 chỉ tiêu, nhân dân đồng tình"


def test_transition_answers(client, campaign, tree, observer, commune_b_officer):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.REGISTERED)
    client.force_login(observer)
    unknown = reverse("initiatives:initiative_transition", args=[initiative.pk, "explode"])
    assert client.post(unknown).status_code == 404
    council_move = reverse("initiatives:initiative_transition", args=[initiative.pk, "recognise"])
    assert client.post(council_move).status_code == 404
    accept = reverse("initiatives:initiative_transition", args=[initiative.pk, "accept"])
    assert client.get(accept).status_code == 405
    assert client.post(accept).status_code == 403
    client.force_login(commune_b_officer)
    assert client.post(accept).status_code == 404
    initiative.refresh_from_db()
    assert initiative.status == Status.REGISTERED


# -------------------------------------------------------- progress, evidence


def test_progress_with_a_photo(client, campaign, tree, commune_a_officer, commune_b_officer):
    initiative = make_initiative(
        campaign,
        tree.commune_a,
        status=Status.ACCEPTED,
        milestones=[{"title": "Họp dân"}, {"title": "Khởi công"}],
    )
    client.force_login(commune_a_officer)
    url = reverse("initiatives:initiative_progress", args=[initiative.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["date"].value() == timezone.localdate()
    first = initiative.milestones.get(title="Họp dân")
    response = client.post(
        url,
        {
            "date": timezone.localdate().isoformat(),
            "text": "Ra quân làm đường, 120 hộ tham gia",
            "figure_label_0": "Hộ tham gia",
            "figure_value_0": "120",
            "figure_label_1": "Mét đường",
            "figure_value_1": "850.5",
            "files": [SimpleUploadedFile("ra-quan.jpg", jpeg_bytes(), "image/jpeg")],
            "captions": "Ra quân ngày đầu",
            "public_photos": "on",
            "milestones_done": [str(first.pk)],
        },
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == Status.IN_PROGRESS  # the first update starts it
    update = initiative.updates.get()
    assert update.figures == [
        {"label": "Hộ tham gia", "value": 120.0},
        {"label": "Mét đường", "value": 850.5},
    ]
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.caption, evidence.is_public) == (
        "photo",
        "Ra quân ngày đầu",
        True,
    )
    first.refresh_from_db()
    assert first.done_on == timezone.localdate()

    html = client.get(initiative.get_absolute_url()).content.decode()
    photo_url = reverse("initiatives:evidence_file", args=[evidence.token])
    assert f'<img src="{photo_url}"' in html
    assert "Ra quân làm đường, 120 hộ tham gia" in html
    assert "850.5" in html or "850,5" in html

    served = client.get(photo_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "private" in served["Cache-Control"]
    assert served["Content-Disposition"].startswith("inline")
    body = b"".join(served.streaming_content)
    assert Image.open(io.BytesIO(body)).size == (64, 48)

    client.force_login(commune_b_officer)
    assert client.get(photo_url).status_code == 404
    client.logout()
    assert client.get(photo_url).status_code == 302  # to the login page


def test_progress_refused_outside_the_running_statuses(client, campaign, tree, commune_a_officer):
    draft = make_initiative(campaign, tree.commune_a)
    client.force_login(commune_a_officer)
    url = reverse("initiatives:initiative_progress", args=[draft.pk])
    response = client.post(url, {"date": timezone.localdate().isoformat(), "text": "x"})
    assert response.status_code == 302
    assert "while the initiative runs" in flash(response)
    assert not draft.updates.exists()


def test_word_evidence_is_downloaded_with_its_name(client, campaign, tree, commune_a_officer):
    from docx import Document

    initiative = make_initiative(campaign, tree.commune_a, status=Status.IN_PROGRESS)
    out = io.BytesIO()
    Document().save(out)
    client.force_login(commune_a_officer)
    response = client.post(
        reverse("initiatives:initiative_evidence", args=[initiative.pk]),
        {"file": SimpleUploadedFile("Biên bản họp dân.docx", out.getvalue()), "caption": "BB"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.kind == "word"
    served = client.get(reverse("initiatives:evidence_file", args=[evidence.token]))
    assert served["Content-Disposition"].startswith("attachment")
    assert "Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp%20d%C3%A2n.docx" in served["Content-Disposition"]


def test_evidence_public_toggle(client, campaign, tree, commune_a_officer, observer):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.IN_PROGRESS)
    evidence = services.add_evidence(
        actor=system_user(),
        initiative=initiative,
        upload=SimpleUploadedFile("a.jpg", jpeg_bytes()),
    )
    url = reverse("initiatives:evidence_public", args=[evidence.token])
    client.force_login(observer)
    assert client.post(url, {"is_public": "1"}).status_code == 403
    client.force_login(commune_a_officer)
    assert client.post(url, {"is_public": "1"}).status_code == 302
    evidence.refresh_from_db()
    assert evidence.is_public
    client.post(url, {"is_public": "0"})
    evidence.refresh_from_db()
    assert not evidence.is_public


def test_milestone_tick_and_untick(client, campaign, tree, commune_a_officer, observer):
    initiative = make_initiative(
        campaign, tree.commune_a, status=Status.IN_PROGRESS, milestones=[{"title": "Họp dân"}]
    )
    milestone = Milestone.objects.get()
    url = reverse("initiatives:milestone_tick", args=[milestone.pk])
    client.force_login(observer)
    assert client.post(url, {"done": "1"}).status_code == 403
    client.force_login(commune_a_officer)
    response = client.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Untick" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    client.post(url, {"done": "0"})
    milestone.refresh_from_db()
    assert milestone.done_on is None
    assert initiative.pk


# ---------------------------------------------------- publication, awards


def test_publish_a_recognised_initiative(
    client, campaign, tree, province_reviewer, commune_a_officer
):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.RECOGNISED)
    url = reverse("initiatives:initiative_publish", args=[initiative.pk])
    client.force_login(commune_a_officer)
    assert client.post(url, {"published": "on", "story": "x"}).status_code == 403
    client.force_login(province_reviewer)
    assert 'data-testid="publication"' in client.get(initiative.get_absolute_url()).content.decode()
    refused = client.post(url, {"published": "on", "story": ""})
    assert refused.status_code == 200
    assert refused.context["publication_form"].errors["story"]
    client.post(url, {"published": "on", "story": "Người dân cùng làm đường."})
    initiative.refresh_from_db()
    assert initiative.is_published
    assert initiative.story == "Người dân cùng làm đường."


def test_record_an_award(client, campaign, tree, province_reviewer, commune_a_officer):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.RECOGNISED)
    url = reverse("initiatives:initiative_award", args=[initiative.pk])
    client.force_login(commune_a_officer)
    assert client.get(url).status_code == 403
    client.force_login(province_reviewer)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["recipient_unit"].value() == tree.commune_a.pk
    data = {
        "kind": AwardKind.objects.get(name="Bằng khen").pk,
        "issuer": "Chủ tịch UBND tỉnh",
        "decision_number": "",
        "decision_date": timezone.localdate().isoformat(),
        "recipient_unit": tree.commune_a.pk,
    }
    assert client.post(url, data).status_code == 200
    response = client.post(url, {**data, "decision_number": "99/QĐ-UBND"})
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == Status.REWARDED
    html = client.get(initiative.get_absolute_url()).content.decode()
    assert "Bằng khen" in html
    assert "99/QĐ-UBND" in html


# ------------------------------------------------------------------- list


def list_url(**params) -> str:
    from urllib.parse import urlencode

    return reverse("initiatives:initiative_list") + ("?" + urlencode(params) if params else "")


def test_list_search_without_accents_and_filters(
    client, campaign, tree, province_officer, commune_b_officer
):
    make_initiative(campaign, tree.commune_a, name="Dân vận khéo trong xây dựng nông thôn mới")
    make_initiative(
        campaign,
        tree.commune_b,
        status=Status.REGISTERED,
        name="Đô thị văn minh",
        kind="exemplar",
    )
    client.force_login(province_officer)

    def names(**params):
        response = client.get(list_url(**params))
        assert response.status_code == 200
        return [i.name for i in response.context["page"].object_list]

    assert names(q="nong thon moi") == ["Dân vận khéo trong xây dựng nông thôn mới"]
    assert names(q="do thi") == ["Đô thị văn minh"]
    assert names(status="registered") == ["Đô thị văn minh"]
    assert names(kind="exemplar") == ["Đô thị văn minh"]
    assert names(unit=tree.commune_a.pk) == ["Dân vận khéo trong xây dựng nông thôn mới"]
    assert len(names(campaign=campaign.pk)) == 2
    assert names(campaign=campaign.pk + 1000) == []
    # Live filtering: htmx gets only the results, with the Excel link carrying the filters.
    partial = client.get(list_url(q="nong thon", status="draft"), headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<form" not in html
    export = reverse("initiatives:export_initiatives_xlsx")
    assert f"{export}?q=nong+thon&amp;status=draft" in html
    # Commune B sees only its own.
    client.force_login(commune_b_officer)
    assert names() == ["Đô thị văn minh"]
    assert names(unit=tree.commune_a.pk) == []


def test_list_sorting(client, campaign, tree, province_officer):
    for name in ["Bình", "An", "Cường"]:
        make_initiative(campaign, tree.commune_a, name=name)
    client.force_login(province_officer)
    page = client.get(list_url(sort="name"))
    assert [i.name for i in page.context["page"].object_list] == ["An", "Bình", "Cường"]
    assert "sort=-name" in page.content.decode()  # clicking again reverses
    page = client.get(list_url(sort="-name"))
    assert [i.name for i in page.context["page"].object_list] == ["Cường", "Bình", "An"]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow(client, campaign, tree, province_officer):
    from danvan.initiatives.models import Field

    field = Field.objects.filter(campaign=campaign).first()

    def add(n, start):
        for i in range(start, start + n):
            services.create_initiative(
                actor=system_user(),
                campaign=campaign,
                unit=tree.commune_a if i % 2 else tree.commune_b,
                field=field,
                name=f"Mô hình {i}",
            )

    client.force_login(province_officer)
    add(5, 0)
    url = list_url(campaign=campaign.pk, q="mo hinh")
    small = count_queries(client, url)
    add(20, 5)
    assert count_queries(client, url) == small
    assert small <= 15


# ------------------------------------------------------------ replication


def test_replications_tree_hides_what_the_user_cannot_open(
    client, tree, campaign, commune_a_officer
):
    source = make_initiative(campaign, tree.commune_a, status=Status.RECOGNISED, name="Gốc")
    next_year = make_campaign(tree.province, year=campaign.year + 1)
    in_a = make_initiative(next_year, tree.cell_a, name="Bản ở chi bộ", replicated_from=source)
    in_b = make_initiative(
        next_year, tree.commune_b, name="Bản ở Phan Rang", replicated_from=source
    )
    client.force_login(commune_a_officer)
    detail = client.get(source.get_absolute_url())
    assert "Replicated 2 times" in detail.content.decode()
    response = client.get(reverse("initiatives:initiative_replications", args=[in_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gốc" in html and source.get_absolute_url() in html
    assert "Bản ở chi bộ" in html
    assert "Bản ở Phan Rang" not in html
    assert in_b.get_absolute_url() not in html
    assert f"Phường Phan Rang, {next_year.year}" in html


def test_a_replication_does_not_reveal_a_source_out_of_scope(
    client, tree, campaign, commune_b_officer
):
    source = make_initiative(campaign, tree.commune_a, status=Status.RECOGNISED, name="Gốc A")
    copy = make_initiative(campaign, tree.commune_b, name="Bản B", replicated_from=source)
    client.force_login(commune_b_officer)
    html = client.get(copy.get_absolute_url()).content.decode()
    assert "Gốc A" not in html
    assert source.get_absolute_url() not in html
    assert "Phường Nha Trang" in html  # where it came from, without opening it
    page = client.get(reverse("initiatives:initiative_replications", args=[copy.pk]))
    assert "Gốc A" not in page.content.decode()
    assert "Bản B" in page.content.decode()
