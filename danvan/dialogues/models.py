"""Dialogues with citizens, the requests they raise, listening requirements, disclosure.

A dialogue (đối thoại, hội nghị lắng nghe ý kiến) records every request raised; each request
gets an owner unit and a due date, is answered and published back to citizens on the portal.
A ``ListeningRequirement`` ("every commune leader holds a listening conference in 10/2026")
is met by each unit of the required kind that held a matching dialogue in the window.

The disclosure register (Grassroots Democracy Law 2022, Art. 11 and 13) lists what was made
public, where and for how long; ``DisclosureRule`` rows hold the minimum periods as data and
an item posted for less is flagged.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.core.models import SearchableModel, SearchQuerySet, TimeStampedModel
from danvan.orgs.models import Unit, UnitKind


class DialogueKind(models.TextChoices):
    PERIODIC = "periodic", _("Periodic")
    THEMATIC = "thematic", _("Thematic")
    INCIDENT = "incident", _("At the place of an incident")


class Topic(models.TextChoices):
    ENVIRONMENT = "environment", _("Environment")
    LAND = "land", _("Land and site clearance")
    SOCIAL_POLICY = "social_policy", _("Social policy")
    INFRASTRUCTURE = "infrastructure", _("Roads and infrastructure")
    ADMINISTRATIVE = "administrative", _("Administrative procedures")
    SECURITY = "security", _("Public order and security")
    ECONOMY = "economy", _("Livelihoods and economy")
    GENERAL = "general", _("General (listening conference)")
    OTHER = "other", _("Other")


class DialogueQuerySet(SearchQuerySet):
    def published(self) -> DialogueQuerySet:
        return self.filter(is_published=True)


class Dialogue(SearchableModel, TimeStampedModel):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="dialogues", verbose_name=_("unit")
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300)
    title = models.CharField(_("title"), max_length=300)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=DialogueKind.choices)
    chair_name = models.CharField(_("chaired by"), max_length=200)
    chair_title = models.CharField(_("chair's title"), max_length=200, blank=True)
    participants = models.TextField(
        _("participants"), blank=True, help_text=_("Bodies and groups that took part.")
    )
    participant_count = models.PositiveIntegerField(_("number of participants"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Published dialogues and their published answers appear on the public portal."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = DialogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["unit", "held_on"], name="dialogue_unit_date")]

    def __str__(self) -> str:
        return f"{self.held_on:%d/%m/%Y} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("dialogues:dialogue_detail", args=[self.pk])

    def search_source(self) -> str:
        return f"{self.title} {self.place} {self.chair_name} {self.summary}"


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Awaiting an answer")
    ANSWERED = "answered", _("Answered")


class DialogueRequestQuerySet(SearchQuerySet):
    def public(self) -> DialogueRequestQuerySet:
        return self.filter(
            is_published=True, status=RequestStatus.ANSWERED, dialogue__is_published=True
        )

    def overdue(self, today: dt.date) -> DialogueRequestQuerySet:
        return self.filter(status=RequestStatus.OPEN, due_on__lt=today)


class DialogueRequest(SearchableModel, TimeStampedModel):
    """A request raised at a dialogue, followed up until it is answered and published."""

    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.CASCADE, related_name="requests", verbose_name=_("dialogue")
    )
    number = models.PositiveSmallIntegerField(_("no."))
    text = models.TextField(_("request"))
    raised_by = models.CharField(
        _("raised by"),
        max_length=200,
        blank=True,
        help_text=_("Internal: who raised it. Never published."),
    )
    owner_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="dialogue_requests",
        verbose_name=_("owner unit"),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_published = models.BooleanField(_("answer published"), default=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    letter = models.ForeignKey(
        "petitions.Letter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dialogue_requests",
        verbose_name=_("letter opened for it"),
    )

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = DialogueRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request raised")
        verbose_name_plural = _("requests raised")
        ordering = ["dialogue", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "number"], name="unique_request_number"),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(status="answered"),
                name="request_published_only_when_answered",
            ),
        ]
        indexes = [
            models.Index(fields=["owner_unit", "status", "due_on"], name="request_owner_due")
        ]

    def __str__(self) -> str:
        return f"{self.dialogue} · {self.number}"

    def search_source(self) -> str:
        # raised_by is internal and stays out of search like everywhere else public.
        return f"{self.text} {self.answer}"


class ListeningRequirement(TimeStampedModel):
    """ "Every <kind> unit under <unit> holds a dialogue between <start> and <end>"."""

    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="listening_requirements",
        verbose_name=_("set by"),
    )
    title = models.CharField(_("title"), max_length=300)
    unit_kind = models.CharField(
        _("required of"), max_length=16, choices=UnitKind.choices, default=UnitKind.COMMUNE
    )
    dialogue_kind = models.CharField(
        _("dialogue kind"),
        max_length=20,
        choices=DialogueKind.choices,
        blank=True,
        help_text=_("Leave empty to count a dialogue of any kind."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    citation = models.CharField(_("based on"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("listening requirement")
        verbose_name_plural = _("listening requirements")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="requirement_valid_range"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dialogues:requirement_detail", args=[self.pk])


# ---------------------------------------------------------------- disclosure


class DisclosureCategory(models.TextChoices):
    """What the commune must make public (Grassroots Democracy Law 2022, Art. 11)."""

    POLICY = "policy", _("Party policies, laws and local regulations")
    SOCIOECONOMIC_PLAN = "socioeconomic_plan", _("Socio-economic development plans")
    LAND = "land", _("Land-use plans, land recovery, compensation and resettlement")
    BUDGET = "budget", _("Budget estimates and accounts; contributions from residents")
    PROJECTS = "projects", _("Programmes and investment projects")
    PROCEDURES = "procedures", _("Administrative procedures and their handling")
    SOCIAL_POLICY = "social_policy", _("Social policies (poor households, beneficiaries)")
    FEES = "fees", _("Fees and charges")
    INSPECTION = (
        "inspection",
        _("Inspection results; complaints, denunciations and corruption cases"),
    )
    CONSULTATION = "consultation", _("Results of consulting residents")
    VILLAGE_CONVENTION = "village_convention", _("Draft village conventions (hương ước, quy ước)")
    OTHER = "other", _("Other matters required by law")


class DisclosureChannel(models.TextChoices):
    POSTING = "posting", _("Posted at the headquarters or cultural house")
    WEBSITE = "website", _("Website or electronic portal")
    RADIO = "radio", _("Commune radio / loudspeakers")
    MEETING = "meeting", _("Village or residential-group meeting")
    SMS_SOCIAL = "sms_social", _("SMS or social network")
    OTHER = "other", _("Other")


class DisclosureRuleQuerySet(models.QuerySet):
    def in_force(self, on: dt.date) -> DisclosureRuleQuerySet:
        return self.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on), effective_from__lte=on
        )


class DisclosureRule(TimeStampedModel):
    """A minimum period for a category and/or channel (empty means any)."""

    category = models.CharField(
        _("category"), max_length=30, choices=DisclosureCategory.choices, blank=True
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=DisclosureChannel.choices, blank=True
    )
    min_days = models.PositiveSmallIntegerField(_("minimum days"))
    consecutive = models.BooleanField(_("consecutive days"), default=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    citation = models.CharField(_("legal citation"), max_length=300)

    objects = DisclosureRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure rule")
        verbose_name_plural = _("disclosure rules")
        ordering = ["category", "channel", "-effective_from"]

    def __str__(self) -> str:
        what = self.get_category_display() if self.category else _("Any matter")
        where = self.get_channel_display() if self.channel else _("any channel")
        return f"{what} · {where} · ≥ {self.min_days}"


class DisclosureItemQuerySet(SearchQuerySet):
    def violations(self) -> DisclosureItemQuerySet:
        return self.filter(is_violation=True)


class DisclosureItem(SearchableModel, TimeStampedModel):
    """One thing made public, on one channel, for a period."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("unit")
    )
    title = models.CharField(_("what was disclosed"), max_length=300)
    category = models.CharField(_("category"), max_length=30, choices=DisclosureCategory.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=DisclosureChannel.choices)
    posted_from = models.DateField(_("posted from"))
    posted_to = models.DateField(
        _("posted to"), null=True, blank=True, help_text=_("Empty while still posted.")
    )
    location = models.CharField(_("where"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Set by services.check_item from the rules in force (kept so lists filter in the database).
    required_days = models.PositiveSmallIntegerField(_("minimum days"), null=True, blank=True)
    is_violation = models.BooleanField(_("shorter than the minimum"), default=False, db_index=True)
    rule_citation = models.CharField(_("rule"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = DisclosureItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-posted_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(posted_to__isnull=True) | Q(posted_to__gte=models.F("posted_from")),
                name="disclosure_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dialogues:disclosure_detail", args=[self.pk])

    def search_source(self) -> str:
        return f"{self.title} {self.location} {self.note}"

    @property
    def days_posted(self) -> int | None:
        """Days posted, counting both ends; None while still posted."""
        if self.posted_to is None:
            return None
        return (self.posted_to - self.posted_from).days + 1
