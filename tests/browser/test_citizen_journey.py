"""A citizen's feedback from the public portal to its answer, in Debian's Chromium.

A citizen sends feedback on the portal (province, then its commune loaded by htmx, a photo)
and gets a tracking code → a commune officer logs in, opens the letter, accepts it and sees
the legal deadline → resolves it with an answer → the citizen looks the code up (typed in
lower case, without the dash) and reads the answer, and nothing of anyone's identity.
"""

import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image

from danvan.orgs.models import Role
from danvan.orgs.tests.factories import MembershipFactory, UserFactory
from danvan.petitions.models import Channel, Letter, LetterStatus
from tests.browser.test_initiative_journey import as_user
from tests.browser.test_journeys import browser, log_in, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

TITLE = "Đèn chiếu sáng đường Trần Phú bị hỏng"
CONTENT = "Ba cột đèn trước số 12 đến số 20 đường Trần Phú tắt từ đầu tháng, buổi tối rất tối."
ANSWER = "Phường đã thay bóng đèn ngày hôm nay; cảm ơn ông đã phản ánh."


def photo(tmp_path):
    path = tmp_path / "den-hong.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (30, 30, 30)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.django_db(transaction=True)
def test_citizen_sends_feedback_officer_accepts_and_resolves_citizen_reads_the_answer(
    browser,  # noqa: F811
    live_server,
    tree,
    commune_a_officer,
    tmp_path,
    settings,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # the rate limits count per address; the live server's is 127.0.0.1
    leader = UserFactory(username="chu_tich_nha_trang")
    MembershipFactory(user=leader, unit=tree.commune_a, role=Role.LEADER)
    url = live_server.url

    # 1. The citizen fills the public form, without logging in.
    citizen, tab = as_user(browser, live_server, None)
    citizen.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    tab.goto(f"{url}{reverse('public:submit')}")
    assert tab.get_by_test_id("complaints-notice").is_visible()
    assert tab.locator("input[name=kind][value=complaint]").count() == 0
    # The honeypot is in the page but off the screen: no person sees or fills it.
    box = tab.locator("#id_website").bounding_box()
    assert box is None or box["x"] + box["width"] <= 0
    tab.check("#id_kind_feedback")
    tab.select_option("#id_province", str(tree.province.pk))
    # htmx fills the commune list of the chosen province.
    tab.locator(f"#id_commune option[value='{tree.commune_a.pk}']").wait_for(state="attached")
    tab.select_option("#id_commune", str(tree.commune_a.pk))
    tab.select_option("#id_subject_area", "construction")
    tab.fill("#id_title", TITLE)
    tab.fill("#id_content", CONTENT)
    tab.fill("#id_citizen_name", "Hoàng Văn Dân")
    tab.fill("#id_citizen_phone", "0914 555 666")
    tab.fill("#id_citizen_address", "Số 15 đường Trần Phú, phường Nha Trang")
    tab.set_input_files("#id_attachments", str(photo(tmp_path)))
    tab.check("#id_consent")
    tab.wait_for_timeout(3200)  # a person takes more than 3 s; a faster post is a bot's
    with tab.expect_navigation():
        tab.get_by_test_id("send").click()
    assert re.search(r"/public/submitted/[A-Z0-9]{5}-[A-Z0-9]{5}/$", tab.url), tab.url
    code = tab.get_by_test_id("tracking-code").inner_text().strip()
    assert tab.get_by_test_id("kind").inner_text() == "Feedback"
    assert "Hoàng Văn Dân" not in tab.content()
    tab.locator("#copy-code").click()
    tab.get_by_text("Copied").wait_for()
    assert tab.evaluate("navigator.clipboard.readText()") == code
    track_link = tab.get_by_test_id("track-link").get_attribute("href")
    assert track_link.endswith(f"{reverse('public:track')}?code={code}")

    letter = Letter.objects.get(code=code)
    assert letter.channel == Channel.PORTAL
    assert letter.unit == tree.commune_a
    assert letter.documents.count() == 1
    assert leader.notifications.filter(text__contains=code).exists()

    # Before anyone acts, the citizen sees the acceptance deadline.
    tab.goto(track_link)
    assert tab.get_by_test_id("status").inner_text() == "Received, awaiting acceptance"
    assert f"{letter.acceptance_due:%d/%m/%Y}" in tab.get_by_test_id("due-text").inner_text()

    # 2. A commune officer opens the letter from the list and accepts it.
    officer, desk = as_user(browser, live_server, "commune_a_officer")
    desk.goto(f"{url}{reverse('petitions:letter_list')}")
    with desk.expect_navigation():
        desk.get_by_test_id("letter-row").filter(has_text=code).get_by_role(
            "link", name=code
        ).click()
    assert desk.get_by_test_id("code").inner_text() == code
    desk.locator("[data-testid=steps] [data-action=accept]").click()
    form = desk.get_by_test_id("action-form")
    form.wait_for()
    with desk.expect_navigation():
        form.get_by_test_id("action-submit").click()
    assert desk.get_by_test_id("status").get_attribute("data-status") == "accepted"
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ACCEPTED
    resolution = desk.locator("[data-testid=deadline][data-step=resolution]")
    assert f"{letter.resolution_due:%d/%m/%Y}" in resolution.inner_text()

    # 3. The officer resolves it with an answer for the citizen.
    desk.locator("[data-testid=steps] [data-action=resolve]").click()
    form = desk.get_by_test_id("action-form")
    form.wait_for()
    form.locator("select[name=outcome]").select_option("answered")
    form.locator("textarea[name=answer]").fill(ANSWER)
    with desk.expect_navigation():
        form.get_by_test_id("action-submit").click()
    assert desk.get_by_test_id("status").get_attribute("data-status") == "resolved"
    officer.close()

    # 4. The citizen looks the code up, typed carelessly, and reads the answer.
    tab.goto(f"{url}{reverse('public:track')}")
    tab.fill("#id_code", code.lower().replace("-", " "))
    with tab.expect_navigation():
        tab.get_by_test_id("track-button").click()
    assert tab.get_by_test_id("status").inner_text() == "Resolved"
    assert ANSWER in tab.get_by_test_id("answer").inner_text()
    steps = tab.get_by_test_id("steps")
    for action in ("received", "accepted", "resolved"):
        assert steps.get_by_test_id(f"step-{action}").count() == 1
    page_text = tab.content()
    for private in ("Hoàng Văn Dân", "0914555666", "Trần Phú, phường", "commune_a_officer"):
        assert private not in page_text
    assert str(commune_a_officer) not in page_text
    citizen.close()
