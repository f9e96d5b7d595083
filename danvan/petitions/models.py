"""Citizens' letters (đơn thư) on their four legal tracks, citizen reception, deadline rules.

A letter is a complaint (1st or 2nd round), a denunciation, a petition or feedback. Each
track has its own clock, kept as ``DeadlineRule`` rows with effective dates (DOMAIN.md §5),
so a change in the law is data, not code. The due dates a letter must meet are computed by
``deadlines.py`` and stored on the letter (``acceptance_due``, ``resolution_due`` and
``current_due`` for the step in progress), so due-soon and overdue lists are plain indexed
queries; they are recomputed when the calendar or a rule changes.

The citizen's identity is stored encrypted (``EncryptedTextField``); for a denunciation, or a
complaint whose author asked for it, it is *sealed*: only the assigned handler and the leader
of the resolving unit may read it, and every read is an ``IdentityAccess`` row.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.core.crypto import EncryptedTextField, blind_index
from danvan.core.models import SearchableModel, SearchQuerySet, TimeStampedModel
from danvan.orgs.models import Unit

IDENTITY_FIELDS = (
    "citizen_name",
    "citizen_id_number",
    "citizen_address",
    "citizen_phone",
    "citizen_email",
)


class LetterKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    DENUNCIATION = "denunciation", _("Denunciation")
    PETITION = "petition", _("Petition")
    FEEDBACK = "feedback", _("Feedback")


class Track(models.TextChoices):
    """The legal track a deadline rule applies to (a complaint has two rounds)."""

    COMPLAINT_1 = "complaint_1", _("Complaint, first round")
    COMPLAINT_2 = "complaint_2", _("Complaint, second round")
    DENUNCIATION = "denunciation", _("Denunciation")
    PETITION = "petition", _("Petition")
    FEEDBACK = "feedback", _("Feedback")


class Step(models.TextChoices):
    FILING_WINDOW = "filing_window", _("Time to file")
    ACCEPTANCE = "acceptance", _("Acceptance")
    FORWARDING = "forwarding", _("Forwarding to the competent body")
    RESOLUTION = "resolution", _("Resolution")


class Complexity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    COMPLEX = "complex", _("Complex")
    ESPECIALLY_COMPLEX = "especially_complex", _("Especially complex")


class DayType(models.TextChoices):
    CALENDAR = "calendar", _("Calendar days")
    WORKING = "working", _("Working days")


class DeadlineRuleQuerySet(models.QuerySet):
    def in_force(self, on: dt.date) -> DeadlineRuleQuerySet:
        return self.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on), effective_from__lte=on
        )


class DeadlineRule(TimeStampedModel):
    """One legal clock: on ``track``, ``step`` takes ``days`` (of ``day_type``).

    The variant is ``complexity`` and ``remote_area``; a letter uses the rule of its own variant,
    falling back to the normal one, and to the non-remote one. ``extensions_allowed`` written
    extensions of at most ``extension_days`` each may lengthen it.
    """

    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    complexity = models.CharField(
        _("complexity"), max_length=20, choices=Complexity.choices, default=Complexity.NORMAL
    )
    remote_area = models.BooleanField(_("remote area"), default=False)
    days = models.PositiveSmallIntegerField(_("days"))
    day_type = models.CharField(_("day type"), max_length=10, choices=DayType.choices)
    extensions_allowed = models.PositiveSmallIntegerField(_("extensions allowed"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("days per extension"), default=0)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    citation = models.CharField(_("legal citation"), max_length=300)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()
    objects = DeadlineRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["track", "step", "complexity", "remote_area", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="deadline_rule_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_track_display()} · {self.get_step_display()} · "
            f"{self.days} {self.get_day_type_display().lower()}"
        )


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("By post")
    PORTAL = "portal", _("Public portal")
    PHONE = "phone", _("Phone / hotline")
    EMAIL = "email", _("E-mail")
    FORWARDED = "forwarded", _("Forwarded by another body")
    DIALOGUE = "dialogue", _("Raised at a dialogue")


class SubjectArea(models.TextChoices):
    LAND = "land", _("Land, compensation and resettlement")
    ENVIRONMENT = "environment", _("Environment")
    SOCIAL_POLICY = "social_policy", _("Social policy and welfare")
    ADMINISTRATIVE = "administrative", _("Administrative procedures")
    CONSTRUCTION = "construction", _("Construction and urban order")
    OFFICIALS = "officials", _("Conduct of officials")
    CORRUPTION = "corruption", _("Corruption and wrongdoing")
    SECURITY = "security", _("Public order and security")
    OTHER = "other", _("Other")


class LetterStatus(models.TextChoices):
    RECEIVED = "received", _("Received, awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted, being resolved")
    RESOLVED = "resolved", _("Resolved")
    REFUSED = "refused", _("Not accepted")
    FORWARDED = "forwarded", _("Forwarded to another body")
    ARCHIVED = "archived", _("Filed without processing")


OPEN_STATUSES = (LetterStatus.RECEIVED, LetterStatus.ACCEPTED)


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Found right")
    PARTLY_UPHELD = "partly_upheld", _("Partly right")
    REJECTED = "rejected", _("Found wrong")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn by the citizen")


class LetterFamily(TimeStampedModel):
    """One matter filed more than once: the letters linked into one case file (Decree 55/2022)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="letter_families", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("case family")
        verbose_name_plural = _("case families")

    def __str__(self) -> str:
        return self.title


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no look-alikes (0/O, 1/I)
_CODE_BODY = re.compile(f"^[{CODE_ALPHABET}]{{10}}$")


