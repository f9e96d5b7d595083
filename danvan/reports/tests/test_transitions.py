"""The review cycle as tables: every (state, action) pair, and every role × scope.

Each attempt runs in a savepoint that is rolled back, so one report is tried in every state
without the attempts changing each other.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from danvan.orgs.models import Role
from danvan.reports import services
from danvan.reports.models import ReportState
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db

OK, REFUSED, DENIED = "ok", "refused", "denied"
ACTIONS = ("save", "submit", "return", "accept", "reopen")


class _RollbackError(Exception):
    pass


def attempt(action) -> str:
    """OK, REFUSED (ValidationError) or DENIED (PermissionDenied); nothing is kept."""
    try:
        with transaction.atomic():
            action()
            raise _RollbackError
    except _RollbackError:
        return OK
    except ValidationError:
        return REFUSED
    except PermissionDenied:
        return DENIED


def do(action: str, report, *, writer, reviewer):
    report.refresh_from_db()
    if action == "save":
        return lambda: services.save_report(
            report, actor=writer, lock_version=report.lock_version, sections={"results": "x"}
        )
    if action == "submit":
        return lambda: services.submit(report, actor=writer)
    if action == "return":
        return lambda: services.return_report(report, actor=reviewer, comments={"": "Sửa lại."})
    if action == "accept":
        return lambda: services.accept(report, actor=reviewer)
    return lambda: services.reopen(report, actor=writer, reason="Sai số liệu")


# Which actions each state allows; every other pair is refused with a ValidationError.
ALLOWED = {
    ReportState.DRAFT: {"save", "submit"},
    ReportState.SUBMITTED: {"return", "accept"},
    ReportState.RETURNED: {"save", "submit"},
    ReportState.ACCEPTED: {"reopen"},
}


def test_every_state_allows_its_actions_and_refuses_the_others():
    tree = f.report_tree()
    period = f.open_period(tree)
    report = f.report_of(period, tree.commune_a)
    writer, reviewer = f.officer(tree.commune_a), f.reviewer(tree.province)

    def table(state):
        report.refresh_from_db()
        assert report.state == state
        return {
            (state, action): attempt(do(action, report, writer=writer, reviewer=reviewer))
            for action in ACTIONS
        }

    got = table(ReportState.DRAFT)
    f.submit(report)
    got |= table(ReportState.SUBMITTED)
    f.return_(report)
    got |= table(ReportState.RETURNED)
    f.submit(report)
    f.accept(report)
    got |= table(ReportState.ACCEPTED)
    expected = {
        (state, action): OK if action in allowed else REFUSED
        for state, allowed in ALLOWED.items()
        for action in ACTIONS
    }
    assert got == expected


def test_each_step_moves_the_state_and_keeps_revisions():
    tree = f.report_tree()
    period = f.open_period(tree)
    report = f.report_of(period, tree.commune_a)
    f.fill(report, {"people_contributions": 5})
    report = f.submit(report)
    assert report.state == ReportState.SUBMITTED
    report = f.return_(report)
    assert (report.state, report.accepted_revision) == (ReportState.RETURNED, None)
    f.submit(report)
    report = f.accept(report)
    assert (report.state, report.revision, report.accepted_revision) == (
        ReportState.ACCEPTED,
        1,
        1,
    )
    report = services.reopen(report, actor=f.officer(tree.commune_a), reason="Sai")
    assert (report.state, report.revision, report.accepted_revision) == (ReportState.DRAFT, 2, 1)


def test_a_returned_report_needs_a_comment():
    tree = f.report_tree()
    period = f.open_period(tree)
    report = f.submit(f.report_of(period, tree.commune_a))
    with pytest.raises(ValidationError):
        services.return_report(report, actor=f.reviewer(tree.province), comments={"x": "  "})


# ---- role × scope ----------------------------------------------------------------------------

ROLES = (Role.OFFICER, Role.LEADER, Role.REVIEWER, Role.OBSERVER, Role.UNIT_ADMIN)
WRITERS = {Role.OFFICER, Role.LEADER, Role.UNIT_ADMIN}
REVIEWERS = {Role.REVIEWER, Role.LEADER}


def test_permissions_on_a_communes_report_by_role_and_scope():
    """Who may see, type and review commune A's report."""
    tree = f.report_tree()
    period = f.open_period(tree)
    report = f.report_of(period, tree.commune_a)
    places = {"itself": tree.commune_a, "other commune": tree.commune_b, "province": tree.province}
    got, expected = {}, {}
    for place, unit in places.items():
        for role in ROLES:
            user = f.member(unit, role)
            key = (place, role)
            got[key] = (
                user.has_perm("reports.view_report", report),
                user.has_perm("reports.change_report", report),
                user.has_perm("reports.review_report", report),
            )
            expected[key] = (
                place != "other commune",
                place == "itself" and role in WRITERS,
                place == "province" and role in REVIEWERS,
            )
    admin = f.system_admin()
    got["system", "admin"] = tuple(
        admin.has_perm(perm, report)
        for perm in ("reports.view_report", "reports.change_report", "reports.review_report")
    )
    expected["system", "admin"] = (True, True, True)
    assert got == expected


