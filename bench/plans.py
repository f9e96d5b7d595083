"""Benchmark: activity coverage over the whole country, and a busy commune's task inbox.

Run from the project root (a throwaway SQLite database, or DATABASE_URL):

    .venv/bin/python bench/plans.py

Loads the full units file (34 provinces, 3,321 current communes and the legacy units), gives
each current commune a party committee (3,321 units of kind "party", through
``danvan.orgs.unitdata.load_units``), records a themed party meeting in the window for about
60% of them (plus noise: meetings before the window, trainings in it, meetings held by the
commune itself rather than its party committee) and sets one requirement per province:
"100% of party committees hold the themed meeting in <month>". Then prints the median time
and the number of queries of: ``requirement_coverage`` for the biggest province and for every
province in turn (the whole country); the list page's figures for the 34 requirements in one
pass (``page_coverage``); the requirement page, a drill-down and the Excel file of the biggest
province; reminders to its missing units (first click, then the same day again); and the
inbox of a commune with 200 tasks (selector, roll-up and the page). Not a timed test:
figures only. ``BENCH_REPEAT=3`` runs each case fewer times.
"""

import datetime as dt
import functools
import logging
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

import benchtools  # noqa: E402
from benchtools import database, machine  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SEED = 20_261_015
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
measure = functools.partial(benchtools.measure, repeat=REPEAT)
MET_SHARE = 0.60  # party committees that held the themed meeting in the window
INBOX_TASKS = 200  # tasks in the busy commune's inbox
OTHER_TASKS = 2_000  # tasks of the other communes of its province (noise)


