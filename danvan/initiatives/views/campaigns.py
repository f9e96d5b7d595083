"""Campaign pages: list, create, copy, detail, settings (fields, levels and rubrics)."""

from django.http import Http404
from django.urls import path


def campaign_list(request):  # placeholder: replaced by its owner
    raise Http404


def campaign_create(request):  # placeholder: replaced by its owner
    raise Http404


def campaign_detail(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def campaign_edit(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def campaign_copy(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def campaign_status(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def campaign_fields(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def campaign_level(request, pk: int, rank: int):  # placeholder: replaced by its owner
    raise Http404


urlpatterns = [
    path("campaigns/", campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/copy/", campaign_copy, name="campaign_copy"),
    path("campaigns/<int:pk>/status/", campaign_status, name="campaign_status"),
    path("campaigns/<int:pk>/fields/", campaign_fields, name="campaign_fields"),
    path("campaigns/<int:pk>/levels/<int:rank>/", campaign_level, name="campaign_level"),
]
