"""Remind units before their report is due and escalate late ones (run once a day)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from danvan.core.commands import add_on_argument, on_date
from danvan.reports.reminders import send_reminders


class Command(BaseCommand):
    help = "Remind units whose report is due soon and escalate the late ones. Idempotent per day."

    def add_arguments(self, parser):
        add_on_argument(parser)

    def handle(self, *args, **options):
        today = on_date(options) or timezone.localdate()
        count = send_reminders(today)
        self.stdout.write(
            f"{today:%d/%m/%Y}: {count.reminded} reminded, {count.escalated} escalated."
        )
