"""Stored figures from raw events: the write side of insights.

`store_batch()` runs in the same transaction as nothing else: it inserts the batch's raw
events, skipping ids already stored (`INSERT … ON CONFLICT DO NOTHING RETURNING id`), and adds
**only the events that were new** to the per-day counters (`DayCount`) and reach sketches
(`ReachSketch`) of the page's unit and every unit above it. So a replayed batch, or a worker
killed half way (its transaction rolls back, its stream entries stay unacknowledged and are
read again), neither loses nor double-counts anything.

Counters and sketches are read, added to and written back; writers are serialised by a
transaction-level advisory lock on PostgreSQL and by the database's single writer on SQLite.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from congdong.core import versions
from congdong.core.bulk import rows_source
from congdong.events.kinds import KIND_COUNTS, SEEN_KINDS
from congdong.insights import sketches
from congdong.insights.models import (
    COUNT_COLUMNS,
    DayCount,
    Event,
    ReachSketch,
    Source,
    Span,
)

if TYPE_CHECKING:
    from congdong.events import RawEvent

# pg_advisory_xact_lock key: "insights" in ASCII.
LOCK_KEY = 0x696E7369676874
# The version of the stored figures (`figures_version`, core.versions).
VERSION = "insights:figures"
INSERT_CHUNK = 1000
_COLUMNS = ("id", "kind", "page_id", "post_id", "user_id", "visitor", "at", "day")


class _Place:
    """Where a page sits: its unit, the unit's level, and the units from it up to the root."""

    __slots__ = ("chain", "level", "unit_id")

    def __init__(self, unit_id: int, level: str, chain: tuple[int, ...]) -> None:
        self.unit_id, self.level, self.chain = unit_id, level, chain


def lock_figures() -> None:
    """Inside a transaction: the figures have one writer at a time until it commits (on
    PostgreSQL; SQLite lets one writer in anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def store_batch(batch: Sequence[RawEvent]) -> int:
    """Store `batch` and add its new events to the figures; returns how many were new."""
    if not batch:
        return 0
    with transaction.atomic():
        lock_figures()
        new = _insert_new(batch)
        if new:
            add_to_figures(new)
    return len(new)


def _insert_new(batch: Sequence[RawEvent]) -> list[RawEvent]:
    ops = connection.ops
    table = ops.quote_name(Event._meta.db_table)
    columns = ", ".join(ops.quote_name(Event._meta.get_field(name).column) for name in _COLUMNS)
    # The id as the backend stores a UUIDField: native uuid on PostgreSQL, hex text on SQLite.
    native_uuid = connection.features.has_native_uuid_field
    by_id = {event.id: event for event in batch}
    inserted: list[RawEvent] = []
    events = list(by_id.values())
    day_of: dict[datetime.date, object] = {}
    local_day = local_days()
    for start in range(0, len(events), INSERT_CHUNK):
        chunk = events[start : start + INSERT_CHUNK]
        rows: list[tuple[object, ...]] = []
        for event in chunk:
            day = local_day(event.at)
            if day not in day_of:
                day_of[day] = ops.adapt_datefield_value(day)
            rows.append(
                (
                    event.id if native_uuid else event.id.hex,
                    event.kind,
                    event.page_id,
                    event.post_id,
                    event.user_id,
                    event.visitor,
                    ops.adapt_datetimefield_value(event.at),
                    day_of[day],
                )
            )
        source, params = rows_source(connection, Event, _COLUMNS, rows)
        sql = f"INSERT INTO {table} ({columns}) {source} ON CONFLICT (id) DO NOTHING RETURNING id"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            done = [uuid.UUID(str(value)) for (value,) in cursor.fetchall()]
        inserted += [by_id[event_id] for event_id in done]
    return inserted


def figures_version() -> int:
    """A number that changes whenever stored figures change: reads of figures are cached
    under it (insights.dashboard)."""
    return versions.current(VERSION)


def add_to_figures(events: Iterable[RawEvent]) -> None:
    """Add `events` (stored once each) to the counters and sketches; inside a transaction."""
    events = list(events)
    versions.bump(VERSION)
    places = _places({event.page_id for event in events})
    counts: dict[tuple[int, str, str, datetime.date], dict[str, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    seen: dict[tuple[int, bool, str, datetime.date], set[str]] = defaultdict(set)
    local_day = local_days()
    for event in events:
        place = places.get(event.page_id)
        adds = KIND_COUNTS.get(event.kind)
        if place is None or adds is None:
            continue  # a page deleted meanwhile, or a kind that counts nothing
        day = local_day(event.at)
        month = day.replace(day=1)
        quarter = quarter_of(day)
        for unit_id in place.chain:
            for span, start in ((Span.DAY, day), (Span.MONTH, month), (Span.QUARTER, quarter)):
                row = counts[(unit_id, place.level, span, start)]
                for column, n in adds.items():
                    row[column] += n
        if event.kind in SEEN_KINDS and event.visitor:
            spans = (
                (Span.DAY, day),
                (Span.TEN_DAYS, ten_days_of(day)),
                (Span.MONTH, month),
                (Span.QUARTER, quarter),
            )
            for span, start in spans:
                seen[(place.unit_id, True, span, start)].add(event.visitor)
                for unit_id in place.chain:
                    seen[(unit_id, False, span, start)].add(event.visitor)
    _add_counts(counts)
    _add_seen(seen)


def local_days() -> Callable[[datetime.datetime], datetime.date]:
    """`timezone.localdate` for many instants, converting once per quarter of an hour: every
    time zone's offset is a whole number of quarters (UTC+7 here, +5:45 the oddest), so all the
    instants of one quarter fall on the same local day. A batch of events spans few of them."""
    zone = timezone.get_current_timezone()
    known: dict[int, datetime.date] = {}

    def local_day(at: datetime.datetime) -> datetime.date:
        quarter = int(at.timestamp()) // 900
        day = known.get(quarter)
        if day is None:
            day = known[quarter] = at.astimezone(zone).date()
        return day

    return local_day


def quarter_of(day: datetime.date) -> datetime.date:
    """The first day of the calendar quarter holding `day`."""
    return datetime.date(day.year, day.month - (day.month - 1) % 3, 1)


def ten_days_of(day: datetime.date) -> datetime.date:
    """The first day of `day`'s ten days: the 1st, the 11th or the 21st."""
    return day.replace(day=min(day.day - (day.day - 1) % 10, 21))


