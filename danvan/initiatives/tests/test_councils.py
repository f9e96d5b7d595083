"""Council pages: forming, assigning, the phone scoring screen, results, decision, Excel."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from danvan.initiatives import services
from danvan.initiatives.models import (
    Aggregation,
    Council,
    CouncilStatus,
    Recognition,
    Score,
    ScoreSheet,
    Status,
)
from danvan.initiatives.tests.factories import make_council, make_initiative
from danvan.orgs.models import Role
from danvan.orgs.tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def en(client):
    """The test client in English (the msgids), whatever the catalogue holds."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def as_user(client, user):
    client.force_login(user)
    return client


def member_user(username: str, unit) -> object:
    user = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=Role.COUNCIL_MEMBER)
    return user


def fraction_points(council, fraction: str) -> dict[int, Decimal]:
    """Points giving a weighted total of ``fraction`` × 100 on the default rubric."""
    return {c.pk: c.max_points * Decimal(fraction) for c in council.level.criteria.all()}


def submit(user, assignment, fraction: str, comment: str = ""):
    council = assignment.council
    criteria = list(council.level.criteria.all())
    return services.save_scores(
        actor=user,
        assignment=assignment,
        points=fraction_points(council, fraction),
        comments=dict.fromkeys((c.pk for c in criteria), comment),
        submit=True,
    )


@pytest.fixture
def council(campaign, tree, council_member):
    """A rank-1 province council of two members: ``council_member`` (chair) and ``member_2``."""
    other = member_user("member_2", tree.province)
    return make_council(campaign, members=[council_member, other])


@pytest.fixture
def assignment(council, campaign, tree):
    initiative = make_initiative(
        campaign, tree.commune_a, status=Status.UNDER_APPRAISAL, name="Mô hình Dân vận khéo A"
    )
    return initiative.assignments.get(council=council)


# ---------------------------------------------------------------- forming a council


def test_reviewer_forms_a_council_with_role_holders_and_extra_logins(
    en, campaign, tree, province_reviewer, council_member, observer
):
    cell_member = member_user("cell_member", tree.cell_a)
    client = as_user(en, province_reviewer)
    url = reverse("initiatives:council_create", args=[campaign.pk])
    page = client.get(url).content.decode()
    # Council-member role holders of the province's subtree are offered, with their unit.
    assert f'name="members" value="{council_member.pk}"' in page
    assert "Chi bộ Khu phố 1" in page
    assert f'name="members" value="{observer.pk}"' not in page  # observers hold no council role
    level = campaign.levels.get(rank=1)
    response = client.post(
        url,
        {
            "level": level.pk,
            "unit": tree.province.pk,
            "name": "",
            "members": [council_member.pk, cell_member.pk],
            "extra_logins": "observer@example.vn\n",
            "chair": council_member.pk,
        },
    )
    council = Council.objects.get(campaign=campaign)
    assert response.status_code == 302
    assert response["Location"] == council.get_absolute_url()
    assert (
        council.name == f"Hội đồng thẩm định mô hình “Dân vận khéo” Cấp cơ sở năm {campaign.year}"
    )
    members = {m.user.username: m.is_chair for m in council.members.select_related("user")}
    assert members == {"council_member": True, "cell_member": False, "observer": False}
    detail = client.get(council.get_absolute_url()).content.decode()
    assert council_member.display_name in detail


