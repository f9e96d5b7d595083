"""Remind units before their report is due and escalate late ones (run once a day)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from danvan.core.params import date_param
from danvan.reports.reminders import send_reminders


class Command(BaseCommand):
    help = "Remind units whose report is due soon and escalate the late ones. Idempotent per day."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this day (yyyy-mm-dd).")

    def handle(self, *args, **options):
        today = date_param(options, "date") or timezone.localdate()
        count = send_reminders(today)
        self.stdout.write(
            f"{today:%d/%m/%Y}: {count.reminded} reminded, {count.escalated} escalated."
        )
