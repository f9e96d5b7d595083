"""Protecting the public forms from automated and repeated submissions, without a CAPTCHA.

Four small defences, each usable and testable on its own:

1. **Honeypot**: a text field hidden by CSS that people never see nor fill; a bot that fills
   it is shown a success-looking page and nothing is stored (``is_bot``).
2. **Signed form time**: the form carries a ``TimestampSigner`` token issued when it was
   rendered; a submission sooner than ``MIN_SECONDS`` or later than ``MAX_AGE_SECONDS``
   after that is refused and the citizen is asked to send again (``issue_stamp`` /
   ``check_stamp``).
3. **Rate limit per client address**: a counter per hour in the Django cache (``hit``,
   ``is_limited``, ``record``). The address is hashed with the secret key before it is used
   as a cache key, so the cache holds no readable IP address.
4. **Repeat filing**: the same content from the same phone within ``REPEAT_SECONDS`` is
   refused. Only a keyed hash of the two is kept in the cache, never the content itself
   (``claim_submission`` / ``release_submission``).

The counters live in the cache named ``default``. Django's default local-memory cache is per
process: a production server with several worker processes needs a shared cache (the
database cache, or Redis/Memcached) for the limits to hold across workers.
"""

from __future__ import annotations

import re
import time
from enum import StrEnum

from django.core.cache import cache
from django.core.signing import BadSignature, Signer, TimestampSigner, b62_decode, b62_encode
from django.utils.crypto import salted_hmac

from danvan.core.text import fold

HONEYPOT_FIELD = "website"
STAMP_FIELD = "form_stamp"
MIN_SECONDS = 3
MAX_AGE_SECONDS = 2 * 60 * 60
WINDOW_SECONDS = 60 * 60
REPEAT_SECONDS = 24 * 60 * 60

# Scopes of the rate limits.
SUBMISSIONS = "submit"
LOOKUPS = "lookup"


_SALT = "danvan.portal.antiabuse"
_NOT_DIGITS = re.compile(r"\D+")


# ---------------------------------------------------------------- 1. honeypot


def is_bot(data) -> bool:
    """True when the hidden honeypot field came back filled in."""
    return bool(str(data.get(HONEYPOT_FIELD, "") or "").strip())


# ---------------------------------------------------------------- 2. signed form time


class StampProblem(StrEnum):
    MISSING = "missing"
    INVALID = "invalid"
    TOO_FAST = "too_fast"
    EXPIRED = "expired"


class _FormSigner(TimestampSigner):
    """A ``TimestampSigner`` whose clock can be set (tests, and one clock per request)."""

    def __init__(self, now: float | None = None):
        super().__init__(salt=f"{_SALT}.form")
        self._now = now

    def timestamp(self) -> str:
        return b62_encode(int(time.time() if self._now is None else self._now))


def issue_stamp(purpose: str, *, now: float | None = None) -> str:
    """A signed stamp for a form rendered now; ``purpose`` names the form (one form's stamp
    does not validate another)."""
    return _FormSigner(now).sign(purpose)


def check_stamp(
    stamp: str | None, purpose: str, *, now: float | None = None
) -> StampProblem | None:
    """None when the form was sent between ``MIN_SECONDS`` and ``MAX_AGE_SECONDS`` after it
    was rendered; otherwise the problem."""
    if not stamp:
        return StampProblem.MISSING
    signer = _FormSigner()
    try:
        # Signer.unsign checks the signature and leaves "purpose:timestamp".
        value, issued_b62 = Signer.unsign(signer, stamp).rsplit(signer.sep, 1)
        issued = b62_decode(issued_b62)
    except (BadSignature, ValueError):
        return StampProblem.INVALID
    if value != purpose:
        return StampProblem.INVALID
    age = (time.time() if now is None else now) - issued
    if age < MIN_SECONDS:
        return StampProblem.TOO_FAST
    if age > MAX_AGE_SECONDS:
        return StampProblem.EXPIRED
    return None


# ---------------------------------------------------------------- 3. rate limits


def client_address(request) -> str:
    """The client's address as the server saw it (``REMOTE_ADDR``).

    Behind a reverse proxy this is the proxy's address unless the application server is set
    to take the client's address from the proxy; otherwise every citizen shares one counter.
    """
    return request.META.get("REMOTE_ADDR") or "unknown"


def _rate_key(scope: str, client: str, now: float | None) -> str:
    window = int((time.time() if now is None else now) // WINDOW_SECONDS)
    client_hash = salted_hmac(f"{_SALT}.client", client).hexdigest()[:32]
    return f"danvan:rate:{scope}:{client_hash}:{window}"


def count(scope: str, client: str, *, now: float | None = None) -> int:
    """How many times ``client`` was counted in ``scope`` in the current hour."""
    return int(cache.get(_rate_key(scope, client, now), 0))


def record(scope: str, client: str, *, now: float | None = None) -> int:
    """Count one more for ``client`` in ``scope`` this hour; the new count."""
    key = _rate_key(scope, client, now)
    # A little longer than the window so a counter never vanishes before its hour ends.
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        return 1


def is_limited(scope: str, client: str, limit: int, *, now: float | None = None) -> bool:
    """True when ``client`` already used its ``limit`` for this hour (nothing is counted)."""
    return count(scope, client, now=now) >= limit


def hit(scope: str, client: str, limit: int, *, now: float | None = None) -> bool:
    """Count this request and say whether it is allowed (within ``limit`` this hour)."""
    return record(scope, client, now=now) <= limit


def retry_after(*, now: float | None = None) -> int:
    """Seconds until the current hour's counters reset."""
    moment = time.time() if now is None else now
    return int(WINDOW_SECONDS - moment % WINDOW_SECONDS) + 1


# ---------------------------------------------------------------- 4. repeat filings


def _repeat_key(content: str, phone: str) -> str:
    digits = _NOT_DIGITS.sub("", phone or "")
    if digits.startswith("84"):
        digits = "0" + digits[2:]
    # Folding makes "Đường hỏng" and "duong  hong" the same text; a keyed hash keeps the
    # cache from holding the content or a phone number that could be guessed back.
    digest = salted_hmac(f"{_SALT}.repeat", f"{digits}\n{fold(content)}").hexdigest()
    return f"danvan:repeat:{digest}"


def is_repeat(content: str, phone: str) -> bool:
    return cache.get(_repeat_key(content, phone)) is not None


def claim_submission(content: str, phone: str) -> bool:
    """Reserve this content from this phone for 24 hours; False if it was sent already.

    ``cache.add`` is atomic on every shared backend, so two identical submissions racing
    each other store one letter.
    """
    return cache.add(_repeat_key(content, phone), 1, timeout=REPEAT_SECONDS)


def release_submission(content: str, phone: str) -> None:
    """Undo ``claim_submission`` when the letter could not be stored after all."""
    cache.delete(_repeat_key(content, phone))
