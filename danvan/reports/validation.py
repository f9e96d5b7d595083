"""Whether a typed figure fits its indicator: refused field by field, with a message for each.

``check(indicator, value=, numerator=, denominator=, rank=)`` returns the cleaned ``Entry``
pieces and a dict of errors keyed by the part that is wrong ("value", "numerator",
"denominator", "rank"). Nothing here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from danvan.kpis.models import Indicator, IndicatorKind

ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass
class Checked:
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    rank: int | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return self.value is None and self.numerator is None and self.denominator is None


_THOUSANDS = re.compile(r"[-+]?[1-9]\d{0,2}\.\d{3}")


def parse_number(text) -> Decimal | None:
    """A number as people type it: "1.234,5", "1234.5", "12,5", " 8 " (None when blank).

    A comma is a decimal comma; with both, the last one is the decimal separator; several dots
    are thousands separators, and so is a single dot followed by exactly three digits ("1.234"
    is one thousand two hundred thirty-four, as Vietnamese is written and as danvan prints a
    count); any other single dot is a decimal point ("12.5", "0.125").

    Raises ``ValueError`` when the text is not a number.
    """
    if text is None:
        return None
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int | float):
        return Decimal(str(text))
    text = str(text).strip().replace(" ", "").replace("\u00a0", "").replace("%", "")
    if not text:
        return None
    if "," in text and "." in text:
        # the last separator is the decimal one
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    elif text.count(".") > 1 or _THOUSANDS.fullmatch(text):
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not number.is_finite():
        raise ValueError(text)
    return number


def _number(raw, part: str, errors: dict[str, str]) -> Decimal | None:
    try:
        return parse_number(raw)
    except ValueError:
        errors[part] = _("Not a number.")
        return None


def check(indicator: Indicator, *, value=None, numerator=None, denominator=None, rank=None):
    errors: dict[str, str] = {}
    out = Checked(errors=errors)
    kind = indicator.kind
    if kind == IndicatorKind.RATE:
        num = _number(numerator, "numerator", errors)
        den = _number(denominator, "denominator", errors)
        if errors:
            return out
        if num is None and den is None:
            return out
        if num is None:
            errors["numerator"] = _("Give the numerator as well.")
        if den is None:
            errors["denominator"] = _("Give the denominator as well.")
        if errors:
            return out
        if num < ZERO:
            errors["numerator"] = _("Cannot be negative.")
        if den <= ZERO:
            errors["denominator"] = _("Must be above zero.")
        elif num > den:
            errors["numerator"] = _("The numerator cannot exceed the denominator.")
        if errors:
            return out
        out.numerator, out.denominator = num, den
        out.value = num / den * indicator.scale
        return out
    number = _number(value, "value", errors)
    if errors or number is None:
        if rank not in (None, ""):
            _rank(indicator, rank, out)
        return out
    if kind == IndicatorKind.BOOLEAN:
        if number not in (ZERO, ONE):
            errors["value"] = _("Answer yes or no.")
            return out
        out.value, out.numerator, out.denominator = number, number, ONE
        return out
    if kind == IndicatorKind.COUNT:
        if number < ZERO:
            errors["value"] = _("A count cannot be negative.")
        elif number != number.to_integral_value():
            errors["value"] = _("A count is a whole number.")
    elif kind == IndicatorKind.AMOUNT and number < ZERO:
        errors["value"] = _("Cannot be negative.")
    if "value" not in errors:
        if indicator.min_value is not None and number < indicator.min_value:
            errors["value"] = _("At least %(low)s.") % {
                "low": indicator.format(indicator.min_value)
            }
        elif indicator.max_value is not None and number > indicator.max_value:
            errors["value"] = _("At most %(high)s.") % {
                "high": indicator.format(indicator.max_value)
            }
    if "value" not in errors:
        out.value = number
    if rank not in (None, ""):
        _rank(indicator, rank, out)
    return out


def _rank(indicator: Indicator, rank, out: Checked) -> None:
    if not indicator.has_rank:
        return
    try:
        number = int(str(rank).strip())
    except ValueError:
        out.errors["rank"] = _("A rank is a whole number from 1.")
        return
    if number < 1:
        out.errors["rank"] = _("A rank is a whole number from 1.")
        return
    out.rank = number
