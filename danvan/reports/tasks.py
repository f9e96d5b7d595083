"""Background work for reports: the Word and Excel files, with their progress.

``request_generation(report, fmt=, actor=)`` records a queued ``Generation`` and enqueues
``generate_file`` once the transaction commits. The task takes the generation with a
conditional update (so two workers never build the same file), tells its progress as it
goes (per unit for Excel), stores the file and ends DONE, or FAILED with the error text;
``retry_generation`` queues a failed one again.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from danvan.reports.models import Generation, GenerationFormat, GenerationStatus, Report

logger = logging.getLogger(__name__)


def _enqueue(generation: Generation) -> None:
    transaction.on_commit(lambda pk=generation.pk: generate_file.enqueue(pk))


@transaction.atomic
def request_generation(report: Report, *, fmt: str, actor) -> Generation:
    if fmt not in GenerationFormat.values:
        raise ValidationError(_("Unknown file format."))
    generation = Generation.objects.create(report=report, format=fmt, requested_by=actor)
    _enqueue(generation)
    return generation


@transaction.atomic
def retry_generation(generation: Generation) -> Generation:
    updated = Generation.objects.filter(pk=generation.pk, status=GenerationStatus.FAILED).update(
        status=GenerationStatus.QUEUED, error="", progress=0, total=0, finished_at=None
    )
    if not updated:
        raise ValidationError(_("Only a failed file can be generated again."))
    generation.refresh_from_db()
    _enqueue(generation)
    return generation


def _progress(pk: int) -> callable:
    def tell(done: int, total: int) -> None:
        Generation.objects.filter(pk=pk).update(progress=done, total=total)

    return tell


def build(generation: Generation) -> tuple[str, bytes]:
    """The file's name and bytes (progress is stored as the work goes)."""
    from danvan.reports import documents, exports

    report = Report.objects.select_related(
        "unit", "period__owner", "period__form_version__form"
    ).get(pk=generation.report_id)
    tell = _progress(generation.pk)
    if generation.format == GenerationFormat.DOCX:
        return documents.filename(report, "docx"), documents.build_docx(report, progress=tell)
    return documents.filename(report, "xlsx"), exports.build_xlsx(report, progress=tell)


@task()
def generate_file(generation_id: int) -> str:
    """Build one queued file; returns its final status."""
    taken = Generation.objects.filter(pk=generation_id, status=GenerationStatus.QUEUED).update(
        status=GenerationStatus.RUNNING, attempts=F("attempts") + 1, error=""
    )
    if not taken:
        return "skipped"
    generation = Generation.objects.get(pk=generation_id)
    try:
        name, data = build(generation)
    except Exception as exc:  # any fault is the file's, told to the user who asked
        logger.warning("report generation %s failed", generation_id, exc_info=True)
        Generation.objects.filter(pk=generation_id).update(
            status=GenerationStatus.FAILED,
            error=str(exc) or exc.__class__.__name__,
            finished_at=timezone.now(),
        )
        return GenerationStatus.FAILED
    generation.file.save(name, ContentFile(data), save=False)
    Generation.objects.filter(pk=generation_id).update(
        file=generation.file.name,
        status=GenerationStatus.DONE,
        progress=F("total"),
        finished_at=timezone.now(),
    )
    return GenerationStatus.DONE


@task()
def open_period_in_background(period_id: int, actor_id: int) -> int:
    """Open a large period (``services.request_open`` queued it): create the drafts, tell the
    user who asked, and clear the period's "being opened" mark whatever happens."""
    from danvan.core.notify import notify
    from danvan.orgs.models import User
    from danvan.reports import services
    from danvan.reports.models import Period

    period = Period.objects.get(pk=period_id)
    actor = User.objects.get(pk=actor_id)
    try:
        created = services.open_period(period, actor=actor)
    except Exception as exc:
        logger.warning("opening period %s failed", period_id, exc_info=True)
        notify(
            users=[actor],
            text=_("Opening “%(period)s” failed: %(error)s")
            % {"period": period.name, "error": " ".join(getattr(exc, "messages", [str(exc)]))},
            url=period.get_absolute_url(),
            email=False,
        )
        return 0
    finally:
        Period.objects.filter(pk=period_id).update(opening_since=None)
    notify(
        users=[actor],
        text=ngettext(
            "“%(period)s” is open: %(n)s draft report was created.",
            "“%(period)s” is open: %(n)s draft reports were created.",
            created,
        )
        % {"period": period.name, "n": created},
        url=period.get_absolute_url(),
        email=False,
    )
    return created
