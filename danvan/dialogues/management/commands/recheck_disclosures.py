"""Recompute every disclosure's minimum period and violation flag (run after editing the rules).

Idempotent: a second run changes nothing.
"""

from django.core.management.base import BaseCommand

from danvan.dialogues.services import recheck_disclosures


class Command(BaseCommand):
    help = "Recompute the minimum period and violation flag of every disclosure."

    def handle(self, *args, **options):
        changed = recheck_disclosures()
        self.stdout.write(f"{changed} disclosure(s) changed.")
