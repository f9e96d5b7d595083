"""Folding Vietnamese text for accent-insensitive search.

`fold("Đắk Lắk")` and `fold("dak lak")` are both ``"dak lak"``. Input may be NFC or NFD
(some keyboards and macOS produce decomposed text). Never use ``slugify`` or a database's
own diacritic removal for Vietnamese: both drop "đ" instead of turning it into "d".
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_STROKES = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(text: str | None) -> str:
    """Lower-case, strip accents, map đ→d and collapse whitespace."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFC", stripped).casefold().translate(_STROKES)
    return _SPACES.sub(" ", folded).strip()


def search_terms(query: str | None) -> list[str]:
    """Split a user's query into folded words; empty list when nothing is left."""
    return [word for word in fold(query).split(" ") if word]
