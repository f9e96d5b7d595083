"""Letters that may be the same matter: the same ID number, or near-identical text.

Decree 55/2022 wants one case file per matter, so intake shows the letters of the same
province (the root of the unit's tree: ``unit.path[:Unit.steplen]``) that

- carry the same citizen ID number: an equality on the keyed hash ``citizen_id_index``, so
  the number is never compared (or stored) in clear; or
- read almost the same: the Jaccard index of the character-trigram sets of the folded
  subject and content (their first ``MAX_TEXT`` characters) is at least ``TEXT_THRESHOLD``.
  Candidates are narrowed in the database first: letters of the last ``WINDOW_DAYS`` that
  share at least half of a few two-word phrases of the text, those sharing the most first,
  at most ``MAX_CANDIDATES``; only they are scored in Python. Jaccard (not Dice) keeps two
  letters on the same subject apart although Vietnamese reuses a small set of syllables: a
  retyped copy of a land complaint (accents dropped, a few words changed) scores about 0.85,
  a different land complaint about 0.45.

The seal: a match never carries a name. An ID-number match with a sealed letter says who
wrote it (the person whose number was typed), so it is kept only for a ``viewer`` who may
read that letter's identity; without a viewer, sealed letters are never matched by number.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Case, Q, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from danvan.core.crypto import blind_index
from danvan.core.text import fold
from danvan.orgs.models import Unit
from danvan.petitions.models import IDENTITY_FIELDS, Letter

TEXT_THRESHOLD = 0.6
WINDOW_DAYS = 3 * 365
MAX_CANDIDATES = 1000
MAX_PHRASES = 8
MAX_TEXT = 2000  # characters compared: the start of a letter says what it is about
MIN_TEXT = 20  # shorter texts are not compared: everything would look alike

_CLEAN_WORD = re.compile(r"^[0-9a-z]+$")
_MARKS = re.compile(r"[\u0300-\u036f]")  # combining accents, after NFD
_STROKES = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
# Words found in almost every letter, boilerplate included ("đề nghị cơ quan có thẩm quyền
# xem xét giải quyết theo quy định"): a phrase made only of these narrows nothing.
_COMMON = frozenset(
    {
        "ap",
        "ba",
        "ban",
        "cac",
        "cho",
        "chung",
        "co",
        "cong",
        "cua",
        "da",
        "dan",
        "de",
        "den",
        "dinh",
        "do",
        "don",
        "duoc",
        "gia",
        "giai",
        "khi",
        "khong",
        "khu",
        "la",
        "luc",
        "mot",
        "nam",
        "nay",
        "ngay",
        "nghi",
        "nhan",
        "nhu",
        "nhung",
        "ong",
        "pho",
        "phuong",
        "quan",
        "quy",
        "quyen",
        "quyet",
        "sau",
        "so",
        "tai",
        "tham",
        "thang",
        "theo",
        "thi",
        "thon",
        "to",
        "toi",
        "tran",
        "tren",
        "trong",
        "tu",
        "ubnd",
        "uy",
        "va",
        "vao",
        "ve",
        "viec",
        "voi",
        "xa",
        "xem",
        "xet",
    }
)


@dataclass(frozen=True)
class Match:
    """A letter that may be the same matter, and why."""

    letter: Letter
    same_id_number: bool
    similarity: float | None  # 0..1, None when the text was not compared or too different

    @property
    def percent(self) -> int | None:
        return None if self.similarity is None else round(self.similarity * 100)


def normalise(text: str) -> str:
    """``fold`` (accents off, đ→d, lower case), punctuation turned into spaces.

    The same result as ``core.text.fold`` for Vietnamese, written with C-speed string
    operations because it runs on every candidate (``fold`` tests each character in Python).
    """
    decomposed = unicodedata.normalize("NFD", text[:MAX_TEXT].translate(_STROKES))
    lowered = _MARKS.sub("", decomposed).casefold().translate(_STROKES)
    return " ".join(_NON_WORD.sub(" ", lowered).split())


def trigrams(text: str) -> frozenset:
    """The character trigrams of normalised ``text``, padded like pg_trgm's."""
    padded = f"  {text} "
    return frozenset(zip(padded, padded[1:], padded[2:], strict=False))


def similarity(a: frozenset, b: frozenset) -> float:
    """Jaccard index of two trigram sets: |A∩B| / |A∪B|."""
    common = len(a & b)
    union = len(a) + len(b) - common
    return common / union if union else 0.0


