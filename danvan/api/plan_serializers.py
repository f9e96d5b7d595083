"""Shapes of the API's plans requests and responses: the legal documents register, plans and
their transitions and cascade, tasks with their roll-up, progress updates, a unit's inbox,
activities and their types, coverage requirements and their coverage.

Files (evidence, attachments) are not part of the API: they are uploaded through the web
pages. Responses name them (``files``) with the page that downloads them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from danvan.api.filters import DATE_INPUT_FORMATS
from danvan.api.initiative_serializers import BoundedPrimaryKeyRelatedField
from danvan.api.serializers import UnitRefSerializer, UserRefSerializer
from danvan.orgs.models import Membership, Unit, UnitKind, User
from danvan.orgs.scope import scope_for
from danvan.plans import recurrence
from danvan.plans.models import (
    Activity,
    ActivityType,
    Attachment,
    CoverageRequirement,
    DocumentType,
    LegalDocument,
    Plan,
    PlanBasis,
    PlanKind,
    PlanSection,
    ProgressUpdate,
    Recurrence,
    Task,
    TaskStatus,
)
from danvan.plans.selectors import Rollup, role_of, visible_plans, visible_tasks

DATE_FORMATS = [*DATE_INPUT_FORMATS, "iso-8601"]

# The moves fired through ``plans/{id}/transitions/``.
PLAN_ACTIONS = ("issue", "close")
PLAN_ACTION_LABELS = {"issue": _("issue"), "close": _("close")}
# The statuses a progress update may report (a task is cancelled by the issuing unit).
# A unit's part in a task of its inbox (``selectors.role_of``).
INBOX_ROLES = [
    ("lead", _("Lead")),
    ("coordinating", _("Coordinating")),
    ("each", _("Each unit of its kind leads it")),
]
PROGRESS_STATUSES = [
    (value, label) for value, label in TaskStatus.choices if value != TaskStatus.CANCELLED
]


def _user(field: serializers.Field):
    return field.context["request"].user


def _date(**kwargs) -> serializers.DateField:
    return serializers.DateField(input_formats=DATE_FORMATS, **kwargs)


def _today(serializer: serializers.Field) -> dt.date:
    if "today" not in serializer.context:
        serializer.context["today"] = timezone.localdate()
    return serializer.context["today"]


class UnitField(BoundedPrimaryKeyRelatedField):
    """Any unit by its id (unit names are public); what the caller may do there is checked
    by the service."""

    def get_queryset(self):
        return Unit.objects.all()


class VisiblePlanField(BoundedPrimaryKeyRelatedField):
    """A plan the caller may see; any other id reads as unknown."""

    def get_queryset(self):
        return visible_plans(_user(self)).select_related("unit")


class VisibleTaskField(BoundedPrimaryKeyRelatedField):
    def get_queryset(self):
        return visible_tasks(_user(self)).select_related("plan__unit")


class ScopedUserField(BoundedPrimaryKeyRelatedField):
    """An active user holding a membership in the caller's scope."""

    def get_queryset(self):
        scope = scope_for(_user(self))
        members = Membership.objects.active().filter(scope.q("unit__path")).values("user_id")
        return User.objects.filter(is_active=True, pk__in=members)


