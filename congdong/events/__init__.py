"""Recording events: the one entry point for events from the public site (views, the beacon,
actions, the API). An app that records imports this and nothing of insights.

`record()` is all a caller needs. It never raises, never waits on the database, and costs no
query on the request path:

- **Embedded default** (no REDIS_URL): the event goes into this process's buffer, a list behind
  a lock. The buffer is handed to the storage with one batch by `flush()`: from a flusher
  thread of this process (every `EVENTS_FLUSH_SECONDS`, or at once when it holds
  `EVENTS_BUFFER` events), from the worker's `flush-events` job, and at process exit.
- **At scale** (REDIS_URL set): one XADD to the Redis stream `congdong:events`, with today's
  live counters and reach (`live`) in the same pipeline. The worker job drains the stream
  into the storage; every event carries its id from the moment it was made, so a batch stored
  twice (a replay, a worker killed before acknowledging) inserts nothing twice.

The storage is insights' (the `Event` rows, the per-day figures, the reach sketches, reading
the stream): it stands above every app that records, so it plugs itself in as `sink` in
`InsightsConfig.ready()`, as accounts fills in `core.security.key_owner`.
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import datetime
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest
from django.utils import timezone

from congdong.events import live
from congdong.events.kinds import EventKind, uuid7
from congdong.events.visitors import tracking_allowed, visitor_key

__all__ = [
    "EventKind",
    "RawEvent",
    "Sink",
    "flush",
    "make",
    "muted",
    "record",
    "record_many",
    "store",
    "submit",
    "uuid7",
]

logger = logging.getLogger(__name__)

# The Redis stream submit() appends to (insights' drain reads it through this name, which the
# benchmarks and the scenario change to keep their events apart).
STREAM = "congdong:events"
# How far the buffer may grow past EVENTS_BUFFER while the database cannot be written.
BUFFER_CAP_FACTOR = 100
# After Redis failed, record() skips it for this long (the buffer takes the events).
REDIS_PAUSE_SECONDS = 10.0


class RawEvent(NamedTuple):
    """An event as buffered and streamed, before it is a row."""

    id: uuid.UUID
    kind: str
    page_id: int
    post_id: int | None
    user_id: int | None
    visitor: str
    at: datetime.datetime

    def packed(self) -> list:
        """As one item of a Redis stream entry (short, JSON-friendly)."""
        return [
            self.id.hex,
            self.kind,
            self.page_id,
            self.post_id,
            self.user_id,
            self.visitor,
            int(self.at.timestamp() * 1_000_000),
        ]

    @classmethod
    def unpacked(cls, item: list) -> RawEvent:
        event_id, kind, page_id, post_id, user_id, visitor, micros = item
        return cls(
            uuid.UUID(hex=event_id),
            str(kind),
            int(page_id),
            None if post_id is None else int(post_id),
            None if user_id is None else int(user_id),
            str(visitor or ""),
            datetime.datetime.fromtimestamp(micros / 1_000_000, tz=datetime.UTC),
        )


class Sink(NamedTuple):
    """Where events go from the buffer and the stream: insights' storage."""

    # Store a batch, all of it or nothing, skipping ids already stored (a replay stores
    # nothing twice).
    store: Callable[[list[RawEvent]], object]
    # Move what waits in the Redis stream into storage; returns how many events.
    drain: Callable[[], int]


# Set by InsightsConfig.ready(); None only where insights is not installed (nothing is stored).
sink: Sink | None = None


def make(
    kind: EventKind | str,
    page_id: int,
    *,
    post_id: int | None = None,
    user_id: int | None = None,
    visitor: str = "",
    at: datetime.datetime | None = None,
) -> RawEvent:
    """An event with its id, for `submit()`: the path for callers that build many at once."""
    return RawEvent(uuid7(), str(kind), page_id, post_id, user_id, visitor, at or timezone.now())


