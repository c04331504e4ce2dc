"""Absolute links to our own site, built from the one configured address (`SITE_URL`).

Never from the request: its Host header (and port) is whatever the client sent, and a page
built from it may be cached and served to everyone (core/public_cache.py), or mailed, texted
and shared from there. Pages, mails, SMS, API answers and share links all come through here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.db.models.fields.files import FieldFile


def site_url() -> str:
    """The site's address, scheme and host (and port), without a trailing slash."""
    return settings.SITE_URL


def absolute_url(path: str | FieldFile) -> str:
    """`path` (an address on this site, or an uploaded file) as an absolute link.

    A file storage that already gives absolute addresses (S3-compatible, at scale) keeps its own.
    """
    if isinstance(path, FieldFile):
        path = path.url
    if path.startswith(("https://", "http://")):
        return path
    return f"{settings.SITE_URL}/{path.lstrip('/')}"


def site_url_serving(addrport: str) -> str:
    """The site address of a development server started on `addrport` (as `runserver` takes
    it: "8000", "127.0.0.1:8000", "0.0.0.0:8000", "[::1]:8000"). A server listening on every
    interface is reached on this machine at 127.0.0.1."""
    host, _sep, port = addrport.rpartition(":")
    if not port.isdigit():
        raise ValueError(f"not an address and port: {addrport!r}")
    if host in ("", "0", "0.0.0.0", "[::]", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{port}"


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`check --deploy`: behind TLS, the links the site gives out must be https ones — the
    default address (the laptop's) in production means every shared link is broken."""
    if settings.HTTPS and not settings.SITE_URL.startswith("https://"):
        return [
            checks.Warning(
                f"CONGDONG_SITE_URL is {settings.SITE_URL}: links in pages, mails and SMS point "
                "there. Set it to the site's public https address.",
                id="congdong.W001",
            )
        ]
    return []
