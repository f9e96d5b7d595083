"""Coverage requirement pages: list, form, page with heat-map and drill-down, Excel, reminders.

A province requires every party cell to hold the themed meeting; commune A's officer sees
only the part under commune A, commune B's officer never sees commune A's own requirements.
"""

from __future__ import annotations

import io
import itertools

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from danvan.core.models import Notification
from danvan.orgs.models import Role, UnitKind
from danvan.orgs.tests.factories import make_child
from danvan.plans import services
from danvan.plans.models import CoverageRequirement, Reminder
from danvan.plans.reminders import reminder_key, send_missing_reminders
from danvan.plans.tests.factories import (
    activity_type,
    days_ago,
    days_ahead,
    make_activity,
    make_plan,
    member,
    officer,
    small_tree,
)

pytestmark = pytest.mark.django_db


def requirement_over(unit, *, kind=UnitKind.PARTY, plan=None, **data):
    return services.save_requirement(
        actor=officer(unit),
        unit=unit,
        plan=plan,
        data={
            "title": "100% chi bộ sinh hoạt chuyên đề tháng 10/2026",
            "unit_kind": kind,
            "activity_type": activity_type(),
            "starts_on": days_ago(40),
            "ends_on": days_ago(5),
            "citation": "Kế hoạch 202-KH/BDVTU",
            **data,
        },
    )


@pytest.fixture
def t():
    return small_tree()


@pytest.fixture
def requirement(t):
    make_activity(t.cell_a, held_on=days_ago(20))
    return requirement_over(t.province)


def units_in(html: str, testid: str) -> str:
    """The part of the page inside the element marked ``data-testid=testid``."""
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</ul>", start)]


# ------------------------------------------------------------------ the page


def test_the_province_sees_the_whole_area(client, t, requirement):
    client.force_login(officer(t.province))
    response = client.get(requirement.get_absolute_url())
    assert response.status_code == 200
    cover = response.context["cover"]
    assert cover.root == t.province
    assert (cover.total.met, cover.total.units, cover.total.pct) == (1, 2, 50.0)
    html = response.content.decode()
    assert 'data-testid="scoped"' not in html
    missing = units_in(html, "missing")
    assert f'data-unit="{t.cell_b.pk}"' in missing and f'data-unit="{t.cell_a.pk}"' not in missing
    # The province writes for every unit under it: it may record the meeting for cell B.
    record = f"{reverse('plans:activity_new')}?unit={t.cell_b.pk}&amp;type=themed-meeting"
    assert record in html
    met = units_in(html, "met")
    assert f'data-unit="{t.cell_a.pk}"' in met
    assert days_ago(20).strftime("%d/%m/%Y") in met  # the first matching activity
    tiles = {item["row"].unit.pk for item in response.context["missing"]}
    assert tiles == {t.cell_b.pk}
    assert [(g.unit, g.tally.met, g.tally.units) for g in cover.groups] == [
        (t.commune_a, 1, 1),
        (t.commune_b, 0, 1),
    ]
    assert f'href="{requirement.get_absolute_url()}?within={t.commune_b.pk}"' in html
    assert 'data-testid="remind-form"' in html


def test_a_commune_officer_sees_only_its_own_part(client, t, requirement):
    make_activity(t.cell_b, held_on=days_ago(20))
    client.force_login(officer(t.commune_a))
    response = client.get(requirement.get_absolute_url())
    assert response.status_code == 200
    cover = response.context["cover"]
    assert cover.root == t.commune_a
    assert [row.unit for row in cover.rows] == [t.cell_a]
    html = response.content.decode()
    assert 'data-testid="scoped"' in html
    assert t.cell_b.name not in html and f'data-unit="{t.cell_b.pk}"' not in html
    assert 'data-testid="remind-form"' not in html  # a write role over the province only
    assert 'data-testid="edit-requirement"' not in html
    # Commune B's part is out of reach, by drill-down or by the Excel file.
    url = requirement.get_absolute_url()
    assert client.get(f"{url}?within={t.commune_b.pk}").status_code == 404
    assert client.get(f"{url}?within={t.province.pk}").status_code == 404
    assert client.get(f"{url}?within=x").status_code == 404
    xlsx = reverse("plans:requirement_xlsx", args=[requirement.pk])
    assert client.get(f"{xlsx}?within={t.commune_b.pk}").status_code == 404
    sheet = load_workbook(io.BytesIO(client.get(xlsx).content)).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert names == [t.cell_a.name]


