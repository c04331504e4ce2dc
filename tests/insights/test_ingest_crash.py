"""Ingestion neither loses nor double-counts: a replayed batch counts once, and a real worker
process killed with SIGKILL in the middle of flushes, then restarted, leaves exactly the
figures of the events submitted.

The crash test runs with REDIS_URL on PostgreSQL only: the worker is another process and must
see the test's database, which an in-memory SQLite database is not.
"""

from __future__ import annotations

import datetime
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from congdong import events
from congdong.events.kinds import KIND_COLUMN, SEEN_KINDS, EventKind
from congdong.insights import ingest, sketches
from congdong.insights.models import (
    COUNT_COLUMNS,
    DayCount,
    Event,
    ReachSketch,
    Span,
)
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from congdong.units.actions import do_import_structure
from congdong.units.models import Level, Unit

KINDS = [
    *[EventKind.PAGE_VIEW] * 5,
    *[EventKind.POST_VIEW] * 3,
    EventKind.FEED_SEEN,
    EventKind.REACTION,
    EventKind.COMMENT,
    EventKind.SHARE,
    EventKind.REFERRAL_OPEN,
    EventKind.FOLLOW,
    EventKind.UNFOLLOW,
]


def recent_days() -> list[datetime.date]:
    """The last three days: within the retention, so the worker's prune job keeps them."""
    today = timezone.localdate()
    return [today - datetime.timedelta(days=n) for n in (2, 1, 0)]


def bac_ninh_pages() -> list[Page]:
    """Pages for Bắc Ninh (2025), one of its wards and two of its communes."""
    if not Unit.objects.filter(structure__code="2025", code="24").exists():
        do_import_structure("2025", provinces={"24"})  # a transactional test flushed them
    province = Unit.objects.get(structure__code="2025", code="24")
    communes = list(
        Unit.objects.in_subtree(province).filter(level=Level.COMMUNE).order_by("path")[:3]
    )
    do_establish_many([province, *communes], opened_at=timezone.now())
    return list(Page.objects.filter(unit__in=[province, *communes]).order_by("unit__path"))


def made_events(pages: list[Page], n: int, seed: int) -> list[events.RawEvent]:
    """`n` events of every counted kind on `pages` over three days, from a pool of visitors
    (accounts and anonymous) that see several pages and come back."""
    chance = random.Random(seed)
    days = recent_days()
    made = []
    for _ in range(n):
        day = chance.choice(days)
        at = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(chance.randrange(24), 30))
        )
        who = chance.randrange(n // 4)
        visitor = f"u{who}" if who % 3 == 0 else f"v{who:012x}"
        made.append(
            events.make(
                chance.choice(KINDS),
                chance.choice(pages).pk,
                user_id=who if visitor.startswith("u") else None,
                visitor=visitor,
                at=at,
            )
        )
    return made


def chain(page: Page) -> list[int]:
    """The page's unit and every unit above it."""
    return [page.unit_id, *(unit.pk for unit in page.unit.get_ancestors())]


Key = tuple[int, str, str, datetime.date]  # unit, level, span, first day


def expected_counts(batch: list[events.RawEvent]) -> dict[Key, dict[str, int]]:
    """Each event counted once in the day, the month and the quarter of every unit above its
    page."""
    pages = {page.pk: page for page in Page.objects.select_related("unit")}
    chains = {page_id: chain(page) for page_id, page in pages.items()}
    counts: dict = defaultdict(lambda: dict.fromkeys(COUNT_COLUMNS, 0))
    for event in batch:
        page, day = pages[event.page_id], timezone.localdate(event.at)
        for unit_id in chains[page.pk]:
            month = day.replace(day=1)
            quarter = month.replace(month=month.month - (month.month - 1) % 3)
            for span, start in ((Span.DAY, day), (Span.MONTH, month), (Span.QUARTER, quarter)):
                counts[(unit_id, page.unit.level, span, start)][KIND_COLUMN[event.kind]] += 1
    return dict(counts)


def stored_counts() -> dict[Key, dict[str, int]]:
    return {
        (row["unit_id"], row["level"], row["span"], row["day"]): {c: row[c] for c in COUNT_COLUMNS}
        for row in DayCount.objects.values("unit_id", "level", "span", "day", *COUNT_COLUMNS)
    }


def true_viewers(batch: list[events.RawEvent]) -> dict[tuple[int, datetime.date], set[str]]:
    """The distinct people who saw each page's content on each day."""
    seen: dict = defaultdict(set)
    for event in batch:
        if event.kind in SEEN_KINDS:
            seen[(event.page_id, timezone.localdate(event.at))].add(event.visitor)
    return seen


def registers(*blobs: bytes) -> float:
    """The estimate of the union of `blobs`, each taken twice: a union of several sketches
    estimates from its registers alone, so equal registers give equal figures (a sketch
    alone would keep the estimate it accumulated while its visitors were added)."""
    return sketches.estimate(sketches.union([*blobs, *blobs]))


def assert_reach_is_of_exactly(batch: list[events.RawEvent]) -> None:
    """Each page's day sketch holds exactly the visitors who saw it: adding the true set to
    the stored sketch changes nothing (none missing), and it equals the truth's sketch."""
    unit_of = dict(Page.objects.values_list("pk", "unit_id"))
    stored = {
        (row.unit_id, row.start): bytes(row.sketch)
        for row in ReachSketch.objects.filter(own=True, span=Span.DAY)
    }
    truth = true_viewers(batch)
    assert len(stored) == len(truth)
    for (page_id, day), visitors in truth.items():
        blob = stored[(unit_of[page_id], day)]
        expected = sketches.empty()
        sketches.add(expected, visitors)
        expected_blob = sketches.dump(expected)
        assert registers(blob) == registers(blob, expected_blob) == registers(expected_blob)
        assert abs(registers(blob) - len(visitors)) <= 0.02 * len(visitors)


# --- Replay, in this process, on both databases --------------------------------------------


def test_a_batch_stored_twice_counts_once_in_the_figures_and_the_reach():
    pages = bac_ninh_pages()
    batch = made_events(pages, 2_000, seed=5)
    events.store(batch)
    once = stored_counts()
    # A replay of the whole batch, and of half of it shuffled among new events.
    events.store(batch)
    extra = made_events(pages, 300, seed=6)
    mixed = batch[:1_000] + extra
    random.Random(7).shuffle(mixed)
    events.store(mixed)
    assert once == expected_counts(batch)
    assert stored_counts() == expected_counts(batch + extra)
    assert Event.objects.count() == len(batch) + len(extra)
    assert_reach_is_of_exactly(batch + extra)


def test_each_unit_above_a_page_counts_the_pages_events_under_the_pages_level():
    pages = bac_ninh_pages()
    province, commune = pages[0], pages[1]
    at = timezone.make_aware(datetime.datetime(2026, 3, 1, 9))
    events.store([events.make(EventKind.PAGE_VIEW, commune.pk, visitor="v1", at=at)])
    rows = set(
        DayCount.objects.filter(span=Span.DAY, impressions=1).values_list("unit_id", "level")
    )
    assert rows == {(unit_id, Level.COMMUNE) for unit_id in chain(commune)}
    assert province.unit_id in {unit_id for unit_id, _level in rows}


# --- A real worker process, killed mid-flush -------------------------------------------------


@dataclass
class Kill:
    delay: float
    stored_before: int  # events in the table when the worker was killed
    left_pending: int  # stream entries it had read and not acknowledged


def database_url() -> str:
    """The URL of the test database (pytest-django's, e.g. test_test) for another process."""
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def worker_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    client = events._redis()
    client.delete(events.STREAM)
    yield dict(
        os.environ,
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        # A dead worker's entries are taken over after 1 s, not the production minute.
        CONGDONG_EVENTS_CLAIM_IDLE_MS="1000",
        CONGDONG_DATA_DIR=str(tmp_path),
    )
    client.delete(events.STREAM)


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "congdong.cli", "worker"], env=env, stdout=out, stderr=out
        )


