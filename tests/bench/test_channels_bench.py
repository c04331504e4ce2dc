"""`congdong bench channels --json` at a tiny scale: every page's Facebook Page and Zalo OA get
the campaign exactly once, through a worker killed with -9 and a burst of rate-limit answers
(no timing asserts — the figures belong to the machine, not to the test)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.slow


def test_the_benchmark_delivers_once_through_a_kill_and_a_burst(capsys, bench_database):
    call_command("bench", "channels", "--json", "--pages", "12", *bench_database)
    report = json.loads(capsys.readouterr().out.strip())
    assert report["benchmark"] == "channels"
    figures = report["figures"]
    assert figures["pages"] == 12
    assert figures["facebook_delivered"] == figures["zalo_delivered"] == 12
    assert figures["facebook_duplicates"] == figures["zalo_duplicates"] == 0
    assert figures["facebook_lost"] == figures["zalo_lost"] == 0
    assert figures["states"] == {"sent": 24}
    assert figures["worker_killed"] is True
    assert figures["rate_limit_burst"] == 10
    assert figures["minimum_seconds"] >= 0 and figures["seconds"] > 0
    assert figures["peak_rss_mb"] > 0
    assert report["goals"]["facebook: 0 duplicates, 0 lost"] is True
    if figures["webhook_intake"] is None:
        assert report["goal_met"] is False
