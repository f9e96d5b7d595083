"""Importing a plan: the parser's proposal meets the unit tree and the register, and the
reviewed proposal is saved through the services in one transaction.

``prepare`` gathers what the review page needs (the units a task may be given to, the units
the labels match, the register entries the basis lines cite). ``save_proposal`` creates the
draft plan, registers the cited documents, adds the basis lines, sections, tasks and
coverage requirements; when any of them is refused nothing is kept and the
``ValidationError`` it raises is keyed by the review page's field names
("plan-title", "tasks-2-due_on", "bases-0-issuer"…), so each message shows beside its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.orgs.models import AGENCY_KINDS, Unit, User
from danvan.orgs.scope import WRITE_ROLES, scope_for
from danvan.plans import recurrence, services
from danvan.plans.importer import CitedDocument, Proposal, UnitMatch, match_unit, suggest_issuer
from danvan.plans.models import (
    DOCUMENT_TYPE_NAMES,
    PLAN_KIND_DOCUMENT_TYPES,
    ActivityType,
    LegalDocument,
    Plan,
    PlanStatus,
    number_key,
)
from danvan.plans.selectors import visible_plans

# ------------------------------------------------------------------ units


def import_units(user):
    """Units the user may issue a plan for, the legacy ones (closed on 30/06/2025…)
    included: old plans are imported for the unit that issued them."""
    return Unit.objects.filter(scope_for(user).q("path", WRITE_ROLES)).order_by("path")


def territory_of(unit: Unit) -> Unit:
    """The unit itself, or for an agency (a district party committee, an office) the nearest
    province, district or commune above it: its plan's tasks go to the units there."""
    if not unit.is_agency:
        return unit
    paths = [unit.path[:end] for end in range(Unit.steplen, len(unit.path), Unit.steplen)]
    above = Unit.objects.filter(path__in=paths).exclude(kind__in=AGENCY_KINDS).order_by("-depth")
    return above.first() or unit


def plan_day(proposal: Proposal) -> dt.date | None:
    """The plan's date, or the first of its month when only the month is given."""
    if proposal.issued_on:
        return proposal.issued_on
    if proposal.issued_month:
        month, year = proposal.issued_month.split("/")
        return dt.date(int(year), int(month), 1)
    return None


def candidate_units(unit: Unit, on: dt.date | None) -> list[Unit]:
    """Units a task of ``unit``'s plan may be given to: those under its territory in force
    on the plan's date; for a legacy unit (closed since) all units that were under it."""
    territory = territory_of(unit)
    today = timezone.localdate()
    units = Unit.objects.filter(path__startswith=territory.path)
    legacy = unit.valid_to is not None and unit.valid_to < today
    if not legacy:
        units = units.valid_on(on or today)
    return list(units.order_by("path"))


# ------------------------------------------------------------------ review


@dataclass
class TaskMatch:
    lead: UnitMatch | None
    coordinators: list[Unit] = field(default_factory=list)


@dataclass
class Review:
    """What the review page shows beside the proposal."""

    unit: Unit
    candidates: list[Unit]
    choice_ids: set[int]  # units offered in the lead and coordinating selects
    tasks: list[TaskMatch]
    entries: dict[str, list[LegalDocument]]  # number_key → register entries
    parent_ids: list[int]  # issued plans the basis cites: the plan may implement one
    problems: list[str]

    def entry_for(self, number: str, issued_on: dt.date | None) -> LegalDocument | None:
        """The register entry a cited number (and date) names, as the save would find it."""
        entries = self.entries.get(number_key(number), [])
        exact = [e for e in entries if issued_on and e.issued_on == issued_on]
        if exact:
            return exact[0]
        if issued_on:
            entries = [e for e in entries if e.issued_on is None]
        return entries[0] if entries else None


def prepare(proposal: Proposal, unit: Unit, user: User) -> Review:
    """Match the proposal's labels to units under ``unit`` and its citations to the register."""
    candidates = candidate_units(unit, plan_day(proposal))
    territory = territory_of(unit)
    problems: list[str] = []
    tasks: list[TaskMatch] = []
    for task in proposal.tasks:
        lead = None
        if task.lead_label and not task.lead_kinds:
            lead = match_unit(task.lead_label, candidates)
            if lead is None:
                problems.append(
                    _("Task %(n)s: “%(label)s” matches no unit under %(unit)s; choose one.")
                    % {"n": task.number, "label": task.lead_label, "unit": unit.name}
                )
        coordinators = []
        if task.coordinating_label:
            found = match_unit(task.coordinating_label, candidates)
            if found is not None and (lead is None or found.unit.pk != lead.unit.pk):
                coordinators.append(found.unit)
        tasks.append(TaskMatch(lead, coordinators))
    near = {
        u.pk
        for u in candidates
        if (u.path.startswith(territory.path) and u.depth <= territory.depth + 1)
        or (u.path.startswith(unit.path) and u.depth <= unit.depth + 1)
    }
    matched = {m.lead.unit.pk for m in tasks if m.lead} | {
        u.pk for m in tasks for u in m.coordinators
    }
    keys = {number_key(d.number) for line in proposal.basis for d in line.documents}
    entries: dict[str, list[LegalDocument]] = {}
    for entry in LegalDocument.objects.filter(number_key__in=keys).order_by("pk"):
        entries.setdefault(entry.number_key, []).append(entry)
    plan_ids = [e.plan_id for group in entries.values() for e in group if e.plan_id]
    parents = set(
        visible_plans(user)
        .filter(pk__in=plan_ids)
        .exclude(status=PlanStatus.DRAFT)
        .values_list("pk", flat=True)
    )
    return Review(
        unit=unit,
        candidates=candidates,
        choice_ids=near | matched,
        tasks=tasks,
        entries=entries,
        parent_ids=[pk for pk in plan_ids if pk in parents],
        problems=problems,
    )


