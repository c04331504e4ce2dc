"""`congdong bench audit-chain`: a small run prints one JSON object with both costs side by
side, a clean log verified intact and the planted change named (no timing is asserted)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command


@pytest.mark.slow
def test_the_benchmark_measures_both_ways_and_names_the_planted_change(capsys, bench_database):
    call_command("bench", "audit-chain", "--json", "--events", "300", *bench_database)
    report = json.loads(capsys.readouterr().out.strip())
    assert report["benchmark"] == "audit-chain"
    figures = report["figures"]
    assert figures["rows_each_way"] == 300 and figures["verify_rows"] == 600
    assert figures["plain_seconds"] > 0 and figures["chained_seconds"] > 0
    # The ratio is taken before the seconds are rounded to milliseconds.
    assert figures["chained_over_plain"] == pytest.approx(
        figures["chained_seconds"] / figures["plain_seconds"], rel=0.05
    )
    assert figures["verify_intact"] is True
    assert figures["planted_change_named"] is True
    assert report["goals"]["a row changed past the app is named"] is True
    assert report["goal_met"] == all(report["goals"].values())
