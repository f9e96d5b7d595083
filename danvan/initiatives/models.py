"""The "Dân vận khéo" movement: campaigns, models and exemplars, councils and awards.

One campaign a year is launched by a unit (usually a province). Units of the required kinds
in its subtree register 1–2 initiatives (models or exemplars), report progress with
evidence, assess themselves, are appraised by a council against the rubric of a recognition
level, are recognised, proposed to the next level and rewarded. The lifecycle is the
``TRANSITIONS`` table below; every move is one service in ``services.py`` and one
``Transition`` row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.core.models import SearchableModel, SearchQuerySet, TimeStampedModel
from danvan.orgs.models import Unit, UnitKind


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Mean of members' totals")
    MEDIAN = "median", _("Median of members' totals")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


def default_required_kinds() -> list[str]:
    return [UnitKind.COMMUNE, UnitKind.DEPARTMENT, UnitKind.FRONT, UnitKind.MASS_ORG]


# The four fields of DOMAIN.md §2; a campaign copies them and may edit them.
DEFAULT_FIELDS = [
    "Kinh tế",
    "Văn hóa - xã hội",
    "Quốc phòng - an ninh",
    "Xây dựng hệ thống chính trị",
]
# The recognition criteria of DOMAIN.md §2 as a 100-point rubric (name, description, max).
DEFAULT_CRITERIA = [
    (
        "Tên gọi, địa chỉ cụ thể",
        "Mô hình, điển hình có tên gọi và địa chỉ cụ thể, rõ ràng.",
        10,
    ),
    ("Thuộc một lĩnh vực", "Xác định rõ một lĩnh vực thực hiện.", 10),
    (
        "Có sự lãnh đạo và đăng ký",
        "Do cấp ủy hoặc chính quyền lãnh đạo, chỉ đạo; đăng ký với cơ quan phát động.",
        10,
    ),
    (
        "Huy động nhiều lực lượng",
        "Huy động được nhiều lực lượng, tổ chức và người dân cùng tham gia.",
        15,
    ),
    (
        "Hiệu quả thiết thực",
        "Mang lại hiệu quả thiết thực, được Nhân dân đồng tình, hưởng ứng.",
        25,
    ),
    (
        "Giải quyết nhiệm vụ cấp bách",
        "Góp phần giải quyết nhiệm vụ cấp bách, khó khăn của địa phương, đơn vị.",
        15,
    ),
    ("Bền vững, nhân rộng", "Có tính bền vững và khả năng nhân rộng ở nơi khác.", 15),
]


class CampaignQuerySet(SearchQuerySet):
    def visible_to(self, user) -> CampaignQuerySet:
        """Campaigns launched in the user's scope or above it (those they register in)."""
        from danvan.orgs.scope import scope_for

        scope = scope_for(user)
        if scope.is_global:
            return self
        prefixes = scope.prefixes()
        if not prefixes:
            return self.none()
        # A campaign is visible when its unit is inside a granted subtree, or when a
        # granted unit lies inside the campaign's subtree (the unit registers in it).
        query = scope.q("unit__path")
        for prefix in prefixes:
            ancestors = [prefix[:n] for n in range(Unit.steplen, len(prefix) + 1, Unit.steplen)]
            query |= Q(unit__path__in=ancestors)
        return self.filter(query)


