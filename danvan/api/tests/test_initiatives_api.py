"""The "Dân vận khéo" API: campaigns, initiatives, transitions, score sheets, statistics."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.initiatives import services
from danvan.initiatives.models import InitiativeKind, ScoreSheet, Status
from danvan.initiatives.tests.factories import (
    make_campaign,
    make_council,
    make_initiative,
    system_user,
)
from danvan.orgs.models import Role
from danvan.orgs.tests.factories import MembershipFactory, UserFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def campaign(tree):
    """An open campaign of the province whose registration window holds today."""
    return make_campaign(tree.province)


@pytest.fixture
def pair(campaign, tree):
    """One draft of commune A and one of commune B."""
    a = make_initiative(campaign, tree.commune_a, name="Mô hình Dân vận khéo phường Nha Trang")
    b = make_initiative(campaign, tree.commune_b, name="Mô hình Chợ an toàn Phan Rang")
    return a, b


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


def initiative_url(initiative, suffix: str = "") -> str:
    return f"/api/v1/initiatives/{initiative.pk}/{suffix}"


def move(client, initiative, action: str, **data):
    return client.post(initiative_url(initiative, "transitions/"), {"action": action, **data}, **EN)


# --- Authentication and scope ---------------------------------------------------------------


def test_every_endpoint_requires_credentials(api, pair, campaign):
    a, _b = pair
    for url in [
        "/api/v1/campaigns/",
        f"/api/v1/campaigns/{campaign.pk}/",
        f"/api/v1/campaigns/{campaign.pk}/statistics/",
        "/api/v1/initiatives/",
        initiative_url(a),
        initiative_url(a, "timeline/"),
        "/api/v1/councils/1/assignments/",
        "/api/v1/assignments/1/scores/",
    ]:
        assert api.get(url).status_code == 401, url
    assert api.post(initiative_url(a, "transitions/"), {"action": "submit"}).status_code == 401
    assert api.post("/api/v1/initiatives/", {}).status_code == 401


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        (
            "province_officer",
            ["Mô hình Chợ an toàn Phan Rang", "Mô hình Dân vận khéo phường Nha Trang"],
        ),
        ("observer", ["Mô hình Chợ an toàn Phan Rang", "Mô hình Dân vận khéo phường Nha Trang"]),
        ("commune_a_officer", ["Mô hình Dân vận khéo phường Nha Trang"]),
        ("commune_b_officer", ["Mô hình Chợ an toàn Phan Rang"]),
        ("outsider", []),
    ],
)
def test_who_sees_which_initiatives(request, api_as, pair, who, sees):
    user = request.getfixturevalue(who)

    assert names(api_as(user).get("/api/v1/initiatives/")) == sees


def test_out_of_scope_initiative_answers_404_everywhere(api_as, pair, commune_b_officer):
    a, _b = pair
    client = api_as(commune_b_officer)

    assert client.get(initiative_url(a)).status_code == 404
    assert client.get(initiative_url(a, "timeline/")).status_code == 404
    assert client.patch(initiative_url(a), {"name": "X"}, format="json").status_code == 404
    assert move(client, a, "submit").status_code == 404
    assert client.get(initiative_url(a), **EN).json() == {"detail": "Not found."}
    # Unknown or malformed ids answer the same.
    assert client.get("/api/v1/initiatives/999999/").status_code == 404
    assert client.get("/api/v1/initiatives/abc/").status_code == 404
    assert client.get(f"/api/v1/initiatives/{2**70}/").status_code == 404


# --- Campaigns ------------------------------------------------------------------------------


def test_campaigns_visible_to_the_units_taking_part(
    api_as, campaign, tree, commune_a_officer, commune_b_officer
):
    commune_campaign = make_campaign(tree.commune_a, name="Dân vận khéo phường Nha Trang")

    a_sees = names(api_as(commune_a_officer).get("/api/v1/campaigns/"))
    b_client = api_as(commune_b_officer)

    assert a_sees == sorted([campaign.name, commune_campaign.name])
    assert names(b_client.get("/api/v1/campaigns/")) == [campaign.name]
    assert b_client.get(f"/api/v1/campaigns/{commune_campaign.pk}/").status_code == 404


def test_campaign_filters(api_as, campaign, tree, province_officer):
    older = make_campaign(tree.province, year=campaign.year - 1, name="Dân vận khéo năm trước")
    client = api_as(province_officer)

    assert names(client.get("/api/v1/campaigns/", {"year": older.year})) == [older.name]
    assert names(client.get("/api/v1/campaigns/", {"q": "nam truoc"})) == [older.name]
    assert names(client.get("/api/v1/campaigns/", {"unit": tree.commune_a.pk})) == []
    assert len(names(client.get("/api/v1/campaigns/", {"unit": tree.province.pk}))) == 2
    assert client.get("/api/v1/campaigns/", {"year": "soon"}).status_code == 400


@pytest.mark.parametrize("count", [3, 20])
def test_campaign_list_queries_do_not_grow(
    api_as, tree, commune_a_officer, django_assert_max_num_queries, count
):
    for number in range(count):
        make_campaign(tree.province, year=2000 + number)
    client = api_as(commune_a_officer)

    # session, user, scope (memberships, successions), count, page
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/campaigns/", {"page_size": 100})

    assert response.json()["count"] == count


def test_campaign_detail_shows_fields_levels_and_rubrics(api_as, campaign, commune_b_officer):
    response = api_as(commune_b_officer).get(f"/api/v1/campaigns/{campaign.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert [f["name"] for f in data["fields"]] == [
        "Kinh tế",
        "Văn hóa - xã hội",
        "Quốc phòng - an ninh",
        "Xây dựng hệ thống chính trị",
    ]
    levels = data["levels"]
    assert [(lv["rank"], lv["name"], lv["pass_mark"]) for lv in levels] == [
        (1, "Cấp cơ sở", 70),
        (2, "Cấp tỉnh", 80),
    ]
    assert levels[0]["max_total"] == 100
    assert len(levels[0]["criteria"]) == 7
    assert levels[0]["criteria"][4]["name"] == "Hiệu quả thiết thực"
    assert levels[0]["criteria"][4]["max_points"] == 25
    assert levels[0]["criteria"][4]["weight"] == 1
    assert levels[0]["min_months_running"] == 6
    assert (data["quota_min"], data["quota_max"]) == (1, 2)
    assert data["aggregation"] == "mean"
    assert "commune" in data["required_kinds"]
    assert data["registration_opens"] <= data["registration_closes"]


# --- Statistics -----------------------------------------------------------------------------


def test_statistics_of_the_whole_campaign_or_of_the_callers_area(
    api_as, campaign, tree, province_officer, commune_a_officer, outsider
):
    make_initiative(campaign, tree.commune_a, status=Status.DRAFT)
    make_initiative(campaign, tree.commune_a, status=Status.REGISTERED, name="Mô hình thứ hai")
    make_initiative(campaign, tree.commune_b, status=Status.ACCEPTED, name="Mô hình thứ ba")
    url = f"/api/v1/campaigns/{campaign.pk}/statistics/"

    response = api_as(province_officer).get(url)

    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 3
    assert data["by_status"]["draft"] == 1
    assert data["by_status"]["registered"] == 1
    assert data["by_status"]["accepted"] == 1
    funnel = {row["stage"]: row["count"] for row in data["funnel"]}
    assert funnel == {"registered": 2, "accepted": 1, "recognised": 0, "proposed": 0, "rewarded": 0}
    economy = data["by_field"][0]
    assert (economy["field"], economy["count"], economy["recognised"]) == ("Kinh tế", 2, 0)
    assert data["replications"] == 0
    assert data["area"]["id"] == campaign.unit_id
    # A commune takes part in the campaign and sees the numbers of its own area only.
    commune = api_as(commune_a_officer).get(url).json()
    assert commune["area"]["id"] == tree.commune_a.pk
    assert commune["total"] == 2
    assert {row["stage"]: row["count"] for row in commune["funnel"]}["accepted"] == 0
    assert commune["by_field"][0]["count"] == 1
    assert api_as(outsider).get(url).status_code == 404


# --- Initiatives: list ----------------------------------------------------------------------


def test_initiative_filters_and_sort(api_as, campaign, tree, province_officer):
    make_initiative(campaign, tree.commune_a, name="Bếp ăn nghĩa tình")
    make_initiative(campaign, tree.commune_a, name="Chợ văn minh", status=Status.REGISTERED)
    make_initiative(
        campaign,
        tree.commune_b,
        name="Gương sáng khu phố",
        kind=InitiativeKind.EXEMPLAR,
        field=campaign.fields.last(),
    )
    client = api_as(province_officer)

    def rows(**params):
        response = client.get("/api/v1/initiatives/", params)
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    assert rows(unit=tree.commune_a.pk, sort="name") == ["Bếp ăn nghĩa tình", "Chợ văn minh"]
    assert rows(status="registered") == ["Chợ văn minh"]
    assert rows(kind="exemplar") == ["Gương sáng khu phố"]
    assert rows(field=campaign.fields.last().pk) == ["Gương sáng khu phố"]
    assert rows(q="CHO VAN") == ["Chợ văn minh"]
    assert rows(sort="-name") == ["Gương sáng khu phố", "Chợ văn minh", "Bếp ăn nghĩa tình"]
    assert rows(campaign=campaign.pk + 1000) == []
    assert rows(level=1) == []
    assert client.get("/api/v1/initiatives/", {"status": "done"}).status_code == 400
    assert client.get("/api/v1/initiatives/", {"sort": "budget"}).status_code == 400
    assert client.get("/api/v1/initiatives/", {"unit": "x"}).status_code == 400


def test_initiative_row(api_as, pair, campaign, tree, commune_a_officer):
    (row,) = api_as(commune_a_officer).get("/api/v1/initiatives/", **EN).json()["results"]

    assert row["name"] == "Mô hình Dân vận khéo phường Nha Trang"
    assert row["status"] == "draft"
    assert row["status_display"] == "Draft"
    assert row["unit"] == {"id": tree.commune_a.pk, "name": "Phường Nha Trang", "kind": "commune"}
    assert row["campaign"]["id"] == campaign.pk
    assert row["field"]["name"] == "Kinh tế"
    assert row["level"] is None
    assert row["url"].endswith(f"/api/v1/initiatives/{pair[0].pk}/")


@pytest.mark.parametrize("count", [3, 20])
def test_list_queries_do_not_grow_with_the_rows(
    api_as, campaign, tree, province_officer, django_assert_max_num_queries, count
):
    for number in range(count):
        unit = tree.commune_a if number % 2 else tree.commune_b
        make_initiative(campaign, unit, name=f"Mô hình số {number}")
    client = api_as(province_officer)

    # session, user, scope (memberships, successions), count, page
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/initiatives/", {"page_size": 100})

    assert response.json()["count"] == count


# --- Initiatives: create and edit -----------------------------------------------------------


def registration(campaign, tree, **changes):
    data = {
        "campaign": campaign.pk,
        "unit": tree.commune_a.pk,
        "kind": "model",
        "field": campaign.fields.first().pk,
        "name": "Mô hình “Phường sạch, dân vui”",
        "reason": "Rác thải tồn đọng ở các khu phố ven biển.",
        "goals": "100% hộ dân phân loại rác tại nguồn.",
        "area": "Phường Nha Trang",
        "start_date": "2026-01-15",
        "end_date": "2026-12-31",
        "coordinating_units": [tree.cell_a.pk],
        "milestones": [
            {"title": "Ra mắt mô hình", "due_date": "2026-02-01"},
            {"title": "Sơ kết 6 tháng", "due_date": "2026-07-15"},
        ],
    }
    data.update(changes)
    return data


def test_unit_officer_registers_a_draft(api_as, campaign, tree, commune_a_officer):
    response = api_as(commune_a_officer).post(
        "/api/v1/initiatives/", registration(campaign, tree), format="json"
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft"
    assert data["unit"]["id"] == tree.commune_a.pk
    assert data["lead_unit"]["id"] == tree.commune_a.pk
    assert [u["id"] for u in data["coordinating_units"]] == [tree.cell_a.pk]
    assert [(m["title"], m["due_date"]) for m in data["milestones"]] == [
        ("Ra mắt mô hình", "2026-02-01"),
        ("Sơ kết 6 tháng", "2026-07-15"),
    ]
    assert data["editable"] is True
    assert data["actions"] == ["submit"]


def test_registration_errors_answer_400_by_field(api_as, campaign, tree, commune_a_officer):
    client = api_as(commune_a_officer)
    other = make_campaign(tree.province, year=campaign.year - 1)

    def post(**changes):
        return client.post(
            "/api/v1/initiatives/", registration(campaign, tree, **changes), format="json", **EN
        )

    missing = post(name="")
    assert missing.status_code == 400
    assert "name" in missing.json()
    wrong_field = post(field=other.fields.first().pk)
    assert wrong_field.status_code == 400
    assert wrong_field.json() == {"field": ["Choose one of the campaign's fields."]}
    dates = post(start_date="2026-12-01", end_date="2026-01-01")
    assert dates.json() == {"end_date": ["The end date is before the start date."]}
    exemplar = post(kind="exemplar")
    assert exemplar.json() == {"exemplar_name": ["Name the person or collective of the exemplar."]}
    assert post(unit=2**70).status_code == 400
    assert not client.get("/api/v1/initiatives/").json()["results"]


def test_registering_for_another_unit_is_refused(api_as, campaign, tree, commune_b_officer):
    response = api_as(commune_b_officer).post(
        "/api/v1/initiatives/", registration(campaign, tree), format="json"
    )

    assert response.status_code == 403


def test_edit_a_draft_then_not_after_submitting(api_as, pair, tree, commune_a_officer, observer):
    a, _b = pair
    client = api_as(commune_a_officer)

    response = client.patch(
        initiative_url(a),
        {"area": "Khu phố 1", "milestones": [{"title": "Khởi động"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["area"] == "Khu phố 1"
    assert [m["title"] for m in response.json()["milestones"]] == ["Khởi động"]
    assert response.json()["name"] == a.name  # untouched fields stay

    assert move(client, a, "submit").status_code == 200
    refused = client.patch(initiative_url(a), {"area": "Khu phố 2"}, format="json", **EN)
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "The registration can no longer be edited: it is “Registered”.",
        "code": "not_editable",
    }
    # A read-only observer of the province sees it but may not edit it.
    assert (
        api_as(observer).patch(initiative_url(a), {"area": "X"}, format="json").status_code == 403
    )


# --- Transitions and timeline ---------------------------------------------------------------


def test_submit_then_accept_by_the_launching_reviewer(
    api_as, pair, commune_a_officer, province_reviewer
):
    a, _b = pair

    submitted = move(api_as(commune_a_officer), a, "submit")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "registered"

    accepted = move(api_as(province_reviewer), a, "accept", reason="Đúng tiêu chí")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["actions"] == ["discontinue"]


def test_an_invalid_or_raced_move_answers_409(api_as, pair, commune_a_officer, province_reviewer):
    a, _b = pair
    reviewer = api_as(province_reviewer)

    early = move(reviewer, a, "accept")
    assert early.status_code == 409
    assert early.json() == {
        "detail": "“Accept” is not possible while the initiative is “Draft”.",
        "code": "invalid_transition",
    }
    assert move(api_as(commune_a_officer), a, "submit").status_code == 200
    assert move(api_as(province_reviewer), a, "accept").status_code == 200
    # A second reviewer who had the same page open accepts too late.
    second = UserFactory(username="second_reviewer")
    MembershipFactory(user=second, unit=a.campaign.unit, role=Role.REVIEWER)
    late = move(api_as(second), a, "accept")
    assert late.status_code == 409
    assert late.json()["code"] == "invalid_transition"


def test_visible_but_not_allowed_moves_answer_403(
    api_as, pair, commune_a_officer, province_officer, province_reviewer
):
    a, _b = pair
    assert move(api_as(commune_a_officer), a, "submit").status_code == 200

    # The province officer sees the registration but only reviewers accept it.
    assert move(api_as(province_officer), a, "accept").status_code == 403
    # The unit cannot accept its own registration.
    assert move(api_as(commune_a_officer), a, "accept").status_code == 403
    # The reviewer does not submit for the unit.
    assert move(api_as(province_reviewer), a, "start").status_code == 403
    a.refresh_from_db()
    assert a.status == Status.REGISTERED


def test_moves_that_need_a_reason_or_text(api_as, pair, commune_a_officer, province_reviewer):
    a, _b = pair
    assert move(api_as(commune_a_officer), a, "submit").status_code == 200
    reviewer = api_as(province_reviewer)

    no_reason = move(reviewer, a, "return")
    assert no_reason.status_code == 400
    assert no_reason.json() == {"reason": ["Say why (it is kept in the timeline)."]}
    assert move(reviewer, a, "return", reason="Bổ sung kế hoạch").json()["status"] == "returned"
    assert move(reviewer, a, "fly").status_code == 400


def test_timeline(api_as, pair, commune_a_officer, province_reviewer, province_officer):
    a, _b = pair
    move(api_as(commune_a_officer), a, "submit")
    move(api_as(province_reviewer), a, "return", reason="Bổ sung nguồn lực")

    response = api_as(province_officer).get(initiative_url(a, "timeline/"), **EN)

    assert response.status_code == 200
    rows = response.json()
    assert [(r["action"], r["from_status"], r["to_status"]) for r in rows] == [
        ("submit", "draft", "registered"),
        ("return", "registered", "returned"),
    ]
    assert rows[0]["actor"] == commune_a_officer.display_name
    assert rows[1]["actor"] == province_reviewer.display_name
    assert rows[1]["reason"] == "Bổ sung nguồn lực"
    assert rows[1]["action_display"] == "Return"
    assert rows[1]["to_status_display"] == "Returned for changes"


# --- Councils and score sheets --------------------------------------------------------------


@pytest.fixture
def board(campaign, tree, council_member):
    """An initiative of commune A before the province's level-1 council of two members."""
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=colleague, unit=tree.province, role=Role.COUNCIL_MEMBER)
    council = make_council(campaign, members=[council_member, colleague])
    initiative = make_initiative(campaign, tree.commune_a, status=Status.UNDER_APPRAISAL)
    assignment = council.assignments.get(initiative=initiative)
    criteria = list(council.level.criteria.all())
    return type(
        "Board",
        (),
        {
            "council": council,
            "assignment": assignment,
            "criteria": criteria,
            "colleague": colleague,
            "url": f"/api/v1/assignments/{assignment.pk}/scores/",
        },
    )


