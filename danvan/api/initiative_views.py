"""API views of the "Dân vận khéo" movement: thin, through the initiatives app's services,
selectors and rules, as the pages are.

Anything outside the caller's scope answers 404, exactly like a missing id; 403 only ever
answers for something the caller may see but not do. A service's ValidationError answers
400 with the messages by field, 409 when the initiative or sheet moved on meanwhile.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from danvan.api import initiative_serializers as s
from danvan.api.filters import MAX_QUERY_LENGTH, UnitIdFilter
from danvan.api.serializers import ErrorSerializer
from danvan.api.views import AUTHENTICATION_CLASSES, MAX_ID, ApiView, Pagination
from danvan.initiatives import compliance, services
from danvan.initiatives.models import (
    TRANSITIONS,
    Assignment,
    Campaign,
    Council,
    CouncilMember,
    CouncilStatus,
    Initiative,
    InitiativeKind,
    ScoreSheet,
    Status,
)
from danvan.initiatives.rules import has_conflict, member_unit_paths
from danvan.initiatives.selectors import (
    DEFAULT_SORT,
    SORTS,
    ListFilters,
    campaigns_for,
    initiative_list,
)
from danvan.initiatives.statistics import campaign_statistics
from danvan.orgs.models import Unit

# --- Fetching within the caller's scope -----------------------------------------------------


def get_or_404(user, queryset: QuerySet, id, *, perm: str | None = None):
    """The row with ``id`` (a string from the URL) if the caller may see it, else 404."""
    try:
        pk = int(id)
    except (TypeError, ValueError):
        raise NotFound from None
    if not 0 < pk <= MAX_ID:  # larger numbers overflow the database's integer
        raise NotFound
    obj = queryset.filter(pk=pk).first()
    if obj is None or (perm is not None and not user.has_perm(perm, obj)):
        raise NotFound
    return obj


def campaign_detail_queryset(user) -> QuerySet:
    return campaigns_for(user).prefetch_related("fields", "levels__criteria")


def initiative_detail_queryset(user) -> QuerySet:
    return (
        Initiative.objects.visible_to(user)
        .select_related("campaign", "unit", "field", "level", "lead_unit", "replicated_from")
        .prefetch_related("coordinating_units", "milestones")
        .annotate(n_replications=Count("replications", distinct=True))
    )


def get_initiative(user, id) -> Initiative:
    return get_or_404(
        user, initiative_detail_queryset(user), id, perm="initiatives.view_initiative"
    )


def get_council(user, id) -> Council:
    councils = Council.objects.visible_to(user).select_related("unit", "level", "campaign")
    return get_or_404(
        user,
        councils.prefetch_related(
            Prefetch("members", queryset=CouncilMember.objects.select_related("home_unit"))
        ),
        id,
        perm="initiatives.view_council",
    )


def get_assignment(user, id) -> Assignment:
    assignments = Assignment.objects.filter(
        council__in=Council.objects.visible_to(user).values("pk")
    ).select_related("council__unit", "council__level", "council__campaign", "initiative__unit")
    assignment = get_or_404(user, assignments, id)
    # The rules and the scoring screen read the members: once.
    seats = CouncilMember.objects.filter(council=assignment.council_id).select_related(
        "user", "home_unit"
    )
    prefetch_related_objects([assignment.council], Prefetch("members", queryset=seats))
    if not user.has_perm("initiatives.view_council", assignment.council):
        raise NotFound
    return assignment


# --- Service errors -------------------------------------------------------------------------

# The state moved on: the move or the sheet no longer applies (409, not the caller's input).
STATE_CODES = frozenset({"invalid_transition", "submitted", "decided"})


def service_error(exc: DjangoValidationError) -> Response:
    """A service's ValidationError as the API answers it."""
    if hasattr(exc, "error_dict"):
        errors = {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
        return Response(errors, status=status.HTTP_400_BAD_REQUEST)
    code = getattr(exc, "code", None) or "invalid"
    body = {"detail": " ".join(exc.messages), "code": code}
    if code in STATE_CODES:
        return Response(body, status=status.HTTP_409_CONFLICT)
    if code == "conflict":
        return Response(body, status=status.HTTP_403_FORBIDDEN)
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def conflict_response(detail: str, code: str) -> Response:
    return Response({"detail": detail, "code": code}, status=status.HTTP_409_CONFLICT)


# --- Schema pieces --------------------------------------------------------------------------


def id_parameter(description) -> OpenApiParameter:
    return OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=description)


