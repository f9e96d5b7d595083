from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "danvan.plans"
    verbose_name = _("Plans, tasks and activities")

    def ready(self) -> None:
        from danvan.core import history
        from danvan.plans import indicators  # noqa: F401
        from danvan.plans.models import Activity, LegalDocument, Plan, Task

        history.register(LegalDocument, perm="plans.view_legaldocument")
        history.register(Plan, perm="plans.view_plan")
        history.register(Task, perm="plans.view_task")
        history.register(Activity, perm="plans.view_activity")
