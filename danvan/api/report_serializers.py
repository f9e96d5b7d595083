"""Shapes of the API's requests and responses for periodic reports and indicators: the
indicator catalogue, targets, report periods with their completeness, reports (header,
sections, figures, review comments, events), their edits and review moves, a report's
roll-up one level down, and the dashboard data of a unit.

Indicators are named by their ``code`` wherever a request names one (codes are stable; ids
are not shared between installations); responses give both.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from danvan.api.plan_serializers import DATE_FORMATS, UnitField
from danvan.api.serializers import UnitRefSerializer, UserRefSerializer
from danvan.kpis.models import (
    Category,
    Comparator,
    Direction,
    Indicator,
    IndicatorKind,
    RollupRule,
    Source,
    Target,
    TargetKind,
)
from danvan.kpis.status import COLOURS, Status
from danvan.orgs.models import UnitKind
from danvan.reports.models import (
    EventKind,
    Period,
    PeriodKind,
    PeriodStatus,
    Report,
    ReportEvent,
    ReportSection,
    ReportState,
    ReviewComment,
    ValueSource,
)

# A number as typed: a JSON number, or text such as "1.234,5" (Vietnamese style) or "12.5".
NUMBER_OR_TEXT = {
    "oneOf": [{"type": "number"}, {"type": "string"}],
    "nullable": True,
}


def _user(serializer: serializers.Field):
    return serializer.context["request"].user


# --- Indicators -----------------------------------------------------------------------------


class IndicatorRefSerializer(serializers.ModelSerializer):
    """An indicator named from elsewhere: enough to show and format its figures."""

    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "kind", "measure", "decimals"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=IndicatorKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    direction = serializers.ChoiceField(choices=Direction.choices, read_only=True)
    rollup = serializers.ChoiceField(choices=RollupRule.choices, read_only=True)
    category = serializers.ChoiceField(choices=Category.choices, read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    source = serializers.ChoiceField(choices=Source.choices, read_only=True)
    weight = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=_("For a weighted mean: the code of the indicator that weighs it."),
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api-indicator-detail", lookup_url_kwarg="id"
    )
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "description",
            "category",
            "category_display",
            "kind",
            "kind_display",
            "measure",
            "direction",
            "rollup",
            "weight",
            "source",
            "source_key",
            "numerator_label",
            "denominator_label",
            "scale",
            "min_value",
            "max_value",
            "decimals",
            "has_rank",
            "is_active",
            "url",
            "web_url",
        ]
        read_only_fields = fields


# --- Targets --------------------------------------------------------------------------------


class TargetSerializer(serializers.ModelSerializer):
    indicator = IndicatorRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True, help_text=_("The unit that set the target."))
    applies_to_kind = serializers.ChoiceField(
        choices=UnitKind.choices,
        read_only=True,
        allow_blank=True,
        help_text=_(
            "Empty: the unit's own rolled-up figure. A kind: every unit of that kind under it."
        ),
    )
    kind = serializers.ChoiceField(choices=TargetKind.choices, read_only=True)
    comparator = serializers.ChoiceField(choices=Comparator.choices, read_only=True)
    description = serializers.CharField(
        source="describe", read_only=True, help_text=_("The target as shown, e.g. “≥ 90 %”.")
    )
    plan = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("Id of the plan that set it, if any.")
    )
    can_change = serializers.SerializerMethodField(
        help_text=_("Whether the caller may change or delete it.")
    )

    class Meta:
        model = Target
        fields = [
            "id",
            "indicator",
            "unit",
            "applies_to_kind",
            "kind",
            "year",
            "comparator",
            "value",
            "value_high",
            "description",
            "baseline_year",
            "baseline_value",
            "plan",
            "note",
            "can_change",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_can_change(self, target: Target) -> bool:
        return _user(self).has_perm("kpis.change_target", target)


@extend_schema_field(OpenApiTypes.STR)
class IndicatorCodeField(serializers.SlugRelatedField):
    """An indicator by its code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Code of an indicator, e.g. officials_studied."))
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        return Indicator.objects.all()


class TargetInputSerializer(serializers.Serializer):
    """A target to create (every field) or change (PATCH: fields left out keep their value)."""

    indicator = IndicatorCodeField()
    unit = UnitField(help_text=_("Id of the unit setting it; the caller must write for it."))
    applies_to_kind = serializers.ChoiceField(
        choices=UnitKind.choices,
        required=False,
        allow_blank=True,
        help_text=_(
            "Leave empty for the unit's own figure; a kind for every unit of that kind under it."
        ),
    )
    kind = serializers.ChoiceField(choices=TargetKind.choices, required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    comparator = serializers.ChoiceField(choices=Comparator.choices)
    value = serializers.DecimalField(max_digits=20, decimal_places=4)
    value_high = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text=_("The upper bound of a band."),
    )
    baseline_year = serializers.IntegerField(
        min_value=1900, max_value=2100, required=False, allow_null=True
    )
    baseline_value = serializers.DecimalField(
        max_digits=20, decimal_places=4, required=False, allow_null=True
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


# --- Periods --------------------------------------------------------------------------------


class CompletenessSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=_("Reports the caller may see in the period."))
    draft = serializers.IntegerField()
    submitted = serializers.IntegerField()
    returned = serializers.IntegerField()
    accepted = serializers.IntegerField()
    late = serializers.IntegerField(
        help_text=_("Not yet submitted although the due date has passed.")
    )


class PeriodSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=PeriodKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status = serializers.ChoiceField(choices=PeriodStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    owner = UnitRefSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("The unit that opened it (its subtree reports); null for the whole country."),
    )
    form = serializers.SerializerMethodField(help_text=_("The form and version reported on."))
    is_overdue = serializers.BooleanField(read_only=True)
    is_being_opened = serializers.BooleanField(
        read_only=True,
        help_text=_("Its drafts are being created in the background (after an `open`)."),
    )
    completeness = serializers.SerializerMethodField(
        help_text=_("How many of the reports the caller may see are in each state.")
    )
    url = serializers.HyperlinkedIdentityField(view_name="api-period-detail", lookup_url_kwarg="id")
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Period
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "year",
            "start_date",
            "end_date",
            "due_date",
            "is_overdue",
            "owner",
            "form",
            "status",
            "status_display",
            "opened_at",
            "is_being_opened",
            "completeness",
            "url",
            "web_url",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "version": {"type": "integer"},
            },
            "required": ["id", "name", "version"],
        }
    )
    def get_form(self, period: Period) -> dict:
        version = period.form_version
        return {"id": version.form_id, "name": version.form.name, "version": version.number}

    @extend_schema_field(CompletenessSerializer)
    def get_completeness(self, period: Period) -> dict:
        return {
            "total": period.n_total,
            "draft": period.n_draft,
            "submitted": period.n_submitted,
            "returned": period.n_returned,
            "accepted": period.n_accepted,
            "late": period.n_late,
        }


class FormSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    guidance = serializers.CharField(required=False, allow_blank=True)


class FormFieldSerializer(serializers.Serializer):
    indicator = IndicatorRefSerializer()
    required = serializers.BooleanField()
    section_key = serializers.CharField(
        allow_blank=True, help_text=_("Empty: in the figures table at the end.")
    )


class PeriodDetailSerializer(PeriodSerializer):
    sections = serializers.SerializerMethodField(help_text=_("The form's narrative sections."))
    form_fields = serializers.SerializerMethodField(help_text=_("The form's figures, in order."))

    class Meta(PeriodSerializer.Meta):
        fields = [*PeriodSerializer.Meta.fields, "remind_days", "sections", "form_fields"]
        read_only_fields = fields

    @extend_schema_field(FormSectionSerializer(many=True))
    def get_sections(self, period: Period) -> list[dict]:
        return FormSectionSerializer(period.form_version.sections, many=True).data

    @extend_schema_field(FormFieldSerializer(many=True))
    def get_form_fields(self, period: Period) -> list[dict]:
        return FormFieldSerializer(self.context["form_fields"], many=True).data


# --- Reports --------------------------------------------------------------------------------


class PeriodRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["id", "name", "year", "due_date"]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    period = PeriodRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    state = serializers.ChoiceField(choices=ReportState.choices, read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    is_late = serializers.BooleanField(
        read_only=True, help_text=_("Submitted after the due date, or still not submitted.")
    )
    url = serializers.HyperlinkedIdentityField(view_name="api-report-detail", lookup_url_kwarg="id")
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "period",
            "unit",
            "state",
            "state_display",
            "revision",
            "accepted_revision",
            "lock_version",
            "number",
            "submitted_at",
            "reviewed_at",
            "is_late",
            "url",
            "web_url",
        ]
        read_only_fields = fields


class ReportSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportSection
        fields = ["key", "title", "order", "body"]
        read_only_fields = fields


class FigureSerializer(serializers.Serializer):
    """A figure of the working revision; every field of the form is listed, typed or not."""

    indicator = IndicatorRefSerializer()
    required = serializers.BooleanField()
    section_key = serializers.CharField(allow_blank=True)
    value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    numerator = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    denominator = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    source = serializers.ChoiceField(
        choices=ValueSource.choices,
        allow_null=True,
        help_text=_("Entered by hand or computed by danvan (null: no figure yet)."),
    )
    computed_value = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        allow_null=True,
        help_text=_("What danvan computed when pre-filling, kept when overridden."),
    )
    display = serializers.CharField(help_text=_("The value formatted as shown (1.234,5)."))


