"""Letter pages: intake with the duplicate check, the detail page with its legal deadlines
and timeline, every step of the track, the identity reveal, documents, case families.

Views are thin: every write is a ``services`` call, which checks the permission again,
locks the letter and refuses a move its status does not allow. A letter the user may not
see answers 404; one they may see but not act on answers 403 to an action.

The seal: the identity fields of a sealed letter are never put in the detail page. A seal
holder (the handler, a leader of the resolving unit) reveals them with an explicit POST that
states a purpose; ``services.read_identity`` logs it. The original letter and the citizen's
own papers of a sealed letter (they show the handwriting, the name) are served only to a seal
holder, and each download is logged the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from danvan.core.access import get_object_for
from danvan.core.uploads import sniff
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.orgs.models import Unit
from danvan.petitions import services
from danvan.petitions.duplicates import duplicates_of, find_duplicates
from danvan.petitions.filters import DUE_SOON_DAYS  # amber from the same day as the lists
from danvan.petitions.forms import (
    AcceptForm,
    ArchiveForm,
    AssignForm,
    DuplicateCheckForm,
    ExtendForm,
    ForwardForm,
    IdentityForm,
    LetterForm,
    NoteForm,
    RefuseForm,
    ResolveForm,
    SealForm,
    TransferForm,
)
from danvan.petitions.models import (
    IDENTITY_FIELDS,
    DocumentKind,
    Letter,
    LetterAction,
    LetterDocument,
    LetterEvent,
    LetterStatus,
    Step,
)
from danvan.petitions.selectors import visible_letters

CHANGE = "petitions.change_letter"
READ_IDENTITY = "petitions.read_identity"
# Papers of a sealed letter that may show who wrote it (name, handwriting, address).
SEALED_DOCUMENT_KINDS = frozenset(
    {DocumentKind.ORIGINAL, DocumentKind.NOTICE, DocumentKind.EVIDENCE, DocumentKind.OTHER}
)


@dataclass(frozen=True)
class LetterStep:
    """One step offered on the detail page: its form and the service that takes it."""

    slug: str
    move: str | None  # the key of services.TRANSITIONS; None: allowed in any status
    form: type
    service: Callable
    label: Promise
    icon: str
    style: str = "outline-primary"


STEPS: dict[str, LetterStep] = {
    step.slug: step
    for step in (
        LetterStep(
            "accept",
            LetterAction.ACCEPTED,
            AcceptForm,
            services.accept,
            gettext_lazy("Accept"),
            "bi-check2-circle",
            "primary",
        ),
        LetterStep(
            "refuse",
            LetterAction.REFUSED,
            RefuseForm,
            services.refuse,
            gettext_lazy("Do not accept"),
            "bi-x-circle",
            "outline-danger",
        ),
        LetterStep(
            "assign",
            LetterAction.ASSIGNED,
            AssignForm,
            services.assign,
            gettext_lazy("Assign a handler"),
            "bi-person-check",
        ),
        LetterStep(
            "transfer",
            LetterAction.TRANSFERRED,
            TransferForm,
            services.transfer,
            gettext_lazy("Transfer to the competent unit"),
            "bi-arrow-left-right",
        ),
        LetterStep(
            "forward",
            LetterAction.FORWARDED,
            ForwardForm,
            services.forward,
            gettext_lazy("Forward to another body"),
            "bi-box-arrow-up-right",
        ),
        LetterStep(
            "extend",
            LetterAction.EXTENDED,
            ExtendForm,
            services.extend,
            gettext_lazy("Extend the resolution"),
            "bi-calendar-plus",
        ),
        LetterStep(
            "resolve",
            LetterAction.RESOLVED,
            ResolveForm,
            services.resolve,
            gettext_lazy("Resolve"),
            "bi-check2-all",
            "primary",
        ),
        LetterStep(
            "archive",
            LetterAction.ARCHIVED,
            ArchiveForm,
            services.archive,
            gettext_lazy("File without processing"),
            "bi-archive",
            "outline-secondary",
        ),
        LetterStep(
            "seal",
            LetterAction.SEALED,
            SealForm,
            services.seal,
            gettext_lazy("Seal the identity"),
            "bi-shield-lock",
            "outline-secondary",
        ),
        LetterStep(
            "note", None, NoteForm, services.add_note, gettext_lazy("Add a note"), "bi-pencil"
        ),
    )
}


def _visible(request, pk: int) -> Letter:
    """The letter, or 404 when the user may not see it."""
    queryset = visible_letters(request.user).select_related(
        "unit", "received_unit", "handler", "family", "created_by"
    )
    return get_object_for(request.user, queryset, pk=pk)


def _refusal(letter: Letter, step: LetterStep) -> str:
    """Why ``step`` cannot be taken from the letter's status ('' when it can)."""
    if step.move is None:
        return ""
    try:
        services._check_move(letter, step.move)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


