"""The letter list, due soon / overdue, the backlog: scope, search, the seal, filters, queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.orgs.models import Membership, Role
from danvan.orgs.tests.factories import UserFactory
from danvan.petitions import services
from danvan.petitions.filters import LetterFilters
from danvan.petitions.models import Letter, LetterFamily
from danvan.petitions.selectors import letter_list
from danvan.petitions.tests.factories import clerk, make_letter

LIST = reverse("petitions:letter_list")
OVERDUE = reverse("petitions:overdue_list")
BACKLOG = reverse("petitions:backlog")

SEALED_NAME = "Hoàng Thị Tố Giác"


def _codes(response) -> set[str]:
    return {letter.code for letter in response.context["page"].object_list}


@pytest.fixture
def letters(tree):
    a = make_letter(tree.commune_a, title="Tranh chấp đất đai ở khu phố 1")
    b = make_letter(tree.commune_b, title="Đề nghị sửa đường liên thôn")
    sealed = make_letter(
        tree.commune_a,
        kind="denunciation",
        title="Tố cáo cán bộ địa chính",
        citizen_name=SEALED_NAME,
    )
    return type("Letters", (), {"a": a, "b": b, "sealed": sealed})


# ------------------------------------------------------------------------- the list


def test_commune_b_sees_none_of_commune_a(client, letters, commune_b_officer):
    client.force_login(commune_b_officer)
    response = client.get(LIST)
    assert response.status_code == 200
    assert _codes(response) == {letters.b.code}
    html = response.content.decode()
    assert letters.a.code not in html
    assert letters.sealed.code not in html
    # Asking for commune A's subtree does not open it either.
    response = client.get(LIST, {"unit": letters.a.unit_id})
    assert _codes(response) == set()


def test_province_officer_sees_both_communes(client, letters, province_officer):
    client.force_login(province_officer)
    response = client.get(LIST)
    assert _codes(response) == {letters.a.code, letters.b.code, letters.sealed.code}
    response = client.get(LIST, {"unit": letters.b.unit_id})
    assert _codes(response) == {letters.b.code}


def test_accent_free_search(client, letters, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.get(LIST, {"q": "dat"})
    assert _codes(response) == {letters.a.code}
    response = client.get(LIST, {"q": "TRANH CHAP dat"})
    assert _codes(response) == {letters.a.code}


def test_search_never_finds_a_sealed_name(client, letters, commune_a_leader):
    # Even the leader who may read the identity does not find it through the search.
    client.force_login(commune_a_leader)
    assert _codes(client.get(LIST, {"q": "To Giac"})) == set()
    assert _codes(client.get(LIST, {"q": SEALED_NAME})) == set()
    # The subject of the same letter is found.
    assert _codes(client.get(LIST, {"q": "dia chinh"})) == {letters.sealed.code}


def test_the_list_shows_no_identity(client, tree, letters, commune_a_leader):
    open_name = make_letter(tree.commune_a, citizen_name="Phạm Văn Công Khai")
    client.force_login(commune_a_leader)
    html = client.get(LIST).content.decode()
    assert open_name.code in html
    assert SEALED_NAME not in html
    assert "Công Khai" not in html
    assert "0905123456" not in html


def test_filters(client, tree, commune_a_officer):
    today = timezone.localdate()
    petition = make_letter(tree.commune_a, received_on=today - dt.timedelta(days=40))
    complaint = make_letter(tree.commune_a, kind="complaint", channel="post")
    mine = make_letter(tree.commune_a, handler=commune_a_officer, is_over_level=True)
    anonymous = make_letter(tree.commune_a, kind="feedback", is_anonymous=True)
    cell = make_letter(tree.cell_a, subject_area="environment")
    client.force_login(commune_a_officer)
    assert _codes(client.get(LIST, {"kind": "complaint"})) == {complaint.code}
    assert _codes(client.get(LIST, {"channel": "post"})) == {complaint.code}
    assert _codes(client.get(LIST, {"subject_area": "environment"})) == {cell.code}
    assert _codes(client.get(LIST, {"mine": "1"})) == {mine.code}
    assert _codes(client.get(LIST, {"anonymous": "1"})) == {anonymous.code}
    assert _codes(client.get(LIST, {"over_level": "1"})) == {mine.code}
    assert _codes(client.get(LIST, {"unit": tree.cell_a.pk})) == {cell.code}
    assert petition.code in _codes(client.get(LIST, {"due": "overdue"}))
    assert petition.code not in _codes(client.get(LIST, {"due": "on_track"}))
    old = (today - dt.timedelta(days=41)).isoformat()
    cutoff = (today - dt.timedelta(days=39)).strftime("%d/%m/%Y")
    response = client.get(LIST, {"received_from": old, "received_to": cutoff})
    assert _codes(response) == {petition.code}
    # Malformed values are ignored, not answered with an error.
    response = client.get(LIST, {"kind": "nonsense", "unit": "x", "received_from": "31/02/2026"})
    assert response.status_code == 200
    assert len(_codes(response)) == 5


def test_sealed_filter_and_sort(client, tree, letters, commune_a_officer):
    client.force_login(commune_a_officer)
    assert _codes(client.get(LIST, {"sealed": "1"})) == {letters.sealed.code}
    Letter.objects.filter(pk=letters.a.pk).update(received_on=dt.date(2026, 1, 5))
    rows = client.get(LIST, {"sort": "received"}).context["page"].object_list
    assert rows[0].code == letters.a.code
    rows = list(client.get(LIST, {"sort": "-received"}).context["page"].object_list)
    assert rows[-1].code == letters.a.code


def test_due_state_in_the_database(tree):
    today = timezone.localdate()
    overdue = make_letter(tree.commune_a, received_on=today - dt.timedelta(days=60))
    soon = make_letter(tree.commune_a)
    Letter.objects.filter(pk=soon.pk).update(current_due=today + dt.timedelta(days=5))
    later = make_letter(tree.commune_a)
    Letter.objects.filter(pk=later.pk).update(current_due=today + dt.timedelta(days=6))
    user = clerk(tree.commune_a)

    def codes(due):
        return {x.code for x in letter_list(user, LetterFilters(due=due), today=today)}

    assert codes("overdue") == {overdue.code}
    assert codes("due_soon") == {soon.code}
    assert codes("on_track") == {later.code}


def test_htmx_returns_the_results_only(client, letters, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.get(LIST, {"q": "dat"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.templates[0].name == "petitions/partials/letter_results.html"
    html = response.content.decode()
    assert "<html" not in html
    assert letters.a.code in html
    assert 'data-testid="export-xlsx"' in html
    assert "q=dat" in html  # the export link keeps the filters


def test_due_badge_colours(client, tree, commune_a_officer):
    today = timezone.localdate()
    overdue = make_letter(tree.commune_a, received_on=today - dt.timedelta(days=60))
    soon = make_letter(tree.commune_a)
    Letter.objects.filter(pk=soon.pk).update(current_due=today + dt.timedelta(days=2))
    fine = make_letter(tree.commune_a)
    Letter.objects.filter(pk=fine.pk).update(current_due=today + dt.timedelta(days=20))
    client.force_login(commune_a_officer)
    html = client.get(LIST).content.decode()

    def badge(letter):
        row = html.split(f'data-code="{letter.code}"')[1].split("</tr>")[0]
        return row.split('data-testid="due-badge" data-state="')[1].split('"')[0]

    assert badge(overdue) == "overdue"
    assert badge(soon) == "due_soon"
    assert badge(fine) == "on_track"


def test_list_query_count_is_constant(
    client, tree, commune_a_officer, django_assert_max_num_queries
):
    handler = UserFactory(username="handler")
    Membership.objects.create(user=handler, unit=tree.commune_a, role=Role.OFFICER)
    for n in range(50):
        make_letter(
            tree.commune_a if n % 2 else tree.cell_a,
            handler=handler if n % 2 and n % 3 == 0 else None,
            kind="complaint" if n % 5 == 0 else "petition",
        )
    client.force_login(commune_a_officer)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50


def test_anonymous_visitor_is_sent_to_login(client, tree):
    response = client.get(LIST)
    assert response.status_code == 302


# ------------------------------------------------------------- due soon and overdue


@pytest.fixture
def deadlines(tree):
    today = timezone.localdate()
    long_ago = today - dt.timedelta(days=90)
    overdue_a = make_letter(tree.commune_a, received_on=long_ago, title="Quá hạn ở Nha Trang")
    resolved_a = make_letter(
        tree.commune_a, received_on=long_ago, status="resolved", title="Đã giải quyết"
    )
    soon_a = make_letter(tree.commune_a, title="Sắp đến hạn")
    Letter.objects.filter(pk=soon_a.pk).update(current_due=today + dt.timedelta(days=3))
    fine_a = make_letter(tree.commune_a, title="Còn hạn")
    Letter.objects.filter(pk=fine_a.pk).update(current_due=today + dt.timedelta(days=25))
    overdue_b = make_letter(tree.commune_b, received_on=long_ago, title="Quá hạn ở Phan Rang")
    return type(
        "Deadlines",
        (),
        {
            "overdue_a": overdue_a,
            "resolved_a": resolved_a,
            "soon_a": soon_a,
            "fine_a": fine_a,
            "overdue_b": overdue_b,
        },
    )


def test_overdue_page_lists_overdue_and_due_soon(client, tree, deadlines, commune_a_officer):
    client.force_login(commune_a_officer)
    response = client.get(OVERDUE)
    assert response.status_code == 200
    assert _codes(response) == {deadlines.overdue_a.code, deadlines.soon_a.code}
    assert deadlines.resolved_a.code not in response.content.decode()
    summary = response.context["summary"]
    assert [(row["unit"], row["overdue"], row["due_soon"], row["open"]) for row in summary] == [
        (tree.commune_a, 1, 1, 3)
    ]
    # The most urgent first.
    assert response.context["page"].object_list[0].code == deadlines.overdue_a.code
    only_overdue = client.get(OVERDUE, {"state": "overdue"})
    assert _codes(only_overdue) == {deadlines.overdue_a.code}


def test_overdue_scope(client, tree, deadlines, commune_b_officer, province_officer):
    client.force_login(commune_b_officer)
    response = client.get(OVERDUE)
    assert _codes(response) == {deadlines.overdue_b.code}
    assert deadlines.overdue_a.code not in response.content.decode()
    assert client.get(OVERDUE, {"unit": tree.commune_a.pk}).status_code == 404
    client.force_login(province_officer)
    response = client.get(OVERDUE)
    assert {deadlines.overdue_a.code, deadlines.overdue_b.code} <= _codes(response)
    assert {row["unit"].pk for row in response.context["summary"]} == {
        tree.commune_a.pk,
        tree.commune_b.pk,
    }
    response = client.get(OVERDUE, {"unit": tree.commune_b.pk})
    assert _codes(response) == {deadlines.overdue_b.code}


def test_escalated_letters_are_marked(client, tree, deadlines, commune_a_officer):
    # What services.escalate_overdue records on a newly overdue letter.
    Letter.objects.filter(pk=deadlines.overdue_a.pk).update(escalated_on=timezone.localdate())
    client.force_login(commune_a_officer)
    html = client.get(OVERDUE).content.decode()
    row = html.split(f'data-code="{deadlines.overdue_a.code}"')[1].split("</tr>")[0]
    assert 'data-testid="escalated"' in row
    row = html.split(f'data-code="{deadlines.soon_a.code}"')[1].split("</tr>")[0]
    assert 'data-testid="escalated"' not in row


# ---------------------------------------------------------------------------- backlog


def _ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _row(response, unit):
    return next(row for row in response.context["table"].rows if row.unit.pk == unit.pk)


def test_backlog_by_age_per_unit(client, tree, province_officer):
    make_letter(tree.commune_a, received_on=_ago(10))
    make_letter(tree.commune_a, received_on=_ago(30))
    make_letter(tree.cell_a, received_on=_ago(31))
    make_letter(tree.commune_a, received_on=_ago(200), status="accepted")
    make_letter(tree.commune_a, received_on=_ago(400))
    make_letter(tree.commune_a, received_on=_ago(100), status="resolved")  # closed: not counted
    first = make_letter(tree.commune_b, received_on=_ago(91))
    second = make_letter(tree.commune_b, received_on=_ago(5))
    services.link(actor=clerk(tree.commune_b), letters=[first, second])
    client.force_login(province_officer)
    response = client.get(BACKLOG, {"unit": tree.province.pk})
    assert response.status_code == 200
    a = _row(response, tree.commune_a).counts
    assert (a["d30"], a["d90"], a["d180"], a["d365"], a["older"]) == (2, 1, 0, 1, 1)
    assert (a["total"], a["repeat"]) == (5, 0)
    b = _row(response, tree.commune_b).counts
    assert (b["d30"], b["d90"], b["d180"], b["total"], b["repeat"]) == (1, 0, 1, 2, 2)
    assert response.context["table"].total["total"] == 7
    assert _row(response, tree.commune_a).drillable  # it has a party cell under it
    assert not _row(response, tree.commune_b).drillable
    # Drilling into commune A shows its own letters and its cell.
    response = client.get(BACKLOG, {"unit": tree.commune_a.pk})
    assert response.context["table"].own["total"] == 4
    assert _row(response, tree.cell_a).counts["d90"] == 1
    assert [u.pk for u in response.context["trail"]] == [tree.province.pk, tree.commune_a.pk]


def test_backlog_scope(client, tree, commune_b_officer):
    make_letter(tree.commune_a, received_on=_ago(10))
    make_letter(tree.commune_b, received_on=_ago(10))
    client.force_login(commune_b_officer)
    response = client.get(BACKLOG)
    assert response.status_code == 200
    assert response.context["root"].pk == tree.commune_b.pk
    assert response.context["table"].total["total"] == 1
    assert client.get(BACKLOG, {"unit": tree.commune_a.pk}).status_code == 404
    assert client.get(BACKLOG, {"unit": tree.province.pk}).status_code == 404


def test_backlog_counts_in_a_fixed_number_of_queries(
    client, tree, province_officer, django_assert_max_num_queries
):
    for days in (1, 40, 100, 250, 500):
        make_letter(tree.commune_a, received_on=_ago(days))
        make_letter(tree.commune_b, received_on=_ago(days))
    LetterFamily.objects.create(unit=tree.commune_a, title="x")
    client.force_login(province_officer)
    with django_assert_max_num_queries(12):
        response = client.get(BACKLOG, {"unit": tree.province.pk})
    assert response.context["table"].total["total"] == 10
