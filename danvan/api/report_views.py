"""API views of periodic reports and indicators: the indicator catalogue, targets, report
periods, reports (edit, submit, accept, return, reopen), a report's roll-up and the dashboard
data of a unit.

Thin, through the reports and kpis apps' querysets, services, roll-up and rules, as the pages
are. Every list starts from what the caller may see (``visible_to``); anything outside answers
404 exactly like a missing id; 403 only for something the caller may see but not do. A move
the report's state does not allow answers 409 (``invalid_transition``), and so does a save
from a stale copy (``stale``, with the current ``lock_version``). A service's ValidationError
answers 400 with the messages by field (``<indicator code>.<part>`` for a bad figure).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from danvan.api import report_serializers as s
from danvan.api.filters import MAX_QUERY_LENGTH, UnitIdFilter
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
from danvan.api.views import AUTHENTICATION_CLASSES, ApiView, Pagination, _working_unit
from danvan.kpis.models import (
    Category,
    Indicator,
    IndicatorKind,
    Source,
    Target,
    TargetKind,
)
from danvan.kpis.selectors import status_counts, status_of, targets_for
from danvan.kpis.services import delete_target, save_target
from danvan.kpis.status import Status
from danvan.orgs.models import Unit
from danvan.orgs.scope import ALL_ROLES, scope_for
from danvan.reports import services
from danvan.reports.models import (
    EDITABLE_STATES,
    Period,
    PeriodKind,
    PeriodStatus,
    Report,
    ReportState,
    ReportValue,
)
from danvan.reports.rollups import PeriodRollup, period_rollup

# --- Schema pieces --------------------------------------------------------------------------

INDICATOR_ID = id_parameter(gettext_lazy("Indicator id"))
TARGET_ID = id_parameter(gettext_lazy("Target id"))
PERIOD_ID = id_parameter(gettext_lazy("Report period id"))
REPORT_ID = id_parameter(gettext_lazy("Report id"))

NOT_FOUND = {
    "indicator": OpenApiResponse(ErrorSerializer, description=gettext_lazy("No such indicator.")),
    "target": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy("No such target, or it neither concerns nor was set in scope."),
    ),
    "period": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy("No such period, or the caller's units do not report in it."),
    ),
    "report": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy("No such report, or it is outside the caller's scope."),
    ),
}
NOT_NOW = OpenApiResponse(
    CodedErrorSerializer,
    description=gettext_lazy(
        "The report's state does not allow this now (`code` `invalid_transition`)."
    ),
)
STALE = OpenApiResponse(
    s.StaleSerializer,
    description=gettext_lazy(
        "Someone changed the report since it was read (`code` `stale`), or its state does "
        "not allow the change (`code` `invalid_transition`); the body gives the current "
        "`lock_version`."
    ),
)


def _today():
    return timezone.localdate()


# --- Indicators -----------------------------------------------------------------------------


class IndicatorFilter(filters.FilterSet):
    category = filters.ChoiceFilter(choices=Category.choices)
    kind = filters.ChoiceFilter(choices=IndicatorKind.choices)
    source = filters.ChoiceFilter(choices=Source.choices)
    is_active = filters.BooleanFilter(
        help_text=gettext_lazy("true: only indicators in use; false: only retired ones.")
    )
    q = filters.CharFilter(
        method="filter_search",
        max_length=MAX_QUERY_LENGTH,
        help_text=gettext_lazy(
            "Words of the code, name (Vietnamese or English) or description; accents and case "
            "are ignored."
        ),
    )

    class Meta:
        model = Indicator
        fields = ["category", "kind", "source", "is_active", "q"]

    def filter_search(self, queryset, name, value: str):
        return queryset.search(value)


def indicator_queryset() -> QuerySet:
    return Indicator.objects.select_related("weight").order_by("category", "order", "code")


@extend_schema(tags=["indicators"])
class IndicatorListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = s.IndicatorSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = IndicatorFilter
    pagination_class = Pagination

    def get_queryset(self):
        return indicator_queryset()

    @extend_schema(
        operation_id="indicators_list",
        summary=gettext_lazy("The indicator catalogue"),
        description=gettext_lazy(
            "What is measured and how it adds up: kind (count, amount, rate = numerator / "
            "denominator times the scale, score, yes/no), which way is better, the roll-up "
            "rule, the "
            "category (Directive 33's task areas…) and whether it is typed into reports or "
            "computed by danvan. National: every signed-in user reads all of it."
        ),
        responses={200: s.IndicatorSerializer(many=True), 400: BAD_FILTER, 401: NOT_AUTHENTICATED},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["indicators"])
class IndicatorDetailView(ApiView):
    @extend_schema(
        operation_id="indicators_retrieve",
        summary=gettext_lazy("One indicator"),
        parameters=[INDICATOR_ID],
        responses={
            200: s.IndicatorSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["indicator"],
        },
    )
    def get(self, request, id):
        indicator = get_or_404(request.user, indicator_queryset(), id, perm="kpis.view_indicator")
        return Response(s.IndicatorSerializer(indicator, context={"request": request}).data)


# --- Targets --------------------------------------------------------------------------------


class TargetFilter(filters.FilterSet):
    indicator = filters.CharFilter(
        field_name="indicator__code",
        max_length=60,
        help_text=gettext_lazy("Only targets of the indicator with this code."),
    )
    unit = UnitIdFilter(
        method="filter_unit", help_text=gettext_lazy("Only targets set by this unit.")
    )
    year = IdFilter(
        field_name="year",
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("Only targets of this year (or horizon year)."),
    )
    kind = filters.ChoiceFilter(choices=TargetKind.choices)

    class Meta:
        model = Target
        fields = ["indicator", "unit", "year", "kind"]

    def filter_unit(self, queryset, name, unit: Unit):
        return queryset.filter(unit=unit)


def target_queryset(user) -> QuerySet:
    return (
        Target.objects.visible_to(user)
        .select_related("indicator", "unit")
        .order_by("indicator__category", "indicator__order", "indicator__code", "unit__path", "pk")
    )


def target_data(request, target_id: int) -> dict:
    target = get_or_404(
        request.user, target_queryset(request.user), target_id, perm="kpis.view_target"
    )
    return s.TargetSerializer(target, context={"request": request}).data


@extend_schema(tags=["targets"])
class TargetListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    parser_classes = [JSONParser]
    serializer_class = s.TargetSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = TargetFilter
    pagination_class = Pagination

    def get_queryset(self):
        return target_queryset(self.request.user)

    @extend_schema(
        operation_id="targets_list",
        summary=gettext_lazy("List targets"),
        description=gettext_lazy(
            "Targets set by the caller's units or under them, and those set above them that "
            "apply to them (“each commune of the province”), by indicator."
        ),
        responses={200: s.TargetSerializer(many=True), 400: BAD_FILTER, 401: NOT_AUTHENTICATED},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="targets_create",
        summary=gettext_lazy("Set a target"),
        description=gettext_lazy(
            "A target for the unit's own figure, or (`applies_to_kind`) for every unit of a "
            "kind under it, for one year's reports (`annual`) or to reach by a horizon year. "
            "For write roles over the unit (403 otherwise). The comparator must follow the "
            "indicator's direction (≥ when higher is better), a band needs `value_high`, and "
            "one target per indicator, unit, kind of unit, type and year (400 by field)."
        ),
        request={"application/json": s.TargetInputSerializer},
        responses={
            201: s.TargetSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = s.TargetInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            target = save_target(Target(), actor=request.user, data=serializer.validated_data)
        except DjangoValidationError as exc:
            return service_error(exc)
        return Response(target_data(request, target.pk), status=status.HTTP_201_CREATED)


@extend_schema(tags=["targets"])
class TargetDetailView(ApiView):
    parser_classes = [JSONParser]

    def get_target(self, request, id) -> Target:
        return get_or_404(request.user, target_queryset(request.user), id, perm="kpis.view_target")

    @extend_schema(
        operation_id="targets_retrieve",
        summary=gettext_lazy("One target"),
        parameters=[TARGET_ID],
        responses={200: s.TargetSerializer, 401: NOT_AUTHENTICATED, 404: NOT_FOUND["target"]},
    )
    def get(self, request, id):
        return Response(target_data(request, id))

    @extend_schema(
        operation_id="targets_partial_update",
        summary=gettext_lazy("Change a target"),
        description=gettext_lazy(
            "Fields left out keep their value. For write roles over the unit that set it "
            "(403 for others who may see it); moved to another unit, the caller must write "
            "for that one too."
        ),
        parameters=[TARGET_ID],
        request={"application/json": s.TargetInputSerializer},
        responses={
            200: s.TargetSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND["target"],
        },
    )
    def patch(self, request, id):
        target = self.get_target(request, id)
        if not request.user.has_perm("kpis.change_target", target):
            raise PermissionDenied
        serializer = s.TargetInputSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        try:
            save_target(target, actor=request.user, data=serializer.validated_data)
        except DjangoValidationError as exc:
            return service_error(exc)
        return Response(target_data(request, target.pk))

    @extend_schema(
        operation_id="targets_destroy",
        summary=gettext_lazy("Delete a target"),
        description=gettext_lazy(
            "For write roles over the unit that set it (403 for others who may see it)."
        ),
        parameters=[TARGET_ID],
        responses={
            204: None,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND["target"],
        },
    )
    def delete(self, request, id):
        target = self.get_target(request, id)
        delete_target(target, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Periods --------------------------------------------------------------------------------


class PeriodFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=PeriodStatus.choices)
    kind = filters.ChoiceFilter(choices=PeriodKind.choices)
    year = IdFilter(
        field_name="year",
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("Only periods of this year."),
    )
    owner = UnitIdFilter(
        method="filter_owner", help_text=gettext_lazy("Only periods opened by this unit.")
    )

    class Meta:
        model = Period
        fields = ["status", "kind", "year", "owner"]

    def filter_owner(self, queryset, name, unit: Unit):
        return queryset.filter(owner=unit)


def period_queryset(user) -> QuerySet:
    """Visible periods with the count of the caller's visible reports in each state."""
    seen = scope_for(user).q("reports__unit__path")

    def count(extra: Q | None = None) -> Count:
        return Count("reports", filter=seen & extra if extra is not None else seen)

    return (
        Period.objects.visible_to(user)
        .select_related("owner", "form_version__form")
        .annotate(
            n_total=count(),
            n_draft=count(Q(reports__state=ReportState.DRAFT)),
            n_submitted=count(Q(reports__state=ReportState.SUBMITTED)),
            n_returned=count(Q(reports__state=ReportState.RETURNED)),
            n_accepted=count(Q(reports__state=ReportState.ACCEPTED)),
            n_late=count(Q(reports__state__in=EDITABLE_STATES, due_date__lt=_today())),
        )
        .order_by("-end_date", "name", "pk")
    )


