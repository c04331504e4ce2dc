"""Storing recorded events: insights' side of `congdong.events`, plugged in as its `sink` by
`InsightsConfig.ready()`.

- `store`: a batch from a process's buffer (or the stream) goes to `rollup.store_batch`, which
  inserts the rows, skipping ids already stored, and adds the new events to the per-day figures
  and reach sketches, all in one transaction.
- `drain_stream` (REDIS_URL set): the worker job reads the stream `events.STREAM` through a
  consumer group in batches, stores each batch, and only then acknowledges (and deletes) its
  entries. A worker killed between insert and acknowledgement leaves the entries pending;
  another flush claims them after `EVENTS_CLAIM_IDLE_MS` and stores them again, which inserts
  nothing, because every event carries its id from the moment it was made.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Iterable

from django.conf import settings

from congdong import events
from congdong.events import RawEvent
from congdong.insights import rollup

logger = logging.getLogger(__name__)

GROUP = "congdong-flush"
# Entries taken per read; each holds one submit()'s events (one to a few hundred).
STREAM_READ = 100
# A flush drains at most this many batches, so one job run stays short; the next run goes on.
MAX_BATCHES = 50


def store(batch: Iterable[RawEvent]) -> int:
    """Store `batch` exactly once (`rollup.store_batch`); returns how many events were new."""
    return rollup.store_batch(list(batch))


def _consumer() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def _ensure_group(client) -> None:
    import redis

    try:
        client.xgroup_create(events.STREAM, GROUP, id="0", mkstream=True)
    except redis.ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise


def read_stream(
    count: int | None = None, claim_idle_ms: int | None = None
) -> list[tuple[str, RawEvent]]:
    """Take up to `count` entries for this consumer: first those another consumer left
    unacknowledged for `claim_idle_ms`, else new ones. Returns (entry id, event) pairs; an
    entry holds the events of one `submit()`, so several pairs may share an entry id."""
    client = events._redis()
    stream = events.STREAM
    count = count or STREAM_READ
    _ensure_group(client)
    if claim_idle_ms is None:
        # An entry read by a flush that has not acknowledged it for this long is taken over:
        # its worker died, or hangs.
        claim_idle_ms = settings.EVENTS_CLAIM_IDLE_MS
    _next, entries, *_deleted = client.xautoclaim(
        stream, GROUP, _consumer(), min_idle_time=claim_idle_ms, start_id="0-0", count=count
    )
    if not entries:
        answer = client.xreadgroup(GROUP, _consumer(), {stream: ">"}, count=count)
        entries = answer[0][1] if answer else []
    taken = []
    for entry_id, fields in entries:
        if not fields:
            continue  # deleted while pending
        try:
            taken += [(entry_id, RawEvent.unpacked(item)) for item in json.loads(fields["e"])]
        except (KeyError, ValueError, TypeError):
            logger.error("events: dropping a malformed stream entry %s: %r", entry_id, fields)
            client.xack(stream, GROUP, entry_id)
            client.xdel(stream, entry_id)
    return taken


def acknowledge(entry_ids: list[str]) -> None:
    """Mark entries as stored: acknowledged in the group and deleted from the stream."""
    if entry_ids:
        client = events._redis()
        with client.pipeline(transaction=False) as pipe:
            pipe.xack(events.STREAM, GROUP, *entry_ids)
            pipe.xdel(events.STREAM, *entry_ids)
            pipe.execute()


def drain_stream(max_batches: int = MAX_BATCHES, claim_idle_ms: int | None = None) -> int:
    """Move events from the Redis stream into the table, batch by batch; returns how many."""
    done = 0
    for _ in range(max_batches):
        taken = read_stream(claim_idle_ms=claim_idle_ms)
        if not taken:
            break
        store(event for _entry, event in taken)
        # Acknowledged only once the rows are committed (or, inside a caller's transaction,
        # written to it): a crash before this line means the entries are read again.
        acknowledge(list(dict.fromkeys(entry for entry, _event in taken)))
        done += len(taken)
    return done
