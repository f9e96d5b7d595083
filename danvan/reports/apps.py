from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "danvan.reports"
    verbose_name = _("Periodic reports")

    def ready(self) -> None:
        from danvan.core import history
        from danvan.reports.models import Period, Report, ReportForm

        history.register(ReportForm, perm="reports.view_reportform")
        history.register(Period, perm="reports.view_period")
        history.register(Report, perm="reports.view_report")
