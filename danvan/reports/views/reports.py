"""One report's life: its page, the edit form, submit, review, reopen, refresh, revisions.

A report the user may not see is not found (404). Writing needs a write role at the report's
own unit (``reports.change_report``), reviewing a reviewer above it
(``reports.review_report``); others get 403. The edit form carries ``lock_version``: when
someone saved in between, the form comes back with everything typed, a warning, and what the
other person saved wherever it differs, so nothing is lost.
"""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.core.access import get_object_for
from danvan.reports import services
from danvan.reports.forms import (
    ReportHeaderForm,
    figure_input_name,
    stored_figures,
    typed_figures,
)
from danvan.reports.models import PeriodStatus, Report, ReportState, ReportValue, ValueSource
from danvan.reports.validation import parse_number

VIEW = "reports.view_report"
CHANGE = "reports.change_report"
REVIEW = "reports.review_report"
OUTPUT_PANEL = "reports/partials/output_panel.html"
FIGURES_KEY = "figures"


def _visible(request, pk: int) -> Report:
    return get_object_for(
        request.user,
        Report.objects.select_related(
            "unit", "period__owner", "period__form_version__form", "submitted_by", "reviewed_by"
        ),
        perm=VIEW,
        pk=pk,
    )


def _require(request, perm: str, report: Report) -> None:
    if not request.user.has_perm(perm, report):
        raise PermissionDenied


def _has_output_panel() -> bool:
    try:
        get_template(OUTPUT_PANEL)
    except TemplateDoesNotExist:
        return False
    return True


def _form_fields(report: Report) -> list:
    return list(
        report.period.form_version.fields.select_related("indicator").order_by("order", "pk")
    )


def _values(report: Report, revision: int) -> dict[int, ReportValue]:
    return {
        row.indicator_id: row
        for row in report.values.filter(revision=revision).select_related("indicator")
    }


def _sections(report: Report, revision: int) -> list:
    return list(report.sections.filter(revision=revision).order_by("order"))


def _comments(report: Report, revision: int) -> dict[str, list]:
    """Review comments on ``revision`` by section key ("figures", "" for the whole)."""
    grouped: dict[str, list] = {}
    for comment in report.comments.filter(revision=revision).select_related("author"):
        grouped.setdefault(comment.section_key, []).append(comment)
    return grouped


def _last_review_comments(report: Report) -> dict[str, list]:
    """The comments a returned report carries (on its working revision)."""
    if report.state != ReportState.RETURNED:
        return {}
    return _comments(report, report.revision)


def _figure_groups(fields, values: dict[int, ReportValue]) -> list[tuple[str, list[dict]]]:
    """Figures grouped by the indicator's category, in the form's order."""
    groups: OrderedDict[str, list[dict]] = OrderedDict()
    for field in fields:
        indicator = field.indicator
        row = values.get(indicator.pk)
        overridden = bool(
            row is not None
            and indicator.is_computed
            and row.source == ValueSource.MANUAL
            and row.computed_value is not None
            and row.computed_value != row.value
        )
        groups.setdefault(indicator.get_category_display(), []).append(
            {
                "field": field,
                "indicator": indicator,
                "row": row,
                "overridden": overridden,
                "value": indicator.format(row.value) if row and row.value is not None else "",
                "computed": indicator.format(row.computed_value) if overridden else "",
                "numerator": _plain(row.numerator) if row else "",
                "denominator": _plain(row.denominator) if row else "",
            }
        )
    return list(groups.items())


def _plain(number) -> str:
    """A numerator or denominator in Vietnamese style, without trailing zeros."""
    if number is None:
        return ""
    whole, _sep, fraction = format(number.normalize(), "f").partition(".")
    text = f"{int(whole):,}".replace(",", ".")
    return f"{text},{fraction}" if fraction else text


def _with_sections(sections, comments: dict[str, list]) -> list[dict]:
    return [{"section": s, "comments": comments.get(s.key, [])} for s in sections]


def _has_children(report: Report) -> bool:
    return (
        Report.objects.filter(period_id=report.period_id, unit__path__startswith=report.unit.path)
        .exclude(pk=report.pk)
        .exists()
    )


def _revisions(report: Report) -> list[int]:
    return sorted(
        set(report.sections.values_list("revision", flat=True)) | {report.revision}, reverse=True
    )


# ------------------------------------------------------------------ the report page


