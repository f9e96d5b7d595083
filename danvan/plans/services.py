"""Every write on legal documents, plans, tasks, progress, activities and coverage.

Each function is keyword-only, runs in one transaction, checks its permission (raising
``PermissionDenied``), locks the row it changes so a step raced by two users applies once,
and refuses bad input with a ``ValidationError`` keyed by field, in Vietnamese by default.
The acting user is stored on the row and in its history (simple-history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.coverage import Coverage, coverage, met_in_subtree, required_units
from danvan.core.notify import notify
from danvan.core.uploads import check_upload
from danvan.orgs.models import AGENCY_KINDS, Membership, Unit, UnitKind, User
from danvan.orgs.scope import WRITE_ROLES
from danvan.plans import recurrence
from danvan.plans.models import (
    DOCUMENT_TYPE_NAMES,
    PLAN_KIND_DOCUMENT_TYPES,
    Activity,
    ActivityType,
    Attachment,
    CoverageRequirement,
    LegalDocument,
    Plan,
    PlanBasis,
    PlanSection,
    PlanStatus,
    ProgressUpdate,
    Task,
    TaskStatus,
    number_key,
)
from danvan.plans.selectors import would_cycle

DOCUMENT_FIELDS = ("number", "doc_type", "issuer", "issuer_unit", "issued_on", "title")
PLAN_FIELDS = (
    "kind",
    "number",
    "symbol",
    "issued_on",
    "place",
    "title",
    "subject",
    "signer_name",
    "signer_title",
    "recipients_text",
)
SECTION_FIELDS = ("kind", "heading", "body")
TASK_FIELDS = (
    "title",
    "description",
    "lead_unit",
    "lead_kinds",
    "lead_label",
    "coordinating_label",
    "assignee",
    "recurrence",
    "due_on",
    "recur_day",
    "recur_month",
    "recur_until",
)
ACTIVITY_FIELDS = (
    "activity_type",
    "title",
    "held_on",
    "ends_on",
    "place",
    "participants",
    "participant_count",
    "description",
    "commitments",
    "plan",
    "task",
)
REQUIREMENT_FIELDS = ("title", "unit_kind", "activity_type", "starts_on", "ends_on", "citation")


KEEP = object()  # "leave this as it is" for optional arguments that may be None


def today() -> dt.date:
    return timezone.localdate()


def _require(actor: User | None, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def _values(data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    return {name: data[name] for name in fields if name in data}


def _raise(errors: Mapping[str, Any]) -> None:
    if errors:
        raise ValidationError(dict(errors))


def writers_of(unit: Unit | None, roles: Iterable[str] = WRITE_ROLES):
    """Active users holding one of ``roles`` at ``unit`` itself: they answer for it."""
    if unit is None:
        return User.objects.none()
    return User.objects.filter(
        pk__in=Membership.objects.active().filter(unit=unit, role__in=roles).values("user_id"),
        is_active=True,
    )


def attach(
    upload, *, actor: User, plan=None, document=None, update=None, activity=None
) -> Attachment:
    """Check ``upload`` by content and size and store it on exactly one owner."""
    sniffed = check_upload(upload)
    attachment = Attachment(
        plan=plan,
        document=document,
        update=update,
        activity=activity,
        content_type=sniffed.content_type,
        original_name=(getattr(upload, "name", "") or "file")[:255],
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.save()  # the token names the stored file
    attachment.file.save(f"f.{sniffed.extension}", upload, save=True)
    return attachment


def check_uploads(uploads: Sequence) -> None:
    """Refuse the whole submission when one file is bad (before anything is written)."""
    errors = []
    for upload in uploads:
        try:
            check_upload(upload)
        except ValidationError as exc:
            errors.extend(f"{upload.name}: {message}" for message in exc.messages)
    if errors:
        raise ValidationError({"files": errors})


# ---------------------------------------------------------------- legal documents


@transaction.atomic
def save_document(
    *,
    actor: User,
    data: Mapping[str, Any],
    document: LegalDocument | None = None,
    unit: Unit | None = None,
    files: Sequence = (),
) -> LegalDocument:
    """Register a legal document (or change one); a number and date already held is refused."""
    if document is None:
        _require(actor, "plans.add_legaldocument", None)
        document = LegalDocument(created_by=actor, registered_by_unit=unit)
    else:
        document = LegalDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
        _require(actor, "plans.change_legaldocument", document)
    check_uploads(files)
    for name, value in _values(data, DOCUMENT_FIELDS).items():
        setattr(document, name, value)
    document.number = (document.number or "").strip()
    duplicate = (
        LegalDocument.objects.filter(
            number_key=number_key(document.number), issued_on=document.issued_on
        )
        .exclude(pk=document.pk)
        .first()
    )
    if duplicate is not None:
        raise ValidationError(
            {"number": _("%(doc)s is already in the register.") % {"doc": duplicate.short_citation}}
        )
    document.full_clean(exclude=["number_key", "search_text"])
    document.save()
    for upload in files:
        attach(upload, actor=actor, document=document)
    return document


def find_or_register_document(
    *, actor: User | None, unit: Unit | None, data: Mapping[str, Any]
) -> tuple[LegalDocument, bool]:
    """The register entry with this number (and date, when given), or a new one.

    Used by the import and the demo: a plan citing "Chỉ thị số 33/CT-TTg ngày 26/11/2021"
    links to the entry already there rather than registering it twice.
    """
    key = number_key(data["number"])
    matches = LegalDocument.objects.filter(number_key=key)
    if data.get("issued_on"):
        exact = matches.filter(issued_on=data["issued_on"]).first()
        if exact is not None:
            return exact, False
        matches = matches.filter(issued_on__isnull=True)
    found = matches.order_by("pk").first()
    if found is not None:
        return found, False
    document = LegalDocument(
        created_by=actor, registered_by_unit=unit, **_values(data, DOCUMENT_FIELDS)
    )
    document.full_clean(exclude=["number_key", "search_text"])
    document.save()
    return document, True


# ------------------------------------------------------------------------- plans


def _lock_plan(plan: Plan) -> Plan:
    return Plan.objects.select_for_update(of=("self",)).select_related("unit").get(pk=plan.pk)


def _check_parent(plan: Plan, parent: Plan | None, actor: User, errors: dict) -> None:
    if parent is None:
        return
    if would_cycle(plan, parent):
        errors["parent"] = _(
            "A plan cannot implement itself or a plan that implements it (the chain would loop)."
        )
    elif not actor.has_perm("plans.view_plan", parent):
        errors["parent"] = _("You cannot see that plan.")
    elif parent.is_draft:
        errors["parent"] = _("A plan can only implement an issued plan.")


@transaction.atomic
def create_plan(
    *,
    actor: User,
    unit: Unit,
    data: Mapping[str, Any],
    parent: Plan | None = None,
    recipient_units: Iterable[Unit] = (),
) -> Plan:
    _require(actor, "plans.add_plan", unit)
    plan = Plan(unit=unit, created_by=actor, status=PlanStatus.DRAFT, **_values(data, PLAN_FIELDS))
    if not plan.place:
        plan.place = default_place(unit)
    errors: dict = {}
    _check_parent(plan, parent, actor, errors)
    _raise(errors)
    plan.parent = parent
    plan.full_clean(exclude=["search_text"])
    plan.save()
    plan.recipient_units.set(list(recipient_units))
    return plan


@transaction.atomic
def update_plan(
    *,
    actor: User,
    plan: Plan,
    data: Mapping[str, Any],
    parent: Plan | object | None = KEEP,
    recipient_units: Iterable[Unit] | None = None,
) -> Plan:
    """Change a draft. ``parent`` left out keeps the plan's parent; None clears it."""
    plan = _lock_plan(plan)
    if parent is KEEP:
        parent = plan.parent
    _require(actor, "plans.change_plan", plan)
    for name, value in _values(data, PLAN_FIELDS).items():
        setattr(plan, name, value)
    errors: dict = {}
    _check_parent(plan, parent, actor, errors)
    if plan.issued_on:
        late = plan.tasks.filter(recurrence=recurrence.ONCE, due_on__lt=plan.issued_on).first()
        if late is not None:
            errors["issued_on"] = _("Task “%(t)s” is due on %(d)s, before this issue date.") % {
                "t": late.title,
                "d": f"{late.due_on:%d/%m/%Y}",
            }
    _raise(errors)
    plan.parent = parent
    plan.full_clean(exclude=["search_text"])
    plan.save()
    if recipient_units is not None:
        plan.recipient_units.set(list(recipient_units))
    return plan


