import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from danvan.orgs.unitdata import DEFAULT_PATH, UnitsFileError, load_units, parse_units_file


class Command(BaseCommand):
    help = "Load the administrative units (34 provinces, 3,321 communes and the legacy list)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_PATH, help="units JSON file")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            rows, successions = parse_units_file(options["file"])
        except UnitsFileError as exc:
            raise CommandError(f"Malformed units file, nothing was changed: {exc}") from exc
        result = load_units(rows, successions)
        for warning in result.warnings[:20]:
            self.stderr.write(self.style.WARNING(warning))
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Units: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged; successions created: "
                f"{result.successions_created} ({seconds:.1f} s)"
            )
        )