def month_before(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last full month before ``today`` (10/2026 when run in 11/2026)."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


# ------------------------------------------------------------------ the data


def build(devnull):
    from django.utils import timezone

    from danvan.core.text import fold
    from danvan.orgs.models import Membership, Role, Unit, UnitKind, User
    from danvan.orgs.unitdata import UnitRow, load_units
    from danvan.plans import services
    from danvan.plans.models import Activity, ActivityType

    rng = random.Random(SEED)
    start = time.perf_counter()
    call_command("load_units", stdout=devnull)
    print(f"load_units: {time.perf_counter() - start:.1f} s")

    today = timezone.localdate()
    starts, ends = month_before(today)
    provinces = list(Unit.objects.current().filter(kind=UnitKind.PROVINCE, depth=1))
    communes = list(Unit.objects.current().filter(kind=UnitKind.COMMUNE).order_by("path"))

    start = time.perf_counter()
    rows = [
        UnitRow(
            key=f"P{commune.external_key or commune.pk}",
            code="",
            kind=UnitKind.PARTY,
            name=f"Đảng ủy {commune.name}",
            short_name=f"Đảng ủy {commune.short_name or commune.name}",
            parent=commune.external_key,
            valid_from=commune.valid_from,
            valid_to=None,
        )
        for commune in communes
    ]
    result = load_units(rows, [])
    committees = list(Unit.objects.filter(kind=UnitKind.PARTY).order_by("path"))
    print(
        f"{len(provinces)} provinces, {len(communes):,} communes; {result.created:,} party "
        f"committees added in {time.perf_counter() - start:.1f} s"
    )

    themed = ActivityType.objects.get(code="themed-meeting")
    training = ActivityType.objects.get(code="training")
    admin = User.objects.create_user("bench_admin", password="bench-pass-123")
    admin.is_superuser = True
    admin.save()

    def activity(unit, kind, day, title):
        return Activity(
            unit=unit,
            activity_type=kind,
            title=title,
            held_on=day,
            participant_count=rng.randint(8, 60),
            created_by=admin,
            search_text=fold(f"{title} {unit.name}"),
        )

    start = time.perf_counter()
    span = (ends - starts).days
    activities = []
    met = 0
    for committee in committees:
        if rng.random() < MET_SHARE:
            met += 1
            for _n in range(rng.choice((1, 1, 1, 2))):  # some hold it twice
                day = starts + dt.timedelta(days=rng.randint(0, span))
                activities.append(activity(committee, themed, day, "Sinh hoạt chuyên đề"))
        if rng.random() < 0.25:  # last month's meeting: outside the window
            day = starts - dt.timedelta(days=rng.randint(1, 28))
            activities.append(activity(committee, themed, day, "Sinh hoạt chuyên đề tháng trước"))
        if rng.random() < 0.20:  # a training in the window: another type
            day = starts + dt.timedelta(days=rng.randint(0, span))
            activities.append(activity(committee, training, day, "Tập huấn công tác dân vận"))
    for commune in communes:
        if rng.random() < 0.10:  # held by the commune, not its party committee: no count
            day = starts + dt.timedelta(days=rng.randint(0, span))
            activities.append(activity(commune, themed, day, "Hội nghị chuyên đề của xã"))
    Activity.objects.bulk_create(activities, batch_size=2000)
    print(
        f"{len(activities):,} activities ({met:,} party committees met it, "
        f"{met / len(committees):.1%}) in {time.perf_counter() - start:.1f} s"
    )

    requirements = {}
    for province in provinces:
        requirements[province.pk] = services.save_requirement(
            actor=admin,
            unit=province,
            data={
                "title": f"100% đảng ủy cấp xã sinh hoạt chuyên đề tháng {starts:%m/%Y}",
                "unit_kind": UnitKind.PARTY,
                "activity_type": themed,
                "starts_on": starts,
                "ends_on": ends,
                "citation": "Kế hoạch 202-KH/BDVTU",
            },
        )
    per_province = {}
    for commune in communes:
        per_province.setdefault(commune.path[: Unit.steplen], []).append(commune)
    biggest = max(provinces, key=lambda p: len(per_province.get(p.path, [])))
    busy = per_province[biggest.path][0]
    officer = User.objects.create_user("bench_officer", password="bench-pass-123")
    Membership.objects.create(user=officer, unit=biggest, role=Role.OFFICER)
    commune_officer = User.objects.create_user("bench_commune", password="bench-pass-123")
    Membership.objects.create(user=commune_officer, unit=busy, role=Role.OFFICER)
    # Writers at a third of the biggest province's party committees, for the reminders.
    province_committees = [c for c in committees if c.path.startswith(biggest.path)]
    User.objects.bulk_create(
        User(username=f"bench_cell_{n}", email=f"cell{n}@example.vn")
        for n in range(len(province_committees[::3]))
    )
    writers = list(User.objects.filter(username__startswith="bench_cell_").order_by("pk"))
    Membership.objects.bulk_create(
        Membership(user=user, unit=committee, role=Role.OFFICER)
        for user, committee in zip(writers, province_committees[::3], strict=False)
    )
    print(
        f"biggest province: {biggest.name} — {len(per_province[biggest.path])} communes; "
        f"window {starts:%d/%m/%Y} to {ends:%d/%m/%Y}"
    )
    build_inbox(rng, admin, biggest, busy, per_province[biggest.path], today)
    return {
        "admin": admin,
        "officer": officer,
        "commune_officer": commune_officer,
        "biggest": biggest,
        "busy": busy,
        "requirements": requirements,
        "today": today,
    }


def build_inbox(rng, admin, province, busy, communes, today):
    """Issued province plans with 200 tasks for ``busy`` and 2,000 for its neighbours."""
    from danvan.core.text import fold
    from danvan.plans.models import Plan, PlanStatus, Recurrence, Task, TaskStatus

    start = time.perf_counter()
    plans = [
        Plan.objects.create(
            unit=province,
            number=str(100 + n),
            symbol="KH-UBND",
            title=f"Kế hoạch thực hiện công tác dân vận số {n + 1} năm {today.year}",
            status=PlanStatus.ISSUED,
            issued_on=today - dt.timedelta(days=rng.randint(30, 300)),
            signer_name="Nguyễn Văn Ký",
            created_by=admin,
        )
        for n in range(20)
    ]
    others = [c for c in communes if c.pk != busy.pk]
    statuses = [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE]
    tasks = []
    coordinated = []
    for n in range(INBOX_TASKS + OTHER_TASKS):
        plan = plans[n % len(plans)]
        mine = n < INBOX_TASKS
        role = n % 10
        lead = None
        kinds = ""
        if mine and role == 9:
            kinds = "commune"  # every commune leads it for itself
        elif mine and role == 8:
            lead = rng.choice(others)  # the busy commune coordinates it
        else:
            lead = busy if mine else rng.choice(others)
        status = rng.choice(statuses)
        title = f"Nhiệm vụ {n + 1}: triển khai công tác dân vận chính quyền"
        task = Task(
            plan=plan,
            position=n // len(plans) + 1,
            title=title,
            lead_unit=lead,
            lead_kinds=kinds,
            recurrence=Recurrence.ONCE,
            due_on=today + dt.timedelta(days=rng.randint(-60, 120)),
            status=status,
            progress=100 if status == TaskStatus.DONE else rng.randint(0, 90),
            created_by=admin,
            search_text=fold(title),
        )
        task.current_due = task.due_on
        tasks.append(task)
        if mine and role == 8:
            coordinated.append(task)
    Task.objects.bulk_create(tasks, batch_size=2000)
    through = Task.coordinating_units.through
    through.objects.bulk_create(through(task_id=t.pk, unit_id=busy.pk) for t in coordinated)
    print(
        f"inbox: {len(plans)} issued plans, {len(tasks):,} tasks, {INBOX_TASKS} of them for "
        f"{busy.name} ({time.perf_counter() - start:.1f} s)"
    )


# ------------------------------------------------------------------ the cases


def run_cases(data) -> None:
    from django.test import Client
    from django.urls import reverse

    from danvan.orgs.models import Unit
    from danvan.plans import selectors, services
    from danvan.plans.models import Reminder
    from danvan.plans.views.coverage import page_coverage, send_missing_reminders

    admin, officer, biggest = data["admin"], data["officer"], data["biggest"]
    busy, today = data["busy"], data["today"]
    requirements = data["requirements"]
    requirement = requirements[biggest.pk]
    first_commune = Unit.objects.filter(path__startswith=biggest.path, depth=2).first()

    def fresh(user):
        # A fresh user object each time: the scope cache lives on it.
        return type(user).objects.get(pk=user.pk)

    def province():
        cover = services.requirement_coverage(requirement)
        return cover.total.met, cover.total.units

    def country():
        met = units = 0
        for r in requirements.values():
            cover = services.requirement_coverage(r)
            met += cover.total.met
            units += cover.total.units
        return met, units

    def list_figures():
        rows = page_coverage(fresh(admin), list(requirements.values()))
        return sum(r.tally.met for r in rows.values()), sum(r.tally.units for r in rows.values())

    def view(user, url, headers=None):
        client = Client()
        client.force_login(user)

        def run():
            response = client.get(url, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            cover = response.context.get("cover") if response.context else None
            if cover is not None:
                return cover.total.met, cover.total.units
            page = response.context.get("page") if response.context else None
            return (page.paginator.count,) if page is not None else (len(response.content),)

        return run

    def inbox():
        tasks = list(selectors.inbox(busy, today=today))
        selectors.rollups(tasks)
        return (len(tasks),)

    detail = requirement.get_absolute_url()
    cases = [
        (f"requirement_coverage, {biggest.name} (service)", province),
        (f"requirement_coverage, whole country ({len(requirements)} provinces)", country),
        (f"list figures of the {len(requirements)} requirements at once", list_figures),
        ("requirement page, province officer (view)", view(officer, detail)),
        (
            "drill-down into one commune, htmx (view)",
            view(officer, f"{detail}?within={first_commune.pk}", {"HX-Request": "true"}),
        ),
        (
            "requirement page, commune officer: its own part (view)",
            view(data["commune_officer"], detail),
        ),
        (
            "Excel of every party committee of the province, bytes (view)",
            view(officer, reverse("plans:requirement_xlsx", args=[requirement.pk])),
        ),
        (
            "requirement list, system admin, 20 rows with % (view)",
            view(admin, reverse("plans:requirement_list")),
        ),
        (f"inbox of {busy.name}: tasks + roll-up (selector)", inbox),
        (
            f"inbox page of {busy.name}, commune officer (view)",
            view(data["commune_officer"], reverse("plans:inbox")),
        ),
    ]
    print()
    print(f"{'what':66} {'result':>13} {'median':>10} {'queries':>8}")
    for label, fn in cases:
        try:
            result, seconds, queries = measure(fn)
        except Exception as exc:  # a page not built yet is reported, not fatal
            print(f"{label:66} {'—':>13} {'':>10} {'':>8}  ({exc.__class__.__name__}: {exc})")
            continue
        shown = "/".join(f"{n:,}" for n in result)
        print(f"{label:66} {shown:>13} {seconds * 1000:8.1f}ms {queries:8d}")

    # Reminders: a write, so timed once each: the first click, then again the same day.
    missing = [row.unit for row in services.requirement_coverage(requirement).missing]
    for label in ("first click", "second click, same day"):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            result = send_missing_reminders(
                actor=fresh(officer), requirement=requirement, units=missing, today=today
            )
            seconds = time.perf_counter() - start
        shown = f"{result.units}/{result.people}"
        print(
            f"{'reminders to the missing units, ' + label:66} {shown:>13} "
            f"{seconds * 1000:8.1f}ms {len(ctx.captured_queries):8d}"
        )
    print(
        f"  ({len(missing)} units missing; reminded units/people notified; "
        f"{Reminder.objects.count()} reminders recorded)"
    )
    print(f"\n{Unit.objects.count():,} units in the tree; median of {REPEAT} runs.")


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
