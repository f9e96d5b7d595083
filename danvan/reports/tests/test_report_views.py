"""One report's pages: detail, edit (errors, stale saves), submit, review, reopen, refresh."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.reports import services
from danvan.reports.models import EventKind, Report, ReportState, ReportValue, ReviewComment
from danvan.reports.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    tree = f.report_tree()
    today = timezone.localdate()
    period = f.open_period(
        tree,
        start_date=today - dt.timedelta(days=200),
        end_date=today,
        due=today + dt.timedelta(days=10),
    )
    return tree, period


def _url(name: str, report: Report, *args) -> str:
    return reverse(f"reports:{name}", args=[report.pk, *args])


def _edit_data(report: Report, **extra) -> dict:
    report.refresh_from_db()
    data = {"lock_version": report.lock_version, "place": "Hòa Bình", "number": "12/BC-UBND"}
    for section in report.sections.filter(revision=report.revision):
        data[f"section-{section.key}"] = section.body
    data.update(extra)
    return data


def _fig(code: str, part: str) -> str:
    return f"fig-{f.indicator(code).pk}-{part}"


# ------------------------------------------------------------------ seeing


def test_detail_shows_sections_figures_comments_and_actions_for_the_writer(client, setup):
    tree, period = setup
    report = f.report_of(period, tree.commune_a)
    f.fill(report, {"letters_received": 12, "poor_households": (40, 1000)}, results="Kết quả tốt")
    client.force_login(f.officer(tree.commune_a))
    response = client.get(_url("report_detail", report))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kết quả tốt" in html
    assert 'data-code="letters_received"' in html
    assert "40 / 1.000" in html
    for action in ("edit", "submit", "refresh"):
        assert f'data-testid="{action}"' in html
    assert 'data-testid="review-form"' not in html
    assert 'data-testid="reopen"' not in html


def test_another_commune_cannot_see_or_touch_a_report(client, setup):
    tree, period = setup
    report = f.report_of(period, tree.commune_a)
    client.force_login(f.officer(tree.commune_b))
    assert client.get(_url("report_detail", report)).status_code == 404
    assert client.get(_url("report_edit", report)).status_code == 404
    assert client.get(_url("report_revision", report, 1)).status_code == 404
    for name in (
        "report_edit",
        "report_submit",
        "report_review",
        "report_reopen",
        "report_refresh",
    ):
        assert client.post(_url(name, report), {"action": "accept"}).status_code == 404
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_a_province_officer_sees_but_cannot_edit_or_submit_a_commune_report(client, setup):
    tree, period = setup
    report = f.report_of(period, tree.commune_a)
    client.force_login(f.officer(tree.province))
    response = client.get(_url("report_detail", report))
    assert response.status_code == 200
    assert 'data-testid="edit"' not in response.content.decode()
    assert client.get(_url("report_edit", report)).status_code == 403
    assert client.post(_url("report_edit", report), _edit_data(report)).status_code == 403
    assert client.post(_url("report_submit", report)).status_code == 403
    report.refresh_from_db()
    assert (report.state, report.place) == (ReportState.DRAFT, "")


# ------------------------------------------------------------------ editing


def test_edit_saves_header_sections_and_figures(client, setup):
    tree, period = setup
    report = f.report_of(period, tree.commune_a)
    client.force_login(f.officer(tree.commune_a))
    assert client.get(_url("report_edit", report)).status_code == 200
    data = _edit_data(
        report,
        **{
            "section-results": "Đã tổ chức 3 hội nghị.",
            _fig("letters_received", "value"): "1234",
            _fig("poor_households", "numerator"): "40",
            _fig("poor_households", "denominator"): "1000",
            _fig("poor_households", "note"): "theo rà soát",
        },
    )
    response = client.post(_url("report_edit", report), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.place, report.number) == ("Hòa Bình", "12/BC-UBND")
    assert report.sections.get(key="results").body == "Đã tổ chức 3 hội nghị."
    values = {v.indicator.code: v for v in report.values.select_related("indicator")}
    assert values["letters_received"].value == 1234
    assert values["poor_households"].value == 4
    assert values["poor_households"].note == "theo rà soát"
    # the edit form shows the stored figures back
    html = client.get(_url("report_edit", report)).content.decode()
    assert 'value="1234"' in html


def test_a_two_line_signer_title_survives_the_edit_page(client, setup):
    tree, period = setup
    report = f.report_of(period, tree.commune_a)
    report.signer_title = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    report.save(update_fields=["signer_title"])
    client.force_login(f.officer(tree.commune_a))
    html = client.get(_url("report_edit", report)).content.decode()
    # shown in a text area, lines kept (an input would join them on the next save)
    assert 'name="signer_title"' in html and "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH</textarea>" in html
    data = _edit_data(report, signer_title="TM. ỦY BAN NHÂN DÂN\r\nCHỦ TỊCH")
    assert client.post(_url("report_edit", report), data).status_code == 302
    report.refresh_from_db()
    assert report.signer_title == "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"


def test_the_signing_date_can_be_set_and_cleared(client, setup):
    tree, period = setup
    report = f.report_of(period, tree.commune_a)
    client.force_login(f.officer(tree.commune_a))
    data = _edit_data(report, signed_on="2026-10-29")
    assert client.post(_url("report_edit", report), data).status_code == 302
    report.refresh_from_db()
    assert report.signed_on == dt.date(2026, 10, 29)
    data = _edit_data(report, signed_on="")
    assert client.post(_url("report_edit", report), data).status_code == 302
    report.refresh_from_db()
    assert report.signed_on is None


def test_field_errors_show_beside_each_figure_and_keep_everything_typed(client, setup):
    tree, period = setup
    report = f.report_of(period, tree.commune_a)
    client.force_login(f.officer(tree.commune_a))
    client.cookies["django_language"] = "en"
    data = _edit_data(
        report,
        **{
            "section-results": "Văn bản đang soạn",
            _fig("letters_received", "value"): "-3",
            _fig("poor_households", "numerator"): "120",
            _fig("poor_households", "denominator"): "100",
            _fig("people_contributions", "value"): "55",
        },
    )
    response = client.post(_url("report_edit", report), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "A count cannot be negative." in html
    assert "The numerator cannot exceed the denominator." in html
    assert "Văn bản đang soạn" in html
    assert 'value="-3"' in html
    assert 'value="120"' in html
    assert 'value="55"' in html
    groups = dict(response.context["figure_groups"])
    errors = {item["indicator"].code: item["errors"] for rows in groups.values() for item in rows}
    assert errors["letters_received"] == {"value": ["A count cannot be negative."]}
    assert "numerator" in errors["poor_households"]
    report.refresh_from_db()
    assert report.sections.get(key="results").body == ""
    assert not ReportValue.objects.filter(report=report, value=55).exists()


def test_a_stale_save_keeps_what_was_typed_and_shows_the_other_version(client, setup):
    tree, period = setup
    report = f.report_of(period, tree.commune_a)
    stale = _edit_data(
        report,
        **{
            "section-results": "Bản của tôi",
            _fig("letters_received", "value"): "7",
        },
    )
    # a colleague saves meanwhile
    colleague = f.member(tree.commune_a, "leader")
    f.fill(report, {"letters_received": 9}, actor=colleague, results="Bản của đồng nghiệp")
    client.force_login(f.officer(tree.commune_a))
    client.cookies["django_language"] = "en"
    response = client.post(_url("report_edit", report), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this report" in html
    assert "Bản của tôi" in html  # what I typed, still in the textarea
    assert "Bản của đồng nghiệp" in html  # what they saved, beside it
    assert 'value="7"' in html
    their_figure = html.split('data-testid="their-figure"', 1)[1][:200]
    assert "9" in their_figure
    report.refresh_from_db()
    assert report.sections.get(key="results").body == "Bản của đồng nghiệp"
    # saving again on purpose replaces their version with mine
    again = dict(stale, lock_version=response.context["form"]["lock_version"].value())
    assert client.post(_url("report_edit", report), again).status_code == 302
    report.refresh_from_db()
    assert report.sections.get(key="results").body == "Bản của tôi"


def test_save_and_submit(client, setup):
    tree, period = setup
    report = f.report_of(period, tree.commune_a)
    client.force_login(f.officer(tree.commune_a))
    data = _edit_data(report, submit="1", **{"section-results": "Xong"})
    response = client.post(_url("report_edit", report), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    # a submitted report is no longer editable
    response = client.get(_url("report_edit", report))
    assert response.status_code == 302


def test_submit_lists_missing_required_figures(client, setup):
    tree, period = setup
    report = f.report_of(period, tree.commune_a)
    version = period.form_version
    field = version.fields.filter(indicator__source="manual").first()
    field.required = True
    field.save()
    client.force_login(f.officer(tree.commune_a))
    client.cookies["django_language"] = "en"
    response = client.post(_url("report_submit", report), follow=True)
    assert "Fill in the required figures first" in response.content.decode()
    assert str(field.indicator) in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


# ------------------------------------------------------------------ review


def test_reviewer_at_the_province_returns_with_comments_then_accepts(client, setup):
    tree, period = setup
    report = f.submit(f.report_of(period, tree.commune_a))
    client.force_login(f.reviewer(tree.province))
    response = client.get(_url("report_detail", report))
    assert 'data-testid="review-form"' in response.content.decode()
    response = client.post(
        _url("report_review", report),
        {"action": "return", "comment-results": "Thiếu số liệu", "comment-figures": "Kiểm tra"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    assert set(ReviewComment.objects.filter(report=report).values_list("section_key", "body")) == {
        ("results", "Thiếu số liệu"),
        ("figures", "Kiểm tra"),
    }
    # the writer sees the comment beside the section, in the page and the edit form
    client.force_login(f.officer(tree.commune_a))
    for name in ("report_detail", "report_edit"):
        html = client.get(_url(name, report)).content.decode()
        assert 'data-key="results">' in html.replace('data-testid="review-comment" ', "")
        assert "Thiếu số liệu" in html
    f.submit(report)
    client.force_login(f.reviewer(tree.province))
    assert client.post(_url("report_review", report), {"action": "accept"}).status_code == 302
    report.refresh_from_db()
    assert (report.state, report.accepted_revision) == (ReportState.ACCEPTED, 1)
    kinds = list(report.events.values_list("kind", flat=True))
    assert EventKind.RETURNED in kinds
    assert EventKind.ACCEPTED in kinds


def test_returning_without_a_comment_is_refused_and_keeps_the_form(client, setup):
    tree, period = setup
    report = f.submit(f.report_of(period, tree.commune_a))
    client.force_login(f.reviewer(tree.province))
    client.cookies["django_language"] = "en"
    response = client.post(
        _url("report_review", report), {"action": "return", "comment-results": " "}
    )
    assert response.status_code == 400
    assert "write at least one comment" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_review_is_refused_to_the_writer_and_to_another_commune(client, setup):
    tree, period = setup
    report = f.submit(f.report_of(period, tree.commune_a))
    client.force_login(f.officer(tree.commune_a))
    assert client.post(_url("report_review", report), {"action": "accept"}).status_code == 403
    client.force_login(f.reviewer(tree.commune_b))
    assert client.post(_url("report_review", report), {"action": "accept"}).status_code == 404
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_accepting_a_draft_is_refused(client, setup):
    tree, period = setup
    report = f.report_of(period, tree.commune_a)
    client.force_login(f.reviewer(tree.province))
    client.cookies["django_language"] = "en"
    response = client.post(_url("report_review", report), {"action": "accept"})
    assert response.status_code == 400
    assert "Only a submitted report can be accepted." in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


# ------------------------------------------------------------------ corrections and refresh


def test_reopen_needs_a_reason_and_keeps_the_old_revision_readable(client, setup):
    tree, period = setup
    report = f.accepted(f.report_of(period, tree.commune_a), {"letters_received": 4}, results="Cũ")
    client.force_login(f.officer(tree.commune_a))
    html = client.get(_url("report_detail", report)).content.decode()
    assert 'data-testid="reopen"' in html
    assert 'data-testid="edit"' not in html
    client.post(_url("report_reopen", report), {"reason": " "})
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    response = client.post(_url("report_reopen", report), {"reason": "Sai số liệu"})
    assert response.status_code == 302
    assert response["Location"] == _url("report_edit", report)
    report.refresh_from_db()
    assert (report.state, report.revision, report.accepted_revision) == (ReportState.DRAFT, 2, 1)
    client.post(
        _url("report_edit", report),
        _edit_data(report, **{"section-results": "Mới", _fig("letters_received", "value"): "6"}),
    )
    old = client.get(_url("report_revision", report, 1))
    assert old.status_code == 200
    assert "Cũ" in old.content.decode()
    assert "Mới" not in old.content.decode()
    assert 'data-testid="read-only"' in old.content.decode()
    assert client.get(_url("report_revision", report, 9)).status_code == 404
    detail = client.get(_url("report_detail", report)).content.decode()
    assert _url("report_revision", report, 1) in detail


def test_refresh_recomputes_computed_figures_of_an_editable_report(client, setup, monkeypatch):
    tree, period = setup
    report = f.report_of(period, tree.commune_a)
    calls = []
    real = services.prefill_computed

    def spy(period_, reports=None):
        calls.append([r.pk for r in reports])
        return real(period_, reports)

    monkeypatch.setattr(services, "prefill_computed", spy)
    client.force_login(f.officer(tree.commune_b))
    assert client.post(_url("report_refresh", report)).status_code == 404
    client.force_login(f.officer(tree.commune_a))
    assert client.post(_url("report_refresh", report)).status_code == 302
    assert calls == [[report.pk]]


def test_rollup_link_only_when_the_report_has_children(client, setup):
    tree, period = setup
    client.force_login(f.reviewer(tree.province))
    top = f.report_of(period, tree.province)
    leaf = f.report_of(period, tree.commune_b)
    assert 'data-testid="rollup-link"' in client.get(_url("report_detail", top)).content.decode()
    assert (
        'data-testid="rollup-link"' not in client.get(_url("report_detail", leaf)).content.decode()
    )
