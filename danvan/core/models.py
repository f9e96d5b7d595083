from django.db import models
from django.utils.translation import gettext_lazy as _

from danvan.core.text import fold, search_terms
from danvan.core.workdays import DayKind


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


class CalendarDay(models.Model):
    """The government's decision on one day: an extra day off, a swapped working day, or a holiday.

    Computed statutory holidays (``danvan.core.workdays.statutory_holidays``) apply unless a
    row here says otherwise. Saving or deleting a row rebuilds the calendar and recomputes the
    stored deadlines that depend on it.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("The document that decided it, e.g. a notice of the Ministry of Home Affairs."),
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"