def default_place(unit: Unit) -> str:
    """The place in the date line: the province's (or the commune's) short name."""
    territorial = unit
    if unit.is_agency:
        territorial = (
            Unit.objects.filter(
                path__in=[unit.path[:n] for n in range(Unit.steplen, len(unit.path), Unit.steplen)]
            )
            .exclude(kind__in=AGENCY_KINDS)
            .order_by("-depth")
            .first()
            or unit
        )
    return territorial.short_name or territorial.name


@transaction.atomic
def save_section(
    *, actor: User, plan: Plan, data: Mapping[str, Any], section: PlanSection | None = None
) -> PlanSection:
    plan = _lock_plan(plan)
    _require(actor, "plans.change_plan", plan)
    if section is None:
        last = plan.sections.aggregate(m=Max("position"))["m"]
        section = PlanSection(plan=plan, position=(last or 0) + 1)
    elif section.plan_id != plan.pk:
        raise PermissionDenied
    for name, value in _values(data, SECTION_FIELDS).items():
        setattr(section, name, value)
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def delete_section(*, actor: User, section: PlanSection) -> None:
    plan = _lock_plan(section.plan)
    _require(actor, "plans.change_plan", plan)
    section.delete()


@transaction.atomic
def move_section(*, actor: User, section: PlanSection, offset: int) -> None:
    """Move a section up (-1) or down (+1); positions are renumbered 1…n."""
    plan = _lock_plan(section.plan)
    _require(actor, "plans.change_plan", plan)
    sections = list(plan.sections.all())
    index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    target = index + offset
    if 0 <= target < len(sections):
        sections[index], sections[target] = sections[target], sections[index]
    for position, item in enumerate(sections, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position", "updated_at"])


@transaction.atomic
def add_basis(*, actor: User, plan: Plan, document: LegalDocument, text: str = "") -> PlanBasis:
    plan = _lock_plan(plan)
    _require(actor, "plans.change_plan", plan)
    if plan.bases.filter(document=document).exists():
        raise ValidationError({"document": _("The plan already cites this document.")})
    if document.plan_id == plan.pk:
        raise ValidationError({"document": _("A plan cannot cite itself.")})
    last = plan.bases.aggregate(m=Max("position"))["m"]
    return PlanBasis.objects.create(
        plan=plan, document=document, position=(last or 0) + 1, text=text.strip()
    )


@transaction.atomic
def remove_basis(*, actor: User, basis: PlanBasis) -> None:
    plan = _lock_plan(basis.plan)
    _require(actor, "plans.change_plan", plan)
    basis.delete()


@transaction.atomic
def add_attachments(*, actor: User, plan: Plan, files: Sequence) -> list[Attachment]:
    plan = _lock_plan(plan)
    _require(actor, "plans.change_plan", plan)
    check_uploads(files)
    return [attach(upload, actor=actor, plan=plan) for upload in files]


def issue_problems(plan: Plan) -> dict[str, list[str]]:
    """What stops the plan from being issued (field → messages); empty when it can be."""
    errors: dict[str, list[str]] = {}
    if not plan.number.strip():
        errors.setdefault("number", []).append(_("Give the registry number before issuing."))
    if plan.issued_on is None:
        errors.setdefault("issued_on", []).append(_("Give the issue date before issuing."))
    elif plan.issued_on > today():
        errors.setdefault("issued_on", []).append(_("The issue date cannot be in the future."))
    if not plan.signer_name.strip():
        errors.setdefault("signer_name", []).append(_("Give who signed the plan."))
    for task in plan.tasks.prefetch_related("coordinating_units"):
        label = _("Task %(n)s “%(t)s”") % {"n": task.position, "t": task.title[:80]}
        if task.lead_unit_id is None and not task.lead_kinds:
            errors.setdefault("tasks", []).append(_("%(task)s has no lead unit.") % {"task": label})
        for message in recurrence.problems(
            recurrence.Rule.of(task), start=plan.issued_on, until=task.recur_until
        ).values():
            errors.setdefault("tasks", []).append(f"{label}: {message}")
    return errors


@transaction.atomic
def issue_plan(*, actor: User, plan: Plan) -> Plan:
    """Draft → issued: the plan enters the register, its tasks go to their units' inboxes."""
    plan = _lock_plan(plan)
    _require(actor, "plans.issue_plan", plan)
    _raise(issue_problems(plan))
    plan.status = PlanStatus.ISSUED
    plan.issued_by = actor
    plan.save()
    for task in plan.tasks.all():
        task.current_due = first_due(task, plan)
        task.save(update_fields=["current_due", "updated_at"])
    register_plan(plan, actor=actor)
    _announce_tasks(plan)
    return plan


def register_plan(plan: Plan, *, actor: User | None = None) -> LegalDocument:
    """The plan's entry in the legal documents register, so other plans can cite it."""
    entry = LegalDocument.objects.filter(plan=plan).first()
    if entry is None:
        entry = LegalDocument.objects.filter(
            number_key=number_key(plan.reference), issued_on=plan.issued_on
        ).first() or LegalDocument(created_by=actor, registered_by_unit=plan.unit)
    entry.plan = plan
    entry.number = plan.reference
    entry.doc_type = PLAN_KIND_DOCUMENT_TYPES[plan.kind]
    entry.issuer = plan.unit.name
    entry.issuer_unit = plan.unit
    entry.issued_on = plan.issued_on
    entry.title = plan.title
    entry.save()
    return entry


def _announce_tasks(plan: Plan) -> None:
    """Tell the writers of each lead and coordinating unit about their new task."""
    for task in plan.tasks.select_related("lead_unit").prefetch_related("coordinating_units"):
        url = reverse("plans:task_detail", args=[task.pk])
        if task.lead_unit is not None:
            notify(
                users=writers_of(task.lead_unit),
                text=_("New task to lead from %(plan)s: %(task)s")
                % {"plan": plan.reference, "task": task.title},
                url=url,
            )
        coordinators = list(task.coordinating_units.all())
        if coordinators:
            users = User.objects.filter(
                pk__in=Membership.objects.active()
                .filter(unit__in=coordinators, role__in=WRITE_ROLES)
                .values("user_id"),
                is_active=True,
            )
            notify(
                users=users,
                text=_("New task to coordinate from %(plan)s: %(task)s")
                % {"plan": plan.reference, "task": task.title},
                url=url,
            )
        if task.assignee_id:
            notify(
                users=[task.assignee],
                text=_("You were assigned a task from %(plan)s: %(task)s")
                % {"plan": plan.reference, "task": task.title},
                url=url,
            )


@transaction.atomic
def close_plan(*, actor: User, plan: Plan) -> Plan:
    plan = _lock_plan(plan)
    _require(actor, "plans.close_plan", plan)
    if plan.status != PlanStatus.ISSUED:
        raise ValidationError({"status": _("Only an issued plan can be closed.")})
    plan.status = PlanStatus.CLOSED
    plan.closed_on = today()
    plan.save()
    return plan


# ------------------------------------------------------------------------- tasks


def first_due(task: Task, plan: Plan) -> dt.date | None:
    """The task's first open deadline from the plan's issue date (or the period done)."""
    rule = recurrence.Rule.of(task)
    if task.recurrence == recurrence.ONCE:
        return task.due_on
    start = plan.issued_on or today()
    if task.period_done_through is not None:
        return recurrence.next_after(rule, task.period_done_through, task.recur_until)
    return recurrence.next_on_or_after(rule, start, task.recur_until)


def _check_task(task: Task, plan: Plan, coordinators: Sequence[Unit], errors: dict) -> None:
    if task.lead_unit_id is not None and any(u.pk == task.lead_unit_id for u in coordinators):
        errors["coordinating_units"] = _("The lead unit cannot also be a coordinating unit.")
    kinds = task.lead_kinds.split()
    unknown = [k for k in kinds if k not in UnitKind.values]
    if unknown:
        errors["lead_kinds"] = _("Unknown unit kind: %(k)s.") % {"k": ", ".join(unknown)}
    if task.lead_unit_id is not None and kinds:
        errors["lead_kinds"] = _(
            "Choose either one lead unit or the kinds of unit that each lead it, not both."
        )
    for field, message in recurrence.problems(
        recurrence.Rule.of(task), start=plan.issued_on, until=task.recur_until
    ).items():
        errors.setdefault(field, message)


@transaction.atomic
def save_task(
    *,
    actor: User,
    plan: Plan,
    data: Mapping[str, Any],
    coordinating_units: Iterable[Unit] = (),
    task: Task | None = None,
    parent_task: Task | None = None,
) -> Task:
    """Add a task to a draft plan, or change one. Deadlines and units are checked."""
    plan = _lock_plan(plan)
    _require(actor, "plans.change_plan", plan)
    if task is None:
        last = plan.tasks.aggregate(m=Max("position"))["m"]
        task = Task(plan=plan, created_by=actor, position=(last or 0) + 1, parent_task=parent_task)
    else:
        task = Task.objects.select_for_update(of=("self",)).get(pk=task.pk)
        if task.plan_id != plan.pk:
            raise PermissionDenied
    for name, value in _values(data, TASK_FIELDS).items():
        setattr(task, name, value)
    task.lead_kinds = " ".join(sorted(set((task.lead_kinds or "").split())))
    if task.recurrence == recurrence.ONCE:
        task.recur_day = task.recur_month = task.recur_until = None
    else:
        task.due_on = None
        if task.recurrence == recurrence.MONTHLY:
            task.recur_month = None
    coordinators = list(coordinating_units)
    errors: dict = {}
    _check_task(task, plan, coordinators, errors)
    _raise(errors)
    task.current_due = first_due(task, plan)
    task.full_clean(exclude=["search_text", "plan", "parent_task"])
    task.save()
    task.coordinating_units.set(coordinators)
    return task


@transaction.atomic
def delete_task(*, actor: User, task: Task) -> None:
    plan = _lock_plan(task.plan)
    _require(actor, "plans.change_plan", plan)
    task.delete()


@transaction.atomic
def record_progress(
    *, actor: User, task: Task, data: Mapping[str, Any], files: Sequence = ()
) -> ProgressUpdate:
    """A progress update: percentage, status, what was done, evidence.

    "Done" sets 100%. On a recurring task, ``completes_period`` reports the current period
    done: the deadline moves to the next occurrence and the task stays open until its last.
    """
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("plan", "plan__unit", "lead_unit")
        .get(pk=task.pk)
    )
    _require(actor, "plans.report_task", task)
    check_uploads(files)
    status = data.get("status") or task.status
    progress = data.get("progress")
    reported_on = data.get("reported_on") or today()
    text = (data.get("text") or "").strip()
    errors: dict = {}
    if status not in TaskStatus.values or status == TaskStatus.CANCELLED:
        errors["status"] = _("Choose a status.")
    if progress is None or not 0 <= int(progress) <= 100:
        errors["progress"] = _("Give the progress as a percentage from 0 to 100.")
    if reported_on > today():
        errors["reported_on"] = _("The date cannot be in the future.")
    if task.plan.issued_on and reported_on < task.plan.issued_on:
        errors["reported_on"] = _("The date cannot be before the plan was issued.")
    if not text:
        errors["text"] = _("Say what was done.")
    _raise(errors)
    progress = int(progress)
    period_due = None
    if task.recurrence != recurrence.ONCE and data.get("completes_period"):
        period_due = task.current_due
        if period_due is None:
            raise ValidationError({"completes_period": _("No period is open on this task.")})
        task.period_done_through = period_due
        task.current_due = recurrence.next_after(
            recurrence.Rule.of(task), period_due, task.recur_until
        )
        if task.current_due is None:  # the last period: the task is over
            status = TaskStatus.DONE
        else:
            status = TaskStatus.IN_PROGRESS
            progress = 0  # a new period starts from nothing
    if status == TaskStatus.DONE:
        progress = 100
        task.completed_on = reported_on
    elif status == TaskStatus.NOT_STARTED and progress > 0:
        status = TaskStatus.IN_PROGRESS
    task.status = status
    task.progress = progress
    task.save()
    update = ProgressUpdate.objects.create(
        task=task,
        reported_on=reported_on,
        progress=100 if status == TaskStatus.DONE else int(data.get("progress")),
        status=status,
        text=text,
        period_due=period_due,
        created_by=actor,
    )
    for upload in files:
        attach(upload, actor=actor, update=update)
    return update


