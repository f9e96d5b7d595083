"""Shapes of the API's "Dân vận khéo" requests and responses: campaigns, initiatives,
transitions, councils' assignments and score sheets, statistics."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from danvan.api.serializers import UnitRefSerializer, UserRefSerializer
from danvan.initiatives import scoring
from danvan.initiatives.models import (
    TRANSITIONS,
    Actor,
    Assignment,
    Campaign,
    Council,
    Criterion,
    Field,
    Initiative,
    InitiativeKind,
    Level,
    Milestone,
    Transition,
)
from danvan.initiatives.selectors import published_q
from danvan.orgs.models import Unit, UnitKind

MAX_ID = 2**63 - 1

# The moves a client fires through ``initiatives/{id}/transitions/``. Sending to a council,
# the council's decision and awards have endpoints (or pages) of their own.
API_ACTIONS = (
    "submit",
    "return",
    "accept",
    "start",
    "mid_term_review",
    "self_assess",
    "propose",
    "discontinue",
)


def action_perm(action: str) -> str:
    """The permission the party firing ``action`` needs on the initiative."""
    if TRANSITIONS[action].actor == Actor.UNIT:
        return "initiatives.act_for_unit"
    return "initiatives.act_for_launcher"


def allowed_actions(user, initiative: Initiative) -> list[str]:
    """The moves ``user`` may fire on ``initiative`` now (no query: scope is cached)."""
    return [
        action
        for action in API_ACTIONS
        if initiative.can_move(action) and user.has_perm(action_perm(action), initiative)
    ]


@extend_schema_field(OpenApiTypes.INT)
class BoundedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key that never reaches the database when it cannot be a row's id."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 0 < pk <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(pk)


def _user(serializer: serializers.Field):
    return serializer.context["request"].user


class VisibleCampaignField(BoundedPrimaryKeyRelatedField):
    """A campaign the caller may see; any other id reads as unknown."""

    def get_queryset(self):
        return Campaign.objects.visible_to(_user(self)).select_related("unit")


class VisibleFieldField(BoundedPrimaryKeyRelatedField):
    def get_queryset(self):
        return Field.objects.filter(campaign__in=Campaign.objects.visible_to(_user(self)))


class ReplicableField(BoundedPrimaryKeyRelatedField):
    """An initiative to replicate: one the caller may see, or one on the public showcase."""

    def get_queryset(self):
        visible = Initiative.objects.visible_to(_user(self)).values("pk")
        return Initiative.objects.filter(Q(pk__in=visible) | published_q())


# --- Campaigns ------------------------------------------------------------------------------


class CampaignRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "year", "name"]
        read_only_fields = fields


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["id", "name", "order"]
        read_only_fields = fields


class FieldRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["id", "name"]
        read_only_fields = fields


def _number(**kwargs) -> serializers.DecimalField:
    """A decimal sent as a JSON number, not a string."""
    return serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=False, read_only=True, **kwargs
    )


class CriterionSerializer(serializers.ModelSerializer):
    max_points = _number(help_text=_("Highest points a member may give."))
    weight = _number(help_text=_("The points are multiplied by the weight in the total."))

    class Meta:
        model = Criterion
        fields = ["id", "order", "name", "description", "max_points", "weight"]
        read_only_fields = fields


class LevelRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Level
        fields = ["id", "rank", "name"]
        read_only_fields = fields


class LevelSerializer(serializers.ModelSerializer):
    pass_mark = _number(help_text=_("Weighted total an initiative needs to be recognised."))
    max_total = _number(help_text=_("Highest weighted total of the rubric."))
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Level
        fields = ["id", "rank", "name", "pass_mark", "max_total", "min_months_running", "criteria"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True, help_text=_("The launching unit."))
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="api-campaign-detail", lookup_url_kwarg="id"
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "year",
            "name",
            "status",
            "status_display",
            "unit",
            "registration_opens",
            "registration_closes",
            "appraisal_opens",
            "appraisal_closes",
            "quota_min",
            "quota_max",
            "url",
        ]
        read_only_fields = fields


class CampaignDetailSerializer(CampaignSerializer):
    required_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=UnitKind.choices),
        read_only=True,
        help_text=_("Kinds of unit that must register at least the minimum."),
    )
    aggregation_display = serializers.CharField(source="get_aggregation_display", read_only=True)
    fields = FieldSerializer(many=True, read_only=True)
    levels = LevelSerializer(many=True, read_only=True)
    copied_from = serializers.PrimaryKeyRelatedField(read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta(CampaignSerializer.Meta):
        fields = [
            *CampaignSerializer.Meta.fields,
            "description",
            "legal_basis",
            "required_kinds",
            "aggregation",
            "aggregation_display",
            "fields",
            "levels",
            "copied_from",
            "web_url",
        ]
        read_only_fields = fields


class FunnelStageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField(help_text=_("Initiatives that reached the stage."))


class FieldCountSerializer(serializers.Serializer):
    field_id = serializers.IntegerField()
    field = serializers.CharField()
    count = serializers.IntegerField(help_text=_("Initiatives past the draft stage."))
    recognised = serializers.IntegerField(
        help_text=_("Initiatives recognised, proposed or rewarded.")
    )


class CampaignStatisticsSerializer(serializers.Serializer):
    area = UnitRefSerializer(
        help_text=_(
            "The unit whose subtree is counted: the launching unit for those who see the "
            "whole campaign, else the caller's own unit."
        )
    )
    total = serializers.IntegerField(help_text=_("Every initiative of the area, drafts too."))
    by_status = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("Initiatives by status (every status).")
    )
    funnel = FunnelStageSerializer(many=True)
    by_field = FieldCountSerializer(many=True)
    replications = serializers.IntegerField(
        help_text=_("Initiatives of the campaign replicating another model.")
    )


# --- Initiatives ----------------------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "order", "title", "due_date", "done_on"]
        read_only_fields = fields


class InitiativeSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    campaign = CampaignRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True, help_text=_("The registering unit."))
    field = FieldRefSerializer(read_only=True)
    level = LevelRefSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("The highest level it was recognised at, or the level it is proposed to."),
    )
    replicated_from = serializers.PrimaryKeyRelatedField(read_only=True)
    replications = serializers.IntegerField(
        source="n_replications", read_only=True, help_text=_("Initiatives replicating this one.")
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api-initiative-detail", lookup_url_kwarg="id"
    )

    class Meta:
        model = Initiative
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "campaign",
            "unit",
            "field",
            "level",
            "replicated_from",
            "replications",
            "registered_at",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields


REGISTRATION_TEXT_FIELDS = [
    "reason",
    "goals",
    "content",
    "area",
    "target_group",
    "participants",
    "resources",
    "outputs",
    "replicability",
    "exemplar_name",
    "exemplar_is_collective",
    "exemplar_role",
]


class InitiativeDetailSerializer(InitiativeSerializer):
    lead_unit = UnitRefSerializer(read_only=True, allow_null=True)
    coordinating_units = UnitRefSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField(
        help_text=_("The transitions the caller may fire now (see the transitions endpoint).")
    )
    editable = serializers.SerializerMethodField(
        help_text=_("Whether the caller may edit the registration now.")
    )
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta(InitiativeSerializer.Meta):
        fields = [
            *InitiativeSerializer.Meta.fields,
            *REGISTRATION_TEXT_FIELDS,
            "lead_unit",
            "coordinating_units",
            "start_date",
            "end_date",
            "milestones",
            "self_assessment",
            "discontinued_reason",
            "is_published",
            "actions",
            "editable",
            "web_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(API_ACTIONS)))
    def get_actions(self, initiative: Initiative) -> list[str]:
        return allowed_actions(self.context["request"].user, initiative)

    def get_editable(self, initiative: Initiative) -> bool:
        return self.context["request"].user.has_perm("initiatives.change_initiative", initiative)


class MilestoneInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    due_date = serializers.DateField(required=False, allow_null=True)


class RegistrationSerializer(serializers.Serializer):
    """The registration form. On PATCH every field is optional; lists replace what was."""

    kind = serializers.ChoiceField(choices=InitiativeKind.choices, default=InitiativeKind.MODEL)
    field = VisibleFieldField(help_text=_("Id of one of the campaign's fields."))
    name = serializers.CharField(max_length=300)
    reason = serializers.CharField(required=False, allow_blank=True)
    goals = serializers.CharField(required=False, allow_blank=True)
    content = serializers.CharField(required=False, allow_blank=True)
    area = serializers.CharField(required=False, allow_blank=True, max_length=255)
    target_group = serializers.CharField(required=False, allow_blank=True, max_length=255)
    lead_unit = BoundedPrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Id of the lead unit; the registering unit when left out."),
    )
    coordinating_units = BoundedPrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        many=True,
        required=False,
        help_text=_("Ids of the coordinating units."),
    )
    participants = serializers.CharField(required=False, allow_blank=True)
    resources = serializers.CharField(required=False, allow_blank=True)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    outputs = serializers.CharField(required=False, allow_blank=True)
    replicability = serializers.CharField(required=False, allow_blank=True)
    exemplar_name = serializers.CharField(required=False, allow_blank=True, max_length=255)
    exemplar_is_collective = serializers.BooleanField(required=False)
    exemplar_role = serializers.CharField(required=False, allow_blank=True, max_length=255)
    replicated_from = ReplicableField(
        required=False,
        allow_null=True,
        help_text=_("Id of the recognised model this one replicates."),
    )
    milestones = MilestoneInputSerializer(many=True, required=False)

    def service_arguments(self) -> dict[str, Any]:
        """validated_data as the services take it (milestones as plain dicts)."""
        data = dict(self.validated_data)
        if "milestones" in data:
            data["milestones"] = [dict(row) for row in data["milestones"]]
        return data


class InitiativeCreateSerializer(RegistrationSerializer):
    campaign = VisibleCampaignField(help_text=_("Id of the campaign to register in."))
    unit = BoundedPrimaryKeyRelatedField(
        queryset=Unit.objects.all(), help_text=_("Id of the registering unit.")
    )


class MoveSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a, TRANSITIONS[a].label) for a in API_ACTIONS])
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Why, for return, mid_term_review and discontinue (required there, kept in "
            "the timeline); a comment for accept and propose."
        ),
    )
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The self-assessment, for self_assess."),
    )


class TransitionSerializer(serializers.ModelSerializer):
    action_display = serializers.SerializerMethodField()
    from_status_display = serializers.CharField(source="get_from_status_display", read_only=True)
    to_status_display = serializers.CharField(source="get_to_status_display", read_only=True)
    actor = serializers.SerializerMethodField(help_text=_("Who acted; null if unknown."))
    level = LevelRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Transition
        fields = [
            "id",
            "action",
            "action_display",
            "from_status",
            "from_status_display",
            "to_status",
            "to_status_display",
            "actor",
            "at",
            "reason",
            "level",
        ]
        read_only_fields = fields

    def get_action_display(self, transition: Transition) -> str:
        move = TRANSITIONS.get(transition.action)
        return str(move.label) if move else transition.action

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, transition: Transition) -> str | None:
        return transition.actor.display_name if transition.actor else None


# --- Councils -------------------------------------------------------------------------------


class InitiativeRefSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)

    class Meta:
        model = Initiative
        fields = ["id", "name", "kind", "unit"]
        read_only_fields = fields


class OwnSheetStateSerializer(serializers.Serializer):
    submitted = serializers.BooleanField()
    submitted_at = serializers.DateTimeField(allow_null=True)


class AssignmentSerializer(serializers.ModelSerializer):
    initiative = InitiativeRefSerializer(read_only=True)
    result = _number(allow_null=True, help_text=_("The council's result, once decided."))
    sheets_submitted = serializers.IntegerField(
        source="n_submitted", read_only=True, help_text=_("Members who submitted their scores.")
    )
    own_sheet = serializers.SerializerMethodField(
        help_text=_("The caller's sheet; null when the caller has none yet or is not a member.")
    )
    conflict = serializers.SerializerMethodField(
        help_text=_(
            "True when the caller's own unit registered the initiative, so they may not "
            "score it; null when the caller is not a member."
        )
    )
    scores_url = serializers.HyperlinkedIdentityField(
        view_name="api-assignment-scores", lookup_url_kwarg="id"
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "initiative",
            "assigned_at",
            "sheets_submitted",
            "own_sheet",
            "conflict",
            "result",
            "passed",
            "rank",
            "scores_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OwnSheetStateSerializer(allow_null=True))
    def get_own_sheet(self, assignment: Assignment) -> dict | None:
        sheets = assignment.own_sheets
        if not sheets:
            return None
        sheet = sheets[0]
        return {"submitted": sheet.submitted_at is not None, "submitted_at": sheet.submitted_at}

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_conflict(self, assignment: Assignment) -> bool | None:
        conflict = self.context["conflict"]
        return None if conflict is None else conflict(assignment)


class CouncilRefSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Council
        fields = ["id", "name", "status", "status_display"]
        read_only_fields = fields


class ScoreSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(help_text=_("Id of the criterion."))
    points = serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    comment = serializers.CharField()


class SheetSerializer(serializers.Serializer):
    submitted_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField()
    total = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("Weighted total; null until every criterion is scored."),
    )
    scores = ScoreSerializer(many=True, help_text=_("One row per criterion, in rubric order."))

    @staticmethod
    def shape(sheet, criteria: list[Criterion]) -> dict[str, Any]:
        """A sheet (or None: not started) as one row per criterion, with its total."""
        scores = {s.criterion_id: s for s in sheet.scores.all()} if sheet is not None else {}
        specs = [
            scoring.CriterionSpec(id=c.pk, max_points=c.max_points, weight=c.weight)
            for c in criteria
        ]
        try:
            total = scoring.weighted_total(specs, {pk: s.points for pk, s in scores.items()})
        except scoring.ScoreError:
            total = None
        return {
            "submitted_at": sheet.submitted_at if sheet is not None else None,
            "comment": sheet.comment if sheet is not None else "",
            "total": total,
            "scores": [
                {
                    "criterion": c.pk,
                    "points": scores[c.pk].points if c.pk in scores else None,
                    "comment": scores[c.pk].comment if c.pk in scores else "",
                }
                for c in criteria
            ],
        }


class MemberRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Id of the council seat."))
    user = UserRefSerializer()
    is_chair = serializers.BooleanField()


class OtherSheetSerializer(SheetSerializer):
    member = MemberRefSerializer()


class LevelPassSerializer(LevelRefSerializer):
    pass_mark = _number()

    class Meta(LevelRefSerializer.Meta):
        fields = [*LevelRefSerializer.Meta.fields, "pass_mark"]
        read_only_fields = fields


class ScoreBoardSerializer(serializers.Serializer):
    """The caller's score sheet for one assignment, and the others' when they may see them."""

    assignment = serializers.IntegerField(help_text=_("Id of the assignment."))
    initiative = InitiativeRefSerializer()
    council = CouncilRefSerializer()
    level = LevelPassSerializer()
    criteria = CriterionSerializer(many=True)
    is_member = serializers.BooleanField(help_text=_("Whether the caller sits on the council."))
    conflict = serializers.BooleanField(
        help_text=_("True when the caller may not score this initiative (their own unit's).")
    )
    sheet = SheetSerializer(
        allow_null=True, help_text=_("The caller's own sheet; null when not a member.")
    )
    others_visible = serializers.BooleanField(
        help_text=_(
            "Whether the other members' sheets are shown: once the caller has submitted, "
            "once the council has decided, or to those who manage the council."
        )
    )
    others = OtherSheetSerializer(
        many=True, help_text=_("The other members' submitted sheets (empty when hidden).")
    )


class ScoreInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    points = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        allow_null=True,
        help_text=_("Between 0 and the criterion's maximum; null leaves it unscored."),
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class ScoreSheetInputSerializer(serializers.Serializer):
    scores = ScoreInputSerializer(many=True)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Overall comment.")
    )
    submit = serializers.BooleanField(
        default=False,
        help_text=_("Submit the sheet: every criterion must be scored; it is then final."),
    )

    default_error_messages = {"twice": _("Each criterion may appear only once.")}

    def validate_scores(self, rows):
        criteria = [row["criterion"] for row in rows]
        if len(set(criteria)) != len(criteria):
            self.fail("twice")
        return rows


# --- Errors (documentation only) ------------------------------------------------------------


class CodedErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
