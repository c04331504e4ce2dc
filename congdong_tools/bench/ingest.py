"""ingest: events/s through our ingestion (make + submit, Redis) vs a minimal Redis pipeline.

Goals (issue 5 §9), on this machine: batched events through our path — `events.make` and
`events.submit` in batches of 500, which XADDs each batch to the stream and adds it to the
live counters (HINCRBY) and reach (PFADD) in one pipeline — at ≥ 50 % of the events/s of a
minimal Redis pipeline doing the same PFADD + HINCRBY for the same events, grouped the same
way, in the same run; and ≥ 10,000 events/s. Also measured: the flush, stream → database
(`events.flush()`: raw rows, per-day figures, reach sketches), in events/s.

Needs Redis: `--redis-url`, else REDIS_URL, else redis://127.0.0.1:6379/14. Everything the
bench writes there is under its own keys (the stream is renamed for the run, the live keys
are of days in 2001) and deleted afterwards — but for the public-page cache version, which
opening the run's pages bumps (the cache is in Redis too). The database is a throwaway SQLite
file unless `--database-url` is given.
"""

from __future__ import annotations

import datetime
import json
import random
import sys
import tempfile
import time
import urllib.parse
from collections import Counter, defaultdict

from congdong.config import load
from congdong_tools.bench import steps
from congdong_tools.bench.report import Report

GOAL_OVER_MINIMAL = 0.50
GOAL_EVENTS_PER_SECOND = 10_000
EVENTS = 200_000
BATCH = 500
PAGES = 100
VISITORS = 50_000
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
PREFIX = "congdong-bench:"
# Days whose live keys no real deployment has (they expire after two days anyway).
FIRST_DAY = datetime.date(2001, 1, 1)
DAYS = 7


def run(
    database_url: str | None,
    progress,
    events: int = EVENTS,
    redis_url: str | None = None,
) -> Report:
    redis_url = redis_url or load().redis_url or DEFAULT_REDIS
    shown = _without_password(redis_url)
    figures: dict[str, float | int | str] = {"redis": shown}
    report = Report("ingest", figures)
    goals = (
        "ours ≥ 50 % of the minimal Redis pipeline",
        "ours ≥ 10,000 events/s",
    )
    problem = _redis_problem(redis_url)
    if problem:
        progress(f"Redis is unreachable at {shown}: {problem}")
        figures["error"] = f"Redis unreachable at {shown}: {problem}"
        report.goals = dict.fromkeys(goals, False)
        return report
    with tempfile.TemporaryDirectory() as tmp:
        env = steps.scratch_env(
            tmp,
            database_url,
            REDIS_URL=redis_url,
            CONGDONG_EVENTS_FLUSH_SECONDS="0",
            CONGDONG_DEBUG="0",
        )
        steps.migrate(env, progress)
        progress(f"{events:,} events on {PAGES} pages, in batches of {BATCH}…")
        figures |= steps.child("congdong_tools.bench.ingest", env, "measure", str(events))
    figures["peak_rss_mb"] = steps.peak_rss_mb()
    figures["database"] = "sqlite" if not database_url else database_url.split(":", 1)[0]
    report.goals[goals[0]] = figures["ours_over_minimal"] >= GOAL_OVER_MINIMAL
    report.goals[goals[1]] = figures["ours_events_per_s"] >= GOAL_EVENTS_PER_SECOND
    return report


def _without_password(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.password:
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=f"{parts.username or ''}:***@{host}")
    return urllib.parse.urlunsplit(parts)


def _redis_problem(url: str) -> str:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as error:  # any failure means: no Redis to measure
        return str(error) or type(error).__name__
    return ""


# --- the child step, against the throwaway database and the scratch keys --------------------


def _pages() -> list[int]:
    from django.utils import timezone

    from congdong.pages.actions import do_establish_many
    from congdong.pages.models import Page
    from congdong.units.actions import do_import_structure
    from congdong.units.models import Unit

    steps.say("importing a small unit tree (Bắc Ninh, 2025) and opening pages…")
    do_import_structure("2025", provinces={"24"})
    units = list(Unit.objects.filter(structure__code="2025").order_by("path")[:PAGES])
    do_establish_many(units, opened_at=timezone.now())
    return list(Page.objects.order_by("pk").values_list("pk", flat=True))


