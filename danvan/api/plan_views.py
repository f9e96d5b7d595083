"""API views of plans: the legal documents register, plans (issue, close, implement), tasks
with their roll-up, progress, a unit's inbox, activities and coverage requirements.

Thin, through the plans app's services, selectors and rules, as the pages are. Every list
starts from what the caller may see (``selectors.visible_*``); anything outside answers 404
exactly like a missing id; 403 only for something the caller may see but not do. A service's
ValidationError answers 400 with the messages by field; a move the plan's status does not
allow answers 409 (``invalid_transition``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from danvan.api import plan_serializers as s
from danvan.api.filters import DATE_INPUT_FORMATS, MAX_QUERY_LENGTH, UnitIdFilter
from danvan.api.initiative_serializers import CodedErrorSerializer
from danvan.api.initiative_views import (
    BAD_FILTER,
    FORBIDDEN,
    INVALID,
    NOT_AUTHENTICATED,
    IdFilter,
    conflict_response,
    get_or_404,
    id_parameter,
    service_error,
)
from danvan.api.serializers import ErrorSerializer
from danvan.api.views import AUTHENTICATION_CLASSES, ApiView, Pagination
from danvan.core.text import search_terms
from danvan.orgs.models import Unit, UnitKind
from danvan.orgs.scope import ALL_ROLES, WRITE_ROLES, scope_for
from danvan.orgs.selectors import membership_units
from danvan.plans import selectors, services
from danvan.plans.models import (
    OPEN_TASK_STATUSES,
    Activity,
    ActivityType,
    Attachment,
    CoverageRequirement,
    DocumentType,
    LegalDocument,
    Plan,
    PlanBasis,
    PlanKind,
    PlanStatus,
    ProgressUpdate,
    Task,
    TaskStatus,
    number_key,
)

# --- Schema pieces --------------------------------------------------------------------------

DOCUMENT_ID = id_parameter(gettext_lazy("Legal document id"))
PLAN_ID = id_parameter(gettext_lazy("Plan id"))
TASK_ID = id_parameter(gettext_lazy("Task id"))
ACTIVITY_ID = id_parameter(gettext_lazy("Activity id"))
REQUIREMENT_ID = id_parameter(gettext_lazy("Coverage requirement id"))


NOT_FOUND = {
    "document": OpenApiResponse(
        ErrorSerializer, description=gettext_lazy("No such legal document.")
    ),
    "plan": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy("No such plan, or the caller may not see it."),
    ),
    "task": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy("No such task, or the caller may not see its plan."),
    ),
    "activity": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy("No such activity, or it is outside the caller's scope."),
    ),
    "requirement": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy(
            "No such requirement, it does not concern the caller, or `within` lies outside "
            "the caller's scope."
        ),
    ),
}


def _today():
    return timezone.localdate()


def _subtree(field: str):
    """A filter method keeping rows whose unit (reached by ``field``) lies under a unit."""

    def method(self, queryset, name, unit: Unit):
        return queryset.filter(**{f"{field}__path__startswith": unit.path})

    return method


def _search(self, queryset, name, value: str):
    return queryset.search(value)


def _date(field: str, lookup: str, help_text) -> filters.DateFilter:
    return filters.DateFilter(
        field_name=field, lookup_expr=lookup, input_formats=DATE_INPUT_FORMATS, help_text=help_text
    )


def _q(help_text) -> filters.CharFilter:
    return filters.CharFilter(
        method="filter_search", max_length=MAX_QUERY_LENGTH, help_text=help_text
    )


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(IdFilter):
    """The year of the issue date (a whole number from 1900 to 2200)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("field_name", "issued_on")
        super().__init__(lookup_expr="year", min_value=1900, max_value=2200, **kwargs)


# --- Legal documents ------------------------------------------------------------------------


