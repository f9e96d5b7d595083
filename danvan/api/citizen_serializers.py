"""Shapes of the API's citizens requests and responses: letters, their timeline and moves,
receptions, dialogues and their requests, disclosures, the deadline calculator and the
public tracking answer.

The seal: no serializer here has a field of ``petitions.models.IDENTITY_FIELDS`` (nor a
reception's citizen, nor who raised a dialogue request). The identity is written at intake
(write-only fields) and read back only through ``letters/{id}/identity/``, which goes through
``services.read_identity`` and its log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from danvan.api.filters import DATE_INPUT_FORMATS
from danvan.api.initiative_serializers import BoundedPrimaryKeyRelatedField
from danvan.api.serializers import UnitRefSerializer
from danvan.dialogues.models import (
    Dialogue,
    DialogueRequest,
    DisclosureItem,
    RequestStatus,
)
from danvan.orgs.models import Unit, User
from danvan.petitions.deadlines import Explanation, RuleBook
from danvan.petitions.filters import DUE_SOON_DAYS, DueState
from danvan.petitions.models import (
    Channel,
    Complexity,
    DayType,
    Letter,
    LetterAction,
    LetterEvent,
    LetterKind,
    LetterStatus,
    Outcome,
    Reception,
    ReceptionSchedule,
    Step,
    SubjectArea,
    Track,
)
from danvan.petitions.services import TRANSITIONS

# The moves fired through ``letters/{id}/transitions/`` and the step each one records.
MOVES: dict[str, str] = {
    "accept": LetterAction.ACCEPTED,
    "refuse": LetterAction.REFUSED,
    "assign": LetterAction.ASSIGNED,
    "transfer": LetterAction.TRANSFERRED,
    "forward": LetterAction.FORWARDED,
    "archive": LetterAction.ARCHIVED,
    "extend": LetterAction.EXTENDED,
    "resolve": LetterAction.RESOLVED,
    "seal": LetterAction.SEALED,
}
MOVE_CHOICES = list(MOVES)
# Fields each move needs besides ``action`` (the services check the rest: blank reasons,
# dates before the acceptance, extensions beyond the rule…).
MOVE_REQUIRES: dict[str, tuple[str, ...]] = {
    "refuse": ("reason",),
    "assign": ("handler",),
    "transfer": ("to_unit",),
    "forward": ("to_body",),
    "archive": ("reason",),
    "extend": ("days", "decision_number", "decision_date"),
    "resolve": ("outcome", "answer"),
}


def move_allowed(action: str, letter: Letter) -> bool:
    """Whether the letter's status allows ``action`` (one of ``MOVES``)."""
    return letter.status in TRANSITIONS[MOVES[action]]


def allowed_moves(user, letter: Letter) -> list[str]:
    if not user.has_perm("petitions.change_letter", letter):
        return []
    return [action for action in MOVES if move_allowed(action, letter)]


def due_state(letter: Letter, today: dt.date) -> str | None:
    """overdue (red), due_soon (amber) or on_track for an open letter, as the list page and
    ``selectors.due_q`` say; None once closed."""
    if not letter.is_open:
        return None
    if letter.current_due is None:
        return DueState.ON_TRACK
    if letter.current_due < today:
        return DueState.OVERDUE
    if letter.current_due <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return DueState.DUE_SOON
    return DueState.ON_TRACK


# --- Letters --------------------------------------------------------------------------------


