"""Periodic reports: forms, periods, each unit's report, its review and its revisions.

- ``ReportForm`` / ``FormVersion`` / ``FormField``: a versioned template of narrative sections
  and indicator fields, assigned to unit kinds. A version used by a period is frozen: any
  change makes the next version.
- ``Period``: a round of reports ("Yearly report 2026", as of 31/10/2026, due 01/11/2026)
  opened by a unit for its subtree (or nationally). Opening creates a draft ``Report`` for
  every unit that must report, pre-filled with the computed indicators.
- ``Report``: one unit's report in a period. Draft → submitted → accepted, or returned (with
  comments per section) → submitted again. ``revision`` is the working revision; sections and
  values are stored per revision, so reopening an accepted report for a correction starts
  revision n+1 and keeps revision n, which stays the one the level above rolls up
  (``accepted_revision``) until the correction is accepted. ``lock_version`` is bumped on
  every save: a save from a stale form is refused and the typed text is kept.
- ``Generation``: a Word or Excel file built in the background, with its progress.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from danvan.core.models import SearchableModel, SearchQuerySet, TimeStampedModel
from danvan.kpis.models import Indicator
from danvan.orgs.models import Unit, UnitKind


def default_outline() -> list[dict[str, str]]:
    """The usual outline of a mass-mobilisation report (DOMAIN.md §3)."""
    return [
        {"key": "leadership", "title": "I. Công tác lãnh đạo, chỉ đạo", "guidance": ""},
        {"key": "results", "title": "II. Kết quả thực hiện các nhiệm vụ", "guidance": ""},
        {
            "key": "shortcomings",
            "title": "III. Hạn chế, khuyết điểm và nguyên nhân",
            "guidance": "",
        },
        {"key": "direction", "title": "IV. Phương hướng, nhiệm vụ thời gian tới", "guidance": ""},
        {"key": "recommendations", "title": "V. Đề xuất, kiến nghị", "guidance": ""},
    ]


def default_kinds() -> list[str]:
    return [UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.DEPARTMENT]


class ReportForm(SearchableModel, TimeStampedModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    doc_symbol = models.CharField(
        _("document symbol"),
        max_length=20,
        default="BC",
        help_text=_("The report's kind in its number: BC gives Số …/BC-UBND."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = SearchQuerySet.as_manager()

    class Meta:
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def search_source(self) -> str:
        return f"{self.code} {self.name} {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("reports:form_detail", args=[self.pk])

    @property
    def latest_version(self) -> FormVersion | None:
        return self.versions.order_by("-number").first()


class FormVersion(TimeStampedModel):
    form = models.ForeignKey(
        ReportForm, on_delete=models.CASCADE, related_name="versions", verbose_name=_("form")
    )
    number = models.PositiveIntegerField(_("version"))
    sections = models.JSONField(
        _("sections"),
        default=default_outline,
        help_text=_("Ordered narrative sections: key, title and guidance for the writer."),
    )
    unit_kinds = models.JSONField(
        _("reported by"),
        default=default_kinds,
        help_text=_("Kinds of unit that fill in this form."),
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["form", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="unique_form_version")
        ]

    def __str__(self) -> str:
        return f"{self.form} — v{self.number}"

    @property
    def is_frozen(self) -> bool:
        """Used by a period: never changed again (a change makes the next version)."""
        return self.periods.exists()

    def section_titles(self) -> dict[str, str]:
        return {section["key"]: section["title"] for section in self.sections}


class FormField(models.Model):
    version = models.ForeignKey(
        FormVersion, on_delete=models.CASCADE, related_name="fields", verbose_name=_("version")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="form_fields", verbose_name=_("indicator")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    required = models.BooleanField(_("required"), default=False)
    section_key = models.CharField(
        _("shown under section"),
        max_length=40,
        blank=True,
        help_text=_("Empty: in the figures table at the end."),
    )

    class Meta:
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        ordering = ["version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "indicator"], name="unique_form_field")
        ]

    def __str__(self) -> str:
        return str(self.indicator)


class PeriodKind(models.TextChoices):
    HALF_YEAR = "half_year", _("Six-monthly")
    YEAR = "year", _("Yearly")
    AD_HOC = "ad_hoc", _("Ad hoc")


class PeriodStatus(models.TextChoices):
    DRAFT = "draft", _("Not opened")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class PeriodQuerySet(SearchQuerySet):
    def visible_to(self, user) -> PeriodQuerySet:
        """Periods opened over the user's units or above them (national ones included)."""
        from danvan.orgs.scope import scope_for

        scope = scope_for(user)
        if scope.is_global:
            return self
        prefixes = scope.prefixes()
        if not prefixes:
            return self.none()
        ancestors = {
            prefix[:n] for prefix in prefixes for n in range(Unit.steplen, len(prefix) + 1, 4)
        }
        return self.filter(
            scope.q("owner__path") | Q(owner__path__in=ancestors) | Q(owner__isnull=True)
        )