@transaction.atomic
def cancel_task(*, actor: User, task: Task, reason: str) -> Task:
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("plan", "plan__unit")
        .get(pk=task.pk)
    )
    if not actor.has_perm("plans.close_plan", task.plan):
        raise PermissionDenied
    if not task.is_open:
        raise ValidationError({"status": _("Only an open task can be cancelled.")})
    if not reason.strip():
        raise ValidationError({"text": _("Say why the task is cancelled.")})
    task.status = TaskStatus.CANCELLED
    task.save()
    ProgressUpdate.objects.create(
        task=task,
        reported_on=today(),
        progress=task.progress,
        status=TaskStatus.CANCELLED,
        text=reason.strip(),
        created_by=actor,
    )
    return task


# ----------------------------------------------------------------------- cascade


def tasks_for_unit(plan: Plan, unit: Unit):
    """The tasks of ``plan`` that ``unit`` leads, coordinates or leads as one of its kind."""
    return (
        plan.tasks.filter(
            Q(lead_unit=unit) | Q(coordinating_units=unit) | Q(lead_kinds__contains=unit.kind)
        )
        .exclude(status=TaskStatus.CANCELLED)
        .distinct()
        .order_by("position", "pk")
    )


@transaction.atomic
def cascade(
    *, actor: User, parent: Plan, unit: Unit, data: Mapping[str, Any] | None = None
) -> Plan:
    """A draft plan of ``unit`` implementing ``parent``, with the tasks assigned to the unit.

    Each copied task keeps a link to the parent task (so the parent shows its progress) and
    is led by ``unit`` itself; the official then edits, splits and assigns them. The parent
    plan (through its register entry) becomes the new plan's first legal basis.
    """
    _require(actor, "plans.add_plan", unit)
    parent = Plan.objects.select_related("unit").get(pk=parent.pk)  # its status as of now
    _require(actor, "plans.view_plan", parent)
    if parent.is_draft:
        raise ValidationError({"parent": _("A plan can only implement an issued plan.")})
    if unit.pk == parent.unit_id:
        raise ValidationError({"unit": _("Choose a unit other than the one that issued the plan.")})
    data = dict(data or {})
    reference = parent.reference
    values = {
        "kind": parent.kind if parent.kind != "official_letter" else "plan",
        # The pages offer forms_plans.default_symbol; this is the fallback of the API.
        "symbol": data.get("symbol") or ("KH" if unit.kind == UnitKind.PARTY else "KH-UBND"),
        "title": data.get("title")
        or f"Thực hiện {DOCUMENT_TYPE_NAMES[PLAN_KIND_DOCUMENT_TYPES[parent.kind]].lower()} số "
        f"{reference} của {parent.unit.name}",
        "subject": parent.subject,
    }
    plan = create_plan(actor=actor, unit=unit, data=values, parent=parent)
    entry = LegalDocument.objects.filter(plan=parent).first() or register_plan(parent)
    PlanBasis.objects.create(
        plan=plan, document=entry, position=1, text=f"Thực hiện {entry.citation};"
    )
    sources = tasks_for_unit(parent, unit).prefetch_related("coordinating_units")
    for position, source in enumerate(sources, start=1):
        Task.objects.create(
            plan=plan,
            position=position,
            title=source.title,
            description=source.description,
            lead_unit=unit,
            lead_label=unit.name,
            recurrence=source.recurrence,
            due_on=source.due_on,
            recur_day=source.recur_day,
            recur_month=source.recur_month,
            recur_until=source.recur_until,
            current_due=source.current_due,
            parent_task=source,
            created_by=actor,
        )
    return plan


