"""Shared pieces of the daily management commands (reminders, escalation)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError


def add_on_argument(parser) -> None:
    """``--on YYYY-MM-DD``: run as if today were that day (to catch up, or to test)."""
    parser.add_argument(
        "--on",
        help="Treat this day (YYYY-MM-DD) as today; by default the local date.",
    )


def on_date(options) -> dt.date | None:
    """The ``--on`` day, or ``None`` for today; a day that cannot be read is an error."""
    text = options.get("on")
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--on must be a date as YYYY-MM-DD, not {text!r}.") from exc