# How long a background opening may take before the "being opened" mark is ignored.
OPENING_GIVES_UP_AFTER = dt.timedelta(minutes=30)


class Period(SearchableModel, TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    start_date = models.DateField(pgettext_lazy("period start", "from"))
    end_date = models.DateField(_("as of"), help_text=_("The figures are counted up to this day."))
    due_date = models.DateField(
        pgettext_lazy("report due", "due"), help_text=_("e.g. 01/11: reports are due on this day.")
    )
    owner = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_periods",
        verbose_name=_("opened by"),
        help_text=_("Its subtree reports. Empty: every unit in the country."),
    )
    form_version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="periods", verbose_name=_("form")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT
    )
    remind_days = models.PositiveSmallIntegerField(_("remind this many days before"), default=5)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opening_since = models.DateTimeField(
        _("being opened since"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set while a large period's drafts are created in the background."),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("report period")
        verbose_name_plural = _("report periods")
        ordering = ["-end_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")), name="period_dates_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def search_source(self) -> str:
        return f"{self.name} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("reports:period_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN

    @property
    def is_being_opened(self) -> bool:
        """Queued or running in the background; a mark older than ``OPENING_GIVES_UP_AFTER``
        is a worker that died, and the period may be opened again."""
        return (
            self.opening_since is not None
            and timezone.now() - self.opening_since < OPENING_GIVES_UP_AFTER
        )

    @property
    def is_overdue(self) -> bool:
        return timezone.localdate() > self.due_date


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", pgettext_lazy("report state", "Accepted")


EDITABLE_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})


class ReportQuerySet(SearchQuerySet):
    def visible_to(self, user) -> ReportQuerySet:
        from danvan.orgs.scope import scope_for

        return self.filter(scope_for(user).q("unit__path"))


