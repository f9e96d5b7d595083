"""Quota compliance (table and heat-map) and statistics of a campaign."""

from django.http import Http404
from django.urls import path


def quota(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def quota_heatmap(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def statistics(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


def export_quota_xlsx(request, pk: int):  # placeholder: replaced by its owner
    raise Http404


urlpatterns = [
    path("campaigns/<int:pk>/export/quota.xlsx", export_quota_xlsx, name="export_quota_xlsx"),
    path("campaigns/<int:pk>/quota/", quota, name="quota"),
    path("campaigns/<int:pk>/quota/heatmap/", quota_heatmap, name="quota_heatmap"),
    path("campaigns/<int:pk>/statistics/", statistics, name="statistics"),
]
