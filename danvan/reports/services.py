"""The report cycle: forms, opening a period, editing, submitting, reviewing, revising.

Every function checks the caller's permission (``reports.rules``) and raises
``PermissionDenied``; a bad transition or bad input raises ``ValidationError`` with a
Vietnamese-translatable message. A save from a form that is no longer current raises
``StaleReportError``: the view shows what changed and keeps what was typed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.notify import notify
from danvan.kpis import sources
from danvan.kpis.models import Indicator
from danvan.kpis.rollup import Entry, nearest_parents
from danvan.orgs.models import Membership, Unit, UnitSuccession, User
from danvan.orgs.scope import REVIEW_ROLES, WRITE_ROLES, predecessor_paths
from danvan.reports import validation
from danvan.reports.models import (
    EDITABLE_STATES,
    OPENING_GIVES_UP_AFTER,
    EventKind,
    FormField,
    FormVersion,
    Period,
    PeriodStatus,
    Report,
    ReportEvent,
    ReportForm,
    ReportSection,
    ReportState,
    ReportValue,
    ReviewComment,
    ValueSource,
)


class StaleReportError(Exception):
    """Someone saved the report since this form was loaded."""

    def __init__(self, report: Report):
        super().__init__("stale report")
        self.report = report


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _event(report: Report, kind: str, actor: User | None, note: str = "") -> ReportEvent:
    return ReportEvent.objects.create(
        report=report, kind=kind, revision=report.revision, actor=actor, note=note
    )


# ---- forms -------------------------------------------------------------------------------


@transaction.atomic
def save_form_version(
    form: ReportForm,
    *,
    actor: User,
    sections: list[dict[str, str]],
    unit_kinds: list[str],
    fields: list[dict],
    note: str = "",
) -> FormVersion:
    """Write the form's content: into its latest version while no period uses it, else into
    a new version (a version used by a period never changes)."""
    _require(actor, "reports.change_reportform", form)
    keys = [section.get("key", "").strip() for section in sections]
    if not sections or any(not key for key in keys) or len(set(keys)) != len(keys):
        raise ValidationError(_("Every section needs its own key."))
    if not unit_kinds:
        raise ValidationError(_("Choose at least one kind of unit that reports."))
    latest = form.latest_version
    if latest is None or latest.is_frozen:
        version = FormVersion.objects.create(
            form=form,
            number=(latest.number + 1) if latest else 1,
            sections=sections,
            unit_kinds=unit_kinds,
            note=note,
            created_by=actor,
        )
    else:
        version = latest
        version.sections, version.unit_kinds, version.note = sections, unit_kinds, note
        version.save()
        version.fields.all().delete()
    FormField.objects.bulk_create(
        FormField(
            version=version,
            indicator_id=field["indicator"],
            order=position,
            required=bool(field.get("required")),
            section_key=field.get("section_key", ""),
        )
        for position, field in enumerate(fields, start=1)
    )
    return version


# ---- opening a period ----------------------------------------------------------------------


def reporting_units(period: Period) -> list[Unit]:
    """The units that must report: the owner, and every unit of the form's kinds below it that
    exists on the period's as-of date (a unit merged before then reports through its
    successor). A province's period as of a day before the 1/7/2025 merger also takes the
    units of the provinces it absorbed that existed on that day: their reports roll up
    through it."""
    kinds = period.form_version.unit_kinds
    qs = Unit.objects.valid_on(period.end_date).filter(kind__in=kinds)
    if period.owner_id is not None:
        owner = period.owner
        prefixes = [owner.path]
        if len(owner.path) == Unit.steplen:
            prefixes += sorted(predecessor_paths({owner.pk}).get(owner.pk, ()))
        query = Q()
        for prefix in prefixes:
            query |= Q(path__startswith=prefix)
        qs = qs.filter(query)
    units = list(qs.order_by("path"))
    if period.owner_id is not None and all(unit.pk != period.owner_id for unit in units):
        units.insert(0, period.owner)
    return units


def report_parents(reports: Iterable[Report]) -> dict[int, int | None]:
    """Each report's parent report (the nearest reporting unit above it), by report id."""
    reports = list(reports)
    paths = {report.pk: report.unit.path for report in reports}
    return nearest_parents(paths, successors=_root_successors(paths.values()))


def _root_successors(paths: Iterable[str]) -> dict[str, str]:
    roots = {path[: Unit.steplen] for path in paths}
    return dict(
        UnitSuccession.objects.filter(predecessor__path__in=roots).values_list(
            "predecessor__path", "successor__path"
        )
    )


