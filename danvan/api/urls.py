from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from danvan.api import initiative_views, views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="api-schema"),
    path("docs/", views.DocsView.as_view(), name="api-docs"),
    path("v1/auth/token/", views.TokenView.as_view(), name="api-token"),
    path("v1/me/", views.MeView.as_view(), name="api-me"),
    path("v1/units/", views.UnitListView.as_view(), name="api-unit-list"),
    # str, not int: a non-numeric id must answer the API's JSON 404, not the HTML one.
    path("v1/units/<str:id>/", views.UnitDetailView.as_view(), name="api-unit-detail"),
    path(
        "v1/units/<str:id>/memberships/",
        views.UnitMembershipListView.as_view(),
        name="api-unit-memberships",
    ),
    # "Dân vận khéo": campaigns, initiatives, councils (ids as str: JSON 404s, as above).
    path("v1/campaigns/", initiative_views.CampaignListView.as_view(), name="api-campaign-list"),
    path(
        "v1/campaigns/<str:id>/",
        initiative_views.CampaignDetailView.as_view(),
        name="api-campaign-detail",
    ),
    path(
        "v1/campaigns/<str:id>/statistics/",
        initiative_views.CampaignStatisticsView.as_view(),
        name="api-campaign-statistics",
    ),
    path(
        "v1/initiatives/",
        initiative_views.InitiativeListView.as_view(),
        name="api-initiative-list",
    ),
    path(
        "v1/initiatives/<str:id>/",
        initiative_views.InitiativeDetailView.as_view(),
        name="api-initiative-detail",
    ),
    path(
        "v1/initiatives/<str:id>/transitions/",
        initiative_views.InitiativeTransitionView.as_view(),
        name="api-initiative-transitions",
    ),
    path(
        "v1/initiatives/<str:id>/timeline/",
        initiative_views.InitiativeTimelineView.as_view(),
        name="api-initiative-timeline",
    ),
    path(
        "v1/councils/<str:id>/assignments/",
        initiative_views.CouncilAssignmentListView.as_view(),
        name="api-council-assignments",
    ),
    path(
        "v1/assignments/<str:id>/scores/",
        initiative_views.AssignmentScoresView.as_view(),
        name="api-assignment-scores",
    ),
]
