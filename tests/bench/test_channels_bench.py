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
    assert figures["facebook_delivered"] == 12
    assert figures["facebook_duplicates"] == figures["zalo_duplicates"] == 0
    assert figures["facebook_lost"] == 0
    # Zalo keeps no list of broadcasts: a try cut inside the broadcast call (the kill, or a
    # timeout on a busy machine) leaves one nobody can check, so that delivery fails with its
    # reason for a person to decide and is never sent again. Whether that happens is the
    # machine's timing; what holds is that nothing goes twice and nothing is lost unsaid.
    held = figures["zalo_held_for_a_person"]
    assert figures["zalo_lost"] <= held
    expected = {"sent": 24 - held} | ({"failed": held} if held else {})
    assert figures["states"] == expected
    assert figures["worker_killed"] is True
    assert figures["rate_limit_burst"] == 10
    assert figures["minimum_seconds"] >= 0 and figures["seconds"] > 0
    assert figures["peak_rss_mb"] > 0
    assert report["goals"]["facebook: 0 duplicates, 0 lost"] is True
    if figures["webhook_intake"] is None:
        assert report["goal_met"] is False
