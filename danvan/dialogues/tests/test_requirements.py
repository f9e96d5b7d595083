"""Listening requirements: who met "every commune holds a listening conference in …"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from danvan.dialogues import services
from danvan.dialogues.models import ListeningRequirement
from danvan.dialogues.tests.factories import days_ago, make_dialogue
from danvan.orgs.models import UnitKind
from danvan.orgs.tests.factories import make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def requirement(tree, province_officer):
    return services.save_requirement(
        actor=province_officer,
        unit=tree.province,
        data={
            "title": "Mọi xã tổ chức hội nghị lắng nghe ý kiến nhân dân",
            "unit_kind": UnitKind.COMMUNE,
            "dialogue_kind": "",
            "starts_on": days_ago(30),
            "ends_on": days_ago(0),
            "citation": "Kế hoạch 12-KH/TU",
        },
    )


def test_coverage_numbers(tree, requirement):
    closed = make_child(
        tree.province,
        name="Xã đã sáp nhập",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2025, 6, 30),
    )
    third = make_child(tree.province, name="Xã Ba")
    # Held at a party cell of commune A: it counts for commune A.
    make_dialogue(tree.cell_a, held_on=days_ago(5))
    # Held by commune B before the window: does not count.
    make_dialogue(tree.commune_b, held_on=days_ago(31))
    make_dialogue(third, held_on=days_ago(30))  # the first day of the window counts
    cover = services.requirement_coverage(requirement)
    assert (cover.total.met, cover.total.units, cover.total.pct) == (2, 3, 66.7)
    assert closed not in [row.unit for row in cover.rows]
    assert [row.unit for row in cover.missing] == [tree.commune_b]


def test_dialogue_kind_filters(tree, requirement, province_officer):
    make_dialogue(tree.commune_a, held_on=days_ago(5), kind="incident")
    assert services.requirement_coverage(requirement).total.met == 1
    requirement = services.save_requirement(
        actor=province_officer,
        unit=tree.province,
        requirement=requirement,
        data={"dialogue_kind": "periodic"},
    )
    assert services.requirement_coverage(requirement).total.met == 0


def test_coverage_within_a_commune(tree, requirement):
    make_dialogue(tree.commune_b, held_on=days_ago(2))
    cover = services.requirement_coverage(requirement, within=tree.commune_b)
    assert cover.root == tree.commune_b
    assert (cover.total.met, cover.total.units) == (1, 1)
    assert cover.root_row.met
    assert cover.trail == [tree.province, tree.commune_b]
    # A unit outside the requirement's area is ignored: the whole area is shown.
    assert services.requirement_coverage(requirement, within=tree.legacy).root == tree.province


def test_requirement_rules(tree, province_officer, commune_a_officer):
    data = {
        "title": "x",
        "unit_kind": UnitKind.COMMUNE,
        "starts_on": days_ago(1),
        "ends_on": days_ago(2),
    }
    with pytest.raises(ValidationError) as exc:
        services.save_requirement(actor=province_officer, unit=tree.province, data=data)
    assert "ends_on" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.save_requirement(
            actor=commune_a_officer, unit=tree.province, data={**data, "ends_on": days_ago(0)}
        )
    assert not ListeningRequirement.objects.exists()


# ------------------------------------------------------------------ pages


def test_requirement_page_shows_coverage(client, tree, requirement, province_officer):
    make_dialogue(tree.commune_a, held_on=days_ago(3))
    client.force_login(province_officer)
    response = client.get(requirement.get_absolute_url())
    assert response.status_code == 200
    cover = response.context["cover"]
    assert (cover.total.met, cover.total.units) == (1, 2)
    html = response.content.decode()
    assert 'data-testid="coverage-total"' in html
    assert f'data-unit="{tree.commune_b.pk}"' in html  # listed among the units missing
    assert response.context["chart_values"] == [100.0, 0]


def test_commune_sees_its_own_part_of_a_province_requirement(
    client, tree, requirement, commune_b_officer
):
    make_dialogue(tree.commune_a, held_on=days_ago(3))
    client.force_login(commune_b_officer)
    listing = client.get(reverse("dialogues:requirement_list"))
    assert requirement in listing.context["rows"]
    response = client.get(requirement.get_absolute_url())
    assert response.status_code == 200
    assert response.context["scoped"]
    cover = response.context["cover"]
    assert cover.root == tree.commune_b
    assert [row.unit for row in cover.rows] == [tree.commune_b]
    # Drilling into commune A is out of scope.
    assert (
        client.get(f"{requirement.get_absolute_url()}?unit={tree.commune_a.pk}").status_code == 404
    )


def test_drill_down_partial(client, tree, requirement, province_officer):
    client.force_login(province_officer)
    response = client.get(
        f"{requirement.get_absolute_url()}?unit={tree.commune_a.pk}", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.templates[0].name == "dialogues/partials/coverage.html"
    assert response.context["cover"].root == tree.commune_a


def test_requirement_of_another_province_is_not_found(client, tree, commune_a_officer):
    from danvan.orgs.tests.factories import make_root

    other = make_root(name="Tỉnh Khác")
    requirement = ListeningRequirement.objects.create(
        unit=other, title="x", starts_on=days_ago(5), ends_on=days_ago(1)
    )
    client.force_login(commune_a_officer)
    assert client.get(requirement.get_absolute_url()).status_code == 404
    listing = client.get(reverse("dialogues:requirement_list"))
    assert requirement not in listing.context["rows"]


def test_new_requirement_page(client, tree, province_officer, observer):
    client.force_login(observer)
    assert client.get(reverse("dialogues:requirement_new")).status_code == 403
    client.force_login(province_officer)
    response = client.post(
        reverse("dialogues:requirement_new"),
        {
            "unit": tree.province.pk,
            "title": "Tháng 10: hội nghị lắng nghe",
            "unit_kind": "commune",
            "dialogue_kind": "",
            "starts_on": "2026-10-01",
            "ends_on": "2026-10-31",
            "citation": "",
        },
    )
    requirement = ListeningRequirement.objects.get()
    assert response.status_code == 302
    assert response.url == requirement.get_absolute_url()
    assert requirement.ends_on == dt.date(2026, 10, 31)


def test_coverage_query_count_does_not_grow(tree, requirement, django_assert_num_queries):
    make_dialogue(tree.commune_a, held_on=days_ago(3))
    with django_assert_num_queries(4):
        services.requirement_coverage(requirement)
    for n in range(6):
        unit = make_child(tree.province, name=f"Xã {n}")
        make_dialogue(unit, held_on=days_ago(2))
    with django_assert_num_queries(4):
        cover = services.requirement_coverage(requirement)
    assert (cover.total.met, cover.total.units) == (7, 8)