def suggested_unit(proposal: Proposal, user: User) -> Unit | None:
    """The unit the user writes for that the header names (a suggestion to confirm)."""
    found = suggest_issuer(proposal, list(import_units(user)))
    return found.unit if found else None


def reference(proposal: Proposal) -> str:
    """ "5584/KH-UBND", "451-CV/HU" (a party symbol holds a "/"), "…/KH-UBND"."""
    separator = "-" if "/" in proposal.symbol else "/"
    return f"{proposal.number or '…'}{separator}{proposal.symbol}"


def citation(proposal: Proposal) -> str:
    """ "Kế hoạch số 202-KH/BDVTU": what a coverage requirement is based on."""
    type_name = DOCUMENT_TYPE_NAMES[PLAN_KIND_DOCUMENT_TYPES[proposal.kind]]
    return f"{type_name} số {reference(proposal)}"[:300]


# -------------------------------------------------------------------- save


def review_data(proposal: Proposal, review: Review) -> dict:
    """The review form's first values (ids, not objects) for a proposal and its matches."""
    codes = dict(ActivityType.objects.filter(is_active=True).values_list("code", "pk"))
    bases = []
    for n, line in enumerate(proposal.basis):
        documents = line.documents or [CitedDocument("other", "", "")]
        for i, doc in enumerate(documents):
            complete = bool(doc.number and doc.issuer and doc.title) or bool(
                review.entry_for(doc.number, doc.issued_on)
            )
            bases.append(
                {
                    "include": bool(doc.number) and (i == 0 or complete),
                    "primary": i == 0,
                    "line": n,
                    "text": line.text if i == 0 else "",
                    "doc_type": doc.doc_type,
                    "number": doc.number,
                    "issued_on": doc.issued_on,
                    "issuer": doc.issuer,
                    "title": doc.title,
                }
            )
    tasks = []
    for task, match in zip(proposal.tasks, review.tasks, strict=True):
        deadline = task.deadline
        tasks.append(
            {
                "include": True,
                "title": task.title,
                "description": task.description,
                "lead_unit": match.lead.unit.pk if match.lead else None,
                "lead_kinds": task.lead_kinds,
                "lead_label": task.lead_label,
                "coordinating_units": [u.pk for u in match.coordinators],
                "coordinating_label": task.coordinating_label,
                "recurrence": deadline.recurrence if deadline else "once",
                "due_on": deadline.due_on if deadline else None,
                "recur_day": deadline.day if deadline else None,
                "recur_month": deadline.month if deadline else None,
            }
        )
    return {
        "plan": {
            "kind": proposal.kind,
            "number": proposal.number,
            "symbol": proposal.symbol,
            "issued_on": proposal.issued_on,
            "place": proposal.place,
            "title": proposal.title,
            "signer_title": proposal.signer_title,
            "signer_name": proposal.signer_name,
            "recipients_text": proposal.recipients_text,
            "parent": review.parent_ids[0] if review.parent_ids else None,
        },
        "bases": bases,
        "sections": [
            {"include": True, "heading": s.heading, "kind": s.kind, "body": s.body}
            for s in proposal.sections
        ],
        "tasks": tasks,
        "reqs": [
            {
                "include": c.activity_type in codes,
                "title": c.title,
                "unit_kind": c.unit_kind,
                "activity_type": codes.get(c.activity_type),
                "starts_on": c.starts_on,
                "ends_on": c.ends_on,
                "citation": citation(proposal),
            }
            for c in proposal.coverage
        ],
    }


