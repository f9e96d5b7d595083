"""Task deadlines (``danvan.plans.recurrence``): properties over random rules and windows.

The rules are checked against ``matches``, an oracle written independently of the module:
a day is a deadline of a rule when its month is one of the rule's months and its day is
the rule's day (or the month's last day, when a monthly or quarterly day runs past it).
"""

from __future__ import annotations

import calendar
import datetime as dt
from itertools import islice, pairwise

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from danvan.plans import recurrence
from danvan.plans.recurrence import Rule

D = dt.date
ONE_DAY = dt.timedelta(days=1)

dates = st.dates(min_value=D(1950, 1, 1), max_value=D(2150, 12, 31))
years = st.integers(min_value=1950, max_value=2150)
spans = st.integers(min_value=0, max_value=3 * 366)


def _exists(month: int, day: int) -> bool:
    return day <= calendar.monthrange(2024, month)[1]  # 2024 is a leap year: 29/02 exists


yearly_rules = (
    st.tuples(st.integers(1, 12), st.integers(1, 31))
    .filter(lambda md: _exists(*md))
    .map(lambda md: Rule(freq=recurrence.YEARLY, month=md[0], day=md[1]))
)
quarterly_rules = st.builds(
    Rule,
    freq=st.just(recurrence.QUARTERLY),
    month=st.integers(1, 3),
    day=st.integers(1, 31),
)
monthly_rules = st.builds(Rule, freq=st.just(recurrence.MONTHLY), day=st.integers(1, 31))
repeating_rules = st.one_of(yearly_rules, quarterly_rules, monthly_rules)
once_rules = st.builds(Rule, freq=st.just(recurrence.ONCE), due_on=dates)
valid_rules = st.one_of(repeating_rules, once_rules)


def matches(rule: Rule, day: dt.date) -> bool:
    """Is ``day`` a deadline of ``rule``? (The oracle; never calls the module.)"""
    if rule.freq == recurrence.ONCE:
        return day == rule.due_on
    last = calendar.monthrange(day.year, day.month)[1]
    if rule.freq == recurrence.YEARLY:
        return day.month == rule.month and day.day == rule.day
    if rule.freq == recurrence.QUARTERLY and (day.month - rule.month) % 3:
        return False
    return day.day == min(rule.day, last)


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


# --------------------------------------------------------------------- properties


@given(valid_rules, dates, spans)
def test_occurrences_are_exactly_the_matching_days_of_the_window(rule, start, span):
    until = start + dt.timedelta(days=span)
    found = list(recurrence.occurrences(rule, start, until))
    assert found == [day for day in days_between(start, until) if matches(rule, day)]


@given(valid_rules, dates, spans)
def test_occurrences_lie_in_the_window_and_strictly_increase(rule, start, span):
    until = start + dt.timedelta(days=span)
    found = list(recurrence.occurrences(rule, start, until))
    assert all(start <= day <= until for day in found)
    assert all(a < b for a, b in pairwise(found))


@given(repeating_rules, dates)
def test_an_endless_repeating_rule_keeps_falling_in_order(rule, start):
    found = list(islice(recurrence.occurrences(rule, start), 6))
    assert len(found) == 6
    assert found[0] >= start
    assert all(a < b for a, b in pairwise(found))
    assert all(matches(rule, day) for day in found)


@given(valid_rules, dates)
def test_next_on_or_after_skips_nothing(rule, day):
    found = recurrence.next_on_or_after(rule, day)
    if found is None:
        # Only a one-off date already past has no next deadline.
        assert rule.freq == recurrence.ONCE
        assert rule.due_on < day
        return
    assert found >= day
    assert matches(rule, found)
    assert not any(matches(rule, d) for d in days_between(day, found - ONE_DAY))


@given(valid_rules, dates)
def test_next_after_is_strictly_later(rule, day):
    found = recurrence.next_after(rule, day)
    if found is None:
        assert rule.freq == recurrence.ONCE
        assert rule.due_on <= day
        return
    assert found > day
    assert found == recurrence.next_on_or_after(rule, day + ONE_DAY)


@given(repeating_rules, dates, spans)
def test_next_on_or_after_respects_until(rule, day, span):
    until = day + dt.timedelta(days=span)
    found = recurrence.next_on_or_after(rule, day, until)
    unbounded = recurrence.next_on_or_after(rule, day)
    assert found == (unbounded if unbounded <= until else None)


@given(monthly_rules, years)
def test_a_monthly_rule_falls_twelve_times_a_year(rule, year):
    found = list(recurrence.occurrences(rule, D(year, 1, 1), D(year, 12, 31)))
    assert [day.month for day in found] == list(range(1, 13))