# -------------------------------------------------------------------- activities


@transaction.atomic
def save_activity(
    *,
    actor: User,
    unit: Unit,
    data: Mapping[str, Any],
    partner_units: Iterable[Unit] = (),
    files: Sequence = (),
    activity: Activity | None = None,
) -> Activity:
    if activity is None:
        _require(actor, "plans.add_activity", unit)
        activity = Activity(unit=unit, created_by=actor)
    else:
        activity = Activity.objects.select_for_update(of=("self",)).get(pk=activity.pk)
        _require(actor, "plans.change_activity", activity)
    check_uploads(files)
    for name, value in _values(data, ACTIVITY_FIELDS).items():
        setattr(activity, name, value)
    errors: dict = {}
    if activity.held_on and activity.held_on > today():
        errors["held_on"] = _("The date cannot be in the future: record an activity once held.")
    if activity.ends_on and activity.held_on and activity.ends_on < activity.held_on:
        errors["ends_on"] = _("The end cannot be before the start.")
    if activity.plan_id and not actor.has_perm("plans.view_plan", activity.plan):
        errors["plan"] = _("You cannot see that plan.")
    if activity.task_id:
        if not actor.has_perm("plans.view_task", activity.task):
            errors["task"] = _("You cannot see that task.")
        elif activity.plan_id is None:
            activity.plan_id = activity.task.plan_id
        elif activity.task.plan_id != activity.plan_id:
            errors["task"] = _("The task is not in the chosen plan.")
    partners = list(partner_units)
    if any(p.pk == activity.unit_id for p in partners):
        errors["partner_units"] = _("A unit cannot be its own partner.")
    activity_type = activity.activity_type if activity.activity_type_id else None
    if activity_type is not None and activity_type.has_partners and not partners:
        errors["partner_units"] = _("Name the partner units of this activity.")
    _raise(errors)
    activity.full_clean(exclude=["search_text"])
    activity.save()
    activity.partner_units.set(partners)
    for upload in files:
        attach(upload, actor=actor, activity=activity)
    return activity