@transaction.atomic
def open_period(period: Period, *, actor: User) -> int:
    """Open ``period``: a draft report for every unit that must report, pre-filled with the
    computed figures. Opening again (after units were added) creates only what is missing.
    Returns how many reports were created."""
    _require(actor, "reports.change_period", period)
    if period.status == PeriodStatus.CLOSED:
        raise ValidationError(_("This period is closed."))
    units = reporting_units(period)
    existing = set(Report.objects.filter(period=period).values_list("unit_id", flat=True))
    new = [Report(period=period, unit=unit) for unit in units if unit.pk not in existing]
    for report in new:
        report.refresh_search_text()
    Report.objects.bulk_create(new)
    created = list(
        Report.objects.filter(period=period, unit_id__in=[r.unit_id for r in new]).select_related(
            "unit"
        )
    )
    version = period.form_version
    ReportSection.objects.bulk_create(
        ReportSection(
            report=report,
            revision=1,
            key=section["key"],
            title=section["title"],
            order=position,
        )
        for report in created
        for position, section in enumerate(version.sections, start=1)
    )
    ReportEvent.objects.bulk_create(
        ReportEvent(report=report, kind=EventKind.CREATED, revision=1, actor=actor)
        for report in created
    )
    if period.status != PeriodStatus.OPEN:
        period.status = PeriodStatus.OPEN
        period.opened_at = timezone.now()
        period.opened_by = actor
        period.save(update_fields=["status", "opened_at", "opened_by", "updated_at"])
    prefill_computed(period, reports=None)
    if created:
        _notify_units(
            [report.unit for report in created],
            _("Report “%(period)s” is open: due %(due)s.")
            % {"period": period.name, "due": f"{period.due_date:%d/%m/%Y}"},
            period.get_absolute_url(),
        )
    return len(created)


# A period with more reporting units than this is opened by the background worker (a national
# period, 3,355 units, takes about 16 s on SQLite: too long for a request).
OPEN_IN_BACKGROUND_ABOVE = 300


def request_open(period: Period, *, actor: User) -> int | None:
    """Open ``period`` now, or queue it for the background worker when it is large.

    Returns how many drafts were created, or ``None`` when the opening was queued; meanwhile
    ``period.opening_since`` is set and a second request is refused."""
    from danvan.reports import tasks

    _require(actor, "reports.change_period", period)
    if period.status == PeriodStatus.CLOSED:
        raise ValidationError(_("This period is closed."), code="invalid_transition")
    if period.is_being_opened:
        raise ValidationError(
            _("This period is already being opened in the background."),
            code="invalid_transition",
        )
    if len(reporting_units(period)) <= OPEN_IN_BACKGROUND_ABOVE:
        return open_period(period, actor=actor)
    now = timezone.now()
    with transaction.atomic():
        free = Q(opening_since__isnull=True) | Q(opening_since__lt=now - OPENING_GIVES_UP_AFTER)
        taken = Period.objects.filter(free, pk=period.pk).update(opening_since=now)
        if not taken:
            raise ValidationError(
                _("This period is already being opened in the background."),
                code="invalid_transition",
            )
        transaction.on_commit(lambda: tasks.open_period_in_background.enqueue(period.pk, actor.pk))
    period.refresh_from_db(fields=["opening_since"])
    return None


