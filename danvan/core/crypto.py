"""Field-level encryption for personal data that must stay secret (a denouncer's identity).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under keys taken from the
environment (``DANVAN_FIELD_KEYS``: comma-separated, the first one encrypts, all of them
decrypt, so a key can be rotated). A database dump alone shows only ciphertext.

``blind_index`` gives a keyed hash of a normalised value (an ID number), so duplicate letters
can be found with an equality lookup without storing the number in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "enc1:"


def _fernet_key(secret: str) -> bytes:
    """Any secret string becomes a Fernet key; a real Fernet key is used as it is."""
    try:
        raw = base64.urlsafe_b64decode(secret.encode())
        if len(raw) == 32:
            return secret.encode()
    except (ValueError, TypeError):
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("DANVAN_FIELD_KEYS is empty: personal data cannot be sealed.")
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys])


def _keys() -> tuple[str, ...]:
    return tuple(settings.FIELD_ENCRYPTION_KEYS)


def encrypt(value: str) -> str:
    if value == "":
        return ""
    return _PREFIX + _cipher(_keys()).encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value:
        return ""
    if not value.startswith(_PREFIX):
        return value  # written before encryption was switched on
    try:
        return _cipher(_keys()).decrypt(value[len(_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A sealed field cannot be decrypted: DANVAN_FIELD_KEYS lacks the key that wrote it."
        ) from exc


def blind_index(value: str) -> str:
    """A keyed hash of ``value`` with spaces and case removed ('' for an empty value)."""
    normalised = "".join(value.split()).upper()
    if not normalised:
        return ""
    key = _fernet_key(_keys()[0])
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()[:40]


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; Python code sees the clear text.

    Not searchable or sortable in the database, by design.
    """

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return encrypt(str(value))
