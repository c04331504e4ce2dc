"""Who is looking, as far as the metrics need to know: an account, or an anonymous visitor
under a salted id that changes every day (no cookie, nothing to link one day to the next).

An anonymous visitor is their network address (`core.web.client_network`: the IPv4 address,
the /64 of an IPv6 one) and nothing else: not the User-Agent, a cookie or any header, which a
script changes for free on every request (one address with 40 User-Agents once made 40
"people"). People sharing one address (a household, an office, a carrier's NAT) count as one
anonymous visitor a day: figures err low rather than be bought. Signed-in accounts count one
each.

The day's salt is random and lives only in the cache (Redis at scale, shared by every process),
for a day and a half: once it is gone, not even we can recompute which address and browser a
past day's id stood for, so ids of different days cannot be linked. (A salt derived from the
secret key could be recomputed for any past day by whoever holds the key.)

Do Not Track, Global Privacy Control and our opt-out cookie are respected (Law 91/2025): no
event is recorded for such a visitor, signed in or not.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import threading

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from congdong.core.web import client_network

OPT_OUT_COOKIE = "cd_khong_theo_doi"
OPT_OUT_MAX_AGE = 365 * 24 * 3600
SALT_SECONDS = 36 * 3600  # the whole day, plus slack for clocks and late events

# This process's copy of the recent days' salts: after the first request of a day the salt
# costs no cache round trip.
_salts: dict[str, bytes] = {}
_salts_lock = threading.Lock()


def tracking_allowed(request: HttpRequest) -> bool:
    """False when the browser sends Do Not Track or Global Privacy Control, or the person
    opted out on /quyen-rieng-tu/ (cookie)."""
    if request.headers.get("DNT") == "1" or request.headers.get("Sec-GPC") == "1":
        return False
    return request.COOKIES.get(OPT_OUT_COOKIE) != "1"


def daily_salt(day: datetime.date) -> bytes:
    """The random salt of `day`, the same in every process that shares the cache.

    In the embedded default the cache is this process's memory, which is the one process a
    laptop runs; several web processes without Redis would each have their own salt (the same
    visitor counted once per process in reach).
    """
    key = day.isoformat()
    salt = _salts.get(key)
    if salt is None:
        # add-then-get: the first process to ask makes the salt, every later one reads it.
        made = cache.get_or_set(f"insights:salt:{key}", secrets.token_hex(32), SALT_SECONDS)
        salt = bytes.fromhex(made)
        with _salts_lock:
            for old in sorted(_salts)[:-2]:  # keep yesterday's and today's only
                del _salts[old]
            _salts[key] = salt
    return salt


def visitor_key(request: HttpRequest, day: datetime.date | None = None) -> str:
    """ "u<id>" for a signed-in account; else "v<hash>" of the day's salt and the network
    address: one anonymous visitor per address per day, whatever the browser says.

    `day` defaults to today in Vietnam time.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    day = day or timezone.localdate()
    seen = (client_network(request) or "").encode()
    return "v" + hmac.new(daily_salt(day), seen, hashlib.sha256).hexdigest()[:31]
