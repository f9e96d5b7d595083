from django.urls import path

from danvan.kpis.views import dashboard, indicators, targets

app_name = "kpis"

urlpatterns = [
    # dashboard (views/dashboard.py)
    path("", dashboard.dashboard, name="dashboard"),
    path("export.xlsx", dashboard.dashboard_export, name="dashboard_export"),
    path("indicators/<int:pk>/trend/", dashboard.indicator_trend, name="indicator_trend"),
    # catalogue (views/indicators.py)
    path("indicators/", indicators.indicator_list, name="indicator_list"),
    path("indicators/new/", indicators.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/", indicators.indicator_detail, name="indicator_detail"),
    path("indicators/<int:pk>/edit/", indicators.indicator_edit, name="indicator_edit"),
    # targets (views/targets.py)
    path("targets/", targets.target_list, name="target_list"),
    path("targets/new/", targets.target_create, name="target_create"),
    path("targets/<int:pk>/edit/", targets.target_edit, name="target_edit"),
    path("targets/<int:pk>/delete/", targets.target_delete, name="target_delete"),
    path("targets/export.xlsx", targets.target_export, name="target_export"),
]
