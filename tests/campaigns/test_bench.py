"""`congdong bench publish-down --json` prints one JSON object with goal_met (no timing asserts)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

# The bench makes its own SQLite database whichever the suite's: CI runs it once, in the
# SQLite pass (`--database-url postgres://…` measures PostgreSQL).
pytestmark = [pytest.mark.slow, pytest.mark.backend_neutral]


def test_the_benchmark_prints_one_json_object_with_goal_met(capsys):
    call_command("bench", "publish-down", "--json")
    out = capsys.readouterr().out.strip()
    report = json.loads(out)
    assert report["benchmark"] == "publish-down"
    assert isinstance(report["goal_met"], bool)
    assert report["figures"]["pages_reached_full"] == 11_367  # every page below the centre
    assert report["figures"]["pages_reached_tenth"] > 1_000
    assert len(report["goals"]) == 2
