"""Rate limits kept in the cache (Redis at scale, shared by every process).

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

    The window slides (see below): there is no minute boundary at which a whole allowance
    comes back, so no burst gets twice the limit across it.
    """
    wait = allow(scope, who, limit, window)
    if wait:
        raise RateLimited(
            ngettext(
                "Too many %(what)s: at most %(limit)d a minute. Try again in %(wait)d second.",
                "Too many %(what)s: at most %(limit)d a minute. Try again in %(wait)d seconds.",
                wait,
            )
            % {"what": what or _("requests"), "limit": limit, "wait": wait},
            retry_after=wait,
        )


def allow(scope: str, who: object, limit: int, window: int = 60) -> int:
    """Count one request; 0 if it is within `limit`, else the seconds to wait (Retry-After).

    Of N parallel callers exactly `limit` get 0 in one window, whichever process they run in
    (Redis) or thread (local memory); a refused request is not counted.
    """
    return sliding_take(scope, who, limit, window)


# ---------------------------------------------------------------- sliding windows
# Every limit is counted in a window that slides: it is cut into SLICES slots
# and the count is the sum of the last SLICES of them, so a failure is forgotten between
# window × (SLICES − 1) / SLICES and window after it happened, whatever the clock says — no
# boundary where a whole window's allowance comes back at once (with fixed windows a guesser
# gets twice the limit across an edge).
SLICES = 10


def _slots(scope: str, who: object, window: int, now: float) -> tuple[float, int, list[str]]:
    step = window / SLICES
    slot = int(now // step)
    return step, slot, [f"rls:{scope}:{who}:{s}" for s in range(slot - SLICES + 1, slot + 1)]


def _incr(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1


def _decr(key: str, timeout: int) -> None:
    try:
        if cache.decr(key) < 0:
            cache.set(key, 0, timeout=timeout)
    except ValueError:  # expired: nothing left to take back
        pass


def sliding_count(scope: str, who: object, window: int) -> int:
    """What `who` has used of `scope` in the sliding `window` (seconds), without counting."""
    _step, _slot, keys = _slots(scope, who, window, time.time())
    return sum(int(v) for v in cache.get_many(keys).values())


def sliding_take(scope: str, who: object, limit: int | None, window: int) -> int:
    """Count one use in the sliding window: 0 if the sum stays within `limit` (None: no
    limit), else the seconds until enough of the past slides out for one more (Retry-After).

    The current slot is counted by an atomic add + incr before the older slots (which no longer
    change) are read, so of N parallel callers exactly `limit − used` get 0. A refused use is
    taken back at once: it never counts, so hammering does not keep the window full.
    """
    now = time.time()
    step, slot, keys = _slots(scope, who, window, now)
    timeout = int(window) + 5
    mine = _incr(keys[-1], timeout)
    older = cache.get_many(keys[:-1])
    if limit is None or sum(int(v) for v in older.values()) + mine <= limit:
        return 0
    _decr(keys[-1], timeout)
    # The oldest slots leave first: wait until the count without this try is under the limit.
    left = sum(int(v) for v in older.values()) + mine - 1
    for offset, key in enumerate(keys):
        left -= int(older.get(key, 0)) if key != keys[-1] else mine - 1
        if left < limit:
            leaves = (slot - SLICES + 1 + offset + SLICES) * step
            return max(1, int(leaves - now) + 1)
    return max(1, int(window))


def sliding_give_back(scope: str, who: object, window: int) -> None:
    """Take back one use counted by `sliding_take` a moment ago (a try that succeeded). When
    the slot turned in between, the use is in the slot before."""
    _step, _slot, keys = _slots(scope, who, window, time.time())
    timeout = int(window) + 5
    try:
        if cache.decr(keys[-1]) >= 0:
            return
        cache.set(keys[-1], 0, timeout=timeout)
    except ValueError:
        pass
    _decr(keys[-2], timeout)
