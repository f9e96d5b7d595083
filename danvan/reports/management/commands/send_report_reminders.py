"""Remind units before their report is due and escalate late ones (run once a day)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from danvan.reports.reminders import send_reminders


class Command(BaseCommand):
    help = "Remind units whose report is due soon and escalate the late ones. Idempotent per day."

    def add_arguments(self, parser):
        parser.add_argument(
            "--on",
            help="Treat this day (YYYY-MM-DD) as today; by default the local date.",
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options.get("on"):
            try:
                today = dt.date.fromisoformat(options["on"])
            except ValueError as exc:
                raise CommandError(
                    f"--on must be a date as YYYY-MM-DD, not {options['on']!r}."
                ) from exc
        count = send_reminders(today)
        self.stdout.write(
            f"{today:%d/%m/%Y}: {count.reminded} reminded, {count.escalated} escalated."
        )
