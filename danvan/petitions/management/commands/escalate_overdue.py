"""Escalate newly overdue letters to the unit above (run daily from cron)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

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
        parser.add_argument(
            "--on",
            help="Treat this day (YYYY-MM-DD) as today; by default the local date.",
        )

    def handle(self, *args, **options):
        on = None
        if options.get("on"):
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError as exc:
                raise CommandError(
                    f"--on must be a date as YYYY-MM-DD, not {options['on']!r}."
                ) from exc
        count = services.escalate_overdue(on=on)
        self.stdout.write(self.style.SUCCESS(f"Escalated {count} overdue letter(s)."))
