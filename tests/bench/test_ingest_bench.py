"""`congdong bench ingest --json` at a tiny scale: one JSON object with its figures and goals
(no timing asserts — the figures belong to the machine, not to the test)."""

from __future__ import annotations

import json
import os

import pytest
import redis
from django.core.management import call_command

pytestmark = pytest.mark.slow

REDIS = os.environ.get("REDIS_URL", "")


def redis_up() -> bool:
    if not REDIS:
        return False  # the pass without Redis
    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not redis_up(), reason="runs in the pass with Redis (REDIS_URL)")
def test_the_benchmark_measures_both_paths_and_the_flush_and_cleans_up(capsys):
    client = redis.Redis.from_url(REDIS)
    before = set(client.keys("congdong-bench:*"))
    call_command("bench", "ingest", "--json", "--events", "3000", "--redis-url", REDIS)
    report = json.loads(capsys.readouterr().out.strip())
    assert report["benchmark"] == "ingest"
    figures = report["figures"]
    assert figures["events"] == 3000 and figures["batch"] == 500
    assert figures["stream_entries"] == 6  # one entry per submitted batch
    assert figures["ours_events_per_s"] > 0 and figures["minimal_events_per_s"] > 0
    assert figures["flush_events_per_s"] > 0
    assert figures["ours_over_minimal"] == pytest.approx(
        figures["ours_events_per_s"] / figures["minimal_events_per_s"], rel=0.01
    )
    assert set(report["goals"]) == {
        "ours ≥ 50 % of the minimal Redis pipeline",
        "ours ≥ 10,000 events/s",
    }
    assert report["goal_met"] == all(report["goals"].values())
    # Only the bench's own keys were written, and they are gone.
    assert set(client.keys("congdong-bench:*")) == before == set()
    assert not client.keys("congdong:live:2001*")


def test_without_redis_the_benchmark_says_so_and_meets_no_goal(capsys):
    call_command("bench", "ingest", "--json", "--redis-url", "redis://127.0.0.1:1/0")
    report = json.loads(capsys.readouterr().out.strip())
    assert "Redis unreachable at redis://127.0.0.1:1/0" in report["figures"]["error"]
    assert report["goal_met"] is False and not any(report["goals"].values())
