"""In-app notifications with an e-mail beside each, sent after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task

from danvan.core.models import Notification

_emails_muted: ContextVar[bool] = ContextVar("danvan_emails_muted", default=False)


@contextmanager
def emails_muted() -> Iterator[None]:
    """Record notifications without e-mailing them (demo data, bulk imports)."""
    token = _emails_muted.set(True)
    try:
        yield
    finally:
        _emails_muted.reset(token)


@task()
def send_notification_email(*, to: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)


def notify(*, users: Iterable, text: str, url: str = "", email: bool = True) -> int:
    """Record ``text`` for each user and queue an e-mail to those with an address.

    Returns the number of notifications created. Callers hold the transaction; the e-mails
    are enqueued only once it commits, so a rolled-back change sends nothing.
    """
    users = list({user.pk: user for user in users}.values())
    Notification.objects.bulk_create(Notification(user=u, text=text[:500], url=url) for u in users)
    if email and not _emails_muted.get():
        link = f"{settings.SITE_URL}{url}" if url else ""
        body = f"{text}\n\n{link}".strip()
        for user in users:
            if user.email:
                transaction.on_commit(
                    lambda to=user.email: send_notification_email.enqueue(
                        to=to, subject=f"[danvan] {text[:120]}", body=body
                    )
                )
    return len(users)
