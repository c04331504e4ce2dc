"""Who is looking, as far as the metrics need to know: an account, or an anonymous visitor
under a salted id that changes every day (no cookie, nothing to link one day to the next).

Do Not Track, Global Privacy Control and our opt-out cookie are respected (Law 91/2025): no
event is recorded for such a visitor.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from congdong.core.web import client_ip

OPT_OUT_COOKIE = "cd_khong_theo_doi"


def tracking_allowed(request: HttpRequest) -> bool:
    if request.headers.get("DNT") == "1" or request.headers.get("Sec-GPC") == "1":
        return False
    return request.COOKIES.get(OPT_OUT_COOKIE) != "1"


def daily_salt(day: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"visitor-salt:{day}".encode(), "sha256").digest()


def visitor_key(request: HttpRequest) -> str:
    """ "u<id>" for a signed-in account; else "v<hash>" of today's salt, address and browser."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    day = timezone.localdate().isoformat()
    seen = f"{client_ip(request)}|{request.headers.get('User-Agent', '')}".encode()
    return "v" + hmac.new(daily_salt(day), seen, hashlib.sha256).hexdigest()[:31]