def _detail_context(request, report: Report, **extra) -> dict:
    user = request.user
    revision = report.revision
    comments = _comments(report, revision)
    fields = _form_fields(report)
    editable = report.is_editable and report.period.is_open
    can_write = user.has_perm(CHANGE, report)
    return {
        "report": report,
        "period": report.period,
        "sections": _with_sections(_sections(report, revision), comments),
        "figure_groups": _figure_groups(fields, _values(report, revision)),
        "whole_comments": comments.get("", []),
        "figure_comments": comments.get(FIGURES_KEY, []),
        "events": list(report.events.select_related("actor")[:50]),
        "revisions": _revisions(report),
        "can_edit": can_write and editable,
        "can_submit": can_write and editable,
        "can_review": report.state == ReportState.SUBMITTED and user.has_perm(REVIEW, report),
        "can_reopen": can_write
        and report.state == ReportState.ACCEPTED
        and report.period.status != PeriodStatus.CLOSED,
        "can_refresh": can_write and editable,
        "has_children": _has_children(report),
        "has_output_panel": _has_output_panel(),
        "review_rows": _review_rows(report, extra.pop("review_typed", {})),
        "review_note": extra.pop("review_note", ""),
        "review_errors": [],
        **extra,
    }


def _review_rows(report: Report, typed: dict[str, str]) -> list[tuple[str, str, str]]:
    """(key, title, typed comment) for each section, then the figures."""
    rows = [
        (s["key"], s["title"], typed.get(s["key"], "")) for s in report.period.form_version.sections
    ]
    rows.append((FIGURES_KEY, _("Figures"), typed.get(FIGURES_KEY, "")))
    return rows


@login_required
def report_detail(request, pk: int):
    report = _visible(request, pk)
    return render(request, "reports/report_detail.html", _detail_context(request, report))


@login_required
def report_revision(request, pk: int, revision: int):
    report = _visible(request, pk)
    sections = _sections(report, revision)
    if not sections or revision > report.revision:
        raise Http404
    comments = _comments(report, revision)
    context = {
        "report": report,
        "period": report.period,
        "revision": revision,
        "is_accepted_revision": revision == report.accepted_revision,
        "sections": _with_sections(sections, comments),
        "figure_groups": _figure_groups(_form_fields(report), _values(report, revision)),
        "whole_comments": comments.get("", []),
        "figure_comments": comments.get(FIGURES_KEY, []),
        "revisions": _revisions(report),
    }
    return render(request, "reports/report_revision.html", context)


# ------------------------------------------------------------------ editing


def _edit_context(report: Report, header_form, typed_sections, typed, errors, **extra) -> dict:
    fields = _form_fields(report)
    comments = _last_review_comments(report)
    groups: OrderedDict[str, list[dict]] = OrderedDict()
    for field in fields:
        indicator = field.indicator
        groups.setdefault(indicator.get_category_display(), []).append(
            {
                "field": field,
                "indicator": indicator,
                "typed": typed.get(indicator.pk, {}),
                "errors": errors.get(indicator.code, {}),
                "names": {
                    part: figure_input_name(indicator.pk, part)
                    for part in ("value", "numerator", "denominator", "rank", "note")
                },
                "theirs": extra.get("their_figures", {}).get(indicator.pk),
            }
        )
    guidance = {s["key"]: s.get("guidance", "") for s in report.period.form_version.sections}
    their_sections = extra.get("their_sections", {})
    sections = [
        {
            "section": section,
            "body": typed_sections.get(section.key, section.body),
            "guidance": guidance.get(section.key, ""),
            "comments": comments.get(section.key, []),
            "theirs": their_sections.get(section.key),
        }
        for section in _sections(report, report.revision)
    ]
    return {
        "report": report,
        "period": report.period,
        "form": header_form,
        "sections": sections,
        "figure_groups": list(groups.items()),
        "whole_comments": comments.get("", []),
        "figure_comments": comments.get(FIGURES_KEY, []),
        **extra,
    }


def _field_errors(exc: ValidationError) -> tuple[dict[str, dict[str, list[str]]], list[str]]:
    """Split ``<code>.<part>`` errors by indicator code; the rest are the form's."""
    by_code: dict[str, dict[str, list[str]]] = {}
    general: list[str] = []
    if not hasattr(exc, "error_dict"):
        return by_code, list(exc.messages)
    for key, messages_ in exc.message_dict.items():
        code, _sep, part = key.partition(".")
        if part:
            by_code.setdefault(code, {})[part] = messages_
        else:
            general.extend(messages_)
    return by_code, general


def _same_number(a: str, b: str) -> bool:
    try:
        return parse_number(a) == parse_number(b)
    except ValueError:
        return a.strip() == b.strip()


def _their_changes(report: Report, typed_sections, typed) -> tuple[dict, dict]:
    """What the other person saved, wherever it differs from what this user typed."""
    current = Report.objects.get(pk=report.pk)
    their_sections = {
        section.key: section.body
        for section in _sections(current, current.revision)
        if section.body.strip() != typed_sections.get(section.key, section.body).strip()
    }
    stored = stored_figures(_values(current, current.revision).values())
    their_figures = {}
    for indicator_id, parts in typed.items():
        theirs = stored.get(indicator_id, {})
        differs = any(
            not _same_number(parts.get(part, ""), theirs.get(part, ""))
            for part in ("value", "numerator", "denominator", "rank")
        ) or parts.get("note", "") != theirs.get("note", "")
        if differs and theirs:
            their_figures[indicator_id] = theirs
    return their_sections, their_figures