def new_tracking_code() -> str:
    """A code the citizen types to follow the letter: 10 characters, shown as ABCDE-FGHJK."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{body[:5]}-{body[5:]}"


def normalize_code(raw: str | None) -> str | None:
    """``"abcde fghjk"``, ``"ABCDEFGHJK"`` and ``"abcde-fghjk"`` are all ``"ABCDE-FGHJK"``;
    None when it cannot be a tracking code."""
    body = re.sub(r"[\s\-_.]", "", (raw or "").upper())
    if not _CODE_BODY.match(body):
        return None
    return f"{body[:5]}-{body[5:]}"


class LetterQuerySet(SearchQuerySet):
    def open(self) -> LetterQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: dt.date) -> LetterQuerySet:
        return self.filter(current_due__lt=today)

    def due_soon(self, today: dt.date, days: int) -> LetterQuerySet:
        return self.filter(current_due__gte=today, current_due__lte=today + dt.timedelta(days=days))


class Letter(SearchableModel, TimeStampedModel):
    """A complaint, denunciation, petition or feedback, from intake to its answer."""

    code = models.CharField(
        _("tracking code"), max_length=11, unique=True, default=new_tracking_code, editable=False
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="letters",
        verbose_name=_("resolving unit"),
        help_text=_(
            "The unit now responsible for the letter (the competent unit after a transfer)."
        ),
    )
    received_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="letters_received",
        verbose_name=_("receiving unit"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices)
    complaint_round = models.PositiveSmallIntegerField(
        _("complaint round"), default=1, choices=[(1, _("First")), (2, _("Second"))]
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    subject_area = models.CharField(
        _("subject area"), max_length=20, choices=SubjectArea.choices, default=SubjectArea.OTHER
    )
    title = models.CharField(_("subject"), max_length=300)
    content = models.TextField(_("content"))
    received_on = models.DateField(_("received on"))
    arrived_on = models.DateField(
        _("reached this unit on"),
        help_text=_("The date the resolving unit got the letter: the receipt, or the transfer."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=LetterStatus.choices, default=LetterStatus.RECEIVED
    )

    # Flags set at intake.
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    is_over_level = models.BooleanField(_("sent over level"), default=False)
    is_not_competent = models.BooleanField(_("not within our competence"), default=False)
    confidential = models.BooleanField(
        _("identity sealed"),
        default=False,
        help_text=_(
            "Always on for a denunciation; on for a complaint when its author asks. Only the "
            "handler and the head of the resolving unit may then read who sent it."
        ),
    )
    complexity = models.CharField(
        _("complexity"), max_length=20, choices=Complexity.choices, default=Complexity.NORMAL
    )
    remote_area = models.BooleanField(_("remote area"), default=False)

    # The citizen: encrypted at rest; see IDENTITY_FIELDS and the seal above.
    citizen_name = EncryptedTextField(_("citizen's name"), blank=True)
    citizen_id_number = EncryptedTextField(_("ID number"), blank=True)
    citizen_address = EncryptedTextField(_("address"), blank=True)
    citizen_phone = EncryptedTextField(_("phone"), blank=True)
    citizen_email = EncryptedTextField(_("e-mail"), blank=True)
    citizen_id_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    group_size = models.PositiveIntegerField(
        _("number of citizens"), default=1, help_text=_("More than 1 for a group letter.")
    )

    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters_handled",
        verbose_name=_("handler"),
    )
    family = models.ForeignKey(
        LetterFamily,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("case family"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    # Stored deadlines (deadlines.py); current_due is the one of the step in progress.
    acceptance_due = models.DateField(_("acceptance due"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    resolution_due = models.DateField(_("resolution due"), null=True, blank=True)
    extensions_granted = models.PositiveSmallIntegerField(_("extensions granted"), default=0)
    extension_days_granted = models.PositiveSmallIntegerField(_("extension days"), default=0)
    current_due = models.DateField(_("due"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)

    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    answer = models.TextField(
        _("answer to the citizen"),
        blank=True,
        help_text=_("Shown to the citizen who looks the letter up by its tracking code."),
    )

    history = HistoricalRecords(
        excluded_fields=["search_text", *IDENTITY_FIELDS, "citizen_id_index"]
    )
    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["unit", "current_due"], name="letter_unit_due"),
            models.Index(fields=["current_due"], name="letter_due"),
            models.Index(fields=["unit", "status", "received_on"], name="letter_unit_status"),
            models.Index(fields=["received_on"], name="letter_received"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("petitions:letter_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.citizen_id_index = blind_index(self.citizen_id_number or "")
        super().save(*args, **kwargs)

    def search_source(self) -> str:
        # The name is searchable only when it is neither sealed nor anonymous.
        name = "" if (self.confidential or self.is_anonymous) else self.citizen_name
        return f"{self.code} {self.title} {self.content} {name}"

    @property
    def track(self) -> str:
        if self.kind == LetterKind.COMPLAINT:
            return Track.COMPLAINT_2 if self.complaint_round == 2 else Track.COMPLAINT_1
        return self.kind

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def days_left(self, today: dt.date) -> int | None:
        if self.current_due is None:
            return None
        return (self.current_due - today).days


class LetterAction(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Not accepted")
    ASSIGNED = "assigned", _("Assigned to a handler")
    TRANSFERRED = "transferred", _("Transferred to the competent unit")
    FORWARDED = "forwarded", _("Forwarded to another body")
    EXTENDED = "extended", _("Resolution extended")
    RESOLVED = "resolved", _("Resolved")
    ARCHIVED = "archived", _("Filed without processing")
    LINKED = "linked", _("Linked to a case family")
    ESCALATED = "escalated", _("Overdue: escalated to the unit above")
    SEALED = "sealed", _("Identity sealed")
    NOTE = "note", _("Note")


# What the citizen sees on the public tracking page (never notes or names).
PUBLIC_ACTIONS = frozenset(
    {
        LetterAction.RECEIVED,
        LetterAction.ACCEPTED,
        LetterAction.REFUSED,
        LetterAction.TRANSFERRED,
        LetterAction.FORWARDED,
        LetterAction.EXTENDED,
        LetterAction.RESOLVED,
    }
)


class LetterEvent(models.Model):
    """One step in a letter's timeline; decisions carry their document number and date."""

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="events", verbose_name=_("letter")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    on = models.DateField(_("date"), help_text=_("The date the step took effect."))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=20, choices=LetterAction.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=200, blank=True)
    from_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from unit"),
    )
    to_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to unit"),
    )
    to_body = models.CharField(_("sent to"), max_length=300, blank=True)
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)

    class Meta:
        verbose_name = _("letter event")
        verbose_name_plural = _("letter events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.letter.code} · {self.get_action_display()}"

    @property
    def is_public(self) -> bool:
        return self.action in PUBLIC_ACTIONS


class DocumentKind(models.TextChoices):
    ORIGINAL = "original", _("The letter as received")
    NOTICE = "notice", _("Notice to the citizen")
    DECISION = "decision", _("Decision")
    ANSWER = "answer", _("Answer / conclusion")
    EVIDENCE = "evidence", _("Evidence")
    OTHER = "other", _("Other")


def letter_upload_to(instance, filename: str) -> str:
    return f"letters/{instance.letter_id}/{secrets.token_hex(8)}-{filename[-80:]}"


class LetterDocument(models.Model):
    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="documents", verbose_name=_("letter")
    )
    event = models.ForeignKey(
        LetterEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=letter_upload_to)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # Documents a citizen attached on the portal, or a public answer, may be shown by code.
    is_public = models.BooleanField(_("shown to the citizen"), default=False)

    class Meta:
        verbose_name = _("letter document")
        verbose_name_plural = _("letter documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class IdentityAccess(models.Model):
    """Someone read the sealed identity of a letter's author (kept for the inspectorate)."""

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="identity_reads", verbose_name=_("letter")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("identity read")
        verbose_name_plural = _("identity reads")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.letter.code} · {self.at:%d/%m/%Y %H:%M}"


