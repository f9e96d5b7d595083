from django.db import models
from django.utils.translation import gettext_lazy as _

from danvan.core.text import fold


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SearchableModel(models.Model):
    """A model with a folded ``search_text`` column, refreshed from ``search_source()``."""

    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # A derived column, kept in step with its source on every save (no extra query).
        self.refresh_search_text()
        super().save(*args, **kwargs)

    def search_source(self) -> str:
        raise NotImplementedError

    def refresh_search_text(self) -> None:
        self.search_text = fold(self.search_source())