@extend_schema_field(OpenApiTypes.STR)
class ActivityTypeCodeField(serializers.SlugRelatedField):
    """An activity type in use, by its code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Code of an activity type in use (see activity-types)."))
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        return ActivityType.objects.filter(is_active=True)


class FileSerializer(serializers.ModelSerializer):
    """A file kept on the record; downloaded through the web page (signed in)."""

    name = serializers.CharField(source="original_name", read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "web_url"]
        read_only_fields = fields


# --- Legal documents ------------------------------------------------------------------------


class LegalDocumentSerializer(serializers.ModelSerializer):
    doc_type_display = serializers.CharField(source="get_doc_type_display", read_only=True)
    issuer_unit = UnitRefSerializer(
        read_only=True, allow_null=True, help_text=_("The issuing unit when it is in danvan.")
    )
    registered_by_unit = UnitRefSerializer(read_only=True, allow_null=True)
    plan = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("Id of the plan when the document is a plan issued in danvan.")
    )
    citation = serializers.CharField(
        read_only=True,
        help_text=_("The document as a “Căn cứ” line cites it (Vietnamese, by law)."),
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api-legal-document-detail", lookup_url_kwarg="id"
    )
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = LegalDocument
        fields = [
            "id",
            "number",
            "doc_type",
            "doc_type_display",
            "issuer",
            "issuer_unit",
            "issued_on",
            "title",
            "citation",
            "plan",
            "registered_by_unit",
            "url",
            "web_url",
        ]
        read_only_fields = fields


class LegalDocumentDetailSerializer(LegalDocumentSerializer):
    files = FileSerializer(many=True, read_only=True)

    class Meta(LegalDocumentSerializer.Meta):
        fields = [*LegalDocumentSerializer.Meta.fields, "files", "created_at", "updated_at"]
        read_only_fields = fields


class LegalDocumentInputSerializer(serializers.Serializer):
    number = serializers.CharField(
        max_length=60, help_text=_("As printed, e.g. 33/CT-TTg, 01-KL/TW, 1243/KH-UBND.")
    )
    doc_type = serializers.ChoiceField(choices=DocumentType.choices)
    issuer = serializers.CharField(
        max_length=255, help_text=_("The issuing body, e.g. Thủ tướng Chính phủ.")
    )
    issuer_unit = UnitField(
        required=False, allow_null=True, help_text=_("Id of the issuing unit, when in danvan.")
    )
    issued_on = _date(required=False, allow_null=True)
    title = serializers.CharField(help_text=_("The title (summary)."))
    unit = UnitField(
        required=False,
        allow_null=True,
        help_text=_(
            "Id of the unit registering it (the caller must write for it); the caller's "
            "working unit when left out."
        ),
    )


# --- Plans ----------------------------------------------------------------------------------


class PlanRefSerializer(serializers.ModelSerializer):
    """A plan named from elsewhere (``unit`` loaded)."""

    unit = UnitRefSerializer(read_only=True)
    reference = serializers.CharField(
        read_only=True, help_text=_("Number and symbol, e.g. 5584/KH-UBND or 451-CV/HU.")
    )

    class Meta:
        model = Plan
        fields = ["id", "reference", "title", "status", "issued_on", "unit"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(
        read_only=True,
        help_text=_(
            "Number and symbol as printed: 5584/KH-UBND (state), 451-CV/HU (party); "
            "“…/KH-UBND” before the number is given."
        ),
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    unit = UnitRefSerializer(read_only=True, help_text=_("The issuing unit."))
    parent = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("Id of the plan this one implements, if any.")
    )
    tasks = serializers.IntegerField(
        source="n_tasks", read_only=True, help_text=_("Tasks of the plan.")
    )
    open_tasks = serializers.IntegerField(
        source="n_open", read_only=True, help_text=_("Tasks not started or in progress.")
    )
    overdue_tasks = serializers.IntegerField(
        source="n_overdue", read_only=True, help_text=_("Open tasks past their deadline.")
    )
    url = serializers.HyperlinkedIdentityField(view_name="api-plan-detail", lookup_url_kwarg="id")

    class Meta:
        model = Plan
        fields = [
            "id",
            "reference",
            "number",
            "symbol",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "unit",
            "issued_on",
            "title",
            "subject",
            "parent",
            "tasks",
            "open_tasks",
            "overdue_tasks",
            "url",
        ]
        read_only_fields = fields


class SectionSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    body = serializers.CharField(
        read_only=True,
        help_text=_("Paragraphs separated by a blank line; a line starting with “- ” is a bullet."),
    )

    class Meta:
        model = PlanSection
        fields = ["id", "position", "kind", "kind_display", "heading", "body"]
        read_only_fields = fields


class BasisSerializer(serializers.ModelSerializer):
    document = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("Id of the legal document cited.")
    )
    number = serializers.CharField(source="document.number", read_only=True)
    line = serializers.CharField(
        read_only=True, help_text=_("The “Căn cứ …” line as the plan words it.")
    )

    class Meta:
        model = PlanBasis
        fields = ["id", "position", "document", "number", "line"]
        read_only_fields = fields


class TaskCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField(help_text=_("Not started or in progress."))
    overdue = serializers.IntegerField(help_text=_("Open and past their deadline."))
    done = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class ChainLinkSerializer(PlanRefSerializer):
    visible = serializers.SerializerMethodField(
        help_text=_(
            "Whether the caller may open this plan; the others are named as the register "
            "names them."
        )
    )

    class Meta(PlanRefSerializer.Meta):
        fields = [*PlanRefSerializer.Meta.fields, "visible"]
        read_only_fields = fields

    def get_visible(self, plan: Plan) -> bool:
        return self.context["request"].user.has_perm("plans.view_plan", plan)


class PlanDetailSerializer(PlanSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    legal_basis = BasisSerializer(source="bases", many=True, read_only=True)
    recipient_units = UnitRefSerializer(many=True, read_only=True)
    files = FileSerializer(source="attachments", many=True, read_only=True)
    task_counts = serializers.SerializerMethodField()
    chain = serializers.SerializerMethodField(
        help_text=_("The plans this one implements, from the top (directive…) down to its parent.")
    )
    children = serializers.SerializerMethodField(
        help_text=_("The plans implementing this one that the caller may see.")
    )
    actions = serializers.SerializerMethodField(
        help_text=_("The transitions the caller may fire now (see the transitions endpoint).")
    )
    editable = serializers.SerializerMethodField(
        help_text=_("Whether the caller may change the plan now (a draft, for its unit's writers).")
    )
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [
            *PlanSerializer.Meta.fields,
            "place",
            "signer_name",
            "signer_title",
            "recipients_text",
            "closed_on",
            "sections",
            "legal_basis",
            "recipient_units",
            "files",
            "task_counts",
            "chain",
            "children",
            "actions",
            "editable",
            "created_at",
            "updated_at",
            "web_url",
        ]
        read_only_fields = fields

    @extend_schema_field(TaskCountsSerializer)
    def get_task_counts(self, plan: Plan) -> dict:
        return self.context["task_counts"]

    @extend_schema_field(ChainLinkSerializer(many=True))
    def get_chain(self, plan: Plan) -> list[dict]:
        return ChainLinkSerializer(self.context["chain"], many=True, context=self.context).data

    @extend_schema_field(PlanRefSerializer(many=True))
    def get_children(self, plan: Plan) -> list[dict]:
        return PlanRefSerializer(self.context["children"], many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(PLAN_ACTIONS)))
    def get_actions(self, plan: Plan) -> list[str]:
        return allowed_actions(self.context["request"].user, plan)

    def get_editable(self, plan: Plan) -> bool:
        return self.context["request"].user.has_perm("plans.change_plan", plan)


def allowed_actions(user, plan: Plan) -> list[str]:
    actions = []
    if user.has_perm("plans.issue_plan", plan):
        actions.append("issue")
    if plan.status == "issued" and user.has_perm("plans.close_plan", plan):
        actions.append("close")
    return actions


class PlanFieldsSerializer(serializers.Serializer):
    """The fields of a draft plan (``services.PLAN_FIELDS``, its parent and recipients)."""

    parent = VisiblePlanField(
        required=False,
        allow_null=True,
        help_text=_("Id of the issued plan this one implements (one the caller may see)."),
    )
    kind = serializers.ChoiceField(choices=PlanKind.choices, default=PlanKind.PLAN)
    number = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text=_("The registry number, e.g. 5584; may wait until the plan is issued."),
    )
    symbol = serializers.CharField(
        max_length=40, help_text=_("E.g. KH-UBND for a state plan, KH/HU for a party one.")
    )
    issued_on = _date(required=False, allow_null=True, help_text=_("The issue date."))
    place = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("The place in the date line; the unit's province or commune when left out."),
    )
    title = serializers.CharField(max_length=1000)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
    signer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    signer_title = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=_("One line each, e.g. “KT. CHỦ TỊCH” then “PHÓ CHỦ TỊCH”."),
    )
    recipients_text = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Other recipients, one per line, as in “Nơi nhận”."),
    )
    recipient_units = UnitField(
        many=True, required=False, help_text=_("Ids of the recipient units.")
    )


class PlanInputSerializer(PlanFieldsSerializer):
    """A new draft plan: the arguments of ``services.create_plan``."""

    unit = UnitField(help_text=_("Id of the issuing unit; the caller must write for it."))

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        return {
            "unit": data.pop("unit"),
            "parent": data.pop("parent", None),
            "recipient_units": data.pop("recipient_units", []),
            "data": data,
        }


class PlanUpdateSerializer(PlanFieldsSerializer):
    """Changes to a draft (PATCH): fields left out keep their value; lists replace."""

    def service_arguments(self, plan: Plan) -> dict[str, Any]:
        data = dict(self.validated_data)
        return {
            "parent": data.pop("parent") if "parent" in data else plan.parent,
            "recipient_units": data.pop("recipient_units", None),
            "data": data,
        }


class PlanMoveSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=PLAN_ACTIONS,
        help_text=_(
            "issue: the draft enters the register and its tasks go to their units' inboxes; "
            "close: an issued plan is closed."
        ),
    )


class CascadeSerializer(serializers.Serializer):
    unit = UnitField(
        help_text=_("Id of the unit building its implementing plan; the caller must write for it.")
    )
    symbol = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text=_("Symbol of the new plan; KH-UBND (KH for a party unit) when left out."),
    )
    title = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text=_("Title of the new plan; “Thực hiện kế hoạch số …” when left out."),
    )


# --- Tasks ----------------------------------------------------------------------------------


class RollupSerializer(serializers.Serializer):
    children = serializers.IntegerField(
        help_text=_("Tasks implementing this one in the plans below (cancelled ones left out).")
    )
    done = serializers.IntegerField(help_text=_("Of those, the ones done."))
    mean = serializers.IntegerField(
        allow_null=True, help_text=_("Their mean progress (%); null without any.")
    )
    progress = serializers.IntegerField(
        help_text=_("What to show for the task: the children's mean when it has any, else its own.")
    )


def _rollup_data(rollup: Rollup) -> dict:
    return {
        "children": rollup.children,
        "done": rollup.done,
        "mean": rollup.mean,
        "progress": rollup.progress,
    }


class TaskSerializer(serializers.ModelSerializer):
    """A task as lists show it (``lead_unit``, ``assignee`` loaded, coordinators prefetched)."""

    plan = serializers.PrimaryKeyRelatedField(read_only=True)
    lead_unit = UnitRefSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("The lead unit; null when each unit of `lead_kinds` leads it for itself."),
    )
    lead_kinds = serializers.ListField(
        source="lead_kind_list",
        child=serializers.ChoiceField(choices=UnitKind.choices),
        read_only=True,
        help_text=_("Every unit of these kinds under the issuing unit leads the task for itself."),
    )
    coordinating_units = UnitRefSerializer(many=True, read_only=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True)
    recurrence_display = serializers.CharField(source="get_recurrence_display", read_only=True)
    deadline = serializers.SerializerMethodField(
        help_text=_("The deadline in words, e.g. “Every year by 01/11”.")
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.SerializerMethodField(
        help_text=_("Open and its next deadline (`current_due`) is past.")
    )
    parent_task = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("Id of the task this one implements (cascade), if any.")
    )
    rollup = serializers.SerializerMethodField(
        help_text=_("How the tasks implementing this one in the plans below are doing.")
    )
    url = serializers.HyperlinkedIdentityField(view_name="api-task-detail", lookup_url_kwarg="id")

    class Meta:
        model = Task
        fields = [
            "id",
            "plan",
            "position",
            "title",
            "description",
            "lead_unit",
            "lead_kinds",
            "lead_label",
            "coordinating_units",
            "coordinating_label",
            "assignee",
            "recurrence",
            "recurrence_display",
            "due_on",
            "recur_day",
            "recur_month",
            "recur_until",
            "deadline",
            "current_due",
            "status",
            "status_display",
            "is_overdue",
            "progress",
            "completed_on",
            "parent_task",
            "rollup",
            "url",
        ]
        read_only_fields = fields

    def get_deadline(self, task: Task) -> str:
        return recurrence.describe(recurrence.Rule.of(task))

    def get_is_overdue(self, task: Task) -> bool:
        return task.is_overdue(_today(self))

    @extend_schema_field(RollupSerializer)
    def get_rollup(self, task: Task) -> dict:
        rollup = self.context["rollups"][task.pk]
        return _rollup_data(rollup)


class ChildTaskSerializer(serializers.ModelSerializer):
    plan = PlanRefSerializer(read_only=True)
    lead_unit = UnitRefSerializer(read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "plan",
            "title",
            "lead_unit",
            "status",
            "status_display",
            "progress",
            "current_due",
        ]
        read_only_fields = fields


class TaskDetailSerializer(TaskSerializer):
    plan = PlanRefSerializer(read_only=True)
    children = serializers.SerializerMethodField(
        help_text=_(
            "The tasks implementing this one that the caller may see (the roll-up counts them all)."
        )
    )
    can_report = serializers.SerializerMethodField(
        help_text=_("Whether the caller may record progress (see the progress endpoint).")
    )
    progress_url = serializers.HyperlinkedIdentityField(
        view_name="api-task-progress", lookup_url_kwarg="id"
    )
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [
            *TaskSerializer.Meta.fields,
            "period_done_through",
            "children",
            "can_report",
            "created_at",
            "updated_at",
            "progress_url",
            "web_url",
        ]
        read_only_fields = fields

    @extend_schema_field(ChildTaskSerializer(many=True))
    def get_children(self, task: Task) -> list[dict]:
        return ChildTaskSerializer(self.context["children"], many=True).data

    def get_can_report(self, task: Task) -> bool:
        return self.context["request"].user.has_perm("plans.report_task", task)


class InboxTaskSerializer(TaskSerializer):
    plan = PlanRefSerializer(read_only=True)
    role = serializers.SerializerMethodField(
        help_text=_(
            "The unit's part: lead, coordinating, or each (every unit of its kind leads it "
            "for itself)."
        )
    )

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "role"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=INBOX_ROLES))
    def get_role(self, task: Task) -> str:
        return role_of(task, self.context["unit"])


class TaskInputSerializer(serializers.Serializer):
    """A new task of a draft plan: the fields of ``services.save_task``."""

    title = serializers.CharField(max_length=500)
    description = serializers.CharField(required=False, allow_blank=True)
    lead_unit = UnitField(
        required=False,
        allow_null=True,
        help_text=_("Id of the lead unit (or give `lead_kinds`)."),
    )
    lead_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=UnitKind.choices),
        required=False,
        help_text=_(
            "Instead of one lead unit: every unit of these kinds under the issuing unit leads "
            "the task for itself (e.g. every commune)."
        ),
    )
    lead_label = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text=_("The lead as the plan writes it, e.g. “UBND các phường, xã”."),
    )
    coordinating_units = UnitField(
        many=True,
        required=False,
        help_text=_("Ids of the coordinating units (never the lead unit)."),
    )
    coordinating_label = serializers.CharField(max_length=500, required=False, allow_blank=True)
    assignee = ScopedUserField(
        required=False,
        allow_null=True,
        help_text=_("Id of the user answering for it (a member of a unit in the caller's scope)."),
    )
    recurrence = serializers.ChoiceField(choices=Recurrence.choices, default=Recurrence.ONCE)
    due_on = _date(
        required=False,
        allow_null=True,
        help_text=_("once: the deadline; not before the plan's issue date."),
    )
    recur_day = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=31,
        help_text=_(
            "yearly, quarterly, monthly: the day. A yearly date must exist (30/02 never "
            "falls); for months a day past the month's end means its last day."
        ),
    )
    recur_month = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=12,
        help_text=_("yearly: the month (1 to 12); quarterly: the month in the quarter (1 to 3)."),
    )
    recur_until = _date(
        required=False, allow_null=True, help_text=_("A repeating deadline stops after this day.")
    )

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        coordinators = data.pop("coordinating_units", [])
        if "lead_kinds" in data:
            data["lead_kinds"] = " ".join(data["lead_kinds"])
        return {"data": data, "coordinating_units": coordinators}


# --- Progress -------------------------------------------------------------------------------


class ProgressUpdateSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    created_by = UserRefSerializer(read_only=True, allow_null=True)
    period_due = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=_("A recurring task: the deadline of the period this update completed."),
    )
    files = FileSerializer(source="evidence", many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "reported_on",
            "progress",
            "status",
            "status_display",
            "text",
            "period_due",
            "created_by",
            "created_at",
            "files",
        ]
        read_only_fields = fields


class ProgressInputSerializer(serializers.Serializer):
    progress = serializers.IntegerField(
        min_value=0, max_value=100, help_text=_("Progress in percent; done sets 100.")
    )
    status = serializers.ChoiceField(
        choices=PROGRESS_STATUSES,
        required=False,
        help_text=_("The task's status after this update; unchanged when left out."),
    )
    text = serializers.CharField(help_text=_("What was done."))
    reported_on = _date(
        required=False,
        help_text=_("Day of the update; today when left out. Not in the future."),
    )
    completes_period = serializers.BooleanField(
        default=False,
        help_text=_(
            "A recurring task: the current period is done; the deadline moves to the next one."
        ),
    )


# --- Activities -----------------------------------------------------------------------------


class ActivityTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityType
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "description",
            "has_partners",
            "has_period",
            "position",
            "is_active",
        ]
        read_only_fields = fields


class ActivityTypeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityType
        fields = ["id", "code", "name", "name_en"]
        read_only_fields = fields


class ActivitySerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    activity_type = ActivityTypeRefSerializer(read_only=True)
    partner_units = UnitRefSerializer(many=True, read_only=True)
    plan = serializers.PrimaryKeyRelatedField(read_only=True)
    task = serializers.PrimaryKeyRelatedField(read_only=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="api-activity-detail", lookup_url_kwarg="id"
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "unit",
            "activity_type",
            "title",
            "held_on",
            "ends_on",
            "place",
            "participant_count",
            "partner_units",
            "plan",
            "task",
            "url",
        ]
        read_only_fields = fields


class ActivityDetailSerializer(ActivitySerializer):
    plan = PlanRefSerializer(read_only=True, allow_null=True)
    files = FileSerializer(source="evidence", many=True, read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta(ActivitySerializer.Meta):
        fields = [
            *ActivitySerializer.Meta.fields,
            "participants",
            "description",
            "commitments",
            "files",
            "created_at",
            "updated_at",
            "web_url",
        ]
        read_only_fields = fields


class ActivityInputSerializer(serializers.Serializer):
    unit = UnitField(help_text=_("Id of the unit that held it; the caller must write for it."))
    activity_type = ActivityTypeCodeField()
    title = serializers.CharField(max_length=500)
    held_on = _date(help_text=_("Day it was held (not in the future)."))
    ends_on = _date(
        required=False, allow_null=True, help_text=_("Last day, for one running over a period.")
    )
    place = serializers.CharField(max_length=300, required=False, allow_blank=True)
    participants = serializers.CharField(required=False, allow_blank=True)
    participant_count = serializers.IntegerField(
        min_value=0, max_value=10_000_000, required=False, default=0
    )
    description = serializers.CharField(required=False, allow_blank=True)
    commitments = serializers.CharField(
        required=False, allow_blank=True, help_text=_("For a coordination programme signed.")
    )
    partner_units = UnitField(
        many=True,
        required=False,
        help_text=_("Ids of the other units (coordination programmes, twinning)."),
    )
    plan = VisiblePlanField(required=False, allow_null=True)
    task = VisibleTaskField(
        required=False, allow_null=True, help_text=_("Id of the task it carries out.")
    )

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        return {
            "unit": data.pop("unit"),
            "partner_units": data.pop("partner_units", []),
            "data": data,
        }


# --- Coverage -------------------------------------------------------------------------------


class RequirementSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True, help_text=_("Required of the units under this one."))
    unit_kind_display = serializers.CharField(source="get_unit_kind_display", read_only=True)
    activity_type = ActivityTypeRefSerializer(read_only=True)
    plan = serializers.PrimaryKeyRelatedField(read_only=True)
    coverage_url = serializers.HyperlinkedIdentityField(
        view_name="api-requirement-coverage", lookup_url_kwarg="id"
    )
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = CoverageRequirement
        fields = [
            "id",
            "title",
            "unit",
            "unit_kind",
            "unit_kind_display",
            "activity_type",
            "starts_on",
            "ends_on",
            "citation",
            "plan",
            "coverage_url",
            "web_url",
        ]
        read_only_fields = fields


class RequirementInputSerializer(serializers.Serializer):
    unit = UnitField(
        help_text=_("Id of the unit whose subtree it covers; the caller must write for it.")
    )
    plan = VisiblePlanField(
        required=False,
        allow_null=True,
        help_text=_("Id of the plan setting it (of the unit, or above or below it)."),
    )
    title = serializers.CharField(max_length=300)
    unit_kind = serializers.ChoiceField(
        choices=UnitKind.choices, help_text=_("Every unit of this kind must record the activity.")
    )
    activity_type = ActivityTypeCodeField()
    starts_on = _date()
    ends_on = _date()
    citation = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text=_("What sets it, e.g. “Kế hoạch 451-CV/HU, mục II.3”."),
    )

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        return {"unit": data.pop("unit"), "plan": data.pop("plan", None), "data": data}


class CoverageQuerySerializer(serializers.Serializer):
    within = UnitField(
        required=False,
        help_text=_(
            "Id of a unit inside the requirement's area to look into (drill-down); it must "
            "lie in the caller's scope. The part the caller may see when left out."
        ),
    )


class TallySerializer(serializers.Serializer):
    units = serializers.IntegerField(help_text=_("Units of the required kind."))
    met = serializers.IntegerField(help_text=_("Of those, the ones that recorded the activity."))
    missing = serializers.IntegerField()
    pct = serializers.FloatField(
        allow_null=True, help_text=_("Share met in percent, one decimal; null without units.")
    )

    @staticmethod
    def shape(tally) -> dict:
        return {
            "units": tally.units,
            "met": tally.met,
            "missing": tally.missing,
            "pct": tally.pct,
        }


class CoverageChildSerializer(TallySerializer):
    unit = UnitRefSerializer()
    drillable = serializers.BooleanField(
        help_text=_("Required units lie below this child: ask again with `within` set to it.")
    )


class MissingUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    parent_name = serializers.CharField(allow_null=True, help_text=_("The unit directly above."))


class CoverageSerializer(serializers.Serializer):
    requirement = RequirementSerializer()
    area = UnitRefSerializer(help_text=_("The unit whose subtree is counted."))
    total = TallySerializer()
    children = CoverageChildSerializer(
        many=True,
        help_text=_("Per direct child of the area holding required units: its tally."),
    )
    missing = MissingUnitSerializer(
        many=True, help_text=_("The units still missing the activity, in tree order.")
    )

    @staticmethod
    def shape(requirement: CoverageRequirement, result) -> dict[str, Any]:
        return {
            "requirement": requirement,
            "area": result.root,
            "total": TallySerializer.shape(result.total),
            "children": [
                {**TallySerializer.shape(g.tally), "unit": g.unit, "drillable": g.drillable}
                for g in result.groups
            ],
            "missing": [
                {
                    "id": row.unit.pk,
                    "code": row.unit.code,
                    "name": row.unit.name,
                    "parent_name": row.parent.name if row.parent is not None else None,
                }
                for row in result.missing
            ],
        }


class InboxQuerySerializer(serializers.Serializer):
    unit = UnitField(help_text=_("Id of the unit whose inbox to read; it must be in your scope."))
    status = serializers.ChoiceField(
        choices=TaskStatus.choices,
        required=False,
        help_text=_("Only tasks in this status."),
    )
    overdue = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true: only open tasks past their deadline; false: the others."),
    )
