"""Remind units of plan tasks falling due, escalate overdue ones (run daily from cron)."""

from django.core.management.base import BaseCommand

from danvan.core.commands import add_on_argument, on_date
from danvan.plans.reminders import REMIND_DAYS, send_reminders


class Command(BaseCommand):
    help = (
        f"Remind the lead units (and assignees) of plan tasks due within {REMIND_DAYS} days, "
        "tell them and escalate to the issuing unit's officers and leaders when a task is "
        "overdue, and remind the units still missing from a coverage requirement whose "
        "period is closing. Run it once a day from cron, e.g. "
        "'30 6 * * * manage.py send_plan_reminders'. Idempotent: each reminder is recorded "
        "under a unique key (task and deadline, or requirement and unit), so running it "
        "twice, or from two servers at once, sends nothing more; a recurring task is "
        "reminded again once its deadline moves to the next period."
    )

    def add_arguments(self, parser):
        add_on_argument(parser)

    def handle(self, *args, **options):
        on = on_date(options)
        summary = send_reminders(on=on)
        self.stdout.write(self.style.SUCCESS(str(summary)))
