"""Signatures of the platforms' webhook calls.

Facebook signs each webhook body with the app secret (`X-Hub-Signature-256: sha256=<hex>` of
HMAC-SHA256). Zalo puts in `X-ZEvent-Signature` the SHA-256 of the OA id, the raw body, the
event's timestamp (milliseconds, as in the body) and the OA secret, concatenated — a plain hash,
not an HMAC. Both checks compare in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = [
    "facebook_signature",
    "facebook_signature_ok",
    "zalo_signature",
    "zalo_signature_ok",
]


def facebook_signature(app_secret: str, body: bytes) -> str:
    """The `X-Hub-Signature-256` header Facebook sends with `body`: "sha256=<hex>"."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def facebook_signature_ok(app_secret: str, body: bytes, header: str | None) -> bool:
    """Whether `header` is the signature of `body` with `app_secret`; False when it is absent."""
    if not header or not app_secret:
        return False
    return hmac.compare_digest(facebook_signature(app_secret, body).encode(), header.encode())


def zalo_signature(oa_id: str, body: bytes, timestamp: str, oa_secret: str) -> str:
    """The `X-ZEvent-Signature` Zalo sends: sha256 hex of oa_id + body + timestamp + secret."""
    data = oa_id.encode() + body + str(timestamp).encode() + oa_secret.encode()
    return hashlib.sha256(data).hexdigest()


def zalo_signature_ok(
    oa_id: str, body: bytes, timestamp: str, oa_secret: str, header: str | None
) -> bool:
    """Whether `header` is Zalo's signature of this event; False when it is absent."""
    if not header or not oa_secret:
        return False
    expected = zalo_signature(oa_id, body, timestamp, oa_secret)
    # Some integrations prefix "mac=": accept the bare hex or that form.
    given = header.strip().removeprefix("mac=").lower()
    return hmac.compare_digest(expected.encode(), given.encode())
