from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "danvan.initiatives"
    verbose_name = _("“Dân vận khéo” models and exemplars")

    def ready(self) -> None:
        from danvan.core import history
        from danvan.initiatives import indicators  # noqa: F401
        from danvan.initiatives.models import Campaign, Council, Initiative

        history.register(Campaign, perm="initiatives.view_campaign")
        history.register(Initiative, perm="initiatives.view_initiative")
        history.register(Council, perm="initiatives.view_council")