class Campaign(SearchableModel, TimeStampedModel):
    """A yearly "Dân vận khéo" campaign launched by ``unit`` over its subtree."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("launching unit")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    legal_basis = models.TextField(
        _("legal basis"), blank=True, help_text=_("The plans and directives it implements.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    registration_opens = models.DateField(_("registration opens"))
    registration_closes = models.DateField(_("registration closes"))
    appraisal_opens = models.DateField(_("appraisal opens"))
    appraisal_closes = models.DateField(_("appraisal closes"))
    required_kinds = models.JSONField(
        _("unit kinds that must register"), default=default_required_kinds, blank=True
    )
    quota_min = models.PositiveSmallIntegerField(_("minimum per unit"), default=1)
    quota_max = models.PositiveSmallIntegerField(_("maximum per unit"), default=2)
    aggregation = models.CharField(
        _("council result"), max_length=10, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_campaign_per_unit_year"),
            models.CheckConstraint(
                condition=Q(quota_min__lte=models.F("quota_max")), name="campaign_quota_range"
            ),
            models.CheckConstraint(
                condition=Q(registration_opens__lte=models.F("registration_closes")),
                name="campaign_registration_range",
            ),
            models.CheckConstraint(
                condition=Q(appraisal_opens__lte=models.F("appraisal_closes")),
                name="campaign_appraisal_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def search_source(self) -> str:
        return f"{self.name} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("initiatives:campaign_detail", args=[self.pk])

    def registration_open_on(self, day: dt.date) -> bool:
        return (
            self.status == CampaignStatus.OPEN
            and self.registration_opens <= day <= self.registration_closes
        )

    def kind_must_register(self, kind: str) -> bool:
        return kind in (self.required_kinds or [])


class Field(models.Model):
    """One field of a campaign's taxonomy (economy, culture–society, …)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="fields", verbose_name=_("campaign")
    )
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["campaign", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="unique_field_name")
        ]

    def __str__(self) -> str:
        return self.name


