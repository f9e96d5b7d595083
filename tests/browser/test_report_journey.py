"""The periodic report cycle in Debian's Chromium, in the default language (Vietnamese).

The province officer opens a yearly period on the report form → two commune officers fill
in their drafts (one types a wrong figure first and keeps what was typed beside the error)
and submit → the province reviewer returns one with a comment on every section, the
commune corrects and submits again → the reviewer accepts both → the province's roll-up
shows the sum of the two communes → the reviewer builds the Word file in the background
and downloads it. A commune officer opening the other commune's report gets 404.

Elements are found by ids, names and ``data-testid``; the only text compared is data and
messages translated here the way the server translates them.
"""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document

from danvan.reports.models import Period, PeriodStatus, Report, ReportState
from danvan.reports.tests import factories as f
from tests.browser.test_journeys import browser, log_in, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

NAME = "Báo cáo công tác dân vận chính quyền năm — kiểm thử trình duyệt"
# people_contributions (an amount) and poor_households (a rate) per commune; A corrects its
# amount after the review.
A_FIRST, A_CORRECTED, B_AMOUNT = "1200", "1250", "345,5"
A_RATE, B_RATE = ("30", "1000"), ("20", "500")


def as_user(browser, live_server, username):  # noqa: F811
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.on("dialog", lambda dialog: dialog.accept())
    log_in(tab, live_server, username)
    return context, tab


def click_and_wait(tab, selector):
    with tab.expect_navigation():
        tab.locator(selector).click()


def open_own_report(tab, url, period):
    """From the list of periods, the link to the user's own unit's report."""
    tab.goto(f"{url}{reverse('reports:period_list')}")
    click_and_wait(tab, f"[data-testid=period-row][data-pk='{period.pk}'] [data-testid=own-report]")


def fill_figures(tab, amount, rate, money, share):
    tab.fill(f"#id_fig-{money.pk}-value", amount)
    tab.fill(f"#id_fig-{share.pk}-numerator", rate[0])
    tab.fill(f"#id_fig-{share.pk}-denominator", rate[1])


