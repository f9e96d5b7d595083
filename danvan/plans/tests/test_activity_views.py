"""Activity pages and activity types: what each user may see and do through the screens."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from PIL import Image

from danvan.orgs.models import Role
from danvan.plans import services
from danvan.plans.models import Activity, ActivityType, Attachment
from danvan.plans.tests.factories import (
    activity_type,
    days_ago,
    days_ahead,
    issued_plan_with_task,
    make_activity,
    make_plan,
    member,
    officer,
    small_tree,
    today,
)

pytestmark = pytest.mark.django_db

LIST = reverse("plans:activity_list")
XLSX = reverse("plans:activity_list_xlsx")
NEW = reverse("plans:activity_new")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def t():
    return small_tree()


def jpeg(name: str = "sinh-hoat.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def activity_data(unit, **overrides) -> dict:
    data = {
        "unit": unit.pk,
        "activity_type": activity_type("themed-meeting").pk,
        "title": "Sinh hoạt chuyên đề “Dân vận khéo” tháng 10",
        "held_on": days_ago(2).isoformat(),
        "place": "Nhà văn hóa thôn 1",
        "participants": "Đảng viên chi bộ thôn 1",
        "participant_count": "23",
        "description": "Học tập chuyên đề, thảo luận cách vận động Nhân dân.",
    }
    data.update(overrides)
    return data


def xlsx_titles(response) -> list[str]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    column = headers.index(headers[3])  # the title column
    return [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]


def row_pks(response) -> set[int]:
    return {a.pk for a in response.context["page"].object_list}


# ---------------------------------------------------------------- record, see, edit


def test_a_commune_officer_records_a_themed_meeting_with_a_photo(client, t):
    client.force_login(officer(t.commune_a))
    form = client.get(NEW)
    assert form.status_code == 200
    offered = set(form.context["form"].fields["unit"].queryset)
    assert {t.commune_a, t.cell_a} <= offered
    assert t.commune_b not in offered and t.province not in offered

    response = client.post(NEW, {**activity_data(t.cell_a), "files": [jpeg()]})
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response.url == activity.get_absolute_url()
    assert activity.unit == t.cell_a
    assert activity.participant_count == 23
    assert activity.created_by == officer(t.commune_a)
    (photo,) = activity.evidence.all()
    assert photo.content_type == "image/jpeg"
    assert photo.original_name == "sinh-hoat.jpg"

    page = client.get(activity.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("plans:attachment_download", args=[photo.token]) in html
    assert 'data-testid="edit-activity"' in html
    assert reverse("core:object_history", args=["plans.activity", activity.pk]) in html


def test_another_communes_officer_can_neither_see_nor_change_it(client, t):
    mine = make_activity(t.cell_a, title="Sinh hoạt chuyên đề chi bộ thôn 1")
    theirs = make_activity(t.cell_b, title="Sinh hoạt chuyên đề chi bộ thôn 2")
    client.force_login(officer(t.commune_b))

    assert row_pks(client.get(LIST)) == {theirs.pk}
    assert client.get(mine.get_absolute_url()).status_code == 404
    history = reverse("core:object_history", args=["plans.activity", mine.pk])
    assert client.get(history).status_code == 404
    edit = reverse("plans:activity_edit", args=[mine.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, activity_data(t.cell_a, title="Đã sửa")).status_code == 404
    assert xlsx_titles(client.get(XLSX)) == ["Sinh hoạt chuyên đề chi bộ thôn 2"]
    # Filtering on commune A's subtree finds nothing, rather than commune A's activity.
    assert row_pks(client.get(LIST, {"unit": t.commune_a.pk})) == set()

    # Nor can they record one in commune A's name.
    response = client.post(NEW, activity_data(t.cell_a, title="Ghi hộ"))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    mine.refresh_from_db()
    assert mine.title == "Sinh hoạt chuyên đề chi bộ thôn 1"
    assert not Activity.objects.filter(title="Ghi hộ").exists()

    # The province sees both.
    client.force_login(officer(t.province))
    assert row_pks(client.get(LIST)) == {mine.pk, theirs.pk}


def test_a_read_only_member_sees_it_but_may_not_edit(client, t):
    activity = make_activity(t.cell_a)
    client.force_login(member(t.commune_a, Role.OBSERVER))
    page = client.get(activity.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="edit-activity"' not in page.content.decode()
    assert client.get(reverse("plans:activity_edit", args=[activity.pk])).status_code == 403
    assert client.get(NEW).status_code == 403


def test_the_officer_edits_the_activity(client, t):
    activity = make_activity(t.cell_a, participant_count=10)
    client.force_login(officer(t.commune_a))
    edit = reverse("plans:activity_edit", args=[activity.pk])
    form = client.get(edit)
    assert form.status_code == 200
    assert "unit" not in form.context["form"].fields  # the unit stays
    response = client.post(
        edit, activity_data(t.cell_a, title="Đã sửa tiêu đề", participant_count="31")
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.participant_count, activity.unit) == (
        "Đã sửa tiêu đề",
        31,
        t.cell_a,
    )


def test_a_future_date_is_refused_and_what_was_typed_is_kept(client, t):
    client.force_login(officer(t.commune_a))
    response = client.post(NEW, activity_data(t.cell_a, held_on=days_ahead(3).isoformat()))
    assert response.status_code == 200
    form = response.context["form"]
    assert "held_on" in form.errors
    assert form["title"].value() == "Sinh hoạt chuyên đề “Dân vận khéo” tháng 10"
    assert "Nhà văn hóa thôn 1" in response.content.decode()
    assert not Activity.objects.exists()


def test_a_bad_file_keeps_what_was_typed_and_saves_nothing(client, t, media):
    client.force_login(officer(t.commune_a))
    fake = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not a photo at all", "image/jpeg")
    response = client.post(NEW, {**activity_data(t.cell_a), "files": [jpeg(), fake]})
    assert response.status_code == 200
    form = response.context["form"]
    assert "files" in form.errors
    assert form["place"].value() == "Nhà văn hóa thôn 1"
    assert not Activity.objects.exists()
    assert not Attachment.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []  # no file left on disk


def test_a_twinning_needs_partner_units_other_than_itself(client, t):
    twinning = activity_type("twinning")
    client.force_login(officer(t.province))
    data = activity_data(
        t.commune_a,
        activity_type=twinning.pk,
        title="Kết nghĩa xã An Bình với xã Bình Minh",
    )
    refused = client.post(NEW, data)
    assert refused.status_code == 200
    assert "partner_units" in refused.context["form"].errors

    itself = client.post(NEW, {**data, "partner_units": [t.commune_a.pk]})
    assert itself.status_code == 200
    assert "partner_units" in itself.context["form"].errors
    assert not Activity.objects.exists()

    saved = client.post(NEW, {**data, "partner_units": [t.commune_b.pk]})
    assert saved.status_code == 302
    activity = Activity.objects.get()
    assert list(activity.partner_units.all()) == [t.commune_b]
    page = client.get(activity.get_absolute_url())
    assert [u.pk for u in page.context["partners"]] == [t.commune_b.pk]


def test_a_coordination_programme_keeps_its_period_and_commitments(client, t):
    programme = activity_type("coordination-programme")
    client.force_login(officer(t.province))
    response = client.post(
        NEW,
        activity_data(
            t.commune_a,
            activity_type=programme.pk,
            title="Chương trình phối hợp giữa UBND xã và Ban Dân vận Đảng ủy",
            ends_on=dt.date(today().year + 2, 12, 31).isoformat(),
            commitments="Phối hợp tuyên truyền, vận động Nhân dân.",
            partner_units=[t.department.pk],
        ),
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.ends_on == dt.date(today().year + 2, 12, 31)
    assert activity.commitments == "Phối hợp tuyên truyền, vận động Nhân dân."
    # A type without a period drops the period fields the page hid.
    client.post(
        reverse("plans:activity_edit", args=[activity.pk]),
        activity_data(
            t.commune_a,
            ends_on=dt.date(today().year + 2, 12, 31).isoformat(),
            commitments="x",
            partner_units=[t.department.pk],
        ),
    )
    activity.refresh_from_db()
    assert (activity.ends_on, activity.commitments, activity.partner_units.count()) == (None, "", 0)


def test_a_link_from_a_task_preselects_the_task_and_its_plan(client, t):
    plan, task = issued_plan_with_task(t.province, t.commune_a)
    client.force_login(officer(t.commune_a))
    form = client.get(NEW, {"task": task.pk}).context["form"]
    assert (form["task"].value(), form["plan"].value()) == (task.pk, plan.pk)
    assert task in form.fields["task"].queryset

    response = client.post(NEW, activity_data(t.cell_a, task=task.pk))
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.task, activity.plan) == (task, plan)
    detail = client.get(activity.get_absolute_url()).content.decode()
    assert task.get_absolute_url() in detail and plan.get_absolute_url() in detail
    listed = client.get(LIST, {"task": task.pk})
    assert row_pks(listed) == {activity.pk}
    assert listed.context["linked_task"] == task


def test_a_link_from_a_coverage_page_preselects_the_unit_and_type(client, t):
    client.force_login(officer(t.commune_a))
    form = client.get(NEW, {"unit": t.cell_a.pk, "type": "training"}).context["form"]
    training = ActivityType.objects.get(code="training")
    assert (form["unit"].value(), form["activity_type"].value()) == (t.cell_a.pk, training.pk)
    # A unit the user does not write for is not preselected.
    form = client.get(NEW, {"unit": t.commune_b.pk}).context["form"]
    assert form["unit"].value() != t.commune_b.pk


def test_tasks_and_plans_the_user_cannot_see_are_not_offered(client, t):
    hidden_plan, hidden_task = issued_plan_with_task(t.commune_b, t.commune_b)
    draft = make_plan(t.commune_a)
    client.force_login(officer(t.commune_a))
    form = client.get(NEW, {"task": hidden_task.pk}).context["form"]
    assert form["task"].value() is None
    assert hidden_task not in form.fields["task"].queryset
    assert hidden_plan not in form.fields["plan"].queryset
    assert draft not in form.fields["plan"].queryset
    response = client.post(NEW, activity_data(t.cell_a, task=hidden_task.pk))
    assert response.status_code == 200
    assert "task" in response.context["form"].errors
    assert not Activity.objects.exists()


# ---------------------------------------------------------------- list, filters, export


def test_the_list_filters_sorts_and_totals(client, t):
    meeting = make_activity(
        t.cell_a, title="Sinh hoạt chuyên đề", held_on=dt.date(2025, 10, 5), participant_count=20
    )
    training = make_activity(
        t.commune_a,
        code="training",
        title="Tập huấn kỹ năng dân vận",
        held_on=dt.date(2025, 11, 20),
        participant_count=60,
    )
    older = make_activity(
        t.commune_b, title="Sinh hoạt năm trước", held_on=dt.date(2024, 10, 5), participant_count=5
    )
    client.force_login(officer(t.province))

    everything = client.get(LIST)
    assert [a.pk for a in everything.context["page"].object_list] == [
        training.pk,
        meeting.pk,
        older.pk,
    ]
    assert (everything.context["stats"].total, everything.context["stats"].participants) == (3, 85)
    assert everything.context["years"] == [2025, 2024]

    assert row_pks(client.get(LIST, {"type": activity_type("training").pk})) == {training.pk}
    assert row_pks(client.get(LIST, {"unit": t.commune_a.pk})) == {meeting.pk, training.pk}
    assert row_pks(client.get(LIST, {"year": 2024})) == {older.pk}
    assert row_pks(client.get(LIST, {"date_from": "2025-10-01", "date_to": "2025-10-31"})) == {
        meeting.pk
    }
    assert row_pks(client.get(LIST, {"q": "tap huan"})) == {training.pk}  # accents optional
    by_people = client.get(LIST, {"sort": "-participants"}).context["page"].object_list
    assert [a.pk for a in by_people] == [training.pk, meeting.pk, older.pk]
    filtered = client.get(LIST, {"year": 2025})
    stats = filtered.context["stats"]
    assert (stats.total, stats.participants) == (2, 80)
    assert [m.label for m in stats.by_month] == ["10/2025", "11/2025"]
    html = filtered.content.decode()
    assert 'data-activities="2" data-participants="80"' in html
    assert "data-activity-chart" in html

    partial = client.get(LIST, {"year": 2025}, headers={"HX-Request": "true"})
    assert partial.templates[0].name == "plans/partials/activity_results.html"
    assert "<html" not in partial.content.decode()

    export = client.get(XLSX, {"year": 2025, "sort": "date"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx_titles(export) == ["Sinh hoạt chuyên đề", "Tập huấn kỹ năng dân vận"]


def test_the_plan_filter_lists_the_activities_carrying_out_a_plan(client, t):
    plan, _task = issued_plan_with_task(t.province, t.commune_a)
    linked = make_activity(t.commune_a, plan=plan)
    make_activity(t.commune_a)
    client.force_login(officer(t.commune_a))
    response = client.get(LIST, {"plan": plan.pk})
    assert row_pks(response) == {linked.pk}
    assert response.context["linked_plan"] == plan


def test_the_list_takes_the_same_queries_for_2_and_for_20_activities(
    client, t, django_assert_max_num_queries
):
    plan, task = issued_plan_with_task(t.province, t.commune_a)
    twinning = activity_type("twinning")
    client.force_login(officer(t.province))

    def record(n):
        for i in range(n):
            services.save_activity(
                actor=officer(t.province),
                unit=t.commune_a if i % 2 else t.cell_b,
                data={
                    "activity_type": twinning if i % 3 == 0 else activity_type("themed-meeting"),
                    "title": f"Hoạt động {i}",
                    "held_on": days_ago(1 + i * 11),
                    "participant_count": i,
                    "plan": plan,
                    "task": task,
                },
                partner_units=[t.department] if i % 3 == 0 else [],
                files=[jpeg(f"anh-{i}.jpg")],
            )

    record(2)
    with django_assert_max_num_queries(14):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 2
    with django_assert_max_num_queries(6):
        client.get(XLSX)
    Activity.objects.all().delete()
    record(20)
    with django_assert_max_num_queries(14):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 20
    assert response.context["stats"].total == 20
    with django_assert_max_num_queries(6):
        export = client.get(XLSX)
    assert len(xlsx_titles(export)) == 20


# ---------------------------------------------------------------- activity types


def test_everyone_sees_the_types_with_their_use_but_only_a_system_admin_changes_them(client, t):
    make_activity(t.cell_a)
    make_activity(t.cell_b)
    meeting = activity_type("themed-meeting")
    client.force_login(officer(t.province))
    page = client.get(reverse("plans:activity_type_list"))
    assert page.status_code == 200
    uses = {row.code: row.n_activities for row in page.context["types"]}
    assert uses["themed-meeting"] == 2 and uses["twinning"] == 0
    assert not page.context["can_manage"]
    assert 'data-testid="edit-activity-type"' not in page.content.decode()

    new = reverse("plans:activity_type_new")
    edit = reverse("plans:activity_type_edit", args=[meeting.pk])
    form = {
        "code": "village-meeting",
        "name": "Họp dân ở thôn, tổ dân phố",
        "name_en": "Village meeting",
        "position": "20",
        "is_active": "on",
    }
    assert client.get(new).status_code == 403
    assert client.post(new, form).status_code == 403
    assert client.post(edit, {**form, "code": "themed-meeting"}).status_code == 403
    assert not ActivityType.objects.filter(code="village-meeting").exists()

    client.force_login(member(t.province, Role.SYSTEM_ADMIN))
    assert client.get(reverse("plans:activity_type_list")).context["can_manage"]
    assert client.post(new, form).status_code == 302
    added = ActivityType.objects.get(code="village-meeting")
    assert (added.name, added.name_en, added.is_active, added.has_partners) == (
        "Họp dân ở thôn, tổ dân phố",
        "Village meeting",
        True,
        False,
    )
    duplicate = client.post(new, {**form, "name": "Khác"})
    assert duplicate.status_code == 200
    assert "code" in duplicate.context["form"].errors


def test_a_type_in_use_is_retired_not_deleted(client, t):
    make_activity(t.cell_a)
    meeting = activity_type("themed-meeting")
    client.force_login(member(t.province, Role.SYSTEM_ADMIN))
    edit = reverse("plans:activity_type_edit", args=[meeting.pk])
    page = client.get(edit)
    assert page.context["in_use"] == 1
    assert 'data-testid="type-in-use"' in page.content.decode()
    response = client.post(
        edit,
        {
            "code": meeting.code,
            "name": meeting.name,
            "name_en": meeting.name_en,
            "position": meeting.position,
        },  # "in use" unticked
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert not meeting.is_active
    assert Activity.objects.filter(activity_type=meeting).count() == 1
    client.force_login(officer(t.commune_a))
    offered = client.get(NEW).context["form"].fields["activity_type"].queryset
    assert meeting not in offered
    assert activity_type("training") in offered


def test_a_type_shows_its_english_name_in_english():
    twinning = activity_type("twinning")
    with translation.override("en"):
        assert str(twinning) == "Twinning between units"
    with translation.override("vi"):
        assert str(twinning) == "Kết nghĩa giữa các cơ quan, đơn vị, địa phương"
