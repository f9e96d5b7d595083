"""The task form, the task page (roll-up, group lead, evidence), progress and cancellation."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from danvan.orgs.models import Role
from danvan.orgs.tests.factories import make_child, make_root
from danvan.plans import services
from danvan.plans.models import Attachment, ProgressUpdate, Task, TaskStatus
from danvan.plans.tests.factories import (
    days_ago,
    days_ahead,
    issued_plan_with_task,
    make_activity,
    make_plan,
    make_task,
    member,
    officer,
    small_tree,
    today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _png(name: str = "anh.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _form_data(**overrides) -> dict:
    data = {
        "title": "Tổ chức hội nghị lắng nghe ý kiến Nhân dân",
        "description": "",
        "lead_unit": "",
        "lead_label": "",
        "coordinating_label": "",
        "recurrence": "once",
        "due_on": days_ahead(20).isoformat(),
        "recur_day": "",
        "recur_month": "",
        "quarter_month": "",
        "recur_until": "",
    }
    data.update(overrides)
    return data


def _issue(plan):
    """Give a cascaded draft its number, signer and date, then issue it."""
    actor = officer(plan.unit)
    plan = services.update_plan(
        actor=actor,
        plan=plan,
        data={"number": "9", "signer_name": "Lê Thị C", "issued_on": today()},
        parent=plan.parent,
    )
    return services.issue_plan(actor=actor, plan=plan)


# ------------------------------------------------------------------ the task form


def test_the_form_adds_a_yearly_task_with_its_units(client):
    t = small_tree()
    plan = make_plan(t.province, issued_on=dt.date(2026, 1, 10))
    client.force_login(officer(t.province))
    response = client.post(
        reverse("plans:task_new", args=[plan.pk]),
        _form_data(
            lead_unit=t.department.pk,
            coordinating_units=[t.commune_a.pk, t.commune_b.pk],
            assignee="",
            recurrence="yearly",
            due_on="",
            recur_day="1",
            recur_month="11",
        ),
    )
    task = Task.objects.get(plan=plan)
    assert response.status_code == 302
    assert response["Location"] == task.get_absolute_url()
    assert (task.lead_unit, task.recurrence, task.recur_day, task.recur_month) == (
        t.department,
        "yearly",
        1,
        11,
    )
    assert set(task.coordinating_units.all()) == {t.commune_a, t.commune_b}
    assert task.current_due == dt.date(2026, 11, 1)


def test_the_form_offers_the_units_of_the_province_grouped_by_parent(client):
    t = small_tree()
    elsewhere = make_root(name="Tỉnh Khác", short_name="Khác", code="99")
    other_commune = make_child(elsewhere, name="Xã Ngoài Tỉnh")
    plan = make_plan(t.commune_a)
    client.force_login(officer(t.commune_a))
    response = client.get(reverse("plans:task_new", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    lead = re.search(r'<select name="lead_unit".*?</select>', html, re.S).group(0)
    assert f'<optgroup label="{t.province.name}">' in lead
    assert f'value="{t.commune_b.pk}"' in lead  # a sibling commune
    assert f'value="{t.cell_a.pk}"' in lead  # under the plan's unit
    assert f'value="{other_commune.pk}"' not in lead


def test_quarterly_and_each_commune_leads(client):
    t = small_tree()
    plan = make_plan(t.province, issued_on=dt.date(2026, 1, 10))
    client.force_login(officer(t.province))
    response = client.post(
        reverse("plans:task_new", args=[plan.pk]),
        _form_data(
            lead_kinds=["commune"],
            lead_label="UBND các xã",
            recurrence="quarterly",
            due_on="",
            recur_day="15",
            quarter_month="3",
            recur_month="7",  # left over from another choice: ignored
        ),
    )
    assert response.status_code == 302
    task = Task.objects.get(plan=plan)
    assert (task.lead_unit, task.lead_kinds, task.recur_month) == (None, "commune", 3)
    assert task.current_due == dt.date(2026, 3, 15)


def test_the_lead_cannot_coordinate_and_what_was_typed_stays(client):
    t = small_tree()
    plan = make_plan(t.province)
    client.force_login(officer(t.province))
    response = client.post(
        reverse("plans:task_new", args=[plan.pk]),
        _form_data(
            title="Nhiệm vụ gõ dở dang",
            lead_unit=t.commune_a.pk,
            coordinating_units=[t.commune_a.pk],
        ),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "coordinating_units" in form.errors
    assert "Nhiệm vụ gõ dở dang" in response.content.decode()
    assert form["lead_unit"].value() == str(t.commune_a.pk)
    assert not Task.objects.filter(plan=plan).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"recurrence": "yearly", "recur_day": "30", "recur_month": "2"}, "recur_day"),
        ({"recurrence": "quarterly", "recur_day": "15"}, "quarter_month"),
        ({"recurrence": "monthly", "recur_day": ""}, "recur_day"),
        ({"recurrence": "once", "due_on": ""}, "due_on"),
    ],
)
def test_bad_deadlines_are_shown_beside_their_field(client, fields, field):
    t = small_tree()
    plan = make_plan(t.province)
    client.force_login(officer(t.province))
    data = _form_data(lead_unit=t.commune_a.pk, title="Báo cáo định kỳ", **fields)
    response = client.post(reverse("plans:task_new", args=[plan.pk]), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert "is-invalid" in str(form[field])
    assert form["recurrence"].value() == fields["recurrence"]
    assert "Báo cáo định kỳ" in response.content.decode()
    assert not Task.objects.filter(plan=plan).exists()


def test_a_deadline_before_the_issue_date_and_a_rule_ending_too_soon(client):
    t = small_tree()
    plan = make_plan(t.province, issued_on=dt.date(2026, 11, 2))
    client.force_login(officer(t.province))
    url = reverse("plans:task_new", args=[plan.pk])
    early = client.post(url, _form_data(lead_unit=t.commune_a.pk, due_on="2026-11-01"))
    assert early.status_code == 400
    assert "due_on" in early.context["form"].errors
    never = client.post(
        url,
        _form_data(
            lead_unit=t.commune_a.pk,
            recurrence="yearly",
            due_on="",
            recur_day="1",
            recur_month="11",
            recur_until="2027-10-31",
        ),
    )
    assert never.status_code == 400
    assert "recur_until" in never.context["form"].errors
    assert never.context["form"]["recur_until"].value() == "2027-10-31"
    assert not Task.objects.filter(plan=plan).exists()


def test_the_preview_lists_the_next_deadlines_or_the_problem(client):
    t = small_tree()
    plan = make_plan(t.province, issued_on=dt.date(2026, 2, 1))
    client.force_login(officer(t.province))
    url = reverse("plans:task_new", args=[plan.pk])
    response = client.get(
        url,
        {"preview": "1", "recurrence": "quarterly", "recur_day": "31", "quarter_month": "1"},
        headers={"HX-Request": "true"},
    )
    dates = re.findall(r'data-testid="preview-date">([\d/]+)<', response.content.decode())
    assert dates == ["30/04/2026", "31/07/2026", "31/10/2026"]
    bad = client.get(
        url, {"preview": "1", "recurrence": "yearly", "recur_day": "30", "recur_month": "2"}
    )
    assert "preview-date" not in bad.content.decode()
    assert "30/02" in bad.content.decode()


def test_assignees_are_the_people_of_the_lead_unit(client):
    t = small_tree()
    plan = make_plan(t.province)
    commune_person = officer(t.commune_a)
    other_person = officer(t.commune_b)
    client.force_login(officer(t.province))
    url = reverse("plans:task_new", args=[plan.pk])
    response = client.get(url, {"assignees": "1", "lead_unit": t.commune_a.pk})
    html = response.content.decode()
    assert f'value="{commune_person.pk}"' in html
    assert f'value="{other_person.pk}"' not in html
    refused = client.post(url, _form_data(lead_unit=t.commune_a.pk, assignee=other_person.pk))
    assert refused.status_code == 400
    assert "assignee" in refused.context["form"].errors
    saved = client.post(url, _form_data(lead_unit=t.commune_a.pk, assignee=commune_person.pk))
    assert saved.status_code == 302
    assert Task.objects.get(plan=plan).assignee == commune_person


def test_editing_shows_the_saved_values_and_their_next_deadlines(client):
    t = small_tree()
    plan = make_plan(t.province, issued_on=dt.date(2026, 1, 5))
    task = make_task(
        plan,
        lead=t.commune_a,
        coordinators=(t.department,),
        due_on=None,
        recurrence="monthly",
        recur_day=31,
    )
    client.force_login(officer(t.province))
    response = client.get(reverse("plans:task_edit", args=[task.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["recurrence"].value() == "monthly"
    assert form["coordinating_units"].value() == [t.department.pk]
    assert [d.isoformat() for d in response.context["preview"]["dates"]] == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
    ]
    changed = client.post(
        reverse("plans:task_edit", args=[task.pk]),
        _form_data(title="Đổi tên", lead_unit=t.commune_b.pk, due_on=days_ahead(5).isoformat()),
    )
    assert changed.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.lead_unit, task.recurrence) == ("Đổi tên", t.commune_b, "once")
    assert not task.coordinating_units.exists()


def test_only_the_plans_unit_changes_its_draft_tasks(client):
    t = small_tree()
    draft = make_plan(t.province)
    task = make_task(draft, lead=t.commune_a)
    client.force_login(officer(t.commune_a))  # a draft is seen only over its own unit
    assert client.get(reverse("plans:task_new", args=[draft.pk])).status_code == 404
    assert client.get(reverse("plans:task_edit", args=[task.pk])).status_code == 404
    assert client.post(reverse("plans:task_delete", args=[task.pk])).status_code == 404
    client.force_login(member(t.province, Role.OBSERVER))
    assert client.get(reverse("plans:task_new", args=[draft.pk])).status_code == 403
    _plan, issued_task = issued_plan_with_task(t.province, t.commune_a)
    client.force_login(officer(t.province))
    cancel = reverse("plans:task_cancel", args=[task.pk])
    assert client.post(cancel, {"cancel-text": "x"}).status_code == 403  # a draft's: delete it
    assert client.get(reverse("plans:task_edit", args=[issued_task.pk])).status_code == 403
    assert client.post(reverse("plans:task_delete", args=[issued_task.pk])).status_code == 403
    assert Task.objects.filter(pk__in=[task.pk, issued_task.pk]).count() == 2


def test_a_draft_task_is_deleted(client):
    t = small_tree()
    plan = make_plan(t.province)
    task = make_task(plan, lead=t.commune_a)
    client.force_login(officer(t.province))
    page = client.get(task.get_absolute_url())
    assert 'data-testid="delete-task"' in page.content.decode()
    assert page.context["progress_form"] is None and page.context["cancel_form"] is None
    response = client.post(reverse("plans:task_delete", args=[task.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(plan.get_absolute_url())
    assert not Task.objects.filter(pk=task.pk).exists()


# ------------------------------------------------------------------ the task page


def test_another_commune_cannot_see_or_report_on_a_communes_task(client):
    t = small_tree()
    _plan, task = issued_plan_with_task(t.commune_a, t.cell_a)
    client.force_login(officer(t.commune_b))
    assert client.get(task.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("plans:task_progress", args=[task.pk]),
        {
            "progress": "50",
            "status": "in_progress",
            "reported_on": today().isoformat(),
            "text": "x",
        },
    )
    assert response.status_code in (403, 404)
    assert not ProgressUpdate.objects.filter(task=task).exists()
    cancel = client.post(reverse("plans:task_cancel", args=[task.pk]), {"cancel-text": "x"})
    assert cancel.status_code == 404
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.NOT_STARTED, 0)


def test_an_observer_sees_the_task_but_cannot_report(client):
    t = small_tree()
    _plan, task = issued_plan_with_task(t.province, t.commune_a)
    client.force_login(member(t.commune_a, Role.OBSERVER))
    page = client.get(task.get_absolute_url())
    assert page.status_code == 200
    assert page.context["progress_form"] is None
    assert 'data-testid="progress-form"' not in page.content.decode()
    response = client.post(
        reverse("plans:task_progress", args=[task.pk]),
        {
            "progress": "50",
            "status": "in_progress",
            "reported_on": today().isoformat(),
            "text": "x",
        },
    )
    assert response.status_code == 403
    assert not ProgressUpdate.objects.filter(task=task).exists()


def test_progress_with_a_photo_is_stored_and_the_lead_unit_downloads_it(client):
    t = small_tree()
    # A department's plan naming commune A: commune B does not see it.
    _plan, task = issued_plan_with_task(t.department, t.commune_a)
    client.force_login(officer(t.commune_a))
    response = client.post(
        reverse("plans:task_progress", args=[task.pk]),
        {
            "progress": "60",
            "status": "in_progress",
            "reported_on": today().isoformat(),
            "text": "Đã tổ chức 3 buổi tại các thôn",
            "files": [_png("hoi-nghi.png")],
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(task=task)
    assert (update.progress, update.created_by) == (60, officer(t.commune_a))
    attachment = update.evidence.get()
    assert (attachment.content_type, attachment.original_name) == ("image/png", "hoi-nghi.png")
    page = client.get(task.get_absolute_url())
    html = page.content.decode()
    link = reverse("plans:attachment_download", args=[attachment.token])
    assert link in html
    assert "Đã tổ chức 3 buổi tại các thôn" in html
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    client.force_login(officer(t.commune_b))
    assert client.get(link).status_code == 404


def test_a_bad_file_saves_nothing_and_keeps_the_text(client):
    t = small_tree()
    _plan, task = issued_plan_with_task(t.province, t.commune_a)
    client.force_login(officer(t.commune_a))
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    response = client.post(
        reverse("plans:task_progress", args=[task.pk]),
        {
            "progress": "30",
            "status": "in_progress",
            "reported_on": today().isoformat(),
            "text": "Nội dung đã gõ không được mất",
            "files": [_png(), fake],
        },
    )
    assert response.status_code == 400
    assert "files" in response.context["form"].errors
    assert "Nội dung đã gõ không được mất" in response.content.decode()
    assert not ProgressUpdate.objects.filter(task=task).exists()
    assert not Attachment.objects.exists()
    task.refresh_from_db()
    assert task.progress == 0


def test_done_means_one_hundred_percent(client):
    t = small_tree()
    _plan, task = issued_plan_with_task(t.province, t.commune_a)
    client.force_login(officer(t.commune_a))
    response = client.post(
        reverse("plans:task_progress", args=[task.pk]),
        {"progress": "40", "status": "done", "reported_on": today().isoformat(), "text": "Xong"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.progress, task.completed_on) == (TaskStatus.DONE, 100, today())
    page = client.get(task.get_absolute_url())
    assert page.context["progress_form"] is None  # a closed task takes no more progress


def test_a_recurring_period_reported_done_moves_the_next_deadline(client):
    t = small_tree()
    plan = make_plan(t.province, issued_on=days_ago(40))
    # Monthly by the 15th: the first deadline is the first 15th after the issue date.
    task = make_task(plan, lead=t.commune_a, due_on=None, recurrence="monthly", recur_day=15)
    services.issue_plan(actor=officer(t.province), plan=plan)
    task.refresh_from_db()
    due = task.current_due
    client.force_login(officer(t.commune_a))
    page = client.get(task.get_absolute_url())
    assert due.strftime("%d/%m/%Y") in page.content.decode()
    assert "completes_period" in page.context["progress_form"].fields
    response = client.post(
        reverse("plans:task_progress", args=[task.pk]),
        {
            "progress": "100",
            "status": "in_progress",
            "reported_on": today().isoformat(),
            "text": "Đã gửi báo cáo tháng",
            "completes_period": "on",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.period_done_through == due
    assert task.current_due.day == 15
    assert 27 <= (task.current_due - due).days <= 31  # the next month's 15th
    assert task.status == TaskStatus.IN_PROGRESS
    assert ProgressUpdate.objects.get(task=task).period_due == due


def test_the_deadline_badge_is_amber_within_five_days_and_red_when_overdue(client):
    t = small_tree()
    _p, soon = issued_plan_with_task(t.province, t.commune_a, due_on=days_ahead(4))
    _p, late = issued_plan_with_task(t.province, t.commune_a, due_on=days_ago(2))
    _p, later = issued_plan_with_task(t.province, t.commune_a, due_on=days_ahead(12))
    client.force_login(officer(t.commune_a))
    assert 'data-testid="due-soon"' in client.get(soon.get_absolute_url()).content.decode()
    assert 'data-testid="overdue"' in client.get(late.get_absolute_url()).content.decode()
    html = client.get(later.get_absolute_url()).content.decode()
    assert 'data-testid="overdue"' not in html and 'data-testid="due-soon"' not in html


def test_the_roll_up_shows_each_implementing_unit(client):
    t = small_tree()
    plan = make_plan(t.province)
    task = make_task(plan, lead=t.commune_a, coordinators=(t.commune_b,), title="Hội nghị")
    services.issue_plan(actor=officer(t.province), plan=plan)
    child_a = _issue(services.cascade(actor=officer(t.commune_a), parent=plan, unit=t.commune_a))
    child_b = _issue(services.cascade(actor=officer(t.commune_b), parent=plan, unit=t.commune_b))
    copy_a = child_a.tasks.get()
    copy_b = child_b.tasks.get()
    services.record_progress(
        actor=officer(t.commune_a),
        task=copy_a,
        data={"progress": 80, "status": "in_progress", "text": "Đã họp"},
    )
    services.record_progress(
        actor=officer(t.commune_b),
        task=copy_b,
        data={"progress": 0, "status": "done", "text": "Xong"},
    )
    client.force_login(officer(t.province))
    page = client.get(task.get_absolute_url())
    rollup = page.context["rollup"]
    assert (rollup.children, rollup.done, rollup.mean) == (2, 1, 90)
    html = page.content.decode()
    assert 'data-testid="rollup-progress" data-value="90"' in html
    assert html.count('data-testid="child-link"') == 2
    # Commune A sees the province task, but not commune B's plan: only B's name, no link.
    client.force_login(officer(t.commune_a))
    html = client.get(task.get_absolute_url()).content.decode()
    assert html.count('data-testid="child-row"') == 2
    assert copy_a.get_absolute_url() in html
    assert copy_b.get_absolute_url() not in html
    assert t.commune_b.name in html


def test_a_task_each_commune_leads_lists_the_communes_not_started(client):
    t = small_tree()
    third = make_child(t.province, name="Xã Thứ Ba")
    plan = make_plan(t.province)
    task = make_task(plan, lead=None, lead_kinds="commune", lead_label="UBND các xã")
    services.issue_plan(actor=officer(t.province), plan=plan)
    services.cascade(actor=officer(t.commune_a), parent=plan, unit=t.commune_a)
    client.force_login(officer(t.province))
    page = client.get(task.get_absolute_url())
    missing = page.context["missing"]
    assert missing["count"] == 2
    assert {u.pk for u in missing["units"]} == {t.commune_b.pk, third.pk}
    html = page.content.decode()
    assert f'data-testid="missing-unit" data-pk="{t.commune_a.pk}"' not in html
    assert f'data-testid="missing-unit" data-pk="{third.pk}"' in html


def test_the_task_page_queries_stay_constant_with_more_implementing_units(
    client, django_assert_max_num_queries
):
    t = small_tree()
    plan = make_plan(t.province)
    task = make_task(plan, lead=None, lead_kinds="commune")
    services.issue_plan(actor=officer(t.province), plan=plan)
    communes = [t.commune_a, t.commune_b]

    def implement(unit):
        child = services.cascade(actor=officer(unit), parent=plan, unit=unit)
        _issue(child)
        copy = child.tasks.get()
        services.record_progress(
            actor=officer(unit),
            task=copy,
            data={"progress": 20, "status": "in_progress", "text": "Đang làm"},
            files=[_png()],
        )

    for unit in communes:
        implement(unit)
    client.force_login(officer(t.province))
    url = task.get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(18):
        implement(make_child(t.province, name=f"Xã Mới {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["rollup"].children == 20


def test_the_task_page_lists_its_activities_and_links_to_record_one(client):
    t = small_tree()
    plan, task = issued_plan_with_task(t.province, t.commune_a)
    make_activity(t.commune_a, title="Sinh hoạt chuyên đề tháng 10", plan=plan, task=task)
    hidden = make_activity(t.commune_b, title="Hoạt động của xã khác", plan=plan, task=task)
    client.force_login(officer(t.commune_a))
    page = client.get(task.get_absolute_url())
    html = page.content.decode()
    assert "Sinh hoạt chuyên đề tháng 10" in html
    assert hidden.title not in html
    assert f"{reverse('plans:activity_new')}?task={task.pk}" in html


def test_cancelling_needs_a_reason_and_the_plans_unit(client):
    t = small_tree()
    _plan, task = issued_plan_with_task(t.province, t.commune_a)
    url = reverse("plans:task_cancel", args=[task.pk])
    client.force_login(officer(t.commune_a))  # leads it, but does not own the plan
    assert client.post(url, {"cancel-text": "Không cần nữa"}).status_code == 403
    client.force_login(officer(t.province))
    empty = client.post(url, {"cancel-text": "  "})
    assert empty.status_code == 400
    assert "text" in empty.context["cancel_form"].errors
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED
    done = client.post(url, {"cancel-text": "Đã lồng ghép vào nhiệm vụ khác"})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    assert ProgressUpdate.objects.get(task=task).text == "Đã lồng ghép vào nhiệm vụ khác"


def test_english_labels_on_the_task_page(client):
    t = small_tree()
    _plan, task = issued_plan_with_task(
        t.province, t.commune_a, coordinators=(t.department,), due_on=days_ahead(30)
    )
    client.cookies["django_language"] = "en"
    client.force_login(officer(t.commune_a))
    html = client.get(task.get_absolute_url()).content.decode()
    assert "Report progress" in html
    assert f"By {days_ahead(30):%d/%m/%Y}" in html
    assert t.department.name in html
