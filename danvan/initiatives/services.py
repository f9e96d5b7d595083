"""Every write of the initiatives app: campaigns, registration, lifecycle, councils, awards.

Each function is keyword-only, runs in one transaction, checks its permission, locks the
row it changes (``select_for_update``) so a transition raced by two users applies once,
and records the acting user in the history and the ``Transition`` timeline.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.notify import notify
from danvan.core.uploads import PHOTO, check_upload, clean_photo
from danvan.initiatives import scoring
from danvan.initiatives.models import (
    COUNTED_STATUSES,
    DEFAULT_CRITERIA,
    DEFAULT_FIELDS,
    TRANSITIONS,
    Assignment,
    Award,
    AwardKind,
    Campaign,
    CampaignStatus,
    Council,
    CouncilMember,
    CouncilStatus,
    Criterion,
    Evidence,
    Field,
    Initiative,
    InitiativeKind,
    Level,
    Milestone,
    ProgressUpdate,
    Recognition,
    Score,
    ScoreSheet,
    Status,
    Transition,
)
from danvan.initiatives.rules import has_conflict, member_unit_paths
from danvan.orgs.models import Membership, Role, Unit, User

DEFAULT_LEVELS = [
    # (rank, name, pass mark)
    (1, "Cấp cơ sở", Decimal(70)),
    (2, "Cấp tỉnh", Decimal(80)),
]


def _require(actor: User, perm: str, obj) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


# ---------------------------------------------------------------- campaigns


def _check_campaign_dates(data: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {}
    year = data.get("year")
    if data["registration_opens"] > data["registration_closes"]:
        errors["registration_closes"] = _("Registration must close after it opens.")
    if data["appraisal_opens"] > data["appraisal_closes"]:
        errors["appraisal_closes"] = _("Appraisal must close after it opens.")
    if data["registration_opens"] > data["appraisal_opens"]:
        errors["appraisal_opens"] = _("Appraisal cannot open before registration opens.")
    if year and data["registration_opens"].year not in (year - 1, year):
        errors["registration_opens"] = _("Registration must open in the campaign's year.")
    if data["quota_min"] > data["quota_max"]:
        errors["quota_max"] = _("The maximum cannot be below the minimum.")
    if errors:
        raise ValidationError(errors)


def campaign_defaults(year: int) -> dict[str, Any]:
    """Registration January–March, appraisal September–15 October (DOMAIN.md §2)."""
    return {
        "registration_opens": dt.date(year, 1, 1),
        "registration_closes": dt.date(year, 3, 31),
        "appraisal_opens": dt.date(year, 9, 1),
        "appraisal_closes": dt.date(year, 10, 15),
        "quota_min": 1,
        "quota_max": 2,
    }


@transaction.atomic
def create_campaign(
    *,
    actor: User,
    unit: Unit,
    year: int,
    name: str,
    registration_opens: dt.date,
    registration_closes: dt.date,
    appraisal_opens: dt.date,
    appraisal_closes: dt.date,
    quota_min: int = 1,
    quota_max: int = 2,
    required_kinds: Sequence[str] | None = None,
    aggregation: str = "mean",
    description: str = "",
    legal_basis: str = "",
    fields: Sequence[str] | None = None,
    with_default_levels: bool = True,
) -> Campaign:
    _require(actor, "initiatives.add_campaign", unit)
    data = {
        "year": year,
        "registration_opens": registration_opens,
        "registration_closes": registration_closes,
        "appraisal_opens": appraisal_opens,
        "appraisal_closes": appraisal_closes,
        "quota_min": quota_min,
        "quota_max": quota_max,
    }
    _check_campaign_dates(data)
    if not name.strip():
        raise ValidationError({"name": _("Enter the campaign's name.")})
    if Campaign.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": _("This unit already runs a campaign for that year.")})
    campaign = Campaign(
        unit=unit,
        name=name.strip(),
        description=description,
        legal_basis=legal_basis,
        aggregation=aggregation,
        created_by=actor,
        **data,
    )
    if required_kinds is not None:
        campaign.required_kinds = list(required_kinds)
    campaign._history_user = actor
    campaign.save()
    for order, field_name in enumerate(fields or DEFAULT_FIELDS):
        Field.objects.create(campaign=campaign, name=field_name, order=order)
    if with_default_levels:
        for rank, level_name, pass_mark in DEFAULT_LEVELS:
            level = Level.objects.create(
                campaign=campaign, rank=rank, name=level_name, pass_mark=pass_mark
            )
            Criterion.objects.bulk_create(
                Criterion(level=level, order=i, name=n, description=d, max_points=Decimal(m))
                for i, (n, d, m) in enumerate(DEFAULT_CRITERIA)
            )
    return campaign


CAMPAIGN_EDITABLE = (
    "name",
    "description",
    "legal_basis",
    "registration_opens",
    "registration_closes",
    "appraisal_opens",
    "appraisal_closes",
    "required_kinds",
    "quota_min",
    "quota_max",
    "aggregation",
)


@transaction.atomic
def update_campaign(*, actor: User, campaign: Campaign, **changes: Any) -> Campaign:
    _require(actor, "initiatives.change_campaign", campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    unknown = set(changes) - set(CAMPAIGN_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for key, value in changes.items():
        setattr(campaign, key, value)
    _check_campaign_dates({k: getattr(campaign, k) for k in (*CAMPAIGN_EDITABLE, "year")})
    campaign._history_user = actor
    campaign.save()
    return campaign


@transaction.atomic
def set_campaign_status(*, actor: User, campaign: Campaign, status: str) -> Campaign:
    _require(actor, "initiatives.change_campaign", campaign)
    if status not in CampaignStatus.values:
        raise ValidationError(_("Unknown campaign status."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if status == CampaignStatus.OPEN and not campaign.fields.exists():
        raise ValidationError(_("Add at least one field before opening the campaign."))
    if campaign.status != status:
        campaign.status = status
        campaign._history_user = actor
        campaign.save(update_fields=["status", "updated_at"])
    return campaign


@transaction.atomic
def copy_campaign(*, actor: User, source: Campaign, year: int, name: str = "") -> Campaign:
    """Next year's campaign from this one: settings, fields, levels and rubrics, dates moved."""
    _require(actor, "initiatives.view_campaign", source)
    shift = year - source.year

    def moved(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year + shift)
        except ValueError:  # 29 February
            return day.replace(year=day.year + shift, day=28)

    campaign = create_campaign(
        actor=actor,
        unit=source.unit,
        year=year,
        name=name or source.name.replace(str(source.year), str(year)),
        registration_opens=moved(source.registration_opens),
        registration_closes=moved(source.registration_closes),
        appraisal_opens=moved(source.appraisal_opens),
        appraisal_closes=moved(source.appraisal_closes),
        quota_min=source.quota_min,
        quota_max=source.quota_max,
        required_kinds=list(source.required_kinds or []),
        aggregation=source.aggregation,
        description=source.description,
        legal_basis=source.legal_basis,
        fields=list(source.fields.values_list("name", flat=True)),
        with_default_levels=False,
    )
    campaign.copied_from = source
    campaign.save(update_fields=["copied_from"])
    for level in source.levels.prefetch_related("criteria"):
        new_level = Level.objects.create(
            campaign=campaign,
            rank=level.rank,
            name=level.name,
            pass_mark=level.pass_mark,
            min_months_running=level.min_months_running,
        )
        Criterion.objects.bulk_create(
            Criterion(
                level=new_level,
                order=c.order,
                name=c.name,
                description=c.description,
                max_points=c.max_points,
                weight=c.weight,
            )
            for c in level.criteria.all()
        )
    return campaign


