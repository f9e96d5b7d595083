"""Escalate newly overdue letters to the unit above (run daily from cron)."""

from django.core.management.base import BaseCommand

from danvan.core.commands import add_on_argument, on_date
from danvan.petitions import services


class Command(BaseCommand):
    help = (
        "Escalate every open letter whose legal deadline has passed to the leaders of the unit "
        "above (and tell the leaders of its own unit). Run it once a day from cron, e.g. "
        "'15 6 * * * manage.py escalate_overdue'. Idempotent: a letter is escalated once "
        "(escalated_on is set under a row lock), so running it twice, or from two servers at "
        "once, escalates nothing more; an extension or a transfer re-arms it."
    )

    def add_arguments(self, parser):
        add_on_argument(parser)

    def handle(self, *args, **options):
        on = on_date(options)
        count = services.escalate_overdue(on=on)
        self.stdout.write(self.style.SUCCESS(f"Escalated {count} overdue letter(s)."))
