"""Today's live counters and reach in Redis, written in the same round trip as the stream."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import timezone

from congdong import events
from congdong.events import EventKind
from congdong.insights import live

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="live figures need REDIS_URL")


def test_submitted_events_show_in_todays_live_figures_of_their_page(pages):
    page = pages.kinh_bac
    client = events._redis()
    day = timezone.localdate()
    client.delete(live.counter_key(page.pk, day), live.reach_key(page.pk, day))
    events.submit(
        [
            events.make(EventKind.PAGE_VIEW, page.pk, visitor="u1"),
            events.make(EventKind.POST_VIEW, page.pk, visitor="u1"),
            events.make(EventKind.PAGE_VIEW, page.pk, visitor="v-abc"),
            events.make(EventKind.REACTION, page.pk, user_id=1, visitor="u1"),
        ]
    )
    assert live.today(page.pk) == {"impressions": 3, "reactions": 1, "reach": 2}
    assert client.ttl(live.counter_key(page.pk, day)) > 0
