"""The webhooks' lean path: a WSGI layer in front of Django (congdong/wsgi.py) that answers a
platform's signed POST to /webhook/facebook/ or /webhook/zalo/ itself.

A webhook call has no session, no user, no CSRF token, no language and no template: going
through the twenty middleware of a page (sessions, locale, authentication, messages, audit…)
costs more than checking and storing the event. So the call is checked and stored here by the
very code the Django views use (`intake.facebook` / `intake.zalo`: signature, replay window,
idempotent INSERT, refusals counted), with the same answers and the security headers every
answer carries.

Only the plain case takes this path; anything else goes on to Django, which answers it as it
always did: another method (Facebook's GET subscription check), a query string (the NUL check),
a body without a length or above MAX_BODY_BYTES (the gate's 413 in the caller's language), a
multipart body, a host outside ALLOWED_HOSTS (400), plain HTTP where HTTPS is required (the
redirect), or a proxy setup the gate refuses (503). So this path is never looser than the
stack it skips. The database connection is kept or closed around the call as Django's
request_started / request_finished do (CONN_MAX_AGE, broken connections).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.dispatch import receiver
from django.http.request import split_domain_port, validate_host

from congdong.core.web import trusted_proxies
from congdong.listening import intake

log = logging.getLogger("django.request")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict, StartResponse], Iterable[bytes]]

# path → (check-and-store, signature header in the WSGI environ, text of a 200)
ROUTES: dict[str, tuple[Callable[[bytes, str | None], intake.Outcome], str, bytes]] = {
    "/webhook/facebook/": (
        lambda body, sig: intake.facebook(body, sig),
        "HTTP_X_HUB_SIGNATURE_256",
        b"EVENT_RECEIVED",
    ),
    "/webhook/zalo/": (lambda body, sig: intake.zalo(body, sig), "HTTP_X_ZEVENT_SIGNATURE", b""),
}
REASONS = {200: "200 OK", 403: "403 Forbidden", 500: "500 Internal Server Error"}


@dataclass(frozen=True)
class Conf:
    """The settings this path reads, read once (again when a test changes one)."""

    allowed_hosts: tuple[str, ...]
    x_forwarded_host: bool
    proxy_ssl_header: tuple[str, str] | None
    max_body: int
    refuse_forwarded: bool
    ssl_redirect: bool
    headers: tuple[tuple[str, str], ...]
    hsts: str

    @classmethod
    def load(cls) -> Conf:
        rows = [
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", settings.X_FRAME_OPTIONS),
        ]
        if settings.SECURE_REFERRER_POLICY:
            rows.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            rows.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
        if settings.CONTENT_SECURITY_POLICY:
            rows.append(("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY))
        if settings.PERMISSIONS_POLICY:
            rows.append(("Permissions-Policy", settings.PERMISSIONS_POLICY))
        hsts = ""
        if settings.SECURE_HSTS_SECONDS:
            hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                hsts += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                hsts += "; preload"
        return cls(
            allowed_hosts=tuple(settings.ALLOWED_HOSTS),
            x_forwarded_host=settings.USE_X_FORWARDED_HOST,
            proxy_ssl_header=settings.SECURE_PROXY_SSL_HEADER,
            max_body=settings.MAX_BODY_BYTES,
            # The gate's 503: behind a TLS proxy that forwards addresses nobody declared.
            refuse_forwarded=bool(settings.HTTPS and not trusted_proxies()),
            ssl_redirect=settings.SECURE_SSL_REDIRECT,
            headers=tuple(rows),
            hsts=hsts,
        )


_conf: Conf | None = None


def conf() -> Conf:
    global _conf
    if _conf is None:
        _conf = Conf.load()
    return _conf


@receiver(setting_changed)
def _forget_conf(**kwargs: Any) -> None:
    global _conf
    _conf = None


@functools.lru_cache(maxsize=64)
def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, list(allowed))


def _secure(environ: dict, c: Conf) -> bool:
    if c.proxy_ssl_header:
        name, value = c.proxy_ssl_header
        if name in environ:
            return environ[name].split(",", 1)[0].strip() == value
    return environ.get("wsgi.url_scheme") == "https"


def takes(environ: dict) -> bool:
    """Whether this call is one for the lean path (else Django answers it)."""
    if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") not in ROUTES:
        return False
    if environ.get("QUERY_STRING"):
        return False
    c = conf()
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return False
    if length < 0 or length > c.max_body:
        return False
    if environ.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
        return False
    if c.refuse_forwarded and "HTTP_X_FORWARDED_FOR" in environ:
        return False
    if c.ssl_redirect and not _secure(environ, c):
        return False
    if c.x_forwarded_host and "HTTP_X_FORWARDED_HOST" in environ:
        return False
    host = environ.get("HTTP_HOST", "")
    # A Host Django would refuse (400) is left to Django; the few seen are remembered.
    return bool(host) and len(host) <= 255 and _host_allowed(host, c.allowed_hosts)


def headers(length: int, secure: bool) -> list[tuple[str, str]]:
    """The answer's headers: those the middleware put on every answer, for a text answer."""
    c = conf()
    rows = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(length))]
    rows += c.headers
    if secure and c.hsts:
        rows.append(("Strict-Transport-Security", c.hsts))
    return rows


class WebhookFront:
    """WSGI: the webhooks' plain calls answered here, everything else by `app` (Django)."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if not takes(environ):
            return self.app(environ, start_response)
        check, signature_header, accepted = ROUTES[environ["PATH_INFO"]]
        # What Django's request_started / request_finished do for the one connection used:
        # drop it when broken or past CONN_MAX_AGE, else keep it for the next call.
        db = connections[DEFAULT_DB_ALIAS]
        db.close_if_unusable_or_obsolete()
        try:
            body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
            try:
                status = check(body, environ.get(signature_header)).status
            except Exception:
                # The platform retries a call not answered 200: nothing is lost.
                log.exception("webhook %s could not be stored", environ["PATH_INFO"])
                status = 500
        finally:
            db.close_if_unusable_or_obsolete()
        text = accepted if status == 200 else b""
        start_response(
            REASONS.get(status, f"{status} "), headers(len(text), _secure(environ, conf()))
        )
        return [text]