class CommentSerializer(serializers.ModelSerializer):
    author = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ReviewComment
        fields = ["id", "revision", "section_key", "body", "author", "created_at"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EventKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    actor = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ReportEvent
        fields = ["id", "kind", "kind_display", "revision", "actor", "note", "created_at"]
        read_only_fields = fields


class ReportPermissionsSerializer(serializers.Serializer):
    edit = serializers.BooleanField(help_text=_("May change figures and sections now."))
    submit = serializers.BooleanField()
    review = serializers.BooleanField(help_text=_("May accept or return it now."))
    reopen = serializers.BooleanField(help_text=_("May start a correction (a new revision)."))


class ReportDetailSerializer(ReportSerializer):
    sections = serializers.SerializerMethodField(
        help_text=_("The narrative sections of the working revision.")
    )
    figures = serializers.SerializerMethodField(
        help_text=_("The figures of the working revision, one per field of the form.")
    )
    comments = serializers.SerializerMethodField(help_text=_("Review comments, oldest first."))
    events = serializers.SerializerMethodField(help_text=_("What happened, newest first."))
    permissions = serializers.SerializerMethodField(help_text=_("What the caller may do now."))
    submitted_by = UserRefSerializer(read_only=True, allow_null=True)
    reviewed_by = UserRefSerializer(read_only=True, allow_null=True)
    signed_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta(ReportSerializer.Meta):
        fields = [
            *ReportSerializer.Meta.fields,
            "place",
            "signed_on",
            "signer_name",
            "signer_title",
            "recipients",
            "submitted_by",
            "reviewed_by",
            "sections",
            "figures",
            "comments",
            "events",
            "permissions",
        ]
        read_only_fields = fields

    @extend_schema_field(ReportSectionSerializer(many=True))
    def get_sections(self, report: Report) -> list[dict]:
        return ReportSectionSerializer(self.context["sections"], many=True).data

    @extend_schema_field(FigureSerializer(many=True))
    def get_figures(self, report: Report) -> list[dict]:
        return FigureSerializer(self.context["figures"], many=True).data

    @extend_schema_field(CommentSerializer(many=True))
    def get_comments(self, report: Report) -> list[dict]:
        return CommentSerializer(self.context["comments"], many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, report: Report) -> list[dict]:
        return EventSerializer(self.context["events"], many=True).data

    @extend_schema_field(ReportPermissionsSerializer)
    def get_permissions(self, report: Report) -> dict:
        return self.context["permissions"]


@extend_schema_field(NUMBER_OR_TEXT)
class NumberOrTextField(serializers.Field):
    """A JSON number, or text as people type it ("1.234,5"); checked by the service, so a
    wrong one answers 400 under ``<indicator code>.<part>`` like any other bad figure."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value

    default_error_messages = {"invalid": _("A number, or a number written as text.")}


class FigureInputSerializer(serializers.Serializer):
    value = NumberOrTextField(
        required=False,
        allow_null=True,
        help_text=_("A count, amount or score; 1 or 0 for yes or no."),
    )
    numerator = NumberOrTextField(required=False, allow_null=True, help_text=_("For a rate."))
    denominator = NumberOrTextField(required=False, allow_null=True, help_text=_("For a rate."))
    rank = NumberOrTextField(
        required=False, allow_null=True, help_text=_("For a published index with a rank.")
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ReportUpdateSerializer(serializers.Serializer):
    """What the writer changes: header fields, sections and figures left out keep theirs."""

    lock_version = serializers.IntegerField(
        min_value=1,
        help_text=_(
            "The report's `lock_version` as read: a save after someone else's answers 409 "
            "with the current one."
        ),
    )
    number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True)
    signed_on = serializers.DateField(input_formats=DATE_FORMATS, required=False)
    signer_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    signer_title = serializers.CharField(max_length=150, required=False, allow_blank=True)
    recipients = serializers.CharField(required=False, allow_blank=True)
    sections = serializers.DictField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        required=False,
        help_text=_("Text of sections by their key."),
    )
    figures = serializers.DictField(
        child=FigureInputSerializer(),
        required=False,
        help_text=_(
            "Figures by indicator code. A rate takes numerator and denominator; the others "
            "take value. Empty parts clear the figure."
        ),
    )

    def validate(self, attrs):
        report: Report = self.context["report"]
        errors = {}
        titles = report.period.form_version.section_titles()
        unknown = [key for key in attrs.get("sections", {}) if key not in titles]
        if unknown:
            errors["sections"] = {key: [_("No section with this key.")] for key in unknown}
        codes = self.context["form_codes"]
        unknown = [code for code in attrs.get("figures", {}) if code not in codes]
        if unknown:
            errors["figures"] = {
                code: [_("Not a figure of this report's form.")] for code in unknown
            }
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class SubmitSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text=_("When given, submitting a report changed since answers 409."),
    )


class AcceptSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class ReturnSerializer(serializers.Serializer):
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text=_(
            "Comments by section key; `figures` for the figures, an empty key for the whole report."
        ),
    )
    note = serializers.CharField(
        required=False, allow_blank=True, help_text=_("A comment on the whole report.")
    )

    def validate_comments(self, comments: dict) -> dict:
        report: Report = self.context["report"]
        allowed = {*report.period.form_version.section_titles(), "figures", ""}
        unknown = [key for key in comments if key not in allowed]
        if unknown:
            raise serializers.ValidationError(
                {key: [_("No section with this key.")] for key in unknown}
            )
        return comments


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Why the accepted report is corrected."))


class StaleSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    lock_version = serializers.IntegerField(help_text=_("The report's current lock_version."))


# --- Roll-up --------------------------------------------------------------------------------


class RolledFigureSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=30, decimal_places=4, allow_null=True)
    numerator = serializers.DecimalField(max_digits=30, decimal_places=4, allow_null=True)
    denominator = serializers.DecimalField(max_digits=30, decimal_places=4, allow_null=True)
    reporters = serializers.IntegerField(help_text=_("Units whose data the figure holds."))
    expected = serializers.IntegerField(help_text=_("Units the figure should hold."))
    display = serializers.CharField(help_text=_("The value formatted as shown (1.234,5)."))


class ChildReportSerializer(serializers.Serializer):
    report = serializers.IntegerField(help_text=_("Id of the child report."))
    unit = serializers.IntegerField(help_text=_("Id of its unit."))
    unit_name = serializers.CharField()
    unit_kind = serializers.ChoiceField(choices=UnitKind.choices)
    state = serializers.ChoiceField(choices=ReportState.choices)
    included = serializers.BooleanField(help_text=_("Accepted: its figures count in the parent's."))
    accepted = serializers.IntegerField(help_text=_("Units under it whose reports reached it."))
    expected = serializers.IntegerField(help_text=_("Units under it that must report."))


class ChildFigureSerializer(RolledFigureSerializer):
    report = serializers.IntegerField(help_text=_("Id of the child report."))
    included = serializers.BooleanField()


class RollupIndicatorSerializer(RolledFigureSerializer):
    indicator = IndicatorRefSerializer()
    rollup = serializers.ChoiceField(choices=RollupRule.choices)
    missing = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=_("Ids of the reports under it (itself included) missing from the figure."),
    )
    children = ChildFigureSerializer(many=True, help_text=_("The children's figures."))


class ReportRollupSerializer(serializers.Serializer):
    report = ReportSerializer()
    accepted = serializers.IntegerField(help_text=_("Units under it whose reports reached it."))
    expected = serializers.IntegerField(help_text=_("Units under it that must report."))
    children = ChildReportSerializer(many=True)
    indicators = RollupIndicatorSerializer(many=True)


# --- Dashboard ------------------------------------------------------------------------------


class DashboardQuerySerializer(serializers.Serializer):
    unit = UnitField(
        required=False,
        help_text=_("Id of a unit in the caller's scope; the caller's working unit by default."),
    )
    period = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text=_(
            "Id of a period the caller may see; by default the latest one the unit reports in."
        ),
    )


class DashboardTargetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TargetKind.choices)
    year = serializers.IntegerField()
    comparator = serializers.ChoiceField(choices=Comparator.choices)
    value = serializers.DecimalField(max_digits=20, decimal_places=4)
    value_high = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    description = serializers.CharField()
    unit = serializers.IntegerField(help_text=_("Id of the unit that set it."))


class DashboardIndicatorSerializer(RolledFigureSerializer):
    indicator = IndicatorRefSerializer()
    direction = serializers.ChoiceField(choices=Direction.choices)
    target = DashboardTargetSerializer(allow_null=True)
    status = serializers.ChoiceField(
        choices=Status.choices,
        allow_null=True,
        help_text=_("Against the target on the period's as-of date (null: no target)."),
    )
    status_display = serializers.CharField(allow_blank=True)
    colour = serializers.CharField(
        allow_blank=True, help_text=_("Bootstrap colour of the status (traffic light).")
    )


class DashboardSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    period = PeriodRefSerializer()
    report = serializers.IntegerField(help_text=_("Id of the unit's report in the period."))
    accepted = serializers.IntegerField(help_text=_("Units under it whose reports reached it."))
    expected = serializers.IntegerField(help_text=_("Units under it that must report."))
    status_counts = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("How many indicators are in each status.")
    )
    indicators = DashboardIndicatorSerializer(many=True)


STATUS_COLOURS = {status.value: colour for status, colour in COLOURS.items()}