class Level(models.Model):
    """A recognition level of a campaign (rank 1 is the lowest) with its rubric's pass mark."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="levels", verbose_name=_("campaign")
    )
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=120)
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("70"),
        help_text=_("Weighted total a model needs to be recognised at this level."),
    )
    min_months_running = models.PositiveSmallIntegerField(
        _("minimum months of operation"), default=6
    )

    class Meta:
        verbose_name = _("recognition level")
        verbose_name_plural = _("recognition levels")
        ordering = ["campaign", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "rank"], name="unique_level_rank")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_points * c.weight for c in self.criteria.all()), Decimal(0))


class Criterion(models.Model):
    level = models.ForeignKey(
        Level, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("level")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("criterion"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["level", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class InitiativeKind(models.TextChoices):
    MODEL = "model", _("Model (collective)")
    EXEMPLAR = "exemplar", _("Exemplar")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REGISTERED = "registered", _("Registered")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    MID_TERM_REVIEWED = "mid_term_reviewed", _("Mid-term reviewed")
    SELF_ASSESSED = "self_assessed", _("Self-assessed")
    UNDER_APPRAISAL = "under_appraisal", _("Under appraisal")
    RECOGNISED = "recognised", _("Recognised")
    NOT_RECOGNISED = "not_recognised", _("Not recognised")
    PROPOSED = "proposed", _("Proposed to the next level")
    REWARDED = "rewarded", _("Rewarded")
    DISCONTINUED = "discontinued", _("Discontinued")


class Actor(models.TextChoices):
    """Who may fire a transition."""

    UNIT = "unit", _("the registering unit")
    LAUNCHER = "launcher", _("the launching body")
    COUNCIL = "council", _("the council's decision")


@dataclass(frozen=True)
class Move:
    action: str
    sources: frozenset[str]
    target: str
    actor: str
    label: str
    needs_reason: bool = False


S = Status
# The lifecycle. Every service in services.py checks its move here; nothing else changes
# an initiative's status. ``needs_reason``: the actor must say why (kept in the timeline).
TRANSITIONS: dict[str, Move] = {
    m.action: m
    for m in [
        Move("submit", frozenset({S.DRAFT, S.RETURNED}), S.REGISTERED, Actor.UNIT, _("Submit")),
        Move("return", frozenset({S.REGISTERED}), S.RETURNED, Actor.LAUNCHER, _("Return"), True),
        Move("accept", frozenset({S.REGISTERED}), S.ACCEPTED, Actor.LAUNCHER, _("Accept")),
        Move("start", frozenset({S.ACCEPTED}), S.IN_PROGRESS, Actor.UNIT, _("Start")),
        Move(
            "mid_term_review",
            frozenset({S.IN_PROGRESS}),
            S.MID_TERM_REVIEWED,
            Actor.LAUNCHER,
            _("Record the mid-term review"),
            True,
        ),
        Move(
            "self_assess",
            frozenset({S.IN_PROGRESS, S.MID_TERM_REVIEWED}),
            S.SELF_ASSESSED,
            Actor.UNIT,
            _("Submit the self-assessment"),
        ),
        Move(
            "send_to_council",
            frozenset({S.SELF_ASSESSED, S.PROPOSED}),
            S.UNDER_APPRAISAL,
            Actor.LAUNCHER,
            _("Send to the council"),
        ),
        Move(
            "recognise",
            frozenset({S.UNDER_APPRAISAL}),
            S.RECOGNISED,
            Actor.COUNCIL,
            _("Recognise"),
        ),
        Move(
            "not_recognise",
            frozenset({S.UNDER_APPRAISAL}),
            S.NOT_RECOGNISED,
            Actor.COUNCIL,
            _("Do not recognise"),
        ),
        Move(
            "propose",
            frozenset({S.RECOGNISED, S.REWARDED}),
            S.PROPOSED,
            Actor.LAUNCHER,
            _("Propose to the next level"),
        ),
        Move(
            "reward",
            frozenset({S.RECOGNISED, S.REWARDED}),
            S.REWARDED,
            Actor.LAUNCHER,
            _("Record an award"),
        ),
        Move(
            "discontinue",
            frozenset(
                {
                    S.DRAFT,
                    S.REGISTERED,
                    S.RETURNED,
                    S.ACCEPTED,
                    S.IN_PROGRESS,
                    S.MID_TERM_REVIEWED,
                    S.SELF_ASSESSED,
                    S.RECOGNISED,
                    S.NOT_RECOGNISED,
                    S.PROPOSED,
                    S.REWARDED,
                }
            ),
            S.DISCONTINUED,
            Actor.LAUNCHER,
            _("Discontinue"),
            True,
        ),
    ]
}
# Statuses that count towards a unit's quota: submitted and not returned or dropped.
COUNTED_STATUSES = frozenset(set(Status.values) - {S.DRAFT, S.RETURNED, S.DISCONTINUED})
# Progress updates and evidence are posted while the initiative runs.
RUNNING_STATUSES = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.MID_TERM_REVIEWED, S.SELF_ASSESSED})
# The registration form can be edited while these hold.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.RETURNED})
# Shown on the public showcase once published.
RECOGNISED_STATUSES = frozenset({S.RECOGNISED, S.PROPOSED, S.REWARDED})
# The funnel of the statistics page: each stage counts initiatives that reached it.
FUNNEL = [
    ("registered", _("Registered")),
    ("accepted", _("Accepted")),
    ("recognised", _("Recognised")),
    ("proposed", _("Proposed")),
    ("rewarded", _("Rewarded")),
]


class InitiativeQuerySet(SearchQuerySet):
    def visible_to(self, user) -> InitiativeQuerySet:
        """Registered in the user's scope, or in a campaign their scope launched."""
        from danvan.orgs.scope import scope_for

        scope = scope_for(user)
        if scope.is_global:
            return self
        return self.filter(scope.q("unit__path") | scope.q("campaign__unit__path"))

    def in_subtree(self, unit: Unit) -> InitiativeQuerySet:
        return self.filter(unit__path__startswith=unit.path)

    def counted(self) -> InitiativeQuerySet:
        return self.filter(status__in=COUNTED_STATUSES)

    def published(self) -> InitiativeQuerySet:
        """What the public showcase may show."""
        return self.filter(is_published=True, status__in=RECOGNISED_STATUSES)