CAMPAIGN_ID = id_parameter(gettext_lazy("Campaign id"))
INITIATIVE_ID = id_parameter(gettext_lazy("Initiative id"))
COUNCIL_ID = id_parameter(gettext_lazy("Council id"))
ASSIGNMENT_ID = id_parameter(gettext_lazy("Assignment id (an initiative before a council)"))

NOT_AUTHENTICATED = OpenApiResponse(
    ErrorSerializer, description=gettext_lazy("No valid token or session.")
)


NOT_FOUND = {
    "campaign": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy("No such campaign, or it is outside the caller's scope."),
    ),
    "initiative": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy("No such initiative, or it is outside the caller's scope."),
    ),
    "council": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy(
            "No such council, or the caller neither sits on it nor manages it."
        ),
    ),
    "assignment": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy(
            "No such assignment, or the caller neither sits on its council nor manages it."
        ),
    ),
}


BAD_FILTER = OpenApiResponse(
    OpenApiTypes.OBJECT, description=gettext_lazy("A filter has an invalid value.")
)
INVALID = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=gettext_lazy(
        "Invalid input: messages by field name, or `detail` and `code` for the whole request."
    ),
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description=gettext_lazy("The caller may see it but may not do this."),
)


# --- Campaigns ------------------------------------------------------------------------------


