"""A published post on phường Kinh Bắc's page, and a clean slate of events for each test.

Tests run in both modes: the in-process buffer (no REDIS_URL) and the Redis stream (the
PostgreSQL pass sets REDIS_URL=redis://127.0.0.1:6379/15), against the real Redis.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache

from congdong import events
from congdong.insights.models import Event
from congdong.posts.models import Post
from tests.posts.conftest import Pages, pages, published, regulation

__all__ = ["pages", "regulation"]  # fixtures used here, defined there


@pytest.fixture(autouse=True)
def no_events_yet(db) -> Iterator[None]:
    """Nothing buffered, streamed or stored from earlier tests; no rate-limit counts left."""
    events._state.pending.clear()
    if settings.REDIS_URL:
        events._redis().delete(events.STREAM)
    Event.objects.all().delete()
    cache.clear()
    yield
    events._state.pending.clear()


@pytest.fixture
def post(personas, pages: Pages) -> Post:
    return published(personas["kinhbac.canbo"], personas["bacninh.quantri"], pages.kinh_bac)