def test_unknown_login_is_refused_and_what_was_typed_is_kept(
    en, campaign, tree, province_reviewer, council_member
):
    client = as_user(en, province_reviewer)
    response = client.post(
        reverse("initiatives:council_create", args=[campaign.pk]),
        {
            "level": campaign.levels.get(rank=1).pk,
            "unit": tree.province.pk,
            "name": "Hội đồng riêng",
            "members": [council_member.pk],
            "extra_logins": "khong_ton_tai",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "No user has this username or e-mail: khong_ton_tai." in page
    assert "Hội đồng riêng" in page
    assert not Council.objects.exists()


def test_commune_admin_forms_a_council_at_their_commune_with_its_role_holders(
    en, campaign, tree, commune_a_admin, council_member
):
    cell_member = member_user("cell_member", tree.cell_a)
    client = as_user(en, commune_a_admin)
    url = reverse("initiatives:council_create", args=[campaign.pk])
    page = client.get(url).content.decode()
    # Only commune A is offered as the forming unit; the province's role holders are not.
    unit_select = page.split('name="unit"')[1].split("</select>")[0]
    assert f'<option value="{tree.commune_a.pk}" selected>' in unit_select
    assert "Tỉnh Khánh Hòa" not in unit_select
    assert f'name="members" value="{cell_member.pk}"' in page
    assert f'name="members" value="{council_member.pk}"' not in page
    # Changing the level reloads the form, keeping what was typed.
    level_2 = campaign.levels.get(rank=2)
    page = client.post(
        url,
        {"reload": "1", "level": level_2.pk, "unit": tree.commune_a.pk, "extra_logins": "abc"},
    ).content.decode()
    assert f"Cấp tỉnh năm {campaign.year}" in page
    assert ">abc</textarea>" in page
    assert not Council.objects.exists()
    client.post(
        url,
        {
            "level": campaign.levels.get(rank=1).pk,
            "unit": tree.commune_a.pk,
            "name": "Hội đồng phường Nha Trang",
            "members": [cell_member.pk],
        },
    )
    council = Council.objects.get()
    assert (council.unit, council.name) == (tree.commune_a, "Hội đồng phường Nha Trang")
    # Commune B's officer does not even see it.
    assert (
        as_user(en, commune_b_officer_user(tree)).get(council.get_absolute_url()).status_code == 404
    )


def commune_b_officer_user(tree):
    user = UserFactory(username="commune_b_officer")
    MembershipFactory(user=user, unit=tree.commune_b, role=Role.OFFICER)
    return user


def test_only_council_managers_may_form_a_council(
    en, campaign, commune_b_officer, observer, province_officer
):
    url = reverse("initiatives:council_create", args=[campaign.pk])
    for user in (commune_b_officer, observer, province_officer):
        assert as_user(en, user).get(url).status_code == 404
        assert (
            "new-council"
            not in en.get(reverse("initiatives:council_list", args=[campaign.pk])).content.decode()
        )


def test_council_list_shows_counts_and_only_councils_the_user_may_open(
    en, council, assignment, campaign, province_reviewer, observer, council_member
):
    url = reverse("initiatives:council_list", args=[campaign.pk])
    page = as_user(en, province_reviewer).get(url).content.decode()
    assert council.name in page
    assert "0/2" in page  # sheets submitted / expected (2 members × 1 initiative)
    assert "new-council" in page
    assert council.name in as_user(en, council_member).get(url).content.decode()
    assert council.name not in as_user(en, observer).get(url).content.decode()


def test_manager_adds_and_removes_members_observer_cannot(
    en, council, province_reviewer, observer, commune_b_officer
):
    url = reverse("initiatives:council_members", args=[council.pk])
    assert as_user(en, observer).post(url, {"login": "observer"}).status_code == 404
    client = as_user(en, province_reviewer)
    client.post(url, {"login": "commune_b_officer@example.vn"})
    member = council.members.get(user=commune_b_officer)
    response = client.post(url, {"login": "nobody_here"})
    assert "No user has this username or e-mail." in response.content.decode()
    client.post(url, {"remove": member.pk})
    assert not council.members.filter(user=commune_b_officer).exists()


# ---------------------------------------------------------------- assigning


def test_assigning_sends_a_self_assessed_initiative_and_refuses_a_young_one(
    en, council, campaign, tree, province_reviewer
):
    ready = make_initiative(campaign, tree.commune_a, status=Status.SELF_ASSESSED, name="Đủ tuổi")
    young = make_initiative(
        campaign,
        tree.commune_b,
        status=Status.SELF_ASSESSED,
        name="Mới khởi động",
        start_date=timezone.localdate() - dt.timedelta(days=95),
    )
    client = as_user(en, province_reviewer)
    detail = client.get(council.get_absolute_url()).content.decode()
    assert "Đủ tuổi" in detail
    assert "Mới khởi động" in detail
    response = client.post(
        reverse("initiatives:council_assign", args=[council.pk]),
        {"initiatives": [ready.pk, young.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "“Mới khởi động” was not sent: It has run 3 months; the level asks for at least 6" in (
        page.replace("&ldquo;", "“").replace("&rdquo;", "”")
    )
    ready.refresh_from_db()
    young.refresh_from_db()
    assert ready.status == Status.UNDER_APPRAISAL
    assert young.status == Status.SELF_ASSESSED
    assert list(council.assignments.values_list("initiative__name", flat=True)) == ["Đủ tuổi"]


def test_members_cannot_assign(en, council, campaign, tree, council_member):
    ready = make_initiative(campaign, tree.commune_a, status=Status.SELF_ASSESSED)
    url = reverse("initiatives:council_assign", args=[council.pk])
    assert as_user(en, council_member).post(url, {"initiatives": [ready.pk]}).status_code == 404
    ready.refresh_from_db()
    assert ready.status == Status.SELF_ASSESSED


# ---------------------------------------------------------------- scoring screen


def test_scoring_screen_for_members_only(
    en, assignment, council_member, commune_b_officer, observer, province_reviewer
):
    url = reverse("initiatives:council_score", args=[assignment.pk])
    page = as_user(en, council_member).get(url).content.decode()
    assert 'inputmode="decimal"' in page
    assert "Tên gọi, địa chỉ cụ thể" in page
    assert "0 \N{EN DASH} 10" in page
    assert "Tự đánh giá: đạt" in page  # the self-assessment, to judge by
    for user in (commune_b_officer, observer, province_reviewer):
        assert as_user(en, user).get(url).status_code == 404
    detail = reverse("initiatives:council_detail", args=[assignment.council.pk])
    assert as_user(en, commune_b_officer).get(detail).status_code == 404
    assert as_user(en, observer).get(detail).status_code == 404


def test_out_of_range_score_is_refused_next_to_its_criterion_and_typed_values_kept(
    en, assignment, council_member
):
    first, second = list(assignment.council.level.criteria.all())[:2]
    url = reverse("initiatives:council_score", args=[assignment.pk])
    response = as_user(en, council_member).post(
        url,
        {
            f"points_{first.pk}": "12",
            f"points_{second.pk}": "7.5",
            f"comment_{second.pk}": "Có địa chỉ rõ ràng",
            "draft": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    card = page.split(f'data-testid="criterion-{first.pk}"')[1].split('data-testid="criterion-')[0]
    assert "Between 0 and 10." in card
    assert 'value="12"' in card
    assert 'value="7.5"' in page
    assert "Có địa chỉ rõ ràng" in page
    assert not Score.objects.exists()


def test_draft_is_kept_and_submit_needs_every_criterion(en, assignment, council_member):
    first = assignment.council.level.criteria.first()
    url = reverse("initiatives:council_score", args=[assignment.pk])
    client = as_user(en, council_member)
    assert client.post(url, {f"points_{first.pk}": "8.25", "draft": "1"}).status_code == 302
    assert 'value="8.25"' in client.get(url).content.decode()
    response = client.post(url, {f"points_{first.pk}": "8.25", "submit": "1"})
    assert "Score every criterion before submitting." in response.content.decode()
    assert ScoreSheet.objects.get().submitted_at is None


def test_conflict_of_interest_page_and_post_are_refused(en, campaign, tree, council_member):
    commune_a_officer = UserFactory(username="commune_a_officer")
    MembershipFactory(user=commune_a_officer, unit=tree.commune_a, role=Role.OFFICER)
    MembershipFactory(user=commune_a_officer, unit=tree.commune_a, role=Role.COUNCIL_MEMBER)
    council = make_council(campaign, members=[council_member, commune_a_officer])
    own = make_initiative(campaign, tree.commune_a, status=Status.UNDER_APPRAISAL, name="Của A")
    other = make_initiative(campaign, tree.commune_b, status=Status.UNDER_APPRAISAL, name="Của B")
    own_assignment = own.assignments.get(council=council)
    other_assignment = other.assignments.get(council=council)
    client = as_user(en, commune_a_officer)
    own_url = reverse("initiatives:council_score", args=[own_assignment.pk])
    page = client.get(own_url).content.decode()
    assert "You cannot score an initiative registered by your own unit." in page
    assert "score-form" not in page
    points = {f"points_{pk}": "5" for pk in fraction_points(council, "0.5")}
    response = client.post(own_url, {**points, "submit": "1"})
    assert response.status_code == 403
    assert not ScoreSheet.objects.filter(assignment=own_assignment).exists()
    detail = client.get(council.get_absolute_url()).content.decode()
    assert "Conflict of interest — you cannot score this" in detail
    # Commune B's initiative is theirs to score.
    other_url = reverse("initiatives:council_score", args=[other_assignment.pk])
    assert "score-form" in client.get(other_url).content.decode()
    assert client.post(other_url, {**points, "submit": "1"}).status_code == 302
    assert ScoreSheet.objects.get(assignment=other_assignment).submitted_at is not None


def test_other_members_scores_are_hidden_until_one_submits(en, assignment, council_member):
    member_2 = assignment.council.members.get(user__username="member_2").user
    submit(council_member, assignment, "0.9", comment="NHẬN XÉT BÍ MẬT")
    client = as_user(en, member_2)
    url = reverse("initiatives:council_score", args=[assignment.pk])
    results_url = reverse("initiatives:council_results", args=[assignment.council.pk])
    before = client.get(url).content.decode()
    assert "NHẬN XÉT BÍ MẬT" not in before
    assert "90 / 100" not in before
    results_before = client.get(results_url).content.decode()
    assert f'data-testid="hidden-{assignment.pk}"' in results_before
    assert ">90<" not in results_before
    criteria = list(assignment.council.level.criteria.all())
    response = client.post(
        url, {**{f"points_{c.pk}": str(c.max_points / 2) for c in criteria}, "submit": "1"}
    )
    assert response.status_code == 302
    after = client.get(url).content.decode()
    assert "NHẬN XÉT BÍ MẬT" in after
    assert "90 / 100" in after  # the other member's total
    assert "50 / 100" in after  # one's own total, read-only
    assert "score-form" not in after
    results_after = client.get(results_url).content.decode()
    assert f'data-testid="result-{assignment.pk}"' in results_after
    assert ">70<" in results_after  # mean of 90 and 50


def test_scores_close_with_the_decision(en, assignment, council_member, province_reviewer):
    submit(council_member, assignment, "0.8")
    services.decide_council(
        actor=province_reviewer,
        council=assignment.council,
        decision_number="18/QĐ",
        decision_date=timezone.localdate(),
        signer="B",
    )
    member_2 = assignment.council.members.get(user__username="member_2").user
    client = as_user(en, member_2)
    url = reverse("initiatives:council_score", args=[assignment.pk])
    page = client.get(url).content.decode()
    assert "The council has decided; scores are closed." in page
    assert "score-form" not in page
    client.post(url, {"draft": "1"})
    assert not ScoreSheet.objects.filter(member__user=member_2).exists()
    # After the decision every member sees the whole sheet.
    results = client.get(reverse("initiatives:council_results", args=[assignment.council.pk]))
    assert f'data-testid="result-{assignment.pk}"' in results.content.decode()


# ---------------------------------------------------------------- results and decision


@pytest.fixture
def three_member_council(campaign, tree, council_member):
    """X gets totals 100, 60, 65 (mean 75, median 65); Y 72, 72, 50 (mean 64.67, median 72)."""
    members = [council_member, member_user("member_2", tree.province)]
    members.append(member_user("member_3", tree.province))
    council = make_council(campaign, members=members)
    x = make_initiative(campaign, tree.commune_a, status=Status.UNDER_APPRAISAL, name="Mô hình X")
    y = make_initiative(campaign, tree.commune_b, status=Status.UNDER_APPRAISAL, name="Mô hình Y")
    ax, ay = x.assignments.get(), y.assignments.get()
    for user, fx, fy in zip(members, ["1", "0.6", "0.65"], ["0.72", "0.72", "0.5"], strict=True):
        submit(user, ax, fx)
        submit(user, ay, fy)
    return council, x, y


@pytest.mark.parametrize(
    ("aggregation", "passer", "failer", "results"),
    [
        (Aggregation.MEAN, "Mô hình X", "Mô hình Y", ("75", "64.67")),
        (Aggregation.MEDIAN, "Mô hình Y", "Mô hình X", ("65", "72")),
    ],
)
def test_mean_or_median_decides_who_passes_and_the_decision_recognises_them(
    en, campaign, three_member_council, province_reviewer, aggregation, passer, failer, results
):
    campaign.aggregation = aggregation
    campaign.save(update_fields=["aggregation"])
    council, x, y = three_member_council
    client = as_user(en, province_reviewer)
    page = client.get(reverse("initiatives:council_results", args=[council.pk])).content.decode()
    table = page.split('data-testid="results-table"')[1]
    # Ranked: the passer first, with ✓; the other second with ✗.
    assert table.index(passer) < table.index(failer)
    x_row = table.split(f'data-testid="result-{x.assignments.get().pk}"')[1].split("</tr>")[0]
    y_row = table.split(f'data-testid="result-{y.assignments.get().pk}"')[1].split("</tr>")[0]
    assert f">{results[0]}<" in x_row
    assert f">{results[1]}<" in y_row
    response = client.post(
        reverse("initiatives:council_decide", args=[council.pk]),
        {
            "decision_number": "15/QĐ-HĐTĐ",
            "decision_date": timezone.localdate().isoformat(),
            "signer": "Nguyễn Văn Chủ",
            "signer_title": "Trưởng ban",
        },
    )
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.status == CouncilStatus.DECIDED
    statuses = {i.name: i.status for i in (x, y) if not i.refresh_from_db()}
    assert statuses == {passer: Status.RECOGNISED, failer: Status.NOT_RECOGNISED}
    recognition = Recognition.objects.get()
    assert recognition.initiative.name == passer
    assert recognition.decision_number == "15/QĐ-HĐTĐ"
    detail = client.get(council.get_absolute_url()).content.decode()
    assert "15/QĐ-HĐTĐ" in detail
    assert "Nguyễn Văn Chủ" in detail
    assert "decide-form" not in detail


def test_decision_is_refused_while_an_initiative_is_unscored_or_dated_in_the_future(
    en, assignment, province_reviewer, observer
):
    url = reverse("initiatives:council_decide", args=[assignment.council.pk])
    data = {
        "decision_number": "16/QĐ-HĐTĐ",
        "decision_date": timezone.localdate().isoformat(),
        "signer": "Nguyễn Văn Chủ",
    }
    assert as_user(en, observer).post(url, data).status_code == 404
    client = as_user(en, province_reviewer)
    page = client.post(url, data).content.decode()
    assert "1 initiative(s) have no submitted scores yet." in page
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    page = client.post(url, {**data, "decision_date": tomorrow}).content.decode()
    assert "The date is in the future." in page
    assert 'value="16/QĐ-HĐTĐ"' in page
    assignment.council.refresh_from_db()
    assert assignment.council.status == CouncilStatus.OPEN


def test_excel_score_sheet_reads_back(en, three_member_council, province_reviewer, council_member):
    council, _x, _y = three_member_council
    url = reverse("initiatives:export_council_xlsx", args=[council.pk])
    # A member sees the workbook only after the decision; a manager always.
    assert as_user(en, council_member).get(url).status_code == 404
    response = as_user(en, province_reviewer).get(url)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    results, scores = workbook.worksheets
    rows = list(results.iter_rows(values_only=True))
    header = rows[2]
    assert header[:4] == ("Rank", "Initiative", "Unit", "Field")
    assert header[-3:] == ("Result", "Pass mark", "Passed")
    first = rows[3]
    assert first[0] == 1
    assert first[1] == "Mô hình X"  # mean: 75 ranks first
    assert first[4:7] == (100, 60, 65)
    assert first[-3:] == (75, 70, "Yes")
    detail = list(scores.iter_rows(values_only=True))
    assert detail[2] == (
        "Member",
        "Initiative",
        "Criterion",
        "Points",
        "Maximum",
        "Weight",
        "Comment",
    )
    assert len(detail) - 3 == 3 * 2 * 7  # members × initiatives × criteria
    services.decide_council(
        actor=province_reviewer,
        council=council,
        decision_number="17/QĐ",
        decision_date=timezone.localdate(),
        signer="B",
    )
    assert as_user(en, council_member).get(url).status_code == 200


def test_excel_is_not_found_for_outsiders(en, council, commune_b_officer, observer):
    url = reverse("initiatives:export_council_xlsx", args=[council.pk])
    for user in (commune_b_officer, observer):
        assert as_user(en, user).get(url).status_code == 404


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_results_and_council_pages_use_a_constant_number_of_queries(
    en, campaign, tree, council, council_member, province_reviewer, django_assert_max_num_queries
):
    member_2 = council.members.get(user__username="member_2").user

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            initiative = make_initiative(
                campaign, tree.commune_b, status=Status.UNDER_APPRAISAL, name=f"Mô hình số {i}"
            )
            assignment = initiative.assignments.get()
            submit(council_member, assignment, "0.8")
            submit(member_2, assignment, "0.6")

    # Commune B registers more than the usual quota in this test: lift it.
    campaign.quota_max = 50
    campaign.save(update_fields=["quota_max"])
    add(2, 0)
    results = reverse("initiatives:council_results", args=[council.pk])
    detail = reverse("initiatives:council_detail", args=[council.pk])
    councils = reverse("initiatives:council_list", args=[campaign.pk])
    manager = as_user(en, province_reviewer)
    pages = (results, detail, councils)
    small = [count_queries(manager, url) for url in pages]
    add(6, 2)
    for n in range(4):
        services.create_council(
            actor=province_reviewer,
            campaign=campaign,
            level=campaign.levels.get(rank=2),
            unit=tree.province,
            name=f"Hội đồng cấp tỉnh {n}",
            members=[council_member, member_2],
        )
    assert [count_queries(manager, url) for url in pages] == small
    assert "Hội đồng cấp tỉnh 3" in manager.get(councils).content.decode()
    with django_assert_max_num_queries(20):
        manager.get(results)
    member = as_user(en, council_member)
    with django_assert_max_num_queries(20):
        member.get(results)
