"""Benchmark: period roll-up of a province and of the whole country against the SQL floor.

Run from the project root (a throwaway SQLite database, or DATABASE_URL):

    .venv/bin/python bench/rollup.py

Loads the full units file (34 provinces, 3,321 current communes and the legacy units) and
builds four national periods (owner: none) with the seeded form (30 indicators). Every unit
that must report in a period (``services.reporting_units``: the 34 provinces and 3,321
communes in force on the as-of date) gets one report with a figure for every indicator (about
7% of the figures left empty: missing, not zero; rates with numerator ≤ denominator), written
with ``bulk_create``. Every province report is accepted, and about 90% of the commune reports
(the rest submitted, returned or in draft).

Then prints the median time and the number of queries of:

(a) ``period_rollup(period, province)`` for the province with the most communes, against the
    floor: one hand-written SQL aggregate over the same rows (the accepted revision of every
    report under the province's path, grouped by indicator);
(b) ``period_rollup(period)`` for the whole country, against the same aggregate without the
    path filter;

and their ratio. The roll-up's sums are checked against the aggregate's (they must agree
exactly: every province report is accepted, so every accepted figure reaches a root). Finally
``open_period`` of a fifth national period (3,355 drafts, sections, events and the computed
prefill) is timed once. Not a timed test: figures only. ``BENCH_REPEAT=3`` runs each case
fewer times.
"""

import datetime as dt
import functools
import logging
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DANVAN_DATA_DIR", tempfile.mkdtemp(prefix="danvan-bench-"))

import django  # noqa: E402

django.setup()

import benchtools  # noqa: E402
from benchtools import database, machine  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SEED = 20_261_101
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
measure = functools.partial(benchtools.measure, repeat=REPEAT)
ACCEPTED_SHARE = 0.90  # commune reports accepted; every province report is
EMPTY_SHARE = 0.07  # figures left empty (missing, never zero)
FOUR = Decimal("0.0001")

# The floor: one aggregate over the accepted revision of every report of the period.
FLOOR_SQL = """
SELECT v.indicator_id, SUM(v.value), SUM(v.numerator), SUM(v.denominator), COUNT(v.value)
FROM reports_reportvalue v
JOIN reports_report r ON r.id = v.report_id
{join}
WHERE r.period_id = %s AND r.accepted_revision IS NOT NULL AND v.revision = r.accepted_revision
{where}
GROUP BY v.indicator_id
"""
PROVINCE_JOIN = "JOIN orgs_unit u ON u.id = r.unit_id"
PROVINCE_WHERE = "AND u.path LIKE %s"


# ------------------------------------------------------------------ the data


def figure_for(rng, indicator):
    """(value, numerator, denominator) as a unit would type it."""
    from danvan.kpis.models import IndicatorKind

    kind = indicator.kind
    if kind == IndicatorKind.RATE:
        denominator = Decimal(rng.randint(1, 5_000))
        numerator = Decimal(rng.randint(0, int(denominator)))
        value = (numerator / denominator * indicator.scale).quantize(FOUR)
        return value, numerator, denominator
    if kind == IndicatorKind.BOOLEAN:
        answer = Decimal(rng.random() < 0.8)
        return answer, answer, Decimal(1)
    if kind == IndicatorKind.SCORE:
        high = indicator.max_value or Decimal(100)
        return (Decimal(rng.randint(0, int(high) * 100)) / 100), None, None
    if kind == IndicatorKind.AMOUNT:
        return Decimal(rng.randint(0, 500_000)) / 10, None, None
    return Decimal(rng.randint(0, 400)), None, None