@transaction.atomic
def set_fields(*, actor: User, campaign: Campaign, names: Sequence[str]) -> list[Field]:
    """Replace the field taxonomy; a field already used by an initiative cannot go."""
    _require(actor, "initiatives.change_campaign", campaign)
    cleaned = [n.strip() for n in names if n.strip()]
    if not cleaned:
        raise ValidationError(_("A campaign needs at least one field."))
    if len({n.casefold() for n in cleaned}) != len(cleaned):
        raise ValidationError(_("Two fields have the same name."))
    existing = {f.name: f for f in campaign.fields.all()}
    used = set(Initiative.objects.filter(campaign=campaign).values_list("field__name", flat=True))
    dropped = set(existing) - set(cleaned)
    blocked = dropped & used
    if blocked:
        raise ValidationError(
            _("Initiatives use these fields, so they cannot be removed: %(names)s.")
            % {"names": ", ".join(sorted(blocked))}
        )
    Field.objects.filter(campaign=campaign, name__in=dropped).delete()
    result = []
    for order, field_name in enumerate(cleaned):
        field = existing.get(field_name) or Field(campaign=campaign, name=field_name)
        field.order = order
        field.save()
        result.append(field)
    return result


def _level_is_frozen(level: Level) -> bool:
    return Score.objects.filter(criterion__level=level).exists()


@transaction.atomic
def save_level(
    *,
    actor: User,
    campaign: Campaign,
    rank: int,
    name: str,
    pass_mark: Decimal,
    min_months_running: int,
    criteria: Sequence[Mapping[str, Any]],
) -> Level:
    """Create or replace a level and its rubric. Once a member has scored, it is frozen."""
    _require(actor, "initiatives.change_campaign", campaign)
    if not criteria:
        raise ValidationError(_("A rubric needs at least one criterion."))
    level = Level.objects.select_for_update().filter(campaign=campaign, rank=rank).first()
    if level is not None and _level_is_frozen(level):
        raise ValidationError(_("Council members have scored against this rubric; it is frozen."))
    rows = []
    for i, row in enumerate(criteria):
        try:
            max_points = Decimal(str(row["max_points"]))
            weight = Decimal(str(row.get("weight", 1)))
        except (InvalidOperation, KeyError) as exc:
            raise ValidationError(_("Criterion %(n)s: enter numbers.") % {"n": i + 1}) from exc
        if max_points <= 0 or weight <= 0:
            raise ValidationError(
                _("Criterion %(n)s: points and weight must be above zero.") % {"n": i + 1}
            )
        if not str(row.get("name", "")).strip():
            raise ValidationError(_("Criterion %(n)s: enter its name.") % {"n": i + 1})
        rows.append((row["name"].strip(), row.get("description", ""), max_points, weight))
    total = sum(m * w for _n, _d, m, w in rows)
    if pass_mark < 0 or pass_mark > total:
        raise ValidationError(
            {"pass_mark": _("The pass mark must be between 0 and %(max)s.") % {"max": total}}
        )
    if level is None:
        level = Level(campaign=campaign, rank=rank)
    level.name = name.strip()
    level.pass_mark = pass_mark
    level.min_months_running = min_months_running
    level.save()
    level.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(level=level, order=i, name=n, description=d, max_points=m, weight=w)
        for i, (n, d, m, w) in enumerate(rows)
    )
    return level


