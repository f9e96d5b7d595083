"""Initiative pages: list, register, edit, detail with timeline, transitions, progress."""

from django.http import Http404
from django.urls import path


def initiative_list(request):  # placeholder: replaced by its owner
    raise Http404


def initiative_create(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def initiative_detail(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def initiative_edit(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def initiative_transition(request, pk: int, action: str):  # placeholder: replaced by its owner
    raise Http404


def initiative_progress(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def initiative_evidence(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def initiative_publish(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def initiative_award(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def initiative_replications(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def milestone_tick(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def evidence_file(request, token: str):  # placeholder: replaced by its owner
    raise Http404


def evidence_public(request, token: str):  # placeholder: replaced by its owner
    raise Http404


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