class LetterSerializer(serializers.ModelSerializer):
    """A letter as lists show it: never the citizen's identity, sealed or not."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    track = serializers.ChoiceField(
        choices=Track.choices,
        read_only=True,
        help_text=_("The legal track whose clocks apply (a complaint has two rounds)."),
    )
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    subject_area_display = serializers.CharField(source="get_subject_area_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    complexity_display = serializers.CharField(source="get_complexity_display", read_only=True)
    unit = UnitRefSerializer(read_only=True, help_text=_("The resolving unit."))
    received_unit = UnitRefSerializer(read_only=True, help_text=_("The unit that received it."))
    handler = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("Id of the assigned handler; null when unassigned.")
    )
    family = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("Id of the case family it is linked into, if any.")
    )
    days_left = serializers.SerializerMethodField(
        help_text=_("Days until the current deadline (negative when overdue); null when none.")
    )
    due_state = serializers.SerializerMethodField(
        help_text=format_lazy(
            _(
                "overdue, due_soon (within {days} days) or on_track while the letter is open; "
                "null once closed."
            ),
            days=DUE_SOON_DAYS,
        )
    )
    extensions_allowed = serializers.SerializerMethodField(
        help_text=_(
            "Written extensions the resolution rule allows in all (see extension_days_each)."
        )
    )
    extension_days_each = serializers.SerializerMethodField(
        help_text=_("Days each extension may add under the resolution rule.")
    )
    url = serializers.HyperlinkedIdentityField(view_name="api-letter-detail", lookup_url_kwarg="id")

    class Meta:
        model = Letter
        fields = [
            "id",
            "code",
            "kind",
            "kind_display",
            "complaint_round",
            "track",
            "channel",
            "channel_display",
            "subject_area",
            "subject_area_display",
            "title",
            "status",
            "status_display",
            "is_anonymous",
            "is_over_level",
            "is_not_competent",
            "confidential",
            "complexity",
            "complexity_display",
            "remote_area",
            "group_size",
            "unit",
            "received_unit",
            "handler",
            "family",
            "received_on",
            "arrived_on",
            "accepted_on",
            "closed_on",
            "escalated_on",
            "acceptance_due",
            "resolution_due",
            "current_due",
            "days_left",
            "due_state",
            "extensions_granted",
            "extension_days_granted",
            "extensions_allowed",
            "extension_days_each",
            "url",
        ]
        read_only_fields = fields

    def _today(self) -> dt.date:
        if "today" not in self.context:
            self.context["today"] = timezone.localdate()
        return self.context["today"]

    def _rule(self, letter: Letter):
        rules = self.context.get("rules")
        if rules is None:
            rules = self.context["rules"] = RuleBook.load()
        return rules.find(
            letter.track,
            Step.RESOLUTION,
            complexity=letter.complexity,
            remote=letter.remote_area,
            on=letter.accepted_on or letter.arrived_on,
        )

    @extend_schema_field(OpenApiTypes.INT)
    def get_days_left(self, letter: Letter) -> int | None:
        return letter.days_left(self._today()) if letter.is_open else None

    @extend_schema_field(serializers.ChoiceField(choices=DueState.choices, allow_null=True))
    def get_due_state(self, letter: Letter) -> str | None:
        return due_state(letter, self._today())

    def get_extensions_allowed(self, letter: Letter) -> int:
        rule = self._rule(letter)
        return rule.extensions_allowed if rule else 0

    def get_extension_days_each(self, letter: Letter) -> int:
        rule = self._rule(letter)
        return rule.extension_days if rule else 0


class LetterDetailSerializer(LetterSerializer):
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    actions = serializers.SerializerMethodField(
        help_text=_("The moves the caller may fire now (see the transitions endpoint).")
    )
    may_read_identity = serializers.SerializerMethodField(
        help_text=_(
            "Whether the caller may read the citizen's identity through the identity "
            "endpoint (a sealed identity: only the handler and the head of the resolving "
            "unit; every read is logged)."
        )
    )
    events_url = serializers.HyperlinkedIdentityField(
        view_name="api-letter-events", lookup_url_kwarg="id"
    )
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta(LetterSerializer.Meta):
        fields = [
            *LetterSerializer.Meta.fields,
            "content",
            "outcome",
            "outcome_display",
            "answer",
            "actions",
            "may_read_identity",
            "created_at",
            "updated_at",
            "events_url",
            "web_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(MOVE_CHOICES)))
    def get_actions(self, letter: Letter) -> list[str]:
        return allowed_moves(self.context["request"].user, letter)

    def get_may_read_identity(self, letter: Letter) -> bool:
        return self.context["request"].user.has_perm("petitions.read_identity", letter)


class LetterEventSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    actor = serializers.SerializerMethodField(help_text=_("Who acted; null for the system."))
    from_unit = UnitRefSerializer(read_only=True, allow_null=True)
    to_unit = UnitRefSerializer(read_only=True, allow_null=True)
    is_public = serializers.BooleanField(
        read_only=True, help_text=_("Whether the citizen sees this step when tracking the code.")
    )

    class Meta:
        model = LetterEvent
        fields = [
            "id",
            "at",
            "on",
            "action",
            "action_display",
            "from_status",
            "to_status",
            "actor",
            "note",
            "document_number",
            "document_date",
            "signer",
            "from_unit",
            "to_unit",
            "to_body",
            "days",
            "is_public",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, event: LetterEvent) -> str | None:
        return event.actor.display_name if event.actor else None


class VisibleHandlerField(BoundedPrimaryKeyRelatedField):
    def get_queryset(self):
        return User.objects.filter(is_active=True)


DOCUMENTS_HELP = _(
    "Files (multipart/form-data only): PDF, Word, Excel or photos, checked by their content."
)


def _documents_field(help_text=DOCUMENTS_HELP) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text=help_text
    )


class LetterCreateSerializer(serializers.Serializer):
    """Intake: the fields of ``services.receive_letter``. Identity fields are write-only."""

    unit = BoundedPrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        help_text=_("Id of the receiving unit; the caller must record letters there."),
    )
    kind = serializers.ChoiceField(choices=LetterKind.choices)
    complaint_round = serializers.ChoiceField(
        choices=[(1, _("First")), (2, _("Second"))],
        required=False,
        default=1,
        help_text=_("For a complaint: 1 or 2."),
    )
    channel = serializers.ChoiceField(choices=Channel.choices)
    subject_area = serializers.ChoiceField(choices=SubjectArea.choices, required=False)
    title = serializers.CharField(max_length=300)
    content = serializers.CharField()
    received_on = serializers.DateField(
        required=False,
        input_formats=[*DATE_INPUT_FORMATS, "iso-8601"],
        help_text=_("Day of receipt (not in the future); today when left out."),
    )
    is_anonymous = serializers.BooleanField(required=False, default=False)
    is_over_level = serializers.BooleanField(required=False, default=False)
    is_not_competent = serializers.BooleanField(required=False, default=False)
    confidential = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Seal the identity; always on for a denunciation."),
    )
    complexity = serializers.ChoiceField(choices=Complexity.choices, required=False)
    group_size = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    citizen_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, write_only=True
    )
    citizen_id_number = serializers.CharField(
        max_length=20, required=False, allow_blank=True, write_only=True
    )
    citizen_address = serializers.CharField(
        max_length=300, required=False, allow_blank=True, write_only=True
    )
    citizen_phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, write_only=True
    )
    citizen_email = serializers.EmailField(required=False, allow_blank=True, write_only=True)
    documents = _documents_field(_("The letter as received (multipart/form-data only)."))

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        return {
            "unit": data.pop("unit"),
            "documents": data.pop("documents", []),
            "data": data,
        }


class LetterMoveSerializer(serializers.Serializer):
    """One move on a letter; which fields count depends on ``action``."""

    action = serializers.ChoiceField(choices=MOVE_CHOICES)
    on = serializers.DateField(
        required=False,
        input_formats=[*DATE_INPUT_FORMATS, "iso-8601"],
        help_text=_(
            "Day the step took effect (accept, refuse, transfer, forward, resolve); today "
            "when left out. Never in the future."
        ),
    )
    complexity = serializers.ChoiceField(
        choices=Complexity.choices,
        required=False,
        default=Complexity.NORMAL,
        help_text=_("accept: how complex the matter is (sets the resolution clock)."),
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("refuse, archive: why (a refusal's reason is sent to the citizen)."),
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("An internal note for the timeline. Never write the citizen's identity."),
    )
    document_number = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=60,
        help_text=_("accept, refuse, transfer, forward: number of the written notice."),
    )
    handler = VisibleHandlerField(
        required=False, help_text=_("assign: id of an officer or leader of the resolving unit.")
    )
    to_unit = BoundedPrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        required=False,
        help_text=_("transfer: id of the competent unit."),
    )
    to_body = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text=_("forward: the body outside danvan the letter is sent to."),
    )
    days = serializers.IntegerField(
        required=False, min_value=1, max_value=366, help_text=_("extend: days added.")
    )
    decision_number = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=60,
        help_text=_("extend, resolve: number of the written decision."),
    )
    decision_date = serializers.DateField(
        required=False,
        input_formats=[*DATE_INPUT_FORMATS, "iso-8601"],
        help_text=_("extend, resolve: date of the written decision."),
    )
    signer = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text=_("extend, resolve: who signed the decision."),
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, required=False, help_text=_("resolve: the outcome.")
    )
    answer = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("resolve: the answer the citizen reads by the tracking code."),
    )
    documents = _documents_field()

    def missing(self) -> dict[str, list[str]]:
        """Required fields of the chosen move that were left out, as field errors."""
        data = self.validated_data
        message = str(serializers.Field.default_error_messages["required"])
        return {
            name: [message]
            for name in MOVE_REQUIRES.get(data["action"], ())
            if data.get(name) in (None, "")
        }


class IdentityRequestSerializer(serializers.Serializer):
    purpose = serializers.CharField(
        max_length=200,
        help_text=_("Why the identity is needed; kept in the access log of a sealed letter."),
    )


class IdentitySerializer(serializers.Serializer):
    """The citizen's identity (only from the identity endpoint)."""

    citizen_name = serializers.CharField()
    citizen_id_number = serializers.CharField()
    citizen_address = serializers.CharField()
    citizen_phone = serializers.CharField()
    citizen_email = serializers.CharField()
    sealed = serializers.BooleanField(
        help_text=_("Whether the identity is sealed (this read was then logged).")
    )