@login_required
def report_edit(request, pk: int):
    report = _visible(request, pk)
    _require(request, CHANGE, report)
    if not report.is_editable:
        messages.error(request, _("Only a draft or a returned report can be changed."))
        return redirect(report)
    fields = _form_fields(report)
    indicators = [field.indicator for field in fields]
    section_rows = _sections(report, report.revision)
    if request.method != "POST":
        form = ReportHeaderForm(instance=report, initial={"lock_version": report.lock_version})
        typed = stored_figures(_values(report, report.revision).values())
        context = _edit_context(report, form, {}, typed, {})
        return render(request, "reports/report_edit.html", context)

    form = ReportHeaderForm(request.POST, instance=Report.objects.get(pk=report.pk))
    typed_sections = {
        section.key: request.POST.get(f"section-{section.key}", section.body)
        for section in section_rows
    }
    typed = typed_figures(request.POST, indicators)
    errors: dict[str, dict[str, list[str]]] = {}
    extra: dict = {}
    if form.is_valid():
        values = {
            indicator_id: services.ValueInput(**parts) for indicator_id, parts in typed.items()
        }
        try:
            saved = services.save_report(
                report,
                actor=request.user,
                lock_version=form.cleaned_data["lock_version"],
                header=form.header(),
                sections=typed_sections,
                values=values,
            )
        except services.StaleReportError as stale:
            their_sections, their_figures = _their_changes(report, typed_sections, typed)
            extra.update(
                stale=True,
                their_sections=their_sections,
                their_figures=their_figures,
                their_by=stale.report.events.select_related("actor").first(),
            )
            # saving again on purpose replaces their version with what this form holds
            data = request.POST.copy()
            data["lock_version"] = str(stale.report.lock_version)
            form = ReportHeaderForm(data, instance=report)
            form.is_valid()
        except ValidationError as exc:
            errors, general = _field_errors(exc)
            for message in general:
                form.add_error(None, message)
        else:
            if "submit" in request.POST:
                return _submit(request, saved)
            messages.success(request, _("Saved."))
            return redirect(saved)
    # inputs not sent show what is stored, so saving again never blanks them
    shown = stored_figures(_values(report, report.revision).values())
    shown.update(typed)
    context = _edit_context(report, form, typed_sections, shown, errors, **extra)
    return render(request, "reports/report_edit.html", context, status=409 if extra else 400)


def _submit(request, report: Report):
    try:
        services.submit(report, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:report_edit", pk=report.pk)
    messages.success(request, _("Submitted to the level above for review."))
    return redirect(report)


# ------------------------------------------------------------------ transitions


@login_required
@require_POST
def report_submit(request, pk: int):
    report = _visible(request, pk)
    _require(request, CHANGE, report)
    try:
        services.submit(report, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Submitted to the level above for review."))
    return redirect(report)


@login_required
@require_POST
def report_review(request, pk: int):
    report = _visible(request, pk)
    _require(request, REVIEW, report)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "").strip()
    keys = [s["key"] for s in report.period.form_version.sections] + [FIGURES_KEY]
    comments = {key: request.POST.get(f"comment-{key}", "") for key in keys}
    try:
        if action == "accept":
            services.accept(report, actor=request.user, note=note)
            messages.success(request, _("Accepted: the report now rolls up to the level above."))
        elif action == "return":
            services.return_report(report, actor=request.user, comments=comments, note=note)
            messages.success(request, _("Returned to the unit with your comments."))
        else:
            raise ValidationError(_("Choose to accept or to return the report."))
    except ValidationError as exc:
        context = _detail_context(
            request,
            report,
            review_typed=comments,
            review_note=note,
            review_errors=exc.messages,
        )
        return render(request, "reports/report_detail.html", context, status=400)
    return redirect(report)


@login_required
@require_POST
def report_reopen(request, pk: int):
    report = _visible(request, pk)
    _require(request, CHANGE, report)
    try:
        services.reopen(report, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(report)
    messages.success(
        request,
        _("A new revision is open for the correction; the accepted one still rolls up."),
    )
    return redirect("reports:report_edit", pk=report.pk)


@login_required
@require_POST
def report_refresh(request, pk: int):
    report = _visible(request, pk)
    _require(request, CHANGE, report)
    if not report.is_editable:
        messages.error(request, _("Only a draft or a returned report can be changed."))
        return redirect(report)
    written = services.prefill_computed(report.period, [report])
    messages.success(request, _("Computed figures refreshed (%(n)s updated).") % {"n": written})
    return redirect(report)