def build(devnull):
    from django.utils import timezone

    from danvan.orgs.models import Unit, UnitKind, User
    from danvan.reports import services
    from danvan.reports.models import (
        Period,
        PeriodKind,
        PeriodStatus,
        Report,
        ReportForm,
        ReportState,
        ReportValue,
    )

    rng = random.Random(SEED)
    start = time.perf_counter()
    call_command("load_units", stdout=devnull)
    print(f"load_units: {time.perf_counter() - start:.1f} s")

    admin = User.objects.create_user("bench_admin", password="bench-pass-123")
    admin.is_superuser = True
    admin.save()
    version = ReportForm.objects.get(code="dan-van-chinh-quyen").latest_version
    indicators = [field.indicator for field in version.fields.select_related("indicator")]
    now = timezone.now()

    def period(name, kind, year, start_date, end_date, due):
        return Period.objects.create(
            name=name,
            kind=kind,
            year=year,
            start_date=start_date,
            end_date=end_date,
            due_date=due,
            owner=None,
            form_version=version,
            status=PeriodStatus.OPEN,
            opened_at=now,
            opened_by=admin,
        )

    periods = [
        period(
            "Báo cáo năm 2025",
            PeriodKind.YEAR,
            2025,
            dt.date(2024, 11, 1),
            dt.date(2025, 10, 31),
            dt.date(2025, 11, 1),
        ),
        period(
            "Báo cáo 6 tháng đầu năm 2026",
            PeriodKind.HALF_YEAR,
            2026,
            dt.date(2025, 11, 1),
            dt.date(2026, 4, 30),
            dt.date(2026, 5, 5),
        ),
        period(
            "Báo cáo chuyên đề Tháng Dân vận 2026",
            PeriodKind.AD_HOC,
            2026,
            dt.date(2026, 9, 15),
            dt.date(2026, 10, 15),
            dt.date(2026, 10, 20),
        ),
        period(
            "Báo cáo năm 2026",
            PeriodKind.YEAR,
            2026,
            dt.date(2025, 11, 1),
            dt.date(2026, 10, 31),
            dt.date(2026, 11, 1),
        ),
    ]
    others = [ReportState.SUBMITTED, ReportState.RETURNED, ReportState.DRAFT]
    start = time.perf_counter()
    values = 0
    for item in periods:
        units = services.reporting_units(item)
        reports = []
        for unit in units:
            ok = unit.kind == UnitKind.PROVINCE or rng.random() < ACCEPTED_SHARE
            report = Report(
                period=item,
                unit=unit,
                state=ReportState.ACCEPTED if ok else rng.choice(others),
                revision=1,
                accepted_revision=1 if ok else None,
                submitted_at=now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 30)),
            )
            report.refresh_search_text()
            reports.append(report)
        Report.objects.bulk_create(reports, batch_size=2000)
        ids = dict(Report.objects.filter(period=item).values_list("unit_id", "pk"))
        rows = []
        for unit in units:
            for indicator in indicators:
                if rng.random() < EMPTY_SHARE:
                    continue
                value, numerator, denominator = figure_for(rng, indicator)
                rows.append(
                    ReportValue(
                        report_id=ids[unit.pk],
                        revision=1,
                        indicator=indicator,
                        value=value,
                        numerator=numerator,
                        denominator=denominator,
                    )
                )
        ReportValue.objects.bulk_create(rows, batch_size=5000)
        values += len(rows)
    reports = Report.objects.count()
    print(
        f"{len(periods)} national periods, {reports:,} reports, {values:,} figures "
        f"({len(indicators)} indicators) in {time.perf_counter() - start:.1f} s"
    )
    provinces = list(Unit.objects.current().filter(kind=UnitKind.PROVINCE, depth=1))
    sizes = {
        province.pk: Unit.objects.current()
        .filter(path__startswith=province.path, kind=UnitKind.COMMUNE)
        .count()
        for province in provinces
    }
    biggest = max(provinces, key=lambda p: sizes[p.pk])
    print(f"biggest province: {biggest.name} — {sizes[biggest.pk]} communes")
    return {
        "admin": admin,
        "periods": periods,
        "biggest": biggest,
        "indicators": indicators,
        "version": version,
    }


# ------------------------------------------------------------------ the cases


def floor(period, province=None):
    """The hand-written aggregate: {indicator_id: (Σvalue, Σnumerator, Σdenominator, n)}."""
    params = [period.pk]
    join = where = ""
    if province is not None:
        join, where = PROVINCE_JOIN, PROVINCE_WHERE
        params.append(f"{province.path}%")
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL.format(join=join, where=where), params)
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def same(ours: Decimal, sql) -> bool:
    """Equal, up to SQLite summing decimals as binary floats."""
    theirs = Decimal(str(sql or 0))
    return abs(ours - theirs) <= Decimal("1e-9") * max(abs(ours), 1)