@extend_schema(tags=["report periods"])
class PeriodListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = s.PeriodSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = PeriodFilter
    pagination_class = Pagination

    def get_queryset(self):
        return period_queryset(self.request.user)

    @extend_schema(
        operation_id="report_periods_list",
        summary=gettext_lazy("List report periods"),
        description=gettext_lazy(
            "Rounds of reports opened over the caller's units or above them (national ones "
            "included), latest first, with how many of the reports the caller may see are "
            "draft, submitted, returned, accepted and late."
        ),
        responses={200: s.PeriodSerializer(many=True), 400: BAD_FILTER, 401: NOT_AUTHENTICATED},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["report periods"])
class PeriodDetailView(ApiView):
    @extend_schema(
        operation_id="report_periods_retrieve",
        summary=gettext_lazy("One report period"),
        description=gettext_lazy(
            "A period with its completeness and its form: the narrative sections and the "
            "figures, in order."
        ),
        parameters=[PERIOD_ID],
        responses={
            200: s.PeriodDetailSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["period"],
        },
    )
    def get(self, request, id):
        return period_detail_response(request, id)


def period_detail_response(request, period_id: int, code: int = status.HTTP_200_OK) -> Response:
    period = get_or_404(
        request.user, period_queryset(request.user), period_id, perm="reports.view_period"
    )
    fields = period.form_version.fields.select_related("indicator").order_by("order", "pk")
    context = {"request": request, "form_fields": list(fields)}
    return Response(s.PeriodDetailSerializer(period, context=context).data, status=code)