def _places(page_ids: set[int]) -> dict[int, _Place]:
    from congdong.pages.models import Page
    from congdong.units.models import Unit

    rows = list(
        Page.objects.filter(pk__in=page_ids).values_list(
            "pk", "unit_id", "unit__level", "unit__path"
        )
    )
    step = Unit.steplen
    prefixes = {path[:end] for *_rest, path in rows for end in range(step, len(path) + 1, step)}
    ids = dict(Unit.objects.filter(path__in=prefixes).values_list("path", "pk"))
    return {
        page_id: _Place(
            unit_id,
            level,
            tuple(ids[path[:end]] for end in range(len(path), 0, -step)),
        )
        for page_id, unit_id, level, path in rows
    }


def _add_counts(counts: dict[tuple[int, str, str, datetime.date], dict[str, int]]) -> None:
    add_counts(counts, Source.SITE, COUNT_COLUMNS)


def add_counts(
    counts: dict[tuple[int, str, str, datetime.date], dict[str, int]],
    source: str,
    columns: Sequence[str],
) -> None:
    """Add `counts` ((unit, level, span, day) → column → n) to the `source` rows, creating
    them as needed: one upsert that adds to what is there (no read; right under concurrent
    writers). Imported figures (insights.imported) come through here too."""
    keys = ("unit_id", "level", "span", "day", "source")
    _date = _dates()
    rows = [
        (unit_id, level, span, _date(day), source, *(added.get(c, 0) for c in columns))
        for (unit_id, level, span, day), added in counts.items()
    ]
    table = DayCount._meta.db_table
    adds = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    _upsert(DayCount, (*keys, *columns), ("unit_id", "span", "day", "level", "source"), adds, rows)


def _add_seen(seen: dict[tuple[int, bool, str, datetime.date], set[str]]) -> None:
    if not seen:
        return
    existing = {
        (unit_id, own, span, start): blob
        for unit_id, own, span, start, blob in ReachSketch.objects.filter(
            unit_id__in={key[0] for key in seen}, start__in={key[3] for key in seen}
        ).values_list("unit_id", "own", "span", "start", "sketch")
    }
    rows = []
    _date = _dates()
    for key, visitors in seen.items():
        sketch = sketches.load(existing.get(key))
        # In a fixed order: the estimate (HIP) depends on the order of the updates, and a set
        # of strings is iterated in an order that changes with each process's hash seed, so
        # the same events gave slightly different reach from one run to the next.
        sketches.add(sketch, sorted(visitors))
        unit_id, own, span, start = key
        rows.append(
            (unit_id, own, span, _date(start), sketches.dump(sketch), sketches.estimate(sketch))
        )
    columns = ("unit_id", "own", "span", "start", "sketch", "estimate")
    update = "sketch = excluded.sketch, estimate = excluded.estimate"
    _upsert(ReachSketch, columns, ("unit_id", "own", "span", "start"), update, rows)


def _dates() -> Callable[[datetime.date], object]:
    # A date as the backend takes it: the date itself on PostgreSQL, ISO text on SQLite.
    return (lambda day: day) if connection.vendor == "postgresql" else datetime.date.isoformat


def _upsert(
    model: type[DayCount] | type[ReachSketch],
    columns: Sequence[str],
    conflict: Sequence[str],
    update: str,
    rows: list[tuple],
) -> None:
    """INSERT … ON CONFLICT (conflict) DO UPDATE SET update, in chunks (SQLite ≥ 3.24, and
    PostgreSQL)."""
    if not rows:
        return
    per_chunk = max(1, 30_000 // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_chunk):
            source, params = rows_source(
                connection, model, columns, rows[start : start + per_chunk]
            )
            cursor.execute(
                f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) {source} "
                f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {update}",
                params,
            )


def prune(before: datetime.date) -> int:
    """Delete raw events of days before `before`; the figures built from them stay."""
    start = datetime.datetime.combine(before, datetime.time(), timezone.get_current_timezone())
    deleted, _detail = Event.objects.filter(at__lt=start).delete()
    return deleted
