"""A plan from the province down to a commune, in Debian's Chromium.

A province officer drafts a plan, gives a task to Phường Nha Trang and issues it → the
commune officer finds the task in the unit's inbox, builds the commune's implementing plan
in one step, records progress on the task and a training it held → the province officer
sees the task's progress and the coverage of "every commune holds a training" rise.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.plans import services
from danvan.plans.models import ActivityType, Plan, PlanStatus, Task, TaskStatus
from tests.browser.test_initiative_journey import as_user
from tests.browser.test_journeys import browser, log_in, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

TITLE = "Thực hiện công tác dân vận chính quyền năm 2026 trên địa bàn tỉnh"
TASK = "Tổ chức tập huấn kỹ năng dân vận cho cán bộ khu phố"


@pytest.mark.django_db(transaction=True)
def test_province_issues_commune_implements_reports_and_coverage_rises(
    browser,  # noqa: F811
    live_server,
    tree,
    province_officer,
    commune_a_officer,
    tmp_path,
    settings,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    url = live_server.url
    requirement = services.save_requirement(
        actor=province_officer,
        unit=tree.province,
        data={
            "title": "100% xã, phường tập huấn kỹ năng dân vận",
            "unit_kind": "commune",
            "activity_type": ActivityType.objects.get(code="training"),
            "starts_on": today - dt.timedelta(days=10),
            "ends_on": today + dt.timedelta(days=20),
        },
    )

    # 1. The province officer drafts the plan, adds a task for Nha Trang and issues it.
    province, tab = as_user(browser, live_server, "province_officer")
    tab.goto(f"{url}{reverse('plans:plan_new')}")
    tab.fill("#id_number", "112")
    tab.fill("#id_issued_on", (today - dt.timedelta(days=1)).isoformat())
    tab.fill("#id_title", TITLE)
    tab.fill("#id_signer_name", "Trần Hòa Nam")
    with tab.expect_navigation():
        tab.get_by_test_id("plan-form").locator("button[type=submit]").click()
    plan = Plan.objects.get(title=TITLE)
    assert tab.url.endswith(plan.get_absolute_url())

    tab.goto(f"{url}{reverse('plans:task_new', args=[plan.pk])}")
    tab.fill("#id_title", TASK)
    tab.select_option("#id_lead_unit", str(tree.commune_a.pk))
    tab.check("input[name=recurrence][value=once]")
    tab.fill("#id_due_on", (today + dt.timedelta(days=30)).isoformat())
    with tab.expect_navigation():
        tab.get_by_test_id("task-form").locator("button[type=submit]").first.click()
    task = Task.objects.get(title=TASK)
    tab.goto(f"{url}{plan.get_absolute_url()}")
    with tab.expect_navigation():
        tab.get_by_test_id("issue-plan").click()
    assert tab.get_by_test_id("plan-status").get_attribute("data-status") == "issued"

    # 2. The commune officer finds it in the unit's tasks and implements the plan.
    commune, ctab = as_user(browser, live_server, "commune_a_officer")
    ctab.goto(f"{url}{reverse('plans:inbox')}?unit={tree.commune_a.pk}")
    assert TASK in ctab.content()
    ctab.goto(f"{url}{plan.get_absolute_url()}")
    with ctab.expect_navigation():
        ctab.get_by_test_id("cascade").click()
    assert TASK in ctab.get_by_test_id("cascade-tasks").inner_text()
    with ctab.expect_navigation():
        ctab.get_by_test_id("cascade-submit").click()
    child = Plan.objects.get(parent=plan, unit=tree.commune_a)
    assert child.status == PlanStatus.DRAFT
    assert child.tasks.get().parent_task == task

    # 3. It records progress on the province's task, then the training it held.
    ctab.goto(f"{url}{task.get_absolute_url()}")
    form = ctab.get_by_test_id("progress-form")
    form.locator("#id_progress").fill("60")
    form.locator("select[name=status]").select_option("in_progress")
    form.locator("textarea[name=text]").fill("Đã tập huấn cho 3 khu phố.")
    with ctab.expect_navigation():
        form.locator("button").last.click()
    task.refresh_from_db()
    assert (task.progress, task.status) == (60, TaskStatus.IN_PROGRESS)

    ctab.goto(f"{url}{reverse('plans:activity_new')}?unit={tree.commune_a.pk}&type=training")
    ctab.fill("#id_title", "Tập huấn kỹ năng dân vận")
    ctab.fill("#id_held_on", today.isoformat())
    ctab.fill("#id_participant_count", "45")
    with ctab.expect_navigation():
        ctab.locator("form button[type=submit]").last.click()
    assert "/plans/activities/" in ctab.url

    # 4. The province sees the progress and the coverage rise from 0 to 1 of 2 communes.
    tab.goto(f"{url}{plan.get_absolute_url()}")
    assert "60" in tab.locator("#tasks").inner_text() or "60%" in tab.content()
    tab.goto(f"{url}{requirement.get_absolute_url()}")
    content = tab.content()
    assert "50" in content and tree.commune_b.name in content
    province.close()
    commune.close()
