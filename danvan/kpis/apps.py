from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "danvan.kpis"
    verbose_name = _("Indicators and targets")

    def ready(self) -> None:
        from danvan.core import history
        from danvan.kpis.models import Indicator, Target

        history.register(Indicator, perm="kpis.view_indicator")
        history.register(Target, perm="kpis.view_target")