# --- Receptions ----------------------------------------------------------------------------


class ReceptionSerializer(serializers.ModelSerializer):
    """A register entry; the citizen's name and address are never part of it."""

    unit = UnitRefSerializer(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    classification_display = serializers.CharField(
        source="get_classification_display", read_only=True
    )
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    letter = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("Id of the letter the reception produced, if any.")
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api-reception-detail", lookup_url_kwarg="id"
    )

    class Meta:
        model = Reception
        fields = [
            "id",
            "unit",
            "received_on",
            "kind",
            "kind_display",
            "official_name",
            "official_title",
            "citizen_count",
            "content",
            "classification",
            "classification_display",
            "outcome",
            "outcome_display",
            "letter",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields


class ReceptionScheduleSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    frequency_display = serializers.CharField(source="get_frequency_display", read_only=True)

    class Meta:
        model = ReceptionSchedule
        fields = [
            "id",
            "unit",
            "leader_name",
            "leader_title",
            "frequency",
            "frequency_display",
            "days_text",
            "place",
            "valid_from",
            "valid_to",
        ]
        read_only_fields = fields


# --- Dialogues -----------------------------------------------------------------------------


class DialogueRefSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)

    class Meta:
        model = Dialogue
        fields = ["id", "title", "held_on", "unit"]
        read_only_fields = fields