def prefill_computed(period: Period, reports: Iterable[Report] | None = None) -> int:
    """(Re)compute the computed fields of the period's editable reports.

    Each report gets its subtree's figure minus those of the reporting units below it, so the
    roll-up adds back up to the subtree. One grouped query per source and tree depth, however
    many reports. A value someone overrode by hand keeps the hand value (the computed one is
    stored beside it). Returns how many values were written.
    """
    all_reports = list(Report.objects.filter(period=period).select_related("unit"))
    targets = (
        {report.pk for report in reports} if reports is not None else {r.pk for r in all_reports}
    )
    editable = [r for r in all_reports if r.pk in targets and r.state in EDITABLE_STATES]
    if not editable:
        return 0
    fields = [
        field.indicator
        for field in period.form_version.fields.select_related("indicator")
        if field.indicator.is_computed
    ]
    if not fields:
        return 0
    parents = report_parents(all_reports)
    children: dict[int, list[int]] = defaultdict(list)
    for key, parent in parents.items():
        if parent is not None:
            children[parent].append(key)
    units = [report.unit for report in all_reports]
    by_unit = {report.unit_id: report.pk for report in all_reports}
    existing = {
        (value.report_id, value.indicator_id): value
        for value in ReportValue.objects.filter(
            report__in=editable, revision=F("report__revision"), indicator__in=fields
        )
    }
    to_create, to_update = [], []
    with sources.shared_claims():
        computed = {
            indicator.pk: source.compute(units, period.start_date, period.end_date)
            for indicator in fields
            if (source := sources.get(indicator.source_key)) is not None
        }
    for indicator in fields:
        subtree = computed.get(indicator.pk)
        if subtree is None:
            continue
        per_report = {by_unit[unit_id]: entry for unit_id, entry in subtree.items()}
        own = sources.own_figures(per_report, children)
        for report in editable:
            entry = own.get(report.pk, Entry())
            checked = _entry_values(indicator, entry)
            current = existing.get((report.pk, indicator.pk))
            if current is None:
                to_create.append(
                    ReportValue(
                        report=report,
                        revision=report.revision,
                        indicator=indicator,
                        source=ValueSource.COMPUTED,
                        computed_value=checked["value"],
                        **checked,
                    )
                )
            else:
                current.computed_value = checked["value"]
                if current.source == ValueSource.COMPUTED:
                    current.value = checked["value"]
                    current.numerator = checked["numerator"]
                    current.denominator = checked["denominator"]
                to_update.append(current)
    ReportValue.objects.bulk_create(to_create)
    ReportValue.objects.bulk_update(
        to_update, ["value", "numerator", "denominator", "computed_value"]
    )
    return len(to_create) + len(to_update)


def _entry_values(indicator: Indicator, entry: Entry) -> dict:
    if indicator.is_rate:
        if not entry.denominator:  # nothing to count yet: missing, never 0/0
            return {"value": None, "numerator": None, "denominator": None}
        value = entry.numerator / entry.denominator * indicator.scale
        return {"value": value, "numerator": entry.numerator, "denominator": entry.denominator}
    return {"value": entry.value, "numerator": None, "denominator": None}


@transaction.atomic
def close_period(period: Period, *, actor: User) -> None:
    _require(actor, "reports.change_period", period)
    if period.status != PeriodStatus.OPEN:
        raise ValidationError(_("The period is not open."), code="invalid_transition")
    period.status = PeriodStatus.CLOSED
    period.save(update_fields=["status", "updated_at"])


# ---- editing -------------------------------------------------------------------------------


@dataclass
class ValueInput:
    value: object = None
    numerator: object = None
    denominator: object = None
    rank: object = None
    note: str = ""


HEADER_FIELDS = ("number", "place", "signed_on", "signer_name", "signer_title", "recipients")


@transaction.atomic
def save_report(
    report: Report,
    *,
    actor: User,
    lock_version: int,
    header: Mapping[str, object] | None = None,
    sections: Mapping[str, str] | None = None,
    values: Mapping[int, ValueInput] | None = None,
) -> Report:
    """Save what the writer typed, all or nothing.

    Refused when the report is not editable, when ``lock_version`` is not the current one
    (``StaleReportError``), or when a figure does not fit its indicator (``ValidationError`` whose
    ``error_dict`` is keyed ``<indicator code>.<part>``).
    """
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("unit", "period__form_version")
        .get(pk=report.pk)
    )
    _require(actor, "reports.change_report", report)
    if not report.is_editable:
        raise ValidationError(_("Only a draft or a returned report can be changed."))
    if report.period.status == PeriodStatus.CLOSED:
        raise ValidationError(_("This period is closed."))
    if report.lock_version != lock_version:
        raise StaleReportError(report)
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, validation.Checked] = {}
    indicators = {
        field.indicator_id: field.indicator
        for field in report.period.form_version.fields.select_related("indicator")
    }
    for indicator_id, typed in (values or {}).items():
        indicator = indicators.get(int(indicator_id))
        if indicator is None:
            continue
        checked = validation.check(
            indicator,
            value=typed.value,
            numerator=typed.numerator,
            denominator=typed.denominator,
            rank=typed.rank,
        )
        for part, message in checked.errors.items():
            errors[f"{indicator.code}.{part}"] = [message]
        cleaned[indicator.pk] = (checked, typed.note)
    if errors:
        raise ValidationError(errors)
    for name, raw in (header or {}).items():
        if name in HEADER_FIELDS:
            setattr(report, name, raw if raw is not None or name == "signed_on" else "")
    if sections:
        rows = {row.key: row for row in report.sections.filter(revision=report.revision)}
        changed = []
        for key, body in sections.items():
            row = rows.get(key)
            if row is not None and row.body != body:
                row.body = body
                changed.append(row)
        ReportSection.objects.bulk_update(changed, ["body"])
    if cleaned:
        current = {
            value.indicator_id: value for value in report.values.filter(revision=report.revision)
        }
        to_create, to_update = [], []
        for indicator_id, (checked, note) in cleaned.items():
            row = current.get(indicator_id)
            if row is None:
                row = ReportValue(
                    report=report, revision=report.revision, indicator_id=indicator_id
                )
                to_create.append(row)
            else:
                to_update.append(row)
            new = (checked.value, checked.numerator, checked.denominator)
            if (
                row.source == ValueSource.COMPUTED
                and (
                    row.value,
                    row.numerator,
                    row.denominator,
                )
                != new
            ):
                row.source = ValueSource.MANUAL
            row.value, row.numerator, row.denominator = new
            row.rank, row.note = checked.rank, note or ""
        ReportValue.objects.bulk_create(to_create)
        ReportValue.objects.bulk_update(
            to_update, ["value", "numerator", "denominator", "rank", "note", "source"]
        )
    report.lock_version += 1
    report.save()
    _event(report, EventKind.SAVED, actor)
    return report