def state_of(tab) -> str:
    return tab.get_by_test_id("report-state").first.get_attribute("data-state")


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.mark.django_db(transaction=True)
def test_open_fill_return_correct_accept_roll_up_and_download_word(
    browser,  # noqa: F811
    live_server,
    settings,
    tmp_path,
    tree,
    province_officer,
    province_reviewer,
    commune_a_officer,
    commune_b_officer,
):
    settings.MEDIA_ROOT = tmp_path
    url = live_server.url
    money = f.indicator("people_contributions")
    share = f.indicator("poor_households")
    sections = [s["key"] for s in f.form_version().sections]

    # 1. The province officer creates the period on the form and opens it.
    context, tab = as_user(browser, live_server, "province_officer")
    tab.goto(f"{url}{reverse('reports:period_create')}")
    tab.select_option("#id_owner", value=str(tree.province.pk))
    tab.select_option("#id_form_version", value=str(f.form_version().pk))
    tab.fill("#id_name", NAME)
    click_and_wait(tab, "[data-testid=period-form] button[type=submit]")
    period = Period.objects.get(name=NAME)
    assert tab.url == f"{url}{period.get_absolute_url()}"
    assert period.status == PeriodStatus.DRAFT
    click_and_wait(tab, "[data-testid=open-period]")
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN
    # the province, its department and the two communes report (the party cell does not)
    assert tab.get_by_test_id("count-total").inner_text() == "4"
    rows = tab.locator("[data-testid=board-row]")
    units = {rows.nth(i).get_attribute("data-unit") for i in range(rows.count())}
    assert {str(tree.commune_a.pk), str(tree.commune_b.pk)} <= units
    context.close()
    report_a = f.report_of(period, tree.commune_a)
    report_b = f.report_of(period, tree.commune_b)

    # 2. Commune A types a wrong figure first: a field error in Vietnamese, the text kept.
    a_context, a_tab = as_user(browser, live_server, "commune_a_officer")
    open_own_report(a_tab, url, period)
    assert a_tab.url == f"{url}{report_a.get_absolute_url()}"
    assert state_of(a_tab) == ReportState.DRAFT
    click_and_wait(a_tab, "[data-testid=actions] [data-testid=edit]")
    # a computed rate with no data yet is blank (missing), not 0/0 (which cannot be saved)
    denominators = a_tab.locator("input[name$='-denominator']")
    assert "0" not in denominators.evaluate_all("inputs => inputs.map(i => i.value)")
    a_tab.fill("#id_section_results", "Tổ chức 12 buổi đối thoại với Nhân dân.")
    fill_figures(a_tab, "12a", A_RATE, money, share)
    click_and_wait(a_tab, "[data-testid=save-submit]")
    assert a_tab.locator("html").get_attribute("lang") == "vi"
    with translation.override("vi"):
        not_a_number = translation.gettext("Not a number.")
    row = a_tab.locator(f"[data-testid=figure-input][data-code={money.code}]")
    assert row.get_by_test_id("figure-error").inner_text().strip() == not_a_number
    assert "is-invalid" in a_tab.locator(f"#id_fig-{money.pk}-value").get_attribute("class")
    assert a_tab.input_value(f"#id_fig-{money.pk}-value") == "12a"
    assert a_tab.input_value(f"#id_fig-{share.pk}-numerator") == A_RATE[0]
    assert "12 buổi đối thoại" in a_tab.input_value("#id_section_results")
    report_a.refresh_from_db()
    assert report_a.state == ReportState.DRAFT
    a_tab.fill(f"#id_fig-{money.pk}-value", A_FIRST)
    click_and_wait(a_tab, "[data-testid=save-submit]")
    assert a_tab.url == f"{url}{report_a.get_absolute_url()}"
    assert state_of(a_tab) == ReportState.SUBMITTED

    # ... and commune B fills in and submits straight away.
    b_context, b_tab = as_user(browser, live_server, "commune_b_officer")
    open_own_report(b_tab, url, period)
    assert b_tab.url == f"{url}{report_b.get_absolute_url()}"
    click_and_wait(b_tab, "[data-testid=actions] [data-testid=edit]")
    fill_figures(b_tab, B_AMOUNT, B_RATE, money, share)
    click_and_wait(b_tab, "[data-testid=save-submit]")
    assert state_of(b_tab) == ReportState.SUBMITTED

    # 6. (early, while both are logged in) Neither sees the other commune's report.
    for tab_, other in ((b_tab, report_a), (a_tab, report_b)):
        for name in ("reports:report_detail", "reports:report_edit", "reports:report_rollup"):
            response = tab_.goto(f"{url}{reverse(name, args=[other.pk])}")
            assert response.status == 404
    assert "345,5" not in a_tab.content()

    # 3. The reviewer sees both submitted and returns A with a comment on every section.
    r_context, r_tab = as_user(browser, live_server, "province_reviewer")
    r_tab.goto(f"{url}{period.get_absolute_url()}")
    assert r_tab.get_by_test_id("count-submitted").inner_text() == "2"
    for report in (report_a, report_b):
        board_row = r_tab.locator(f"[data-testid=board-row][data-pk='{report.pk}']")
        assert board_row.get_by_test_id("report-state").get_attribute("data-state") == "submitted"
    click_and_wait(
        r_tab, f"[data-testid=board-row][data-pk='{report_a.pk}'] [data-testid=review-link]"
    )
    figures = r_tab.locator(f"[data-testid=figures] [data-testid=figure][data-code={money.code}]")
    assert figures.get_by_test_id("figure-value").inner_text() == money.format(Decimal(A_FIRST))
    for key in [*sections, "figures"]:
        r_tab.fill(f"#id_comment_{key}", f"Góp ý mục {key}: bổ sung, làm rõ.")
    click_and_wait(r_tab, "[data-testid=review-form] [data-testid=return]")
    assert state_of(r_tab) == ReportState.RETURNED

    # 4. Commune A sees the comments beside each section, corrects and submits again.
    open_own_report(a_tab, url, period)
    assert state_of(a_tab) == ReportState.RETURNED
    for key in sections:
        comment = a_tab.locator(
            f"[data-testid=section][data-key={key}] [data-testid=review-comment]"
        )
        assert f"Góp ý mục {key}" in comment.inner_text()
    click_and_wait(a_tab, "[data-testid=actions] [data-testid=edit]")
    for key in sections:
        box = a_tab.locator(f"[data-testid=section-input][data-key={key}]")
        assert f"Góp ý mục {key}" in box.get_by_test_id("review-comment").inner_text()
    figure_comment = a_tab.locator("[data-testid=review-comment][data-key=figures]")
    assert "Góp ý mục figures" in figure_comment.inner_text()
    assert a_tab.input_value(f"#id_fig-{money.pk}-value") == A_FIRST
    a_tab.fill(f"#id_fig-{money.pk}-value", A_CORRECTED)
    a_tab.fill("#id_section_results", "Tổ chức 12 buổi đối thoại; kinh phí Nhân dân đóng góp.")
    click_and_wait(a_tab, "[data-testid=save-submit]")
    assert state_of(a_tab) == ReportState.SUBMITTED
    a_context.close()
    b_context.close()

    # ... and the reviewer accepts both.
    for report in (report_a, report_b):
        r_tab.goto(f"{url}{report.get_absolute_url()}")
        click_and_wait(r_tab, "[data-testid=review-form] [data-testid=accept]")
        assert state_of(r_tab) == ReportState.ACCEPTED
    assert set(
        Report.objects.filter(pk__in=[report_a.pk, report_b.pk]).values_list("state", flat=True)
    ) == {ReportState.ACCEPTED}

    # 5. The province's roll-up adds the two communes up (the department has not reported).
    province_report = f.report_of(period, tree.province)
    open_own_report(r_tab, url, period)
    assert r_tab.url == f"{url}{province_report.get_absolute_url()}"
    click_and_wait(r_tab, "[data-testid=rollup-link]")
    total = Decimal(A_CORRECTED) + Decimal(B_AMOUNT.replace(",", "."))
    rolled = r_tab.locator(
        f"[data-testid=rollup-figures] [data-testid=figure][data-code={money.code}]"
    )
    assert rolled.get_by_test_id("value").inner_text() == money.format(total)
    completeness = rolled.get_by_test_id("figure-completeness")
    assert completeness.get_attribute("data-reporters") == "2"
    rate_row = r_tab.locator(
        f"[data-testid=rollup-figures] [data-testid=figure][data-code={share.code}]"
    )
    assert (
        rate_row.get_by_test_id("parts").inner_text() == "50/1.500"
    )  # Σ numerators / Σ denominators

    # ... and the reviewer builds the Word file in the background and downloads it.
    r_tab.goto(f"{url}{province_report.get_absolute_url()}")
    r_tab.get_by_test_id("generate-docx").click()
    download_link = r_tab.locator(
        f"#generations-{province_report.pk} [data-testid=generation-download]"
    ).first
    download_link.wait_for()
    with r_tab.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as handle:
        text = docx_text(handle.read())
    assert money.format(total) in text
    assert "khánh hòa" in text.casefold()
    r_context.close()


@pytest.mark.django_db(transaction=True)
def test_the_report_pages_fit_a_phone_without_scrolling_sideways(
    browser,  # noqa: F811
    live_server,
    tree,
    commune_a_officer,
):
    """Wide tables scroll inside their own box; the page itself never scrolls sideways."""
    from danvan.kpis.models import Target, TargetKind

    period = f.open_period(tree.province)
    report = f.accepted(
        f.report_of(period, tree.commune_a), {"letters_received": 3, "poor_households": (4, 100)}
    )
    Target.objects.create(
        indicator=f.indicator("poor_households"),
        unit=tree.province,
        applies_to_kind="commune",
        kind=TargetKind.HORIZON,
        year=2030,
        comparator="lte",
        value=Decimal(8),
    )
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    log_in(tab, live_server, "commune_a_officer")
    for path in (
        reverse("kpis:dashboard"),
        reverse("kpis:target_list"),
        reverse("kpis:indicator_list"),
        reverse("reports:period_list"),
        period.get_absolute_url(),
        reverse("reports:report_detail", args=[report.pk]),
    ):
        tab.goto(f"{live_server.url}{path}")
        tab.wait_for_load_state("networkidle")
        widths = tab.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], (path, widths)
    context.close()