# ------------------------------------------------------------ registration

REGISTRATION_FIELDS = (
    "kind",
    "field",
    "name",
    "reason",
    "goals",
    "content",
    "area",
    "target_group",
    "lead_unit",
    "participants",
    "resources",
    "start_date",
    "end_date",
    "outputs",
    "replicability",
    "exemplar_name",
    "exemplar_is_collective",
    "exemplar_role",
    "replicated_from",
)


def _validate_registration(initiative: Initiative) -> None:
    errors: dict[str, str] = {}
    if not initiative.name.strip():
        errors["name"] = _("Enter the initiative's name.")
    if initiative.field.campaign_id != initiative.campaign_id:
        errors["field"] = _("Choose one of the campaign's fields.")
    if (
        initiative.start_date
        and initiative.end_date
        and initiative.start_date > initiative.end_date
    ):
        errors["end_date"] = _("The end date is before the start date.")
    if initiative.kind == InitiativeKind.EXEMPLAR and not initiative.exemplar_name.strip():
        errors["exemplar_name"] = _("Name the person or collective of the exemplar.")
    source = initiative.replicated_from
    if source is not None:
        if initiative.pk and source.pk == initiative.pk:
            errors["replicated_from"] = _("An initiative cannot replicate itself.")
        elif source.status not in {Status.RECOGNISED, Status.PROPOSED, Status.REWARDED}:
            errors["replicated_from"] = _("Only a recognised model can be replicated.")
        elif initiative.pk and _replicates(source, initiative.pk):
            errors["replicated_from"] = _("That would make a replication cycle.")
    if errors:
        raise ValidationError(errors)


def _replicates(source: Initiative, target_pk: int) -> bool:
    """True when ``source`` (transitively) replicates the initiative ``target_pk``."""
    seen: set[int] = set()
    current: Initiative | None = source
    while current is not None and current.pk not in seen:
        if current.replicated_from_id == target_pk:
            return True
        seen.add(current.pk)
        current = current.replicated_from
    return False