@transaction.atomic
def save_activity_type(
    *, actor: User, data: Mapping[str, Any], activity_type: ActivityType | None = None
) -> ActivityType:
    _require(actor, "plans.manage_activitytype", None)
    activity_type = activity_type or ActivityType()
    for name in (
        "code",
        "name",
        "name_en",
        "description",
        "has_partners",
        "has_period",
        "position",
        "is_active",
    ):
        if name in data:
            setattr(activity_type, name, data[name])
    activity_type.full_clean()
    activity_type.save()
    return activity_type


# ---------------------------------------------------------------------- coverage


@transaction.atomic
def save_requirement(
    *,
    actor: User,
    unit: Unit,
    data: Mapping[str, Any],
    plan: Plan | None = None,
    requirement: CoverageRequirement | None = None,
) -> CoverageRequirement:
    if requirement is None:
        _require(actor, "plans.add_coveragerequirement", unit)
        requirement = CoverageRequirement(unit=unit, plan=plan, created_by=actor)
    else:
        requirement = CoverageRequirement.objects.select_for_update(of=("self",)).get(
            pk=requirement.pk
        )
        _require(actor, "plans.change_coveragerequirement", requirement)
        if plan is not None:
            requirement.plan = plan
    for name, value in _values(data, REQUIREMENT_FIELDS).items():
        setattr(requirement, name, value)
    errors: dict = {}
    if (
        requirement.starts_on
        and requirement.ends_on
        and requirement.ends_on < requirement.starts_on
    ):
        errors["ends_on"] = _("The end cannot be before the start.")
    if (
        plan is not None
        and not plan.unit.path.startswith(unit.path)
        and not unit.path.startswith(plan.unit.path)
    ):
        errors["plan"] = _("The plan must be issued by the unit or one above or below it.")
    _raise(errors)
    requirement.full_clean()
    requirement.save()
    return requirement


