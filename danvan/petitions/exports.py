"""Excel sheets of the letter register and of the statistics (built with ``core.xlsx``).

The register's "Citizen" column holds a name only for a letter that is neither sealed nor
anonymous, and only when the user may read its identity; a sealed letter says "(kept
secret)", an anonymous one "(anonymous)". A sealed letter's name is never even loaded:
names come from ``selectors.citizen_names``, which selects non-sealed letters only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import islice

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from danvan.core.xlsx import Sheet
from danvan.petitions.models import Letter, LetterKind
from danvan.petitions.selectors import citizen_names
from danvan.petitions.statistics import (
    INDICATOR_LABELS,
    METRIC_LABELS,
    METRICS,
    LetterStatistics,
)

MAX_ROWS = 20_000
CHUNK = 1_000


def citizen_cell(user, letter: Letter, names: dict[int, str]) -> str:
    if letter.confidential:
        return _("(kept secret)")
    if letter.is_anonymous:
        return _("(anonymous)")
    if letter.pk in names and user.has_perm("petitions.read_identity", letter):
        return names[letter.pk]
    return ""


def kind_label(letter: Letter) -> str:
    return letter.get_kind_display()


def round_label(letter: Letter) -> str:
    if letter.kind != LetterKind.COMPLAINT:
        return ""
    return letter.get_complaint_round_display()


def _register_rows(user, letters) -> Iterator[list]:
    iterator = iter(letters)
    number = 0
    while chunk := list(islice(iterator, CHUNK)):
        names = citizen_names(chunk)
        for letter in chunk:
            number += 1
            yield [
                number,
                letter.code,
                letter.received_on,
                kind_label(letter),
                round_label(letter),
                letter.get_channel_display(),
                letter.get_subject_area_display(),
                letter.title,
                letter.unit.name,
                letter.received_unit.name,
                letter.get_status_display(),
                str(letter.handler) if letter.handler else "",
                letter.acceptance_due,
                letter.accepted_on,
                letter.resolution_due,
                letter.extensions_granted,
                letter.closed_on,
                letter.get_outcome_display() if letter.outcome else "",
                citizen_cell(user, letter, names),
            ]


def register_sheet(user, letters, *, today: dt.date) -> Sheet:
    """The letter register: ``letters`` (a sliced-able queryset) up to ``MAX_ROWS`` rows."""
    rows = list(letters[: MAX_ROWS + 1])
    truncated = len(rows) > MAX_ROWS
    caption = _("Register of citizens' letters — exported on %(date)s") % {
        "date": date_format(today, "d/m/Y")
    }
    if truncated:
        caption += " — " + _(
            "TRUNCATED: only the first %(n)s letters are listed; narrow the filters."
        ) % {"n": f"{MAX_ROWS:,}".replace(",", ".")}
    return Sheet(
        title=_("Letters"),
        caption=caption,
        headers=[
            _("No."),
            _("Tracking code"),
            _("Received on"),
            _("Kind"),
            _("Round"),
            _("Channel"),
            _("Subject area"),
            _("Subject"),
            _("Resolving unit"),
            _("Receiving unit"),
            _("Status"),
            _("Handler"),
            _("Acceptance due"),
            _("Accepted on"),
            _("Resolution due"),
            _("Extensions"),
            _("Closed on"),
            _("Outcome"),
            _("Citizen"),
        ],
        rows=_register_rows(user, rows[:MAX_ROWS]),
        widths=[6, 14, 12, 14, 10, 18, 24, 50, 28, 28, 24, 22, 12, 12, 12, 10, 12, 16, 24],
    )


def _metric_headers() -> list[str]:
    return [str(METRIC_LABELS[m]) for m in METRICS]


def statistics_sheets(stats: LetterStatistics, indicators: dict[str, int]) -> list[Sheet]:
    period = _("%(unit)s, %(start)s - %(end)s") % {
        "unit": stats.unit.name,
        "start": date_format(stats.start, "d/m/Y"),
        "end": date_format(stats.end, "d/m/Y"),
    }

    def table(title: str, first: str, rows) -> Sheet:
        return Sheet(
            title=title,
            caption=period,
            headers=[first, *_metric_headers()],
            rows=[[label, *(row[m] for m in METRICS)] for label, row in rows],
            widths=[36, *([12] * len(METRICS))],
        )

    summary = Sheet(
        title=_("Indicators"),
        caption=period,
        headers=[_("Indicator"), _("Key"), _("Value")],
        rows=[[str(INDICATOR_LABELS[key]), key, value] for key, value in indicators.items()],
        widths=[60, 30, 12],
    )
    units = [(row["unit"].name, row) for row in stats.by_unit]
    if stats.own:
        units.insert(0, (_("%(unit)s itself") % {"unit": stats.unit.name}, stats.own))
    months = Sheet(
        title=_("By month"),
        caption=period,
        headers=[
            _("Month"),
            str(METRIC_LABELS["received"]),
            str(METRIC_LABELS["resolved"]),
            str(METRIC_LABELS["on_time"]),
            str(METRIC_LABELS["late"]),
        ],
        rows=[
            [
                row["month"].strftime("%m/%Y"),
                row["received"],
                row["resolved"],
                row["on_time"],
                row["late"],
            ]
            for row in stats.by_month
        ],
        widths=[12, 12, 12, 12, 12],
    )
    return [
        summary,
        table(_("By kind"), _("Kind"), [(str(r["label"]), r) for r in stats.by_kind]),
        months,
        table(_("By unit"), _("Unit"), units),
        table(_("By channel"), _("Channel"), [(str(r["label"]), r) for r in stats.by_channel]),
        table(
            _("By subject area"),
            _("Subject area"),
            [(str(r["label"]), r) for r in stats.by_subject],
        ),
    ]