def missing_required(report: Report) -> list[Indicator]:
    """Required fields of the form with no figure in the working revision."""
    filled = set(
        report.values.filter(revision=report.revision)
        .exclude(value__isnull=True)
        .values_list("indicator_id", flat=True)
    )
    return [
        field.indicator
        for field in report.period.form_version.fields.filter(required=True).select_related(
            "indicator"
        )
        if field.indicator_id not in filled
    ]


# ---- the review cycle ----------------------------------------------------------------------


@transaction.atomic
def submit(report: Report, *, actor: User) -> Report:
    report = _locked(report)
    _require(actor, "reports.change_report", report)
    if report.state not in EDITABLE_STATES:
        raise ValidationError(_("Only a draft or a returned report can be submitted."))
    if report.period.status != PeriodStatus.OPEN:
        raise ValidationError(_("The period is not open."))
    missing = missing_required(report)
    if missing:
        raise ValidationError(
            _("Fill in the required figures first: %(names)s.")
            % {"names": ", ".join(str(indicator) for indicator in missing)}
        )
    report.state = ReportState.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    report.lock_version += 1
    report.save()
    _event(report, EventKind.SUBMITTED, actor)
    parent = parent_report(report)
    reviewers = reviewers_of(parent.unit if parent else report.unit, above=parent is None)
    notify(
        users=reviewers,
        text=_("%(unit)s submitted its report “%(period)s”.")
        % {"unit": report.unit.display_name, "period": report.period.name},
        url=report.get_absolute_url(),
    )
    return report


@transaction.atomic
def return_report(
    report: Report, *, actor: User, comments: Mapping[str, str], note: str = ""
) -> Report:
    """Send a submitted report back with comments (per section key, "figures", or "")."""
    report = _locked(report)
    _require(actor, "reports.review_report", report)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."))
    comments = {key: text.strip() for key, text in comments.items() if text and text.strip()}
    if not comments and not note.strip():
        raise ValidationError(_("Say what needs to change: write at least one comment."))
    if note.strip():
        comments.setdefault("", note.strip())
    ReviewComment.objects.bulk_create(
        ReviewComment(
            report=report, revision=report.revision, section_key=key, body=body, author=actor
        )
        for key, body in comments.items()
    )
    report.state = ReportState.RETURNED
    report.reviewed_at, report.reviewed_by = timezone.now(), actor
    report.lock_version += 1
    report.save()
    _event(report, EventKind.RETURNED, actor, note.strip())
    notify(
        users=writers_at(report.unit),
        text=_("Your report “%(period)s” was returned for changes.")
        % {"period": report.period.name},
        url=report.get_absolute_url(),
    )
    return report


@transaction.atomic
def accept(report: Report, *, actor: User, note: str = "") -> Report:
    report = _locked(report)
    _require(actor, "reports.review_report", report)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be accepted."))
    report.state = ReportState.ACCEPTED
    report.accepted_revision = report.revision
    report.reviewed_at, report.reviewed_by = timezone.now(), actor
    report.lock_version += 1
    report.save()
    _event(report, EventKind.ACCEPTED, actor, note.strip())
    notify(
        users=writers_at(report.unit),
        text=_("Your report “%(period)s” was accepted.") % {"period": report.period.name},
        url=report.get_absolute_url(),
    )
    return report


