from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "danvan.petitions"
    verbose_name = _("Citizen reception and letters")

    def ready(self) -> None:
        from danvan.core import history
        from danvan.petitions import indicators, signals  # noqa: F401
        from danvan.petitions.models import Letter, Reception

        history.register(Letter, perm="petitions.view_letter")
        history.register(Reception, perm="petitions.view_reception")