def available_steps(user, letter: Letter) -> list[LetterStep]:
    """The steps the detail page offers: open from the letter's status and permitted."""
    if not user.has_perm(CHANGE, letter):
        return []
    steps = []
    for step in STEPS.values():
        if _refusal(letter, step):
            continue
        if step.slug == "seal" and letter.confidential:
            continue
        steps.append(step)
    return steps


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# ------------------------------------------------------------------ deadlines


def _explain_url(letter: Letter, step: str, start: dt.date, extension_days: int) -> str:
    params = {
        "track": letter.track,
        "step": step,
        "start": start.isoformat(),
        "complexity": letter.complexity,
        "remote": "1" if letter.remote_area else "0",
        "extension_days": extension_days,
    }
    return f"{reverse('petitions:deadline_compute')}?{urlencode(params)}"


def _clock(due: dt.date | None, *, running: bool, done_on: dt.date | None, today: dt.date):
    """The badge of one legal clock: days left while it runs, on time or late once done."""
    if due is None:
        return {"state": "none"}
    if running:
        left = (due - today).days
        if left < 0:
            return {"state": "overdue", "days": -left}
        return {"state": "soon" if left <= DUE_SOON_DAYS else "ok", "days": left}
    if done_on is None:
        return {"state": "stopped"}
    late = (done_on - due).days
    return {"state": "late" if late > 0 else "on_time", "days": max(late, 0), "on": done_on}


def deadline_rows(letter: Letter, today: dt.date) -> list[dict]:
    """The acceptance and resolution clocks of the detail page."""
    received = letter.status == LetterStatus.RECEIVED
    acceptance = {
        "step": Step.ACCEPTANCE,
        "label": Step.ACCEPTANCE.label,
        "due": letter.acceptance_due,
        "start": letter.arrived_on,
        "clock": _clock(
            letter.acceptance_due,
            running=received,
            done_on=letter.accepted_on or letter.closed_on,
            today=today,
        ),
        "explain_url": _explain_url(letter, Step.ACCEPTANCE, letter.arrived_on, 0)
        if letter.acceptance_due
        else "",
    }
    rows = [acceptance]
    if letter.accepted_on is None:
        rows.append(
            {
                "step": Step.RESOLUTION,
                "label": Step.RESOLUTION.label,
                "due": None,
                "clock": {"state": "not_started"},
            }
        )
        return rows
    left, per_extension = services.extension_room(letter)
    rows.append(
        {
            "step": Step.RESOLUTION,
            "label": Step.RESOLUTION.label,
            "due": letter.resolution_due,
            "start": letter.accepted_on,
            "clock": _clock(
                letter.resolution_due,
                running=letter.status == LetterStatus.ACCEPTED,
                done_on=letter.closed_on,
                today=today,
            ),
            "explain_url": _explain_url(
                letter, Step.RESOLUTION, letter.accepted_on, letter.extension_days_granted
            )
            if letter.resolution_due
            else "",
            "extensions": {
                "granted": letter.extensions_granted,
                "days_granted": letter.extension_days_granted,
                "allowed": letter.extensions_granted + left,
                "left": left,
                "per_extension": per_extension,
            },
        }
    )
    return rows


# ------------------------------------------------------------------ duplicates


def _annotate(matches, user, *, letter: Letter | None = None) -> list[dict]:
    """What the user may do with each match: open it (sees it), link it (acts on it)."""
    rows = []
    for match in matches:
        other = match.letter
        same_family = (
            letter is not None
            and letter.family_id is not None
            and other.family_id == letter.family_id
        )
        rows.append(
            {
                "match": match,
                "letter": other,
                "visible": user.has_perm("petitions.view_letter", other),
                "can_link": not same_family and user.has_perm(CHANGE, other),
                "same_family": same_family,
            }
        )
    return rows


# ------------------------------------------------------------------ intake


def _working_unit(request) -> Unit:
    working = request.working_unit
    if not working:
        raise PermissionDenied
    unit = Unit.objects.filter(pk=working.pk).first()
    if unit is None or not request.user.has_perm("petitions.add_letter", unit):
        raise PermissionDenied
    return unit


