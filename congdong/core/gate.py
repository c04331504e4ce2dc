"""What a request must be before any view reads it: a body within the caps, and a proxy setup
that lets per-address limits see the real client (issue 15).

- Body: `Content-Length` above MAX_UPLOAD_BYTES (multipart uploads) or MAX_BODY_BYTES
  (anything else: JSON, forms, beacons) is answered 413 with a message in the visitor's
  language, JSON under /api/ — never Django's bare 400 for RequestDataTooBig, nor a 500.
  A body sent without a length (chunked) is read by Django as empty under WSGI, so it cannot
  go round the check; the reverse proxy should cap bodies too (docs/operations.md).
- Proxy: in production (CONGDONG_HTTPS, so behind a TLS-terminating proxy) a request that
  carries `X-Forwarded-For` while CONGDONG_TRUSTED_PROXIES is empty means every client looks
  like the proxy: one person's failures would lock everyone out, and logs name the proxy.
  The app then refuses to serve (503, logged as critical) until the operator sets it;
  `congdong check --deploy` says so before the start (congdong/core/checks.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from congdong.core.web import trusted_proxies

logger = logging.getLogger(__name__)

Handler = Callable[[HttpRequest], HttpResponse]


def body_cap(request: HttpRequest) -> int:
    """The most bytes this request's body may have."""
    if request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
        return settings.MAX_UPLOAD_BYTES
    return settings.MAX_BODY_BYTES


def proxy_unconfigured(request: HttpRequest) -> bool:
    return bool(settings.HTTPS and "HTTP_X_FORWARDED_FOR" in request.META and not trusted_proxies())


class RequestGateMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if proxy_unconfigured(request):
            logger.critical(
                "X-Forwarded-For arrived but CONGDONG_TRUSTED_PROXIES is empty: set it to the "
                "reverse proxy's addresses (docs/operations.md); refusing requests until then"
            )
            return _answer(
                request,
                503,
                _(
                    "The site is not configured correctly behind its proxy and cannot serve "
                    "requests now. Please tell the site's administrator."
                ),
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a body as empty
        cap = body_cap(request)
        if length > cap:
            return _too_large(request, cap)
        return self.get_response(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a multipart form whose fields (not files) pass DATA_UPLOAD_MAX_MEMORY_SIZE
    is only found too big while Django parses it; that too is a 413 with our message."""
    if isinstance(exception, RequestDataTooBig):
        return _too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return defaults.bad_request(request, exception)


def _too_large(request: HttpRequest, cap: int) -> HttpResponse:
    return _answer(
        request,
        413,
        _("The request is too large: at most %(limit)s MB can be sent at once.")
        % {"limit": f"{cap / 1_000_000:g}"},
    )


def _answer(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    wants_json = request.path.startswith("/api/") or "json" in request.META.get("CONTENT_TYPE", "")
    if wants_json:
        return JsonResponse({"detail": detail}, status=status)
    return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")