class DialogueRequestFieldsMixin(serializers.ModelSerializer):
    """A request raised; who raised it is internal and never part of it."""

    owner_unit = UnitRefSerializer(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.SerializerMethodField(
        help_text=_("Still awaiting an answer after its due date.")
    )
    letter = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("Id of the letter opened for it, if any.")
    )

    class Meta:
        model = DialogueRequest
        fields = [
            "id",
            "number",
            "text",
            "owner_unit",
            "due_on",
            "status",
            "status_display",
            "is_overdue",
            "answer",
            "answered_on",
            "is_published",
            "published_on",
            "letter",
        ]
        read_only_fields = fields

    def get_is_overdue(self, request: DialogueRequest) -> bool:
        if "today" not in self.context:
            self.context["today"] = timezone.localdate()
        return request.status == RequestStatus.OPEN and request.due_on < self.context["today"]


class NestedDialogueRequestSerializer(DialogueRequestFieldsMixin):
    class Meta(DialogueRequestFieldsMixin.Meta):
        pass


class DialogueRequestSerializer(DialogueRequestFieldsMixin):
    dialogue = DialogueRefSerializer(read_only=True)

    class Meta(DialogueRequestFieldsMixin.Meta):
        fields = [*DialogueRequestFieldsMixin.Meta.fields, "dialogue"]
        read_only_fields = fields


class DialogueSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    topic_display = serializers.CharField(source="get_topic_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    requests_total = serializers.IntegerField(
        source="n_requests", read_only=True, help_text=_("Requests raised.")
    )
    requests_answered = serializers.IntegerField(
        source="n_answered", read_only=True, help_text=_("Requests answered.")
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api-dialogue-detail", lookup_url_kwarg="id"
    )

    class Meta:
        model = Dialogue
        fields = [
            "id",
            "unit",
            "held_on",
            "place",
            "title",
            "topic",
            "topic_display",
            "kind",
            "kind_display",
            "chair_name",
            "chair_title",
            "participant_count",
            "is_published",
            "requests_total",
            "requests_answered",
            "url",
        ]
        read_only_fields = fields


class DialogueDetailSerializer(DialogueSerializer):
    requests = NestedDialogueRequestSerializer(many=True, read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta(DialogueSerializer.Meta):
        fields = [*DialogueSerializer.Meta.fields, "participants", "summary", "requests", "web_url"]
        read_only_fields = fields


# --- Disclosure ----------------------------------------------------------------------------


class DisclosureSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    days_posted = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Days posted, counting both ends; null while still posted."),
    )
    required_days = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("The minimum the rule in force requires; null when no rule applies."),
    )
    is_violation = serializers.BooleanField(
        read_only=True, help_text=_("Posted for less than the minimum.")
    )
    rule_citation = serializers.CharField(
        read_only=True, help_text=_("The legal basis of the minimum.")
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api-disclosure-detail", lookup_url_kwarg="id"
    )

    class Meta:
        model = DisclosureItem
        fields = [
            "id",
            "unit",
            "title",
            "category",
            "category_display",
            "channel",
            "channel_display",
            "posted_from",
            "posted_to",
            "days_posted",
            "location",
            "note",
            "required_days",
            "is_violation",
            "rule_citation",
            "url",
        ]
        read_only_fields = fields


# --- Deadline calculator -------------------------------------------------------------------


class DeadlineQuerySerializer(serializers.Serializer):
    """The query string of ``deadlines/compute``."""

    track = serializers.ChoiceField(choices=Track.choices, help_text=_("The legal track."))
    step = serializers.ChoiceField(choices=Step.choices, help_text=_("The step whose clock runs."))
    start = serializers.DateField(
        input_formats=[*DATE_INPUT_FORMATS, "iso-8601"],
        help_text=_(
            "Day of the event that starts the clock (receipt, acceptance…), YYYY-MM-DD. "
            "It is not counted: day 1 is the next day."
        ),
    )
    complexity = serializers.ChoiceField(
        choices=Complexity.choices, required=False, default=Complexity.NORMAL
    )
    remote = serializers.BooleanField(
        required=False, default=False, help_text=_("A remote or disadvantaged area.")
    )
    extension_days = serializers.IntegerField(
        required=False,
        default=0,
        min_value=0,
        max_value=366,
        help_text=_("Days added by written extensions (at most what the rule allows)."),
    )


class DeadlineRuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    track = serializers.ChoiceField(choices=Track.choices)
    step = serializers.ChoiceField(choices=Step.choices)
    complexity = serializers.ChoiceField(choices=Complexity.choices)
    remote_area = serializers.BooleanField()
    days = serializers.IntegerField()
    day_type = serializers.ChoiceField(choices=DayType.choices)
    extensions_allowed = serializers.IntegerField()
    extension_days = serializers.IntegerField(help_text=_("Days each extension may add."))
    citation = serializers.CharField()
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)


class SkippedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField(help_text=_("Why it is not a working day."))


