from django.db import models
from django.utils.translation import gettext_lazy as _

from danvan.core.text import fold, search_terms


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SearchQuerySet(models.QuerySet):
    """``search(query)``: accent-insensitive, every folded word of the query must appear."""

    def search(self, query: str | None, *, field: str = "search_text"):
        qs = self
        for term in search_terms(query):
            qs = qs.filter(**{f"{field}__contains": term})
        return qs


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


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one user (the header's bell); e-mail is sent beside it."""

    user = models.ForeignKey(
        "orgs.User",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read")]

    def __str__(self) -> str:
        return self.text