def _collect(errors: dict[str, list[str]], prefix: str, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            key = prefix if name == NON_FIELD_ERRORS else f"{prefix}-{name}"
            errors.setdefault(key, []).extend(messages)
    else:
        errors.setdefault(prefix, []).extend(exc.messages)


def _task_values(row: Mapping[str, Any]) -> dict[str, Any]:
    kinds = row.get("lead_kinds") or ""
    return {
        "title": (row.get("title") or "").strip(),
        "description": row.get("description") or "",
        "lead_unit": row.get("lead_unit"),
        "lead_kinds": " ".join(kinds) if isinstance(kinds, list | tuple) else kinds,
        "lead_label": row.get("lead_label") or "",
        "coordinating_label": row.get("coordinating_label") or "",
        "recurrence": row.get("recurrence") or recurrence.ONCE,
        "due_on": row.get("due_on"),
        "recur_day": row.get("recur_day"),
        "recur_month": row.get("recur_month"),
        "recur_until": row.get("recur_until"),
    }


def _check_tasks(rows: Sequence[Mapping[str, Any]], issued_on, errors: dict) -> None:
    """The checks a task needs no saved plan for: deadlines against the issue date, the
    lead among the coordinators. Used when the plan itself was refused, so that every
    message shows at once."""
    for i, row in enumerate(rows):
        if not row.get("include"):
            continue
        values = _task_values(row)
        lead = values["lead_unit"]
        if lead is not None and any(u.pk == lead.pk for u in row.get("coordinating_units", ())):
            errors.setdefault(f"tasks-{i}-coordinating_units", []).append(
                _("The lead unit cannot also be a coordinating unit.")
            )
        rule = recurrence.Rule(
            freq=values["recurrence"],
            due_on=values["due_on"],
            day=values["recur_day"],
            month=values["recur_month"],
        )
        for name, message in recurrence.problems(
            rule, start=issued_on, until=values["recur_until"]
        ).items():
            errors.setdefault(f"tasks-{i}-{name}", []).append(message)


@transaction.atomic
def save_proposal(*, actor: User, unit: Unit, data: Mapping[str, Any]) -> Plan:
    """Create the draft plan of a reviewed import, or nothing.

    ``data``: ``plan`` (the plan's fields, and ``parent``), then lists of rows, each with an
    ``include`` flag: ``bases`` (a cited document: number, doc_type, issued_on, issuer,
    title; ``primary`` for the document a basis line is about, with the line as ``text``),
    ``sections``, ``tasks`` (with ``coordinating_units``) and ``requirements``.
    Raises ``PermissionDenied`` when the actor may not draft a plan for ``unit``, and a
    ``ValidationError`` keyed by the review form's field names when anything is refused.
    """
    errors: dict[str, list[str]] = {}
    values = dict(data.get("plan") or {})
    parent = values.pop("parent", None)
    try:
        plan = services.create_plan(actor=actor, unit=unit, data=values, parent=parent)
    except ValidationError as exc:
        _collect(errors, "plan", exc)
        _check_tasks(data.get("tasks") or [], values.get("issued_on"), errors)
        raise ValidationError(errors) from exc

    cited: set[int] = set()
    for i, row in enumerate(data.get("bases") or []):
        if not row.get("include"):
            continue
        if not (row.get("number") or "").strip():
            errors.setdefault(f"bases-{i}-number", []).append(
                _("Give the number and symbol of the cited document, or leave the line out.")
            )
            continue
        document_data = {
            "number": row["number"].strip(),
            "doc_type": row.get("doc_type"),
            "issuer": (row.get("issuer") or "").strip(),
            "issued_on": row.get("issued_on"),
            "title": (row.get("title") or "").strip(),
        }
        try:
            document, _created = services.find_or_register_document(
                actor=actor, unit=unit, data=document_data
            )
        except ValidationError as exc:
            _collect(errors, f"bases-{i}", exc)
            continue
        if not row.get("primary") or document.pk in cited:
            continue
        cited.add(document.pk)
        try:
            services.add_basis(
                actor=actor, plan=plan, document=document, text=row.get("text") or ""
            )
        except ValidationError as exc:
            _collect(errors, f"bases-{i}", exc)

    for i, row in enumerate(data.get("sections") or []):
        if not row.get("include"):
            continue
        section = {
            "kind": row.get("kind"),
            "heading": (row.get("heading") or "").strip(),
            "body": row.get("body") or "",
        }
        try:
            services.save_section(actor=actor, plan=plan, data=section)
        except ValidationError as exc:
            _collect(errors, f"sections-{i}", exc)

    for i, row in enumerate(data.get("tasks") or []):
        if not row.get("include"):
            continue
        try:
            services.save_task(
                actor=actor,
                plan=plan,
                data=_task_values(row),
                coordinating_units=row.get("coordinating_units") or (),
            )
        except ValidationError as exc:
            _collect(errors, f"tasks-{i}", exc)

    for i, row in enumerate(data.get("requirements") or []):
        if not row.get("include"):
            continue
        requirement = {
            name: row.get(name)
            for name in ("title", "unit_kind", "activity_type", "starts_on", "ends_on", "citation")
        }
        try:
            services.save_requirement(actor=actor, unit=unit, plan=plan, data=requirement)
        except ValidationError as exc:
            _collect(errors, f"reqs-{i}", exc)

    if errors:
        raise ValidationError(errors)
    return plan
