"""The public side for citizens, without logging in.

* ``submit``: send a petition or feedback to a current province or commune; the letter is
  received through ``petitions.services.receive_letter`` (which tells the unit's leaders).
* ``submitted``: the tracking code, and nothing else about the letter.
* ``track``: what a citizen may know of a letter from its code: status, public steps, the
  legal deadline of the step in progress, the answer. Never the citizen's identity, the
  handler, internal notes, case families or duplicates: the page is built from a
  ``PublicLetter`` holding only those fields, so the template never sees the letter itself.
* ``public_dialogue_list`` / ``public_dialogue_detail``: published dialogues and their
  published answers; never who raised a request, never unpublished items.

``antiabuse`` guards the two forms: honeypot, signed form time, hourly limits per client
address, and refusal of a repeat filing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.dialogues.models import Dialogue, DialogueRequest, RequestStatus, Topic
from danvan.orgs.models import Unit, UnitKind
from danvan.petitions import services
from danvan.petitions.models import (
    PUBLIC_ACTIONS,
    Channel,
    DocumentKind,
    Letter,
    LetterAction,
    LetterDocument,
    LetterEvent,
    LetterStatus,
    normalize_code,
)
from danvan.portal import antiabuse
from danvan.portal.citizen_forms import DialogueFilters, PublicLetterForm

DIALOGUES_PAGE_SIZE = 12
PROVINCE_PATH_LENGTH = Unit.steplen


def _too_many(request):
    response = render(request, "portal/public/too_many.html", status=429)
    response["Retry-After"] = str(antiabuse.retry_after())
    return response


def _lookup_allowed(request) -> bool:
    return antiabuse.hit(
        antiabuse.LOOKUPS,
        antiabuse.client_address(request),
        settings.PUBLIC_LOOKUPS_PER_HOUR,
    )


# ---------------------------------------------------------------- submit


def _render_submit(request, form: PublicLetterForm):
    """The form, blank or sent back with its errors (a bound form is only ever re-shown)."""
    context = {
        "form": form,
        "stamp": form.fresh_stamp(),
        "honeypot": antiabuse.HONEYPOT_FIELD,
        # Browsers cannot refill a file input: say the files must be chosen again.
        "files_dropped": form.is_bound and bool(request.FILES),
        "has_field_errors": any(name != NON_FIELD_ERRORS for name in form.errors),
        "max_upload": settings.UPLOAD_MAX_BYTES,
    }
    return render(request, "portal/public/submit.html", context)


def _receive(form: PublicLetterForm) -> Letter | None:
    """Store the letter of a valid form; None (with the reason on the form) when refused.

    The same content from the same phone within 24 hours is a repeat: the claim is taken
    before storing, so two identical posts racing each other store one letter, and given
    back if the letter could not be stored.
    """
    content = form.cleaned_data["content"]
    phone = form.cleaned_data["citizen_phone"]
    if not antiabuse.claim_submission(content, phone):
        form.add_error(
            None,
            _(
                "You already sent this petition or feedback in the last 24 hours: it is "
                "being handled. Its tracking code is on the confirmation page you saw "
                "the first time."
            ),
        )
        return None
    try:
        return services.receive_letter(
            actor=None,
            unit=form.unit,
            data=form.letter_data(received_on=timezone.localdate()),
            documents=form.cleaned_data["attachments"],
        )
    except ValidationError as exc:
        antiabuse.release_submission(content, phone)
        add_form_errors(form, exc)
        return None
    except Exception:
        antiabuse.release_submission(content, phone)  # nothing was stored
        raise


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method != "POST":
        form = PublicLetterForm(initial={"province": request.GET.get("province", "")})
        if is_htmx(request):
            # The province select asks for its communes.
            response = render(request, "portal/public/partials/commune_select.html", {"form": form})
        else:
            response = _render_submit(request, form)
        patch_vary_headers(response, ["HX-Request"])
        return response

    client = antiabuse.client_address(request)
    if antiabuse.is_limited(antiabuse.SUBMISSIONS, client, settings.PUBLIC_SUBMISSIONS_PER_HOUR):
        return _too_many(request)
    if antiabuse.is_bot(request.POST):
        # Looks like success to the bot; nothing is stored.
        antiabuse.record(antiabuse.SUBMISSIONS, client)
        return render(request, "portal/public/received.html")

    form = PublicLetterForm(request.POST, request.FILES)
    letter = _receive(form) if form.is_valid() else None
    if letter is not None:
        antiabuse.record(antiabuse.SUBMISSIONS, client)
        return redirect("public:submitted", code=letter.code)
    return _render_submit(request, form)


@never_cache
@require_safe
def submitted(request, code: str):
    if not _lookup_allowed(request):
        return _too_many(request)
    normal = normalize_code(code)
    letter = (
        Letter.objects.filter(code=normal, channel=Channel.PORTAL).only("code", "kind").first()
        if normal
        else None
    )
    if letter is None:
        raise Http404
    track_url = request.build_absolute_uri(f"{reverse('public:track')}?code={letter.code}")
    context = {"code": letter.code, "kind": letter.get_kind_display(), "track_url": track_url}
    return render(request, "portal/public/submitted.html", context)


# ---------------------------------------------------------------- track


def _status_text(status: str) -> str:
    texts = {
        LetterStatus.RECEIVED: _("Received. The unit is checking whether it can accept it."),
        LetterStatus.ACCEPTED: _("Accepted. The unit is resolving it."),
        LetterStatus.RESOLVED: _("Resolved. The answer is below."),
        LetterStatus.REFUSED: _("Not accepted. The reason is below."),
        LetterStatus.FORWARDED: _("Sent on to the competent body, which will answer you."),
        LetterStatus.ARCHIVED: _("Filed without processing."),
    }
    return texts.get(status, "")


@dataclass(frozen=True)
class PublicStep:
    on: dt.date
    action: str
    title: str
    detail: str = ""
    document: str = ""


@dataclass(frozen=True)
class PublicDocument:
    pk: int
    name: str
    size: int
    kind: str


@dataclass(frozen=True)
class PublicLetter:
    """What the tracking page may show of a letter: no identity, handler, notes or families."""

    code: str
    kind: str
    subject_area: str
    status: str
    status_label: str
    status_text: str
    unit: str
    received_on: dt.date
    due: dt.date | None
    due_text: str
    overdue: bool
    outcome: str
    answer: str
    answer_label: str
    closed_on: dt.date | None
    steps: list[PublicStep] = field(default_factory=list)
    documents: list[PublicDocument] = field(default_factory=list)


def _document_ref(event: LetterEvent) -> str:
    if not event.document_number:
        return ""
    if event.document_date:
        return _("Document no. %(number)s of %(date)s") % {
            "number": event.document_number,
            "date": f"{event.document_date:%d/%m/%Y}",
        }
    return _("Document no. %(number)s") % {"number": event.document_number}


def _public_step(event: LetterEvent) -> PublicStep:
    """One public step in plain words, built from structured fields only.

    Officers' free-text notes are never shown, except the reason for not accepting a letter,
    which the law requires to be told to the citizen.
    """
    action = event.action
    title, detail = LetterAction(action).label, ""
    if action == LetterAction.RECEIVED and event.to_unit is not None:
        title = _("Received by %(unit)s") % {"unit": event.to_unit.name}
    elif action == LetterAction.ACCEPTED:
        title = _("Accepted for resolution")
    elif action == LetterAction.REFUSED:
        detail = event.note
    elif action == LetterAction.TRANSFERRED and event.to_unit is not None:
        title = _("Transferred to %(unit)s, the competent unit") % {"unit": event.to_unit.name}
    elif action == LetterAction.FORWARDED and event.to_body:
        title = _("Sent to %(body)s, the competent body") % {"body": event.to_body}
    elif action == LetterAction.EXTENDED and event.days:
        title = _("Resolution period extended by %(days)s days") % {"days": event.days}
    return PublicStep(
        on=event.on, action=action, title=title, detail=detail, document=_document_ref(event)
    )


def _due_text(letter: Letter) -> str:
    if letter.current_due is None:
        return ""
    date = f"{letter.current_due:%d/%m/%Y}"
    if letter.status == LetterStatus.RECEIVED:
        return _("The unit must decide whether to accept it by %(date)s.") % {"date": date}
    return _("It must be answered by %(date)s.") % {"date": date}


def _public_documents(**lookup):
    """Documents the unit marked as shown to the citizen (answers, notices, decisions).

    The citizen's own attachments are left out: they may carry personal data, and anyone
    holding the code would see them.
    """
    return LetterDocument.objects.filter(is_public=True, **lookup).exclude(
        kind=DocumentKind.ORIGINAL
    )


def public_letter(code: str) -> PublicLetter | None:
    """The public view of the letter with this (normalised) code; None if there is none."""
    letter = (
        Letter.objects.select_related("unit")
        .only(
            "code",
            "kind",
            "subject_area",
            "status",
            "unit__name",
            "received_on",
            "current_due",
            "answer",
            "closed_on",
            "outcome",
        )
        .filter(code=code)
        .first()
    )
    if letter is None:
        return None
    events = (
        LetterEvent.objects.filter(letter=letter, action__in=PUBLIC_ACTIONS)
        .select_related("to_unit")
        .order_by("on", "at", "pk")
    )
    documents = _public_documents(letter=letter).only("pk", "name", "size", "kind")
    today = timezone.localdate()
    shows_answer = letter.status in (LetterStatus.RESOLVED, LetterStatus.REFUSED)
    return PublicLetter(
        code=letter.code,
        kind=letter.get_kind_display(),
        subject_area=letter.get_subject_area_display(),
        status=letter.status,
        status_label=letter.get_status_display(),
        status_text=_status_text(letter.status),
        unit=letter.unit.name,
        received_on=letter.received_on,
        due=letter.current_due,
        due_text=_due_text(letter),
        overdue=letter.current_due is not None and letter.current_due < today,
        outcome=letter.get_outcome_display() if letter.status == LetterStatus.RESOLVED else "",
        answer=letter.answer if shows_answer else "",
        answer_label=(
            _("Answer") if letter.status == LetterStatus.RESOLVED else _("Reason not accepted")
        ),
        closed_on=letter.closed_on,
        steps=[_public_step(event) for event in events],
        documents=[PublicDocument(d.pk, d.name, d.size, d.get_kind_display()) for d in documents],
    )


def _public_document_response(code: str, document_pk: str):
    try:
        pk = int(document_pk)
    except ValueError as exc:
        raise Http404 from exc
    document = _public_documents(letter__code=code, pk=pk).first()
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=document.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_safe
def track(request):
    raw = request.GET.get("code", "").strip()
    context = {"code": raw[:40], "letter": None, "not_found": False}
    if raw:
        if not _lookup_allowed(request):
            return _too_many(request)
        code = normalize_code(raw)
        if code and request.GET.get("document"):
            return _public_document_response(code, request.GET["document"])
        letter = public_letter(code) if code else None
        if letter is None:
            context["not_found"] = True
        else:
            context["letter"] = letter
            context["code"] = letter.code
    return render(request, "portal/public/track.html", context)


# ---------------------------------------------------------------- public dialogue answers


def _public_requests():
    return DialogueRequest.objects.public()


def public_dialogues(filters: DialogueFilters):
    """Published dialogues, each with ``answer_count`` (its published answers)."""
    qs = Dialogue.objects.published().search(filters.q)
    if filters.province:
        province = (
            Unit.objects.filter(pk=filters.province, kind=UnitKind.PROVINCE).only("path").first()
        )
        qs = qs.filter(unit__path__startswith=province.path) if province else qs.none()
    if filters.topic:
        qs = qs.filter(topic=filters.topic)
    return (
        qs.select_related("unit")
        .annotate(
            answer_count=Count(
                "requests",
                filter=Q(requests__is_published=True, requests__status=RequestStatus.ANSWERED),
            )
        )
        .order_by("-held_on", "-pk")
    )


def _dialogue_provinces() -> list[tuple[int, str]]:
    paths = (
        Dialogue.objects.published()
        .annotate(province_path=Substr("unit__path", 1, PROVINCE_PATH_LENGTH))
        .values("province_path")
    )
    return list(
        Unit.objects.current()
        .filter(kind=UnitKind.PROVINCE, path__in=paths)
        .order_by("name")
        .values_list("pk", "name")
    )


@require_safe
def public_dialogue_list(request):
    filters = DialogueFilters.from_params(request.GET)
    page = Paginator(public_dialogues(filters), DIALOGUES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "filters": filters,
        "page": page,
        "provinces": _dialogue_provinces(),
        "topics": Topic.choices,
    }
    template = (
        "portal/public/partials/dialogue_results.html"
        if is_htmx(request)
        else "portal/public/dialogue_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def public_dialogue_detail(request, pk: int):
    dialogue = Dialogue.objects.published().select_related("unit").filter(pk=pk).first()
    if dialogue is None:
        raise Http404
    requests = (
        _public_requests()
        .filter(dialogue=dialogue)
        .select_related("owner_unit")
        .only(
            "number",
            "text",
            "answer",
            "answered_on",
            "published_on",
            "owner_unit__name",
            "dialogue_id",
        )
        .order_by("number")
    )
    return render(
        request,
        "portal/public/dialogue_detail.html",
        {"dialogue": dialogue, "requests": requests},
    )