@login_required
def letter_new(request):
    unit = _working_unit(request)
    form = LetterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.receive_letter(
                actor=request.user,
                unit=unit,
                data=form.service_data(),
                documents=form.cleaned_data["documents"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Letter recorded. Its tracking code is %(code)s: give it to the citizen.")
                % {"code": letter.code},
            )
            return redirect(letter)
    return render(request, "petitions/letter_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def letter_duplicates(request):
    """The "possible duplicates" panel, loaded by htmx.

    GET ``?letter=<pk>``: the duplicates of a stored letter, for its detail page (loaded after
    the page, so the page itself stays fast). POST: the intake form's ID number and text (POST
    so that an ID number never lands in a URL or a server log).
    """
    if request.method == "GET":
        letter = _visible(request, request.GET.get("letter", ""))
        rows = _annotate(duplicates_of(letter, viewer=request.user), request.user, letter=letter)
        context = {
            "rows": rows,
            "mode": "detail",
            "letter": letter,
            # The link form, when there is something this user may link the letter with.
            "can_change": request.user.has_perm(CHANGE, letter)
            and any(row["can_link"] for row in rows),
        }
        return render(request, "petitions/partials/duplicates.html", context)
    unit = _working_unit(request)
    form = DuplicateCheckForm(request.POST)
    matches = []
    if form.is_valid():
        data = form.cleaned_data
        matches = find_duplicates(
            unit=unit,
            id_number=data["citizen_id_number"],
            text=f"{data['title']} {data['content']}",
            viewer=request.user,
        )
    return render(
        request,
        "petitions/partials/duplicates.html",
        {"rows": _annotate(matches, request.user), "mode": "intake"},
    )


@login_required
@require_POST
def letter_link(request):
    """Link letters about one matter into one case family."""
    wanted = {int(v) for v in request.POST.getlist("letters") if v.isdigit()}
    back = request.POST.get("from", "")
    letters = list(
        visible_letters(request.user)
        .filter(pk__in=wanted)
        .select_related("unit", "received_unit", "family")
    )
    if not wanted or len(letters) != len(wanted):
        raise Http404
    origin = next((item for item in letters if str(item.pk) == back), letters[0])
    try:
        family = services.link(
            actor=request.user, letters=letters, title=request.POST.get("title", "")[:300]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Linked into the case family “%(family)s”.") % {"family": family.title},
        )
    return redirect(reverse("petitions:letter_detail", args=[origin.pk]) + "#family")


# ------------------------------------------------------------------ detail


def _documents(letter: Letter, documents, *, can_read_identity: bool) -> list[dict]:
    rows = []
    for document in documents:
        sealed = letter.confidential and document.kind in SEALED_DOCUMENT_KINDS
        rows.append(
            {
                "document": document,
                "sealed": sealed,
                "can_open": not sealed or can_read_identity,
                # A file name may carry the author's name: not shown for a sealed paper.
                "name": document.get_kind_display() if sealed else document.name,
            }
        )
    return rows


def _detail_context(
    request,
    letter: Letter,
    *,
    step: LetterStep | None = None,
    form=None,
    identity: dict | None = None,
    identity_form=None,
) -> dict:
    user = request.user
    today = timezone.localdate()
    can_read_identity = user.has_perm(READ_IDENTITY, letter)
    events = list(
        # In the order the steps took effect (a step may be recorded days after its date).
        LetterEvent.objects.filter(letter=letter)
        .order_by("on", "at", "pk")
        .select_related("actor", "from_unit", "to_unit")
        .prefetch_related(Prefetch("documents", queryset=LetterDocument.objects.order_by("pk")))
    )
    for event in events:
        event.document_rows = _documents(
            letter, event.documents.all(), can_read_identity=can_read_identity
        )
    documents = _documents(
        letter, letter.documents.order_by("uploaded_at", "pk"), can_read_identity=can_read_identity
    )
    # The identity block: shown at once when not sealed; a sealed one only after a reveal.
    if letter.is_anonymous:
        identity_state = "anonymous"
    elif identity is not None:
        identity_state = "shown"
    elif not can_read_identity:
        identity_state = "sealed"
    elif letter.confidential:
        identity_state = "reveal"
    else:
        identity_state = "shown"
        identity = services.read_identity(user=user, letter=letter)
    family_rows = []
    if letter.family_id:
        members = (
            letter.family.letters.select_related("unit", "received_unit")
            .defer(*IDENTITY_FIELDS, "search_text", "content")
            .order_by("received_on", "pk")
        )
        family_rows = [
            {
                "letter": member,
                "visible": user.has_perm("petitions.view_letter", member),
                "is_this": member.pk == letter.pk,
            }
            for member in members
        ]
    can_change = user.has_perm(CHANGE, letter)
    return {
        "letter": letter,
        "today": today,
        "deadlines": deadline_rows(letter, today),
        "events": events,
        "documents": documents,
        "steps": available_steps(user, letter),
        "can_change": can_change,
        "identity_state": identity_state,
        "identity": identity,
        "identity_form": identity_form or IdentityForm(),
        "family_rows": family_rows,
        "repeat_filings": max(len(family_rows) - 1, 0),
        "can_read_log": user.has_perm("petitions.view_identityaccess", letter),
        "step": step,
        "form": form,
    }


@login_required
def letter_detail(request, pk: int):
    letter = _visible(request, pk)
    response = render(request, "petitions/letter_detail.html", _detail_context(request, letter))
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------ steps


def _step_form(step: LetterStep, letter: Letter, data=None, files=None):
    extra = {}
    if step.slug == "extend":
        extra["per_extension"] = services.extension_room(letter)[1]
    return step.form(data, files, letter=letter, **extra)


def _step_extra(step: LetterStep, letter: Letter) -> dict:
    if step.slug != "extend":
        return {}
    left, per_extension = services.extension_room(letter)
    return {"extensions_left": left, "per_extension": per_extension}


@login_required
def letter_action(request, pk: int, action: str):
    """GET: the step's form (an inline panel for htmx, else the detail page with it open).

    POST: take the step through its service; a refusal shows the service's message beside
    the form and keeps what was typed.
    """
    step = STEPS.get(action)
    if step is None:
        raise Http404
    letter = _visible(request, pk)
    if not request.user.has_perm(CHANGE, letter):
        raise PermissionDenied
    refusal = ""
    if request.method == "POST":
        form = _step_form(step, letter, request.POST, request.FILES)
        if form.is_valid():
            try:
                step.service(actor=request.user, letter=letter, **form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                letter.refresh_from_db(fields=["status"])
                messages.success(
                    request,
                    _("Done: “%(step)s”. The letter is now “%(status)s”.")
                    % {"step": step.label, "status": letter.get_status_display()},
                )
                url = reverse("petitions:letter_detail", args=[letter.pk])
                if is_htmx(request):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
    else:
        form = _step_form(step, letter)
        refusal = _refusal(letter, step)
    context = {
        "letter": letter,
        "step": step,
        "form": form,
        "refusal": refusal,
        "today": timezone.localdate(),
        **_step_extra(step, letter),
    }
    if is_htmx(request):
        return render(request, "petitions/partials/letter_action_form.html", context)
    detail = _detail_context(request, letter, step=step, form=form)
    detail.update(context)
    return render(request, "petitions/letter_detail.html", detail)


# ------------------------------------------------------------------ identity


@login_required
@require_POST
@never_cache
def letter_identity(request, pk: int):
    """Reveal the citizen's identity to a seal holder, for a stated purpose (logged)."""
    letter = _visible(request, pk)
    if not request.user.has_perm(READ_IDENTITY, letter):
        raise PermissionDenied
    form = IdentityForm(request.POST)
    identity = None
    if form.is_valid():
        identity = services.read_identity(
            user=request.user,
            letter=letter,
            purpose=form.cleaned_data["purpose"],
            ip_address=_client_ip(request),
        )
    if is_htmx(request):
        context = {
            "letter": letter,
            "identity": identity,
            "identity_form": form,
            "identity_state": "shown" if identity is not None else "reveal",
        }
        response = render(request, "petitions/partials/identity.html", context)
    else:
        context = _detail_context(request, letter, identity=identity, identity_form=form)
        response = render(request, "petitions/letter_detail.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------ documents


@login_required
@never_cache
def letter_document(request, pk: int):
    """A letter's file, only to someone who sees the letter (private media, never MEDIA_URL).

    A sealed letter's own papers (the original, notices to its author, evidence) go only to a
    seal holder, and each download is an identity read in the log.
    """
    document = (
        LetterDocument.objects.select_related("letter__unit", "letter__received_unit")
        .filter(pk=pk)
        .first()
    )
    if document is None or not request.user.has_perm("petitions.view_letter", document.letter):
        raise Http404
    letter = document.letter
    if letter.confidential and document.kind in SEALED_DOCUMENT_KINDS:
        if not request.user.has_perm(READ_IDENTITY, letter):
            raise PermissionDenied
        services.read_identity(
            user=request.user,
            letter=letter,
            purpose=_("Opened the file “%(kind)s” #%(pk)s")
            % {"kind": document.get_kind_display(), "pk": document.pk},
            ip_address=_client_ip(request),
        )
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    found = sniff(handle)
    content_type = found.content_type if found else "application/octet-stream"
    inline = found is not None and found.extension in {"pdf", "jpg", "png", "gif", "webp"}
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=document.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
