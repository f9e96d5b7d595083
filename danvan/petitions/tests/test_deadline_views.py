"""The legal-deadline pages: the rules table, adding and editing a rule, the calculator."""

import datetime as dt

import pytest
from django.urls import reverse

from danvan.core.workdays import forget_calendar
from danvan.petitions.models import DeadlineRule, Step, Track
from danvan.petitions.tests.factories import make_letter

D = dt.date
COMPUTE = reverse("petitions:deadline_compute")
RULES = reverse("petitions:rule_list")


@pytest.fixture(autouse=True)
def _fresh_calendar():
    forget_calendar()
    yield
    forget_calendar()


def _complaint_resolution() -> DeadlineRule:
    return DeadlineRule.objects.get(
        track=Track.COMPLAINT_1,
        step=Step.RESOLUTION,
        complexity="normal",
        remote_area=False,
        effective_from=D(2012, 7, 1),
    )


def _rule_data(**changes) -> dict:
    data = {
        "track": Track.COMPLAINT_1,
        "step": Step.RESOLUTION,
        "complexity": "normal",
        "days": "20",
        "day_type": "calendar",
        "extensions_allowed": "0",
        "extension_days": "0",
        "effective_from": "2026-07-01",
        "effective_to": "",
        "citation": "Luật 136/2025/QH15 (test)",
        "note": "",
        "close_previous": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --------------------------------------------------------------------- the rules table


def test_the_rules_table(client, commune_b_officer):
    client.force_login(commune_b_officer)
    response = client.get(RULES)
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [g["track"] for g in groups] == list(Track)
    assert sum(len(g["rows"]) for g in groups) == DeadlineRule.objects.count()
    complaint = groups[0]["rows"]
    assert [row.rule.step for row in complaint][:2] == [Step.FILING_WINDOW, Step.ACCEPTANCE]
    html = response.content.decode()
    assert "Luật Tố cáo 2018, Điều 30" in html
    assert 'data-testid="add-rule"' not in html
    assert 'data-testid="edit-rule"' not in html


def test_the_rules_table_needs_a_login(client, db):
    response = client.get(RULES)
    assert response.status_code == 302


@pytest.mark.parametrize("user", ["commune_a_officer", "province_admin", "province_leader"])
def test_only_system_administrators_change_rules(client, db, request, user):
    client.force_login(request.getfixturevalue(user))
    rule = _complaint_resolution()
    count = DeadlineRule.objects.count()
    assert client.get(reverse("petitions:rule_new")).status_code == 403
    assert client.post(reverse("petitions:rule_new"), _rule_data()).status_code == 403
    edit = reverse("petitions:rule_edit", args=[rule.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, _rule_data(effective_from="2012-07-01")).status_code == 403
    assert DeadlineRule.objects.count() == count
    rule.refresh_from_db()
    assert (rule.days, rule.effective_to) == (30, None)


def test_a_change_in_the_law_is_a_new_rule_from_its_date(
    client, system_admin, tree, django_capture_on_commit_callbacks
):
    late = make_letter(
        tree.commune_a,
        kind="complaint",
        status="accepted",
        received_on=D(2026, 7, 1),
        accepted_on=D(2026, 7, 1),
    )
    early = make_letter(
        tree.commune_a,
        kind="complaint",
        status="accepted",
        received_on=D(2026, 6, 30),
        accepted_on=D(2026, 6, 30),
    )
    assert late.resolution_due == D(2026, 7, 31)
    client.force_login(system_admin)
    assert 'data-testid="add-rule"' in client.get(RULES).content.decode()
    assert client.get(reverse("petitions:rule_new")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("petitions:rule_new"), _rule_data())
    assert response.status_code == 302
    old = _complaint_resolution()
    new = DeadlineRule.objects.get(citation="Luật 136/2025/QH15 (test)")
    assert response.url == f"{RULES}#rule-{new.pk}"
    assert old.effective_to == D(2026, 6, 30)
    assert (new.days, new.effective_from, new.effective_to) == (20, D(2026, 7, 1), None)
    late.refresh_from_db()
    early.refresh_from_db()
    assert late.resolution_due == D(2026, 7, 21)  # the new rule
    assert early.resolution_due == D(2026, 7, 30)  # still the old one

    # Editing the new rule: 25 days.
    edit = reverse("petitions:rule_edit", args=[new.pk])
    assert client.get(edit).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit, _rule_data(days="25", close_previous=None))
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.resolution_due == D(2026, 7, 27)  # 01/07 + 25 = Sun 26/07 → Mon 27/07


def test_overlapping_rules_are_refused(client, system_admin):
    client.force_login(system_admin)
    url = reverse("petitions:rule_new")
    count = DeadlineRule.objects.count()

    response = client.post(url, _rule_data(close_previous=None))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert "Luật Khiếu nại 2011, Điều 28" in errors[0]  # the rule it overlaps
    assert "01/07/2012" in errors[0]

    # Starting before the rule in force: nothing to end, and the two would overlap.
    response = client.post(url, _rule_data(effective_from="2000-01-01"))
    assert response.context["form"].non_field_errors()

    # A variant of its own does not overlap (complex, remote area from 01/07/2026)...
    response = client.post(
        url, _rule_data(complexity="especially_complex", remote_area="on", close_previous=None)
    )
    assert response.status_code == 302
    # ... but a second one on the same days does.
    response = client.post(
        url,
        _rule_data(
            complexity="especially_complex",
            remote_area="on",
            effective_from="2026-01-01",
            effective_to="2026-12-31",
            close_previous=None,
        ),
    )
    assert response.context["form"].non_field_errors()
    assert DeadlineRule.objects.count() == count + 1


def test_rule_form_errors(client, system_admin):
    client.force_login(system_admin)
    url = reverse("petitions:rule_new")
    response = client.post(
        url, _rule_data(effective_from="2027-01-01", effective_to="2026-12-31", days="0")
    )
    errors = response.context["form"].errors
    assert "31/12/2026" in errors["effective_to"][0]
    assert "days" in errors
    response = client.post(url, _rule_data(extensions_allowed="2", extension_days="0"))
    assert "extension_days" in response.context["form"].errors
    edit = reverse("petitions:rule_edit", args=[_complaint_resolution().pk])
    assert "close_previous" not in client.get(edit).context["form"].fields
    assert client.get(reverse("petitions:rule_edit", args=[999999])).status_code == 404


# --------------------------------------------------------------------- the calculator


def test_the_calculator_shows_the_tet_days_it_skipped(client, commune_b_officer):
    client.force_login(commune_b_officer)
    response = client.get(
        COMPUTE, {"track": "complaint_1", "step": "acceptance", "start": "2026-02-10"}
    )
    assert response.status_code == 200
    steps = response.context["steps"]
    assert steps.explanation.due == D(2026, 3, 3)
    assert steps.explanation.rule.citation == "Luật Khiếu nại 2011, Điều 27"
    skipped = dict(steps.explanation.period.skipped)
    assert list(skipped) == [D(2026, 2, 14 + i) for i in range(9)] + [D(2026, 2, 28), D(2026, 3, 1)]
    assert all("Tết" in skipped[D(2026, 2, day)] for day in range(16, 21))
    html = response.content.decode()
    assert 'data-date="2026-02-17"' in html
    assert "Tết Nguyên đán Bính Ngọ (mùng 1 tháng Giêng)" in html
    assert 'data-due="2026-03-03"' in html


def test_the_calculator_end_day_rule(client, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.get(
        COMPUTE, {"track": "petition", "step": "resolution", "start": "17/01/2026"}
    )
    steps = response.context["steps"]
    assert steps.nominal_end == D(2026, 2, 16)  # day 30: the eve of Tết
    assert steps.end_rule_applied
    assert steps.explanation.due == D(2026, 2, 23)
    assert 'data-testid="end-rule"' in response.content.decode()
    response = client.get(
        COMPUTE, {"track": "petition", "step": "resolution", "start": "2026-01-05"}
    )
    assert not response.context["steps"].end_rule_applied  # 04/02, a Wednesday


def test_the_calculator_from_a_letter_link(client, commune_a_officer):
    client.force_login(commune_a_officer)
    params = {
        "track": "complaint_1",
        "step": "resolution",
        "start": "2026-03-02",
        "complexity": "complex",
        "remote": "1",
        "extension_days": "0",
    }
    steps = client.get(COMPUTE, params).context["steps"]
    assert (steps.explanation.rule.days, steps.explanation.rule.remote_area) == (60, True)
    assert steps.explanation.due == D(2026, 5, 4)
    assert not steps.fallback
    steps = client.get(COMPUTE, {**params, "remote": "0"}).context["steps"]
    assert steps.explanation.rule.days == 45
    # Denunciation, especially complex, two extensions of 30 days: 90 days in all.
    params = {
        "track": "denunciation",
        "step": "resolution",
        "start": "2026-03-02",
        "complexity": "especially_complex",
        "extension_days": "60",
    }
    steps = client.get(COMPUTE, params).context["steps"]
    assert steps.total_days == 90
    assert steps.explanation.due == D(2026, 6, 1)
    # A remote denunciation has no rule of its own: the fallback is said.
    steps = client.get(COMPUTE, {**params, "remote": "on"}).context["steps"]
    assert steps.fallback


def test_the_calculator_explains_bad_input(client, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.get(
        COMPUTE,
        {
            "track": "denunciation",
            "step": "resolution",
            "start": "2026-03-02",
            "complexity": "especially_complex",
            "extension_days": "61",
        },
    )
    assert response.context["steps"] is None
    assert "60" in response.context["form"].errors["extension_days"][0]
    assert 'data-testid="deadline-errors"' in response.content.decode()
    response = client.get(
        COMPUTE, {"track": "complaint_1", "step": "acceptance", "start": "2010-01-04"}
    )
    assert "04/01/2010" in response.context["form"].non_field_errors()[0]
    response = client.get(COMPUTE, {"track": "nonsense", "step": "acceptance", "start": "x"})
    assert set(response.context["form"].errors) == {"track", "start"}
    response = client.get(
        COMPUTE, {"track": "petition", "step": "resolution", "start": "1800-01-01"}
    )
    assert "start" in response.context["form"].errors


def test_the_calculator_defaults_and_htmx(client, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.get(COMPUTE)
    assert response.status_code == 200
    assert response.context["steps"] is not None  # a complaint received today
    assert 'hx-select="#deadline-result"' in response.content.decode()
    response = client.get(
        COMPUTE,
        {"track": "feedback", "step": "acceptance", "start": "2025-04-25"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="deadline-result"' in html
    # 10 working days from Friday 25/04/2025: the Saturday 26/04 is worked, 30/04–04/05 off.
    assert response.context["steps"].explanation.due == D(2025, 5, 13)