PERIOD_NOT_NOW = OpenApiResponse(
    CodedErrorSerializer,
    description=gettext_lazy(
        "The period is closed, or not open, or already being opened (`code` `invalid_transition`)."
    ),
)


class PeriodActionView(ApiView):
    """``report-periods/{id}/open|close/``: for write roles over the period's owner unit."""

    parser_classes = [JSONParser]

    def period_for(self, request, id) -> Period:
        period = get_or_404(
            request.user, Period.objects.select_related("owner"), id, perm="reports.view_period"
        )
        if not request.user.has_perm("reports.change_period", period):
            raise PermissionDenied
        return period


@extend_schema(tags=["report periods"])
class PeriodOpenView(PeriodActionView):
    @extend_schema(
        operation_id="report_periods_open",
        summary=gettext_lazy("Open a report period"),
        description=gettext_lazy(
            "Create a draft report, pre-filled with the computed figures, for every unit that "
            "must report (again: only for units added since). Up to 300 units this happens "
            "at once (200); a larger period is opened by the background worker (202, with "
            "`is_being_opened` true until it is done; read the period again to follow it)."
        ),
        parameters=[PERIOD_ID],
        request=None,
        responses={
            200: s.PeriodDetailSerializer,
            202: s.PeriodDetailSerializer,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND["period"],
            409: PERIOD_NOT_NOW,
        },
    )
    def post(self, request, id):
        period = self.period_for(request, id)
        try:
            created = services.request_open(period, actor=request.user)
        except DjangoValidationError as exc:
            return service_error(exc)
        code = status.HTTP_202_ACCEPTED if created is None else status.HTTP_200_OK
        return period_detail_response(request, period.pk, code)


