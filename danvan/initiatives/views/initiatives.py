"""Initiative pages: list, register, edit, detail with timeline, transitions, progress."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from danvan.core.access import get_object_for
from danvan.core.uploads import EXCEL, WORD
from danvan.core.viewutils import add_form_errors, is_htmx
from danvan.initiatives import selectors, services
from danvan.initiatives.forms import (
    AwardForm,
    EvidenceForm,
    ProgressForm,
    PublicationForm,
    ReasonForm,
    RegistrationForm,
    registrable_units,
)
from danvan.initiatives.models import (
    RECOGNISED_STATUSES,
    TRANSITIONS,
    Actor,
    Award,
    Campaign,
    Evidence,
    Initiative,
    InitiativeKind,
    Level,
    Milestone,
    ProgressUpdate,
    Recognition,
    Status,
    Transition,
)
from danvan.orgs.models import Unit
from danvan.orgs.selectors import membership_units

PAGE_SIZE = 30
VIEW = "initiatives.view_initiative"
ACTOR_PERMS = {
    Actor.UNIT: "initiatives.act_for_unit",
    Actor.LAUNCHER: "initiatives.act_for_launcher",
}
# Moves fired from the detail page, with the service each one calls. ``text`` is what the
# inline form typed: a reason, a comment or the self-assessment.
MOVES = {
    "submit": lambda actor, i, text: services.submit(actor=actor, initiative=i),
    "return": lambda actor, i, text: services.return_for_changes(
        actor=actor, initiative=i, reason=text
    ),
    "accept": lambda actor, i, text: services.accept(actor=actor, initiative=i, comment=text),
    "start": lambda actor, i, text: services.start(actor=actor, initiative=i),
    "mid_term_review": lambda actor, i, text: services.mid_term_review(
        actor=actor, initiative=i, comment=text
    ),
    "self_assess": lambda actor, i, text: services.self_assess(
        actor=actor, initiative=i, text=text
    ),
    "propose": lambda actor, i, text: services.propose(actor=actor, initiative=i, comment=text),
    "discontinue": lambda actor, i, text: services.discontinue(
        actor=actor, initiative=i, reason=text
    ),
}
# Moves that open a small form for their text: a reason, a comment or the self-assessment.
TEXT_MOVES = frozenset({"return", "mid_term_review", "self_assess", "discontinue"})
SORTABLE = ("name", "unit", "status", "registered")


def _initiatives():
    return Initiative.objects.select_related(
        "campaign__unit",
        "unit",
        "field",
        "level",
        "lead_unit",
        "replicated_from__unit",
        "replicated_from__campaign__unit",
    )


def _visible(request, pk: int) -> Initiative:
    """The initiative, or 404 when the user may not see it."""
    return get_object_for(request.user, _initiatives(), perm=VIEW, pk=pk)


def _refuse(request, initiative: Initiative, message: str):
    """The registering unit hears why (and goes back); anyone else who only reads gets 403."""
    if request.user.has_perm("initiatives.act_for_unit", initiative):
        messages.error(request, message)
        return redirect(initiative)
    raise PermissionDenied


# ------------------------------------------------------------------ list


def _filter_options(request, filters: selectors.ListFilters) -> dict:
    campaigns = list(selectors.campaigns_for(request.user))
    chosen = next((c for c in campaigns if c.pk == filters.campaign), None)
    units = list(membership_units(request.user))
    if chosen is not None and all(u.pk != chosen.unit_id for u in units):
        units.insert(0, chosen.unit)
    if filters.unit and all(u.pk != filters.unit for u in units):
        extra = Unit.objects.filter(pk=filters.unit).first()
        if extra is not None and request.user.has_perm("orgs.view_unit", extra):
            units.append(extra)
    if chosen is not None:
        fields = list(chosen.fields.all())
        levels = [(level.rank, level.name) for level in chosen.levels.all()]
    else:
        fields = []
        ranks = sorted(
            set(
                Level.objects.filter(campaign__in=[c.pk for c in campaigns]).values_list(
                    "rank", flat=True
                )
            )
        )
        levels = [(rank, _("Level %(rank)s") % {"rank": rank}) for rank in ranks]
    return {
        "campaigns": campaigns,
        "units": units,
        "fields": fields,
        "levels": levels,
        "kinds": InitiativeKind.choices,
        "statuses": Status.choices,
    }


@login_required
@vary_on_headers("HX-Request")
def initiative_list(request):
    filters = selectors.ListFilters.from_params(request.GET)
    rows = selectors.initiative_list(request.user, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    export_query = params.urlencode()
    sorts = {}
    for key in SORTABLE:
        if filters.sort == key:
            sorts[key] = {"next": f"-{key}", "arrow": "up"}
        elif filters.sort == f"-{key}":
            sorts[key] = {"next": key, "arrow": "down"}
        else:
            sorts[key] = {"next": key, "arrow": ""}
    context = {
        "filters": filters,
        "page": page,
        "sorts": sorts,
        "export_query": export_query,
        "filtered": any(
            [
                filters.campaign,
                filters.unit,
                filters.field,
                filters.kind,
                filters.status,
                filters.level,
                filters.q,
            ]
        ),
    }
    if is_htmx(request):
        return render(request, "initiatives/partials/initiative_results.html", context)
    context.update(_filter_options(request, filters))
    return render(request, "initiatives/initiative_list.html", context)


# ---------------------------------------------------------- registration


def _save_registration(request, form, save) -> Initiative | None:
    """Run ``save`` (and submit when asked) in one transaction; refusals go to the form."""
    submit_now = request.POST.get("intent") == "submit"
    try:
        with transaction.atomic():
            initiative = save()
            if submit_now:
                initiative = services.submit(actor=request.user, initiative=initiative)
    except ValidationError as exc:
        add_form_errors(form, exc)
        if submit_now:
            form.add_error(
                None, _("Nothing was saved. You may save it as a draft and submit it later.")
            )
        return None
    if submit_now:
        messages.success(request, _("Registered “%(name)s”.") % {"name": initiative.name})
    else:
        messages.success(request, _("Saved the draft “%(name)s”.") % {"name": initiative.name})
    return initiative


@login_required
def initiative_create(request, pk: int):
    campaign = get_object_for(
        request.user,
        Campaign.objects.select_related("unit"),
        perm="initiatives.view_campaign",
        pk=pk,
    )
    units = registrable_units(request.user, campaign)
    unit_ids = list(units.values_list("pk", flat=True))
    if not unit_ids:
        raise PermissionDenied
    wanted = request.GET.get("unit", "")
    working = request.working_unit
    if wanted.isdigit() and int(wanted) in unit_ids:
        default_unit = int(wanted)
    elif working and working.pk in unit_ids:
        default_unit = working.pk
    else:
        default_unit = unit_ids[0]
    form = RegistrationForm(
        request.POST or None,
        user=request.user,
        campaign=campaign,
        units=units,
        initial={"unit": default_unit, "kind": request.GET.get("kind", InitiativeKind.MODEL)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.registration_data()
        initiative = _save_registration(
            request,
            form,
            lambda: services.create_initiative(
                actor=request.user, campaign=campaign, unit=form.cleaned_data["unit"], **data
            ),
        )
        if initiative is not None:
            return redirect(initiative)
    context = {
        "form": form,
        "campaign": campaign,
        "initiative": None,
        "registration_open": campaign.registration_open_on(timezone.localdate()),
    }
    if is_htmx(request) and request.method == "GET":
        return render(request, "initiatives/partials/initiative_nearby.html", context)
    return render(request, "initiatives/initiative_form.html", context)


@login_required
def initiative_edit(request, pk: int):
    initiative = _visible(request, pk)
    if not request.user.has_perm("initiatives.change_initiative", initiative):
        return _refuse(
            request,
            initiative,
            _("The registration can be changed only while it is a draft or returned."),
        )
    initiative = (
        _initiatives().prefetch_related("coordinating_units", "milestones").get(pk=initiative.pk)
    )
    form = RegistrationForm(
        request.POST or None,
        user=request.user,
        campaign=initiative.campaign,
        initiative=initiative,
        initial=RegistrationForm.initial_for(initiative),
    )
    if request.method == "POST" and form.is_valid():
        data = form.registration_data()
        saved = _save_registration(
            request,
            form,
            lambda: services.update_initiative(actor=request.user, initiative=initiative, **data),
        )
        if saved is not None:
            return redirect(saved)
    context = {
        "form": form,
        "campaign": initiative.campaign,
        "initiative": initiative,
        "registration_open": initiative.campaign.registration_open_on(timezone.localdate()),
    }
    return render(request, "initiatives/initiative_form.html", context)


# ---------------------------------------------------------------- detail


def _available_moves(user, initiative: Initiative) -> list[dict]:
    """The buttons of the detail page: moves open from this status that the user may fire."""
    moves = []
    for action, move in TRANSITIONS.items():
        if initiative.status not in move.sources or move.actor == Actor.COUNCIL:
            continue
        if not user.has_perm(ACTOR_PERMS[move.actor], initiative):
            continue
        entry = {"action": action, "label": move.label, "form": action in TEXT_MOVES}
        if action == "send_to_council":
            entry["url"] = reverse("initiatives:council_list", args=[initiative.campaign_id])
        elif action == "reward":
            entry["url"] = reverse("initiatives:initiative_award", args=[initiative.pk])
        elif action not in MOVES:
            continue
        entry["danger"] = action in {"discontinue", "return"}
        moves.append(entry)
    return moves


def _detail_context(request, pk: int, **forms) -> dict:
    user = request.user
    initiative = (
        _initiatives()
        .prefetch_related(
            "coordinating_units",
            "milestones",
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related("author").prefetch_related(
                    "evidence"
                ),
            ),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.filter(update__isnull=True),
                to_attr="loose_evidence",
            ),
            Prefetch("transitions", queryset=Transition.objects.select_related("actor", "level")),
            Prefetch("recognitions", queryset=Recognition.objects.select_related("level")),
            Prefetch("awards", queryset=Award.objects.select_related("kind", "recipient_unit")),
        )
        .get(pk=pk)
    )
    acts_for_unit = user.has_perm("initiatives.act_for_unit", initiative)
    can_publish = user.has_perm("initiatives.publish_initiative", initiative)
    context = {
        "initiative": initiative,
        "campaign": initiative.campaign,
        "moves": _available_moves(user, initiative),
        "n_replications": initiative.replications.count(),
        "can_see_source": initiative.replicated_from_id is not None
        and user.has_perm(VIEW, initiative.replicated_from),
        "can_edit": user.has_perm("initiatives.change_initiative", initiative),
        "can_post_progress": user.has_perm("initiatives.post_progress", initiative),
        "can_add_evidence": acts_for_unit and initiative.status != Status.DISCONTINUED,
        "can_toggle_public": acts_for_unit or can_publish,
        "can_publish": can_publish and initiative.status in RECOGNISED_STATUSES,
        "is_recognised": initiative.status in RECOGNISED_STATUSES,
        "today": timezone.localdate(),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "publication_form": forms.get("publication_form")
        or PublicationForm(
            initial={"story": initiative.story, "published": initiative.is_published}
        ),
    }
    return context


@login_required
def initiative_detail(request, pk: int):
    initiative = _visible(request, pk)
    return render(
        request, "initiatives/initiative_detail.html", _detail_context(request, initiative.pk)
    )


@login_required
@require_POST
def initiative_transition(request, pk: int, action: str):
    if action not in MOVES:
        raise Http404
    initiative = _visible(request, pk)
    move = TRANSITIONS[action]
    if not request.user.has_perm(ACTOR_PERMS[move.actor], initiative):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    text = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        MOVES[action](request.user, initiative, text)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        initiative.refresh_from_db(fields=["status"])
        messages.success(
            request,
            _("Done: “%(action)s”. The initiative is now “%(status)s”.")
            % {"action": move.label, "status": initiative.get_status_display()},
        )
    return redirect(initiative)


# ------------------------------------------------------ progress, evidence


@login_required
def initiative_progress(request, pk: int):
    initiative = _visible(request, pk)
    if not request.user.has_perm("initiatives.post_progress", initiative):
        return _refuse(
            request,
            initiative,
            _("Progress can be reported while the initiative runs (from acceptance to appraisal)."),
        )
    open_milestones = list(initiative.milestones.filter(done_on__isnull=True))
    form = ProgressForm(request.POST or None, request.FILES or None, milestones=open_milestones)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_progress(
                actor=request.user, initiative=initiative, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect(reverse("initiatives:initiative_detail", args=[pk]) + "#progress")
    return render(
        request,
        "initiatives/initiative_progress.html",
        {"initiative": initiative, "form": form, "milestones": open_milestones},
    )


@login_required
@require_POST
def initiative_evidence(request, pk: int):
    initiative = _visible(request, pk)
    if not request.user.has_perm("initiatives.act_for_unit", initiative):
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(
                actor=request.user,
                initiative=initiative,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                is_public=form.cleaned_data["is_public"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_form_errors(form, exc)
            else:  # the upload check speaks about the file
                form.add_error("file", exc.messages)
        else:
            messages.success(request, _("File added."))
            return redirect(reverse("initiatives:initiative_detail", args=[pk]) + "#evidence")
    context = _detail_context(request, initiative.pk, evidence_form=form)
    return render(request, "initiatives/initiative_detail.html", context)


def _evidence(request, token: str) -> Evidence:
    evidence = (
        Evidence.objects.select_related("initiative__campaign__unit", "initiative__unit")
        .filter(token=token)
        .first()
    )
    if evidence is None or not request.user.has_perm(VIEW, evidence.initiative):
        raise Http404
    return evidence


@login_required
def evidence_file(request, token: str):
    evidence = _evidence(request, token)
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    # The stored extension tells what it is (photos are re-encoded as JPEG).
    stored_suffix = PurePath(evidence.file.name).suffix
    filename = (PurePath(evidence.original_name).stem or "file") + stored_suffix
    response = FileResponse(
        handle,
        content_type=evidence.content_type,
        as_attachment=evidence.kind in {WORD, EXCEL},
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response


@login_required
@require_POST
def evidence_public(request, token: str):
    evidence = _evidence(request, token)
    try:
        services.set_evidence_public(
            actor=request.user,
            evidence=evidence,
            is_public=request.POST.get("is_public") in {"1", "on", "true"},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if evidence.is_public:
            messages.success(request, _("The photo may now be shown on the showcase."))
        else:
            messages.success(request, _("The file is no longer shown on the showcase."))
    return redirect(evidence.initiative.get_absolute_url() + "#evidence")


@login_required
@require_POST
def milestone_tick(request, pk: int):
    milestone = get_object_for(
        request.user,
        Milestone.objects.select_related("initiative__campaign__unit", "initiative__unit"),
        pk=pk,
    )
    initiative = milestone.initiative
    if not request.user.has_perm(VIEW, initiative):
        raise Http404
    if not request.user.has_perm("initiatives.post_progress", initiative):
        return _refuse(
            request, initiative, _("Milestones can be ticked while the initiative runs.")
        )
    done = request.POST.get("done") in {"1", "on", "true"}
    try:
        services.tick_milestone(
            actor=request.user, milestone=milestone, done_on=timezone.localdate() if done else None
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if is_htmx(request):
        return render(
            request,
            "initiatives/partials/initiative_milestone.html",
            {"milestone": milestone, "initiative": initiative, "can_post_progress": True},
        )
    return redirect(initiative.get_absolute_url() + "#milestones")


# ------------------------------------------------- publication and awards


@login_required
@require_POST
def initiative_publish(request, pk: int):
    initiative = _visible(request, pk)
    if not request.user.has_perm("initiatives.publish_initiative", initiative):
        raise PermissionDenied
    form = PublicationForm(request.POST)
    if form.is_valid():
        try:
            initiative = services.set_publication(
                actor=request.user,
                initiative=initiative,
                published=form.cleaned_data["published"],
                story=form.cleaned_data["story"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            if initiative.is_published:
                messages.success(request, _("Published on the public showcase."))
            else:
                messages.success(request, _("Not shown on the public showcase."))
            return redirect(reverse("initiatives:initiative_detail", args=[pk]) + "#publication")
    context = _detail_context(request, initiative.pk, publication_form=form)
    return render(request, "initiatives/initiative_detail.html", context)


@login_required
def initiative_award(request, pk: int):
    initiative = _visible(request, pk)
    if not request.user.has_perm("initiatives.act_for_launcher", initiative):
        raise PermissionDenied
    if not initiative.can_move("reward"):
        messages.error(request, _("Only a recognised initiative can receive an award."))
        return redirect(initiative)
    form = AwardForm(request.POST or None, initiative=initiative)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_award(actor=request.user, initiative=initiative, **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Award recorded."))
            return redirect(reverse("initiatives:initiative_detail", args=[pk]) + "#awards")
    return render(
        request, "initiatives/initiative_award.html", {"initiative": initiative, "form": form}
    )


# ------------------------------------------------------------ replication


@login_required
def initiative_replications(request, pk: int):
    initiative = _visible(request, pk)
    # The family starts at the first model of the chain (short chains; bounded walk).
    root = initiative
    seen = {root.pk}
    for _step in range(10):
        if root.replicated_from_id is None or root.replicated_from_id in seen:
            break
        parent = (
            Initiative.objects.select_related("unit", "campaign")
            .filter(pk=root.replicated_from_id)
            .first()
        )
        if parent is None:
            break
        seen.add(parent.pk)
        root = parent
    tree = selectors.visible_replications(request.user, selectors.replication_tree(root))
    return render(
        request,
        "initiatives/initiative_replications.html",
        {"initiative": initiative, "tree": tree},
    )


urlpatterns = [
    path("", initiative_list, name="initiative_list"),
    path("campaigns/<int:pk>/register/", initiative_create, name="initiative_create"),
    path("<int:pk>/", initiative_detail, name="initiative_detail"),
    path("<int:pk>/edit/", initiative_edit, name="initiative_edit"),
    path("<int:pk>/move/<str:action>/", initiative_transition, name="initiative_transition"),
    path("<int:pk>/progress/", initiative_progress, name="initiative_progress"),
    path("<int:pk>/evidence/", initiative_evidence, name="initiative_evidence"),
    path("<int:pk>/publish/", initiative_publish, name="initiative_publish"),
    path("<int:pk>/award/", initiative_award, name="initiative_award"),
    path("<int:pk>/replications/", initiative_replications, name="initiative_replications"),
    path("milestones/<int:pk>/tick/", milestone_tick, name="milestone_tick"),
    path("evidence/<str:token>/", evidence_file, name="evidence_file"),
    path("evidence/<str:token>/public/", evidence_public, name="evidence_public"),
]