class IdFilter(filters.NumberFilter):
    """A whole number, a positive id unless bounded otherwise; 1.5 or an overflowing id
    answers 400 (the schema reads the type from the model field of the same name)."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class CampaignFilter(filters.FilterSet):
    year = IdFilter(min_value=2000, max_value=2100, help_text=gettext_lazy("Year."))
    unit = UnitIdFilter(
        method="filter_unit", help_text=gettext_lazy("Only campaigns launched by this unit.")
    )
    q = filters.CharFilter(
        method="filter_search",
        max_length=MAX_QUERY_LENGTH,
        help_text=gettext_lazy("Words of the name; accents and case are ignored."),
    )

    class Meta:
        model = Campaign
        fields = ["year", "unit", "q"]

    def filter_unit(self, queryset, name, unit: Unit):
        return queryset.filter(unit=unit)

    def filter_search(self, queryset, name, value: str):
        return queryset.search(value)


@extend_schema(tags=["campaigns"])
class CampaignListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = s.CampaignSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = CampaignFilter
    pagination_class = Pagination

    def get_queryset(self):
        return campaigns_for(self.request.user)

    @extend_schema(
        operation_id="campaigns_list",
        summary=gettext_lazy("List campaigns"),
        description=gettext_lazy(
            "Campaigns the caller takes part in: launched in their scope or above it, "
            "newest year first."
        ),
        responses={200: s.CampaignSerializer(many=True), 400: BAD_FILTER, 401: NOT_AUTHENTICATED},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["campaigns"])
class CampaignDetailView(ApiView):
    @extend_schema(
        operation_id="campaigns_retrieve",
        summary=gettext_lazy("One campaign"),
        description=gettext_lazy(
            "A campaign with its fields, its recognition levels and their rubrics (criteria "
            "with maximum points and weights, pass mark, minimum months of operation), its "
            "quota, windows, the kinds of unit that must register and how a council's "
            "result is aggregated."
        ),
        parameters=[CAMPAIGN_ID],
        responses={
            200: s.CampaignDetailSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["campaign"],
        },
    )
    def get(self, request, id):
        campaign = get_or_404(
            request.user,
            campaign_detail_queryset(request.user),
            id,
            perm="initiatives.view_campaign",
        )
        return Response(s.CampaignDetailSerializer(campaign, context={"request": request}).data)


@extend_schema(tags=["campaigns"])
class CampaignStatisticsView(ApiView):
    @extend_schema(
        operation_id="campaigns_statistics",
        summary=gettext_lazy("Statistics of a campaign"),
        description=gettext_lazy(
            "Initiatives by status, the funnel (how many reached each stage, from the "
            "timeline, so a discontinued model counts where it got to), counts by field and "
            "replications. Callers whose scope covers the launching unit get the whole "
            "campaign; the others taking part get the numbers of their own unit's area "
            "(`area`), as on the statistics page."
        ),
        parameters=[CAMPAIGN_ID],
        responses={
            200: s.CampaignStatisticsSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["campaign"],
        },
    )
    def get(self, request, id):
        campaign = get_or_404(
            request.user, campaigns_for(request.user), id, perm="initiatives.view_campaign"
        )
        area = compliance.scope_root(request.user, campaign)
        if area is None:
            raise NotFound
        if area.pk == campaign.unit_id:
            statistics = campaign_statistics(campaign)
        else:
            statistics = campaign_statistics(campaign, within=area)
        data = {**statistics, "area": area}
        return Response(s.CampaignStatisticsSerializer(data).data)


# --- Initiatives ----------------------------------------------------------------------------


class InitiativeFilter(filters.FilterSet):
    """The filters of ``selectors.ListFilters``, validated (an invalid value answers 400)."""

    campaign = IdFilter(help_text=gettext_lazy("Only this campaign."))
    unit = IdFilter(help_text=gettext_lazy("Only initiatives of this unit and the units under it."))
    field = IdFilter(help_text=gettext_lazy("Only this field (by id)."))
    kind = filters.ChoiceFilter(choices=InitiativeKind.choices)
    status = filters.ChoiceFilter(choices=Status.choices)
    level = IdFilter(
        max_value=100,
        help_text=gettext_lazy("Only those recognised at (or proposed to) the level of this rank."),
    )
    q = filters.CharFilter(
        max_length=MAX_QUERY_LENGTH,
        help_text=gettext_lazy(
            "Words of the name, area, target group or exemplar; accents and case are ignored."
        ),
    )
    sort = filters.ChoiceFilter(
        choices=[(key, key) for key in SORTS],
        empty_label=None,
        help_text=gettext_lazy("Order of the rows; a leading minus reverses it."),
    )

    class Meta:
        model = Initiative
        fields = ["campaign", "unit", "field", "kind", "status", "level", "q", "sort"]

    def list_filters(self) -> ListFilters:
        data = self.form.cleaned_data

        return ListFilters(
            campaign=data.get("campaign"),
            unit=data.get("unit"),
            field=data.get("field"),
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            level=data.get("level"),
            q=data.get("q") or "",
            sort=data.get("sort") or DEFAULT_SORT,
        )

    def filter_queryset(self, queryset):
        # The selector starts from what the caller may see and loads what a row shows.
        return initiative_list(self.request.user, self.list_filters())


@extend_schema(tags=["initiatives"])
class InitiativeListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = s.InitiativeSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = InitiativeFilter
    pagination_class = Pagination

    def get_queryset(self):
        return initiative_list(self.request.user, ListFilters())

    @extend_schema(
        operation_id="initiatives_list",
        summary=gettext_lazy("List initiatives"),
        description=gettext_lazy(
            "Models and exemplars the caller may see: registered in their scope or in a "
            "campaign their scope launched. Same filters and sorts as the list page."
        ),
        responses={
            200: s.InitiativeSerializer(many=True),
            400: BAD_FILTER,
            401: NOT_AUTHENTICATED,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="initiatives_create",
        summary=gettext_lazy("Register a draft"),
        description=gettext_lazy(
            "A draft registration of a unit in a campaign, with its coordinating units and "
            "milestones. Submit it afterwards with the `submit` transition. Answers 403 "
            "when the caller may not register for the unit."
        ),
        request=s.InitiativeCreateSerializer,
        responses={
            201: s.InitiativeDetailSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = s.InitiativeCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            initiative = services.create_initiative(
                actor=request.user, **serializer.service_arguments()
            )
        except DjangoValidationError as exc:
            return service_error(exc)
        initiative = get_initiative(request.user, initiative.pk)
        data = s.InitiativeDetailSerializer(initiative, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["initiatives"])
class InitiativeDetailView(ApiView):
    @extend_schema(
        operation_id="initiatives_retrieve",
        summary=gettext_lazy("One initiative"),
        description=gettext_lazy(
            "The registration with its milestones, and the transitions the caller may fire."
        ),
        parameters=[INITIATIVE_ID],
        responses={
            200: s.InitiativeDetailSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["initiative"],
        },
    )
    def get(self, request, id):
        initiative = get_initiative(request.user, id)
        return Response(s.InitiativeDetailSerializer(initiative, context={"request": request}).data)

    @extend_schema(
        operation_id="initiatives_partial_update",
        summary=gettext_lazy("Edit the registration"),
        description=gettext_lazy(
            "Change fields of the registration while it is a draft or returned for changes. "
            "Lists (coordinating units, milestones) replace the previous ones. Answers 400 "
            "with `code` `not_editable` once it has been submitted."
        ),
        parameters=[INITIATIVE_ID],
        request=s.RegistrationSerializer,
        responses={
            200: s.InitiativeDetailSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND["initiative"],
        },
    )
    def patch(self, request, id):
        initiative = get_initiative(request.user, id)
        if not request.user.has_perm("initiatives.act_for_unit", initiative):
            raise PermissionDenied
        if not request.user.has_perm("initiatives.change_initiative", initiative):
            return Response(
                {
                    "detail": _("The registration can no longer be edited: it is “%(status)s”.")
                    % {"status": initiative.get_status_display()},
                    "code": "not_editable",
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        serializer = s.RegistrationSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        try:
            services.update_initiative(
                actor=request.user, initiative=initiative, **serializer.service_arguments()
            )
        except DjangoValidationError as exc:
            return service_error(exc)
        initiative = get_initiative(request.user, initiative.pk)
        return Response(s.InitiativeDetailSerializer(initiative, context={"request": request}).data)


def _fire(action: str, *, actor, initiative: Initiative, reason: str, text: str) -> None:
    """Call the service of ``action`` (one of ``API_ACTIONS``)."""
    if action == "submit":
        services.submit(actor=actor, initiative=initiative)
    elif action == "return":
        services.return_for_changes(actor=actor, initiative=initiative, reason=reason)
    elif action == "accept":
        services.accept(actor=actor, initiative=initiative, comment=reason)
    elif action == "start":
        services.start(actor=actor, initiative=initiative)
    elif action == "mid_term_review":
        services.mid_term_review(actor=actor, initiative=initiative, comment=reason)
    elif action == "self_assess":
        services.self_assess(actor=actor, initiative=initiative, text=text)
    elif action == "propose":
        services.propose(actor=actor, initiative=initiative, comment=reason)
    elif action == "discontinue":
        services.discontinue(actor=actor, initiative=initiative, reason=reason)
    else:  # pragma: no cover - the serializer only lets API_ACTIONS through
        raise ValueError(action)


def invalid_move_message(action: str, initiative: Initiative) -> str:
    # The service's own message (same msgid), for a move the current status rules out.
    return _("“%(action)s” is not possible while the initiative is “%(status)s”.") % {
        "action": TRANSITIONS[action].label,
        "status": initiative.get_status_display(),
    }


@extend_schema(tags=["initiatives"])
class InitiativeTransitionView(ApiView):
    @extend_schema(
        operation_id="initiatives_transition",
        summary=gettext_lazy("Move an initiative through its lifecycle"),
        description=gettext_lazy(
            "Fire one transition: `submit`, `start` and `self_assess` (with `text`) for the "
            "registering unit; `return`, `accept`, `mid_term_review`, `propose` and "
            "`discontinue` for the launching body's reviewers and leaders. `return`, "
            "`mid_term_review` and `discontinue` need a `reason`. Answers 409 with `code` "
            "`invalid_transition` when the initiative's status does not allow the move "
            "(for instance because someone else moved it first), 403 when the caller may "
            "see the initiative but not fire the move."
        ),
        parameters=[INITIATIVE_ID],
        request=s.MoveSerializer,
        responses={
            200: s.InitiativeDetailSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND["initiative"],
            409: OpenApiResponse(
                s.CodedErrorSerializer,
                description=gettext_lazy("The move is not possible in the current status."),
            ),
        },
    )
    def post(self, request, id):
        initiative = get_initiative(request.user, id)
        serializer = s.MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = serializer.validated_data["action"]
        if not request.user.has_perm(s.action_perm(action), initiative):
            raise PermissionDenied
        if not initiative.can_move(action):
            return conflict_response(invalid_move_message(action, initiative), "invalid_transition")
        try:
            _fire(
                action,
                actor=request.user,
                initiative=initiative,
                reason=serializer.validated_data["reason"],
                text=serializer.validated_data["text"],
            )
        except DjangoValidationError as exc:
            return service_error(exc)
        initiative = get_initiative(request.user, initiative.pk)
        return Response(s.InitiativeDetailSerializer(initiative, context={"request": request}).data)


@extend_schema(tags=["initiatives"])
class InitiativeTimelineView(ApiView):
    @extend_schema(
        operation_id="initiatives_timeline",
        summary=gettext_lazy("Timeline of an initiative"),
        description=gettext_lazy(
            "Every move of its lifecycle, oldest first: the action, the statuses before and "
            "after, who acted, when, why, and the level concerned."
        ),
        parameters=[INITIATIVE_ID],
        responses={
            200: s.TransitionSerializer(many=True),
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["initiative"],
        },
    )
    def get(self, request, id):
        initiative = get_or_404(
            request.user,
            Initiative.objects.visible_to(request.user).select_related("campaign__unit", "unit"),
            id,
            perm="initiatives.view_initiative",
        )
        transitions = initiative.transitions.select_related("actor", "level").order_by("at", "pk")
        return Response(s.TransitionSerializer(transitions, many=True).data)


# --- Councils -------------------------------------------------------------------------------


def own_seat(user, council: Council) -> CouncilMember | None:
    """The caller's seat on the council (``members`` prefetched), or None."""
    return next((m for m in council.members.all() if m.user_id == user.pk), None)