def phrases(text: str, *, limit: int = MAX_PHRASES) -> list[str]:
    """A few two-word phrases of ``text`` as they appear in a folded ``search_text``.

    Only pairs of plain words qualify (``fold`` keeps punctuation, so "dat, de" would never
    be found as "dat de"); the longest ones, which say the most, spread over the text.
    """
    words = fold(text).split(" ")
    pairs = []
    for index in range(len(words) - 1):
        first, second = words[index], words[index + 1]
        if not (_CLEAN_WORD.match(first) and _CLEAN_WORD.match(second)):
            continue
        if first in _COMMON and second in _COMMON:
            continue
        pairs.append((len(first) + len(second), index, f"{first} {second}"))
    chosen: list[str] = []
    for _length, _index, phrase in sorted(pairs, key=lambda p: (-p[0], p[1])):
        if phrase not in chosen:
            chosen.append(phrase)
        if len(chosen) >= limit:
            break
    return chosen


def province_path(unit: Unit) -> str:
    return unit.path[: Unit.steplen]


def _letters():
    return Letter.objects.select_related("unit", "received_unit", "family").defer(
        *IDENTITY_FIELDS, "search_text", "content"
    )


def _may_match_sealed(viewer, letter: Letter) -> bool:
    return viewer is not None and viewer.has_perm("petitions.read_identity", letter)


def find_duplicates(
    *,
    unit: Unit,
    id_number: str = "",
    text: str = "",
    exclude_pk: int | None = None,
    limit: int = 10,
    viewer=None,
    id_index: str = "",
    today: dt.date | None = None,
) -> list[Match]:
    """Letters of ``unit``'s province that may be the same matter, best first.

    ``id_number`` (clear) or ``id_index`` (its blind index, from a stored letter) finds the
    same citizen; ``text`` (subject and content) finds near-identical letters.
    """
    in_province = Q(unit__path__startswith=province_path(unit))
    base = Letter.objects.filter(in_province)
    if exclude_pk is not None:
        base = base.exclude(pk=exclude_pk)
    id_index = id_index or blind_index(id_number or "")

    same_id: dict[int, Letter] = {}
    if id_index:
        same = _letters().filter(in_province, citizen_id_index=id_index)
        if exclude_pk is not None:
            same = same.exclude(pk=exclude_pk)
        for letter in same.order_by("-received_on", "-pk")[: limit * 3]:
            if letter.confidential and not _may_match_sealed(viewer, letter):
                continue
            same_id[letter.pk] = letter

    scores: dict[int, float] = {}
    normalised = normalise(text)
    if len(normalised) >= MIN_TEXT:
        wanted = phrases(text)
        if wanted:
            since = (today or timezone.localdate()) - dt.timedelta(days=WINDOW_DAYS)
            shares_phrase = Q()
            shared = Value(0)
            for phrase in wanted:
                shares_phrase |= Q(search_text__contains=phrase)
                shared += Case(When(search_text__contains=phrase, then=Value(1)), default=Value(0))
            # A near-identical letter shares most of the phrases: those that share the most
            # come first, and only they are scored.
            ranked = (
                base.filter(shares_phrase, received_on__gte=since)
                .annotate(shared=shared)
                .filter(shared__gte=max(1, (len(wanted) + 1) // 2))
                .order_by("-shared", "-received_on", "-pk")
                .values("pk")[:MAX_CANDIDATES]
            )
            # Ranked on the narrow row first; the texts are read for the chosen ones only.
            rows = (
                Letter.objects.filter(pk__in=ranked)
                .annotate(head=Substr("content", 1, MAX_TEXT))
                .values_list("pk", "title", "head")
            )
            mine = trigrams(normalised)
            for pk, title, head in rows:
                score = similarity(mine, trigrams(normalise(f"{title} {head}")))
                if score >= TEXT_THRESHOLD:
                    scores[pk] = score

    text_only = sorted((pk for pk in scores if pk not in same_id), key=lambda pk: -scores[pk])[
        :limit
    ]
    loaded = {letter.pk: letter for letter in _letters().filter(pk__in=text_only)}
    matches = [
        Match(letter=letter, same_id_number=True, similarity=scores.get(pk))
        for pk, letter in same_id.items()
    ]
    matches += [
        Match(letter=loaded[pk], same_id_number=False, similarity=scores[pk])
        for pk in text_only
        if pk in loaded
    ]
    return matches[:limit]


def duplicates_of(letter: Letter, *, viewer, limit: int = 10) -> list[Match]:
    """Possible duplicates of a stored letter, as ``viewer`` may see them.

    The letter's own ID number is used only when ``viewer`` may read its identity: saying
    "the author of this sealed letter also wrote that one" would unseal it.
    """
    may_use_id = viewer.has_perm("petitions.read_identity", letter)
    return find_duplicates(
        unit=letter.unit,
        id_index=letter.citizen_id_index if may_use_id else "",
        text=f"{letter.title} {letter.content}",
        exclude_pk=letter.pk,
        limit=limit,
        viewer=viewer,
    )
