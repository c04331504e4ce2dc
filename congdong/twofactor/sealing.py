"""The TOTP secret at rest: encrypted (Fernet: AES-128-CBC + HMAC-SHA256) with a key derived
from SECRET_KEY, so a copy of the database or of a backup alone does not let anyone compute a
staff member's codes. SECRET_KEY_FALLBACKS keep old secrets readable while the key is rotated;
a key that is dropped altogether makes the secrets unreadable, and staff then sign in with a
recovery code and set the app up again (docs/operations.md "Two-step sign-in").
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PURPOSE = b"congdong.twofactor.secret:"


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(PURPOSE + k.encode()).digest()))
            for k in keys
        ]
    )


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str | None:
    """The secret, or None when no key in force opens it."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None