class Initiative(SearchableModel, TimeStampedModel):
    """A "Dân vận khéo" model or exemplar registered by ``unit`` in ``campaign``."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("campaign")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("registering unit"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=InitiativeKind.choices, default=InitiativeKind.MODEL
    )
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("field")
    )
    name = models.CharField(_("name"), max_length=300)
    reason = models.TextField(_("reason and current situation"), blank=True)
    goals = models.TextField(_("goals and criteria"), blank=True)
    content = models.TextField(_("content and method"), blank=True)
    area = models.CharField(_("area"), max_length=255, blank=True)
    target_group = models.CharField(_("target group"), max_length=255, blank=True)
    lead_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_initiatives",
        verbose_name=_("lead unit"),
    )
    coordinating_units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="coordinated_initiatives",
        verbose_name=_("coordinating units"),
    )
    participants = models.TextField(_("participating forces"), blank=True)
    resources = models.TextField(_("resources"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    outputs = models.TextField(_("verifiable outputs"), blank=True)
    replicability = models.TextField(_("replicability"), blank=True)
    # Exemplars: the person or collective and their role.
    exemplar_name = models.CharField(_("person or collective"), max_length=255, blank=True)
    exemplar_is_collective = models.BooleanField(_("a collective"), default=False)
    exemplar_role = models.CharField(_("their role"), max_length=255, blank=True)
    replicated_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replications",
        verbose_name=_("replicated from"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("level"),
        help_text=_("The highest level it was recognised at, or the level it is proposed to."),
    )
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    # Public showcase: a story written for citizens, shown only once published.
    story = models.TextField(_("story for the showcase"), blank=True)
    is_published = models.BooleanField(_("published on the showcase"), default=False)
    discontinued_reason = models.TextField(_("reason for discontinuing"), blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords(excluded_fields=["search_text"], m2m_fields=[coordinating_units])
    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["campaign", "status"], name="initiative_campaign_status"),
            models.Index(fields=["campaign", "unit"], name="initiative_campaign_unit"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(start_date__lte=models.F("end_date")),
                name="initiative_date_range",
            ),
            models.CheckConstraint(
                condition=~Q(replicated_from=models.F("pk")), name="initiative_not_own_source"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def search_source(self) -> str:
        return f"{self.name} {self.area} {self.target_group} {self.exemplar_name}"

    def get_absolute_url(self) -> str:
        return reverse("initiatives:initiative_detail", args=[self.pk])

    def can_move(self, action: str) -> bool:
        move = TRANSITIONS.get(action)
        return move is not None and self.status in move.sources


class Milestone(models.Model):
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("initiative"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("milestone"), max_length=255)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["initiative", "order", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(TimeStampedModel):
    """What a unit reports while its initiative runs; ``figures`` are numbers achieved."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="updates", verbose_name=_("initiative")
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("what was done"))
    # [{"label": "Hộ dân tham gia", "value": 120}, …]
    figures = models.JSONField(_("numbers achieved"), default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.initiative} — {self.date:%d/%m/%Y}"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    PDF = "pdf", _("PDF document")
    WORD = "word", _("Word document")
    EXCEL = "excel", _("Excel workbook")


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name never carries the uploader's file name (it may hold personal data).
    extension = {
        EvidenceKind.PHOTO: "jpg",
        EvidenceKind.PDF: "pdf",
        EvidenceKind.WORD: "docx",
        EvidenceKind.EXCEL: "xlsx",
    }.get(instance.kind, "bin")
    if "." in filename:
        extension = filename.rsplit(".", 1)[1].lower()[:5]
    return f"initiatives/{instance.initiative_id}/{instance.token}.{extension}"