def test_the_services_enforce_the_same_rules():
    tree = f.report_tree()
    period = f.open_period(tree)
    report = f.report_of(period, tree.commune_a)
    reviewer = f.reviewer(tree.province)

    def save(user):
        return do("save", report, writer=user, reviewer=reviewer)

    # a province officer does not type a commune's report
    assert attempt(save(f.officer(tree.province))) == DENIED
    assert attempt(save(f.officer(tree.commune_b))) == DENIED
    assert attempt(save(f.member(tree.commune_a, Role.OBSERVER))) == DENIED
    assert attempt(save(f.officer(tree.commune_a))) == OK
    assert attempt(save(f.system_admin())) == OK
    f.submit(report)

    def review(user, action="accept"):
        return do(action, report, writer=None, reviewer=user)

    # a commune's own reviewer and the other commune's are not above it
    assert attempt(review(f.reviewer(tree.commune_a))) == DENIED
    assert attempt(review(f.leader(tree.commune_b))) == DENIED
    assert attempt(review(f.officer(tree.province))) == DENIED
    assert attempt(review(f.member(tree.province, Role.OBSERVER), "return")) == DENIED
    assert attempt(review(f.leader(tree.province))) == OK
    assert attempt(review(reviewer, "return")) == OK


def test_the_period_owners_own_report_is_signed_off_by_its_leader():
    tree = f.report_tree()
    period = f.open_period(tree)
    report = f.report_of(period, tree.province)
    assert services.parent_report(report) is None
    f.fill(report, {"people_contributions": 7})
    f.submit(report)
    report.refresh_from_db()

    def review(user):
        return lambda: services.accept(report, actor=user)

    assert attempt(review(f.reviewer(tree.province))) == DENIED
    assert attempt(review(f.officer(tree.province))) == DENIED
    assert attempt(review(f.leader(tree.commune_a))) == DENIED
    services.accept(report, actor=f.leader(tree.province))
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    assert report.reviewed_by == f.leader(tree.province)


def test_a_closed_period_refuses_edit_submit_and_reopen():
    tree = f.report_tree()
    period = f.open_period(tree)
    draft = f.report_of(period, tree.commune_a)
    done = f.accepted(f.report_of(period, tree.commune_b), {"people_contributions": 1})
    services.close_period(period, actor=f.officer(tree.province))
    with pytest.raises(ValidationError):
        services.save_report(
            draft,
            actor=f.officer(tree.commune_a),
            lock_version=draft.lock_version,
            sections={"results": "muộn"},
        )
    assert draft.sections.get(key="results", revision=1).body == ""
    with pytest.raises(ValidationError):
        services.submit(draft, actor=f.officer(tree.commune_a))
    with pytest.raises(ValidationError):
        services.reopen(done, actor=f.officer(tree.commune_b), reason="Sai")
    with pytest.raises(ValidationError):
        services.open_period(period, actor=f.officer(tree.province))
    draft.refresh_from_db()
    done.refresh_from_db()
    assert (draft.state, done.state) == (ReportState.DRAFT, ReportState.ACCEPTED)


def test_a_stale_save_is_refused_and_the_report_untouched():
    tree = f.report_tree()
    period = f.open_period(tree)
    report = f.report_of(period, tree.commune_a)
    stale = report.lock_version
    f.fill(report, {"people_contributions": 3})
    with pytest.raises(services.StaleReportError):
        services.save_report(
            report, actor=f.officer(tree.commune_a), lock_version=stale, sections={"results": "y"}
        )
    assert report.sections.get(key="results", revision=1).body == ""