def met_unit_ids(requirement: CoverageRequirement, root: Unit) -> set[int]:
    """Units of the required kind under ``root`` with a matching activity (at or below them)."""
    candidates = list(required_units(root, requirement.unit_kind).values_list("pk", "path"))
    paths = (
        Activity.objects.filter(
            unit__path__startswith=root.path,
            activity_type_id=requirement.activity_type_id,
            held_on__gte=requirement.starts_on,
            held_on__lte=requirement.ends_on,
        )
        .order_by()
        .values_list("unit__path", flat=True)
        .distinct()
    )
    return met_in_subtree(candidates, paths)


def requirement_coverage(
    requirement: CoverageRequirement, *, within: Unit | None = None, top: Unit | None = None
) -> Coverage:
    """Which units of the required kind recorded an activity of the type in the window.

    A unit meets it when such an activity is recorded at the unit or anywhere in its
    subtree. ``within`` narrows the view to a unit inside the requirement's area; ``top`` is
    where the breadcrumb starts. A fixed number of queries whatever the tree's size.
    """
    root = requirement.unit
    if within is not None and within.path.startswith(root.path):
        root = within
    met = met_unit_ids(requirement, root)
    return coverage(root, kind=requirement.unit_kind, met_ids=met, top=top or requirement.unit)
