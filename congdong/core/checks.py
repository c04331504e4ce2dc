"""System checks for production (`congdong check --deploy`, docs/operations.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def trusted_proxies_set(app_configs, **kwargs) -> list[Error]:
    """Behind the TLS-terminating proxy production runs on, the proxy must be named: else
    every client has the proxy's address and one person's wrong passwords refuse everyone
    (and the app refuses requests that carry X-Forwarded-For, congdong/core/gate.py)."""
    if settings.HTTPS and not settings.TRUSTED_PROXIES:
        return [
            Error(
                "CONGDONG_HTTPS is on (behind a reverse proxy) but CONGDONG_TRUSTED_PROXIES is "
                "empty.",
                hint="Set CONGDONG_TRUSTED_PROXIES to the reverse proxy's addresses or network.",
                id="congdong.E001",
            )
        ]
    return []
