"""Benchmark: the "Dân vận khéo" screens at national scale.

Run from the project root (a throwaway SQLite database, or DATABASE_URL):

    .venv/bin/python bench/initiatives.py

Loads the full units file, adds a few hundred agencies to the province with the most
communes, opens one campaign per current province (34) and spreads 20,000 initiatives with
realistic statuses (and their Transition rows) over all 3,321 current communes. Then prints
the time and the number of queries of: the initiative list (first page of 30 with its
count) for a system administrator and for a province officer; quota rows and heat-map of
the biggest province (and of every province in turn, the whole country); the statistics.
Not a timed test: figures only.
"""

import itertools
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DANVAN_DATA_DIR", tempfile.mkdtemp(prefix="danvan-bench-"))

import django  # noqa: E402

django.setup()

from benchtools import measure  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

N_INITIATIVES = 20_000
AGENCIES_PER_COMMUNE = 3  # in the biggest province: Front, a mass organisation, a party cell
SEED = 20_250_701

# Share of each status (per mille) and the statuses it went through, in order.
CHAINS = {
    "draft": (50, ["draft"]),
    "registered": (100, ["draft", "registered"]),
    "returned": (20, ["draft", "registered", "returned"]),
    "accepted": (100, ["draft", "registered", "accepted"]),
    "in_progress": (250, ["draft", "registered", "accepted", "in_progress"]),
    "mid_term_reviewed": (
        80,
        ["draft", "registered", "accepted", "in_progress", "mid_term_reviewed"],
    ),
    "self_assessed": (100, ["draft", "registered", "accepted", "in_progress", "self_assessed"]),
    "under_appraisal": (
        50,
        ["draft", "registered", "accepted", "in_progress", "self_assessed", "under_appraisal"],
    ),
    "recognised": (
        120,
        [
            "draft",
            "registered",
            "accepted",
            "in_progress",
            "self_assessed",
            "under_appraisal",
            "recognised",
        ],
    ),
    "not_recognised": (
        40,
        [
            "draft",
            "registered",
            "accepted",
            "in_progress",
            "self_assessed",
            "under_appraisal",
            "not_recognised",
        ],
    ),
    "proposed": (
        30,
        [
            "draft",
            "registered",
            "accepted",
            "in_progress",
            "self_assessed",
            "under_appraisal",
            "recognised",
            "proposed",
        ],
    ),
    "rewarded": (
        40,
        [
            "draft",
            "registered",
            "accepted",
            "in_progress",
            "self_assessed",
            "under_appraisal",
            "recognised",
            "rewarded",
        ],
    ),
    "discontinued": (20, ["draft", "registered", "accepted", "discontinued"]),
}
ACTIONS = {
    "registered": "submit",
    "returned": "return",
    "accepted": "accept",
    "in_progress": "start",
    "mid_term_reviewed": "mid_term_review",
    "self_assessed": "self_assess",
    "under_appraisal": "send_to_council",
    "recognised": "recognise",
    "not_recognised": "not_recognise",
    "proposed": "propose",
    "rewarded": "reward",
    "discontinued": "discontinue",
}