@extend_schema(tags=["report periods"])
class PeriodCloseView(PeriodActionView):
    @extend_schema(
        operation_id="report_periods_close",
        summary=gettext_lazy("Close a report period"),
        description=gettext_lazy(
            "Close an open period: its reports can no longer be edited, submitted or "
            "corrected (accepted ones stay rolled up)."
        ),
        parameters=[PERIOD_ID],
        request=None,
        responses={
            200: s.PeriodDetailSerializer,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND["period"],
            409: PERIOD_NOT_NOW,
        },
    )
    def post(self, request, id):
        period = self.period_for(request, id)
        try:
            services.close_period(period, actor=request.user)
        except DjangoValidationError as exc:
            return service_error(exc)
        return period_detail_response(request, period.pk)


# --- Reports --------------------------------------------------------------------------------


class ReportFilter(filters.FilterSet):
    period = IdFilter(field_name="period", help_text=gettext_lazy("Only reports of this period."))
    unit = UnitIdFilter(
        method="filter_unit",
        help_text=gettext_lazy("Only reports of this unit and the units under it."),
    )
    state = filters.ChoiceFilter(choices=ReportState.choices)

    class Meta:
        model = Report
        fields = ["period", "unit", "state"]

    def filter_unit(self, queryset, name, unit: Unit):
        return queryset.filter(unit__path__startswith=unit.path)


def report_queryset(user) -> QuerySet:
    return (
        Report.objects.visible_to(user)
        .select_related("period__owner", "period__form_version__form", "unit")
        .order_by("-period__end_date", "period_id", "unit__path", "pk")
    )


def get_report(user, id) -> Report:
    queryset = report_queryset(user).select_related("submitted_by", "reviewed_by")
    return get_or_404(user, queryset, id, perm="reports.view_report")


def report_permissions(user, report: Report) -> dict[str, bool]:
    writes = user.has_perm("reports.change_report", report)
    period_open = report.period.status == PeriodStatus.OPEN
    return {
        "edit": writes and report.is_editable and period_open,
        "submit": writes and report.is_editable and period_open,
        "review": report.state == ReportState.SUBMITTED
        and user.has_perm("reports.review_report", report),
        "reopen": writes
        and report.state == ReportState.ACCEPTED
        and report.period.status != PeriodStatus.CLOSED,
    }


