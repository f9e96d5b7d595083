"""API views of citizens' affairs: letters (respecting the seal), their timeline and moves,
receptions, dialogues, disclosures, the deadline calculator and the public tracking lookup.

Thin, through the petitions app's services, selectors and rules, as the pages are. Every list
starts from what the caller may see (the apps' ``visible_*`` selectors); anything
outside answers 404 exactly like a missing id; 403 only for something the caller may see but
not do. A move the letter's status does not allow answers 409 (``invalid_transition``), a
wrong field 400.

The seal: no response here carries the citizen's identity except ``letters/{id}/identity/``,
which reads it through ``services.read_identity`` (permission check and access log).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from danvan.api import citizen_serializers as s
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
from danvan.dialogues.models import (
    Dialogue,
    DialogueKind,
    DialogueRequest,
    DisclosureCategory,
    DisclosureChannel,
    DisclosureItem,
    RequestStatus,
    Topic,
)
from danvan.dialogues.selectors import (
    visible_dialogues,
    visible_disclosures,
    visible_requests,
)
from danvan.orgs.models import Unit
from danvan.petitions import deadlines, services
from danvan.petitions.filters import DUE_SOON_DAYS, SORTS, DueState
from danvan.petitions.models import (
    IDENTITY_FIELDS,
    PUBLIC_ACTIONS,
    Letter,
    LetterAction,
    LetterEvent,
    LetterKind,
    LetterStatus,
    Reception,
    ReceptionClass,
    ReceptionFrequency,
    ReceptionKind,
    ReceptionOutcome,
    ReceptionSchedule,
    Step,
    SubjectArea,
    Track,
    normalize_code,
)
from danvan.petitions.selectors import (
    due_q,
    visible_letters,
    visible_receptions,
    visible_schedules,
)
from danvan.portal import antiabuse

# --- Schema pieces --------------------------------------------------------------------------

LETTER_ID = id_parameter(gettext_lazy("Letter id"))
RECEPTION_ID = id_parameter(gettext_lazy("Reception id"))
DIALOGUE_ID = id_parameter(gettext_lazy("Dialogue id"))
DISCLOSURE_ID = id_parameter(gettext_lazy("Disclosure id"))


NOT_FOUND = {
    "letter": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy("No such letter, or it is outside the caller's scope."),
    ),
    "reception": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy("No such reception, or it is outside the caller's scope."),
    ),
    "dialogue": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy("No such dialogue, or it is outside the caller's scope."),
    ),
    "disclosure": OpenApiResponse(
        ErrorSerializer,
        description=gettext_lazy("No such disclosure, or it is outside the caller's scope."),
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
        field_name=field,
        lookup_expr=lookup,
        input_formats=DATE_INPUT_FORMATS,
        help_text=help_text,
    )


def _q(help_text) -> filters.CharFilter:
    return filters.CharFilter(
        method="filter_search", max_length=MAX_QUERY_LENGTH, help_text=help_text
    )


# --- Letters --------------------------------------------------------------------------------


class LetterFilter(filters.FilterSet):
    unit = UnitIdFilter(
        method="filter_unit",
        help_text=gettext_lazy("Only letters resolved by this unit or a unit under it."),
    )
    kind = filters.ChoiceFilter(choices=LetterKind.choices)
    status = filters.ChoiceFilter(choices=LetterStatus.choices)
    subject_area = filters.ChoiceFilter(choices=SubjectArea.choices)
    due = filters.ChoiceFilter(
        choices=DueState.choices,
        method="filter_due",
        help_text=format_lazy(
            gettext_lazy(
                "overdue: open letters past their current deadline; due_soon: open letters "
                "due today or within {days} days; on_track: the other open letters."
            ),
            days=DUE_SOON_DAYS,
        ),
    )
    received_from = _date(
        "received_on", "gte", gettext_lazy("Received on or after this day (YYYY-MM-DD).")
    )
    received_to = _date(
        "received_on", "lte", gettext_lazy("Received on or before this day (YYYY-MM-DD).")
    )
    q = _q(
        gettext_lazy(
            "Words of the tracking code, subject or content; accents and case are ignored. "
            "Never matches a sealed identity."
        )
    )
    sort = filters.ChoiceFilter(
        choices=[(key, key) for key in SORTS],
        method="filter_sort",
        empty_label=None,
        help_text=gettext_lazy(
            "Order of the rows, as on the list page: by day received (newest first by "
            "default), current deadline (letters without one last), unit or status; a "
            "leading minus reverses it."
        ),
    )

    class Meta:
        model = Letter
        fields = [
            "unit",
            "kind",
            "status",
            "subject_area",
            "due",
            "received_from",
            "received_to",
            "q",
            "sort",
        ]

    filter_unit = _subtree("unit")
    filter_search = _search

    def filter_due(self, queryset, name, value: str):
        # The list page's own definition, on the stored (indexed) current deadline.
        return queryset.filter(due_q(value, _today()))

    def filter_sort(self, queryset, name, value: str):
        return queryset.order_by(*SORTS[value])


def letter_queryset(user) -> QuerySet:
    # The identity is never shown here, so it is never even read (nor decrypted).
    return (
        visible_letters(user)
        .select_related("unit", "received_unit")
        .defer(*IDENTITY_FIELDS, "search_text")
    )


def get_letter(user, id) -> Letter:
    return get_or_404(user, letter_queryset(user), id, perm="petitions.view_letter")


def _letter_context(request) -> dict:
    return {"request": request, "today": _today(), "rules": deadlines.RuleBook.load()}


def _detail(request, letter: Letter) -> dict:
    return s.LetterDetailSerializer(letter, context=_letter_context(request)).data


@extend_schema(tags=["letters"])
class LetterListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = s.LetterSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = LetterFilter
    pagination_class = Pagination

    def get_queryset(self):
        return letter_queryset(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **_letter_context(self.request)}

    @extend_schema(
        operation_id="letters_list",
        summary=gettext_lazy("List letters"),
        description=gettext_lazy(
            "Complaints, denunciations, petitions and feedback the caller may see: resolved or "
            "received by a unit in their scope. Each row carries its stored deadlines and the "
            "days left. The citizen's identity is never part of a row, sealed or not: read it "
            "through the identity endpoint."
        ),
        responses={200: s.LetterSerializer(many=True), 400: BAD_FILTER, 401: NOT_AUTHENTICATED},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="letters_create",
        summary=gettext_lazy("Record a letter received"),
        description=gettext_lazy(
            "Intake at a unit where the caller records letters (403 otherwise). A "
            "denunciation's identity is always sealed; an anonymous letter keeps no "
            "identity. The deadlines are computed from the rules in force. Attach the letter "
            "as received with `documents` in a multipart/form-data request."
        ),
        request={
            "application/json": s.LetterCreateSerializer,
            "multipart/form-data": s.LetterCreateSerializer,
        },
        responses={
            201: s.LetterDetailSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = s.LetterCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        if not request.user.has_perm("petitions.add_letter", arguments["unit"]):
            raise PermissionDenied(_("You may not record letters for this unit."))
        try:
            letter = services.receive_letter(actor=request.user, **arguments)
        except DjangoValidationError as exc:
            return service_error(exc)
        letter = get_letter(request.user, letter.pk)
        return Response(_detail(request, letter), status=status.HTTP_201_CREATED)


@extend_schema(tags=["letters"])
class LetterDetailView(ApiView):
    @extend_schema(
        operation_id="letters_retrieve",
        summary=gettext_lazy("One letter"),
        description=gettext_lazy(
            "A letter with its content, deadlines, outcome and answer, the moves the caller "
            "may fire, and whether the caller may read the identity. Never the identity."
        ),
        parameters=[LETTER_ID],
        responses={
            200: s.LetterDetailSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["letter"],
        },
    )
    def get(self, request, id):
        return Response(_detail(request, get_letter(request.user, id)))


@extend_schema(tags=["letters"])
class LetterEventsView(ApiView):
    @extend_schema(
        operation_id="letters_events",
        summary=gettext_lazy("Timeline of a letter"),
        description=gettext_lazy(
            "Every step, oldest first: public ones (those the citizen sees by the tracking "
            "code) and internal ones (assignment, notes, escalation…), with the decision or "
            "notice numbers."
        ),
        parameters=[LETTER_ID],
        responses={
            200: s.LetterEventSerializer(many=True),
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["letter"],
        },
    )
    def get(self, request, id):
        letter = get_letter(request.user, id)
        events = letter.events.select_related("actor", "from_unit", "to_unit").order_by("at", "pk")
        return Response(s.LetterEventSerializer(events, many=True).data)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@extend_schema(tags=["letters"])
class LetterIdentityView(ApiView):
    @extend_schema(
        operation_id="letters_identity",
        summary=gettext_lazy("Read the citizen's identity"),
        description=gettext_lazy(
            "The name, ID number, address, phone and e-mail of the letter's author. A sealed "
            "identity (every denunciation; a complaint on request) is answered only to the "
            "assigned handler and the leaders of the resolving unit, and every read is "
            "logged with its purpose for the inspectorate. 403 for anyone else who may see "
            "the letter; 404 for those who may not."
        ),
        parameters=[LETTER_ID],
        request=s.IdentityRequestSerializer,
        responses={
            200: s.IdentitySerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer,
                description=gettext_lazy("The caller may see the letter but not its identity."),
            ),
            404: NOT_FOUND["letter"],
        },
    )
    def post(self, request, id):
        letter = get_or_404(
            request.user,
            visible_letters(request.user).select_related("unit", "received_unit"),
            id,
            perm="petitions.view_letter",
        )
        if not request.user.has_perm("petitions.read_identity", letter):
            raise PermissionDenied(_("The identity of this letter is sealed."))
        serializer = s.IdentityRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        identity = services.read_identity(
            user=request.user,
            letter=letter,
            purpose=serializer.validated_data["purpose"],
            ip_address=client_ip(request),
        )
        response = Response(s.IdentitySerializer({**identity, "sealed": letter.confidential}).data)
        response["Cache-Control"] = "no-store"
        return response


# Moves that take files (the service records them as the notice, decision or answer).
FILE_MOVES = frozenset({"accept", "refuse", "extend", "resolve"})


def _fire(action: str, *, actor, letter: Letter, data: dict) -> Letter:
    """Call the service of ``action`` (one of ``MOVES``) with the fields it takes."""
    on = data.get("on") or _today()
    documents = data.get("documents") or []
    if action == "accept":
        return services.accept(
            actor=actor,
            letter=letter,
            on=on,
            complexity=data["complexity"],
            note=data["note"],
            document_number=data["document_number"],
            documents=documents,
        )
    if action == "refuse":
        return services.refuse(
            actor=actor,
            letter=letter,
            on=on,
            reason=data["reason"],
            document_number=data["document_number"],
            documents=documents,
        )
    if action == "assign":
        return services.assign(
            actor=actor, letter=letter, handler=data["handler"], note=data["note"]
        )
    if action == "transfer":
        return services.transfer(
            actor=actor,
            letter=letter,
            to_unit=data["to_unit"],
            on=on,
            note=data["note"],
            document_number=data["document_number"],
        )
    if action == "forward":
        return services.forward(
            actor=actor,
            letter=letter,
            to_body=data["to_body"],
            on=on,
            note=data["note"],
            document_number=data["document_number"],
        )
    if action == "archive":
        return services.archive(actor=actor, letter=letter, reason=data["reason"])
    if action == "extend":
        return services.extend(
            actor=actor,
            letter=letter,
            days=data["days"],
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            signer=data["signer"],
            note=data["note"],
            documents=documents,
        )
    if action == "resolve":
        return services.resolve(
            actor=actor,
            letter=letter,
            on=on,
            outcome=data["outcome"],
            answer=data["answer"],
            decision_number=data["decision_number"],
            decision_date=data.get("decision_date"),
            signer=data["signer"],
            documents=documents,
        )
    if action == "seal":
        return services.seal(actor=actor, letter=letter, note=data["note"])
    raise ValueError(action)  # pragma: no cover - the serializer only lets MOVES through


def invalid_move_message(action: str, letter: Letter) -> str:
    # The service's own message (same msgid), for a move the current status rules out.
    return _("This letter is “%(status)s”: it cannot be “%(action)s” now.") % {
        "status": letter.get_status_display(),
        "action": LetterAction(s.MOVES[action]).label,
    }


@extend_schema(tags=["letters"])
class LetterTransitionView(ApiView):
    @extend_schema(
        operation_id="letters_transition",
        summary=gettext_lazy("Move a letter along its track"),
        description=gettext_lazy(
            "Fire one move, for write roles over the resolving unit (403 for others who may "
            "see the letter):\n\n"
            "- `accept` (`on`, `complexity`, `note`, `document_number`, files): starts the "
            "resolution clock;\n"
            "- `refuse` (`reason` required, sent to the citizen; `on`, `document_number`, "
            "files);\n"
            "- `assign` (`handler` required: an officer or leader of the resolving unit);\n"
            "- `transfer` (`to_unit` required; `on`, `note`, `document_number`): to the "
            "competent unit, the clock restarts there;\n"
            "- `forward` (`to_body` required; `on`, `note`, `document_number`): to a body "
            "outside danvan, the letter closes here;\n"
            "- `archive` (`reason` required): filed without processing;\n"
            "- `extend` (`days`, `decision_number`, `decision_date` required; `signer`, "
            "`note`, files): only within the extensions the rule allows;\n"
            "- `resolve` (`outcome`, `answer` required; `decision_number` required for a "
            "complaint or a denunciation; `decision_date`, `signer`, files);\n"
            "- `seal` (`note`): seal the identity of a complainant who asked for it.\n\n"
            "Dates default to today and cannot be in the future. Files go in `documents` of "
            "a multipart/form-data request. Answers 409 with `code` `invalid_transition` "
            "when the letter's status does not allow the move (for instance because someone "
            "else moved it first), 400 with messages by field for a wrong or missing field."
        ),
        parameters=[LETTER_ID],
        request={
            "application/json": s.LetterMoveSerializer,
            "multipart/form-data": s.LetterMoveSerializer,
        },
        responses={
            200: s.LetterDetailSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND["letter"],
            409: OpenApiResponse(
                CodedErrorSerializer,
                description=gettext_lazy("The move is not possible in the letter's status."),
            ),
        },
    )
    def post(self, request, id):
        letter = get_letter(request.user, id)
        serializer = s.LetterMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        action = data["action"]
        if not request.user.has_perm("petitions.change_letter", letter):
            raise PermissionDenied
        if not s.move_allowed(action, letter):
            return conflict_response(invalid_move_message(action, letter), "invalid_transition")
        errors = serializer.missing()
        if data.get("documents") and action not in FILE_MOVES:
            errors["documents"] = [_("This move takes no files.")]
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            moved = _fire(action, actor=request.user, letter=letter, data=data)
        except DjangoValidationError as exc:
            if not hasattr(exc, "error_dict"):
                # Someone else moved the letter between our check and the service's lock.
                letter.refresh_from_db(fields=["status"])
                if not s.move_allowed(action, letter):
                    return conflict_response(
                        invalid_move_message(action, letter), "invalid_transition"
                    )
            return service_error(exc)
        # A transfer may take the letter out of the caller's scope: they made the move, so
        # they are shown its outcome (never the identity, as everywhere).
        letter = letter_queryset(request.user).filter(pk=moved.pk).first()
        if letter is None:
            letter = (
                Letter.objects.select_related("unit", "received_unit")
                .defer(*IDENTITY_FIELDS, "search_text")
                .get(pk=moved.pk)
            )
        return Response(_detail(request, letter))


# --- Receptions -----------------------------------------------------------------------------


class ReceptionFilter(filters.FilterSet):
    unit = UnitIdFilter(
        method="filter_unit",
        help_text=gettext_lazy("Only receptions of this unit or a unit under it."),
    )
    kind = filters.ChoiceFilter(choices=ReceptionKind.choices)
    classification = filters.ChoiceFilter(choices=ReceptionClass.choices)
    outcome = filters.ChoiceFilter(choices=ReceptionOutcome.choices)
    date_from = _date("received_on", "gte", gettext_lazy("On or after this day (YYYY-MM-DD)."))
    date_to = _date("received_on", "lte", gettext_lazy("On or before this day (YYYY-MM-DD)."))
    q = _q(
        gettext_lazy(
            "Words of the receiving official or the content; accents and case are ignored."
        )
    )

    class Meta:
        model = Reception
        fields = ["unit", "kind", "classification", "outcome", "date_from", "date_to", "q"]

    filter_unit = _subtree("unit")
    filter_search = _search


def reception_queryset(user) -> QuerySet:
    return visible_receptions(user).select_related("unit")


@extend_schema(tags=["receptions"])
class ReceptionListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = s.ReceptionSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ReceptionFilter
    pagination_class = Pagination

    def get_queryset(self):
        return reception_queryset(self.request.user)

    @extend_schema(
        operation_id="receptions_list",
        summary=gettext_lazy("Citizen-reception register"),
        description=gettext_lazy(
            "Receptions held by units in the caller's scope, newest first: who received, how "
            "many citizens, the content, classification and outcome, and the letter it "
            "produced. The citizen's name and address are never part of it."
        ),
        responses={
            200: s.ReceptionSerializer(many=True),
            400: BAD_FILTER,
            401: NOT_AUTHENTICATED,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["receptions"])
class ReceptionDetailView(ApiView):
    @extend_schema(
        operation_id="receptions_retrieve",
        summary=gettext_lazy("One reception"),
        parameters=[RECEPTION_ID],
        responses={
            200: s.ReceptionSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["reception"],
        },
    )
    def get(self, request, id):
        reception = get_or_404(
            request.user,
            reception_queryset(request.user),
            id,
            perm="petitions.view_reception",
        )
        return Response(s.ReceptionSerializer(reception, context={"request": request}).data)


class ReceptionScheduleFilter(filters.FilterSet):
    unit = UnitIdFilter(
        method="filter_unit",
        help_text=gettext_lazy("Only schedules of this unit or a unit under it."),
    )
    frequency = filters.ChoiceFilter(choices=ReceptionFrequency.choices)
    valid_on = filters.DateFilter(
        method="filter_valid_on",
        input_formats=DATE_INPUT_FORMATS,
        help_text=gettext_lazy("Only schedules in force on this day (YYYY-MM-DD)."),
    )

    class Meta:
        model = ReceptionSchedule
        fields = ["unit", "frequency", "valid_on"]

    filter_unit = _subtree("unit")

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=value), valid_from__lte=value
        )


@extend_schema(tags=["receptions"])
class ReceptionScheduleListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = s.ReceptionScheduleSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ReceptionScheduleFilter
    pagination_class = Pagination

    def get_queryset(self):
        return visible_schedules(self.request.user).select_related("unit")

    @extend_schema(
        operation_id="reception_schedules_list",
        summary=gettext_lazy("Leaders' reception schedules"),
        description=gettext_lazy(
            "The regular citizen-reception days of leaders of units in the caller's scope "
            "(commune chair at least one day a week, province chair one day a month)."
        ),
        responses={
            200: s.ReceptionScheduleSerializer(many=True),
            400: BAD_FILTER,
            401: NOT_AUTHENTICATED,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- Dialogues ------------------------------------------------------------------------------


class DialogueFilter(filters.FilterSet):
    unit = UnitIdFilter(
        method="filter_unit",
        help_text=gettext_lazy("Only dialogues held by this unit or a unit under it."),
    )
    kind = filters.ChoiceFilter(choices=DialogueKind.choices)
    topic = filters.ChoiceFilter(choices=Topic.choices)
    held_from = _date("held_on", "gte", gettext_lazy("Held on or after this day (YYYY-MM-DD)."))
    held_to = _date("held_on", "lte", gettext_lazy("Held on or before this day (YYYY-MM-DD)."))
    is_published = filters.BooleanFilter(help_text=gettext_lazy("Published on the portal."))
    q = _q(gettext_lazy("Words of the title, place, chair or summary."))

    class Meta:
        model = Dialogue
        fields = ["unit", "kind", "topic", "held_from", "held_to", "is_published", "q"]

    filter_unit = _subtree("unit")
    filter_search = _search


def dialogue_queryset(user) -> QuerySet:
    return (
        visible_dialogues(user)
        .select_related("unit")
        .annotate(
            n_requests=Count("requests", distinct=True),
            n_answered=Count(
                "requests", filter=Q(requests__status=RequestStatus.ANSWERED), distinct=True
            ),
        )
        .order_by("-held_on", "-pk")
    )


@extend_schema(tags=["dialogues"])
class DialogueListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = s.DialogueSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = DialogueFilter
    pagination_class = Pagination

    def get_queryset(self):
        return dialogue_queryset(self.request.user)

    @extend_schema(
        operation_id="dialogues_list",
        summary=gettext_lazy("List dialogues"),
        description=gettext_lazy(
            "Dialogues and listening conferences held by units in the caller's scope, newest "
            "first, with how many requests were raised and answered."
        ),
        responses={200: s.DialogueSerializer(many=True), 400: BAD_FILTER, 401: NOT_AUTHENTICATED},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["dialogues"])
class DialogueDetailView(ApiView):
    @extend_schema(
        operation_id="dialogues_retrieve",
        summary=gettext_lazy("One dialogue"),
        description=gettext_lazy(
            "A dialogue with every request raised: owner unit, due date, status, answer and "
            "whether it is published. Who raised a request is internal and never shown."
        ),
        parameters=[DIALOGUE_ID],
        responses={
            200: s.DialogueDetailSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["dialogue"],
        },
    )
    def get(self, request, id):
        requests = DialogueRequest.objects.select_related("owner_unit").order_by("number")
        queryset = dialogue_queryset(request.user).prefetch_related(
            Prefetch("requests", queryset=requests)
        )
        dialogue = get_or_404(request.user, queryset, id, perm="dialogues.view_dialogue")
        return Response(s.DialogueDetailSerializer(dialogue, context={"request": request}).data)


class DialogueRequestFilter(filters.FilterSet):
    owner_unit = UnitIdFilter(
        method="filter_owner_unit",
        help_text=gettext_lazy("Only requests owned by this unit or a unit under it."),
    )
    dialogue = IdFilter(help_text=gettext_lazy("Only the requests of this dialogue."))
    status = filters.ChoiceFilter(choices=RequestStatus.choices)
    overdue = filters.BooleanFilter(
        method="filter_overdue",
        help_text=gettext_lazy(
            "true: only requests still awaiting an answer after their due date; false: the others."
        ),
    )

    class Meta:
        model = DialogueRequest
        fields = ["owner_unit", "dialogue", "status", "overdue"]

    filter_owner_unit = _subtree("owner_unit")

    def filter_overdue(self, queryset, name, value: bool):
        overdue = Q(status=RequestStatus.OPEN, due_on__lt=_today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


@extend_schema(tags=["dialogues"])
class DialogueRequestListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = s.DialogueRequestSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = DialogueRequestFilter
    pagination_class = Pagination

    def get_queryset(self):
        return (
            visible_requests(self.request.user)
            .select_related("dialogue__unit", "owner_unit")
            .order_by("due_on", "dialogue_id", "number")
        )

    @extend_schema(
        operation_id="dialogue_requests_list",
        summary=gettext_lazy("Requests raised at dialogues"),
        description=gettext_lazy(
            "Requests raised at dialogues held in the caller's scope or owned by a unit in "
            "it, earliest due first, for follow-up. Who raised a request is never shown."
        ),
        responses={
            200: s.DialogueRequestSerializer(many=True),
            400: BAD_FILTER,
            401: NOT_AUTHENTICATED,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- Disclosure -----------------------------------------------------------------------------


class DisclosureFilter(filters.FilterSet):
    unit = UnitIdFilter(
        method="filter_unit",
        help_text=gettext_lazy("Only items of this unit or a unit under it."),
    )
    category = filters.ChoiceFilter(choices=DisclosureCategory.choices)
    channel = filters.ChoiceFilter(choices=DisclosureChannel.choices)
    is_violation = filters.BooleanFilter(
        help_text=gettext_lazy("true: only items posted for less than the minimum.")
    )
    posted_from = _date(
        "posted_from", "gte", gettext_lazy("Posted on or after this day (YYYY-MM-DD).")
    )
    posted_to = _date(
        "posted_from", "lte", gettext_lazy("Posted on or before this day (YYYY-MM-DD).")
    )
    q = _q(gettext_lazy("Words of the item, place or note."))

    class Meta:
        model = DisclosureItem
        fields = ["unit", "category", "channel", "is_violation", "posted_from", "posted_to", "q"]

    filter_unit = _subtree("unit")
    filter_search = _search


def disclosure_queryset(user) -> QuerySet:
    return visible_disclosures(user).select_related("unit")


@extend_schema(tags=["disclosures"])
class DisclosureListView(generics.ListAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    serializer_class = s.DisclosureSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = DisclosureFilter
    pagination_class = Pagination

    def get_queryset(self):
        return disclosure_queryset(self.request.user)

    @extend_schema(
        operation_id="disclosures_list",
        summary=gettext_lazy("Disclosure register"),
        description=gettext_lazy(
            "What units in the caller's scope made public (Grassroots Democracy Law 2022, "
            "Art. 11 and 13), on which channel and for how long, with the minimum the rules "
            "require and whether the item falls short of it."
        ),
        responses={
            200: s.DisclosureSerializer(many=True),
            400: BAD_FILTER,
            401: NOT_AUTHENTICATED,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["disclosures"])
class DisclosureDetailView(ApiView):
    @extend_schema(
        operation_id="disclosures_retrieve",
        summary=gettext_lazy("One disclosure"),
        parameters=[DISCLOSURE_ID],
        responses={
            200: s.DisclosureSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND["disclosure"],
        },
    )
    def get(self, request, id):
        item = get_or_404(
            request.user,
            disclosure_queryset(request.user),
            id,
            perm="dialogues.view_disclosureitem",
        )
        return Response(s.DisclosureSerializer(item, context={"request": request}).data)


# --- Deadline calculator --------------------------------------------------------------------


@extend_schema(tags=["deadlines"])
class DeadlineComputeView(ApiView):
    @extend_schema(
        operation_id="deadlines_compute",
        summary=gettext_lazy("Compute a legal deadline"),
        description=gettext_lazy(
            "The due date of a step on a legal track for an event on `start`, with the rule "
            "in force that day (its days, day type, allowed extensions and citation) and "
            "every day off passed over (weekends, Tết and other public holidays, the "
            "government's extra days off; swapped working Saturdays count). The day of the "
            "event is not counted; a period of calendar days ending on a day off ends on the "
            "next working day (Civil Code 2015, Art. 147-148). 404 when no rule is in force."
        ),
        parameters=[s.DeadlineQuerySerializer],
        responses={
            200: s.DeadlineSerializer,
            400: INVALID,
            401: NOT_AUTHENTICATED,
            404: OpenApiResponse(
                ErrorSerializer,
                description=gettext_lazy("No rule is in force for the track and step that day."),
            ),
        },
    )
    def get(self, request):
        serializer = s.DeadlineQuerySerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        params = serializer.validated_data
        rules = deadlines.RuleBook.load()
        variant = {"complexity": params["complexity"], "remote": params["remote"]}
        rule = rules.find(params["track"], params["step"], on=params["start"], **variant)
        if rule is None:
            raise NotFound(
                _("No deadline rule for “%(track)s”, “%(step)s” is in force on %(date)s.")
                % {
                    "track": Track(params["track"]).label,
                    "step": Step(params["step"]).label,
                    "date": f"{params['start']:%d/%m/%Y}",
                }
            )
        most = rule.extensions_allowed * rule.extension_days
        if params["extension_days"] > most:
            message = _(
                "The rule allows at most %(most)s extension days (%(count)s extension(s) of "
                "at most %(days)s days)."
            ) % {"most": most, "count": rule.extensions_allowed, "days": rule.extension_days}
            return Response({"extension_days": [message]}, status=status.HTTP_400_BAD_REQUEST)
        explanation = deadlines.explain(
            params["track"],
            params["step"],
            params["start"],
            extension_days=params["extension_days"],
            rules=rules,
            **variant,
        )
        return Response(s.DeadlineSerializer(s.DeadlineSerializer.shape(explanation)).data)


# --- Public tracking ------------------------------------------------------------------------


class PublicLookupThrottle(BaseThrottle):
    """``settings.PUBLIC_LOOKUPS_PER_HOUR`` lookups per client address and hour, counted
    together with the portal's tracking page (``portal.antiabuse``): a client gets one
    allowance, not one per door. The address is ``REMOTE_ADDR`` (an ``X-Forwarded-For`` a
    client invents does not reset it) and the cache holds only a keyed hash of it.
    """

    def allow_request(self, request, view) -> bool:
        return antiabuse.hit(
            antiabuse.LOOKUPS,
            antiabuse.client_address(request),
            settings.PUBLIC_LOOKUPS_PER_HOUR,
        )

    def wait(self) -> int:
        return antiabuse.retry_after()


PUBLIC_EXAMPLE = {
    "code": "K7Q2M-WX9TB",
    "kind": "petition",
    "kind_display": "Kiến nghị",
    "subject_area": "land",
    "subject_area_display": "Đất đai, bồi thường, tái định cư",
    "status": "resolved",
    "status_display": "Đã giải quyết",
    "unit": "Phường Nha Trang",
    "received_on": "2026-09-01",
    "current_due": None,
    "closed_on": "2026-09-28",
    "outcome": "answered",
    "outcome_display": "Đã trả lời",
    "answer": "UBND phường đã kiểm tra và sẽ cấp giấy chứng nhận trong tháng 10/2026.",
    "events": [
        {
            "on": "2026-09-01",
            "action": "received",
            "action_display": "Đã tiếp nhận",
            "unit": None,
            "to_body": "",
            "days": None,
        },
        {
            "on": "2026-09-03",
            "action": "accepted",
            "action_display": "Đã thụ lý",
            "unit": None,
            "to_body": "",
            "days": None,
        },
        {
            "on": "2026-09-28",
            "action": "resolved",
            "action_display": "Đã giải quyết",
            "unit": None,
            "to_body": "",
            "days": None,
        },
    ],
}


@extend_schema(tags=["public"])
class PublicTrackView(ApiView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicLookupThrottle]

    @extend_schema(
        operation_id="public_track",
        summary=gettext_lazy("Track a letter by its code (no login)"),
        description=gettext_lazy(
            "What the citizen who holds the tracking code may know: kind, subject area, "
            "status, the unit handling it, the day received, the current deadline, the "
            "public steps and, once resolved, the answer. Never a name, the handler or an "
            "internal note. Limited per client address and hour, together with the portal's "
            "tracking page (429 beyond). The code is "
            "read without regard to case, spaces or the hyphen."
        ),
        parameters=[
            OpenApiParameter(
                "code",
                str,
                OpenApiParameter.PATH,
                description=gettext_lazy("The tracking code, e.g. K7Q2M-WX9TB."),
            )
        ],
        responses={
            200: OpenApiResponse(
                s.PublicTrackingSerializer,
                examples=[
                    OpenApiExample(
                        "resolved",
                        summary=gettext_lazy("A resolved petition"),
                        value=PUBLIC_EXAMPLE,
                    ),
                    OpenApiExample(
                        "received",
                        summary=gettext_lazy("A letter awaiting acceptance"),
                        value={
                            **PUBLIC_EXAMPLE,
                            "status": "received",
                            "status_display": "Đã tiếp nhận, chờ thụ lý",
                            "current_due": "2026-09-15",
                            "closed_on": None,
                            "outcome": "",
                            "outcome_display": "",
                            "answer": None,
                            "events": PUBLIC_EXAMPLE["events"][:1],
                        },
                    ),
                ],
            ),
            404: OpenApiResponse(
                ErrorSerializer,
                description=gettext_lazy("No letter has this code."),
                examples=[
                    OpenApiExample(
                        "unknown",
                        value={
                            "detail": "Không có đơn thư nào mang mã này. Hãy kiểm tra lại "
                            "mã ghi trên giấy biên nhận."
                        },
                    )
                ],
            ),
            429: OpenApiResponse(
                ErrorSerializer, description=gettext_lazy("Too many lookups; try later.")
            ),
        },
        auth=[],
    )
    def get(self, request, code):
        code = normalize_code(code)
        letter = None
        if code is not None:
            letter = Letter.objects.select_related("unit").filter(code=code).first()
        if letter is None:
            raise NotFound(
                _("No letter has this tracking code. Check the code printed on your receipt.")
            )
        events = list(
            LetterEvent.objects.filter(letter=letter, action__in=PUBLIC_ACTIONS)
            .select_related("to_unit")
            .order_by("at", "pk")
        )
        data = s.PublicTrackingSerializer.shape(letter, events)
        return Response(s.PublicTrackingSerializer(data).data)
