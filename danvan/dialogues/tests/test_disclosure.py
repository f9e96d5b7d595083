"""Disclosure verdicts against the seeded rules (Grassroots Democracy Law 2022)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from danvan.dialogues import services, verdicts
from danvan.dialogues.models import DisclosureItem, DisclosureRule
from danvan.dialogues.tests.factories import days_ago, make_disclosure

LAW = "Luật Thực hiện dân chủ ở cơ sở 2022"


# ------------------------------------------------------------------ with the seeded rules


@pytest.mark.django_db
def test_the_three_rules_are_seeded():
    rules = {(r.category, r.channel): r.min_days for r in DisclosureRule.objects.all()}
    assert rules == {("", "posting"): 30, ("", "radio"): 3, ("village_convention", ""): 30}


@pytest.mark.django_db
def test_posting_20_days_is_a_violation(tree):
    item = make_disclosure(
        tree.commune_a, channel="posting", posted_from=days_ago(40), posted_to=days_ago(21)
    )
    assert item.days_posted == 20
    assert item.is_violation
    assert item.required_days == 30
    assert item.rule_citation.startswith(LAW)
    assert "Điều 12" in item.rule_citation


@pytest.mark.django_db
def test_posting_30_days_is_enough(tree):
    item = make_disclosure(
        tree.commune_a, channel="posting", posted_from=days_ago(40), posted_to=days_ago(11)
    )
    assert item.days_posted == 30
    assert not item.is_violation
    assert item.required_days == 30


@pytest.mark.django_db
def test_radio_three_consecutive_days_is_fine(tree):
    item = make_disclosure(
        tree.commune_a, channel="radio", posted_from=days_ago(10), posted_to=days_ago(8)
    )
    assert item.days_posted == 3
    assert not item.is_violation
    assert item.required_days == 3
    short = make_disclosure(
        tree.commune_a, channel="radio", posted_from=days_ago(10), posted_to=days_ago(9)
    )
    assert short.is_violation


@pytest.mark.django_db
def test_village_convention_on_the_website_falls_under_the_category_rule(tree):
    item = make_disclosure(
        tree.commune_a,
        category="village_convention",
        channel="website",
        posted_from=days_ago(20),
        posted_to=days_ago(11),
    )
    assert item.days_posted == 10
    assert item.is_violation
    assert item.required_days == 30
    assert "hương ước" in item.rule_citation


@pytest.mark.django_db
def test_still_posted_is_not_a_violation_yet(tree):
    item = make_disclosure(tree.commune_a, channel="posting", posted_from=days_ago(5))
    assert not item.is_violation
    assert item.required_days == 30
    verdict = services.disclosure_verdict(item)
    assert verdict.ends_no_earlier_than == days_ago(5) + dt.timedelta(days=29)
    # Taking it down too early turns it into a violation.
    item = services.save_disclosure(
        actor=item.created_by, unit=item.unit, item=item, data={"posted_to": days_ago(1)}
    )
    assert item.is_violation
    assert item.history.count() == 2


@pytest.mark.django_db
def test_no_rule_for_a_website_item(tree):
    item = make_disclosure(
        tree.commune_a, channel="website", posted_from=days_ago(5), posted_to=days_ago(5)
    )
    assert not item.is_violation
    assert item.required_days is None
    assert item.rule_citation == ""


@pytest.mark.django_db
def test_rules_not_yet_in_force_do_not_apply(tree):
    item = make_disclosure(
        tree.commune_a,
        channel="posting",
        posted_from=dt.date(2023, 6, 1),
        posted_to=dt.date(2023, 6, 5),
    )
    assert item.required_days is None
    assert not item.is_violation


@pytest.mark.django_db
def test_recheck_after_a_rule_changes(tree):
    item = make_disclosure(
        tree.commune_a, channel="website", posted_from=days_ago(30), posted_to=days_ago(21)
    )
    assert not item.is_violation
    DisclosureRule.objects.create(
        channel="website", min_days=15, effective_from=dt.date(2024, 1, 1), citation="Test rule"
    )
    assert services.recheck_disclosures() == 1
    item.refresh_from_db()
    assert item.is_violation
    assert item.required_days == 15
    assert item.rule_citation == "Test rule"
    assert services.recheck_disclosures() == 0


@pytest.mark.django_db
def test_dates_are_checked(tree, commune_a_officer):
    base = {"title": "Quy hoạch", "category": "land", "channel": "posting"}
    future = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.save_disclosure(
            actor=commune_a_officer, unit=tree.commune_a, data={**base, "posted_from": future}
        )
    assert "posted_from" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.save_disclosure(
            actor=commune_a_officer,
            unit=tree.commune_a,
            data={**base, "posted_from": days_ago(5), "posted_to": days_ago(6)},
        )
    assert "posted_to" in exc.value.message_dict
    assert not DisclosureItem.objects.exists()


@pytest.mark.django_db
def test_commune_b_cannot_record_or_change_commune_a_items(tree, commune_b_officer):
    base = {"title": "x", "category": "land", "channel": "posting", "posted_from": days_ago(1)}
    with pytest.raises(PermissionDenied):
        services.save_disclosure(actor=commune_b_officer, unit=tree.commune_a, data=base)
    item = make_disclosure(tree.commune_a)
    with pytest.raises(PermissionDenied):
        services.save_disclosure(
            actor=commune_b_officer, unit=tree.commune_b, item=item, data={"title": "y"}
        )


# ------------------------------------------------------------------ the pure verdict


class Rule:
    def __init__(self, category="", channel="", min_days=30, since=dt.date(2023, 7, 1), to=None):
        self.category = category
        self.channel = channel
        self.min_days = min_days
        self.effective_from = since
        self.effective_to = to
        self.citation = f"{category or '*'}/{channel or '*'}/{min_days}"


RULES = [Rule(channel="posting"), Rule(channel="radio", min_days=3), Rule("village_convention")]


def test_strictest_rule_wins():
    on = dt.date(2025, 1, 1)
    rule = verdicts.strictest(RULES, category="village_convention", channel="radio", on=on)
    assert rule.min_days == 30
    assert verdicts.strictest(RULES, category="budget", channel="radio", on=on).min_days == 3
    assert verdicts.strictest(RULES, category="budget", channel="website", on=on) is None


def test_a_tie_prefers_the_more_specific_rule():
    on = dt.date(2025, 1, 1)
    specific = Rule("village_convention", "posting")
    rule = verdicts.strictest(
        [*RULES, specific], category="village_convention", channel="posting", on=on
    )
    assert rule is specific


def test_expired_rule_does_not_apply():
    old = Rule(channel="website", min_days=99, since=dt.date(2020, 1, 1), to=dt.date(2022, 12, 31))
    assert (
        verdicts.strictest([old], category="x", channel="website", on=dt.date(2023, 1, 1)) is None
    )
    assert verdicts.strictest([old], category="x", channel="website", on=dt.date(2022, 12, 31))


@given(
    start=st.dates(min_value=dt.date(2023, 7, 1), max_value=dt.date(2030, 1, 1)),
    length=st.integers(min_value=1, max_value=90),
    channel=st.sampled_from(["posting", "radio", "website", "meeting"]),
    category=st.sampled_from(["budget", "land", "village_convention"]),
)
def test_violation_iff_shorter_than_the_minimum(start, length, channel, category):
    end = start + dt.timedelta(days=length - 1)
    verdict = verdicts.verdict(
        RULES, category=category, channel=channel, posted_from=start, posted_to=end
    )
    assert verdict.days_posted == length
    if verdict.required_days is None:
        assert not verdict.is_violation
    else:
        assert verdict.is_violation == (length < verdict.required_days)
        assert verdict.shortfall == max(0, verdict.required_days - length)
        # Staying up until ends_no_earlier_than is exactly enough.
        enough = verdicts.verdict(
            RULES,
            category=category,
            channel=channel,
            posted_from=start,
            posted_to=verdict.ends_no_earlier_than,
        )
        assert not enough.is_violation
        assert enough.days_posted == verdict.required_days
    still = verdicts.verdict(
        RULES, category=category, channel=channel, posted_from=start, posted_to=None
    )
    assert not still.is_violation


@pytest.mark.django_db
def test_recheck_command(tree):
    from io import StringIO

    from django.core.management import call_command

    item = make_disclosure(
        tree.commune_a, channel="posting", posted_from=days_ago(40), posted_to=days_ago(21)
    )
    DisclosureItem.objects.filter(pk=item.pk).update(is_violation=False, required_days=None)
    out = StringIO()
    call_command("recheck_disclosures", stdout=out)
    assert out.getvalue().startswith("1 ")
    item.refresh_from_db()
    assert item.is_violation
