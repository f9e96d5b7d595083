from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "danvan.orgs"
    verbose_name = _("Units and users")

    def ready(self) -> None:
        from danvan.core import history
        from danvan.orgs.models import Membership, Unit

        history.register(Unit, perm="orgs.view_unit_history")
        history.register(Membership, perm="orgs.view_unit_members")