class Evidence(TimeStampedModel):
    """A file attached to an initiative, optionally to one of its progress updates."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("initiative")
    )
    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("progress update"),
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    is_public = models.BooleanField(
        _("may be shown on the showcase"),
        default=False,
        help_text=_("Only photos; shown once the initiative is published."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["initiative", "-created_at", "pk"]

    def __str__(self) -> str:
        return self.caption or self.original_name

    def get_absolute_url(self) -> str:
        return reverse("initiatives:evidence_file", args=[self.token])


class Transition(models.Model):
    """One move in an initiative's lifecycle: who, when, from what to what, and why."""

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("initiative"),
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    level = models.ForeignKey(
        Level, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))
    reason = models.TextField(_("reason or comment"), blank=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["initiative", "at", "pk"]
        indexes = [models.Index(fields=["to_status", "at"], name="transition_status_at")]

    def __str__(self) -> str:
        return f"{self.initiative}: {self.from_status} → {self.to_status}"


class CouncilStatus(models.TextChoices):
    OPEN = "open", _("Scoring")
    DECIDED = "decided", _("Decided")


class CouncilQuerySet(models.QuerySet):
    def visible_to(self, user) -> CouncilQuerySet:
        """Councils formed in the user's scope, and councils the user sits on."""
        from danvan.orgs.scope import scope_for

        scope = scope_for(user)
        if scope.is_global:
            return self
        return self.filter(scope.q("unit__path") | Q(members__user=user)).distinct()


class Council(TimeStampedModel):
    """An appraisal council for one level of a campaign, formed by ``unit``.

    It appraises initiatives registered in ``unit``'s subtree.
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="councils", verbose_name=_("campaign")
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="councils", verbose_name=_("level")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="councils", verbose_name=_("forming unit")
    )
    name = models.CharField(_("name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=CouncilStatus.choices, default=CouncilStatus.OPEN
    )
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()
    objects = CouncilQuerySet.as_manager()

    class Meta:
        verbose_name = _("appraisal council")
        verbose_name_plural = _("appraisal councils")
        ordering = ["campaign", "level__rank", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("initiatives:council_detail", args=[self.pk])


class CouncilMember(models.Model):
    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="members", verbose_name=_("council")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="council_seats",
        verbose_name=_("member"),
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    # The unit the member belongs to, for conflicts of interest: a member may not score an
    # initiative registered by this unit or any unit under it.
    home_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member's own unit"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council", "-is_chair", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="unique_council_member")
        ]

    def __str__(self) -> str:
        return str(self.user)


class Assignment(models.Model):
    """An initiative put before a council; the result is filled in by the decision."""

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("council")
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("initiative"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    result = models.DecimalField(_("result"), max_digits=8, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment to a council")
        verbose_name_plural = _("assignments to councils")
        ordering = ["council", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["council", "initiative"], name="unique_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.initiative} @ {self.council}"


class ScoreSheet(models.Model):
    """One member's scores for one assignment; hidden from others until submitted."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("assignment")
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("member")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "member"], name="unique_score_sheet")
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.assignment}"


class Score(models.Model):
    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="scores", verbose_name=_("score sheet")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="unique_score"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.points}"


class Recognition(models.Model):
    """An initiative recognised at a level by a decision."""

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="recognitions",
        verbose_name=_("initiative"),
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="recognitions", verbose_name=_("level")
    )
    council = models.ForeignKey(
        Council, on_delete=models.SET_NULL, null=True, blank=True, related_name="recognitions"
    )
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    result = models.DecimalField(_("result"), max_digits=8, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["initiative", "level__rank"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "level"], name="unique_recognition")
        ]

    def __str__(self) -> str:
        return f"{self.initiative} — {self.level}"


class AwardKind(models.Model):
    """Giấy khen, Bằng khen, … (configurable by administrators)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("kind of award")
        verbose_name_plural = _("kinds of award")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Award(TimeStampedModel):
    """An award decision for an initiative, to a unit or a person."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="awards", verbose_name=_("initiative")
    )
    kind = models.ForeignKey(
        AwardKind, on_delete=models.PROTECT, related_name="awards", verbose_name=_("award")
    )
    issuer = models.CharField(_("issued by"), max_length=255)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    recipient_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name=_("recipient unit"),
    )
    recipient_person = models.CharField(_("recipient person"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["initiative", "decision_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_unit__isnull=False) | ~Q(recipient_person=""),
                name="award_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} — {self.decision_number}"

    @property
    def recipient(self) -> str:
        return self.recipient_person or str(self.recipient_unit)


class QuotaReminder(models.Model):
    """A reminder sent to a unit with no registration; one per campaign, unit and stage."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "days_before"], name="unique_quota_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.unit} — {self.days_before}"
