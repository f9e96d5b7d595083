"""The "Dân vận khéo" yearly cycle in Debian's Chromium, one user at a time.

A commune officer registers a model → the launching body accepts it → the officer posts
progress with a photo and assesses it → the reviewer sends it to the council → two council
members score it on the phone screen → the council's decision recognises it → the reviewer
publishes it → an anonymous citizen finds it, with its photo, on the public showcase.
"""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from danvan.initiatives import services
from danvan.initiatives.models import Initiative, Status
from danvan.initiatives.tests.factories import make_campaign
from danvan.orgs.models import Role
from danvan.orgs.tests.factories import MembershipFactory, UserFactory
from tests.browser.test_journeys import browser, log_in, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

NAME = "Mô hình “Chính quyền thân thiện, Nhân dân hài lòng”"


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (155, 28, 28)).save(buffer, format="JPEG")
    return buffer.getvalue()


def as_user(browser, live_server, username, *, mobile=False):  # noqa: F811
    viewport = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
    context = browser.new_context(locale="en-US", viewport=viewport)
    # The interface is Vietnamese by default; this journey reads the English labels.
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.on("dialog", lambda dialog: dialog.accept())
    if username:
        log_in(tab, live_server, username)
    return context, tab


@pytest.mark.django_db(transaction=True)
def test_register_accept_progress_score_recognise_publish(
    browser,  # noqa: F811
    live_server,
    tree,
    commune_a_officer,
    province_reviewer,
):
    campaign = make_campaign(tree.province)
    members = []
    for username in ("hoidong.mot", "hoidong.hai"):
        member = UserFactory(username=username)
        MembershipFactory(user=member, unit=tree.province, role=Role.COUNCIL_MEMBER)
        members.append(member)
    council = services.create_council(
        actor=province_reviewer,
        campaign=campaign,
        level=campaign.levels.get(rank=1),
        unit=tree.province,
        name="Hội đồng thẩm định cấp cơ sở",
        members=members,
    )
    url = live_server.url

    # 1. The commune officer registers and submits a model.
    context, tab = as_user(browser, live_server, "commune_a_officer")
    tab.goto(f"{url}{reverse('initiatives:initiative_create', args=[campaign.pk])}")
    tab.select_option("#id_field", index=1)
    tab.fill("#id_name", NAME)
    tab.fill("#id_reason", "Người dân phản ánh thủ tục hành chính còn chậm.")
    tab.fill("#id_goals", "100% hồ sơ đúng hạn.")
    start = timezone.localdate() - dt.timedelta(days=250)
    tab.fill("#id_start_date", start.isoformat())
    tab.fill("#id_milestone_title_0", "Ra mắt tổ tiếp dân")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Save and submit").click()
    tab.wait_for_url(re.compile(r"/initiatives/\d+/$"))
    initiative = Initiative.objects.get(name=NAME)
    assert initiative.status == Status.REGISTERED
    assert "Registered" in tab.get_by_test_id("timeline").inner_text()
    context.close()

    # 2. The launching body's reviewer accepts it.
    context, tab = as_user(browser, live_server, "province_reviewer")
    tab.goto(f"{url}{initiative.get_absolute_url()}")
    with tab.expect_navigation():
        tab.locator("button[data-action=accept]").click()
    initiative.refresh_from_db()
    assert initiative.status == Status.ACCEPTED
    context.close()

    # 3. The officer posts progress with a photo for the showcase, then assesses it.
    context, tab = as_user(browser, live_server, "commune_a_officer")
    tab.goto(f"{url}{reverse('initiatives:initiative_progress', args=[initiative.pk])}")
    tab.fill("#id_text", "Tổ chức 4 buổi tiếp dân lưu động tại các khu phố.")
    tab.fill("#id_figure_label_0", "Hộ dân được hướng dẫn")
    tab.fill("#id_figure_value_0", "240")
    tab.set_input_files(
        "#id_files",
        files=[{"name": "tiep-dan.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}],
    )
    tab.check("#id_public_photos")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Save the progress").click()
    tab.wait_for_url(re.compile(rf"/initiatives/{initiative.pk}/"))
    progress = tab.get_by_test_id("progress-update").first
    assert "240" in progress.inner_text()
    assert progress.locator("img").count() == 1
    tab.locator("button[data-action=self_assess]").click()
    # Wait until Bootstrap has finished opening the panel: a click during the "collapsing"
    # transition was lost once on a loaded machine.
    tab.wait_for_selector("#move-self_assess.show")
    tab.fill("#reason-self_assess", "Mô hình đạt các tiêu chí, được Nhân dân đồng tình.")
    with tab.expect_navigation():
        tab.locator("#move-self_assess button").click()
    initiative.refresh_from_db()
    assert initiative.status == Status.SELF_ASSESSED
    context.close()

    # 4. The reviewer sends it to the council.
    context, tab = as_user(browser, live_server, "province_reviewer")
    tab.goto(f"{url}{council.get_absolute_url()}")
    tab.check(f"#candidate-{initiative.pk}")
    with tab.expect_navigation():
        tab.get_by_test_id("candidates").get_by_role("button", name="Send to the council").click()
    initiative.refresh_from_db()
    assert initiative.status == Status.UNDER_APPRAISAL
    assignment = initiative.assignments.get()
    context.close()

    # 5. Two members score it on a phone; each sees the other's scores only afterwards.
    for username, points in (("hoidong.mot", "0.9"), ("hoidong.hai", "0.8")):
        context, tab = as_user(browser, live_server, username, mobile=True)
        tab.goto(f"{url}{reverse('initiatives:council_score', args=[assignment.pk])}")
        inputs = tab.locator("input.js-points")
        assert inputs.count() == 7
        for index in range(inputs.count()):
            box = inputs.nth(index)
            box.fill(str(round(float(box.get_attribute("max")) * float(points), 2)))
        assert tab.get_by_test_id("running-total").inner_text() != "—"
        with tab.expect_navigation():
            tab.get_by_role("button", name="Submit (final)").click()
        assert tab.get_by_test_id("my-scores").is_visible()
        context.close()

    # 6. The council's decision recognises it.
    context, tab = as_user(browser, live_server, "province_reviewer")
    tab.goto(f"{url}{council.get_absolute_url()}")
    form = tab.get_by_test_id("decide-form")
    form.locator("#id_decision_number").fill("215/QĐ-BCĐ")
    form.locator("#id_decision_date").fill(timezone.localdate().isoformat())
    form.locator("#id_signer").fill("Nguyễn Văn Hòa")
    with tab.expect_navigation():
        form.get_by_role("button", name="Record the decision").click()
    assert "The decision is recorded." in tab.content()
    assert "215/QĐ-BCĐ" in tab.content()
    initiative.refresh_from_db()
    assert initiative.status == Status.RECOGNISED

    # 7. The reviewer publishes it with a story for citizens.
    tab.goto(f"{url}{initiative.get_absolute_url()}")
    publication = tab.get_by_test_id("publication")
    publication.locator("textarea").fill("Phường Nha Trang đưa cán bộ đến tận khu phố tiếp dân.")
    publication.locator("input[type=checkbox]").check()
    with tab.expect_navigation():
        publication.get_by_role("button", name="Save").click()
    initiative.refresh_from_db()
    assert initiative.is_published
    context.close()

    # 8. A citizen, not logged in, finds it on the showcase with its photo.
    context, tab = as_user(browser, live_server, None)
    tab.goto(f"{url}{reverse('portal:showcase')}?q=chinh quyen than thien")
    card = tab.get_by_role("link", name=re.compile("Chính quyền thân thiện")).first
    with tab.expect_navigation():
        card.click()
    assert "đến tận khu phố" in tab.content()
    image = tab.locator("img[src*='/showcase/photo/']").first
    image.wait_for()
    assert tab.evaluate("(img) => img.naturalWidth", image.element_handle()) > 0
    context.close()