def pending_entries(worker: subprocess.Popen | None = None) -> int:
    """Entries read from the stream and not acknowledged: all, or those of `worker`."""
    summary = events._redis().xpending(events.STREAM, ingest.GROUP)
    if worker is None:
        return int(summary["pending"])
    name = f"{socket.gethostname()}-{worker.pid}"  # as ingest._consumer() names it
    return sum(int(c["pending"]) for c in summary["consumers"] or [] if c["name"] == name)


def wait_for(condition, seconds: float, what: str, worker: subprocess.Popen | None = None):
    deadline = time.monotonic() + seconds
    while not condition():
        if worker is not None and worker.poll() is not None:
            raise AssertionError(f"the worker exited ({worker.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {seconds:g} s")
        time.sleep(0.01)


@pytest.mark.skipif(not settings.REDIS_URL, reason="the stream exists with REDIS_URL only")
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker process needs a database it can share (PostgreSQL)",
)
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_flush_and_restarted_loses_and_doubles_nothing(worker_env, tmp_path):
    pages = bac_ninh_pages()
    submitted = made_events(pages, 40_000, seed=11)
    # As web processes hand them over: many small stream entries.
    for start in range(0, len(submitted), 100):
        events.submit(submitted[start : start + 100])
    assert events._redis().xlen(events.STREAM) == 400
    ingest._ensure_group(events._redis())

    log = tmp_path / "worker.log"
    kills = []
    # (events stored first, seconds to wait then): killed while writing the first batch, at
    # once or a little later; then while writing a later batch, earlier ones committed.
    for stored_first, delay in ((0, 0.0), (0, 0.3), (10_000, 0.0), (20_000, 0.1)):
        worker = start_worker(worker_env, log)
        try:
            # Wait until it has taken entries from the stream and not yet acknowledged them:
            # it is writing them. Then kill it (mid-insert, mid-figures, or between commit and
            # acknowledgement).
            wait_for(
                lambda w=worker, n=stored_first: (
                    Event.objects.count() >= n and pending_entries(w) > 0
                ),
                60,
                "flush",
                worker,
            )
            time.sleep(delay)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        kills.append(Kill(delay, Event.objects.count(), pending_entries(worker)))

    # Kills left entries read and unacknowledged: the crashes really happened mid-flush, at
    # several points of the stream.
    assert any(kill.left_pending > 0 for kill in kills), kills
    assert kills[0].stored_before == 0 and kills[-1].stored_before >= 20_000, kills
    assert Event.objects.count() < len(submitted), "the stream was drained before any kill"

    worker = start_worker(worker_env, log)
    try:
        client = events._redis()
        wait_for(
            lambda: client.xlen(events.STREAM) == 0 and pending_entries() == 0,
            120,
            "drained stream",
            worker,
        )
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()

    assert Event.objects.count() == len(submitted)
    assert set(Event.objects.values_list("id", flat=True)) == {e.id for e in submitted}
    assert stored_counts() == expected_counts(submitted)
    assert_reach_is_of_exactly(submitted)