def test_commune_a_missing_list_never_shows_commune_b(client, t):
    requirement = requirement_over(t.province)  # nobody met it yet
    client.force_login(officer(t.commune_a))
    response = client.get(requirement.get_absolute_url())
    missing = units_in(response.content.decode(), "missing")
    assert f'data-unit="{t.cell_a.pk}"' in missing
    assert f'data-unit="{t.cell_b.pk}"' not in missing
    assert [item["row"].unit for item in response.context["missing"]] == [t.cell_a]
    # Commune A writes for its own cell: the link to record the meeting is there.
    assert response.context["missing"][0]["can_record"]


def test_a_commune_b_officer_cannot_see_a_requirement_set_by_commune_a(client, t):
    requirement = requirement_over(t.commune_a)
    client.force_login(officer(t.commune_b))
    assert client.get(requirement.get_absolute_url()).status_code == 404
    assert client.get(reverse("plans:requirement_edit", args=[requirement.pk])).status_code == 404
    assert client.get(reverse("plans:requirement_xlsx", args=[requirement.pk])).status_code == 404
    response = client.post(requirement.get_absolute_url(), {"action": "remind"})
    assert response.status_code == 404
    listing = client.get(reverse("plans:requirement_list"))
    assert [row["requirement"] for row in listing.context["page"].object_list] == []


