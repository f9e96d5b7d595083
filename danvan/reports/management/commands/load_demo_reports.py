"""Demo reports and targets: Đà Nẵng (Quảng Nam merged into it) with the 2030 targets of
Kế hoạch 8041/KH-UBND, the 2025 yearly report rolled up, and the 2026 one in progress.

Idempotent. Needs ``manage.py load_units`` and ``manage.py load_demo`` first; runs after
``load_demo_plans`` (it reads the seed plan itself when that has not run). The logic is in
``danvan.reports.demo``.
"""

from django.core.management.base import BaseCommand, CommandError

from danvan.reports import demo


class Command(BaseCommand):
    help = "Load the demo reports and targets of Đà Nẵng (idempotent) and print the logins."

    def handle(self, *args, **options):
        try:
            summary = demo.load()
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Demo reports: " + "; ".join(summary.parts)))
        self.stdout.write(f"Đà Nẵng demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, role, unit_name in summary.logins:
            self.stdout.write(f"  {username:<18} {role:<28} {unit_name}")
        self.stdout.write(
            "Reports tour: danang.canbo → /reports/ (the 2025 report of the city, compiled "
            "from 95 accepted reports; the 2026 period with its late units); danang.thamdinh "
            "→ review Nam Trà My's submitted report; hoian.canbo → the returned report and "
            "the comment on its results; haichau.canbo → finish the draft and submit it; "
            "danang.lanhdao → the targets of Kế hoạch 8041/KH-UBND to 2030 (/kpis/targets/) "
            "and the dashboard (/kpis/)."
        )