def figure_rows(report: Report) -> list[dict]:
    """Every field of the form with its figure in the working revision (two queries)."""
    fields = report.period.form_version.fields.select_related("indicator").order_by("order", "pk")
    values = {row.indicator_id: row for row in report.values.filter(revision=report.revision)}
    rows = []
    for field in fields:
        indicator = field.indicator
        value = values.get(indicator.pk)
        rows.append(
            {
                "indicator": indicator,
                "required": field.required,
                "section_key": field.section_key,
                "value": value.value if value else None,
                "numerator": value.numerator if value else None,
                "denominator": value.denominator if value else None,
                "rank": value.rank if value else None,
                "note": value.note if value else "",
                "source": value.source if value else None,
                "computed_value": value.computed_value if value else None,
                "display": indicator.format(value.value if value else None),
            }
        )
    return rows


def report_detail_data(request, report_id: int) -> dict:
    user = request.user
    report = get_report(user, report_id)
    context = {
        "request": request,
        "sections": report.sections.filter(revision=report.revision).order_by("order", "pk"),
        "figures": figure_rows(report),
        "comments": report.comments.select_related("author").order_by("created_at", "pk"),
        "events": report.events.select_related("actor").order_by("-created_at", "-pk"),
        "permissions": report_permissions(user, report),
    }
    return s.ReportDetailSerializer(report, context=context).data


def stale_response(report: Report) -> Response:
    return Response(
        {
            "detail": _(
                "Someone changed this report since you read it: read it again and redo "
                "your changes."
            ),
            "code": "stale",
            "lock_version": report.lock_version,
        },
        status=status.HTTP_409_CONFLICT,
    )


def state_conflict(report: Report, action) -> Response:
    return conflict_response(
        _("This report is “%(state)s”: it cannot be “%(action)s” now.")
        % {"state": report.get_state_display(), "action": action},
        "invalid_transition",
    )