def record(
    request: HttpRequest | None,
    kind: EventKind,
    *,
    page_id: int,
    post_id: int | None = None,
    user_id: int | None = None,
    visitor: str | None = None,
    at: datetime.datetime | None = None,
) -> None:
    """Record one event; never raises and never waits on analytics.

    With `request`: the visitor is the signed-in account or today's anonymous id, and nothing
    is recorded when the person does not allow tracking (Do Not Track, Global Privacy Control,
    our opt-out cookie) or the browser is only prefetching. Without it (actions that already
    know who acted): `user_id`, or `visitor` if the caller has an anonymous visitor's key.
    `at` (default now) is for loading history: the demo and the 2022 scenario.
    """
    record_many(request, kind, [(page_id, post_id)], user_id=user_id, visitor=visitor, at=at)


def record_many(
    request: HttpRequest | None,
    kind: EventKind,
    items: Iterable[tuple[int, int | None]],
    *,
    user_id: int | None = None,
    visitor: str | None = None,
    at: datetime.datetime | None = None,
) -> None:
    """Record one event of `kind` per (page id, post id) in `items`, as `record()` does, with
    one Redis round trip for all of them."""
    try:
        if request is not None:
            if not tracking_allowed(request) or _prefetch(request):
                return
            visitor = visitor_key(request)
            if user_id is None and visitor.startswith("u"):
                user_id = int(visitor[1:])
        elif visitor is None:
            visitor = f"u{user_id}" if user_id is not None else ""
        now = at or timezone.now()
        made = [
            RawEvent(
                uuid7(),
                str(kind),
                int(page),
                None if post is None else int(post),
                user_id,
                visitor,
                now,
            )
            for page, post in items
        ]
        if made:
            submit(made)
    except Exception:
        logger.exception("events: could not record %s events", kind)


_muted: contextvars.ContextVar[bool] = contextvars.ContextVar("events_muted", default=False)