def full_sheet(criteria, points=8, submit=False):
    return {
        "scores": [
            {"criterion": c.pk, "points": min(points, int(c.max_points)), "comment": "Tốt"}
            for c in criteria
        ],
        "comment": "Mô hình hiệu quả",
        "submit": submit,
    }


def test_member_saves_then_submits_scores(api_as, board, council_member):
    client = api_as(council_member)

    saved = client.put(board.url, full_sheet(board.criteria), format="json")
    assert saved.status_code == 200, saved.content
    sheet = saved.json()["sheet"]
    assert sheet["submitted_at"] is None
    assert [row["points"] for row in sheet["scores"]] == [8, 8, 8, 8, 8, 8, 8]
    assert sheet["total"] == 56

    submitted = client.put(board.url, full_sheet(board.criteria, submit=True), format="json")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["sheet"]["submitted_at"] is not None
    assert ScoreSheet.objects.get(member__user=council_member).submitted_at is not None

    again = client.put(board.url, full_sheet(board.criteria, points=9), format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "submitted"


def test_points_out_of_range_answer_400_by_criterion(api_as, board, council_member):
    payload = full_sheet(board.criteria)
    first = board.criteria[0]  # at most 10 points
    payload["scores"][0]["points"] = 11

    response = api_as(council_member).put(board.url, payload, format="json", **EN)

    assert response.status_code == 400
    assert response.json() == {"scores": {str(first.pk): ["Between 0 and 10."]}}
    assert not ScoreSheet.objects.filter(scores__isnull=False).exists()


def test_submitting_needs_every_criterion(api_as, board, council_member):
    payload = full_sheet(board.criteria, submit=True)
    del payload["scores"][-1]

    response = api_as(council_member).put(board.url, payload, format="json", **EN)

    assert response.status_code == 400
    assert response.json() == {
        "scores": {str(board.criteria[-1].pk): ["Score every criterion before submitting."]}
    }


def test_others_sheets_hidden_until_the_caller_submits(api_as, board, council_member):
    colleague = api_as(board.colleague)
    submitted = colleague.put(board.url, full_sheet(board.criteria, 5, submit=True), format="json")
    assert submitted.status_code == 200
    client = api_as(council_member)

    before = client.get(board.url).json()
    assert before["others_visible"] is False
    assert before["others"] == []
    assert before["sheet"]["submitted_at"] is None

    client.put(board.url, full_sheet(board.criteria, 8, submit=True), format="json")
    after = client.get(board.url).json()
    assert after["others_visible"] is True
    (other,) = after["others"]
    assert other["member"]["user"]["username"] == "colleague"
    assert other["total"] == 35


def test_a_draft_sheet_is_never_shown_to_others(api_as, board, council_member, province_reviewer):
    api_as(board.colleague).put(board.url, full_sheet(board.criteria, 5), format="json")
    api_as(council_member).put(board.url, full_sheet(board.criteria, submit=True), format="json")

    assert api_as(council_member).get(board.url).json()["others"] == []
    # The council's manager sees submitted sheets, and has no sheet of their own.
    managed = api_as(province_reviewer).get(board.url).json()
    assert managed["is_member"] is False
    assert managed["sheet"] is None
    assert [o["member"]["user"]["username"] for o in managed["others"]] == ["council_member"]


def test_member_from_the_registering_unit_has_a_conflict(
    api_as, board, commune_a_officer, council_member
):
    services.add_member(actor=system_user(), council=board.council, user=commune_a_officer)
    client = api_as(commune_a_officer)

    response = client.put(board.url, full_sheet(board.criteria), format="json", **EN)

    assert response.status_code == 403
    assert response.json() == {
        "detail": "You cannot score an initiative registered by your own unit.",
        "code": "conflict",
    }
    assert client.get(board.url).json()["conflict"] is True
    listed = client.get(f"/api/v1/councils/{board.council.pk}/assignments/").json()["results"]
    assert listed[0]["conflict"] is True
    assert api_as(council_member).get(board.url).json()["conflict"] is False


def test_assignments_of_a_council(api_as, board, council_member, province_reviewer):
    url = f"/api/v1/councils/{board.council.pk}/assignments/"
    client = api_as(council_member)

    (row,) = client.get(url).json()["results"]
    assert row["initiative"]["id"] == board.assignment.initiative_id
    assert row["initiative"]["unit"]["name"] == "Phường Nha Trang"
    assert row["own_sheet"] is None
    assert row["conflict"] is False
    assert row["sheets_submitted"] == 0

    client.put(board.url, full_sheet(board.criteria, submit=True), format="json")
    (row,) = client.get(url).json()["results"]
    assert row["own_sheet"]["submitted"] is True
    assert row["sheets_submitted"] == 1
    # The council's manager sees the list, without a sheet or a conflict of their own.
    (managed,) = api_as(province_reviewer).get(url).json()["results"]
    assert (managed["own_sheet"], managed["conflict"]) == (None, None)


@pytest.mark.parametrize("count", [3, 20])
def test_assignment_list_queries_do_not_grow(
    api_as, tree, council_member, django_assert_max_num_queries, count
):
    campaign = make_campaign(tree.province, quota_max=count)
    council = make_council(campaign, members=[council_member])
    for number in range(count):
        unit = tree.commune_a if number % 2 else tree.commune_b
        make_initiative(campaign, unit, name=f"Mô hình {number}", status=Status.UNDER_APPRAISAL)
    client = api_as(council_member)

    # session, user, council, members, scope (2), own units, count, page, own sheets
    with django_assert_max_num_queries(11):
        response = client.get(f"/api/v1/councils/{council.pk}/assignments/", {"page_size": 100})

    assert response.json()["count"] == count


def test_council_out_of_reach_answers_404(
    api_as, board, commune_b_officer, observer, province_officer
):
    for user in (commune_b_officer, observer):
        client = api_as(user)
        assert client.get(f"/api/v1/councils/{board.council.pk}/assignments/").status_code == 404
        assert client.get(board.url).status_code == 404
        assert client.put(board.url, full_sheet(board.criteria), format="json").status_code == 404
    # The province officer sees the council's area but neither manages nor sits on it.
    assert api_as(province_officer).get(board.url).status_code == 404


def test_manager_who_is_not_a_member_cannot_score(api_as, board, province_reviewer):
    response = api_as(province_reviewer).put(board.url, full_sheet(board.criteria), format="json")

    assert response.status_code == 403


def test_scores_closed_once_the_council_decided(api_as, board, council_member):
    outsider_member = UserFactory(username="late_member")
    services.add_member(actor=system_user(), council=board.council, user=outsider_member)
    for user in (council_member, board.colleague):
        api_as(user).put(board.url, full_sheet(board.criteria, 9, submit=True), format="json")
    services.decide_council(
        actor=system_user(),
        council=board.council,
        decision_number="15/QĐ-BCĐ",
        decision_date=timezone.localdate(),
        signer="Lê Văn C",
    )

    response = api_as(outsider_member).put(board.url, full_sheet(board.criteria), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "decided"
    # Once decided, every member sees every sheet.
    assert len(api_as(outsider_member).get(board.url).json()["others"]) == 2


# --- Schema ---------------------------------------------------------------------------------


def test_schema_lists_the_new_paths(api, db):
    schema = api.get(reverse("api-schema"), {"format": "json"}).json()

    assert {
        "/api/v1/campaigns/",
        "/api/v1/campaigns/{id}/",
        "/api/v1/campaigns/{id}/statistics/",
        "/api/v1/initiatives/",
        "/api/v1/initiatives/{id}/",
        "/api/v1/initiatives/{id}/transitions/",
        "/api/v1/initiatives/{id}/timeline/",
        "/api/v1/councils/{id}/assignments/",
        "/api/v1/assignments/{id}/scores/",
    } <= set(schema["paths"])
    initiatives = schema["paths"]["/api/v1/initiatives/"]
    assert {"campaign", "unit", "field", "kind", "status", "level", "q", "sort"} <= {
        p["name"] for p in initiatives["get"]["parameters"]
    }
    assert "post" in initiatives
    assert "409" in schema["paths"]["/api/v1/initiatives/{id}/transitions/"]["post"]["responses"]
    assert schema["paths"]["/api/v1/assignments/{id}/scores/"]["put"]["tags"] == ["councils"]