class LegalDocumentFilter(filters.FilterSet):
    q = _q(
        gettext_lazy(
            "A number and symbol (“33/CT-TTg”, spacing and case ignored) or words of the "
            "type, issuer and title; accents and case are ignored."
        )
    )
    type = filters.ChoiceFilter(field_name="doc_type", choices=DocumentType.choices)
    year = YearFilter(help_text=gettext_lazy("Issued in this year."))

    class Meta:
        model = LegalDocument
        fields = ["q", "type", "year"]

    def filter_search(self, queryset, name, value: str):
        if not search_terms(value):
            return queryset
        words = LegalDocument.objects.search(value).values("pk")
        return queryset.filter(Q(number_key__contains=number_key(value)) | Q(pk__in=words))


def document_queryset() -> QuerySet:
    return LegalDocument.objects.select_related("issuer_unit", "registered_by_unit").order_by(
        "-issued_on", "number_key", "pk"
    )


def _registering_unit(request, unit: Unit | None) -> Unit | None:
    """The unit registering a document: the one given (the caller must write for it), else
    the caller's working unit when they write for it."""
    scope = scope_for(request.user)
    if unit is not None:
        if not scope.covers(unit, WRITE_ROLES):
            raise PermissionDenied(_("You may not register documents for this unit."))
        return unit
    # The unit chosen in the web interface's header (a lazy object around None is falsy),
    # else the highest unit the caller writes for.
    units = membership_units(request.user)
    working = getattr(request, "working_unit", None)
    chosen = [u for u in units if working and u.pk == working.pk]
    return next((u for u in [*chosen, *units] if scope.covers(u, WRITE_ROLES)), None)


