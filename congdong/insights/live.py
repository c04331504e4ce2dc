"""Today's figures as they happen, in Redis (only when REDIS_URL is set): the read side.

Recording adds every event to the page's counters and reach of the day (`events.live`, in the
same pipeline as its stream entry); this answers "right now" from them without waiting for
the stored figures. A view, never the truth: a replayed submit counts twice here, never in
the stored figures.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from congdong import events
from congdong.events.live import counter_key, reach_key


def today(page_id: int) -> dict[str, int] | None:
    """The page's counters and reach for today so far, or None without Redis."""
    if not settings.REDIS_URL:
        return None
    day = timezone.localdate()
    client = events._redis()
    with client.pipeline(transaction=False) as pipe:
        pipe.hgetall(counter_key(page_id, day))
        pipe.pfcount(reach_key(page_id, day))
        counters, reach = pipe.execute()
    figures = {column: int(n) for column, n in counters.items()}
    figures["reach"] = int(reach)
    return figures