class DeadlineSerializer(serializers.Serializer):
    rule = DeadlineRuleSerializer(help_text=_("The rule in force on the start day."))
    start = serializers.DateField()
    days_counted = serializers.IntegerField(help_text=_("The rule's days plus the extension."))
    day_type = serializers.ChoiceField(choices=DayType.choices)
    due = serializers.DateField(help_text=_("The last day of the period."))
    due_weekday = serializers.CharField(help_text=_("The due day's weekday, in words."))
    skipped = SkippedDaySerializer(
        many=True,
        help_text=_(
            "Days off passed over: within a period of working days, or at its end for a "
            "period of calendar days that ends on a day off."
        ),
    )

    @staticmethod
    def shape(explanation: Explanation) -> dict[str, Any]:
        rule, period = explanation.rule, explanation.period
        return {
            "rule": rule,
            "start": explanation.start,
            "days_counted": period.days,
            "day_type": period.day_type,
            "due": period.end,
            "due_weekday": date_format(period.end, "l"),
            "skipped": [{"date": day, "reason": reason} for day, reason in period.skipped],
        }


# --- Public tracking -----------------------------------------------------------------------


class PublicEventSerializer(serializers.Serializer):
    on = serializers.DateField(help_text=_("Day the step took effect."))
    action = serializers.ChoiceField(choices=LetterAction.choices)
    action_display = serializers.CharField()
    unit = serializers.CharField(
        allow_null=True, help_text=_("For a transfer: the unit the letter went to.")
    )
    to_body = serializers.CharField(
        allow_blank=True, help_text=_("For a forwarding: the body the letter went to.")
    )
    days = serializers.IntegerField(
        allow_null=True, help_text=_("For an extension: the days added.")
    )

    @staticmethod
    def shape(event: LetterEvent) -> dict[str, Any]:
        return {
            "on": event.on,
            "action": event.action,
            "action_display": event.get_action_display(),
            "unit": event.to_unit.name
            if event.action == LetterAction.TRANSFERRED and event.to_unit
            else None,
            "to_body": event.to_body if event.action == LetterAction.FORWARDED else "",
            "days": event.days if event.action == LetterAction.EXTENDED else None,
        }


class PublicTrackingSerializer(serializers.Serializer):
    """What a citizen sees by the tracking code: no name, no handler, no internal notes."""

    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=LetterKind.choices)
    kind_display = serializers.CharField()
    subject_area = serializers.ChoiceField(choices=SubjectArea.choices)
    subject_area_display = serializers.CharField()
    status = serializers.ChoiceField(choices=LetterStatus.choices)
    status_display = serializers.CharField()
    unit = serializers.CharField(help_text=_("The unit now handling the letter."))
    received_on = serializers.DateField()
    current_due = serializers.DateField(
        allow_null=True, help_text=_("The deadline of the step in progress; null once closed.")
    )
    closed_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True, help_text=_("Once resolved."))
    outcome_display = serializers.CharField(allow_blank=True)
    answer = serializers.CharField(
        allow_null=True,
        help_text=_("The answer once resolved, or why the letter was not accepted; else null."),
    )
    events = PublicEventSerializer(many=True)

    @staticmethod
    def shape(letter: Letter, events: list[LetterEvent]) -> dict[str, Any]:
        answered = letter.status in (LetterStatus.RESOLVED, LetterStatus.REFUSED)
        resolved = letter.status == LetterStatus.RESOLVED
        return {
            "code": letter.code,
            "kind": letter.kind,
            "kind_display": letter.get_kind_display(),
            "subject_area": letter.subject_area,
            "subject_area_display": letter.get_subject_area_display(),
            "status": letter.status,
            "status_display": letter.get_status_display(),
            "unit": letter.unit.name,
            "received_on": letter.received_on,
            "current_due": letter.current_due,
            "closed_on": letter.closed_on,
            "outcome": letter.outcome if resolved else "",
            "outcome_display": letter.get_outcome_display() if resolved else "",
            "answer": letter.answer if answered else None,
            "events": [PublicEventSerializer.shape(e) for e in events if e.is_public],
        }
