"""Plans, their legal basis and tasks; activities units record; coverage requirements.

The chain a user follows: a legal document (Directive 33/CT-TTg) is cited as the basis
("Căn cứ") of a province plan; a city plan implements the province plan (``Plan.parent``);
each plan's "Tổ chức thực hiện" gives tasks, each with a lead unit, coordinating units and a
deadline (a date, or a recurring one such as "every year by 01/11"). A unit implementing a
parent plan copies the tasks assigned to it into its own plan (``Task.parent_task``), so the
parent task shows its children's progress.

Activities are what units did (themed party-cell meetings, trainings, outreach, the 15/10
anniversary, coordination programmes, twinning); their types are data. A coverage
requirement ("100% of party cells hold the themed meeting in 10/2026") is met by every unit
of a kind under the plan's unit that records an activity of a type in a window.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.core.models import SearchableModel, SearchQuerySet, TimeStampedModel
from danvan.core.text import fold
from danvan.orgs.models import Unit, UnitKind

# ------------------------------------------------------------------ legal documents


class DocumentType(models.TextChoices):
    LAW = "law", _("Law")
    DECREE = "decree", _("Decree")
    CIRCULAR = "circular", _("Circular")
    RESOLUTION = "resolution", _("Resolution")
    DIRECTIVE = "directive", _("Directive")
    CONCLUSION = "conclusion", _("Conclusion")
    DECISION = "decision", _("Decision")
    REGULATION = "regulation", _("Regulation")
    PLAN = "plan", _("Plan")
    PROGRAMME = "programme", _("Programme")
    PROJECT = "project", _("Scheme (đề án)")
    GUIDE = "guide", _("Guide")
    OFFICIAL_LETTER = "official_letter", _("Official letter")
    NOTICE = "notice", _("Notice")
    OTHER = "other", _("Other")


# The Vietnamese name of each type, as written in a citation ("Chỉ thị số 33/CT-TTg").
DOCUMENT_TYPE_NAMES = {
    DocumentType.LAW: "Luật",
    DocumentType.DECREE: "Nghị định",
    DocumentType.CIRCULAR: "Thông tư",
    DocumentType.RESOLUTION: "Nghị quyết",
    DocumentType.DIRECTIVE: "Chỉ thị",
    DocumentType.CONCLUSION: "Kết luận",
    DocumentType.DECISION: "Quyết định",
    DocumentType.REGULATION: "Quy định",
    DocumentType.PLAN: "Kế hoạch",
    DocumentType.PROGRAMME: "Chương trình",
    DocumentType.PROJECT: "Đề án",
    DocumentType.GUIDE: "Hướng dẫn",
    DocumentType.OFFICIAL_LETTER: "Công văn",
    DocumentType.NOTICE: "Thông báo",
    DocumentType.OTHER: "Văn bản",
}


def number_key(number: str) -> str:
    """The comparable form of a number and symbol: "33/CT-TTg", "33/ct - ttg" → "33/ct-ttg"."""
    text = fold(number or "")
    for dash in ("\u2013", "\u2014", "\u2010", "\u2212"):  # en, em, hyphen, minus
        text = text.replace(dash, "-")
    return "".join(text.split())


class LegalDocument(SearchableModel, TimeStampedModel):
    """A directive, resolution, conclusion, plan… that plans cite as their legal basis."""

    number = models.CharField(
        _("number and symbol"),
        max_length=60,
        help_text=_("As printed, e.g. 33/CT-TTg, 01-KL/TW, 1243/KH-UBND."),
    )
    number_key = models.CharField(max_length=60, db_index=True, editable=False)
    doc_type = models.CharField(_("type"), max_length=20, choices=DocumentType.choices)
    issuer = models.CharField(
        _("issued by"), max_length=255, help_text=_("E.g. Thủ tướng Chính phủ, Ban Bí thư.")
    )
    issuer_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issued_documents",
        verbose_name=_("issuing unit in danvan"),
    )
    issued_on = models.DateField(_("date"), null=True, blank=True)
    title = models.TextField(_("title (summary)"))
    plan = models.OneToOneField(
        "Plan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="register_entry",
        verbose_name=_("plan in danvan"),
        help_text=_("Set when the document is a plan issued in danvan."),
    )
    registered_by_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_documents",
        verbose_name=_("registered by unit"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = SearchQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number_key", "issued_on"], name="unique_legal_document"
            )
        ]

    def __str__(self) -> str:
        return self.short_citation

    def save(self, *args, **kwargs):
        self.number_key = number_key(self.number)
        super().save(*args, **kwargs)

    def search_source(self) -> str:
        return f"{self.number} {self.type_name} {self.issuer} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:document_detail", args=[self.pk])

    @property
    def type_name(self) -> str:
        return DOCUMENT_TYPE_NAMES.get(self.doc_type, "Văn bản")

    @property
    def short_citation(self) -> str:
        """ "Chỉ thị số 33/CT-TTg ngày 26/11/2021" (Vietnamese: it is the document's text)."""
        text = f"{self.type_name} số {self.number}"
        if self.issued_on:
            text += f" ngày {self.issued_on:%d/%m/%Y}"
        return text

    @property
    def citation(self) -> str:
        """The full line of a "Căn cứ": type, number, date, issuer and title."""
        text = f"{self.short_citation} của {self.issuer}" if self.issuer else self.short_citation
        return f"{text} về {self.title}" if self.title else text


# ------------------------------------------------------------------------- plans


class PlanKind(models.TextChoices):
    PLAN = "plan", _("Plan")
    PROGRAMME = "programme", _("Programme")
    OFFICIAL_LETTER = "official_letter", _("Official letter")
    DIRECTIVE = "directive", _("Directive")
    GUIDE = "guide", _("Guide")


# The document-type line of the Word output, and the type word of the register entry.
PLAN_KIND_TITLES = {
    PlanKind.PLAN: "KẾ HOẠCH",
    PlanKind.PROGRAMME: "CHƯƠNG TRÌNH",
    PlanKind.OFFICIAL_LETTER: "",  # an official letter has no type line, only "V/v …"
    PlanKind.DIRECTIVE: "CHỈ THỊ",
    PlanKind.GUIDE: "HƯỚNG DẪN",
}
PLAN_KIND_DOCUMENT_TYPES = {
    PlanKind.PLAN: DocumentType.PLAN,
    PlanKind.PROGRAMME: DocumentType.PROGRAMME,
    PlanKind.OFFICIAL_LETTER: DocumentType.OFFICIAL_LETTER,
    PlanKind.DIRECTIVE: DocumentType.DIRECTIVE,
    PlanKind.GUIDE: DocumentType.GUIDE,
}


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    CLOSED = "closed", _("Closed")


class PlanQuerySet(SearchQuerySet):
    def in_force(self) -> PlanQuerySet:
        return self.exclude(status=PlanStatus.DRAFT)


class Plan(SearchableModel, TimeStampedModel):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("issuing unit")
    )
    kind = models.CharField(
        _("document kind"), max_length=20, choices=PlanKind.choices, default=PlanKind.PLAN
    )
    number = models.CharField(
        _("number"),
        max_length=20,
        blank=True,
        help_text=_("The registry number, e.g. 5584; left empty until the document is issued."),
    )
    symbol = models.CharField(
        _("symbol"),
        max_length=40,
        help_text=_("E.g. KH-UBND for a state plan, KH/HU for a party one."),
    )
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    place = models.CharField(
        _("place"), max_length=100, blank=True, help_text=_("The place in the date line.")
    )
    title = models.CharField(_("title"), max_length=1000)
    subject = models.CharField(
        _("subject area"),
        max_length=200,
        blank=True,
        help_text=_("E.g. mass mobilisation of government, “Dân vận khéo”, Tháng Dân vận."),
    )
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signer_title = models.CharField(
        _("signature block"),
        max_length=200,
        blank=True,
        help_text=_("One line each, e.g. “KT. CHỦ TỊCH” then “PHÓ CHỦ TỊCH”."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("implements plan"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    recipient_units = models.ManyToManyField(
        Unit, blank=True, related_name="received_plans", verbose_name=_("recipient units")
    )
    recipients_text = models.TextField(
        _("other recipients"),
        blank=True,
        help_text=_("One per line, as in “Nơi nhận”, e.g. “- Lưu: VT, PNV.”"),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(issued_on__isnull=False),
                name="plan_issued_has_date",
            )
        ]
        indexes = [models.Index(fields=["unit", "status"], name="plan_unit_status")]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def search_source(self) -> str:
        return f"{self.reference} {self.title} {self.subject} {self.signer_name}"

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", args=[self.pk])

    @property
    def is_party(self) -> bool:
        return self.unit.kind == UnitKind.PARTY

    @property
    def reference(self) -> str:
        """ "5584/KH-UBND" (state) or "451-CV/HU" (party); "…/KH-UBND" before a number."""
        number = self.number or "…"
        separator = "-" if self.is_party else "/"
        return f"{number}{separator}{self.symbol}" if self.symbol else number

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT


class SectionKind(models.TextChoices):
    PURPOSE = "purpose", _("Purposes and requirements")
    CONTENT = "content", _("Content")
    TARGETS = "targets", _("Targets")
    ORGANISATION = "organisation", _("Organisation of implementation")
    OTHER = "other", _("Other")


class PlanSection(TimeStampedModel):
    """One roman-numbered part of a plan; the body is paragraphs separated by blank lines."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("plan")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(
        _("kind"), max_length=20, choices=SectionKind.choices, default=SectionKind.CONTENT
    )
    heading = models.CharField(_("heading"), max_length=500)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Paragraphs separated by a blank line; a line starting with “- ” is a bullet."),
    )

    class Meta:
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.heading

    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


class PlanBasis(models.Model):
    """A "Căn cứ …" line: the plan cites a legal document."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="bases", verbose_name=_("plan")
    )
    document = models.ForeignKey(
        LegalDocument,
        on_delete=models.PROTECT,
        related_name="citations",
        verbose_name=_("legal document"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(
        _("as written"),
        blank=True,
        help_text=_("The line as the plan words it; empty: built from the register entry."),
    )

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal basis")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "document"], name="unique_plan_basis")
        ]

    def __str__(self) -> str:
        return self.line

    @property
    def line(self) -> str:
        return self.text or f"Căn cứ {self.document.citation};"


# ------------------------------------------------------------------------- tasks


class Recurrence(models.TextChoices):
    ONCE = "once", _("Once, by a date")
    YEARLY = "yearly", _("Every year")
    QUARTERLY = "quarterly", _("Every quarter")
    MONTHLY = "monthly", _("Every month")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TASK_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)


class TaskQuerySet(SearchQuerySet):
    def open(self) -> TaskQuerySet:
        return self.filter(status__in=OPEN_TASK_STATUSES)

    def overdue(self, today) -> TaskQuerySet:
        return self.open().filter(current_due__lt=today)


class Task(SearchableModel, TimeStampedModel):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan")
    )
    position = models.PositiveSmallIntegerField(_("no."), default=0)
    title = models.CharField(_("task"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    lead_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
        verbose_name=_("lead unit"),
    )
    lead_kinds = models.CharField(
        _("each unit of these kinds leads it"),
        max_length=120,
        blank=True,
        help_text=_(
            "For a task every commune (or department…) under the issuing unit carries out for "
            "itself: space-separated unit kinds."
        ),
    )
    lead_label = models.CharField(
        _("lead as written"), max_length=500, blank=True, help_text=_("E.g. “UBND các phường, xã”.")
    )
    coordinating_units = models.ManyToManyField(
        Unit, blank=True, related_name="coordinated_tasks", verbose_name=_("coordinating units")
    )
    coordinating_label = models.CharField(
        _("coordinating as written"),
        max_length=500,
        blank=True,
        help_text=_("E.g. “các cơ quan, đơn vị có liên quan”."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_tasks",
        verbose_name=_("assigned to"),
    )
    recurrence = models.CharField(
        _("deadline"), max_length=10, choices=Recurrence.choices, default=Recurrence.ONCE
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    recur_day = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)
    recur_month = models.PositiveSmallIntegerField(
        _("month"),
        null=True,
        blank=True,
        help_text=_("Yearly: the month (1 to 12). Quarterly: the month in the quarter (1, 2, 3)."),
    )
    recur_until = models.DateField(_("repeats until"), null=True, blank=True)
    current_due = models.DateField(_("next deadline"), null=True, blank=True, db_index=True)
    period_done_through = models.DateField(
        _("periods done through"),
        null=True,
        blank=True,
        help_text=_("A recurring task: the last deadline whose period was reported done."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    parent_task = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("implements task"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_range"),
            models.CheckConstraint(
                condition=Q(recur_day__isnull=True) | Q(recur_day__gte=1, recur_day__lte=31),
                name="task_recur_day_range",
            ),
        ]
        indexes = [
            models.Index(fields=["lead_unit", "status", "current_due"], name="task_lead_due"),
            models.Index(fields=["status", "current_due"], name="task_status_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def search_source(self) -> str:
        return f"{self.title} {self.description} {self.lead_label} {self.coordinating_label}"

    def get_absolute_url(self) -> str:
        return reverse("plans:task_detail", args=[self.pk])

    @property
    def lead_kind_list(self) -> list[str]:
        return self.lead_kinds.split()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES

    def is_overdue(self, today) -> bool:
        return self.is_open and self.current_due is not None and self.current_due < today


class ProgressUpdate(TimeStampedModel):
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="updates", verbose_name=_("task")
    )
    reported_on = models.DateField(_("date"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices)
    text = models.TextField(_("what was done"))
    period_due = models.DateField(
        _("period reported done"),
        null=True,
        blank=True,
        help_text=_("A recurring task: the deadline of the period this update completed."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-reported_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="update_progress_range")
        ]

    def __str__(self) -> str:
        return f"{self.reported_on:%d/%m/%Y} — {self.progress}%"


# -------------------------------------------------------------------- activities


class ActivityType(TimeStampedModel):
    """A kind of activity units record; provinces add their own (configurable)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    has_partners = models.BooleanField(
        _("has partner units"),
        default=False,
        help_text=_("Coordination programmes and twinning name the other units."),
    )
    has_period = models.BooleanField(
        _("runs over a period"),
        default=False,
        help_text=_("Coordination programmes run from a start to an end date with commitments."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "vi").startswith("en"):
            return self.name_en
        return self.name


class Activity(SearchableModel, TimeStampedModel):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="activities", verbose_name=_("unit")
    )
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="activities", verbose_name=_("type")
    )
    title = models.CharField(_("title"), max_length=500)
    held_on = models.DateField(_("date"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    participants = models.TextField(_("participants"), blank=True)
    participant_count = models.PositiveIntegerField(_("number of participants"), default=0)
    description = models.TextField(_("what was done"), blank=True)
    commitments = models.TextField(
        _("commitments"), blank=True, help_text=_("For a coordination programme signed.")
    )
    partner_units = models.ManyToManyField(
        Unit, blank=True, related_name="partner_activities", verbose_name=_("partner units")
    )
    plan = models.ForeignKey(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("plan"),
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("task"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = SearchQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["activity_type", "held_on"], name="activity_type_date"),
            models.Index(fields=["unit", "held_on"], name="activity_unit_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("held_on")),
                name="activity_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%d/%m/%Y} — {self.title}"

    def search_source(self) -> str:
        return f"{self.title} {self.place} {self.participants} {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("plans:activity_detail", args=[self.pk])


class CoverageRequirement(TimeStampedModel):
    """ "Every <kind> under <unit> records a <type> activity between <start> and <end>"."""

    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coverage_requirements",
        verbose_name=_("plan"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="coverage_requirements",
        verbose_name=_("over the units under"),
    )
    title = models.CharField(_("title"), max_length=300)
    unit_kind = models.CharField(
        _("required of every"), max_length=16, choices=UnitKind.choices, default=UnitKind.PARTY
    )
    activity_type = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        related_name="requirements",
        verbose_name=_("activity type"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    citation = models.CharField(_("based on"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("coverage requirement")
        verbose_name_plural = _("coverage requirements")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="coverage_valid_range"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:requirement_detail", args=[self.pk])


# -------------------------------------------------------------- files, reminders


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never carries the uploader's file name.
    extension = filename.rsplit(".", 1)[1].lower()[:5] if "." in filename else "bin"
    return f"plans/{instance.token}.{extension}"


class Attachment(TimeStampedModel):
    """A file on a plan, a legal document, a progress update or an activity (exactly one)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    document = models.ForeignKey(
        LegalDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        plan__isnull=False,
                        document__isnull=True,
                        update__isnull=True,
                        activity__isnull=True,
                    )
                    | Q(
                        plan__isnull=True,
                        document__isnull=False,
                        update__isnull=True,
                        activity__isnull=True,
                    )
                    | Q(
                        plan__isnull=True,
                        document__isnull=True,
                        update__isnull=False,
                        activity__isnull=True,
                    )
                    | Q(
                        plan__isnull=True,
                        document__isnull=True,
                        update__isnull=True,
                        activity__isnull=False,
                    )
                ),
                name="attachment_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_hex(16)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("plans:attachment_download", args=[self.token])


class ReminderKind(models.TextChoices):
    TASK_DUE_SOON = "task_due_soon", _("Task due soon")
    TASK_OVERDUE = "task_overdue", _("Task overdue (escalated)")
    COVERAGE_MISSING = "coverage_missing", _("Coverage: activity not yet recorded")


class Reminder(models.Model):
    """One reminder sent; its key makes the daily command idempotent."""

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    requirement = models.ForeignKey(
        CoverageRequirement, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        return self.key