@contextlib.contextmanager
def muted() -> Iterator[None]:
    """Within it, events recorded in this context are dropped, not buffered nor streamed.

    For loading data whose events are replayed from its rows afterwards (the demo's set-up,
    then `demo.insights.ensure_history`): kept, they would be counted twice, and a flusher
    thread writing them beside the loader made the replay's "already loaded" check race."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def submit(made: list[RawEvent]) -> None:
    """Hand over events made by `make()` (or `record_many`): with Redis, one round trip that
    appends them to the stream as one entry and adds them to today's live counters and reach
    (`live`); else this process's buffer. Consent is the caller's to check."""
    if _muted.get():
        return
    if settings.REDIS_URL and time.monotonic() >= _state.redis_paused_until:
        try:
            with _redis().pipeline(transaction=False) as pipe:
                pipe.xadd(
                    STREAM,
                    {"e": json.dumps([event.packed() for event in made], separators=(",", ":"))},
                    maxlen=settings.EVENTS_STREAM_MAXLEN,
                    approximate=True,
                )
                live.add(pipe, made)
                pipe.execute()
            return
        except Exception:
            # Redis is down or slow: keep the events here and leave Redis alone for a while,
            # so requests do not each wait for its timeout. (A pipeline that failed half way
            # may have added some: they are added again here, and stored once.)
            _state.redis_paused_until = time.monotonic() + REDIS_PAUSE_SECONDS
            logger.warning("events: Redis unavailable, buffering in process", exc_info=True)
    for event in made:
        _buffer(event)


def _prefetch(request: HttpRequest) -> bool:
    # Link prefetching and prerendering fetch pages nobody may look at.
    purpose = request.headers.get("Sec-Purpose") or request.headers.get("Purpose") or ""
    return "prefetch" in purpose


# --- The in-process buffer ---------------------------------------------------------------------


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: list[RawEvent] = []
        self.wake = threading.Event()
        self.flusher: threading.Thread | None = None
        self.dropped_warned_at = 0.0
        self.redis_paused_until = 0.0
        self.redis_client: object | None = None


_state = _State()


def _buffer(event: RawEvent) -> None:
    size = settings.EVENTS_BUFFER
    with _state.lock:
        if len(_state.pending) >= size * BUFFER_CAP_FACTOR:
            # The database has not taken events for a long while: drop rather than let the
            # web process run out of memory.
            if time.monotonic() - _state.dropped_warned_at > 60:
                _state.dropped_warned_at = time.monotonic()
                logger.error("events: buffer full (%d), dropping events", len(_state.pending))
            return
        _state.pending.append(event)
        full = len(_state.pending) >= size
    if settings.EVENTS_FLUSH_SECONDS > 0:
        _ensure_flusher()
        if full:
            _state.wake.set()


def _ensure_flusher() -> None:
    if _state.flusher is not None and _state.flusher.is_alive():
        return
    with _state.lock:
        if _state.flusher is not None and _state.flusher.is_alive():
            return
        _state.flusher = threading.Thread(
            target=_flush_forever, name="congdong-events-flusher", daemon=True
        )
        _state.flusher.start()


def _flush_forever() -> None:
    """The flusher thread: writes the buffer every few seconds, or at once when it is full.

    Off the request threads, so no request waits for (or counts the queries of) a write. It
    ends when EVENTS_FLUSH_SECONDS becomes 0 (the thread off: the buffer is left to `flush()`
    and the worker job), and the next event recorded with a period starts it again.
    """
    from django.db import close_old_connections

    while True:
        period = settings.EVENTS_FLUSH_SECONDS
        if period > 0:
            _state.wake.wait(period)
            _state.wake.clear()
        if settings.EVENTS_FLUSH_SECONDS <= 0:
            with _state.lock:
                if _state.flusher is threading.current_thread():
                    _state.flusher = None
            return
        close_old_connections()
        try:
            flush_buffer()
        except OperationalError as error:
            # The database is busy (SQLite: another writer held it past the timeout): the
            # batch is back in the buffer and the next round writes it. One line, no traceback.
            logger.warning("events: flush postponed (%s), will retry", error)
        except Exception:
            logger.warning("events: flush failed, will retry", exc_info=True)


def pending() -> int:
    """How many events this process holds unwritten."""
    return len(_state.pending)


def flush_buffer() -> int:
    """Write this process's buffered events; returns how many were in the batch.

    On failure the batch goes back to the front of the buffer and the error is raised.
    """
    with _state.lock:
        batch, _state.pending = _state.pending, []
    if not batch:
        return 0
    try:
        store(batch)
    except Exception:
        with _state.lock:
            _state.pending[:0] = batch
        raise
    return len(batch)


def store(batch: Iterable[RawEvent]) -> int:
    """Store `batch` now (`sink`: insights inserts the rows, skipping ids already stored, and
    adds the new events to the per-day figures and reach sketches, all in one transaction);
    returns the batch size.

    Safe to call again with the same events: a replay inserts and counts nothing twice.
    """
    if sink is None:
        raise RuntimeError("events: no storage is plugged in (congdong.insights)")
    batch = list(batch)
    sink.store(batch)
    return len(batch)


def flush() -> int:
    """Write everything waiting: this process's buffer, then (with Redis) the stream.

    Returns how many events were handled. The worker job `flush-events` calls this.
    """
    done = flush_buffer()
    if settings.REDIS_URL and sink is not None:
        done += sink.drain()
    return done


# --- Redis -------------------------------------------------------------------------------------


def _redis():  # -> redis.Redis
    """This process's Redis client, for the stream and the live counters (also insights')."""
    client = _state.redis_client
    if client is None:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL,
            decode_responses=True,
            # A request gives up on Redis quickly rather than wait for it.
            socket_timeout=0.5,
            socket_connect_timeout=0.5,
            health_check_interval=30,
        )
        _state.redis_client = client
    return client


# --- Process life ------------------------------------------------------------------------------


def _flush_at_exit() -> None:
    # Only a process whose flusher thread ran owns its buffer's fate; with the thread off
    # (EVENTS_FLUSH_SECONDS=0, as under pytest) the buffer is left to flush() and the worker
    # job, and nothing is written while the interpreter shuts down.
    if _state.flusher is None or not _state.pending:
        return
    try:
        flush_buffer()
    except Exception:
        logger.warning("events: %d events lost at exit", len(_state.pending), exc_info=True)


def _after_fork() -> None:
    # A forked web worker starts empty: the parent's events are the parent's to write (and
    # would be skipped as duplicates anyway), its thread and Redis connection are not ours.
    global _state
    _state = _State()


atexit.register(_flush_at_exit)
os.register_at_fork(after_in_child=_after_fork)