def test_drill_down_answers_the_partial_to_htmx(client, t, requirement):
    client.force_login(officer(t.province))
    response = client.get(
        f"{requirement.get_absolute_url()}?within={t.commune_b.pk}",
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.templates[0].name == "plans/partials/requirement_coverage.html"
    cover = response.context["cover"]
    assert cover.root == t.commune_b and cover.trail == [t.province, t.commune_b]
    assert (cover.total.met, cover.total.units) == (0, 1)


def test_a_requirement_with_no_required_unit_says_so(client, t):
    requirement = requirement_over(t.province, kind=UnitKind.FRONT)
    client.force_login(officer(t.province))
    response = client.get(requirement.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="no-units"' in html and 'data-testid="coverage-total"' not in html
    assert 'data-testid="remind-form"' not in html
    listing = client.get(reverse("plans:requirement_list"))
    row = listing.context["page"].object_list[0]
    assert row["cover"].tally.units == 0
    client.cookies["django_language"] = "en"
    assert "No units" in client.get(reverse("plans:requirement_list")).content.decode()


def test_the_page_takes_the_same_queries_for_3_and_30_communes(
    client, t, django_assert_max_num_queries
):
    requirement = requirement_over(t.province)
    user = officer(t.province)
    client.force_login(user)

    def add_communes(count: int) -> None:
        for _n in range(count):
            n = next(numbers)
            commune = make_child(t.province, name=f"Xã Mới {n}")
            cell = make_child(commune, kind=UnitKind.PARTY, name=f"Chi bộ xã Mới {n}")
            if n % 2:
                make_activity(cell, held_on=days_ago(10))

    numbers = itertools.count()
    make_activity(t.cell_a, held_on=days_ago(10))
    add_communes(1)  # 3 communes
    with django_assert_max_num_queries(14) as few:
        small = client.get(requirement.get_absolute_url())
    add_communes(27)  # 30 communes
    with django_assert_max_num_queries(14) as many:
        large = client.get(requirement.get_absolute_url())
    assert len(many) == len(few)
    assert small.context["cover"].total.units == 3
    assert large.context["cover"].total.units == 30
    assert len(large.context["cover"].groups) == 30
    # A commune officer's scoped page and the Excel file as well.
    client.force_login(officer(t.commune_a))
    with django_assert_max_num_queries(14):
        client.get(requirement.get_absolute_url())
    client.force_login(user)
    with django_assert_max_num_queries(12):
        client.get(reverse("plans:requirement_xlsx", args=[requirement.pk]))


# ------------------------------------------------------------------ reminders


def test_reminders_go_to_the_missing_units_once_a_day(client, t):
    requirement = requirement_over(t.province)
    make_activity(t.cell_a, held_on=days_ago(20))
    cell_b_officer = officer(t.cell_b)
    cell_b_leader = member(t.cell_b, Role.LEADER)
    member(t.cell_b, Role.OBSERVER)  # reads only: not reminded
    cell_a_officer = officer(t.cell_a)
    client.force_login(officer(t.province))
    client.cookies["django_language"] = "en"
    response = client.post(requirement.get_absolute_url(), {"action": "remind"}, follow=True)
    assert response.status_code == 200

    def reminded():
        return Notification.objects.filter(url=requirement.get_absolute_url())

    assert {n.user for n in reminded()} == {cell_b_officer, cell_b_leader}
    assert not Notification.objects.filter(user=cell_a_officer).exists()
    key = reminder_key(requirement, t.cell_b, days_ago(0))
    assert key == f"coverage_missing:{requirement.pk}:{t.cell_b.pk}:{days_ago(0).isoformat()}"
    reminder = Reminder.objects.get()
    assert (reminder.key, reminder.unit, reminder.recipients) == (key, t.cell_b, 2)
    text = response.content.decode()
    assert "Reminded 1 unit; people notified: 2." in text
    # A second click the same day sends nothing more.
    response = client.post(requirement.get_absolute_url(), {"action": "remind"}, follow=True)
    assert reminded().count() == 2 and Reminder.objects.count() == 1
    assert "1 unit was already reminded today." in response.content.decode()
    # The next day it may be sent again.
    result = send_missing_reminders(
        actor=officer(t.province), requirement=requirement, units=[t.cell_b], today=days_ahead(1)
    )
    assert (result.units, result.people, result.already) == (1, 2, 0)
    assert reminded().count() == 4


def test_reminders_within_a_part_and_units_with_nobody(client, t):
    requirement = requirement_over(t.province)
    officer(t.cell_a)
    client.force_login(officer(t.province))
    client.cookies["django_language"] = "en"
    response = client.post(
        requirement.get_absolute_url(),
        {"action": "remind", "within": t.commune_b.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == (
        f"{requirement.get_absolute_url()}?within={t.commune_b.pk}"
    )
    # Only commune B's part was concerned, and nobody writes for cell B.
    assert not Notification.objects.filter(url=requirement.get_absolute_url()).exists()
    assert not Reminder.objects.exists()
    assert "1 unit has nobody with a write role to remind." in response.content.decode()


def test_only_write_roles_over_the_requirements_unit_send_reminders(client, t, requirement):
    client.force_login(officer(t.commune_a))
    assert client.post(requirement.get_absolute_url(), {"action": "remind"}).status_code == 403
    client.force_login(member(t.province, Role.OBSERVER))
    assert client.post(requirement.get_absolute_url(), {"action": "remind"}).status_code == 403
    client.force_login(officer(t.province))
    assert client.post(requirement.get_absolute_url(), {"action": "other"}).status_code == 404
    assert not Reminder.objects.exists()


def test_no_reminder_before_the_period_starts(client, t):
    requirement = requirement_over(t.province, starts_on=days_ahead(3), ends_on=days_ahead(30))
    officer(t.cell_b)
    client.force_login(officer(t.province))
    page = client.get(requirement.get_absolute_url()).content.decode()
    assert 'data-testid="remind-form"' not in page
    client.post(requirement.get_absolute_url(), {"action": "remind"})
    assert not Reminder.objects.exists()


# ------------------------------------------------------------------ the list


def test_the_list_shows_the_users_part_and_filters(client, t, requirement):
    training = requirement_over(
        t.province,
        title="Tập huấn",
        activity_type=activity_type("training"),
        starts_on=days_ahead(5),
        ends_on=days_ahead(20),
    )
    own = requirement_over(t.commune_b, title="Riêng xã Bình Minh")
    client.force_login(officer(t.commune_a))
    response = client.get(reverse("plans:requirement_list"))
    rows = {row["requirement"]: row for row in response.context["page"].object_list}
    assert set(rows) == {requirement, training}  # not commune B's own requirement
    assert own not in rows
    cover = rows[requirement]["cover"]
    assert (cover.root, cover.tally.met, cover.tally.units, cover.scoped) == (
        t.commune_a,
        1,
        1,
        True,
    )
    assert rows[training]["state"] == "upcoming" and rows[requirement]["state"] == "ended"

    def listed(**params):
        page = client.get(reverse("plans:requirement_list"), params).context["page"]
        return [row["requirement"] for row in page.object_list]

    assert listed(state="upcoming") == [training]
    assert listed(state="ended") == [requirement]
    assert listed(state="active") == []
    assert listed(type=activity_type("training").pk) == [training]
    response = client.get(reverse("plans:requirement_list"), headers={"HX-Request": "true"})
    assert response.templates[0].name == "plans/partials/requirement_results.html"


def test_the_list_by_plan(client, t):
    plan = make_plan(t.province, issued=True)
    draft = make_plan(t.province)
    under_plan = requirement_over(t.province, plan=plan)
    under_draft = requirement_over(t.province, plan=draft, title="Theo dự thảo")
    requirement_over(t.province, title="Không theo kế hoạch")
    client.force_login(officer(t.commune_a))
    response = client.get(reverse("plans:requirement_list"), {"plan": plan.pk})
    assert [row["requirement"] for row in response.context["page"].object_list] == [under_plan]
    # The commune sees the issued plan in the filter, not the province's draft.
    assert response.context["plans"] == [plan]
    rows = client.get(reverse("plans:requirement_list")).context["page"].object_list
    shown = {row["requirement"]: row["show_plan"] for row in rows}
    assert shown[under_plan] and not shown[under_draft]
    # The link to record the meeting for commune A's own cell names the plan too.
    html = client.get(under_plan.get_absolute_url()).content.decode()
    assert f"?unit={t.cell_a.pk}&amp;type=themed-meeting&amp;plan={plan.pk}" in html
    assert f'href="{plan.get_absolute_url()}"' in html
    html = client.get(under_draft.get_absolute_url()).content.decode()
    assert draft.get_absolute_url() not in html


def test_the_list_takes_the_same_queries_for_2_and_20_rows(
    client, t, django_assert_max_num_queries
):
    for n in range(2):
        requirement_over(t.province, title=f"Yêu cầu {n}")
    make_activity(t.cell_a, held_on=days_ago(20))
    client.force_login(officer(t.commune_a))
    with django_assert_max_num_queries(14) as few:
        first = client.get(reverse("plans:requirement_list"))
    for n in range(2, 21):
        requirement_over(
            t.province, title=f"Yêu cầu {n}", activity_type=activity_type(f"type-{n % 4}")
        )
    with django_assert_max_num_queries(14) as many:
        second = client.get(reverse("plans:requirement_list"))
    assert len(many) == len(few)
    assert len(first.context["page"].object_list) == 2
    assert len(second.context["page"].object_list) == 20
    assert second.context["page"].paginator.count == 21


# ------------------------------------------------------------------ form


def test_new_requirement_from_a_plan_link(client, t):
    plan = make_plan(t.province, issued=True)
    client.force_login(officer(t.province))
    url = reverse("plans:requirement_new")
    form = client.get(url, {"plan": plan.pk}).context["form"]
    assert form["plan"].value() == plan.pk
    assert form["unit"].value() == t.province.pk
    response = client.post(
        f"{url}?plan={plan.pk}",
        {
            "unit": t.province.pk,
            "plan": plan.pk,
            "title": "100% chi bộ sinh hoạt chuyên đề trong tháng 10/2026",
            "unit_kind": UnitKind.PARTY,
            "activity_type": activity_type().pk,
            "starts_on": "2026-10-01",
            "ends_on": "2026-10-31",
            "citation": "Kế hoạch 202-KH/BDVTU",
        },
    )
    requirement = CoverageRequirement.objects.get()
    assert response.status_code == 302 and response.url == requirement.get_absolute_url()
    assert (requirement.plan, requirement.unit, requirement.created_by) == (
        plan,
        t.province,
        officer(t.province),
    )


def test_new_requirement_keeps_what_was_typed_on_an_error(client, t):
    client.force_login(officer(t.commune_a))
    url = reverse("plans:requirement_new")
    form = client.get(url).context["form"]
    assert [u.pk for u in form.fields["unit"].queryset] == [t.commune_a.pk, t.cell_a.pk]
    response = client.post(
        url,
        {
            "unit": t.commune_a.pk,
            "title": "Chi bộ sinh hoạt",
            "unit_kind": UnitKind.PARTY,
            "activity_type": activity_type().pk,
            "starts_on": "2026-10-31",
            "ends_on": "2026-10-01",
        },
    )
    assert response.status_code == 200
    assert "ends_on" in response.context["form"].errors
    assert 'value="Chi bộ sinh hoạt"' in response.content.decode()
    # Commune B is not among the units commune A may set a requirement for.
    response = client.post(url, {"unit": t.commune_b.pk, "title": "x"})
    assert "unit" in response.context["form"].errors
    assert not CoverageRequirement.objects.exists()


def test_a_plan_of_another_commune_is_not_offered_or_preselected(client, t):
    other = make_plan(t.commune_b, issued=True)
    own = make_plan(t.commune_a, issued=True)
    province = make_plan(t.province, issued=True)
    client.force_login(officer(t.commune_a))
    form = client.get(reverse("plans:requirement_new"), {"plan": other.pk}).context["form"]
    assert form["plan"].value() is None
    assert set(form.fields["plan"].queryset) == {own, province}


def test_readers_cannot_set_or_change_requirements(client, t, requirement):
    client.force_login(member(t.province, Role.OBSERVER))
    assert client.get(reverse("plans:requirement_new")).status_code == 403
    assert client.get(reverse("plans:requirement_edit", args=[requirement.pk])).status_code == 403
    client.force_login(officer(t.commune_a))
    assert client.get(reverse("plans:requirement_edit", args=[requirement.pk])).status_code == 403


def test_edit_a_requirement(client, t, requirement):
    client.force_login(officer(t.province))
    url = reverse("plans:requirement_edit", args=[requirement.pk])
    assert client.get(url).context["form"]["title"].value() == requirement.title
    response = client.post(
        url,
        {
            "title": "100% chi bộ sinh hoạt chuyên đề quý IV",
            "unit_kind": UnitKind.PARTY,
            "activity_type": activity_type().pk,
            "starts_on": days_ago(60).isoformat(),
            "ends_on": days_ago(1).isoformat(),
            "citation": "",
        },
    )
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert requirement.title == "100% chi bộ sinh hoạt chuyên đề quý IV"
    assert (requirement.starts_on, requirement.unit) == (days_ago(60), t.province)


# ------------------------------------------------------------------ Excel


def test_excel_lists_every_required_unit(client, t, requirement):
    make_activity(t.cell_a, held_on=days_ago(30))  # earlier than the fixture's
    client.force_login(officer(t.province))
    client.cookies["django_language"] = "en"
    response = client.get(reverse("plans:requirement_xlsx", args=[requirement.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    units = book.worksheets[0]
    assert requirement.title in units.cell(1, 1).value
    assert [c.value for c in units[3]] == [
        "No.",
        "Unit",
        "Kind",
        "Under",
        "Met",
        "First matching activity",
    ]
    rows = list(units.iter_rows(min_row=4, values_only=True))
    assert [(r[1], r[3], r[4]) for r in rows] == [
        (t.cell_a.name, t.commune_a.name, "Yes"),
        (t.cell_b.name, t.commune_b.name, "No"),
    ]
    assert rows[0][5].date() == days_ago(30)
    assert rows[1][5] in (None, "")
    groups = list(book.worksheets[1].iter_rows(min_row=4, values_only=True))
    assert [(g[0], g[1], g[2]) for g in groups] == [
        (t.commune_a.name, 1, 1),
        (t.commune_b.name, 0, 1),
    ]
