"""Benchmark: citizens' letters at national scale.

Run from the project root (a throwaway SQLite database, or DATABASE_URL):

    .venv/bin/python bench/petitions.py

Loads the full units file and spreads 200,000 letters over all 3,321 current communes, with
realistic kinds, statuses and dates over two years (open letters are recent, so some are
overdue and some due soon). Their stored deadlines are computed in Python with one shared
``RuleBook`` and ``default_calendar()`` (``deadlines.apply_due_dates``) and the rows are
inserted with ``bulk_create``; both are timed. Then prints the median time and the number of
queries of: the letter list (first page with its count) for a system administrator and for a
province officer, through the selector and the list page; the overdue list of a province;
due-soon counts per commune grouped in the database; the backlog by age; a search by a word;
``deadlines.recompute()`` of every open letter after a day off is added to the calendar; and
duplicate detection at intake. Not a timed test: figures only. ``BENCH_LETTERS=20000`` runs
a smaller set quickly.
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

from benchtools import database, machine, measure  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from danvan.core.crypto import blind_index  # noqa: E402
from danvan.core.text import fold  # noqa: E402
from danvan.orgs.models import Unit  # noqa: E402
from danvan.petitions.models import Letter  # noqa: E402

N_LETTERS = int(os.environ.get("BENCH_LETTERS", "200000"))
SEED = 20_261_123
BATCH = 5_000
CHUNK = 20_000  # letters generated, computed and inserted at a time

# Share of each kind (per mille); a tenth of the complaints are in their second round.
KINDS = {"complaint": 250, "denunciation": 80, "petition": 370, "feedback": 300}
# Share of each status (per mille): about a third of the letters are still open.
STATUSES = {
    "received": 90,
    "accepted": 240,
    "resolved": 500,
    "refused": 80,
    "forwarded": 60,
    "archived": 30,
}
CHANNELS = ["in_person", "post", "portal", "phone", "email", "forwarded", "dialogue"]
CHANNEL_WEIGHTS = [35, 25, 20, 8, 5, 5, 2]
AREAS = {
    "land": ("đất đai", "thu hồi đất", "bồi thường, giải phóng mặt bằng", "tái định cư"),
    "environment": ("ô nhiễm môi trường", "mùi hôi bãi rác", "nước thải", "khói bụi"),
    "social_policy": ("trợ cấp xã hội", "hộ nghèo", "người có công", "bảo hiểm y tế"),
    "administrative": ("thủ tục hành chính", "chậm trả hồ sơ", "cấp giấy phép"),
    "construction": ("xây dựng sai phép", "lấn chiếm vỉa hè", "đường hẻm sụt lún"),
    "officials": ("thái độ cán bộ", "cán bộ gây khó khăn", "nhũng nhiễu"),
    "corruption": ("thu tiền sai quy định", "lợi dụng chức vụ", "vụ lợi"),
    "security": ("quán karaoke gây ồn", "trộm cắp", "tụ tập gây rối"),
    "other": ("điện sinh hoạt", "nước sạch", "chiếu sáng công cộng"),
}
AREA_NAMES = list(AREAS)
AREA_WEIGHTS = [30, 12, 15, 10, 12, 6, 3, 5, 7]
KIND_WORDS = {
    "complaint": "Khiếu nại",
    "denunciation": "Tố cáo",
    "petition": "Kiến nghị",
    "feedback": "Phản ánh",
}
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN_NAMES = ["Văn An", "Thị Hoa", "Văn Dũng", "Thị Lan", "Minh Tâm", "Thị Thu", "Văn Sơn"]
REPEAT_SHARE = 0.12  # letters from a citizen who already wrote to the same commune


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # as models.new_tracking_code


@functools.cache
def folded(text: str) -> str:
    """``fold`` of a recurring piece of text, computed once (the pieces repeat a lot)."""
    return fold(text)


def pick(rng, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def build(devnull):
    from danvan.core.workdays import default_calendar
    from danvan.orgs.models import Membership, Role, UnitKind, User
    from danvan.petitions.deadlines import RuleBook, apply_due_dates

    rng = random.Random(SEED)
    start = time.perf_counter()
    call_command("load_units", stdout=devnull)
    print(f"load_units: {time.perf_counter() - start:.1f} s")

    from django.utils import timezone

    today = timezone.localdate()
    provinces = list(Unit.objects.current().filter(kind=UnitKind.PROVINCE, depth=1))
    communes = list(Unit.objects.current().filter(kind=UnitKind.COMMUNE).order_by("path"))
    per_province: dict[str, list] = {}
    for commune in communes:
        per_province.setdefault(commune.path[: Unit.steplen], []).append(commune)
    biggest = max(provinces, key=lambda p: len(per_province.get(p.path, [])))

    admin = User.objects.create_user("bench_admin", password="bench-pass-123")
    admin.is_superuser = True
    admin.save()
    officer = User.objects.create_user("bench_officer", password="bench-pass-123")
    Membership.objects.create(user=officer, unit=biggest, role=Role.OFFICER)

    calendar, rules, memo = default_calendar(), RuleBook.load(), {}
    seen_ids: dict[int, list[str]] = {}
    generated = computed = inserted = 0.0
    for first in range(0, N_LETTERS, CHUNK):
        start = time.perf_counter()
        letters = [
            _letter(i, rng, communes, per_province, seen_ids, today, officer)
            for i in range(first, min(first + CHUNK, N_LETTERS))
        ]
        generated += time.perf_counter() - start
        sample = letters[0]
        assert sample.search_text == fold(sample.search_source()), sample.search_text
        start = time.perf_counter()
        for letter in letters:
            apply_due_dates(letter, calendar, rules, memo)
        computed += time.perf_counter() - start
        start = time.perf_counter()
        Letter.objects.bulk_create(letters, batch_size=BATCH)
        inserted += time.perf_counter() - start
    print(
        f"{N_LETTERS:,} letters over {len(communes):,} communes: built in {generated:.1f} s; "
        f"deadlines computed in {computed:.1f} s ({computed / N_LETTERS * 1e6:.0f} µs a letter); "
        f"bulk_create (2 encrypted fields a row) {inserted:.1f} s; "
        f"compute + insert {computed + inserted:.1f} s"
    )
    print(
        f"biggest province: {biggest.name} — {len(per_province[biggest.path])} communes, "
        f"{Letter.objects.filter(unit__path__startswith=biggest.path).count():,} letters"
    )
    return admin, officer, biggest, today


def _letter(i, rng, communes, per_province, seen_ids, today, officer):
    """One letter with realistic kind, status and dates (deadlines not yet computed)."""
    unit = communes[rng.randrange(len(communes))]
    received_unit = unit
    if rng.random() < 0.03:  # transferred from another commune of the province
        received_unit = rng.choice(per_province[unit.path[: Unit.steplen]])
    kind = pick(rng, KINDS)
    status = pick(rng, STATUSES)
    area = rng.choices(AREA_NAMES, weights=AREA_WEIGHTS)[0]
    topic = rng.choice(AREAS[area])
    anonymous = kind in ("denunciation", "feedback") and rng.random() < 0.03
    if status == "received":
        received_on = today - dt.timedelta(days=rng.randint(0, 40))
    elif status == "accepted":
        received_on = today - dt.timedelta(days=rng.randint(2, 120))
    else:
        received_on = today - dt.timedelta(days=rng.randint(20, 730))
    accepted_on = closed_on = None
    if status in ("accepted", "resolved"):
        accepted_on = min(received_on + dt.timedelta(days=rng.randint(1, 12)), today)
    if status == "resolved":
        closed_on = min(accepted_on + dt.timedelta(days=rng.randint(5, 75)), today)
    elif status in ("refused", "forwarded", "archived"):
        closed_on = min(received_on + dt.timedelta(days=rng.randint(1, 12)), today)
    complexity = "complex" if rng.random() < 0.1 else "normal"
    extension_days = extensions = 0
    if kind == "denunciation" and complexity == "complex" and accepted_on and rng.random() < 0.4:
        extensions, extension_days = 1, 30
    if anonymous:
        name = id_number = ""
    else:
        pool = seen_ids.setdefault(unit.pk, [])
        if pool and rng.random() < REPEAT_SHARE:
            id_number = rng.choice(pool)
        else:
            id_number = f"0{rng.randint(1, 96):02d}{rng.randint(0, 999_999_999):09d}"
            pool.append(id_number)
        name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(GIVEN_NAMES)}"
    kind_word = KIND_WORDS[kind]
    title = f"{kind_word} về {topic} tại {unit.name}"
    other_topic = rng.choice(AREAS[area])
    content = (
        f"Công dân {kind_word.lower()} về {topic}; đề nghị cơ quan có thẩm quyền xem xét, "
        f"giải quyết theo quy định. Lĩnh vực: {other_topic}."
    )
    confidential = kind == "denunciation" or rng.random() < 0.01
    code = "".join(rng.choices(CODE_ALPHABET, k=10))
    code = f"{code[:5]}-{code[5:]}"
    letter = Letter(
        code=code,
        unit=unit,
        received_unit=received_unit,
        kind=kind,
        complaint_round=2 if kind == "complaint" and rng.random() < 0.1 else 1,
        channel=rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0],
        subject_area=area,
        title=title,
        content=content,
        received_on=received_on,
        arrived_on=received_on,
        status=status,
        is_anonymous=anonymous,
        confidential=confidential,
        complexity=complexity,
        remote_area=unit.is_remote_area,
        # Two of the five identity fields, encrypted on insert like every identity.
        citizen_name=name,
        citizen_id_number=id_number,
        citizen_id_index=blind_index(id_number),
        accepted_on=accepted_on,
        closed_on=closed_on,
        extensions_granted=extensions,
        extension_days_granted=extension_days,
        outcome="answered" if status == "resolved" else "",
        answer="Đã trả lời công dân." if status == "resolved" else "",
        created_by=officer,
    )
    # search_source() folded piece by piece (fold is per character, spaces collapse).
    pieces = [
        folded(code),
        folded(kind_word),
        "ve",
        folded(topic),
        "tai",
        folded(unit.name),
        folded(content),
        "" if (confidential or anonymous) else folded(name),
    ]
    letter.search_text = " ".join(piece for piece in pieces if piece)
    return letter


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
        admin, officer, biggest, today = build(devnull)
        run_cases(admin, officer, biggest, today)
    finally:
        runner.teardown_databases(old)


def run_cases(admin, officer, biggest, today) -> None:
    from django.core.paginator import Paginator
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from danvan.core.models import CalendarDay
    from danvan.core.workdays import DayKind, default_calendar, forget_calendar
    from danvan.petitions import deadlines, selectors
    from danvan.petitions.filters import DUE_SOON_DAYS, LetterFilters

    def fresh(user):
        # A fresh user object each time: the scope cache lives on it.
        return type(user).objects.get(pk=user.pk)

    def selector_page(user, **params):
        def run():
            filters = LetterFilters.from_params(params)
            rows = selectors.letter_list(fresh(user), filters, today=today)
            page = Paginator(rows, 50).page(1)
            return page.paginator.count, len(list(page.object_list))

        return run

    def view(user, name, **params):
        client = Client()
        client.force_login(user)
        url = reverse(name)

        def run():
            response = client.get(url, params)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            page = response.context.get("page") if response.context else None
            return page.paginator.count if page is not None else None

        return run

    def overdue_of_province():
        rows = selectors.deadline_letters(fresh(officer), today=today, unit=biggest)
        page = Paginator(rows, 50).page(1)
        return page.paginator.count, len(list(page.object_list))

    def due_soon_per_commune():
        return len(
            Letter.objects.open()
            .due_soon(today, DUE_SOON_DAYS)
            .values("unit_id")
            .annotate(n=Count("pk"))
            .order_by()
        )

    def summary_of_province():
        return len(selectors.deadline_summary(fresh(officer), today=today, unit=biggest))

    def backlog_of_province():
        from danvan.petitions import statistics as stats

        return int(stats.backlog(biggest, today=today).total["total"])

    cases = [
        ("letter list p.1 + count, system admin (selector)", selector_page(admin), 5),
        ("letter list p.1 + count, province officer (selector)", selector_page(officer), 3),
        ("letter list page, system admin (view)", view(admin, "petitions:letter_list"), 5),
        ("letter list page, province officer (view)", view(officer, "petitions:letter_list"), 3),
        (
            "search 'bai rac', province officer (selector)",
            selector_page(officer, q="bai rac"),
            3,
        ),
        (
            "search 'karaoke', province officer (view)",
            view(officer, "petitions:letter_list", q="karaoke"),
            3,
        ),
        ("overdue + due-soon list p.1, province (selector)", overdue_of_province, 3),
        ("overdue summary per unit, province (selector)", summary_of_province, 5),
        (
            "overdue page, province officer (view)",
            view(officer, "petitions:overdue_list", unit=biggest.pk),
            3,
        ),
        ("due-soon counts per commune, whole country (grouped)", due_soon_per_commune, 5),
        (f"backlog by age, {biggest.name} (statistics.backlog)", backlog_of_province, 5),
        (
            "backlog page, province officer (view)",
            view(officer, "petitions:backlog", unit=biggest.pk),
            3,
        ),
    ]
    duplicates = _duplicates_case(biggest, today)
    if duplicates:
        cases.append(duplicates)

    print()
    print(f"{'what':62} {'rows':>9} {'median':>10} {'queries':>8}")
    for label, fn, repeat in cases:
        try:
            result, seconds, queries = measure(fn, repeat)
        except Exception as exc:  # a page not built yet is reported, not fatal
            print(f"{label:62} {'—':>9} {'':>10} {'':>8}  ({exc.__class__.__name__}: {exc})")
            continue
        shown = result[0] if isinstance(result, tuple) else result
        rows = "" if shown is None else f"{shown:,}"
        print(f"{label:62} {rows:>9} {seconds * 1000:8.1f}ms {queries:8d}")

    # The calendar changes: a working day becomes a day off, and the open letters' stored
    # deadlines are recomputed (as the task queued by the CalendarDay signal does).
    open_count = Letter.objects.open().count()
    calendar = default_calendar()
    day = today + dt.timedelta(days=3)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    CalendarDay.objects.bulk_create(  # bulk: no signal, so the recompute is timed alone
        [CalendarDay(date=day, kind=DayKind.DAY_OFF, name="bench")]
    )
    forget_calendar()
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        changed = deadlines.recompute()
        first = time.perf_counter() - start
    print(
        f"{'recompute after a day off on ' + f'{day:%d/%m/%Y}':62} {changed:>9,} "
        f"{first * 1000:8.1f}ms {len(ctx.captured_queries):8d}  "
        f"({open_count:,} open letters read, {changed:,} changed)"
    )
    units = Unit.objects.count()
    print(f"\n{units:,} units in the tree; pages of 50 rows.")


def _duplicates_case(biggest, today):
    try:
        from danvan.petitions.duplicates import find_duplicates
    except ImportError:
        return None
    from django.db.models import Count

    # A citizen who wrote more than once, and the text of one of their letters.
    sample = (
        Letter.objects.filter(unit__path__startswith=biggest.path, is_anonymous=False)
        .exclude(citizen_id_index="")
        .values("citizen_id_index")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("-n")
        .first()
    )
    letter = Letter.objects.filter(citizen_id_index=sample["citizen_id_index"]).first()

    def run():
        return len(
            find_duplicates(
                unit=letter.unit,
                id_number=letter.citizen_id_number,
                text=f"{letter.title} {letter.content}",
                today=today,
            )
        )

    return ("duplicates at intake: same ID + similar text, province", run, 3)


if __name__ == "__main__":
    main()
