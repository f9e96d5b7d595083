"""Benchmark: loading the administrative units and searching them.

Run from the project root (uses a throwaway SQLite database in a temp dir, or DATABASE_URL):

    .venv/bin/python bench/bench_units.py

Prints: load time (first run, second idempotent run), and the median time of accent-insensitive
searches over the ~14,000 units, and of one unit-list API page. Not a timed test: figures only.
"""

import os
import statistics
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

QUERIES = ["khanh hoa", "Khánh Hòa", "dak lak", "nha trang", "phuong 1", "xa", "22366"]


def timed(fn, repeat=1):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return result, samples


def main() -> None:
    setup_test_environment()
    from django.test.utils import get_runner

    runner = get_runner(django.conf.settings)(verbosity=0)
    old = runner.setup_databases()
    try:
        devnull = open(os.devnull, "w")  # noqa: SIM115
        _, first = timed(lambda: call_command("load_units", stdout=devnull))
        _, second = timed(lambda: call_command("load_units", stdout=devnull))
        print(f"database: {connection.vendor}")
        print(f"load_units, first run:  {first[0]:.2f} s")
        print(f"load_units, second run: {second[0]:.2f} s (idempotent, changes nothing)")

        from danvan.orgs.models import Unit

        for query in QUERIES:
            count, samples = timed(lambda q=query: Unit.objects.search(q).count(), repeat=21)
            print(
                f"search {query!r:14} {count:6d} hits, median "
                f"{statistics.median(samples) * 1000:.1f} ms"
            )

        from django.test import Client

        from danvan.orgs.models import User

        user = User.objects.create_user("bench", password="bench-pass-123")
        client = Client()
        client.force_login(user)
        _, samples = timed(
            lambda: client.get("/api/v1/units/?kind=commune&page_size=500"), repeat=11
        )
        print(f"API units page (500 communes): median {statistics.median(samples) * 1000:.0f} ms")
        _, samples = timed(lambda: client.get("/units/?q=phuong"), repeat=11)
        print(f"units search page 'phuong': median {statistics.median(samples) * 1000:.0f} ms")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