def check(rollup, sums, indicators, roots) -> None:
    """The roll-up's sums agree with the aggregate's (sum and rate indicators)."""
    for indicator in indicators:
        if indicator.rollup not in ("sum", "rate"):
            continue
        total = numerator = denominator = Decimal(0)
        for key in roots:
            figure = rollup.figure(key, indicator.pk)
            if figure is None or figure.value is None:
                continue
            if indicator.rollup == "sum":
                total += figure.value
            else:
                numerator += figure.numerator
                denominator += figure.denominator
        expected = sums.get(indicator.pk, (None, None, None, 0))
        if indicator.rollup == "sum" and not same(total, expected[0]):
            raise AssertionError(f"{indicator.code}: roll-up {total} ≠ SQL {expected[0]}")
        if indicator.rollup == "rate" and not (
            same(numerator, expected[1]) and same(denominator, expected[2])
        ):
            raise AssertionError(f"{indicator.code}: roll-up {numerator}/{denominator} ≠ SQL")


def run_cases(data) -> None:
    from danvan.reports import services
    from danvan.reports.models import Period, PeriodKind
    from danvan.reports.rollups import period_rollup, specs_for

    periods, biggest, indicators = data["periods"], data["biggest"], data["indicators"]
    period = periods[-1]

    def province_rollup():
        return period_rollup(period, biggest)

    def country_rollup():
        return period_rollup(period)

    # Correctness first: the engine's sums are the aggregate's.
    rollup = province_rollup()
    check(rollup, floor(period, biggest), indicators, [rollup.root_id])
    whole = country_rollup()
    check(whole, floor(period), indicators, [row.id for row in whole.roots()])
    accepted, expected = rollup.completeness(rollup.root_id)
    print(f"{biggest.name}: {accepted:,} of {expected:,} units accepted; sums match the SQL")
    print(f"whole country: {len(whole.rows):,} reports, {len(whole.roots())} roots; sums match")

    pairs = [
        (
            f"(a) {biggest.name}, {len(rollup.rows):,} reports",
            province_rollup,
            lambda: floor(period, biggest),
        ),
        (
            f"(b) whole country, {len(whole.rows):,} reports",
            country_rollup,
            lambda: floor(period),
        ),
    ]
    print()
    print(
        f"{'what':44} {'roll-up':>10} {'queries':>8} {'SQL floor':>10} {'queries':>8} {'ratio':>7}"
    )
    for label, engine, sql in pairs:
        _r, seconds, queries = measure(engine)
        _f, floor_seconds, floor_queries = measure(sql)
        print(
            f"{label:44} {seconds * 1000:8.1f}ms {queries:8d} {floor_seconds * 1000:8.1f}ms "
            f"{floor_queries:8d} {seconds / floor_seconds:6.1f}x"
        )

    # Where the time goes in the country roll-up: loading versus the pure engine.
    from danvan.kpis.rollup import roll_up

    specs = specs_for(indicators)
    nodes = list(whole.nodes.values())
    _r, engine_seconds, _q = measure(lambda: roll_up(nodes, specs))
    print(f"{'   of (b): the pure engine alone (roll_up)':44} {engine_seconds * 1000:8.1f}ms")

    # Opening a national period: drafts, sections, events and the computed prefill; once.
    fifth = Period.objects.create(
        name="Báo cáo năm 2027 (mở thử)",
        kind=PeriodKind.YEAR,
        year=2027,
        start_date=dt.date(2026, 11, 1),
        end_date=dt.date(2026, 10, 31) + dt.timedelta(days=365),
        due_date=dt.date(2027, 11, 1),
        owner=None,
        form_version=data["version"],
    )
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        created = services.open_period(fifth, actor=data["admin"])
        seconds = time.perf_counter() - start
    print(
        f"\nopen_period, whole country: {created:,} drafts with computed prefill in "
        f"{seconds:.1f} s, {len(ctx.captured_queries)} queries"
    )
    print(f"median of {REPEAT} runs.")


def main() -> None:
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    setup_test_environment()
    from django.test.utils import get_runner

    runner = get_runner(django.conf.settings)(verbosity=0)
    old = runner.setup_databases()
    try:
        print(f"machine: {machine()}")
        print(f"database: {database()}")
        devnull = open(os.devnull, "w")  # noqa: SIM115
        run_cases(build(devnull))
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