class Report(SearchableModel, TimeStampedModel):
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="reports", verbose_name=_("period")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("unit")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    accepted_revision = models.PositiveIntegerField(
        _("accepted revision"),
        null=True,
        blank=True,
        help_text=_("The revision the level above rolls up (the last one accepted)."),
    )
    lock_version = models.PositiveIntegerField(_("edit version"), default=1)
    number = models.CharField(_("number and symbol"), max_length=60, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    signed_on = models.DateField(_("date"), null=True, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    recipients = models.TextField(_("recipients (Nơi nhận)"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    last_reminded_on = models.DateField(_("last reminded"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["period", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="unique_report_per_period"),
            models.CheckConstraint(
                condition=Q(accepted_revision__isnull=True)
                | Q(accepted_revision__lte=models.F("revision")),
                name="report_accepted_revision_le_revision",
            ),
        ]
        indexes = [models.Index(fields=["period", "state"], name="report_period_state")]

    def __str__(self) -> str:
        return f"{self.period} — {self.unit}"

    def search_source(self) -> str:
        return f"{self.unit.name} {self.period.name} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_late(self) -> bool:
        if self.state in (ReportState.SUBMITTED, ReportState.ACCEPTED):
            return bool(
                self.submitted_at and timezone.localdate(self.submitted_at) > self.period.due_date
            )
        return timezone.localdate() > self.period.due_date


class ReportSection(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="sections", verbose_name=_("report")
    )
    revision = models.PositiveIntegerField(_("revision"))
    key = models.CharField(_("key"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveIntegerField(_("order"), default=0)
    body = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["report", "revision", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "revision", "key"], name="unique_report_section"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ValueSource(models.TextChoices):
    MANUAL = "manual", _("Entered")
    COMPUTED = "computed", _("Computed")


class ReportValue(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="values", verbose_name=_("report")
    )
    revision = models.PositiveIntegerField(_("revision"))
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="report_values",
        verbose_name=_("indicator"),
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(
        _("numerator"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    rank = models.PositiveIntegerField(pgettext_lazy("index rank", "rank"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.CharField(
        pgettext_lazy("figure source", "source"),
        max_length=10,
        choices=ValueSource.choices,
        default=ValueSource.MANUAL,
    )
    computed_value = models.DecimalField(
        _("computed value"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("What danvan computed when the report was pre-filled (kept if overridden)."),
    )

    class Meta:
        verbose_name = _("report value")
        verbose_name_plural = _("report values")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "revision", "indicator"], name="unique_report_value"
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=models.F("denominator")),
                name="report_value_numerator_le_denominator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class ReviewComment(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="comments", verbose_name=_("report")
    )
    revision = models.PositiveIntegerField(_("revision"))
    section_key = models.CharField(
        _("section"),
        max_length=60,
        blank=True,
        help_text=_("A section key, 'figures', or empty for the whole report."),
    )
    body = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["report", "created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    SAVED = "saved", _("Saved")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", pgettext_lazy("report state", "Accepted")
    REOPENED = "reopened", _("Reopened for a correction")
    REMINDED = "reminded", _("Reminded")
    ESCALATED = "escalated", _("Escalated")


class ReportEvent(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("report")
    )
    kind = models.CharField(_("event"), max_length=10, choices=EventKind.choices)
    revision = models.PositiveIntegerField(_("revision"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%d/%m/%Y})"


class GenerationFormat(models.TextChoices):
    DOCX = "docx", _("Word")
    XLSX = "xlsx", _("Excel")


class GenerationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", pgettext_lazy("file generation", "Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def generation_path(instance: Generation, filename: str) -> str:
    return f"reports/generated/{instance.token}/{filename}"


class Generation(models.Model):
    """A Word or Excel file built in the background for one report (and its subtree)."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="generations", verbose_name=_("report")
    )
    format = models.CharField(_("format"), max_length=5, choices=GenerationFormat.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=GenerationStatus.choices, default=GenerationStatus.QUEUED
    )
    progress = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("steps"), default=0)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to=generation_path, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("generated file")
        verbose_name_plural = _("generated files")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.report} ({self.get_format_display()})"

    @property
    def percent(self) -> int:
        if self.status == GenerationStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.progress / self.total))


class TemplateKind(models.TextChoices):
    STATE = "state", _("State unit (Decree 30/2020)")
    PARTY = "party", _("Party unit (36-HD/VPTW)")


def template_path(instance: WordTemplate, filename: str) -> str:
    return f"reports/templates/{instance.kind}-{uuid.uuid4().hex[:8]}.docx"


class WordTemplate(models.Model):
    """An administrator's replacement for the built-in docxtpl template of one kind."""

    kind = models.CharField(_("for"), max_length=8, choices=TemplateKind.choices)
    file = models.FileField(_("template (.docx)"), upload_to=template_path)
    is_active = models.BooleanField(_("in use"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Word template")
        verbose_name_plural = _("Word templates")
        ordering = ["kind", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_active=True), name="one_active_template_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.uploaded_at:%d/%m/%Y})"
