"""Remind units still at zero registrations before a campaign's registration closes.

Run daily (cron or a systemd timer). Idempotent: each unit gets one reminder per campaign
and stage (14, 7 and 2 days before the close), however often this runs.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from danvan.initiatives import services
from danvan.initiatives.models import Campaign, CampaignStatus


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date expects YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Send quota reminders to units that have registered nothing in an open campaign."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=_date, default=None, help="Act as if today were YYYY-MM-DD."
        )

    def handle(self, *args, **options):
        today = options["date"] or timezone.localdate()
        total = 0
        campaigns = Campaign.objects.filter(status=CampaignStatus.OPEN).select_related("unit")
        for campaign in campaigns.order_by("year", "unit__path"):
            reminded = services.send_quota_reminders(campaign=campaign, today=today)
            total += reminded
            if reminded or options["verbosity"] > 1:
                self.stdout.write(f"{campaign.name}: {reminded}")
        self.stdout.write(f"{today:%d/%m/%Y}: {total} unit(s) reminded.")
