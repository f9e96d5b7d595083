"""API views: thin, reading through the same querysets, selectors and rules as the pages."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework import generics
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from danvan.api import serializers
from danvan.api.filters import MembershipFilter, UnitFilter
from danvan.api.services import issue_token
from danvan.orgs.models import Membership, Unit, UnitQuerySet
from danvan.orgs.selectors import membership_units, unit_history

# Token first: a request without credentials then answers 401 with a WWW-Authenticate
# header (DRF takes the header from the first class) instead of a bare 403.
AUTHENTICATION_CLASSES = [TokenAuthentication, SessionAuthentication]

UNIT_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("Unit id"))
NOT_AUTHENTICATED = OpenApiResponse(
    serializers.ErrorSerializer, description=_("No valid token or session.")
)
NOT_FOUND = OpenApiResponse(serializers.ErrorSerializer, description=_("No such unit."))


MAX_ID = 2**63 - 1


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def units_with_parent(queryset: UnitQuerySet) -> UnitQuerySet:
    """Annotate ``parent_pk`` from the materialised path: one subquery, no query per row."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen)
    parents = Unit.objects.filter(path=parent_path).order_by().values("pk")[:1]
    return queryset.annotate(parent_pk=Subquery(parents))


def get_unit_or_404(unit_id) -> Unit:
    """The unit with ``unit_id`` (a string from the URL), else a plain 404."""
    try:
        pk = int(unit_id)
    except (TypeError, ValueError):
        raise NotFound from None
    if not 0 < pk <= MAX_ID:  # larger numbers overflow the database's integer
        raise NotFound
    unit = units_with_parent(Unit.objects.filter(pk=pk)).first()
    if unit is None:
        raise NotFound
    return unit


class ApiView(APIView):
    authentication_classes = AUTHENTICATION_CLASSES


class TokenView(ApiView):
    """Exchange a username (or e-mail address) and password for an API token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = serializers.TokenRequestSerializer

    @extend_schema(
        operation_id="auth_token_obtain",
        summary=_("Obtain an API token"),
        description=_(
            "Log in with a username or an e-mail address and a password. The same token is "
            "returned on every login; send it as the header `Authorization: Token <token>`. "
            "After repeated failures the username is locked out for a while (429)."
        ),
        request=serializers.TokenRequestSerializer,
        responses={
            200: serializers.TokenSerializer,
            400: OpenApiResponse(
                serializers.TokenErrorSerializer,
                description=_("Missing fields or wrong username or password."),
            ),
            429: OpenApiResponse(
                serializers.ErrorSerializer, description=_("Too many failed attempts.")
            ),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = serializers.TokenRequestSerializer(
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        token = issue_token(user=serializer.validated_data["user"], request=request)
        return Response(serializers.TokenSerializer({"token": token.key}).data)


class MeView(ApiView):
    @extend_schema(
        operation_id="me",
        summary=_("The caller"),
        responses={200: serializers.MeSerializer, 401: NOT_AUTHENTICATED},
        tags=["me"],
    )
    def get(self, request):
        user = request.user
        memberships = (
            Membership.objects.active()
            .filter(user=user)
            .select_related("unit")
            .order_by("unit__depth", "unit__name", "role")
        )
        context = {
            "request": request,
            "memberships": memberships,
            "working_unit": _working_unit(request),
        }
        return Response(serializers.MeSerializer(user, context=context).data)


def _working_unit(request) -> Unit | None:
    # Set lazily by WorkingUnitMiddleware; a lazy object around None is falsy.
    unit = getattr(request, "working_unit", None)
    if unit:
        return unit
    units = membership_units(request.user)
    return units[0] if units else None


@extend_schema(tags=["units"])
class UnitListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = serializers.UnitSerializer
    filterset_class = UnitFilter
    pagination_class = Pagination

    def get_queryset(self):
        # Unit names are public: every unit is listed, whatever the caller's scope.
        return units_with_parent(Unit.objects.order_by("path"))

    @extend_schema(
        operation_id="units_list",
        summary=_("List units"),
        description=_("Every unit of the tree, in tree order (each unit before its children)."),
        responses={
            200: serializers.UnitSerializer(many=True),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description=_("A filter has an invalid value.")
            ),
            401: NOT_AUTHENTICATED,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["units"])
class UnitDetailView(ApiView):
    @extend_schema(
        operation_id="units_retrieve",
        summary=_("One unit"),
        description=_("A unit with the units above it and its predecessors and successors."),
        parameters=[UNIT_ID],
        responses={200: serializers.UnitDetailSerializer, 401: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request, id):
        unit = get_unit_or_404(id)
        predecessor_links, successor_links = unit_history(unit)
        context = {
            "request": request,
            "ancestors": list(Unit.objects.get_ancestors(unit)),
            "predecessor_links": predecessor_links,
            "successor_links": successor_links,
        }
        return Response(serializers.UnitDetailSerializer(unit, context=context).data)


@extend_schema(tags=["units"])
class UnitMembershipListView(generics.ListAPIView):
    """Memberships at a unit and below it, for callers whose scope covers the unit."""

    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = serializers.MembershipSerializer
    filterset_class = MembershipFilter
    pagination_class = Pagination
    queryset = Membership.objects.none()  # for the schema; get_queryset does the work

    def get_queryset(self):
        unit = get_unit_or_404(self.kwargs["id"])
        # Out of scope answers like a missing unit, so nobody learns what lies outside.
        if not self.request.user.has_perm("orgs.view_unit_members", unit):
            raise NotFound
        return (
            Membership.objects.within(unit)
            .select_related("user", "unit")
            .order_by("unit__path", "role", "user__username", "pk")
        )

    @extend_schema(
        operation_id="units_memberships_list",
        summary=_("Memberships at a unit and below"),
        description=_(
            "Active and revoked memberships held at the unit or anywhere under it. "
            "Answers 404 when the unit is outside the caller's scope."
        ),
        parameters=[UNIT_ID],
        responses={
            200: serializers.MembershipSerializer(many=True),
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


SWAGGER_UI_STATIC = "drf_spectacular_sidecar/swagger-ui-dist"


class DocsView(SpectacularSwaggerView):
    """Swagger UI served from our own static files (drf-spectacular-sidecar), never a CDN,
    whatever SPECTACULAR_SETTINGS says."""

    url_name = "api-schema"
    permission_classes = [AllowAny]

    @staticmethod
    def _swagger_ui_resource(filename):
        return static(f"{SWAGGER_UI_STATIC}/{filename}")

    @staticmethod
    def _swagger_ui_favicon():
        return static(f"{SWAGGER_UI_STATIC}/favicon-32x32.png")
