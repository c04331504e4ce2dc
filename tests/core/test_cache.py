"""The cache works on the configured backend: memory on a laptop, Redis when REDIS_URL is set."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.cache import cache


def test_cache_backend_follows_redis_url():
    expected = "RedisCache" if os.environ.get("REDIS_URL") else "LocMemCache"
    assert settings.CACHES["default"]["BACKEND"].endswith(expected)


def test_cache_round_trip_on_the_configured_backend():
    cache.set("congdong:test:key", {"tỉnh": "Bắc Ninh"}, timeout=30)
    assert cache.get("congdong:test:key") == {"tỉnh": "Bắc Ninh"}
    cache.delete("congdong:test:key")
    assert cache.get("congdong:test:key") is None