def conflict_check(user, council: Council, seat: CouncilMember | None):
    """A function telling whether the caller may not score an assignment; None without a
    seat. The caller's unit paths are read once, so a list costs no query per row."""
    if seat is None:
        return None
    paths = member_unit_paths(user)
    if seat.home_unit is not None:
        paths.append(seat.home_unit.path)
    return lambda assignment: has_conflict(
        paths, assignment.initiative.unit.path, council.unit.path
    )


@extend_schema(tags=["councils"])
class CouncilAssignmentListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = s.AssignmentSerializer
    pagination_class = Pagination
    filter_backends = []
    queryset = Assignment.objects.none()  # for the schema; get_queryset does the work

    def get_council(self) -> Council:
        if not hasattr(self, "_council"):
            self._council = get_council(self.request.user, self.kwargs["id"])
        return self._council

    def get_queryset(self):
        council = self.get_council()
        own_sheets = ScoreSheet.objects.filter(
            member__council=council, member__user=self.request.user
        )
        return (
            council.assignments.select_related("initiative__unit")
            .prefetch_related(Prefetch("sheets", queryset=own_sheets, to_attr="own_sheets"))
            .annotate(n_submitted=Count("sheets", filter=Q(sheets__submitted_at__isnull=False)))
            .order_by("rank", "initiative__unit__path", "pk")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        council = self.get_council()
        context["conflict"] = conflict_check(
            self.request.user, council, own_seat(self.request.user, council)
        )
        return context

    @extend_schema(
        operation_id="councils_assignments_list",
        summary=gettext_lazy("Initiatives before a council"),
        description=gettext_lazy(
            "For the council's members and those who manage it: each initiative put before "
            "the council, whether the caller's own sheet is submitted, whether the caller "
            "has a conflict of interest, and the result once decided."
        ),
        parameters=[COUNCIL_ID],
        responses={
            200: s.AssignmentSerializer(many=True),
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["council"],
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def score_board(user, assignment: Assignment) -> dict:
    """What the scoring screen shows one caller (see ``ScoreBoardSerializer``)."""
    council = assignment.council
    seat = own_seat(user, council)
    criteria = list(council.level.criteria.all())
    sheets = list(
        assignment.sheets.select_related("member__user").prefetch_related("scores").order_by("pk")
    )
    own = next((sheet for sheet in sheets if seat and sheet.member_id == seat.pk), None)
    check = conflict_check(user, council, seat)
    others_visible = (
        council.status == CouncilStatus.DECIDED
        or (own is not None and own.submitted_at is not None)
        or user.has_perm("initiatives.manage_council", council)
    )
    others = [
        {
            **s.SheetSerializer.shape(sheet, criteria),
            "member": {
                "id": sheet.member.pk,
                "user": sheet.member.user,
                "is_chair": sheet.member.is_chair,
            },
        }
        for sheet in sheets
        if others_visible and sheet.submitted_at is not None and sheet is not own
    ]
    return {
        "assignment": assignment.pk,
        "initiative": assignment.initiative,
        "council": council,
        "level": council.level,
        "criteria": criteria,
        "is_member": seat is not None,
        "conflict": bool(check and check(assignment)),
        "sheet": s.SheetSerializer.shape(own, criteria) if seat is not None else None,
        "others_visible": others_visible,
        "others": others,
    }


@extend_schema(tags=["councils"])
class AssignmentScoresView(ApiView):
    @extend_schema(
        operation_id="assignments_scores_retrieve",
        summary=gettext_lazy("Score sheets of an initiative before a council"),
        description=gettext_lazy(
            "The caller's own sheet (points and comment per criterion, whether submitted) "
            "and the rubric. The other members' sheets stay hidden until the caller has "
            "submitted, unless the council has decided or the caller manages it."
        ),
        parameters=[ASSIGNMENT_ID],
        responses={
            200: s.ScoreBoardSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["assignment"],
        },
    )
    def get(self, request, id):
        assignment = get_assignment(request.user, id)
        return Response(s.ScoreBoardSerializer(score_board(request.user, assignment)).data)

    @extend_schema(
        operation_id="assignments_scores_update",
        summary=gettext_lazy("Save or submit the caller's scores"),
        description=gettext_lazy(
            "Save the caller's points (0 to each criterion's maximum) and comments; with "
            "`submit` the sheet is final and every criterion must be scored. A point out of "
            "range answers 400 with the messages by criterion id under `scores`. 403 with "
            "`code` `conflict` when the caller's own unit registered the initiative; 409 "
            "when the sheet is already submitted or the council has decided."
        ),
        parameters=[ASSIGNMENT_ID],
        request=s.ScoreSheetInputSerializer,
        responses={
            200: s.ScoreBoardSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: OpenApiResponse(
                s.CodedErrorSerializer,
                description=gettext_lazy(
                    "Not a member of the council, or a conflict of interest (`conflict`)."
                ),
            ),
            404: NOT_FOUND["assignment"],
            409: OpenApiResponse(
                s.CodedErrorSerializer,
                description=gettext_lazy(
                    "The sheet is already submitted (`submitted`) or the council has "
                    "decided (`decided`)."
                ),
            ),
        },
    )
    def put(self, request, id):
        assignment = get_assignment(request.user, id)
        serializer = s.ScoreSheetInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not request.user.has_perm("initiatives.score_in_council", assignment.council):
            raise PermissionDenied
        if assignment.council.status != CouncilStatus.OPEN:
            return conflict_response(_("The council has decided; scores are closed."), "decided")
        rows = serializer.validated_data["scores"]
        try:
            services.save_scores(
                actor=request.user,
                assignment=assignment,
                points={row["criterion"]: row["points"] for row in rows},
                comments={row["criterion"]: row["comment"] for row in rows},
                overall_comment=serializer.validated_data["comment"],
                submit=serializer.validated_data["submit"],
            )
        except DjangoValidationError as exc:
            return score_error(exc)
        assignment = get_assignment(request.user, assignment.pk)
        return Response(s.ScoreBoardSerializer(score_board(request.user, assignment)).data)


def score_error(exc: DjangoValidationError) -> Response:
    """``save_scores`` names its fields ``points_<criterion id>``: answer them by criterion."""
    if not hasattr(exc, "error_dict"):
        return service_error(exc)
    by_criterion = {}
    others = {}
    for field, messages in exc.message_dict.items():
        if field.startswith("points_"):
            by_criterion[field.removeprefix("points_")] = messages
        else:
            others[field] = messages
    body = {**others, "scores": by_criterion} if by_criterion else others
    return Response(body, status=status.HTTP_400_BAD_REQUEST)
