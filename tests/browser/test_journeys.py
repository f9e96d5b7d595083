"""Browser journeys: Playwright driving Debian's Chromium (never a downloaded browser)."""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures
# and assertions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: `make test` installs it")
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)  # a loaded 2-core CI machine with PostgreSQL needs it
    yield page
    context.close()


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_commune_officer_sees_own_dashboard_and_not_another_commune(
    page, live_server, tree, commune_a_officer, commune_b_officer
):
    log_in(page, live_server, "commune_a_officer")
    # Vietnamese, although the browser asks for English.
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.url.rstrip("/") == live_server.url
    assert page.locator("h1").inner_text() == "Phường Nha Trang"
    assert page.get_by_role("link", name="Tổng quan").first.is_visible()

    response = page.goto(
        f"{live_server.url}{reverse('orgs:unit_members', args=[tree.commune_b.pk])}"
    )
    assert response.status == 404
    assert "commune_b_officer" not in page.content()

    response = page.goto(
        f"{live_server.url}{reverse('orgs:unit_members', args=[tree.commune_a.pk])}"
    )
    assert response.status == 200
    assert page.get_by_test_id("members-table").get_by_text("commune_a_officer").is_visible()


@pytest.mark.django_db(transaction=True)
def test_live_search_finds_provinces_typed_without_accents(
    page, live_server, tree, province_officer
):
    from danvan.orgs.tests.factories import make_root

    make_root(code="66", name="Tỉnh Đắk Lắk", short_name="Đắk Lắk")
    log_in(page, live_server, "province_officer")
    page.goto(f"{live_server.url}{reverse('orgs:unit_list')}")
    page.evaluate("window.__same_document = true")
    results = page.locator("#unit-results")

    page.fill("#id_q", "dak lak")
    page.wait_for_url(re.compile(r"q=dak(\+|%20)lak"))
    results.get_by_role("link", name="Tỉnh Đắk Lắk").wait_for()
    assert results.get_by_role("link", name="Tỉnh Khánh Hòa").count() == 0

    page.fill("#id_q", "khanh hoa")
    page.wait_for_url(re.compile(r"q=khanh(\+|%20)hoa"))
    results.get_by_role("link", name="Tỉnh Khánh Hòa").wait_for()
    assert results.get_by_role("link", name="Tỉnh Đắk Lắk").count() == 0
    # htmx swapped the results in place: the page was never reloaded.
    assert page.evaluate("window.__same_document") is True

    results.get_by_role("link", name="Tỉnh Khánh Hòa").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Tỉnh Khánh Hòa"
    assert "Tỉnh Ninh Thuận" in page.get_by_test_id("unit-history").inner_text()


@pytest.mark.django_db(transaction=True)
def test_working_unit_switcher_changes_the_dashboard(page, live_server, tree, commune_a_officer):
    from danvan.orgs.models import Membership, Role

    Membership.objects.create(user=commune_a_officer, unit=tree.commune_b, role=Role.OBSERVER)
    log_in(page, live_server, "commune_a_officer")
    assert page.locator("h1").inner_text() == "Phường Nha Trang"
    with page.expect_navigation():
        page.select_option("#working-unit", str(tree.commune_b.pk))
    assert page.locator("h1").inner_text() == "Phường Phan Rang"