# ---------------------------------------------------------------- citizen reception


class ReceptionFrequency(models.TextChoices):
    WEEKLY = "weekly", _("At least one day a week")
    MONTHLY = "monthly", _("At least one day a month")


class ReceptionSchedule(TimeStampedModel):
    """A leader's regular citizen-reception day (Law on Citizen Reception 2013, Art. 12–15)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="reception_schedules", verbose_name=_("unit")
    )
    leader_name = models.CharField(_("leader"), max_length=200)
    leader_title = models.CharField(_("title"), max_length=200)
    frequency = models.CharField(_("frequency"), max_length=10, choices=ReceptionFrequency.choices)
    days_text = models.CharField(
        _("reception days"), max_length=200, help_text=_("E.g. “Thursday every week”.")
    )
    place = models.CharField(_("place"), max_length=300)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reception schedule")
        verbose_name_plural = _("reception schedules")
        ordering = ["unit__path", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.leader_title} {self.leader_name} — {self.days_text}"


class ReceptionKind(models.TextChoices):
    REGULAR = "regular", _("Regular reception (reception office)")
    LEADER = "leader", _("Leader's reception day")
    UNSCHEDULED = "unscheduled", _("Unscheduled reception")


class ReceptionOutcome(models.TextChoices):
    GUIDED = "guided", _("Guided to the competent body")
    LETTER_RECEIVED = "letter_received", _("Letter received")
    FORWARDED = "forwarded", _("Forwarded")
    ANSWERED = "answered", _("Answered on the spot")


class ReceptionClass(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    DENUNCIATION = "denunciation", _("Denunciation")
    PETITION = "petition", _("Petition")
    FEEDBACK = "feedback", _("Feedback")
    OTHER = "other", _("Other")


class ReceptionQuerySet(SearchQuerySet):
    pass


class Reception(SearchableModel, TimeStampedModel):
    """One entry of the citizen-reception register (sổ tiếp công dân)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="receptions", verbose_name=_("unit")
    )
    received_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=ReceptionKind.choices)
    official_name = models.CharField(_("receiving official"), max_length=200)
    official_title = models.CharField(_("title"), max_length=200, blank=True)
    citizen_name = EncryptedTextField(_("citizen's name"), blank=True)
    citizen_address = EncryptedTextField(_("address"), blank=True)
    citizen_count = models.PositiveIntegerField(
        _("number of citizens"), default=1, help_text=_("More than 1 for a group.")
    )
    content = models.TextField(_("content"))
    classification = models.CharField(
        _("classification"), max_length=20, choices=ReceptionClass.choices
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReceptionOutcome.choices)
    letter = models.ForeignKey(
        Letter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="receptions",
        verbose_name=_("letter produced"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["search_text", "citizen_name", "citizen_address"])
    objects = ReceptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("citizen reception")
        verbose_name_plural = _("citizen receptions")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["unit", "received_on"], name="reception_unit_date")]

    def __str__(self) -> str:
        return f"{self.received_on:%d/%m/%Y} — {self.official_name}"

    def get_absolute_url(self) -> str:
        return reverse("petitions:reception_detail", args=[self.pk])

    def search_source(self) -> str:
        # Names are not searchable: a denouncer met at reception is as secret as their letter.
        return f"{self.official_name} {self.content}"