@transaction.atomic
def create_initiative(
    *,
    actor: User,
    campaign: Campaign,
    unit: Unit,
    coordinating_units: Iterable[Unit] = (),
    milestones: Sequence[Mapping[str, Any]] = (),
    **data: Any,
) -> Initiative:
    """A draft registration of ``unit`` in ``campaign``."""
    _require(actor, "initiatives.register_for_unit", unit)
    if not unit.path.startswith(campaign.unit.path):
        raise ValidationError({"unit": _("This unit is outside the campaign's area.")})
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(_("The campaign is closed."))
    unknown = set(data) - set(REGISTRATION_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    initiative = Initiative(campaign=campaign, unit=unit, created_by=actor, **data)
    if initiative.lead_unit is None:
        initiative.lead_unit = unit
    _validate_registration(initiative)
    initiative._history_user = actor
    initiative.save()
    _set_coordinating(initiative, coordinating_units)
    _set_milestones(initiative, milestones)
    return initiative


def _set_coordinating(initiative: Initiative, units: Iterable[Unit]) -> None:
    units = [u for u in units if u.pk != (initiative.lead_unit_id or initiative.unit_id)]
    initiative.coordinating_units.set(units)


def _set_milestones(initiative: Initiative, rows: Sequence[Mapping[str, Any]]) -> None:
    done = {m.title: m.done_on for m in initiative.milestones.all()}
    initiative.milestones.all().delete()
    Milestone.objects.bulk_create(
        Milestone(
            initiative=initiative,
            order=i,
            title=row["title"].strip()[:255],
            due_date=row.get("due_date"),
            done_on=row.get("done_on", done.get(row["title"].strip())),
        )
        for i, row in enumerate(rows)
        if row.get("title", "").strip()
    )


@transaction.atomic
def update_initiative(
    *,
    actor: User,
    initiative: Initiative,
    coordinating_units: Iterable[Unit] | None = None,
    milestones: Sequence[Mapping[str, Any]] | None = None,
    **data: Any,
) -> Initiative:
    """Edit the registration form while it is a draft or returned."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    _require(actor, "initiatives.change_initiative", initiative)
    unknown = set(data) - set(REGISTRATION_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    for key, value in data.items():
        setattr(initiative, key, value)
    _validate_registration(initiative)
    initiative._history_user = actor
    initiative.save()
    if coordinating_units is not None:
        _set_coordinating(initiative, coordinating_units)
    if milestones is not None:
        _set_milestones(initiative, milestones)
    return initiative


# --------------------------------------------------------------- lifecycle


def _locked(initiative: Initiative) -> Initiative:
    return (
        # Lock only the initiative's row: PostgreSQL refuses FOR UPDATE on the nullable
        # side of the outer join to ``level``.
        Initiative.objects.select_for_update(of=("self",))
        .select_related("campaign__unit", "unit", "level")
        .get(pk=initiative.pk)
    )


def _move(
    *,
    actor: User | None,
    initiative: Initiative,
    action: str,
    reason: str = "",
    level: Level | None = None,
    check_perm: bool = True,
) -> Initiative:
    """Apply one move of ``TRANSITIONS`` to a locked row, or refuse with a clear message."""
    move = TRANSITIONS[action]
    if check_perm:
        perm = {
            "unit": "initiatives.act_for_unit",
            "launcher": "initiatives.act_for_launcher",
            "council": "initiatives.act_for_launcher",
        }[move.actor]
        _require(actor, perm, initiative)
    if initiative.status not in move.sources:
        raise ValidationError(
            _("“%(action)s” is not possible while the initiative is “%(status)s”.")
            % {"action": move.label, "status": initiative.get_status_display()},
            code="invalid_transition",
        )
    reason = (reason or "").strip()
    if move.needs_reason and not reason:
        raise ValidationError({"reason": _("Say why (it is kept in the timeline).")})
    previous = initiative.status
    initiative.status = move.target
    if level is not None:
        initiative.level = level
    initiative._history_user = actor
    initiative.save()
    Transition.objects.create(
        initiative=initiative,
        action=action,
        from_status=previous,
        to_status=move.target,
        level=level,
        actor=actor,
        at=timezone.now(),
        reason=reason,
    )
    return initiative


def _unit_people(unit: Unit, roles: Iterable[str]) -> list[User]:
    return [
        m.user
        for m in Membership.objects.active()
        .filter(unit=unit, role__in=list(roles))
        .select_related("user")
    ]


@transaction.atomic
def submit(*, actor: User, initiative: Initiative, today: dt.date | None = None) -> Initiative:
    """Register (submit) a draft with the launching body, within the window and quota."""
    today = today or timezone.localdate()
    initiative = _locked(initiative)
    campaign = initiative.campaign
    if not campaign.registration_open_on(today):
        raise ValidationError(
            _("Registration is open from %(start)s to %(end)s.")
            % {
                "start": campaign.registration_opens.strftime("%d/%m/%Y"),
                "end": campaign.registration_closes.strftime("%d/%m/%Y"),
            },
            code="window_closed",
        )
    # Lock the registering unit's row: two submissions of one unit then run one after the
    # other, and the second counts the first (no quota overrun by a race).
    list(Unit.objects.select_for_update().filter(pk=initiative.unit_id).values_list("pk"))
    counted = (
        Initiative.objects.filter(
            campaign=campaign, unit=initiative.unit, status__in=COUNTED_STATUSES
        )
        .exclude(pk=initiative.pk)
        .count()
    )
    if counted >= campaign.quota_max:
        raise ValidationError(
            _("%(unit)s has already registered %(n)s, the most this campaign allows.")
            % {"unit": initiative.unit.name, "n": counted},
            code="quota_full",
        )
    _validate_registration(initiative)
    _move(actor=actor, initiative=initiative, action="submit")
    initiative.registered_at = timezone.now()
    initiative.save(update_fields=["registered_at"])
    notify(
        users=_unit_people(campaign.unit, {Role.REVIEWER, Role.LEADER}),
        text=_("%(unit)s registered “%(name)s”.")
        % {"unit": initiative.unit.name, "name": initiative.name},
        url=initiative.get_absolute_url(),
    )
    return initiative


def _notify_unit(initiative: Initiative, text: str) -> None:
    notify(
        users=_unit_people(initiative.unit, {Role.OFFICER, Role.LEADER}),
        text=text,
        url=initiative.get_absolute_url(),
    )


@transaction.atomic
def return_for_changes(*, actor: User, initiative: Initiative, reason: str) -> Initiative:
    initiative = _move(actor=actor, initiative=_locked(initiative), action="return", reason=reason)
    _notify_unit(
        initiative,
        _("“%(name)s” was returned: %(reason)s") % {"name": initiative.name, "reason": reason},
    )
    return initiative


@transaction.atomic
def accept(*, actor: User, initiative: Initiative, comment: str = "") -> Initiative:
    initiative = _move(actor=actor, initiative=_locked(initiative), action="accept", reason=comment)
    _notify_unit(initiative, _("“%(name)s” was accepted.") % {"name": initiative.name})
    return initiative


@transaction.atomic
def start(*, actor: User, initiative: Initiative) -> Initiative:
    return _move(actor=actor, initiative=_locked(initiative), action="start")


@transaction.atomic
def mid_term_review(*, actor: User, initiative: Initiative, comment: str) -> Initiative:
    return _move(
        actor=actor, initiative=_locked(initiative), action="mid_term_review", reason=comment
    )


@transaction.atomic
def self_assess(*, actor: User, initiative: Initiative, text: str) -> Initiative:
    initiative = _locked(initiative)
    if not text.strip():
        raise ValidationError({"text": _("Write the self-assessment.")})
    initiative.self_assessment = text.strip()
    return _move(actor=actor, initiative=initiative, action="self_assess")


@transaction.atomic
def discontinue(*, actor: User, initiative: Initiative, reason: str) -> Initiative:
    initiative = _locked(initiative)
    initiative.discontinued_reason = reason.strip()
    initiative.is_published = False
    initiative = _move(actor=actor, initiative=initiative, action="discontinue", reason=reason)
    _notify_unit(
        initiative,
        _("“%(name)s” was discontinued: %(reason)s") % {"name": initiative.name, "reason": reason},
    )
    return initiative


@transaction.atomic
def propose(*, actor: User, initiative: Initiative, comment: str = "") -> Initiative:
    """Propose a recognised initiative to the next level of the campaign."""
    initiative = _locked(initiative)
    current = initiative.level
    next_level = (
        Level.objects.filter(campaign=initiative.campaign, rank__gt=current.rank)
        .order_by("rank")
        .first()
        if current
        else None
    )
    if next_level is None:
        raise ValidationError(_("There is no higher level to propose it to."), code="top_level")
    return _move(
        actor=actor, initiative=initiative, action="propose", reason=comment, level=next_level
    )


@transaction.atomic
def set_publication(
    *, actor: User, initiative: Initiative, published: bool, story: str | None = None
) -> Initiative:
    """Show a recognised initiative on the public showcase, or take it down."""
    initiative = _locked(initiative)
    _require(actor, "initiatives.publish_initiative", initiative)
    if published and initiative.status not in {
        Status.RECOGNISED,
        Status.PROPOSED,
        Status.REWARDED,
    }:
        raise ValidationError(_("Only recognised initiatives can be published."))
    if story is not None:
        initiative.story = story.strip()
    if published and not initiative.story:
        raise ValidationError({"story": _("Write the story citizens will read.")})
    initiative.is_published = published
    initiative._history_user = actor
    initiative.save()
    return initiative


# ---------------------------------------------------------- progress, evidence


def _clean_figures(figures: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    for row in figures:
        label = str(row.get("label", "")).strip()
        value = row.get("value")
        if not label and value in (None, ""):
            continue
        if not label:
            raise ValidationError({"figures": _("Name each number you enter.")})
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError(
                {"figures": _("“%(label)s”: enter a number.") % {"label": label}}
            ) from exc
        if number < 0:
            raise ValidationError(
                {
                    "figures": _("“%(label)s”: a number achieved cannot be negative.")
                    % {"label": label}
                }
            )
        cleaned.append({"label": label[:120], "value": float(number)})
    return cleaned


@transaction.atomic
def add_progress(
    *,
    actor: User,
    initiative: Initiative,
    date: dt.date,
    text: str,
    figures: Iterable[Mapping[str, Any]] = (),
    files: Iterable[Any] = (),
    captions: Sequence[str] = (),
    public_photos: bool = False,
    milestones_done: Iterable[int] = (),
) -> ProgressUpdate:
    """A progress update with numbers achieved, evidence files and milestone ticks.

    The first update of an accepted initiative starts it (moves it to "in progress").
    Files are checked first: one bad file refuses the whole update and nothing is saved.
    """
    initiative = _locked(initiative)
    _require(actor, "initiatives.post_progress", initiative)
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date is in the future.")})
    if not text.strip():
        raise ValidationError({"text": _("Say what was done.")})
    files = list(files)
    checked = []
    for upload in files:
        try:
            checked.append((upload, check_upload(upload)))
        except ValidationError as exc:
            raise ValidationError(
                {"files": [f"{upload.name}: {message}" for message in exc.messages]}
            ) from exc
    update = ProgressUpdate(
        initiative=initiative,
        date=date,
        text=text.strip(),
        figures=_clean_figures(figures),
        author=actor,
    )
    update._history_user = actor
    update.save()
    for index, (upload, sniffed) in enumerate(checked):
        caption = captions[index] if index < len(captions) else ""
        _store_evidence(
            actor=actor,
            initiative=initiative,
            update=update,
            upload=upload,
            sniffed=sniffed,
            caption=caption,
            is_public=public_photos and sniffed.kind == PHOTO,
        )
    ticks = list(milestones_done)
    if ticks:
        initiative.milestones.filter(pk__in=ticks, done_on__isnull=True).update(done_on=date)
    if initiative.status == Status.ACCEPTED:
        _move(actor=actor, initiative=initiative, action="start", check_perm=False)
    return update


def _store_evidence(*, actor, initiative, update, upload, sniffed, caption, is_public) -> Evidence:
    evidence = Evidence(
        initiative=initiative,
        update=update,
        token=secrets.token_hex(16),
        kind=sniffed.kind,
        content_type=sniffed.content_type,
        original_name=(upload.name or "")[-255:],
        caption=caption.strip()[:255],
        is_public=is_public,
        uploaded_by=actor,
    )
    if sniffed.kind == PHOTO:
        # Photos are re-encoded without metadata: no GPS or owner reaches anyone.
        content = clean_photo(upload)
        evidence.content_type = "image/jpeg"
        evidence.size = content.size
        evidence.file.save("photo.jpg", content, save=False)
    else:
        evidence.size = upload.size
        evidence.file.save(f"file.{sniffed.extension}", upload, save=False)
    evidence._history_user = actor
    evidence.save()
    return evidence


@transaction.atomic
def add_evidence(
    *,
    actor: User,
    initiative: Initiative,
    upload,
    caption: str = "",
    is_public: bool = False,
) -> Evidence:
    initiative = _locked(initiative)
    _require(actor, "initiatives.act_for_unit", initiative)
    if initiative.status in {Status.DISCONTINUED}:
        raise ValidationError(_("The initiative is discontinued."))
    sniffed = check_upload(upload)
    return _store_evidence(
        actor=actor,
        initiative=initiative,
        update=None,
        upload=upload,
        sniffed=sniffed,
        caption=caption,
        is_public=is_public and sniffed.kind == PHOTO,
    )


@transaction.atomic
def set_evidence_public(*, actor: User, evidence: Evidence, is_public: bool) -> Evidence:
    initiative = evidence.initiative
    if not (
        actor.has_perm("initiatives.act_for_unit", initiative)
        or actor.has_perm("initiatives.publish_initiative", initiative)
    ):
        raise PermissionDenied
    if is_public and evidence.kind != PHOTO:
        raise ValidationError(_("Only photos can be shown on the showcase."))
    evidence.is_public = is_public
    evidence._history_user = actor
    evidence.save(update_fields=["is_public", "updated_at"])
    return evidence


@transaction.atomic
def tick_milestone(*, actor: User, milestone: Milestone, done_on: dt.date | None) -> Milestone:
    _require(actor, "initiatives.post_progress", milestone.initiative)
    if done_on and done_on > timezone.localdate():
        raise ValidationError(_("The date is in the future."))
    milestone.done_on = done_on
    milestone._history_user = actor
    milestone.save(update_fields=["done_on"])
    return milestone


# ----------------------------------------------------------------- councils


@transaction.atomic
def create_council(
    *,
    actor: User,
    campaign: Campaign,
    level: Level,
    unit: Unit,
    name: str,
    members: Sequence[User] = (),
    chair: User | None = None,
) -> Council:
    if level.campaign_id != campaign.pk:
        raise ValidationError({"level": _("Choose a level of this campaign.")})
    if not unit.path.startswith(campaign.unit.path):
        raise ValidationError({"unit": _("The council's unit must be in the campaign's area.")})
    council = Council(campaign=campaign, level=level, unit=unit, name=name.strip())
    if not actor.has_perm("initiatives.manage_council", council):
        raise PermissionDenied
    if not council.name:
        raise ValidationError({"name": _("Name the council.")})
    council._history_user = actor
    council.save()
    for user in members:
        add_member(
            actor=actor, council=council, user=user, is_chair=chair is not None and user == chair
        )
    return council


@transaction.atomic
def add_member(
    *, actor: User, council: Council, user: User, is_chair: bool = False
) -> CouncilMember:
    _require(actor, "initiatives.manage_council", council)
    if council.status == CouncilStatus.DECIDED:
        raise ValidationError(_("The council has decided; its membership is closed."))
    member, _created = CouncilMember.objects.get_or_create(
        council=council, user=user, defaults={"is_chair": is_chair}
    )
    if is_chair and not member.is_chair:
        member.is_chair = True
        member.save(update_fields=["is_chair"])
    return member


@transaction.atomic
def remove_member(*, actor: User, member: CouncilMember) -> None:
    _require(actor, "initiatives.manage_council", member.council)
    if member.sheets.exclude(submitted_at=None).exists():
        raise ValidationError(_("This member has submitted scores and cannot be removed."))
    member.delete()


def _months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


@transaction.atomic
def send_to_council(
    *, actor: User, initiative: Initiative, council: Council, today: dt.date | None = None
) -> Assignment:
    """Put a self-assessed (or proposed) initiative before the council of its level."""
    today = today or timezone.localdate()
    _require(actor, "initiatives.manage_council", council)
    initiative = _locked(initiative)
    if council.status != CouncilStatus.OPEN:
        raise ValidationError(_("This council has already decided."))
    if council.campaign_id != initiative.campaign_id:
        raise ValidationError(_("The council belongs to another campaign."))
    if not initiative.unit.path.startswith(council.unit.path):
        raise ValidationError(_("The initiative is outside the council's area."))
    expected_rank = initiative.level.rank if initiative.status == Status.PROPOSED else 1
    if council.level.rank != expected_rank:
        raise ValidationError(
            _("This initiative goes to a council of level “%(level)s”.")
            % {
                "level": initiative.level.name
                if initiative.status == Status.PROPOSED
                else council.campaign.levels.first().name
            }
        )
    if initiative.start_date:
        running = _months_between(initiative.start_date, today)
        if running < council.level.min_months_running:
            raise ValidationError(
                _(
                    "It has run %(months)s months; the level asks for at least %(min)s "
                    "before appraisal."
                )
                % {"months": max(running, 0), "min": council.level.min_months_running},
                code="too_young",
            )
    _move(
        actor=actor,
        initiative=initiative,
        action="send_to_council",
        level=council.level,
        check_perm=False,
    )
    assignment, _created = Assignment.objects.get_or_create(council=council, initiative=initiative)
    notify(
        users=[m.user for m in council.members.select_related("user")],
        text=_("“%(name)s” awaits your scores in %(council)s.")
        % {"name": initiative.name, "council": council.name},
        url=council.get_absolute_url(),
    )
    return assignment


def conflicted(member: CouncilMember, assignment: Assignment) -> bool:
    paths = member_unit_paths(member.user)
    if member.home_unit_id:
        paths.append(member.home_unit.path)
    return has_conflict(paths, assignment.initiative.unit.path, assignment.council.unit.path)


@transaction.atomic
def save_scores(
    *,
    actor: User,
    assignment: Assignment,
    points: Mapping[int, Any],
    comments: Mapping[int, str] | None = None,
    overall_comment: str = "",
    submit: bool = False,
) -> ScoreSheet:
    """Save (and optionally submit) the acting member's scores for one assignment.

    Every criterion must be scored to submit; a submitted sheet is final. A member whose
    own unit registered the initiative is refused (conflict of interest).
    """
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("council__level", "council__unit", "initiative__unit")
        .get(pk=assignment.pk)
    )
    council = assignment.council
    member = (
        CouncilMember.objects.filter(council=council, user=actor)
        .select_related("home_unit")
        .first()
    )
    if member is None:
        raise PermissionDenied
    if council.status != CouncilStatus.OPEN:
        raise ValidationError(_("The council has decided; scores are closed."))
    if conflicted(member, assignment):
        raise ValidationError(
            _("You cannot score an initiative registered by your own unit."), code="conflict"
        )
    sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(
        assignment=assignment, member=member
    )
    if sheet.submitted_at is not None:
        raise ValidationError(_("You have already submitted your scores."), code="submitted")
    criteria = {c.pk: c for c in council.level.criteria.all()}
    comments = comments or {}
    errors: dict[str, list[str]] = {}
    parsed: dict[int, Decimal] = {}
    for criterion_id, raw in points.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            raise ValidationError(_("Unknown criterion."))
        if raw in (None, ""):
            continue
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            errors[f"points_{criterion.pk}"] = [_("Enter a number.")]
            continue
        if value < 0 or value > criterion.max_points:
            errors[f"points_{criterion.pk}"] = [
                _("Between 0 and %(max)s.") % {"max": f"{criterion.max_points.normalize():f}"}
            ]
            continue
        parsed[criterion.pk] = value
    if errors:
        raise ValidationError(errors)
    if submit:
        missing = [c for pk, c in criteria.items() if pk not in parsed]
        if missing:
            raise ValidationError(
                {f"points_{c.pk}": [_("Score every criterion before submitting.")] for c in missing}
            )
    for criterion_id, value in parsed.items():
        Score.objects.update_or_create(
            sheet=sheet,
            criterion_id=criterion_id,
            defaults={
                "points": value,
                "comment": (comments.get(criterion_id) or "").strip()[:500],
            },
        )
    sheet.comment = overall_comment.strip()
    if submit:
        sheet.submitted_at = timezone.now()
    sheet._history_user = actor
    sheet.save()
    return sheet


def specs_for(level: Level) -> list[scoring.CriterionSpec]:
    return [
        scoring.CriterionSpec(id=c.pk, max_points=c.max_points, weight=c.weight)
        for c in level.criteria.all()
    ]


def council_results(council: Council) -> dict[int, dict[str, Any]]:
    """Per assignment: members' totals, the aggregated result, pass and rank. Read-only."""
    specs = specs_for(council.level)
    sheets = (
        ScoreSheet.objects.filter(assignment__council=council, submitted_at__isnull=False)
        .prefetch_related("scores")
        .select_related("member__user")
    )
    totals: dict[int, list[Decimal]] = {a.pk: [] for a in council.assignments.all()}
    for sheet in sheets:
        points = {s.criterion_id: s.points for s in sheet.scores.all()}
        totals.setdefault(sheet.assignment_id, []).append(scoring.weighted_total(specs, points))
    method = council.campaign.aggregation
    results = {pk: scoring.aggregate(values, method) for pk, values in totals.items()}
    ranks = scoring.rank(results)
    return {
        pk: {
            "totals": totals[pk],
            "result": results[pk],
            "passed": scoring.passes(results[pk], council.level.pass_mark),
            "rank": ranks[pk],
        }
        for pk in totals
    }


@transaction.atomic
def decide_council(
    *,
    actor: User,
    council: Council,
    decision_number: str,
    decision_date: dt.date,
    signer: str,
    signer_title: str = "",
) -> Council:
    """Record the council's decision: results, ranks, and recognition of those that pass."""
    council = (
        Council.objects.select_for_update(of=("self",))
        .select_related("level", "campaign")
        .get(pk=council.pk)
    )
    _require(actor, "initiatives.manage_council", council)
    if council.status == CouncilStatus.DECIDED:
        raise ValidationError(_("This council has already decided."), code="decided")
    errors = {}
    if not decision_number.strip():
        errors["decision_number"] = _("Enter the decision number.")
    if decision_date > timezone.localdate():
        errors["decision_date"] = _("The date is in the future.")
    if not signer.strip():
        errors["signer"] = _("Enter who signed the decision.")
    if errors:
        raise ValidationError(errors)
    results = council_results(council)
    unscored = [pk for pk, r in results.items() if r["result"] is None]
    if unscored:
        raise ValidationError(
            _("%(n)s initiative(s) have no submitted scores yet.") % {"n": len(unscored)},
            code="unscored",
        )
    council.status = CouncilStatus.DECIDED
    council.decision_number = decision_number.strip()
    council.decision_date = decision_date
    council.signer = signer.strip()
    council.signer_title = signer_title.strip()
    council.decided_at = timezone.now()
    council.decided_by = actor
    council._history_user = actor
    council.save()
    for assignment in council.assignments.select_related("initiative").select_for_update(
        of=("self",)
    ):
        result = results[assignment.pk]
        assignment.result = result["result"]
        assignment.passed = result["passed"]
        assignment.rank = result["rank"]
        assignment.save(update_fields=["result", "passed", "rank"])
        initiative = _locked(assignment.initiative)
        if initiative.status != Status.UNDER_APPRAISAL:
            continue  # discontinued while under appraisal: keep its status
        reason = _("Decision %(number)s of %(date)s: %(result)s points.") % {
            "number": council.decision_number,
            "date": decision_date.strftime("%d/%m/%Y"),
            "result": result["result"],
        }
        if result["passed"]:
            Recognition.objects.update_or_create(
                initiative=initiative,
                level=council.level,
                defaults={
                    "council": council,
                    "decision_number": council.decision_number,
                    "decision_date": decision_date,
                    "signer": council.signer,
                    "result": result["result"],
                },
            )
            _move(
                actor=actor,
                initiative=initiative,
                action="recognise",
                reason=reason,
                level=council.level,
                check_perm=False,
            )
            _notify_unit(
                initiative,
                _("“%(name)s” was recognised at level “%(level)s”.")
                % {"name": initiative.name, "level": council.level.name},
            )
        else:
            # Not recognised at this level: the level it last held stays recorded.
            previous = (
                Recognition.objects.filter(initiative=initiative)
                .order_by("-level__rank")
                .select_related("level")
                .first()
            )
            _move(
                actor=actor,
                initiative=initiative,
                action="not_recognise",
                reason=reason,
                check_perm=False,
            )
            initiative.level = previous.level if previous else None
            initiative.save(update_fields=["level"])
    return council


# -------------------------------------------------------------------- awards


@transaction.atomic
def record_award(
    *,
    actor: User,
    initiative: Initiative,
    kind: AwardKind,
    issuer: str,
    decision_number: str,
    decision_date: dt.date,
    recipient_unit: Unit | None = None,
    recipient_person: str = "",
) -> Award:
    initiative = _locked(initiative)
    errors = {}
    if not issuer.strip():
        errors["issuer"] = _("Enter who issued the award.")
    if not decision_number.strip():
        errors["decision_number"] = _("Enter the decision number.")
    if decision_date > timezone.localdate():
        errors["decision_date"] = _("The date is in the future.")
    if recipient_unit is None and not recipient_person.strip():
        errors["recipient_person"] = _("Name a recipient: a unit or a person.")
    if errors:
        raise ValidationError(errors)
    _move(
        actor=actor,
        initiative=initiative,
        action="reward",
        reason=f"{kind.name} — {decision_number.strip()}",
    )
    award = Award(
        initiative=initiative,
        kind=kind,
        issuer=issuer.strip(),
        decision_number=decision_number.strip(),
        decision_date=decision_date,
        recipient_unit=recipient_unit,
        recipient_person=recipient_person.strip(),
        recorded_by=actor,
    )
    award._history_user = actor
    award.save()
    return award


# ------------------------------------------------------------------ reminders


def units_at_zero(campaign: Campaign, *, on: dt.date) -> list[Unit]:
    """Units of a required kind in the campaign's area with nothing registered."""
    registered = (
        Initiative.objects.filter(campaign=campaign, status__in=COUNTED_STATUSES)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=0)
        .values("unit_id")
    )
    return list(
        Unit.objects.subtree_of(campaign.unit)
        .valid_on(on)
        .filter(kind__in=campaign.required_kinds or [])
        .exclude(pk__in=registered)
        .order_by("path")
    )