@extend_schema(tags=["reports"])
class ReportListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = s.ReportSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ReportFilter
    pagination_class = Pagination

    def get_queryset(self):
        return report_queryset(self.request.user)

    @extend_schema(
        operation_id="reports_list",
        summary=gettext_lazy("List reports"),
        description=gettext_lazy(
            "Reports of the units in the caller's scope (the levels above see those below), "
            "latest period first, in tree order, with their state, revision and "
            "`lock_version`."
        ),
        responses={200: s.ReportSerializer(many=True), 400: BAD_FILTER, 401: NOT_AUTHENTICATED},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _figure_inputs(report: Report, figures: dict) -> dict[int, services.ValueInput]:
    """The typed figures by indicator id; parts left out keep the working revision's."""
    if not figures:
        return {}
    indicators = {
        field.indicator.code: field.indicator
        for field in report.period.form_version.fields.select_related("indicator")
    }
    current = {
        row.indicator.code: row
        for row in report.values.filter(
            revision=report.revision, indicator__code__in=list(figures)
        ).select_related("indicator")
    }
    inputs = {}
    for code, typed in figures.items():
        row: ReportValue | None = current.get(code)
        kept = {
            "value": row.value if row else None,
            "numerator": row.numerator if row else None,
            "denominator": row.denominator if row else None,
            "rank": row.rank if row else None,
            "note": row.note if row else "",
        }
        kept.update(typed)
        inputs[indicators[code].pk] = services.ValueInput(
            value=kept["value"],
            numerator=kept["numerator"],
            denominator=kept["denominator"],
            rank=kept["rank"],
            note=kept["note"] or "",
        )
    return inputs


@extend_schema(tags=["reports"])
class ReportDetailView(ApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="reports_retrieve",
        summary=gettext_lazy("One report"),
        description=gettext_lazy(
            "A report's header (number, place, date, signer, recipients), the sections and "
            "figures of its working revision (numerator, denominator and rank where they "
            "apply, and whether danvan computed it), the review comments, what happened to "
            "it, and what the caller may do now."
        ),
        parameters=[REPORT_ID],
        responses={
            200: s.ReportDetailSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["report"],
        },
    )
    def get(self, request, id):
        return Response(report_detail_data(request, id))

    @extend_schema(
        operation_id="reports_partial_update",
        summary=gettext_lazy("Edit a report"),
        description=gettext_lazy(
            "Change header fields, sections (by key) and figures (by indicator code) of a "
            "draft or returned report, all or nothing; what is left out keeps its value, a "
            "part given as null is cleared. Send the `lock_version` read with the report: "
            "if someone saved it since, 409 with `code` `stale` and the current "
            "`lock_version`. A figure that does not fit its indicator (a negative count, a "
            "numerator above its denominator…) answers 400 under `<indicator code>.<part>`. "
            "For write roles at the report's own unit (403 for others who may see it); 409 "
            "with `code` `invalid_transition` once submitted or accepted."
        ),
        parameters=[REPORT_ID],
        request={"application/json": s.ReportUpdateSerializer},
        responses={
            200: s.ReportDetailSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND["report"],
            409: STALE,
        },
    )
    def patch(self, request, id):
        user = request.user
        report = get_report(user, id)
        if not user.has_perm("reports.change_report", report):
            raise PermissionDenied
        form_codes = set(
            report.period.form_version.fields.values_list("indicator__code", flat=True)
        )
        serializer = s.ReportUpdateSerializer(
            data=request.data,
            context={"request": request, "report": report, "form_codes": form_codes},
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if not report.is_editable:
            response = state_conflict(report, pgettext("report action", "edit"))
            response.data["lock_version"] = report.lock_version
            return response
        lock_version = data.pop("lock_version")
        sections = data.pop("sections", None)
        values = _figure_inputs(report, data.pop("figures", None))
        try:
            services.save_report(
                report,
                actor=user,
                lock_version=lock_version,
                header=data,
                sections=sections,
                values=values,
            )
        except services.StaleReportError as exc:
            return stale_response(exc.report)
        except DjangoValidationError as exc:
            return service_error(exc)
        return Response(report_detail_data(request, report.pk))


class ReportActionView(ApiView):
    """A move of the review cycle, POSTed to ``reports/{id}/<action>/``."""

    parser_classes = [JSONParser]
    perm = "reports.change_report"
    states: frozenset[str] = frozenset()
    action_label = ""
    serializer_class = s.SubmitSerializer

    def fire(self, report: Report, user, data: dict) -> None:
        raise NotImplementedError

    def post(self, request, id):
        user = request.user
        report = get_report(user, id)
        if not user.has_perm(self.perm, report):
            raise PermissionDenied
        serializer = self.serializer_class(
            data=request.data, context={"request": request, "report": report}
        )
        serializer.is_valid(raise_exception=True)
        if report.state not in self.states:
            return state_conflict(report, self.action_label)
        data = dict(serializer.validated_data)
        expected = data.pop("lock_version", None)
        if expected is not None and expected != report.lock_version:
            return stale_response(report)
        try:
            self.fire(report, user, data)
        except DjangoValidationError as exc:
            return service_error(exc)
        return Response(report_detail_data(request, report.pk))


def _action_schema(operation_id: str, summary, description, request) -> dict:
    return {
        "operation_id": operation_id,
        "summary": summary,
        "description": description,
        "parameters": [REPORT_ID],
        "request": {"application/json": request},
        "responses": {
            200: s.ReportDetailSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND["report"],
            409: STALE if request is s.SubmitSerializer else NOT_NOW,
        },
    }


@extend_schema(tags=["reports"])
class ReportSubmitView(ReportActionView):
    states = frozenset(EDITABLE_STATES)
    action_label = pgettext_lazy("report action", "submit")
    serializer_class = s.SubmitSerializer

    def fire(self, report, user, data):
        services.submit(report, actor=user)

    @extend_schema(
        **_action_schema(
            "reports_submit",
            gettext_lazy("Submit a report"),
            gettext_lazy(
                "Send a draft or returned report to the level above for review. Refused "
                "(400) while a required figure is missing or the period is not open. For "
                "write roles at the report's own unit (403 for others who may see it)."
            ),
            s.SubmitSerializer,
        )
    )
    def post(self, request, id):
        return super().post(request, id)


@extend_schema(tags=["reports"])
class ReportAcceptView(ReportActionView):
    perm = "reports.review_report"
    states = frozenset({ReportState.SUBMITTED})
    action_label = pgettext_lazy("report action", "accept")
    serializer_class = s.AcceptSerializer

    def fire(self, report, user, data):
        services.accept(report, actor=user, note=data.get("note", ""))

    @extend_schema(
        **_action_schema(
            "reports_accept",
            gettext_lazy("Accept a report"),
            gettext_lazy(
                "Accept a submitted report: it locks and its figures reach the level above. "
                "For reviewers and leaders above the report's unit (the period owner's own "
                "report: its leader); 403 for others who may see it, its writers included."
            ),
            s.AcceptSerializer,
        )
    )
    def post(self, request, id):
        return super().post(request, id)


@extend_schema(tags=["reports"])
class ReportReturnView(ReportActionView):
    perm = "reports.review_report"
    states = frozenset({ReportState.SUBMITTED})
    action_label = pgettext_lazy("report action", "return")
    serializer_class = s.ReturnSerializer

    def fire(self, report, user, data):
        services.return_report(
            report, actor=user, comments=data.get("comments", {}), note=data.get("note", "")
        )

    @extend_schema(
        **_action_schema(
            "reports_return",
            gettext_lazy("Return a report for changes"),
            gettext_lazy(
                "Send a submitted report back with comments by section key (`figures` for the "
                "figures, an empty key or `note` for the whole report); at least one comment "
                "(400). Same callers as accepting."
            ),
            s.ReturnSerializer,
        )
    )
    def post(self, request, id):
        return super().post(request, id)


@extend_schema(tags=["reports"])
class ReportReopenView(ReportActionView):
    states = frozenset({ReportState.ACCEPTED})
    action_label = pgettext_lazy("report action", "reopen")
    serializer_class = s.ReopenSerializer

    def fire(self, report, user, data):
        services.reopen(report, actor=user, reason=data["reason"])

    @extend_schema(
        **_action_schema(
            "reports_reopen",
            gettext_lazy("Correct an accepted report"),
            gettext_lazy(
                "Start revision n+1 as a draft copy of the accepted revision n, which is kept "
                "and stays the one rolled up until the correction is accepted. Needs a reason; "
                "refused (400) once the period is closed. For write roles at the report's own "
                "unit (403 for others who may see it)."
            ),
            s.ReopenSerializer,
        )
    )
    def post(self, request, id):
        return super().post(request, id)


# --- Roll-up --------------------------------------------------------------------------------


def _figure(rollup: PeriodRollup, report_id: int, indicator: Indicator) -> dict:
    figure = rollup.figure(report_id, indicator.pk)
    if figure is None:
        return {
            "value": None,
            "numerator": None,
            "denominator": None,
            "reporters": 0,
            "expected": 0,
            "display": indicator.format(None),
        }
    return {
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "reporters": figure.reporters,
        "expected": figure.expected,
        "display": indicator.format(figure.value),
    }


def rollup_data(report: Report, rollup: PeriodRollup) -> dict:
    children = rollup.children(report.pk)
    child_rows = []
    for child in children:
        accepted, expected = rollup.completeness(child.id)
        child_rows.append(
            {
                "report": child.id,
                "unit": child.unit_id,
                "unit_name": child.unit_name,
                "unit_kind": child.unit_kind,
                "state": child.state,
                "included": child.accepted_revision is not None,
                "accepted": accepted,
                "expected": expected,
            }
        )
    indicators = [
        {
            "indicator": indicator,
            "rollup": indicator.rollup,
            **_figure(rollup, report.pk, indicator),
            "missing": [row.id for row in rollup.missing(report.pk, indicator.pk)],
            "children": [
                {
                    "report": child.id,
                    "included": child.accepted_revision is not None,
                    **_figure(rollup, child.id, indicator),
                }
                for child in children
            ],
        }
        for indicator in rollup.indicators
    ]
    accepted, expected = rollup.completeness(report.pk)
    return {
        "report": report,
        "accepted": accepted,
        "expected": expected,
        "children": child_rows,
        "indicators": indicators,
    }


@extend_schema(tags=["reports"])
class ReportRollupView(ApiView):
    @extend_schema(
        operation_id="reports_rollup",
        summary=gettext_lazy("A report's roll-up"),
        description=gettext_lazy(
            "Each indicator of the form rolled up from the report's own figures (its working "
            "revision) and its accepted child reports, by the indicator's rule: a rate is "
            "Σ numerators / Σ denominators, never a mean of rates; a unit with no data is "
            "missing, never zero. Every figure says how many units' data it holds "
            "(`reporters`) of how many expected, and lists the reports missing from it; "
            "the children's own rolled-up figures follow, one level down."
        ),
        parameters=[REPORT_ID],
        responses={
            200: s.ReportRollupSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["report"],
        },
    )
    def get(self, request, id):
        report = get_report(request.user, id)
        rollup = period_rollup(report.period, report.unit)
        data = rollup_data(report, rollup)
        return Response(s.ReportRollupSerializer(data, context={"request": request}).data)


# --- Dashboard ------------------------------------------------------------------------------


def dashboard_report(request, params: dict) -> Report:
    """The report of the unit and period asked (defaults: working unit, latest period)."""
    user = request.user
    unit = params.get("unit") or _working_unit(request)
    if unit is None or not scope_for(user).covers(unit, ALL_ROLES):
        raise NotFound
    reports = Report.objects.filter(
        unit=unit, period__in=Period.objects.visible_to(user)
    ).select_related("unit", "period__form_version")
    if params.get("period"):
        reports = reports.filter(period_id=params["period"])
    report = reports.order_by("-period__end_date", "-period_id").first()
    if report is None:
        raise NotFound(_("This unit has no report in this period."))
    return report


def dashboard_data(report: Report, rollup: PeriodRollup) -> dict:
    period = report.period
    unit = report.unit
    targets = targets_for([unit], rollup.indicators, period.year)
    rows, statuses = [], []
    for indicator in rollup.indicators:
        figure = _figure(rollup, report.pk, indicator)
        target = targets.get((unit.pk, indicator.pk))
        state = status_of(target, figure["value"], day=period.end_date)
        statuses.append(state)
        rows.append(
            {
                "indicator": indicator,
                "direction": indicator.direction,
                **figure,
                "target": None
                if target is None
                else {
                    "id": target.pk,
                    "kind": target.kind,
                    "year": target.year,
                    "comparator": target.comparator,
                    "value": target.value,
                    "value_high": target.value_high,
                    "description": target.describe(),
                    "unit": target.unit_id,
                },
                "status": state.value if state else None,
                "status_display": Status(state).label if state else "",
                "colour": s.STATUS_COLOURS.get(state, "") if state else "",
            }
        )
    accepted, expected = rollup.completeness(report.pk)
    return {
        "unit": unit,
        "period": period,
        "report": report.pk,
        "accepted": accepted,
        "expected": expected,
        "status_counts": status_counts(statuses),
        "indicators": rows,
    }


@extend_schema(tags=["dashboard"])
class DashboardView(ApiView):
    @extend_schema(
        operation_id="dashboard_retrieve",
        summary=gettext_lazy("Dashboard data of a unit"),
        description=gettext_lazy(
            "For a unit in the caller's scope and a period it reports in: each indicator's "
            "rolled-up value (with how many units' data it holds of how many expected), the "
            "target that applies to the unit (its own, else the nearest “each unit of this "
            "kind” target above it) and the status against it on the period's as-of date: "
            "met, on track, at risk, missed or no data, with its traffic-light colour. "
            "Defaults: the caller's working unit and its latest period. 404 when the unit is "
            "outside the caller's scope or does not report in the period."
        ),
        parameters=[s.DashboardQuerySerializer],
        responses={
            200: s.DashboardSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            404: OpenApiResponse(
                ErrorSerializer,
                description=gettext_lazy(
                    "The unit is outside your scope, or has no report in the period."
                ),
            ),
        },
    )
    def get(self, request):
        query = s.DashboardQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        report = dashboard_report(request, query.validated_data)
        rollup = period_rollup(report.period, report.unit)
        data = dashboard_data(report, rollup)
        return Response(s.DashboardSerializer(data, context={"request": request}).data)
