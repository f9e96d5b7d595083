from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from danvan.api import views

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
]
