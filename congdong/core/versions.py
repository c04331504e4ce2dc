"""Version numbers for cached reads: a read that is costly to make (a dashboard's figures, the
people's situation) is cached under the current version of what it is made from; every write
to that bumps the version, so the next read misses and is made afresh. Nothing is deleted:
old entries are no longer asked for and expire.

Versions live in the Django cache: shared by every process with Redis (REDIS_URL), so a write
in one process is seen by the others at once; per process with the embedded LocMem cache, where
a write made by another process (a separate worker) is seen when the entry expires — callers
keep their entries for a short time for that reason.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction

PREFIX = "congdong:version:"


def _fresh() -> int:
    # A version lost from the cache (evicted, Redis restarted) restarts from the clock, past
    # any number it reached before, so no old entry can match it again.
    return time.time_ns() // 1000


def current(name: str) -> int:
    """The version of `name` (made on first use)."""
    key = PREFIX + name
    found = cache.get(key)
    if found is None:
        cache.add(key, _fresh(), timeout=None)
        found = cache.get(key)
    return int(found or 0)


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not in the cache: any fresh value differs from the one reads used
        if not cache.add(key, _fresh(), timeout=None):
            cache.incr(key)


def bump(name: str) -> None:
    """`name` changed: now, and again once the transaction commits (a read made between the
    two saw the data before the commit, and is cached under a version the second bump leaves
    behind)."""
    key = PREFIX + name
    _bump(key)
    transaction.on_commit(lambda: _bump(key))
