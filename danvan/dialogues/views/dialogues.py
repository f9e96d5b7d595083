"""Dialogue pages: list and export, record and edit, the requests raised and their follow-up,
the requests an owner unit must answer, and the coverage of listening requirements."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from danvan.core.access import get_object_for
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.core.xlsx import Sheet, workbook_response
from danvan.dialogues import selectors, services
from danvan.dialogues.forms import (
    AnswerForm,
    DialogueForm,
    RequestForm,
    RequirementForm,
    default_unit,
    writable_units,
)
from danvan.dialogues.models import (
    Dialogue,
    DialogueKind,
    DialogueRequest,
    ListeningRequirement,
    RequestStatus,
    Topic,
)
from danvan.dialogues.views.common import PAGE_SIZE, next_url, params_without_page, unit_options
from danvan.orgs.models import Unit

VIEW = "dialogues.view_dialogue"
CHANGE = "dialogues.change_dialogue"
VIEW_REQUEST = "dialogues.view_dialoguerequest"
ANSWER = "dialogues.answer_dialoguerequest"
OPEN_LETTER = "dialogues.open_letter"


# ------------------------------------------------------------------ list and export


@login_required
@vary_on_headers("HX-Request")
def dialogue_list(request):
    today = timezone.localdate()
    filters = selectors.DialogueFilters.from_params(request.GET)
    rows = selectors.dialogue_list(request.user, filters, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "export_query": params_without_page(request),
    }
    if is_htmx(request):
        return render(request, "dialogues/partials/dialogue_results.html", context)
    context.update(
        units=unit_options(request, filters.unit),
        topics=Topic.choices,
        kinds=DialogueKind.choices,
        can_add=writable_units(request.user).exists(),
    )
    return render(request, "dialogues/dialogue_list.html", context)


@login_required
def dialogue_export(request):
    today = timezone.localdate()
    filters = selectors.DialogueFilters.from_params(request.GET)
    dialogues = selectors.dialogue_list(request.user, filters, today=today)
    first = Sheet(
        title=_("Dialogues"),
        headers=[
            _("Date"),
            _("Unit"),
            _("Title"),
            _("Topic"),
            _("Kind"),
            _("Place"),
            _("Chaired by"),
            _("Number of participants"),
            _("Requests raised"),
            _("Awaiting an answer"),
            _("Overdue"),
            _("Published"),
        ],
        rows=(
            [
                d.held_on,
                d.unit.name,
                d.title,
                d.get_topic_display(),
                d.get_kind_display(),
                d.place,
                ", ".join(filter(None, [d.chair_name, d.chair_title])),
                d.participant_count,
                d.n_requests,
                d.n_open,
                d.n_overdue,
                _("Yes") if d.is_published else _("No"),
            ]
            for d in dialogues.iterator(chunk_size=2000)
        ),
        widths=[12, 30, 45, 22, 18, 30, 30, 12, 12, 12, 12, 10],
    )
    second = Sheet(
        title=_("Requests raised"),
        headers=[
            _("Dialogue date"),
            _("Dialogue"),
            _("No."),
            _("Request"),
            _("Raised by"),
            _("Owner unit"),
            _("Due"),
            _("Status"),
            _("Overdue"),
            _("Answer"),
            _("Answered on"),
            _("Answer published"),
        ],
        rows=(
            [
                r.dialogue.held_on,
                r.dialogue.title,
                r.number,
                r.text,
                r.raised_by,
                r.owner_unit.name,
                r.due_on,
                r.get_status_display(),
                _("Yes") if selectors.due_state(r, today) == "overdue" else "",
                r.answer,
                r.answered_on,
                _("Yes") if r.is_published else _("No"),
            ]
            for r in selectors.requests_of(dialogues).iterator(chunk_size=2000)
        ),
        widths=[12, 40, 6, 60, 25, 30, 12, 18, 10, 60, 12, 10],
    )
    return workbook_response(f"dialogues-{today:%Y%m%d}.xlsx", [first, second])


# ------------------------------------------------------------------ record and edit


@login_required
def dialogue_new(request):
    units = list(writable_units(request.user))
    if not units:
        raise PermissionDenied
    form = DialogueForm(
        request.POST or None,
        units=writable_units(request.user),
        unit=default_unit(units, request.working_unit),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        try:
            dialogue = services.create_dialogue(actor=request.user, unit=unit, data=data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Recorded the dialogue “%(t)s”.") % {"t": dialogue.title})
            return redirect(dialogue)
    return render(request, "dialogues/dialogue_form.html", {"form": form})


def _visible(request, pk: int) -> Dialogue:
    return get_object_for(
        request.user, Dialogue.objects.select_related("unit", "created_by"), perm=VIEW, pk=pk
    )


@login_required
def dialogue_edit(request, pk: int):
    dialogue = _visible(request, pk)
    if not request.user.has_perm(CHANGE, dialogue):
        raise PermissionDenied
    initial = {name: getattr(dialogue, name) for name in services.DIALOGUE_FIELDS}
    form = DialogueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_dialogue(actor=request.user, dialogue=dialogue, data=form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Saved the changes."))
            return redirect(dialogue)
    return render(request, "dialogues/dialogue_form.html", {"form": form, "dialogue": dialogue})


def _detail(request, dialogue: Dialogue, *, request_form: RequestForm | None = None, status=200):
    today = timezone.localdate()
    can_change = request.user.has_perm(CHANGE, dialogue)
    rows = []
    for item in selectors.dialogue_requests(dialogue):
        item.dialogue = dialogue  # the rules read the dialogue's unit: no query per row
        can_answer = request.user.has_perm(ANSWER, item)
        rows.append(
            {
                "request": item,
                "due_state": selectors.due_state(item, today),
                "can_answer": can_answer,
                "can_open_letter": item.letter_id is None
                and request.user.has_perm(OPEN_LETTER, item),
                "answer_form": AnswerForm(request=item, auto_id=f"r{item.pk}_%s")
                if can_answer
                else None,
            }
        )
    if request_form is None and can_change:
        request_form = RequestForm(dialogue=dialogue, owners=services.owner_choices(dialogue))
    context = {
        "dialogue": dialogue,
        "rows": rows,
        "can_change": can_change,
        "request_form": request_form,
        "answered": sum(1 for r in rows if r["request"].status == RequestStatus.ANSWERED),
        "published": sum(1 for r in rows if r["request"].is_published),
        "overdue": sum(1 for r in rows if r["due_state"] == "overdue"),
    }
    return render(request, "dialogues/dialogue_detail.html", context, status=status)


@login_required
def dialogue_detail(request, pk: int):
    return _detail(request, _visible(request, pk))


@login_required
@require_POST
def dialogue_publish(request, pk: int):
    dialogue = _visible(request, pk)
    published = request.POST.get("published", "1") == "1"
    services.publish_dialogue(actor=request.user, dialogue=dialogue, published=published)
    if published:
        messages.success(request, _("The dialogue is published with its published answers."))
    else:
        messages.success(request, _("The dialogue is no longer published."))
    return redirect(dialogue)


# ------------------------------------------------------------------ requests raised


@login_required
@require_POST
def request_new(request, pk: int):
    dialogue = _visible(request, pk)
    if not request.user.has_perm(CHANGE, dialogue):
        raise PermissionDenied
    form = RequestForm(request.POST, dialogue=dialogue, owners=services.owner_choices(dialogue))
    if form.is_valid():
        try:
            item = services.add_request(
                actor=request.user, dialogue=dialogue, data=form.cleaned_data
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Recorded request no. %(n)s.") % {"n": item.number})
            return redirect(f"{dialogue.get_absolute_url()}#requests")
    return _detail(request, dialogue, request_form=form, status=400)


def _visible_request(request, pk: int) -> DialogueRequest:
    return get_object_for(
        request.user,
        DialogueRequest.objects.select_related(
            "dialogue__unit", "owner_unit", "answered_by", "letter"
        ),
        perm=VIEW_REQUEST,
        pk=pk,
    )


def _request_page(request, item: DialogueRequest, *, form: AnswerForm | None = None, status=200):
    can_answer = request.user.has_perm(ANSWER, item)
    if form is None and can_answer:
        form = AnswerForm(request=item)
    context = {
        "item": item,
        "dialogue": item.dialogue,
        "due_state": selectors.due_state(item, timezone.localdate()),
        "can_answer": can_answer,
        "can_open_letter": item.letter_id is None and request.user.has_perm(OPEN_LETTER, item),
        "can_see_dialogue": request.user.has_perm(VIEW, item.dialogue),
        "can_see_letter": item.letter_id is not None
        and request.user.has_perm("petitions.view_letter", item.letter),
        "form": form,
    }
    return render(request, "dialogues/request_detail.html", context, status=status)


@login_required
def request_detail(request, pk: int):
    return _request_page(request, _visible_request(request, pk))


@login_required
@require_POST
def request_answer(request, pk: int):
    item = _visible_request(request, pk)
    if not request.user.has_perm(ANSWER, item):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_request(
                actor=request.user,
                request=item,
                answer=form.cleaned_data["answer"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(
                request, _("Recorded the answer to request no. %(n)s.") % {"n": item.number}
            )
            return redirect(next_url(request, services.request_url(item)))
    # The errors are shown on the request's own page, with what was typed.
    return _request_page(request, item, form=form, status=400)


@login_required
@require_POST
def request_publish(request, pk: int):
    item = _visible_request(request, pk)
    published = request.POST.get("published", "1") == "1"
    try:
        item = services.publish_request(actor=request.user, request=item, published=published)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if not published:
            messages.success(request, _("The answer is no longer published."))
        elif item.dialogue.is_published:
            messages.success(request, _("The answer is published on the public portal."))
        else:
            messages.warning(
                request,
                _(
                    "The answer is marked for publication: it appears once the dialogue is "
                    "published."
                ),
            )
    return redirect(next_url(request, services.request_url(item)))


@login_required
@require_POST
def request_letter(request, pk: int):
    item = _visible_request(request, pk)
    try:
        letter = services.open_letter_for_request(actor=request.user, request=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(next_url(request, services.request_url(item)))
    messages.success(
        request,
        _("Opened the petition letter %(code)s for request no. %(n)s.")
        % {"code": letter.code, "n": item.number},
    )
    return redirect(letter)


@login_required
@vary_on_headers("HX-Request")
def request_list(request):
    today = timezone.localdate()
    filters = selectors.RequestFilters.from_params(request.GET)
    rows = selectors.request_list(request.user, filters, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [
        {"request": r, "due_state": selectors.due_state(r, today)} for r in page.object_list
    ]
    context = {"filters": filters, "page": page, "today": today}
    if is_htmx(request):
        return render(request, "dialogues/partials/request_results.html", context)
    context.update(
        units=unit_options(request, filters.owner),
        statuses=RequestStatus.choices,
        sides=[
            (selectors.Side.OWNED, _("For my units to answer")),
            (selectors.Side.RAISED, _("Raised at my units' dialogues")),
        ],
        due_states=[
            (selectors.DueState.OVERDUE, _("Overdue")),
            (selectors.DueState.DUE_SOON, _("Due within 7 days")),
            (selectors.DueState.ON_TIME, _("Due later")),
        ],
    )
    return render(request, "dialogues/request_list.html", context)


# ------------------------------------------------------------------ listening requirements


@login_required
def requirement_list(request):
    rows = list(selectors.requirement_list(request.user))
    context = {"rows": rows, "can_add": writable_units(request.user).exists()}
    return render(request, "dialogues/requirement_list.html", context)


@login_required
def requirement_new(request):
    units = list(writable_units(request.user))
    if not units:
        raise PermissionDenied
    form = RequirementForm(
        request.POST or None,
        units=writable_units(request.user),
        unit=default_unit(units, request.working_unit),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        try:
            requirement = services.save_requirement(actor=request.user, unit=unit, data=data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Set the requirement “%(t)s”.") % {"t": requirement.title})
            return redirect(requirement)
    return render(request, "dialogues/requirement_form.html", {"form": form})


@login_required
@vary_on_headers("HX-Request")
def requirement_detail(request, pk: int):
    requirement = get_object_for(
        request.user,
        ListeningRequirement.objects.select_related("unit"),
        perm="dialogues.view_listeningrequirement",
        pk=pk,
    )
    top = selectors.coverage_root(request.user, requirement, request.working_unit)
    if top is None:
        raise Http404
    root = top
    wanted = request.GET.get("unit", "")
    if wanted.isdigit():
        chosen = Unit.objects.filter(pk=int(wanted)).first()
        if chosen is None or not chosen.path.startswith(top.path):
            raise Http404
        root = chosen
    cover = services.requirement_coverage(requirement, within=root, top=top)
    context = {
        "requirement": requirement,
        "cover": cover,
        "scoped": top.pk != requirement.unit_id,
        "chart_labels": [g.unit.display_name for g in cover.groups],
        "chart_values": [g.tally.pct or 0 for g in cover.groups],
        "chart_height": 40 + 28 * len(cover.groups),
    }
    if is_htmx(request):
        return render(request, "dialogues/partials/coverage.html", context)
    return render(request, "dialogues/requirement_detail.html", context)