@transaction.atomic
def reopen(report: Report, *, actor: User, reason: str) -> Report:
    """Start a correction of an accepted report: revision n+1, a copy of revision n, which is
    kept and stays the one rolled up until the correction is accepted."""
    report = _locked(report)
    _require(actor, "reports.change_report", report)
    if report.state != ReportState.ACCEPTED:
        raise ValidationError(_("Only an accepted report is corrected by a new revision."))
    if not reason.strip():
        raise ValidationError(_("Say why the report is corrected."))
    if report.period.status == PeriodStatus.CLOSED:
        raise ValidationError(_("This period is closed."))
    old = report.revision
    report.revision = old + 1
    report.state = ReportState.DRAFT
    report.lock_version += 1
    report.save()
    ReportSection.objects.bulk_create(
        ReportSection(
            report=report,
            revision=report.revision,
            key=row.key,
            title=row.title,
            order=row.order,
            body=row.body,
        )
        for row in report.sections.filter(revision=old)
    )
    ReportValue.objects.bulk_create(
        ReportValue(
            report=report,
            revision=report.revision,
            indicator_id=row.indicator_id,
            value=row.value,
            numerator=row.numerator,
            denominator=row.denominator,
            rank=row.rank,
            note=row.note,
            source=row.source,
            computed_value=row.computed_value,
        )
        for row in report.values.filter(revision=old)
    )
    _event(report, EventKind.REOPENED, actor, reason.strip())
    return report


def _locked(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("unit", "period__owner", "period__form_version")
        .get(pk=report.pk)
    )


# ---- who answers for what -------------------------------------------------------------------


def writers_at(unit: Unit):
    return User.objects.filter(
        pk__in=Membership.objects.active()
        .filter(unit=unit, role__in=WRITE_ROLES)
        .values("user_id"),
        is_active=True,
    )


def reviewers_of(unit: Unit, *, above: bool = False):
    """Reviewers and leaders at ``unit`` (or, with ``above``, at its ancestors)."""
    if above:
        ancestors = [unit.path[:n] for n in range(Unit.steplen, len(unit.path), Unit.steplen)]
        memberships = Membership.objects.active().filter(
            unit__path__in=ancestors, role__in=REVIEW_ROLES
        )
    else:
        memberships = Membership.objects.active().filter(unit=unit, role__in=REVIEW_ROLES)
    return User.objects.filter(pk__in=memberships.values("user_id"), is_active=True)


def parent_report(report: Report) -> Report | None:
    """The report the given one rolls up into (the nearest reporting unit above)."""
    siblings = list(
        Report.objects.filter(period=report.period_id)
        .filter(unit__path__in=_ancestor_and_successor_paths(report.unit))
        .select_related("unit")
    )
    if not siblings:
        return None
    paths = {r.pk: r.unit.path for r in [*siblings, report]}
    parents = nearest_parents(paths, successors=_root_successors(paths.values()))
    parent_id = parents.get(report.pk)
    return next((r for r in siblings if r.pk == parent_id), None)


def _ancestor_and_successor_paths(unit: Unit) -> list[str]:
    paths = [unit.path[:n] for n in range(Unit.steplen, len(unit.path), Unit.steplen)]
    root = unit.path[: Unit.steplen]
    for _hop in range(8):
        successor = (
            UnitSuccession.objects.filter(predecessor__path=root)
            .values_list("successor__path", flat=True)
            .first()
        )
        if successor is None:
            break
        paths.extend(successor[:n] for n in range(Unit.steplen, len(successor) + 1, Unit.steplen))
        root = successor[: Unit.steplen]
    return paths


def _notify_units(units: list[Unit], text: str, url: str) -> None:
    users = User.objects.filter(
        pk__in=Membership.objects.active()
        .filter(unit__in=units, role__in=WRITE_ROLES)
        .values("user_id"),
        is_active=True,
    )
    notify(users=users, text=text, url=url)


# ---- late and missing ------------------------------------------------------------------------


def outstanding(period: Period, *, today: dt.date | None = None):
    """Reports not yet submitted (draft or returned), the late ones flagged by the view."""
    return Report.objects.filter(period=period, state__in=EDITABLE_STATES).select_related("unit")
