"""Fixed-window rate limits kept in the cache (Redis at scale, shared by every process).

In the embedded default the cache is in-process memory: limits are then per process, which is
what one laptop runs anyway.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congdong.core.errors import ActionError


class RateLimited(ActionError):
    """Over a limit: HTTP 429, with the seconds to wait in `retry_after`."""

    def __init__(self, message: str, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field, status=429)
        self.retry_after = retry_after


def hit(scope: str, who: object, limit: int, window: int = 60, what: str | None = None) -> None:
    """Count one use of `scope` by `who`; raise RateLimited past `limit` per `window` seconds.

    cache.add + cache.incr are atomic in Redis and in the local-memory cache, so parallel
    requests cannot all slip under the limit.
    """
    now = time.time()
    slot = int(now // window)
    key = f"rl:{scope}:{who}:{slot}"
    cache.add(key, 0, timeout=window + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        used = 1
    if used > limit:
        wait = max(1, int((slot + 1) * window - now) + 1)
        raise RateLimited(
            ngettext(
                "Too many %(what)s: at most %(limit)d a minute. Try again in %(wait)d second.",
                "Too many %(what)s: at most %(limit)d a minute. Try again in %(wait)d seconds.",
                wait,
            )
            % {"what": what or _("requests"), "limit": limit, "wait": wait},
            retry_after=wait,
        )


# ---------------------------------------------------------------- failures and per-request limits
# Failed staff logins: each try is counted before the password is checked (`allow`), and a
# success gives its count back (`give_back`), so only failures stay counted.


def _window_key(scope: str, who: object, window: int, now: float) -> tuple[str, int]:
    slot = int(now // window)
    wait = max(1, int((slot + 1) * window - now) + 1)
    return f"rl:{scope}:{who}:{slot}", wait


def give_back(scope: str, who: object, window: int) -> None:
    """Take back one use counted by `allow` in the current window (a try that succeeded)."""
    key, _wait = _window_key(scope, who, window, time.time())
    try:
        if cache.decr(key) < 0:
            cache.set(key, 0, timeout=window + 5)
    except ValueError:  # the window ended in between: nothing left to take back
        pass


def allow(scope: str, who: object, limit: int, window: int = 60) -> int:
    """Count one request; 0 if it is within `limit`, else the seconds to wait (Retry-After).

    The same atomic add + incr as `hit`, without the message: of N parallel callers exactly
    `limit` get 0 in one window, whichever process they run in (Redis) or thread (local memory).
    """
    now = time.time()
    key, wait = _window_key(scope, who, window, now)
    cache.add(key, 0, timeout=window + 5)
    try:
        used = cache.incr(key)
    except ValueError:
        cache.add(key, 1, timeout=window + 5)
        used = 1
    return wait if used > limit else 0
