from django.urls import path

from danvan.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("switch/", views.switch_unit, name="switch_unit"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("<int:pk>/agencies/new/", views.agency_create, name="agency_create"),
    path("<int:pk>/members/", views.unit_members, name="unit_members"),
    path(
        "<int:pk>/members/<int:membership_pk>/revoke/",
        views.membership_revoke,
        name="membership_revoke",
    ),
]
