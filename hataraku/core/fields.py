"""Encrypted model fields for 要配慮個人情報 (APPI special-care personal information).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) under
`HATARAKU_FIELD_KEY`, which is not `SECRET_KEY`. Several comma-separated keys allow rotation: the first
encrypts, every key decrypts. Without the key, the column holds only opaque tokens.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(raw_keys: str) -> MultiFernet:
    # No fallback here: the key derived for local runs lives in config/settings/local.py only, and
    # production checks every key at start-up (config/settings/production.py).
    keys = [k.strip() for k in raw_keys.split(",") if k.strip()]
    if not keys:
        raise ImproperlyConfigured("HATARAKU_FIELD_KEY is not set.")
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "HATARAKU_FIELD_KEY must be one or more url-safe base64 Fernet keys (32 bytes each)."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(settings.HATARAKU_FIELD_KEY)


def encrypt_text(value: str) -> str:
    return _PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    if not token.startswith(_PREFIX):
        raise InvalidToken("value is not an encrypted token")
    return fernet().decrypt(token[len(_PREFIX) :].encode()).decode()


def is_encrypted(value: str) -> bool:
    """Whether `value` is a token from `encrypt_text` (for data written before a column was encrypted)."""
    return value.startswith(_PREFIX)


class EncryptedTextField(models.TextField):
    """A text column stored encrypted. It cannot be filtered or ordered on, by design."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(str(value))


class EncryptedJSONField(models.TextField):
    """A JSON value (list or dict) stored as one encrypted token."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return None
        return json.loads(decrypt_text(value))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(_PREFIX):
            return json.loads(decrypt_text(value))
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt_text(json.dumps(value, ensure_ascii=False, sort_keys=True))