@given(quarterly_rules, years)
def test_a_quarterly_rule_falls_four_times_a_year_once_per_quarter(rule, year):
    found = list(recurrence.occurrences(rule, D(year, 1, 1), D(year, 12, 31)))
    assert [(day.month - 1) // 3 for day in found] == [0, 1, 2, 3]
    assert all((day.month - 1) % 3 + 1 == rule.month for day in found)


@given(yearly_rules, years)
def test_a_yearly_rule_falls_once_a_year_except_29_february(rule, year):
    found = list(recurrence.occurrences(rule, D(year, 1, 1), D(year, 12, 31)))
    if (rule.month, rule.day) == (2, 29):
        assert len(found) == (1 if calendar.isleap(year) else 0)
    else:
        assert found == [D(year, rule.month, rule.day)]


@given(years)
def test_day_31_monthly_falls_on_the_last_day_of_each_month(year):
    rule = Rule(freq=recurrence.MONTHLY, day=31)
    found = list(recurrence.occurrences(rule, D(year, 1, 1), D(year, 12, 31)))
    assert found == [D(year, m, calendar.monthrange(year, m)[1]) for m in range(1, 13)]


@given(st.integers(29, 31), st.integers(1, 3), years)
def test_a_quarterly_day_past_the_month_end_is_clamped(day, month, year):
    rule = Rule(freq=recurrence.QUARTERLY, day=day, month=month)
    found = list(recurrence.occurrences(rule, D(year, 1, 1), D(year, 12, 31)))
    for occurrence in found:
        last = calendar.monthrange(year, occurrence.month)[1]
        assert occurrence.day == min(day, last)


@given(valid_rules, dates, spans)
def test_problems_are_empty_exactly_when_the_rule_fires_in_the_window(rule, start, span):
    until = None if rule.freq == recurrence.ONCE else start + dt.timedelta(days=span)
    fires = next(recurrence.occurrences(rule, start, until), None) is not None
    assert (recurrence.problems(rule, start=start, until=until) == {}) == fires


@given(repeating_rules, dates, st.integers(1, 400))
def test_a_window_ending_before_the_start_is_refused(rule, start, back):
    until = start - dt.timedelta(days=back)
    assert "recur_until" in recurrence.problems(rule, start=start, until=until)
    assert list(recurrence.occurrences(rule, start, until)) == []


invalid_rules = st.one_of(
    # Dates that never exist, for a yearly rule.
    st.sampled_from(
        [
            Rule(freq=recurrence.YEARLY, month=2, day=30),
            Rule(freq=recurrence.YEARLY, month=2, day=31),
            Rule(freq=recurrence.YEARLY, month=4, day=31),
            Rule(freq=recurrence.YEARLY, month=6, day=31),
            Rule(freq=recurrence.YEARLY, month=9, day=31),
            Rule(freq=recurrence.YEARLY, month=11, day=31),
        ]
    ),
    # A month outside 1–12 (yearly) or outside 1–3 (quarterly), or none.
    st.builds(
        Rule,
        freq=st.just(recurrence.YEARLY),
        day=st.integers(1, 28),
        month=st.one_of(st.none(), st.integers(-5, 0), st.integers(13, 40)),
    ),
    st.builds(
        Rule,
        freq=st.just(recurrence.QUARTERLY),
        day=st.integers(1, 28),
        month=st.one_of(st.none(), st.integers(-5, 0), st.integers(4, 12)),
    ),
    # A day outside 1–31, or none, whatever the frequency.
    st.builds(
        Rule,
        freq=st.sampled_from([recurrence.YEARLY, recurrence.QUARTERLY, recurrence.MONTHLY]),
        day=st.one_of(st.none(), st.integers(-5, 0), st.integers(32, 99)),
        month=st.integers(1, 3),
    ),
    st.builds(Rule, freq=st.just(recurrence.ONCE), due_on=st.none()),
    st.builds(Rule, freq=st.sampled_from(["weekly", "", "daily"]), day=st.integers(1, 28)),
)


@given(invalid_rules, dates, st.one_of(st.none(), dates))
def test_an_invalid_rule_always_has_problems_and_never_fires(rule, start, until):
    assert recurrence.shape_problems(rule)
    assert recurrence.problems(rule, start=start, until=until)
    assert list(recurrence.occurrences(rule, start, until)) == []
    assert recurrence.next_on_or_after(rule, start) is None


@given(valid_rules)
def test_a_valid_rule_has_no_shape_problem(rule):
    assert recurrence.shape_problems(rule) == {}


@given(repeating_rules)
def test_describe_mentions_the_day(rule):
    with translation.override("en"):
        text = recurrence.describe(rule)
    if rule.freq == recurrence.YEARLY:
        assert f"{rule.day:02d}/{rule.month:02d}" in text
    else:
        assert f"day {rule.day} " in f"{text} "
        if rule.freq == recurrence.QUARTERLY:
            assert f"month {rule.month} " in text


@given(once_rules)
def test_describe_a_one_off_deadline_gives_its_date(rule):
    with translation.override("en"):
        assert recurrence.describe(rule) == f"By {rule.due_on:%d/%m/%Y}"


# ----------------------------------------------------------------------- examples


def test_the_yearly_report_due_on_1_november():
    rule = Rule(freq=recurrence.YEARLY, day=1, month=11)
    assert list(islice(recurrence.occurrences(rule, D(2025, 5, 10)), 2)) == [
        D(2025, 11, 1),
        D(2026, 11, 1),
    ]
    assert recurrence.next_after(rule, D(2025, 11, 1)) == D(2026, 11, 1)
    assert recurrence.next_on_or_after(rule, D(2025, 11, 1)) == D(2025, 11, 1)


def test_by_the_15th_of_the_last_month_of_each_quarter():
    rule = Rule(freq=recurrence.QUARTERLY, day=15, month=3)
    assert list(recurrence.occurrences(rule, D(2026, 1, 1), D(2026, 12, 31))) == [
        D(2026, 3, 15),
        D(2026, 6, 15),
        D(2026, 9, 15),
        D(2026, 12, 15),
    ]


def test_by_the_31st_means_by_month_end():
    rule = Rule(freq=recurrence.MONTHLY, day=31)
    assert list(recurrence.occurrences(rule, D(2028, 1, 15), D(2028, 5, 1))) == [
        D(2028, 1, 31),
        D(2028, 2, 29),
        D(2028, 3, 31),
        D(2028, 4, 30),
    ]


def test_29_february_falls_only_in_leap_years():
    rule = Rule(freq=recurrence.YEARLY, day=29, month=2)
    assert list(islice(recurrence.occurrences(rule, D(2025, 1, 1)), 3)) == [
        D(2028, 2, 29),
        D(2032, 2, 29),
        D(2036, 2, 29),
    ]
    # Across the skipped century year 2100: eight years between two deadlines.
    assert recurrence.next_after(rule, D(2096, 2, 29)) == D(2104, 2, 29)


def test_a_rule_that_never_fires_in_its_window_is_refused():
    rule = Rule(freq=recurrence.YEARLY, day=1, month=11)
    errors = recurrence.problems(rule, start=D(2026, 1, 1), until=D(2026, 10, 31))
    assert set(errors) == {"recur_until"}
    assert recurrence.problems(rule, start=D(2026, 1, 1), until=D(2026, 11, 1)) == {}


def test_30_february_and_31_april_are_refused_with_the_date():
    with translation.override("en"):
        assert (
            "30/02"
            in recurrence.problems(
                Rule(freq=recurrence.YEARLY, day=30, month=2), start=D(2026, 1, 1)
            )["recur_day"]
        )
        assert (
            "31/04"
            in recurrence.shape_problems(Rule(freq=recurrence.YEARLY, day=31, month=4))["recur_day"]
        )


def test_a_one_off_deadline_before_the_issue_date_is_refused():
    rule = Rule(freq=recurrence.ONCE, due_on=D(2026, 3, 1))
    assert set(recurrence.problems(rule, start=D(2026, 3, 2))) == {"due_on"}
    assert recurrence.problems(rule, start=D(2026, 3, 1)) == {}


def test_describe_examples():
    with translation.override("en"):
        assert recurrence.describe(Rule(freq=recurrence.YEARLY, day=1, month=11)) == (
            "Every year by 01/11"
        )
        assert recurrence.describe(Rule(freq=recurrence.QUARTERLY, day=15, month=3)) == (
            "Every quarter by day 15 of month 3 of the quarter"
        )
        assert recurrence.describe(Rule(freq=recurrence.MONTHLY, day=5)) == ("Every month by day 5")


# The far end of the calendar (two defects found by these tests, now fixed).


def test_a_deadline_in_the_last_representable_year_is_found():
    rule = Rule(freq=recurrence.YEARLY, day=1, month=11)
    assert recurrence.next_on_or_after(rule, D(9998, 12, 1)) == D(9999, 11, 1)


def test_a_rule_with_no_deadline_left_and_no_end_is_refused_not_crashed():
    rule = Rule(freq=recurrence.YEARLY, day=29, month=2)  # no leap year after 9996
    assert recurrence.problems(rule, start=D(9997, 3, 1))
