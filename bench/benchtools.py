"""What the benchmarks share: timing with a query count, and the machine and database they
ran on. Import it after ``django.setup()`` (it reads the database connection)."""

import os
import platform
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def measure(fn, repeat=5):
    """(result, median seconds, queries of one run)."""
    samples = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return result, statistics.median(samples), len(ctx.captured_queries)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(
                line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            kb = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
            memory = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    system = f"{platform.platform()}; Python {platform.python_version()}"
    return f"{cpu}, {os.cpu_count()} CPUs{memory}; {system}"


def database() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return f"{connection.vendor} {version}"