def _made_up(n: int, pages: list[int]) -> list[tuple[str, int, str, datetime.datetime]]:
    """`n` (kind, page id, visitor, time) of a public site's mix: mostly views, from a pool
    of visitors who come back, over a week."""
    from django.utils import timezone

    from congdong.events import EventKind

    kinds = [
        *[EventKind.PAGE_VIEW] * 30,
        *[EventKind.POST_VIEW] * 30,
        *[EventKind.FEED_SEEN] * 30,
        *[EventKind.REACTION] * 4,
        EventKind.COMMENT,
        EventKind.SHARE,
        EventKind.REFERRAL_OPEN,
        EventKind.FOLLOW,
    ]
    chance = random.Random(2022)
    start = timezone.make_aware(datetime.datetime.combine(FIRST_DAY, datetime.time()))
    made = []
    for _ in range(n):
        who = chance.randrange(VISITORS)
        made.append(
            (
                chance.choice(kinds),
                chance.choice(pages),
                f"u{who}" if who % 4 == 0 else f"v{who:012x}",
                start + datetime.timedelta(seconds=chance.randrange(DAYS * 86_400)),
            )
        )
    return made


def _minimal(client, made: list[tuple]) -> float:
    """The least a Redis-backed counter can do for these events, in seconds: for each batch,
    the same grouping as `live.add` (one HINCRBY per page, day and column, one PFADD per page
    and day, their EXPIREs) in one pipeline; the day comes precomputed."""
    from congdong.events.kinds import KIND_COLUMN, SEEN_KINDS

    local = [(kind, page, visitor, f"{at:%Y%m%d}") for kind, page, visitor, at in made]
    started = time.perf_counter()
    for start in range(0, len(local), BATCH):
        counts: Counter[tuple[int, str, str]] = Counter()
        visitors: dict[tuple[int, str], set[str]] = defaultdict(set)
        for kind, page, visitor, day in local[start : start + BATCH]:
            counts[(page, day, KIND_COLUMN[kind])] += 1
            if kind in SEEN_KINDS:
                visitors[(page, day)].add(visitor)
        with client.pipeline(transaction=False) as pipe:
            for (page, day, column), n in counts.items():
                pipe.hincrby(f"{PREFIX}live:{day}:{page}", column, n)
            for (page, day), seen in visitors.items():
                pipe.pfadd(f"{PREFIX}reach:{day}:{page}", *seen)
            for page, day in {(page, day) for page, day, _column in counts}:
                pipe.expire(f"{PREFIX}live:{day}:{page}", 3600)
                pipe.expire(f"{PREFIX}reach:{day}:{page}", 3600)
            pipe.execute()
    return time.perf_counter() - started


def _ours(made: list[tuple]) -> float:
    """Our ingestion for the same events, in seconds: make + submit per batch."""
    from congdong import events

    started = time.perf_counter()
    for start in range(0, len(made), BATCH):
        events.submit(
            [
                events.make(kind, page, visitor=visitor, at=at)
                for kind, page, visitor, at in made[start : start + BATCH]
            ]
        )
    return time.perf_counter() - started


def _clean(client, pages: list[int]) -> None:
    from congdong import events
    from congdong.events import live

    keys = [events.STREAM, *client.keys(f"{PREFIX}*")]
    for n in range(DAYS + 1):
        day = FIRST_DAY + datetime.timedelta(days=n)
        keys += [live.counter_key(page, day) for page in pages]
        keys += [live.reach_key(page, day) for page in pages]
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def _measure(n: int) -> None:
    steps.setup_django()
    from congdong import events
    from congdong.insights.models import Event

    # The run's own stream, so nothing of a real deployment's is read or written.
    events.STREAM = f"{PREFIX}events"
    pages = _pages()
    client = events._redis()
    _clean(client, pages)
    try:
        warm = _made_up(5_000, pages)
        _minimal(client, warm)
        _ours(warm)
        events.flush()
        Event.objects.all().delete()
        made = _made_up(n, pages)
        steps.say("minimal pipeline…")
        minimal_seconds = _minimal(client, made)
        steps.say("our ingestion (make + submit)…")
        ours_seconds = _ours(made)
        if events.pending():
            raise RuntimeError(f"{events.pending()} events fell back to the process buffer")
        entries = client.xlen(events.STREAM)
        steps.say("flush: stream → database…")
        started = time.perf_counter()
        flushed = 0
        while done := events.flush():
            flushed += done
        flush_seconds = time.perf_counter() - started
        stored = Event.objects.count()
        if stored != n:
            raise RuntimeError(f"{stored} events stored of {n}")
    finally:
        _clean(client, pages)
    print(
        json.dumps(
            {
                "events": n,
                "batch": BATCH,
                "pages": len(pages),
                "visitors_pool": VISITORS,
                "stream_entries": entries,
                "minimal_events_per_s": round(n / minimal_seconds),
                "ours_events_per_s": round(n / ours_seconds),
                "ours_over_minimal": round(minimal_seconds / ours_seconds, 3),
                "flush_events_per_s": round(flushed / flush_seconds),
                "flush_seconds": round(flush_seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "measure":
        _measure(int(sys.argv[2]))
    else:
        sys.exit("usage: python -m congdong_tools.bench.ingest measure EVENTS")
