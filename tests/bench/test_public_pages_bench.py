"""`congdong bench public-pages --json` at a tiny scale: one JSON object with its figures and
goals (no timing asserts — the figures belong to the machine, not to the test)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

# The bench builds and serves its own SQLite database whichever the suite's: CI runs it once,
# in the PostgreSQL pass (`--database-url postgres://…` measures PostgreSQL).
pytestmark = [pytest.mark.slow, pytest.mark.backend_neutral(run_in="postgres")]


def test_the_benchmark_prints_its_figures_and_goals_as_one_json_object(capsys):
    call_command("bench", "public-pages", "--json", "--followers", "300", "--seconds", "1")
    report = json.loads(capsys.readouterr().out.strip())
    assert report["benchmark"] == "public-pages"
    figures = report["figures"]
    for name in ("hello", "cached", "uncached"):
        assert figures[f"{name}_rps"] > 0
        assert figures[f"{name}_errors"] == 0
    # The cached figure really is of cached pages: after a miss per worker process, hits.
    assert figures["cached_hits_of_20"] >= 18 and figures["cached_x_cache"] == "hit"
    assert figures["load_tool"] in ("wrk", "python (threads, http.client keep-alive)")
    assert figures["feed_pages"] == 10 and figures["feed_followers_per_page"] == 300
    assert figures["feed_follow_rows"] == 10 * 300 + 10
    assert figures["feed_p95_ms"] >= figures["feed_p50_ms"] > 0
    assert figures["peak_rss_mb"] > 0
    assert len(report["goals"]) == 3
    # A run below a million followers per page never claims the feed goal.
    assert report["goals"]["feed p95 < 50 ms (10 pages × 1 M followers)"] is False
    assert report["goal_met"] is False
    assert set(report["machine"]) >= {"python", "cpus"}
