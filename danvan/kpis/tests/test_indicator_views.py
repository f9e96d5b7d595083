"""The indicator catalogue: reading, filtering, the plain-words page, and the admin form."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.kpis import sources
from danvan.kpis.models import Indicator, IndicatorKind, RollupRule, Source
from danvan.kpis.rollup import Entry
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db

LIST = reverse("kpis:indicator_list")
NEW = reverse("kpis:indicator_create")


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def _codes(response) -> list[str]:
    return re.findall(r'data-testid="indicator-row" data-code="([^"]+)"', response.content.decode())


def _data(**overrides) -> dict:
    data = {
        "code": "test_meetings",
        "name": "Số cuộc họp thử",
        "name_en": "Test meetings",
        "description": "",
        "category": "policy",
        "kind": IndicatorKind.COUNT,
        "measure": "cuộc",
        "direction": "higher",
        "rollup": RollupRule.SUM,
        "weight": "",
        "source": Source.MANUAL,
        "source_key": "",
        "numerator_label": "",
        "denominator_label": "",
        "scale": "100",
        "min_value": "",
        "max_value": "",
        "decimals": "0",
        "order": "5",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_every_signed_in_user_reads_the_catalogue_and_anonymous_is_sent_to_login(client):
    tree = f.report_tree()
    assert client.get(LIST).status_code == 302
    client.force_login(f.officer(tree.commune_a))
    response = client.get(LIST)
    assert response.status_code == 200
    assert "poor_households" in _codes(response)
    detail = client.get(reverse("kpis:indicator_detail", args=[f.indicator("poor_households").pk]))
    assert detail.status_code == 200


def test_search_is_accent_insensitive_and_filters_combine(client):
    tree = f.report_tree()
    client.force_login(f.officer(tree.commune_a))
    poor = f.indicator("poor_households")
    folded = "ho ngheo"  # "hộ nghèo" typed without accents
    assert poor.code in _codes(client.get(LIST, {"q": folded}))
    rates = _codes(client.get(LIST, {"kind": "rate"}))
    assert poor.code in rates
    assert all(Indicator.objects.get(code=c).kind == "rate" for c in rates)
    counts = _codes(client.get(LIST, {"kind": "count", "q": folded}))
    assert poor.code not in counts
    Indicator.objects.filter(pk=poor.pk).update(is_active=False)
    assert poor.code not in _codes(client.get(LIST, {"active": "yes"}))
    assert poor.code in _codes(client.get(LIST, {"active": "no"}))
    # a malformed filter reads as "not given"
    assert client.get(LIST, {"kind": "nonsense", "sort": "evil"}).status_code == 200


def test_the_htmx_request_gets_only_the_results(client):
    tree = f.report_tree()
    client.force_login(f.officer(tree.commune_a))
    response = client.get(LIST, {"category": "indices"}, headers={"HX-Request": "true"})
    assert b"<html" not in response.content
    codes = _codes(response)
    assert codes
    assert set(Indicator.objects.filter(code__in=codes).values_list("category", flat=True)) == {
        "indices"
    }


def test_the_list_uses_a_constant_number_of_queries(client, django_assert_max_num_queries):
    tree = f.report_tree()
    client.force_login(f.officer(tree.commune_a))
    client.get(LIST)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"category": "indices"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(_codes(response)) > 10


def test_the_detail_explains_the_rate_rollup_and_the_forms_using_it(english):
    tree = f.report_tree()
    english.force_login(f.officer(tree.commune_a))
    poor = f.indicator("poor_households")
    response = english.get(reverse("kpis:indicator_detail", args=[poor.pk]))
    text = response.content.decode()
    assert "Σ numerators / Σ denominators" in text
    assert "never as the mean" in text
    assert "Lower is better" in text
    assert 'data-testid="used-in"' in text
    assert 'data-testid="edit-indicator"' not in text  # an officer does not edit the catalogue


@pytest.fixture
def registered():
    yield
    sources._REGISTRY.pop("tests.meetings", None)


def test_a_computed_indicator_shows_its_registered_source(english, registered):
    sources.register(
        "tests.meetings",
        "Meetings counted by a test module",
        compute=lambda units, start, end: {u.pk: Entry(value=0) for u in units},
        description="Every meeting of the unit's subtree.",
    )
    indicator = Indicator.objects.create(
        code="test_computed",
        name="Chỉ số tính tự động",
        kind="count",
        category="policy",
        source=Source.COMPUTED,
        source_key="tests.meetings",
    )
    english.force_login(f.system_admin())
    text = english.get(reverse("kpis:indicator_detail", args=[indicator.pk])).content.decode()
    assert "Meetings counted by a test module" in text
    assert "Every meeting of the unit" in text
    form = english.get(NEW).content.decode()
    assert 'value="tests.meetings"' in form


@pytest.mark.parametrize("who", ["officer", "leader", "reviewer"])
def test_only_a_system_admin_may_add_or_change_an_indicator(client, who):
    tree = f.report_tree()
    user = getattr(f, who)(tree.province)
    client.force_login(user)
    poor = f.indicator("poor_households")
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _data()).status_code == 403
    edit = reverse("kpis:indicator_edit", args=[poor.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, _data(code="hacked")).status_code == 403
    assert not Indicator.objects.filter(code__in=["test_meetings", "hacked"]).exists()


def test_the_admin_adds_an_indicator(client):
    client.force_login(f.system_admin())
    response = client.post(NEW, _data())
    created = Indicator.objects.get(code="test_meetings")
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert created.search_text  # searchable at once
    assert "test_meetings" in _codes(client.get(LIST, {"q": "cuoc hop thu"}))


def test_model_rules_show_beside_the_fields_and_the_typed_input_is_kept(english):
    english.force_login(f.system_admin())
    response = english.post(
        NEW,
        _data(
            kind=IndicatorKind.RATE,
            rollup=RollupRule.SUM,
            name="Tên đã gõ",
            source=Source.COMPUTED,
            source_key="",
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "never averaged" in " ".join(form.errors["rollup"])
    assert "module source" in " ".join(form.errors["source_key"])
    text = response.content.decode()
    assert "never averaged" in text
    assert 'value="Tên đã gõ"' in text
    weighted = english.post(NEW, _data(rollup=RollupRule.WEIGHTED_MEAN))
    assert "weighs it" in " ".join(weighted.context["form"].errors["weight"])
    assert not Indicator.objects.filter(code="test_meetings").exists()


def test_the_code_is_locked_once_a_form_uses_the_indicator(client):
    client.force_login(f.system_admin())
    used = f.indicator("poor_households")  # in the seeded form
    data = _data(
        code="renamed",
        name=used.name,
        kind=used.kind,
        rollup=used.rollup,
        direction=used.direction,
        category=used.category,
        scale=used.scale,
    )
    response = client.post(reverse("kpis:indicator_edit", args=[used.pk]), data)
    assert response.status_code == 302
    used.refresh_from_db()
    assert used.code == "poor_households"  # the disabled field kept its value
    assert used.measure == "cuộc"  # the rest changed
    free = Indicator.objects.create(code="free_one", name="Tự do", kind="count", category="policy")
    client.post(reverse("kpis:indicator_edit", args=[free.pk]), _data(code="free_two"))
    free.refresh_from_db()
    assert free.code == "free_two"


def test_the_service_refuses_to_rename_a_used_code_and_to_let_others_write():
    from django.core.exceptions import PermissionDenied, ValidationError

    from danvan.kpis import services

    used = f.indicator("poor_households")
    used.code = "renamed"
    with pytest.raises(ValidationError) as refused:
        services.save_indicator(used, actor=f.system_admin())
    assert "code" in refused.value.error_dict
    assert Indicator.objects.filter(code="poor_households").exists()
    tree = f.report_tree()
    fresh = Indicator(code="new_one", name="Mới", kind="count", category="policy")
    with pytest.raises(PermissionDenied):
        services.save_indicator(fresh, actor=f.leader(tree.province))
    assert not Indicator.objects.filter(code="new_one").exists()
    services.save_indicator(fresh, actor=f.system_admin())
    assert Indicator.objects.get(code="new_one").name == "Mới"
