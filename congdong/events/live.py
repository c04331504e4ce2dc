"""Today's figures as they happen, in Redis (only when REDIS_URL is set): the write side.

`submit()` adds every event here in the same pipeline as its stream entry: HINCRBY of the
page's counter for the event's column and PFADD of the visitor to the page's reach for the
day. Workers turn the stream into the stored figures a few seconds later; these keys answer
"right now" without waiting for that (`insights.live.today` reads them), and expire after two
days. They are a view, never the truth: a replayed submit counts twice here, never in the
stored figures.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from congdong.events.kinds import KIND_COUNTS, SEEN_KINDS

if TYPE_CHECKING:
    from congdong.events import RawEvent

KEEP_SECONDS = 2 * 86_400


def counter_key(page_id: int, day: datetime.date) -> str:
    return f"congdong:live:{day:%Y%m%d}:{page_id}"


def reach_key(page_id: int, day: datetime.date) -> str:
    return f"congdong:reach:{day:%Y%m%d}:{page_id}"


def add(pipe, events: Iterable[RawEvent]) -> None:
    """Queue the commands for `events` on a Redis pipeline: one HINCRBY per page and column,
    one PFADD per page, whatever the number of events."""
    counts: Counter[tuple[int, datetime.date, str]] = Counter()
    visitors: dict[tuple[int, datetime.date], set[str]] = defaultdict(set)
    for event in events:
        adds = KIND_COUNTS.get(event.kind)
        if adds is None:
            continue
        day = timezone.localdate(event.at)
        for column, n in adds.items():
            counts[(event.page_id, day, column)] += n
        if event.kind in SEEN_KINDS and event.visitor:
            visitors[(event.page_id, day)].add(event.visitor)
    for (page_id, day, column), n in counts.items():
        pipe.hincrby(counter_key(page_id, day), column, n)
    for (page_id, day), seen in visitors.items():
        pipe.pfadd(reach_key(page_id, day), *seen)
    for page_id, day in {(page, day) for page, day, _column in counts}:
        pipe.expire(counter_key(page_id, day), KEEP_SECONDS)
        pipe.expire(reach_key(page_id, day), KEEP_SECONDS)