REMINDER_STAGES = (14, 7, 2)


@transaction.atomic
def send_quota_reminders(*, campaign: Campaign, today: dt.date) -> int:
    """Remind units still at zero 14, 7 and 2 days before registration closes.

    Idempotent: one reminder per campaign, unit and stage, whatever the number of runs.
    Returns how many units were reminded now.
    """
    from danvan.initiatives.models import QuotaReminder

    if campaign.status != CampaignStatus.OPEN or today > campaign.registration_closes:
        return 0
    days_left = (campaign.registration_closes - today).days
    due = [stage for stage in REMINDER_STAGES if days_left <= stage]
    if not due:
        return 0
    stage = min(due)
    reminded = 0
    already = set(
        QuotaReminder.objects.filter(campaign=campaign, days_before=stage).values_list(
            "unit_id", flat=True
        )
    )
    for unit in units_at_zero(campaign, on=today):
        if unit.pk in already:
            continue
        QuotaReminder.objects.create(
            campaign=campaign, unit=unit, days_before=stage, sent_at=timezone.now()
        )
        notify(
            users=_unit_people(unit, {Role.OFFICER, Role.LEADER}),
            text=_(
                "%(unit)s has not registered a “Dân vận khéo” model in %(campaign)s; "
                "registration closes on %(date)s."
            )
            % {
                "unit": unit.name,
                "campaign": campaign.name,
                "date": campaign.registration_closes.strftime("%d/%m/%Y"),
            },
            url=campaign.get_absolute_url(),
        )
        reminded += 1
    return reminded
