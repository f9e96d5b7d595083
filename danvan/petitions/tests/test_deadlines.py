"""Which legal clock applies to each letter, and how the stored due dates follow changes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from danvan.core.models import CalendarDay
from danvan.core.workdays import (
    DayKind,
    add_calendar_days,
    add_working_days,
    default_calendar,
    forget_calendar,
)
from danvan.petitions import deadlines, services
from danvan.petitions.models import DeadlineRule, Letter, Step, Track
from danvan.petitions.signals import RecomputeOnCommit
from danvan.petitions.tasks import recompute_deadlines
from danvan.petitions.tests.factories import clerk, make_letter

D = dt.date
RECEIVED = D(2026, 2, 10)  # Tuesday before Tết 2026
ACCEPTED = D(2026, 3, 2)  # Monday

# kind, complaint round, complexity, remote area → working days to accept, days to resolve
# (DOMAIN.md §5, written out by hand, not read from the rules).
CASES = [
    ("complaint", 1, "normal", False, 10, 30),
    ("complaint", 1, "complex", False, 10, 45),
    ("complaint", 1, "normal", True, 10, 45),
    ("complaint", 1, "complex", True, 10, 60),
    ("complaint", 2, "normal", False, 10, 45),
    ("complaint", 2, "complex", False, 10, 60),
    ("complaint", 2, "normal", True, 10, 60),
    ("complaint", 2, "complex", True, 10, 70),
    ("denunciation", 1, "normal", False, 7, 30),
    ("denunciation", 1, "complex", False, 7, 30),
    ("denunciation", 1, "especially_complex", False, 7, 30),
    ("denunciation", 1, "normal", True, 7, 30),  # no remote-area rule: the normal one
    ("petition", 1, "normal", False, 10, 30),
    ("petition", 1, "complex", True, 10, 30),  # petitions have one clock whatever the variant
    ("feedback", 1, "normal", False, 10, 30),
]


@pytest.fixture(autouse=True)
def _fresh_calendar():
    forget_calendar()
    yield
    forget_calendar()


@pytest.fixture
def remote_unit(tree):
    tree.commune_b.is_remote_area = True
    tree.commune_b.save(update_fields=["is_remote_area"])
    return tree.commune_b


@pytest.mark.parametrize(
    ("kind", "round_", "complexity", "remote", "accept_days", "resolve_days"), CASES
)
def test_every_variant_gets_its_clock(
    tree, remote_unit, kind, round_, complexity, remote, accept_days, resolve_days
):
    unit = remote_unit if remote else tree.commune_a
    letter = make_letter(
        unit,
        kind=kind,
        complaint_round=round_,
        status="accepted",
        received_on=RECEIVED,
        accepted_on=ACCEPTED,
        complexity=complexity,
    )
    calendar = default_calendar()
    assert letter.remote_area is remote
    assert letter.acceptance_due == add_working_days(calendar, RECEIVED, accept_days)
    assert letter.resolution_due == add_calendar_days(calendar, ACCEPTED, resolve_days)
    assert letter.current_due == letter.resolution_due
    explanation = deadlines.explain(
        letter.track, Step.RESOLUTION, ACCEPTED, complexity=complexity, remote=remote
    )
    assert explanation.rule.days == resolve_days
    assert explanation.due == letter.resolution_due


def test_a_few_due_dates_by_hand(tree, remote_unit):
    # 10 working days from 10/02/2026 across Tết: 11–13/02, 23–27/02, 02–03/03.
    letter = make_letter(tree.commune_a, kind="complaint", received_on=RECEIVED)
    assert letter.acceptance_due == D(2026, 3, 3)
    # 7 working days for a denunciation: 11–13/02, 23–26/02.
    letter = make_letter(tree.commune_a, kind="denunciation", received_on=RECEIVED)
    assert letter.acceptance_due == D(2026, 2, 26)
    # 60 days from 02/03 is Friday 01/05, a holiday: the next working day, Monday 04/05.
    letter = make_letter(
        remote_unit,
        kind="complaint",
        status="accepted",
        received_on=RECEIVED,
        accepted_on=ACCEPTED,
        complexity="complex",
    )
    assert letter.resolution_due == D(2026, 5, 4)


def test_denunciation_extensions(tree, commune_a_officer):
    def extend(letter, days, number):
        return services.extend(
            actor=commune_a_officer,
            letter=letter,
            days=days,
            decision_number=number,
            decision_date=D(2026, 3, 20),
        )

    normal = make_letter(
        tree.commune_a,
        kind="denunciation",
        status="accepted",
        received_on=RECEIVED,
        accepted_on=ACCEPTED,
    )
    with pytest.raises(ValidationError):
        extend(normal, 30, "1/QĐ")

    complex_ = make_letter(
        tree.commune_a,
        kind="denunciation",
        status="accepted",
        received_on=RECEIVED,
        accepted_on=ACCEPTED,
        complexity="complex",
    )
    assert complex_.resolution_due == D(2026, 4, 1)  # 02/03 + 30
    complex_ = extend(complex_, 30, "1/QĐ")
    assert complex_.resolution_due == D(2026, 5, 4)  # 02/03 + 60 = Fri 01/05 (holiday) → 04/05
    with pytest.raises(ValidationError):
        extend(complex_, 30, "2/QĐ")

    especially = make_letter(
        tree.commune_a,
        kind="denunciation",
        status="accepted",
        received_on=RECEIVED,
        accepted_on=ACCEPTED,
        complexity="especially_complex",
    )
    especially = extend(especially, 30, "1/QĐ")
    assert especially.resolution_due == D(2026, 5, 4)
    especially = extend(especially, 30, "2/QĐ")
    assert especially.resolution_due == D(2026, 6, 1)  # 02/03 + 90 = Sun 31/05 → Mon 01/06
    assert especially.current_due == D(2026, 6, 1)
    with pytest.raises(ValidationError):
        extend(especially, 1, "3/QĐ")


def _law_136(days: int = 20) -> DeadlineRule:
    old = DeadlineRule.objects.get(
        track=Track.COMPLAINT_1, step=Step.RESOLUTION, complexity="normal", remote_area=False
    )
    old.effective_to = D(2026, 6, 30)
    old.save()
    return DeadlineRule.objects.create(
        track=Track.COMPLAINT_1,
        step=Step.RESOLUTION,
        days=days,
        day_type="calendar",
        effective_from=D(2026, 7, 1),
        citation="Luật 136/2025/QH15 (a rule made up for the test)",
    )


def test_a_new_rule_applies_to_clocks_that_start_on_or_after_its_date(tree, db):
    new = _law_136()
    rules = deadlines.RuleBook.load()
    find = rules.find
    assert find(Track.COMPLAINT_1, Step.RESOLUTION, on=D(2026, 6, 30)).days == 30
    assert find(Track.COMPLAINT_1, Step.RESOLUTION, on=D(2026, 7, 1)) == new
    assert find(Track.COMPLAINT_1, Step.RESOLUTION, on=D(2027, 1, 1)) == new
    # The other variants keep their rules.
    assert find(Track.COMPLAINT_1, Step.RESOLUTION, complexity="complex", on=D(2026, 7, 1)).days
    assert (
        find(Track.COMPLAINT_1, Step.RESOLUTION, complexity="complex", on=D(2026, 7, 1)).days == 45
    )

    before = make_letter(
        tree.commune_a,
        kind="complaint",
        status="accepted",
        received_on=D(2026, 6, 29),
        accepted_on=D(2026, 6, 30),
    )
    on_the_day = make_letter(
        tree.commune_a,
        kind="complaint",
        status="accepted",
        received_on=D(2026, 6, 29),
        accepted_on=D(2026, 7, 1),
    )
    assert before.resolution_due == D(2026, 7, 30)  # 30 days
    assert on_the_day.resolution_due == D(2026, 7, 21)  # 20 days: the clock started on 01/07


def test_no_rule_in_force_gives_no_due_date(db):
    assert deadlines.rule_for(Track.COMPLAINT_1, Step.ACCEPTANCE, on=D(2010, 1, 4)) is None
    assert deadlines.explain(Track.COMPLAINT_1, Step.ACCEPTANCE, D(2010, 1, 4)) is None


def test_a_new_calendar_day_moves_the_stored_due_date_of_open_letters(
    tree, django_capture_on_commit_callbacks
):
    # 30 days from Thursday 01/10/2026 is Saturday 31/10: due Monday 02/11.
    open_letter = make_letter(
        tree.commune_a, status="accepted", received_on=D(2026, 10, 1), accepted_on=D(2026, 10, 1)
    )
    waiting = make_letter(tree.commune_a, received_on=D(2026, 10, 20))
    closed = make_letter(
        tree.commune_a, status="resolved", received_on=D(2026, 10, 1), accepted_on=D(2026, 10, 1)
    )
    assert open_letter.current_due == D(2026, 11, 2)
    assert waiting.current_due == D(2026, 11, 3)  # 10 working days from Tue 20/10
    stored_closed = closed.resolution_due

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        CalendarDay.objects.create(
            date=D(2026, 11, 2), kind=DayKind.DAY_OFF, name="Nghỉ (test)", source="test"
        )
    assert len(callbacks) == 1

    open_letter.refresh_from_db()
    waiting.refresh_from_db()
    closed.refresh_from_db()
    assert open_letter.resolution_due == open_letter.current_due == D(2026, 11, 3)
    assert waiting.acceptance_due == waiting.current_due == D(2026, 11, 4)
    assert closed.resolution_due == stored_closed  # a closed letter keeps its record

    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.get(date=D(2026, 11, 2)).delete()
    open_letter.refresh_from_db()
    assert open_letter.current_due == D(2026, 11, 2)


def test_changing_a_rule_moves_the_stored_due_dates(tree, django_capture_on_commit_callbacks):
    letter = make_letter(
        tree.commune_a, status="accepted", received_on=D(2026, 10, 1), accepted_on=D(2026, 10, 1)
    )
    rule = DeadlineRule.objects.get(track=Track.PETITION, step=Step.RESOLUTION)
    with django_capture_on_commit_callbacks(execute=True):
        rule.days = 15
        rule.save()
    letter.refresh_from_db()
    assert letter.current_due == D(2026, 10, 16)  # 01/10 + 15, a Friday


def test_one_recompute_per_transaction(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for day in (D(2030, 1, 2), D(2030, 1, 3), D(2030, 1, 4)):
            CalendarDay.objects.create(date=day, kind=DayKind.DAY_OFF, name="x", source="x")
        DeadlineRule.objects.filter(track=Track.FEEDBACK).first().save()
    assert len([c for c in callbacks if isinstance(c, RecomputeOnCommit)]) == 1


def test_the_task_reads_the_calendar_afresh(tree):
    letter = make_letter(
        tree.commune_a, status="accepted", received_on=D(2026, 10, 1), accepted_on=D(2026, 10, 1)
    )
    default_calendar()  # cached in this process, as in a worker that ran before
    # A row written without signals (as by another process): only the task's own reload sees it.
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=D(2026, 11, 2), kind=DayKind.DAY_OFF, name="x", source="x")]
    )
    assert recompute_deadlines.call() == 1
    letter.refresh_from_db()
    assert letter.current_due == D(2026, 11, 3)
    assert Letter.objects.filter(pk=letter.pk, resolution_due=D(2026, 11, 3)).exists()


def test_recompute_is_idempotent(tree):
    make_letter(tree.commune_a, received_on=D(2026, 10, 20))
    assert deadlines.recompute() == 0
    assert clerk(tree.commune_a).pk  # the clerk exists once per unit
