"""The thresholds of Decree 147/2024 as pure functions, with a frozen `now`."""

from __future__ import annotations

import datetime

from congdong.moderation.models import LockKind
from congdong.moderation.rules import Thresholds, clamp_lock_days, lock_due, strikes_within

NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
RULES = Thresholds(windows=((5, 30), (10, 90)), lock_days=7, permanent_after=3)


def days_ago(*days: float) -> list[datetime.datetime]:
    return [NOW - datetime.timedelta(days=d) for d in days]


def test_four_violations_in_thirty_days_bring_no_lock():
    assert lock_due(days_ago(0, 1, 2, 3), 0, NOW, rules=RULES) is None


def test_the_fifth_violation_in_thirty_days_locks_for_seven_days():
    due = lock_due(days_ago(0, 1, 2, 3, 29), 0, NOW, rules=RULES)
    assert due.kind == LockKind.TEMPORARY
    assert due.ends_at == NOW + datetime.timedelta(days=7)


def test_the_window_includes_exactly_thirty_days_and_not_a_second_more():
    assert lock_due(days_ago(0, 1, 2, 3, 30), 0, NOW, rules=RULES) is not None
    assert lock_due(days_ago(0, 1, 2, 3, 30.00001), 0, NOW, rules=RULES) is None


def test_ten_violations_in_ninety_days_lock_even_if_spread_out():
    spread = days_ago(0, 9, 18, 27, 36, 45, 54, 63, 72, 81)
    assert strikes_within(spread, 30, NOW) == 4
    assert lock_due(spread[:9], 0, NOW, rules=RULES) is None
    assert lock_due(spread, 0, NOW, rules=RULES).kind == LockKind.TEMPORARY


def test_strikes_before_the_last_lock_are_not_counted_again():
    times = days_ago(0, 1, 2, 3, 4)
    assert (
        lock_due(times, 1, NOW, last_lock_at=NOW - datetime.timedelta(days=1.5), rules=RULES)
        is None
    )


def test_after_three_temporary_locks_the_next_lock_is_permanent():
    times = days_ago(0, 1, 2, 3, 4)
    assert lock_due(times, 2, NOW, rules=RULES).kind == LockKind.TEMPORARY
    due = lock_due(times, 3, NOW, rules=RULES)
    assert due.kind == LockKind.PERMANENT and due.ends_at is None


def test_lock_length_is_kept_within_seven_to_thirty_days():
    assert [clamp_lock_days(d) for d in (1, 7, 15, 30, 90)] == [7, 7, 15, 30, 30]
    due = lock_due(days_ago(0, 1, 2, 3, 4), 0, NOW, rules=Thresholds(lock_days=30))
    assert due.ends_at == NOW + datetime.timedelta(days=30)


def test_thresholds_come_from_settings(settings):
    settings.MODERATION_LOCK_WINDOWS = [(2, 7)]
    settings.MODERATION_LOCK_DAYS = 100
    settings.MODERATION_PERMANENT_AFTER = 1
    rules = Thresholds.from_settings()
    assert rules == Thresholds(windows=((2, 7),), lock_days=30, permanent_after=1)
    assert lock_due(days_ago(0, 6), 0, NOW, rules=rules).kind == LockKind.TEMPORARY
    assert lock_due(days_ago(0, 6), 1, NOW, rules=rules).kind == LockKind.PERMANENT
