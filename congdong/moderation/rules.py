"""The thresholds of Decree 147/2024 as pure functions: given the times of an account's
strikes and its past locks, what lock (if any) a new strike brings. No database, no clock:
`now` is always passed in, so every edge is tested with a frozen time."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from congdong.moderation.models import LockKind


@dataclass(frozen=True)
class Thresholds:
    # (violations, days): a temporary lock when the account has at least `violations` strikes
    # within the last `days` days. 5 in 30 or 10 in 90 by default.
    windows: tuple[tuple[int, int], ...] = ((5, 30), (10, 90))
    lock_days: int = 7
    permanent_after: int = 3  # temporary locks; the next lock due is permanent

    @classmethod
    def from_settings(cls) -> Thresholds:
        return cls(
            windows=tuple(tuple(w) for w in settings.MODERATION_LOCK_WINDOWS),
            lock_days=clamp_lock_days(settings.MODERATION_LOCK_DAYS),
            permanent_after=settings.MODERATION_PERMANENT_AFTER,
        )


def clamp_lock_days(days: int) -> int:
    """A temporary lock lasts 7 to 30 days (the decree's range), whatever was configured."""
    return max(7, min(30, int(days)))


@dataclass(frozen=True)
class LockDue:
    kind: LockKind
    ends_at: datetime.datetime | None
    reason: str


def strikes_within(
    strike_times: Sequence[datetime.datetime], days: int, now: datetime.datetime
) -> int:
    """Strikes in the `days` days up to `now` (both ends included)."""
    since = now - datetime.timedelta(days=days)
    return sum(1 for at in strike_times if since <= at <= now)


def lock_due(
    strike_times: Sequence[datetime.datetime],
    temporary_locks: int,
    now: datetime.datetime,
    last_lock_at: datetime.datetime | None = None,
    rules: Thresholds | None = None,
) -> LockDue | None:
    """The lock a new strike brings, given every counted strike (the new one included).

    Strikes before the last lock began were already punished by it: they are not counted
    again, otherwise the strike after a lock would lock the account at once once more.
    After `permanent_after` temporary locks, the next lock due is permanent."""
    rules = rules or Thresholds.from_settings()
    counted = [at for at in strike_times if last_lock_at is None or at > last_lock_at]
    for violations, days in rules.windows:
        n = strikes_within(counted, days, now)
        if n >= violations:
            reason = f"{n} violations in {days} days"
            if temporary_locks >= rules.permanent_after:
                return LockDue(LockKind.PERMANENT, None, reason)
            return LockDue(
                LockKind.TEMPORARY, now + datetime.timedelta(days=rules.lock_days), reason
            )
    return None