def build(devnull):
    import datetime as dt

    from django.utils import timezone

    from danvan.core.text import fold
    from danvan.initiatives import services
    from danvan.initiatives.models import Campaign, CampaignStatus, Initiative, Transition
    from danvan.orgs.models import Membership, Role, Unit, UnitKind, User

    rng = random.Random(SEED)
    start = time.perf_counter()
    call_command("load_units", stdout=devnull)
    print(f"load_units: {time.perf_counter() - start:.1f} s")

    today = timezone.localdate()
    provinces = list(Unit.objects.current().filter(kind=UnitKind.PROVINCE, depth=1))
    communes = list(Unit.objects.current().filter(kind=UnitKind.COMMUNE))
    per_province = {}
    for commune in communes:
        per_province.setdefault(commune.path[: Unit.steplen], []).append(commune)
    biggest = max(provinces, key=lambda p: len(per_province.get(p.path, [])))

    start = time.perf_counter()
    for commune in per_province[biggest.path]:
        for kind, name in [
            (UnitKind.FRONT, "Ủy ban MTTQ Việt Nam"),
            (UnitKind.MASS_ORG, "Hội Nông dân"),
            (UnitKind.PARTY, "Đảng ủy"),
        ][:AGENCIES_PER_COMMUNE]:
            commune.refresh_from_db()
            Unit.objects.add_child(
                commune,
                {
                    "kind": kind,
                    "name": f"{name} {commune.name}",
                    "valid_from": commune.valid_from,
                },
            )
    biggest.refresh_from_db()
    agencies = Unit.objects.subtree_of(biggest).exclude(kind=UnitKind.COMMUNE).count() - 1
    print(
        f"biggest province: {biggest.name} — {len(per_province[biggest.path])} communes, "
        f"{agencies} agencies added ({time.perf_counter() - start:.1f} s)"
    )

    admin = User.objects.create_user("bench_admin", password="bench-pass-123")
    admin.is_superuser = True
    admin.save()
    officer = User.objects.create_user("bench_officer", password="bench-pass-123")
    Membership.objects.create(user=officer, unit=biggest, role=Role.OFFICER)

    start = time.perf_counter()
    year = today.year
    campaigns = {}
    for province in provinces:
        campaign = services.create_campaign(
            actor=admin,
            unit=province,
            year=year,
            name=f"Phong trào thi đua Dân vận khéo năm {year} — {province.name}",
            registration_opens=dt.date(year, 1, 1),
            registration_closes=dt.date(year, 12, 31),
            appraisal_opens=dt.date(year, 1, 1),
            appraisal_closes=dt.date(year, 12, 31),
            required_kinds=[
                UnitKind.COMMUNE,
                UnitKind.FRONT,
                UnitKind.MASS_ORG,
                UnitKind.PARTY,
            ],
        )
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.OPEN)
        campaigns[province.path] = (campaign, list(campaign.fields.values_list("pk", flat=True)))

    statuses = list(CHAINS)
    weights = [CHAINS[s][0] for s in statuses]
    now = timezone.now()
    rows = []
    for i in range(N_INITIATIVES):
        unit = rng.choice(communes)
        campaign, fields = campaigns[unit.path[: Unit.steplen]]
        status = rng.choices(statuses, weights)[0]
        name = f"Mô hình Dân vận khéo số {i + 1} — {unit.name}"
        rows.append(
            Initiative(
                campaign=campaign,
                unit=unit,
                field_id=rng.choice(fields),
                name=name,
                search_text=fold(name),
                status=status,
                registered_at=None if status == "draft" else now,
                created_by=admin,
            )
        )
    created = Initiative.objects.bulk_create(rows, batch_size=2000)
    # A tenth of this year's models replicate a recognised one.
    recognised = [x for x in created if x.status in ("recognised", "proposed", "rewarded")]
    copies = []
    for initiative in rng.sample(created, N_INITIATIVES // 10):
        source = rng.choice(recognised)
        if source.pk != initiative.pk:
            initiative.replicated_from_id = source.pk
            copies.append(initiative)
    Initiative.objects.bulk_update(copies, ["replicated_from"], batch_size=2000)
    transitions = []
    for initiative in created:
        chain = CHAINS[initiative.status][1]
        for step, (before, after) in enumerate(itertools.pairwise(chain)):
            transitions.append(
                Transition(
                    initiative=initiative,
                    action=ACTIONS[after],
                    from_status=before,
                    to_status=after,
                    actor=admin,
                    at=now - dt.timedelta(days=len(chain) - step),
                )
            )
    Transition.objects.bulk_create(transitions, batch_size=5000)
    print(
        f"{len(campaigns)} campaigns, {len(created):,} initiatives, {len(transitions):,} "
        f"transitions over {len(communes):,} communes ({time.perf_counter() - start:.1f} s)"
    )
    return admin, officer, biggest, campaigns[biggest.path][0], provinces, campaigns


def main() -> None:
    setup_test_environment()
    from django.test.utils import get_runner

    runner = get_runner(django.conf.settings)(verbosity=0)
    old = runner.setup_databases()
    try:
        devnull = open(os.devnull, "w")  # noqa: SIM115
        admin, officer, biggest, campaign, _provinces, campaigns = build(devnull)

        from django.core.paginator import Paginator

        from danvan.initiatives import compliance
        from danvan.initiatives import statistics as stats
        from danvan.initiatives.selectors import ListFilters, initiative_list

        def first_page(user, **filters):
            def run():
                # A fresh user object each time: the scope cache lives on it.
                fresh = type(user).objects.get(pk=user.pk)
                page = Paginator(initiative_list(fresh, ListFilters(**filters)), 30).page(1)
                return page.paginator.count, len(list(page.object_list))

            return run

        def country_quota():
            return sum(len(compliance.quota_rows(c)) for c, _fields in campaigns.values())

        def country_heatmap():
            return sum(len(compliance.heatmap(c).tiles) for c, _fields in campaigns.values())

        def statistics_page():
            return (
                stats.campaign_statistics(campaign),
                stats.by_unit(campaign),
                stats.top_replicated(campaign),
            )

        cases = [
            ("initiative list p.1, system admin", first_page(admin)),
            ("initiative list p.1, province officer", first_page(officer)),
            (
                "initiative list p.1, officer, search 'dan van'",
                first_page(officer, q="dan van"),
            ),
            (f"quota_rows, {biggest.name}", lambda: len(compliance.quota_rows(campaign))),
            (f"heatmap, {biggest.name}", lambda: len(compliance.heatmap(campaign).tiles)),
            ("quota_rows, all 34 provinces", country_quota),
            ("heatmap, all 34 provinces", country_heatmap),
            (f"statistics, {biggest.name}", statistics_page),
        ]
        print()
        print(f"{'what':58} {'rows':>8} {'median':>9} {'queries':>8}")
        for label, fn in cases:
            result, seconds, queries = measure(fn)
            if isinstance(result, tuple) and isinstance(result[0], int):
                shown = f"{result[0]:,}"
            elif isinstance(result, int):
                shown = f"{result:,}"
            else:
                shown = f"{result[0]['total']:,}"
            print(f"{label:58} {shown:>8} {seconds * 1000:7.1f}ms {queries:8d}")
        print(
            "\nNo national root: provinces are the roots of the unit tree, so the whole "
            "country is measured as the 34 province campaigns in turn."
        )
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
