"""Lenient readers of a list page's query string: a malformed value reads as "not given".

Filters are links people share and edit by hand: ``?unit=abc`` or ``?from=31/02`` must show
the unfiltered list, never an error page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any


def int_param(params: Mapping[str, Any], key: str) -> int | None:
    """A positive id-sized integer, or None."""
    try:
        value = int(str(params.get(key, "")).strip())
    except ValueError:
        return None
    return value if 0 < value < 2**63 else None


def date_param(params: Mapping[str, Any], key: str) -> dt.date | None:
    """An ISO date (yyyy-mm-dd, as the browser's date picker sends), or None."""
    try:
        return dt.date.fromisoformat(str(params.get(key, "")).strip())
    except ValueError:
        return None


def choice_param(params: Mapping[str, Any], key: str, allowed) -> str:
    """The value when it is one of ``allowed``, else ""."""
    value = str(params.get(key, ""))
    return value if value in allowed else ""
