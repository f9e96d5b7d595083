from django.urls import path

from danvan.reports.views import forms, output, periods, reports, rollup

app_name = "reports"

urlpatterns = [
    # periods (views/periods.py)
    path("", periods.period_list, name="period_list"),
    path("periods/new/", periods.period_create, name="period_create"),
    path("periods/<int:pk>/", periods.period_detail, name="period_detail"),
    path("periods/<int:pk>/edit/", periods.period_edit, name="period_edit"),
    path("periods/<int:pk>/open/", periods.period_open, name="period_open"),
    path("periods/<int:pk>/close/", periods.period_close, name="period_close"),
    path("periods/<int:pk>/remind/", periods.period_remind, name="period_remind"),
    # one report (views/reports.py)
    path("<int:pk>/", reports.report_detail, name="report_detail"),
    path("<int:pk>/edit/", reports.report_edit, name="report_edit"),
    path("<int:pk>/submit/", reports.report_submit, name="report_submit"),
    path("<int:pk>/review/", reports.report_review, name="report_review"),
    path("<int:pk>/reopen/", reports.report_reopen, name="report_reopen"),
    path("<int:pk>/refresh/", reports.report_refresh, name="report_refresh"),
    path("<int:pk>/revisions/<int:revision>/", reports.report_revision, name="report_revision"),
    # roll-up and compiled narrative (views/rollup.py)
    path("<int:pk>/rollup/", rollup.report_rollup, name="report_rollup"),
    path("<int:pk>/compile/", rollup.report_compile, name="report_compile"),
    path(
        "<int:pk>/rollup/<int:indicator_id>/missing/",
        rollup.rollup_missing,
        name="rollup_missing",
    ),
    # Word / Excel output in the background (views/output.py)
    path("<int:pk>/generate/<str:fmt>/", output.generate, name="generate"),
    path("generations/<uuid:token>/", output.generation_status, name="generation_status"),
    path(
        "generations/<uuid:token>/download/",
        output.generation_download,
        name="generation_download",
    ),
    path("generations/<uuid:token>/retry/", output.generation_retry, name="generation_retry"),
    path("periods/<int:pk>/export.xlsx", output.period_export, name="period_export"),
    path("templates/", output.template_list, name="template_list"),
    path("templates/<str:kind>/default.docx", output.template_default, name="template_default"),
    # forms (views/forms.py)
    path("forms/", forms.form_list, name="form_list"),
    path("forms/new/", forms.form_create, name="form_create"),
    path("forms/<int:pk>/", forms.form_detail, name="form_detail"),
    path("forms/<int:pk>/edit/", forms.form_edit, name="form_edit"),
]