@extend_schema(tags=["legal documents"])
class LegalDocumentListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    parser_classes = [JSONParser]
    serializer_class = s.LegalDocumentSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = LegalDocumentFilter
    pagination_class = Pagination

    def get_queryset(self):
        return document_queryset()

    @extend_schema(
        operation_id="legal_documents_list",
        summary=gettext_lazy("The legal documents register"),
        description=gettext_lazy(
            "Directives, resolutions, conclusions, plans… that plans cite as their legal "
            "basis, newest first. The register is shared: every signed-in user reads all of "
            "it. Plans issued in danvan enter it when issued."
        ),
        responses={
            200: s.LegalDocumentSerializer(many=True),
            400: BAD_FILTER,
            401: NOT_AUTHENTICATED,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="legal_documents_create",
        summary=gettext_lazy("Register a legal document"),
        description=gettext_lazy(
            "For callers who write for a unit (403 otherwise). A number and date already in "
            "the register answer 400 under `number`. Files are attached through the web "
            "page, not the API."
        ),
        request={"application/json": s.LegalDocumentInputSerializer},
        responses={
            201: s.LegalDocumentDetailSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = s.LegalDocumentInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = _registering_unit(request, data.pop("unit", None))
        try:
            document = services.save_document(actor=request.user, data=data, unit=unit)
        except DjangoValidationError as exc:
            return service_error(exc)
        document = document_queryset().prefetch_related("files").get(pk=document.pk)
        data = s.LegalDocumentDetailSerializer(document, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["legal documents"])
class LegalDocumentDetailView(ApiView):
    @extend_schema(
        operation_id="legal_documents_retrieve",
        summary=gettext_lazy("One legal document"),
        parameters=[DOCUMENT_ID],
        responses={
            200: s.LegalDocumentDetailSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["document"],
        },
    )
    def get(self, request, id):
        document = get_or_404(
            request.user,
            document_queryset().prefetch_related("files"),
            id,
            perm="plans.view_legaldocument",
        )
        return Response(
            s.LegalDocumentDetailSerializer(document, context={"request": request}).data
        )


# --- Plans ----------------------------------------------------------------------------------


class PlanFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=PlanStatus.choices)
    kind = filters.ChoiceFilter(choices=PlanKind.choices)
    unit = UnitIdFilter(
        method="filter_unit",
        help_text=gettext_lazy("Only plans issued by this unit or a unit under it."),
    )
    parent = IdFilter(
        field_name="parent", help_text=gettext_lazy("Only the plans implementing this plan.")
    )
    year = YearFilter(help_text=gettext_lazy("Issued in this year."))
    q = _q(
        gettext_lazy(
            "Words of the number and symbol, title, subject or signer; accents and case are "
            "ignored."
        )
    )

    class Meta:
        model = Plan
        fields = ["status", "kind", "unit", "parent", "year", "q"]

    filter_unit = _subtree("unit")
    filter_search = _search


def plan_queryset(user) -> QuerySet:
    today = _today()
    return (
        selectors.visible_plans(user)
        .select_related("unit")
        .annotate(
            n_tasks=Count("tasks", distinct=True),
            n_open=Count("tasks", filter=Q(tasks__status__in=OPEN_TASK_STATUSES), distinct=True),
            n_overdue=Count(
                "tasks",
                filter=Q(tasks__status__in=OPEN_TASK_STATUSES, tasks__current_due__lt=today),
                distinct=True,
            ),
        )
        .order_by("-issued_on", "-pk")
    )


def get_plan(user, id, queryset: QuerySet | None = None) -> Plan:
    queryset = (
        selectors.visible_plans(user).select_related("unit") if queryset is None else queryset
    )
    return get_or_404(user, queryset, id, perm="plans.view_plan")


def plan_detail_data(request, plan_id: int) -> dict:
    """The detail shape of a plan the caller may see (read again after a write)."""
    user = request.user
    queryset = plan_queryset(user).prefetch_related(
        "sections",
        Prefetch("bases", queryset=PlanBasis.objects.select_related("document")),
        "recipient_units",
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk")),
    )
    plan = get_plan(user, plan_id, queryset)
    children = (
        selectors.visible_plans(user)
        .filter(parent=plan)
        .select_related("unit")
        .order_by("unit__path", "-issued_on", "pk")
    )
    context = {
        "request": request,
        "task_counts": selectors.task_counts(Task.objects.filter(plan=plan)),
        "chain": selectors.chain(plan),
        "children": list(children),
    }
    return s.PlanDetailSerializer(plan, context=context).data


@extend_schema(tags=["plans"])
class PlanListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    parser_classes = [JSONParser]
    serializer_class = s.PlanSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = PlanFilter
    pagination_class = Pagination

    def get_queryset(self):
        return plan_queryset(self.request.user)

    @extend_schema(
        operation_id="plans_list",
        summary=gettext_lazy("List plans"),
        description=gettext_lazy(
            "Plans the caller may see: those of their units (drafts too); issued plans of "
            "the units above them; issued plans whose tasks name one of their units. Newest "
            "first, with the count of tasks, open tasks and overdue tasks."
        ),
        responses={200: s.PlanSerializer(many=True), 400: BAD_FILTER, 401: NOT_AUTHENTICATED},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="plans_create",
        summary=gettext_lazy("Draft a plan"),
        description=gettext_lazy(
            "A draft plan of a unit the caller writes for (403 otherwise), optionally "
            "implementing an issued plan (`parent`). Add tasks with the tasks endpoint, then "
            "issue it with the `issue` transition (which needs the number, the issue date and "
            "the signer)."
        ),
        request={"application/json": s.PlanInputSerializer},
        responses={
            201: s.PlanDetailSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = s.PlanInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            plan = services.create_plan(actor=request.user, **serializer.service_arguments())
        except DjangoValidationError as exc:
            return service_error(exc)
        return Response(plan_detail_data(request, plan.pk), status=status.HTTP_201_CREATED)


@extend_schema(tags=["plans"])
class PlanDetailView(ApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="plans_retrieve",
        summary=gettext_lazy("One plan"),
        description=gettext_lazy(
            "A plan with its sections, legal basis (“Căn cứ” lines with the documents cited), "
            "recipients, files, task counts, the chain of plans it implements (from the top "
            "down), the plans implementing it that the caller may see, and the transitions "
            "the caller may fire."
        ),
        parameters=[PLAN_ID],
        responses={
            200: s.PlanDetailSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["plan"],
        },
    )
    def get(self, request, id):
        return Response(plan_detail_data(request, id))

    @extend_schema(
        operation_id="plans_partial_update",
        summary=gettext_lazy("Edit a draft plan"),
        description=gettext_lazy(
            "Change fields of a draft (number, issue date, signer… before issuing it, or a "
            "plan built by `implement`). Fields left out keep their value; "
            "`recipient_units` replaces the previous list; `parent` null detaches it. An "
            "issue date after a task's deadline answers 400 under `issued_on`. 400 with "
            "`code` `not_editable` once the plan is issued; 403 for callers who may see the "
            "plan but not write for its unit."
        ),
        parameters=[PLAN_ID],
        request=s.PlanUpdateSerializer,
        responses={
            200: s.PlanDetailSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND["plan"],
        },
    )
    def patch(self, request, id):
        plan = get_plan(request.user, id)
        refusal = refuse_unless_draft(request.user, plan)
        if refusal is not None:
            return refusal
        serializer = s.PlanUpdateSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        try:
            services.update_plan(
                actor=request.user, plan=plan, **serializer.service_arguments(plan)
            )
        except DjangoValidationError as exc:
            return service_error(exc)
        return Response(plan_detail_data(request, plan.pk))


def refuse_unless_draft(user, plan: Plan) -> Response | None:
    """403 for those who do not write for the plan's unit; 400 once the plan is issued."""
    if not user.has_perm("plans.close_plan", plan):  # writes for its unit, whatever the status
        raise PermissionDenied
    if plan.is_draft:
        return None
    return Response(
        {
            "detail": _("The plan changes only while it is a draft; it is “%(status)s”.")
            % {"status": plan.get_status_display()},
            "code": "not_editable",
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


PLAN_MOVES = {
    "issue": (PlanStatus.DRAFT, services.issue_plan),
    "close": (PlanStatus.ISSUED, services.close_plan),
}


@extend_schema(tags=["plans"])
class PlanTransitionView(ApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="plans_transition",
        summary=gettext_lazy("Issue or close a plan"),
        description=gettext_lazy(
            "`issue` a draft: it needs the number, an issue date not in the future, the "
            "signer, a lead for every task and deadlines that fall (400 with the messages by "
            "field, `tasks` for the tasks); the plan then enters the register and its tasks "
            "go to their units' inboxes. `close` an issued plan. For write roles over the "
            "issuing unit (403 for others who may see it); 409 with `code` "
            "`invalid_transition` when the plan's status does not allow the move."
        ),
        parameters=[PLAN_ID],
        request=s.PlanMoveSerializer,
        responses={
            200: s.PlanDetailSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND["plan"],
            409: OpenApiResponse(
                CodedErrorSerializer,
                description=gettext_lazy("The move is not possible in the plan's status."),
            ),
        },
    )
    def post(self, request, id):
        plan = get_plan(request.user, id)
        serializer = s.PlanMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = serializer.validated_data["action"]
        if not request.user.has_perm("plans.close_plan", plan):  # writes for its unit
            raise PermissionDenied
        required_status, fire = PLAN_MOVES[action]
        if plan.status != required_status:
            return conflict_response(
                _("This plan is “%(status)s”: it cannot be “%(action)s” now.")
                % {"status": plan.get_status_display(), "action": s.PLAN_ACTION_LABELS[action]},
                "invalid_transition",
            )
        try:
            fire(actor=request.user, plan=plan)
        except DjangoValidationError as exc:
            return service_error(exc)
        return Response(plan_detail_data(request, plan.pk))


@extend_schema(tags=["plans"])
class PlanCascadeView(ApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="plans_implement",
        summary=gettext_lazy("Build a unit's plan implementing this one"),
        description=gettext_lazy(
            "A draft plan of `unit` implementing this issued plan, in one step: the tasks "
            "the unit leads, coordinates or leads as one of its kind are copied in, led by "
            "the unit and linked to the parent tasks (so their progress rolls up), and this "
            "plan becomes its first legal basis. The caller must write for `unit` (403)."
        ),
        parameters=[PLAN_ID],
        request=s.CascadeSerializer,
        responses={
            201: s.PlanDetailSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND["plan"],
        },
    )
    def post(self, request, id):
        parent = get_plan(request.user, id)
        serializer = s.CascadeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = data.pop("unit")
        try:
            plan = services.cascade(actor=request.user, parent=parent, unit=unit, data=data)
        except DjangoValidationError as exc:
            return service_error(exc)
        return Response(plan_detail_data(request, plan.pk), status=status.HTTP_201_CREATED)


# --- Tasks ----------------------------------------------------------------------------------


def task_rows(queryset: QuerySet) -> QuerySet:
    """What a task row shows, loaded in a fixed number of queries."""
    return queryset.select_related("lead_unit", "assignee").prefetch_related("coordinating_units")


class TaskFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=TaskStatus.choices)

    class Meta:
        model = Task
        fields = ["status"]


class RollupListMixin:
    """A list whose rows carry ``selectors.rollups`` of the page (one query)."""

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        context = {
            **self.get_serializer_context(),
            "rollups": selectors.rollups(page),
            "today": _today(),
        }
        data = self.get_serializer_class()(page, many=True, context=context).data
        return self.get_paginated_response(data)


@extend_schema(tags=["tasks"])
class PlanTaskListView(RollupListMixin, generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    parser_classes = [JSONParser]
    serializer_class = s.TaskSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = TaskFilter
    pagination_class = Pagination
    queryset = Task.objects.none()  # for the schema; get_queryset does the work

    def get_plan(self) -> Plan:
        if not hasattr(self, "_plan"):
            self._plan = get_plan(self.request.user, self.kwargs["id"])
        return self._plan

    def get_queryset(self):
        return task_rows(self.get_plan().tasks.all()).order_by("position", "pk")

    @extend_schema(
        operation_id="plans_tasks_list",
        summary=gettext_lazy("Tasks of a plan"),
        description=gettext_lazy(
            "The plan's tasks in order, each with its lead and coordinating units, its "
            "deadline (once or recurring) and next deadline, status and progress, and the "
            "roll-up of the tasks implementing it in the plans below."
        ),
        parameters=[PLAN_ID],
        responses={
            200: s.TaskSerializer(many=True),
            400: BAD_FILTER,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["plan"],
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="plans_tasks_create",
        summary=gettext_lazy("Add a task to a draft plan"),
        description=gettext_lazy(
            "A task led by one unit (`lead_unit`) or by every unit of some kinds under the "
            "issuing unit (`lead_kinds`), with coordinating units (never the lead) and a "
            "deadline: once (`due_on`, not before the plan's issue date), or repeating "
            "yearly (`recur_day`, `recur_month`: a date that exists), quarterly "
            "(`recur_day`, `recur_month` 1 to 3: the month in the quarter) or monthly "
            "(`recur_day`), until `recur_until`. A rule that would never fire is refused. "
            "400 with `code` `not_editable` once the plan is issued; 403 for callers who may "
            "see the plan but not write for its unit."
        ),
        parameters=[PLAN_ID],
        request=s.TaskInputSerializer,
        responses={
            201: s.TaskDetailSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND["plan"],
        },
    )
    def post(self, request, *args, **kwargs):
        plan = self.get_plan()
        refusal = refuse_unless_draft(request.user, plan)
        if refusal is not None:
            return refusal
        serializer = s.TaskInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            task = services.save_task(
                actor=request.user, plan=plan, **serializer.service_arguments()
            )
        except DjangoValidationError as exc:
            return service_error(exc)
        return Response(task_detail_data(request, task.pk), status=status.HTTP_201_CREATED)


def task_queryset(user) -> QuerySet:
    return task_rows(selectors.visible_tasks(user)).select_related("plan__unit")


def get_task(user, id) -> Task:
    return get_or_404(user, task_queryset(user), id, perm="plans.view_task")


def task_detail_data(request, task_id) -> dict:
    user = request.user
    task = get_task(user, task_id)
    children = (
        Task.objects.filter(parent_task=task, plan__in=selectors.visible_plans(user))
        .select_related("plan__unit", "lead_unit")
        .order_by("plan__unit__path", "pk")
    )
    context = {
        "request": request,
        "today": _today(),
        "rollups": selectors.rollups([task]),
        "children": list(children),
    }
    return s.TaskDetailSerializer(task, context=context).data


@extend_schema(tags=["tasks"])
class TaskDetailView(ApiView):
    @extend_schema(
        operation_id="tasks_retrieve",
        summary=gettext_lazy("One task"),
        description=gettext_lazy(
            "A task with its plan, the roll-up of the tasks implementing it (all of them) and "
            "those of them the caller may see, and whether the caller may record progress."
        ),
        parameters=[TASK_ID],
        responses={200: s.TaskDetailSerializer, 401: NOT_AUTHENTICATED, 404: NOT_FOUND["task"]},
    )
    def get(self, request, id):
        return Response(task_detail_data(request, id))


@extend_schema(tags=["tasks"])
class TaskProgressView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    parser_classes = [JSONParser]
    serializer_class = s.ProgressUpdateSerializer
    pagination_class = Pagination
    filter_backends = []
    queryset = ProgressUpdate.objects.none()  # for the schema; get_queryset does the work

    def get_task(self) -> Task:
        if not hasattr(self, "_task"):
            self._task = get_task(self.request.user, self.kwargs["id"])
        return self._task

    def get_queryset(self):
        return (
            self.get_task()
            .updates.select_related("created_by")
            .prefetch_related(Prefetch("evidence", queryset=Attachment.objects.order_by("pk")))
            .order_by("-reported_on", "-pk")
        )

    @extend_schema(
        operation_id="tasks_progress_list",
        summary=gettext_lazy("Progress updates of a task"),
        description=gettext_lazy(
            "Newest first: the day, percentage, status, what was done, who reported it, and "
            "the evidence files (uploaded through the web page)."
        ),
        parameters=[TASK_ID],
        responses={
            200: s.ProgressUpdateSerializer(many=True),
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["task"],
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="tasks_progress_create",
        summary=gettext_lazy("Record progress on a task"),
        description=gettext_lazy(
            "For write roles over the lead unit or the issuing unit, and for the assignee, "
            "while the task is open in an issued plan (403 for others who may see it). "
            "`done` sets 100%. On a recurring task, `completes_period` reports the current "
            "period done and moves the deadline to the next one. JSON only: the API takes no "
            "files; attach evidence through the task's web page."
        ),
        parameters=[TASK_ID],
        request={"application/json": s.ProgressInputSerializer},
        responses={
            201: s.ProgressUpdateSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND["task"],
        },
    )
    def post(self, request, *args, **kwargs):
        task = self.get_task()
        if not request.user.has_perm("plans.report_task", task):
            raise PermissionDenied
        serializer = s.ProgressInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            update = services.record_progress(
                actor=request.user, task=task, data=serializer.validated_data
            )
        except DjangoValidationError as exc:
            return service_error(exc)
        update = self.get_queryset().get(pk=update.pk)
        return Response(s.ProgressUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["tasks"])
class InboxView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = s.InboxTaskSerializer
    pagination_class = Pagination
    filter_backends = []
    queryset = Task.objects.none()  # for the schema; get_queryset does the work

    def get_params(self) -> dict:
        if not hasattr(self, "_params"):
            query = s.InboxQuerySerializer(
                data=self.request.query_params, context={"request": self.request}
            )
            query.is_valid(raise_exception=True)
            params = query.validated_data
            # Another unit's inbox answers like a missing one.
            if not scope_for(self.request.user).covers(params["unit"], ALL_ROLES):
                raise NotFound
            self._params = params
        return self._params

    def get_queryset(self):
        params = self.get_params()
        today = _today()
        tasks = selectors.inbox(params["unit"], today=today).prefetch_related("coordinating_units")
        if params.get("status"):
            tasks = tasks.filter(status=params["status"])
        if params.get("overdue") is not None:
            overdue = Q(status__in=OPEN_TASK_STATUSES, current_due__lt=today)
            tasks = tasks.filter(overdue) if params["overdue"] else tasks.exclude(overdue)
        return tasks

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = {
            **self.get_serializer_context(),
            "rollups": selectors.rollups(page),
            "today": _today(),
            "unit": self.get_params()["unit"],
        }
        data = s.InboxTaskSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="inbox_list",
        summary=gettext_lazy("A unit's inbox"),
        description=gettext_lazy(
            "Tasks of issued plans the unit leads, coordinates or leads as one of its kind, "
            "earliest deadline first (so overdue ones come first), with the unit's part in "
            "each. The unit must be in the caller's scope (404 otherwise)."
        ),
        parameters=[s.InboxQuerySerializer],
        responses={
            200: s.InboxTaskSerializer(many=True),
            400: INVALID,
            401: NOT_AUTHENTICATED,
            404: OpenApiResponse(
                ErrorSerializer, description=gettext_lazy("The unit is outside your scope.")
            ),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- Activities -----------------------------------------------------------------------------


@extend_schema(tags=["activities"])
class ActivityTypeListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = s.ActivityTypeSerializer
    pagination_class = Pagination
    filter_backends = []

    def get_queryset(self):
        return ActivityType.objects.order_by("position", "name", "pk")

    @extend_schema(
        operation_id="activity_types_list",
        summary=gettext_lazy("Activity types"),
        description=gettext_lazy(
            "The kinds of activity units record (themed party-cell meetings, trainings, "
            "outreach…), configured by the system administrators; only those in use are "
            "accepted for a new activity."
        ),
        responses={200: s.ActivityTypeSerializer(many=True), 401: NOT_AUTHENTICATED},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ActivityFilter(filters.FilterSet):
    type = filters.CharFilter(
        field_name="activity_type__code",
        max_length=40,
        help_text=gettext_lazy("Only activities of the type with this code."),
    )
    unit = UnitIdFilter(
        method="filter_unit",
        help_text=gettext_lazy("Only activities of this unit or a unit under it."),
    )
    date_from = _date("held_on", "gte", gettext_lazy("Held on or after this day (YYYY-MM-DD)."))
    date_to = _date("held_on", "lte", gettext_lazy("Held on or before this day (YYYY-MM-DD)."))
    plan = IdFilter(field_name="plan", help_text=gettext_lazy("Only those carrying out this plan."))
    task = IdFilter(field_name="task", help_text=gettext_lazy("Only those carrying out this task."))
    q = _q(gettext_lazy("Words of the title, place, participants or description."))

    class Meta:
        model = Activity
        fields = ["type", "unit", "date_from", "date_to", "plan", "task", "q"]

    filter_unit = _subtree("unit")
    filter_search = _search


def activity_queryset(user) -> QuerySet:
    return (
        selectors.visible_activities(user)
        .select_related("unit", "activity_type")
        .prefetch_related("partner_units")
        .order_by("-held_on", "-pk")
    )


def get_activity(user, id) -> Activity:
    queryset = (
        activity_queryset(user)
        .select_related("plan__unit")
        .prefetch_related(Prefetch("evidence", queryset=Attachment.objects.order_by("pk")))
    )
    return get_or_404(user, queryset, id, perm="plans.view_activity")


@extend_schema(tags=["activities"])
class ActivityListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    parser_classes = [JSONParser]
    serializer_class = s.ActivitySerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ActivityFilter
    pagination_class = Pagination

    def get_queryset(self):
        return activity_queryset(self.request.user)

    @extend_schema(
        operation_id="activities_list",
        summary=gettext_lazy("List activities"),
        description=gettext_lazy(
            "What units in the caller's scope did, newest first: type, date, place, number "
            "of participants, partner units, and the plan or task it carries out."
        ),
        responses={
            200: s.ActivitySerializer(many=True),
            400: BAD_FILTER,
            401: NOT_AUTHENTICATED,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="activities_create",
        summary=gettext_lazy("Record an activity"),
        description=gettext_lazy(
            "An activity once held (its date cannot be in the future) by a unit the caller "
            "writes for (403 otherwise). Types with partners (coordination programmes, "
            "twinning) need `partner_units`. JSON only: attach evidence through the web page."
        ),
        request={"application/json": s.ActivityInputSerializer},
        responses={
            201: s.ActivityDetailSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = s.ActivityInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            activity = services.save_activity(actor=request.user, **serializer.service_arguments())
        except DjangoValidationError as exc:
            return service_error(exc)
        activity = get_activity(request.user, activity.pk)
        data = s.ActivityDetailSerializer(activity, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["activities"])
class ActivityDetailView(ApiView):
    @extend_schema(
        operation_id="activities_retrieve",
        summary=gettext_lazy("One activity"),
        parameters=[ACTIVITY_ID],
        responses={
            200: s.ActivityDetailSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["activity"],
        },
    )
    def get(self, request, id):
        activity = get_activity(request.user, id)
        return Response(s.ActivityDetailSerializer(activity, context={"request": request}).data)


# --- Coverage -------------------------------------------------------------------------------


class RequirementFilter(filters.FilterSet):
    unit = UnitIdFilter(
        method="filter_unit",
        help_text=gettext_lazy("Only requirements set by this unit or a unit under it."),
    )
    plan = IdFilter(field_name="plan", help_text=gettext_lazy("Only those set by this plan."))
    type = filters.CharFilter(
        field_name="activity_type__code",
        max_length=40,
        help_text=gettext_lazy("Only those met by the activity type with this code."),
    )
    unit_kind = filters.ChoiceFilter(choices=UnitKind.choices)
    active_on = filters.DateFilter(
        method="filter_active_on",
        input_formats=DATE_INPUT_FORMATS,
        help_text=gettext_lazy("Only those whose window holds this day (YYYY-MM-DD)."),
    )

    class Meta:
        model = CoverageRequirement
        fields = ["unit", "plan", "type", "unit_kind", "active_on"]

    filter_unit = _subtree("unit")

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)


def requirement_queryset(user) -> QuerySet:
    return (
        selectors.visible_requirements(user)
        .select_related("unit", "activity_type")
        .order_by("-starts_on", "pk")
    )


@extend_schema(tags=["coverage"])
class RequirementListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    parser_classes = [JSONParser]
    serializer_class = s.RequirementSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = RequirementFilter
    pagination_class = Pagination

    def get_queryset(self):
        return requirement_queryset(self.request.user)

    @extend_schema(
        operation_id="coverage_requirements_list",
        summary=gettext_lazy("Coverage requirements"),
        description=gettext_lazy(
            "Requirements such as “every party cell (100%) holds the themed meeting in 10/2026” "
            "set over the caller's units or above them (the caller sees the part that "
            "concerns them through the coverage endpoint)."
        ),
        responses={
            200: s.RequirementSerializer(many=True),
            400: BAD_FILTER,
            401: NOT_AUTHENTICATED,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="coverage_requirements_create",
        summary=gettext_lazy("Set a coverage requirement"),
        description=gettext_lazy(
            "Every unit of `unit_kind` under `unit` must record an activity of "
            "`activity_type` between `starts_on` and `ends_on`. For write roles over `unit` "
            "(403 otherwise)."
        ),
        request={"application/json": s.RequirementInputSerializer},
        responses={
            201: s.RequirementSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = s.RequirementInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            requirement = services.save_requirement(
                actor=request.user, **serializer.service_arguments()
            )
        except DjangoValidationError as exc:
            return service_error(exc)
        requirement = requirement_queryset(request.user).get(pk=requirement.pk)
        data = s.RequirementSerializer(requirement, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["coverage"])
class RequirementCoverageView(ApiView):
    @extend_schema(
        operation_id="coverage_requirements_coverage",
        summary=gettext_lazy("Coverage of a requirement"),
        description=gettext_lazy(
            "How many units of the required kind recorded an activity of the type in the "
            "window (at the unit or anywhere below it), per direct child of the area, and "
            "the units still missing it. The area is the requirement's unit for those whose "
            "scope covers it, else the caller's own unit inside it; `within` looks into a "
            "unit of that area."
        ),
        parameters=[REQUIREMENT_ID, s.CoverageQuerySerializer],
        responses={
            200: s.CoverageSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["requirement"],
        },
    )
    def get(self, request, id):
        user = request.user
        requirement = get_or_404(
            user, requirement_queryset(user), id, perm="plans.view_coveragerequirement"
        )
        query = s.CoverageQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        within = query.validated_data.get("within")
        if within is None:
            area = selectors.coverage_root(user, requirement)
        elif within.path.startswith(requirement.unit.path) and scope_for(user).covers(
            within, ALL_ROLES
        ):
            area = within
        else:
            area = None
        if area is None:
            raise NotFound
        result = services.requirement_coverage(requirement, within=area)
        data = s.CoverageSerializer.shape(requirement, result)
        return Response(s.CoverageSerializer(data, context={"request": request}).data)
