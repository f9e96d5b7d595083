from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialoguesConfig(AppConfig):
    name = "danvan.dialogues"
    verbose_name = _("Dialogues and disclosure")

    def ready(self) -> None:
        from danvan.core import history
        from danvan.dialogues import indicators  # noqa: F401
        from danvan.dialogues.models import Dialogue, DialogueRequest, DisclosureItem

        history.register(Dialogue, perm="dialogues.view_dialogue")
        history.register(DialogueRequest, perm="dialogues.view_dialoguerequest")
        history.register(DisclosureItem, perm="dialogues.view_disclosureitem")
