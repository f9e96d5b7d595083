"""The lifecycle services: every allowed and every refused move, races, quota, councils."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from danvan.core.models import Notification
from danvan.initiatives import services
from danvan.initiatives.models import (
    TRANSITIONS,
    AwardKind,
    CampaignStatus,
    Initiative,
    Status,
    Transition,
)
from danvan.initiatives.tests.factories import (
    PATH_TO,
    make_campaign,
    make_council,
    make_initiative,
    score_all,
    system_user,
)
from danvan.orgs.models import Role
from danvan.orgs.tests.factories import MembershipFactory, UserFactory

# Every move with the arguments its service needs, called by the launching body's reviewer
# or the unit's officer as the move requires.


def call(action, initiative, *, unit_actor, launcher):
    if action == "submit":
        return services.submit(actor=unit_actor, initiative=initiative)
    if action == "return":
        return services.return_for_changes(actor=launcher, initiative=initiative, reason="Sửa")
    if action == "accept":
        return services.accept(actor=launcher, initiative=initiative)
    if action == "start":
        return services.start(actor=unit_actor, initiative=initiative)
    if action == "mid_term_review":
        return services.mid_term_review(actor=launcher, initiative=initiative, comment="Tốt")
    if action == "self_assess":
        return services.self_assess(actor=unit_actor, initiative=initiative, text="Đạt")
    if action == "propose":
        return services.propose(actor=launcher, initiative=initiative)
    if action == "reward":
        return services.record_award(
            actor=launcher,
            initiative=initiative,
            kind=AwardKind.objects.get(name="Giấy khen"),
            issuer="Chủ tịch UBND tỉnh",
            decision_number="9/QĐ-UBND",
            decision_date=timezone.localdate(),
            recipient_person="Tổ dân phố 3",
        )
    if action == "discontinue":
        return services.discontinue(actor=launcher, initiative=initiative, reason="Dừng")
    raise AssertionError(action)


BUTTON_MOVES = [
    a for a in TRANSITIONS if a not in {"send_to_council", "recognise", "not_recognise"}
]


@pytest.fixture
def actors(tree, commune_a_officer, province_reviewer):
    return {"unit_actor": commune_a_officer, "launcher": province_reviewer}


@pytest.mark.parametrize("status", list(PATH_TO))
@pytest.mark.parametrize("action", BUTTON_MOVES)
def test_every_move_from_every_status(campaign, tree, actors, status, action):
    initiative = make_initiative(campaign, tree.commune_a, status=status)
    move = TRANSITIONS[action]
    allowed = status in move.sources
    if action == "propose" and status in {Status.PROPOSED}:
        allowed = False
    before = Transition.objects.filter(initiative=initiative).count()
    if allowed:
        call(action, initiative, **actors)
        initiative.refresh_from_db()
        assert initiative.status == move.target
        last = initiative.transitions.order_by("-pk").first()
        assert (last.action, last.from_status, last.to_status) == (action, status, move.target)
        assert last.actor is not None
        assert last.at is not None
    else:
        with pytest.raises(ValidationError) as refused:
            call(action, initiative, **actors)
        initiative.refresh_from_db()
        assert initiative.status == status
        assert Transition.objects.filter(initiative=initiative).count() == before
        assert refused.value.messages  # a message the user can read


def test_a_refused_move_names_the_action_and_the_status(campaign, tree, actors):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.accept(actor=actors["launcher"], initiative=initiative)
    assert refused.value.code == "invalid_transition"
    message = refused.value.messages[0]
    assert str(TRANSITIONS["accept"].label) in message  # "Tiếp nhận" in Vietnamese
    assert str(Status.DRAFT.label) in message


def test_a_move_raced_by_two_users_applies_once(campaign, tree, province_reviewer):
    other = UserFactory(username="second_reviewer")
    MembershipFactory(user=other, unit=tree.province, role=Role.REVIEWER)
    initiative = make_initiative(campaign, tree.commune_a, status=Status.REGISTERED)
    # Both users loaded the page while it was "registered".
    stale_1 = Initiative.objects.get(pk=initiative.pk)
    stale_2 = Initiative.objects.get(pk=initiative.pk)
    services.accept(actor=province_reviewer, initiative=stale_1)
    with pytest.raises(ValidationError):
        services.accept(actor=other, initiative=stale_2)
    assert initiative.transitions.filter(action="accept").count() == 1


def test_moves_needing_a_reason_refuse_an_empty_one(campaign, tree, province_reviewer):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.REGISTERED)
    with pytest.raises(ValidationError) as refused:
        services.return_for_changes(actor=province_reviewer, initiative=initiative, reason="  ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.discontinue(actor=province_reviewer, initiative=initiative, reason="")
    initiative.refresh_from_db()
    assert initiative.status == Status.REGISTERED


def test_who_may_move(campaign, tree, commune_a_officer, commune_b_officer, province_officer):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.DRAFT)
    # Another commune cannot submit it; the registering unit can.
    with pytest.raises(PermissionDenied):
        services.submit(actor=commune_b_officer, initiative=initiative)
    services.submit(actor=commune_a_officer, initiative=initiative)
    # The registering unit cannot accept its own registration, nor can a province officer
    # who is not a reviewer or leader of the launching body.
    for actor in (commune_a_officer, province_officer):
        with pytest.raises(PermissionDenied):
            services.accept(actor=actor, initiative=initiative)


def test_observer_cannot_write(campaign, tree, observer):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.DRAFT)
    with pytest.raises(PermissionDenied):
        services.submit(actor=observer, initiative=initiative)
    with pytest.raises(PermissionDenied):
        services.create_initiative(
            actor=observer,
            campaign=campaign,
            unit=tree.commune_a,
            field=campaign.fields.first(),
            name="Không được",
        )


# ------------------------------------------------------------------ registration


def test_submit_outside_the_window_is_refused(tree, commune_a_officer):
    today = timezone.localdate()
    campaign = make_campaign(
        tree.province,
        registration_opens=today - dt.timedelta(days=60),
        registration_closes=today - dt.timedelta(days=1),
    )
    initiative = make_initiative(campaign, tree.commune_a)
    with pytest.raises(ValidationError) as refused:
        services.submit(actor=commune_a_officer, initiative=initiative)
    assert refused.value.code == "window_closed"
    assert (today - dt.timedelta(days=1)).strftime("%d/%m/%Y") in refused.value.messages[0]


def test_submit_to_a_campaign_not_open_is_refused(tree, commune_a_officer):
    campaign = make_campaign(tree.province, status=CampaignStatus.DRAFT)
    initiative = make_initiative(campaign, tree.commune_a)
    with pytest.raises(ValidationError):
        services.submit(actor=commune_a_officer, initiative=initiative)


def test_quota_max_refuses_the_third_registration(campaign, tree, commune_a_officer):
    make_initiative(campaign, tree.commune_a, status=Status.REGISTERED, name="Một")
    make_initiative(campaign, tree.commune_a, status=Status.ACCEPTED, name="Hai")
    third = make_initiative(campaign, tree.commune_a, name="Ba")
    with pytest.raises(ValidationError) as refused:
        services.submit(actor=commune_a_officer, initiative=third)
    assert refused.value.code == "quota_full"
    assert "Phường Nha Trang" in refused.value.messages[0]
    # Another unit is not affected.
    other = make_initiative(campaign, tree.commune_b, name="Bốn")
    services.submit(actor=system_user(), initiative=other)


def test_returned_and_discontinued_registrations_free_the_quota(campaign, tree, commune_a_officer):
    make_initiative(campaign, tree.commune_a, status=Status.RETURNED, name="Một")
    make_initiative(campaign, tree.commune_a, status=Status.DISCONTINUED, name="Hai")
    make_initiative(campaign, tree.commune_a, status=Status.REGISTERED, name="Ba")
    fourth = make_initiative(campaign, tree.commune_a, name="Bốn")
    services.submit(actor=commune_a_officer, initiative=fourth)
    fourth.refresh_from_db()
    assert fourth.status == Status.REGISTERED


def test_quota_is_not_cumulative_across_years(tree, commune_a_officer):
    this_year = timezone.localdate().year
    last = make_campaign(
        tree.province,
        year=this_year - 1,
        status=CampaignStatus.OPEN,
        registration_opens=dt.date(this_year - 1, 1, 1),
        registration_closes=timezone.localdate(),
    )
    current = make_campaign(tree.province, year=this_year)
    make_initiative(last, tree.commune_a, status=Status.REGISTERED, name="Năm trước 1")
    make_initiative(last, tree.commune_a, status=Status.REGISTERED, name="Năm trước 2")
    first = make_initiative(current, tree.commune_a, name="Năm nay 1")
    second = make_initiative(current, tree.commune_a, name="Năm nay 2")
    services.submit(actor=commune_a_officer, initiative=first)
    services.submit(actor=commune_a_officer, initiative=second)
    assert current.initiatives.counted().filter(unit=tree.commune_a).count() == 2


def test_exemplar_needs_its_person(campaign, tree, commune_a_officer):
    with pytest.raises(ValidationError) as refused:
        services.create_initiative(
            actor=commune_a_officer,
            campaign=campaign,
            unit=tree.commune_a,
            kind="exemplar",
            field=campaign.fields.first(),
            name="Điển hình",
            exemplar_name="",
        )
    assert "exemplar_name" in refused.value.message_dict


def test_registration_outside_the_campaign_area_is_refused(tree, system_admin):
    campaign = make_campaign(tree.commune_a)
    with pytest.raises(ValidationError) as refused:
        services.create_initiative(
            actor=system_admin,
            campaign=campaign,
            unit=tree.commune_b,
            field=campaign.fields.first(),
            name="Ngoài phạm vi",
        )
    assert "unit" in refused.value.message_dict


def test_replication_must_come_from_a_recognised_model_without_cycles(campaign, tree):
    source = make_initiative(campaign, tree.commune_a, status=Status.RECOGNISED, name="Gốc")
    copy = make_initiative(campaign, tree.commune_b, name="Bản sao", replicated_from=source)
    assert list(source.replications.all()) == [copy]
    draft = make_initiative(campaign, tree.department, name="Nháp")
    with pytest.raises(ValidationError) as refused:
        services.update_initiative(actor=system_user(), initiative=copy, replicated_from=draft)
    assert "replicated_from" in refused.value.message_dict


def test_submitting_notifies_the_launching_body(
    campaign, tree, commune_a_officer, province_reviewer
):
    initiative = make_initiative(campaign, tree.commune_a)
    mail.outbox.clear()
    with pytest.MonkeyPatch.context():
        services.submit(actor=commune_a_officer, initiative=initiative)
    assert Notification.objects.filter(user=province_reviewer).count() == 1
    assert initiative.name in Notification.objects.get(user=province_reviewer).text


# ---------------------------------------------------------------------- progress


def test_first_progress_update_starts_an_accepted_initiative(campaign, tree, commune_a_officer):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.ACCEPTED)
    services.add_progress(
        actor=commune_a_officer,
        initiative=initiative,
        date=timezone.localdate(),
        text="Tổ chức 3 buổi ra quân",
        figures=[{"label": "Hộ dân tham gia", "value": "120"}],
    )
    initiative.refresh_from_db()
    assert initiative.status == Status.IN_PROGRESS
    update = initiative.updates.get()
    assert update.figures == [{"label": "Hộ dân tham gia", "value": 120.0}]


@pytest.mark.parametrize(
    ("figures", "date_offset"),
    [([{"label": "Hộ", "value": "-3"}], 0), ([{"label": "", "value": "3"}], 0), ([], 2)],
)
def test_bad_progress_is_refused_and_saves_nothing(
    campaign, tree, commune_a_officer, figures, date_offset
):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.add_progress(
            actor=commune_a_officer,
            initiative=initiative,
            date=timezone.localdate() + dt.timedelta(days=date_offset),
            text="Báo cáo",
            figures=figures,
        )
    assert initiative.updates.count() == 0


def test_progress_is_refused_once_under_appraisal(campaign, tree, commune_a_officer):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.UNDER_APPRAISAL)
    with pytest.raises(PermissionDenied):
        services.add_progress(
            actor=commune_a_officer,
            initiative=initiative,
            date=timezone.localdate(),
            text="Muộn",
        )


# ---------------------------------------------------------------------- councils


def _council_with(campaign, users):
    return services.create_council(
        actor=system_user(),
        campaign=campaign,
        level=campaign.levels.get(rank=1),
        unit=campaign.unit,
        name="Hội đồng",
        members=users,
    )


def _members(tree, n):
    users = []
    for i in range(n):
        user = UserFactory(username=f"member{i}")
        MembershipFactory(user=user, unit=tree.province, role=Role.COUNCIL_MEMBER)
        users.append(user)
    return users


def test_too_young_initiative_cannot_be_appraised(campaign, tree, province_reviewer):
    initiative = make_initiative(
        campaign,
        tree.commune_a,
        status=Status.SELF_ASSESSED,
        start_date=timezone.localdate() - dt.timedelta(days=60),
    )
    council = _council_with(campaign, _members(tree, 1))
    with pytest.raises(ValidationError) as refused:
        services.send_to_council(actor=province_reviewer, initiative=initiative, council=council)
    assert refused.value.code == "too_young"
    assert "6" in refused.value.messages[0]


def test_scores_outside_the_range_are_refused(campaign, tree):
    (member,) = _members(tree, 1)
    council = _council_with(campaign, [member])
    initiative = make_initiative(campaign, tree.commune_a, status=Status.SELF_ASSESSED)
    assignment = services.send_to_council(
        actor=system_user(), initiative=initiative, council=council
    )
    criterion = council.level.criteria.first()  # max 10
    for bad in ("-1", "10.5", "abc"):
        with pytest.raises(ValidationError) as refused:
            services.save_scores(actor=member, assignment=assignment, points={criterion.pk: bad})
        assert f"points_{criterion.pk}" in refused.value.message_dict
    services.save_scores(actor=member, assignment=assignment, points={criterion.pk: "10"})


def test_submitting_needs_every_criterion_and_is_final(campaign, tree):
    (member,) = _members(tree, 1)
    council = _council_with(campaign, [member])
    initiative = make_initiative(campaign, tree.commune_a, status=Status.SELF_ASSESSED)
    assignment = services.send_to_council(
        actor=system_user(), initiative=initiative, council=council
    )
    criteria = list(council.level.criteria.all())
    with pytest.raises(ValidationError):
        services.save_scores(
            actor=member, assignment=assignment, points={criteria[0].pk: 5}, submit=True
        )
    services.save_scores(
        actor=member,
        assignment=assignment,
        points={c.pk: c.max_points for c in criteria},
        submit=True,
    )
    with pytest.raises(ValidationError) as refused:
        services.save_scores(actor=member, assignment=assignment, points={criteria[0].pk: 1})
    assert refused.value.code == "submitted"


def test_a_member_from_the_registering_unit_cannot_score(campaign, tree):
    insider = UserFactory(username="insider")
    MembershipFactory(user=insider, unit=tree.commune_a, role=Role.COUNCIL_MEMBER)
    council = _council_with(campaign, [insider])
    own = make_initiative(campaign, tree.commune_a, status=Status.SELF_ASSESSED, name="Của mình")
    # An agency under the member's commune counts as their own unit too.
    cell = make_initiative(campaign, tree.cell_a, status=Status.SELF_ASSESSED, name="Chi bộ")
    other = make_initiative(campaign, tree.commune_b, status=Status.SELF_ASSESSED, name="Khác")
    criteria = {c.pk: 1 for c in council.level.criteria.all()}
    for initiative in (own, cell):
        assignment = services.send_to_council(
            actor=system_user(), initiative=initiative, council=council
        )
        with pytest.raises(ValidationError) as refused:
            services.save_scores(actor=insider, assignment=assignment, points=criteria)
        assert refused.value.code == "conflict"
    assignment = services.send_to_council(actor=system_user(), initiative=other, council=council)
    services.save_scores(actor=insider, assignment=assignment, points=criteria, submit=True)


def test_a_province_member_may_score_every_commune(campaign, tree, council_member):
    council = _council_with(campaign, [council_member])
    initiative = make_initiative(campaign, tree.commune_a, status=Status.SELF_ASSESSED)
    assignment = services.send_to_council(
        actor=system_user(), initiative=initiative, council=council
    )
    points = {c.pk: 1 for c in council.level.criteria.all()}
    services.save_scores(actor=council_member, assignment=assignment, points=points, submit=True)


def test_non_members_cannot_score(campaign, tree, province_reviewer):
    council = _council_with(campaign, _members(tree, 1))
    initiative = make_initiative(campaign, tree.commune_a, status=Status.SELF_ASSESSED)
    assignment = services.send_to_council(
        actor=system_user(), initiative=initiative, council=council
    )
    with pytest.raises(PermissionDenied):
        services.save_scores(actor=province_reviewer, assignment=assignment, points={})


def _score(member, assignment, total_per_criterion):
    criteria = list(assignment.council.level.criteria.all())
    services.save_scores(
        actor=member,
        assignment=assignment,
        points={c.pk: min(Decimal(total_per_criterion), c.max_points) for c in criteria},
        submit=True,
    )


@pytest.mark.parametrize(("aggregation", "passes"), [("mean", False), ("median", True)])
def test_mean_or_median_decides_who_passes(tree, aggregation, passes):
    campaign = make_campaign(tree.province, aggregation=aggregation)
    members = _members(tree, 3)
    council = _council_with(campaign, members)
    initiative = make_initiative(campaign, tree.commune_a, status=Status.SELF_ASSESSED)
    assignment = services.send_to_council(
        actor=system_user(), initiative=initiative, council=council
    )
    # Totals: 100, 75, 0 → mean 58.33 (fails 70), median 75 (passes 70).
    criteria = list(council.level.criteria.all())
    services.save_scores(
        actor=members[0],
        assignment=assignment,
        points={c.pk: c.max_points for c in criteria},
        submit=True,
    )
    services.save_scores(
        actor=members[1],
        assignment=assignment,
        points={c.pk: c.max_points * Decimal("0.75") for c in criteria},
        submit=True,
    )
    services.save_scores(
        actor=members[2], assignment=assignment, points={c.pk: 0 for c in criteria}, submit=True
    )
    services.decide_council(
        actor=system_user(),
        council=council,
        decision_number="7/QĐ-BCĐ",
        decision_date=timezone.localdate(),
        signer="Lê Văn C",
    )
    initiative.refresh_from_db()
    assignment.refresh_from_db()
    assert initiative.status == (Status.RECOGNISED if passes else Status.NOT_RECOGNISED)
    assert assignment.result == (Decimal("75.00") if passes else Decimal("58.33"))
    if passes:
        recognition = initiative.recognitions.get()
        assert recognition.decision_number == "7/QĐ-BCĐ"
        assert initiative.level == council.level


def test_weights_count_in_the_total(tree):
    campaign = make_campaign(tree.province)
    (member,) = _members(tree, 1)
    level = campaign.levels.get(rank=1)
    services.save_level(
        actor=system_user(),
        campaign=campaign,
        rank=1,
        name=level.name,
        pass_mark=Decimal(25),
        min_months_running=0,
        criteria=[
            {"name": "Hiệu quả", "max_points": 10, "weight": 3},
            {"name": "Nhân rộng", "max_points": 10, "weight": 1},
        ],
    )
    council = _council_with(campaign, [member])
    initiative = make_initiative(campaign, tree.commune_a, status=Status.SELF_ASSESSED)
    assignment = services.send_to_council(
        actor=system_user(), initiative=initiative, council=council
    )
    first, second = council.level.criteria.all()
    services.save_scores(
        actor=member, assignment=assignment, points={first.pk: 8, second.pk: 2}, submit=True
    )
    assert services.council_results(council)[assignment.pk]["result"] == Decimal("26.00")


def test_decision_needs_every_initiative_scored_and_happens_once(campaign, tree):
    council = make_council(campaign)
    initiative = make_initiative(campaign, tree.commune_a, status=Status.SELF_ASSESSED)
    services.send_to_council(actor=system_user(), initiative=initiative, council=council)
    decide = {
        "actor": system_user(),
        "council": council,
        "decision_number": "1/QĐ",
        "decision_date": timezone.localdate(),
        "signer": "A",
    }
    with pytest.raises(ValidationError) as refused:
        services.decide_council(**decide)
    assert refused.value.code == "unscored"
    score_all(council, points=20)
    services.decide_council(**decide)
    with pytest.raises(ValidationError) as refused:
        services.decide_council(**decide)
    assert refused.value.code == "decided"


def test_rubric_is_frozen_once_scored(campaign, tree):
    council = make_council(campaign)
    initiative = make_initiative(campaign, tree.commune_a, status=Status.SELF_ASSESSED)
    assignment = services.send_to_council(
        actor=system_user(), initiative=initiative, council=council
    )
    member = council.members.first().user
    services.save_scores(
        actor=member, assignment=assignment, points={council.level.criteria.first().pk: 1}
    )
    with pytest.raises(ValidationError):
        services.save_level(
            actor=system_user(),
            campaign=campaign,
            rank=1,
            name="Cấp cơ sở",
            pass_mark=Decimal(50),
            min_months_running=6,
            criteria=[{"name": "Mới", "max_points": 100}],
        )


def test_proposal_goes_up_one_level_and_is_appraised_there(campaign, tree):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.PROPOSED)
    assert initiative.level.rank == 2
    upper = make_council(campaign, rank=2)
    services.send_to_council(actor=system_user(), initiative=initiative, council=upper)
    score_all(upper, points=20)
    services.decide_council(
        actor=system_user(),
        council=upper,
        decision_number="2/QĐ",
        decision_date=timezone.localdate(),
        signer="B",
    )
    initiative.refresh_from_db()
    assert initiative.status == Status.RECOGNISED
    assert sorted(initiative.recognitions.values_list("level__rank", flat=True)) == [1, 2]
    with pytest.raises(ValidationError) as refused:
        services.propose(actor=system_user(), initiative=initiative)
    assert refused.value.code == "top_level"


def test_failing_at_the_upper_level_keeps_the_lower_recognition(campaign, tree):
    initiative = make_initiative(campaign, tree.commune_a, status=Status.PROPOSED)
    upper = make_council(campaign, rank=2)
    services.send_to_council(actor=system_user(), initiative=initiative, council=upper)
    score_all(upper, points=1)
    services.decide_council(
        actor=system_user(),
        council=upper,
        decision_number="3/QĐ",
        decision_date=timezone.localdate(),
        signer="B",
    )
    initiative.refresh_from_db()
    assert initiative.status == Status.NOT_RECOGNISED
    assert initiative.level.rank == 1


def test_publication_only_for_recognised_and_with_a_story(campaign, tree, province_reviewer):
    draft = make_initiative(campaign, tree.commune_a, status=Status.IN_PROGRESS, name="Đang làm")
    with pytest.raises(ValidationError):
        services.set_publication(
            actor=province_reviewer, initiative=draft, published=True, story="x"
        )
    recognised = make_initiative(campaign, tree.commune_b, status=Status.RECOGNISED)
    with pytest.raises(ValidationError):
        services.set_publication(actor=province_reviewer, initiative=recognised, published=True)
    services.set_publication(
        actor=province_reviewer, initiative=recognised, published=True, story="Câu chuyện"
    )
    assert Initiative.objects.published().get() == recognised


def test_copy_campaign_moves_dates_and_copies_the_rubric(campaign, tree, province_officer):
    copy = services.copy_campaign(actor=province_officer, source=campaign, year=campaign.year + 1)
    assert copy.copied_from == campaign
    assert copy.registration_opens.year == campaign.registration_opens.year + 1
    assert list(copy.fields.values_list("name", flat=True)) == list(
        campaign.fields.values_list("name", flat=True)
    )
    assert copy.levels.count() == 2
    assert copy.levels.get(rank=1).criteria.count() == campaign.levels.get(rank=1).criteria.count()
    assert copy.status == CampaignStatus.DRAFT


def test_quota_reminders_are_sent_once_per_stage(tree, commune_b_officer):
    today = timezone.localdate()
    campaign = make_campaign(
        tree.province,
        registration_opens=today - dt.timedelta(days=30),
        registration_closes=today + dt.timedelta(days=5),
        required_kinds=["commune"],
    )
    make_initiative(campaign, tree.commune_a, status=Status.REGISTERED)
    assert services.send_quota_reminders(campaign=campaign, today=today) == 1
    assert services.send_quota_reminders(campaign=campaign, today=today) == 0
    note = Notification.objects.get(user=commune_b_officer)
    assert "Phường Phan Rang" in note.text
    # Two days before the close: the next stage reminds again.
    later = campaign.registration_closes - dt.timedelta(days=2)
    assert services.send_quota_reminders(campaign=campaign, today=later) == 1
