"""Channel tokens sealed at rest with Fernet (key `CONGDONG_CHANNEL_TOKEN_KEY`).

The column holds only the Fernet token (AES-CBC + HMAC, with a timestamp): a database dump, a
backup (core/backup.py copies the database as it is) or a row read by the Django admin shows
ciphertext. The key lives in the environment, never in the database or the backup.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def _fernet() -> Fernet:
    key = settings.CHANNEL_TOKEN_KEY
    if not key:
        raise ImproperlyConfigured(
            "CONGDONG_CHANNEL_TOKEN_KEY is not set: channel tokens cannot be stored "
            "(generate one with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`)."
        )
    try:
        return Fernet(key.encode() if isinstance(key, str) else key)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "CONGDONG_CHANNEL_TOKEN_KEY is not a Fernet key (32 url-safe base64 bytes)."
        ) from exc


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def unseal(sealed: str) -> str:
    """The text; "" when it cannot be opened (another key): the token is then as good as lost
    and the channel shows as needing to be connected again."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return ""


class SealedField(models.TextField):
    """A text column stored sealed. Reads give the clear text, writes seal it again (a new
    ciphertext each time: never filter on it)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        return unseal(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return ""
        return seal(value)
